/**
 * The walk's VMAs (WalkResult.vmas, as hex DTOs) placed on its pages: which page span each covers, whether it runs
 * past either end of the walk, what class of mapping it is for colouring, and the text the map shows for it.
 */
import type { VmaDto } from '../../protocol/messages';

/** How hmm_vma_walk_test treats the VMA: walked, or filled with ERROR / -EFAULT (VM_IO, VM_PFNMAP, no VM_READ). */
export type VmaClass = 'walked' | 'not-mirrored';

export interface VmaSpan {
  readonly vma: VmaDto;
  /** pages [first, end) of the walk the VMA covers */
  readonly first: number;
  readonly end: number;
  /** the VMA starts before / ends after the walked range */
  readonly before: boolean;
  readonly after: boolean;
  readonly cls: VmaClass;
}

export function vmaClass(v: VmaDto): VmaClass {
  const f = new Set(v.flags);
  return f.has('VM_IO') || f.has('VM_PFNMAP') || !f.has('VM_READ') ? 'not-mirrored' : 'walked';
}

/** Spans of the VMAs that overlap pages [0, pages) of a walk starting at `start`, in address order. */
export function vmaSpans(vmas: readonly VmaDto[], start: bigint | null, pageSize: number, pages: number): VmaSpan[] {
  if (start === null || pages <= 0) return [];
  const ps = BigInt(pageSize);
  const endAddr = start + BigInt(pages) * ps;
  const out: VmaSpan[] = [];
  for (const vma of vmas) {
    const s = BigInt(vma.start);
    const e = BigInt(vma.end);
    if (e <= start || s >= endAddr) continue;
    const first = s <= start ? 0 : Number((s - start) / ps);
    const end = e >= endAddr ? pages : Number((e - start + ps - 1n) / ps);
    out.push({ vma, first, end, before: s < start, after: e > endAddr, cls: vmaClass(vma) });
  }
  return out;
}

/** The span holding page `page`, if any. */
export function spanAt(spans: readonly VmaSpan[], page: number): VmaSpan | undefined {
  return spans.find((s) => s.first <= page && page < s.end);
}

/** Short label drawn inside the VMA box: `heap  rw-  VM_READ|VM_WRITE`. */
export function vmaLabel(v: VmaDto): string {
  return [v.name, v.prot, v.flags.length ? v.flags.join('|') : 'no flags'].filter((x) => x).join('  ');
}

/** Tooltip lines for a VMA: name, range and size, prot and flags, backing, and how the walk treats it. */
export function vmaTooltip(s: VmaSpan, pageSize: number): string[] {
  const v = s.vma;
  const pages = (BigInt(v.end) - BigInt(v.start)) / BigInt(pageSize);
  const lines = [
    `VMA${v.name ? ` "${v.name}"` : ''} ${v.start}–${v.end} (${pages.toLocaleString('en-US')} pages)`,
    `  ${v.prot} ${v.flags.length ? v.flags.join('|') : '(no VM_ flags)'}`,
    `  ${v.backing}`,
  ];
  if (s.before || s.after) lines.push(`  continues ${[s.before ? 'below' : '', s.after ? 'above' : ''].filter(Boolean).join(' and ')} the walked range`);
  if (s.cls === 'not-mirrored') {
    lines.push('  not mirrored: the walk fills ERROR (-EFAULT if a fault is requested)');
  }
  return lines;
}

/**
 * Markdown text of the hovers (no vscode import, so it is unit-testable): a decoded pfn word, and the per-release
 * values of an HMM_PFN_* name.
 */
import { formatSize, hex } from '../../core/layouts/bits';
import { constantHistory, hmmConstant } from '../../core/layouts/constants';
import { orderMeaning } from '../../core/layouts/orders';
import type { DecodedPfn } from '../../core/layouts/types';
import { hex64 } from '../pfnToken';

export interface LayoutSourceText {
  /** e.g. "scenario kernel v5.10", "setting hmm.kernel = latest" */
  readonly from: string;
  /** a problem with the configured kernel id, shown as a warning */
  readonly problem?: string;
}

function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => '\\' + c);
}

export function commandLink(title: string, command: string, args: unknown[], tooltip?: string): string {
  const q = encodeURIComponent(JSON.stringify(args));
  return `[${title}](command:${command}?${q}${tooltip ? ` "${tooltip.replace(/"/g, "'")}"` : ''})`;
}

/** The hover for one decoded u64 word. */
export function pfnHoverMarkdown(d: DecodedPfn, src: LayoutSourceText, pageSize: number): string {
  const l = d.layout;
  const lines: string[] = [];
  const flags = d.value ? d.value : d.flags.length ? d.flags.join(' ') : 'none (0)';
  lines.push(`**HMM pfn** \`${hex64(d.raw)}\` — layout **${esc(l.id)}** (${esc(src.from)})`, '');
  lines.push('| | |', '|---|---|');
  lines.push(`| flags | \`${flags}\` |`);
  if (!d.value) {
    lines.push(`| pfn | \`${hex(d.pfn)}\` |`);
    lines.push(`| physical address | \`${hex(d.physAddr)}\` (page size ${formatSize(BigInt(pageSize))}) |`);
    if (l.order) {
      lines.push(`| order | ${d.order} → ${formatSize(d.mappingSize)} mapping |`);
      // the order alone never says THP or hugetlb: what it can be with this page size (the trace's state says which)
      if (d.order > 0) lines.push(`| can be | ${esc(orderMeaning(d.order, pageSize).text)} |`);
    }
    else lines.push(`| order | no order field in this layout (${formatSize(d.mappingSize)} page) |`);
  }
  const stickyDefs = l.flags.filter((f) => f.direction === 'inout');
  if (stickyDefs.length > 0) {
    const set = stickyDefs.filter((f) => d.flags.includes(f.name)).map((f) => f.name);
    lines.push(`| sticky (in/out) | ${set.length ? '`' + set.join(' ') + '`' : 'none set'} |`);
  }
  lines.push('', `*${esc(d.meaning)}*`);
  if (d.problems.length > 0) {
    lines.push('', '**Problems:**');
    for (const p of d.problems) lines.push(`- $(warning) ${esc(p)}`);
  }
  if (src.problem) lines.push('', `$(warning) ${esc(src.problem)}`);
  lines.push('', `${esc(l.title)}`, '');
  lines.push([
    commandLink('Open in Inspector', 'hmm.inspectValues', [hex64(d.raw), l.id], 'Show this word in the HMM inspector'),
    commandLink('Switch Layout…', 'hmm.selectKernelLayout', [], 'Pick the kernel whose layout decodes values (hmm.kernel)'),
    commandLink('Decode', 'hmm.decodePfn', [hex64(d.raw)], 'Decode with HMM: Decode PFN Value'),
  ].join(' · '));
  return lines.join('\n');
}

function valueText(v: bigint): string {
  return v > 0xffffn ? '`' + hex(v) + '`' : '`' + v.toString() + '`';
}

/** The hover for a C name like HMM_PFN_ORDER_SHIFT: its value in `kernel`, then its history. Undefined if unknown. */
export function constantHoverMarkdown(name: string, kernel: string): string | undefined {
  const history = constantHistory(name);
  if (history.length === 0) return undefined;
  const now = hmmConstant(name, kernel);
  const lines: string[] = [];
  lines.push(`**${esc(name)}**` + (now ? ` = ${valueText(now.value)} in ${esc(kernel)}` : ` — not defined in ${esc(kernel)}`), '');
  if (now) lines.push(`*${esc(now.doc)}*`, '');
  lines.push('| kernel | value | meaning |', '|---|---|---|');
  for (const e of history) {
    const when = e.proposal ? `${e.since} (not merged)` : e.until ? (e.until === e.since ? e.since : `${e.since}–${e.until}`) : `${e.since}+`;
    lines.push(`| ${esc(when)} | ${valueText(e.value)} | ${esc(e.doc)} |`);
  }
  lines.push('', commandLink('Switch Layout…', 'hmm.selectKernelLayout', [], 'Pick the kernel (hmm.kernel)'));
  return lines.join('\n');
}

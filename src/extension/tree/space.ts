/**
 * The address space after a run, as the tree shows it: the VMAs each walk met (WalkResult.vmas, as the walk saw
 * them when it returned; a range met by several walks shows the last one) with the page-table states of the last
 * walk over them (from its trace's output events), in runs. Results without VMA lists fall back to the walked ranges.
 */
import type { ScenarioResult, WalkResult } from '../../core/scenario/result';

export interface VmaView {
  readonly start: bigint;
  readonly end: bigint;
  readonly prot: string;
  readonly flags: readonly string[];
  /** private anonymous, file, hugetlb 2M … */
  readonly backing?: string;
  readonly name?: string;
  /** a walked range standing in for VMAs the result did not list */
  readonly derived: boolean;
}

/** A run of consecutive page-table entries in the same state. */
export interface PteRunView {
  readonly start: bigint;
  readonly pages: number;
  /** e.g. 'present-rw', 'none', 'zero-page', 'device-private', 'pmd:thp-rw' */
  readonly state: string;
}

export interface SpaceView {
  readonly vmas: readonly VmaView[];
  /** per VMA index, its entries in runs */
  readonly ptes: readonly (readonly PteRunView[])[];
  /** true when the result had no VMA lists and walked ranges stand in for them */
  readonly derived: boolean;
}

function byStart<T extends { start: bigint }>(a: T, b: T): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/** The states a walk's last attempt stored, as runs of equal state within [lo, hi). */
function pteRuns(w: WalkResult, lo: bigint, hi: bigint): PteRunView[] {
  const ps = BigInt(w.pageSize);
  const last = w.trace.reduce((m, t) => Math.max(m, t.attempt), 0);
  const out: PteRunView[] = [];
  for (const t of w.trace) {
    if (t.kind !== 'output' || t.attempt !== last || t.end <= t.first) continue;
    let s = w.start + BigInt(t.first) * ps;
    let e = w.start + BigInt(t.end) * ps;
    if (s < lo) s = lo;
    if (e > hi) e = hi;
    if (e <= s) continue;
    const state = t.state.replace(/^pte:/, '');
    const pages = Number((e - s) / ps);
    const prev = out[out.length - 1];
    if (prev && prev.state === state && prev.start + BigInt(prev.pages) * ps === s) {
      out[out.length - 1] = { ...prev, pages: prev.pages + pages };
    } else out.push({ start: s, pages, state });
  }
  return out;
}

export function spaceOf(r: ScenarioResult): SpaceView | undefined {
  const withVmas = r.walks.filter((w) => Array.isArray((w as { vmas?: unknown }).vmas));
  if (withVmas.length > 0) {
    const seen = new Map<string, { vma: VmaView; walk: WalkResult }>();
    for (const w of withVmas) {
      for (const v of w.vmas) {
        const key = `${v.start}-${v.end}`;
        seen.delete(key);
        seen.set(key, { walk: w, vma: { start: v.start, end: v.end, prot: v.prot, backing: v.backing, name: v.name,
          flags: v.flags && v.flags !== '0' ? v.flags.split('|') : [], derived: false } });
      }
    }
    if (seen.size === 0) return undefined;
    const list = [...seen.values()].sort((a, b) => byStart(a.vma, b.vma));
    return { vmas: list.map((x) => x.vma), ptes: list.map((x) => pteRuns(x.walk, x.vma.start, x.vma.end)), derived: false };
  }
  const ranges = new Map<string, { vma: VmaView; ptes: PteRunView[] }>();
  for (const w of r.walks) {
    const end = w.start + BigInt(w.pages) * BigInt(w.pageSize);
    const key = `${w.start}:${w.pages}`;
    ranges.delete(key);
    ranges.set(key, { vma: { start: w.start, end, prot: '', flags: [], name: `walk "${w.name}"`, derived: true },
      ptes: pteRuns(w, w.start, end) });
  }
  if (ranges.size === 0) return undefined;
  const sorted = [...ranges.values()].sort((a, b) => byStart(a.vma, b.vma));
  return { vmas: sorted.map((x) => x.vma), ptes: sorted.map((x) => x.ptes), derived: true };
}

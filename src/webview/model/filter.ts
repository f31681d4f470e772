/**
 * Row filters for the pfn grid: the rows shown are a Uint32Array of entry indices (or all entries).
 */
import type { FastLayout } from './fastLayout';

export type RowFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'flag'; readonly name: string }
  | { readonly kind: 'state'; readonly pageKind: number }
  | { readonly kind: 'changed' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'problems' };

export function filterKey(f: RowFilter): string {
  switch (f.kind) {
    case 'flag': return `flag:${f.name}`;
    case 'state': return `state:${f.pageKind}`;
    default: return f.kind;
  }
}

export function parseFilterKey(key: string): RowFilter {
  if (key.startsWith('flag:')) return { kind: 'flag', name: key.slice(5) };
  if (key.startsWith('state:')) return { kind: 'state', pageKind: Number(key.slice(6)) };
  if (key === 'changed' || key === 'mismatch' || key === 'problems') return { kind: key };
  return { kind: 'all' };
}

export interface FilterInput {
  readonly pages: number;
  readonly output: Uint32Array;
  readonly input?: Uint32Array;
  readonly layout: FastLayout;
  readonly kinds: Uint8Array;
  readonly mismatches: readonly number[];
  /** entries whose words have problems, in runs [first, end) (the 'problems' filter) */
  readonly problemRuns?: readonly { readonly first: number; readonly end: number }[];
}

/** Indices of the entries that pass, ascending; undefined means every entry (no filter). */
export function applyFilter(f: RowFilter, d: FilterInput): Uint32Array | undefined {
  if (f.kind === 'all') return undefined;
  if (f.kind === 'mismatch') {
    return Uint32Array.from(new Set(d.mismatches.filter((i) => i >= 0 && i < d.pages))).sort();
  }
  if (f.kind === 'problems') {
    const runs = d.problemRuns ?? [];
    let n = 0;
    for (const r of runs) n += Math.max(0, Math.min(r.end, d.pages) - r.first);
    const out = new Uint32Array(n);
    let j = 0;
    for (const r of runs) for (let i = r.first; i < Math.min(r.end, d.pages); i++) out[j++] = i;
    return out;
  }
  let test: (i: number) => boolean;
  if (f.kind === 'flag') {
    const bit = d.layout.flags.findIndex((x) => x.name === f.name);
    if (bit < 0) return new Uint32Array(0);
    const mask = 1 << bit;
    const w = d.output;
    test = (i) => (d.layout.flagBits(w[2 * i], w[2 * i + 1]) & mask) !== 0;
  } else if (f.kind === 'state') {
    const k = f.pageKind;
    test = (i) => d.kinds[i] === k;
  } else {
    const a = d.input;
    const b = d.output;
    if (!a) return new Uint32Array(0);
    test = (i) => a[2 * i] !== b[2 * i] || a[2 * i + 1] !== b[2 * i + 1];
  }
  let n = 0;
  for (let i = 0; i < d.pages; i++) if (test(i)) n++;
  const out = new Uint32Array(n);
  let j = 0;
  for (let i = 0; i < d.pages && j < n; i++) if (test(i)) out[j++] = i;
  return out;
}

/** Position of entry `index` in the filtered rows (the first row at or after it), for jumps. */
export function rowOfIndex(rows: Uint32Array | undefined, index: number): number {
  if (!rows) return index;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid] < index) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Aggregation of page kinds into screen bins: bin b covers pages [binStart(b), binStart(b+1)) and counts each kind.
 * With fewer pages than bins every page gets its own bin (see `binCount`).
 */
import { KIND_COUNT } from './pageKinds';

export interface Bins {
  readonly count: number;
  readonly pages: number;
  /** first page covered by the slice [first, end) that was binned */
  readonly first: number;
  /** counts[b * KIND_COUNT + kind] */
  readonly counts: Uint32Array;
}

/** Number of bins for `pages` pages on `width` pixels: one per page when they fit, else one per pixel. */
export function binCount(pages: number, width: number): number {
  return Math.max(0, Math.min(pages, Math.floor(width)));
}

/** First page of bin b when `pages` pages are split into `bins` bins. */
export function binStart(b: number, pages: number, bins: number): number {
  return Math.floor((b * pages) / bins);
}

/** Bin of page i. */
export function binOf(i: number, pages: number, bins: number): number {
  return Math.min(bins - 1, Math.floor((i * bins) / pages));
}

/** Bin the kinds of pages [first, end) into `bins` bins. */
export function binKinds(kinds: Uint8Array, bins: number, first = 0, end = kinds.length): Bins {
  const pages = Math.max(0, end - first);
  const counts = new Uint32Array(bins * KIND_COUNT);
  for (let b = 0; b < bins; b++) {
    const s = first + binStart(b, pages, bins);
    const e = first + binStart(b + 1, pages, bins);
    const base = b * KIND_COUNT;
    // runs make this cheap: count a run with one add
    let i = s;
    while (i < e) {
      const k = kinds[i];
      let j = i + 1;
      while (j < e && kinds[j] === k) j++;
      counts[base + k] += j - i;
      i = j;
    }
  }
  return { count: bins, pages, first, counts };
}

/**
 * Segment heights for one bin stacked in `order`: every present kind gets at least `minPx` so a single ERROR page
 * among 16M stays visible; the rest is shared in proportion.
 */
export function stackHeights(counts: Uint32Array, bin: number, order: readonly number[], height: number,
  minPx = 2): { kind: number; px: number }[] {
  const base = bin * KIND_COUNT;
  const present: { kind: number; n: number }[] = [];
  let total = 0;
  for (const k of order) {
    const n = counts[base + k];
    if (n > 0) {
      present.push({ kind: k, n });
      total += n;
    }
  }
  for (let k = 0; k < KIND_COUNT; k++) {
    if (!order.includes(k) && counts[base + k] > 0) {
      present.push({ kind: k, n: counts[base + k] });
      total += counts[base + k];
    }
  }
  if (present.length === 0) return [];
  const reserved = Math.min(height, present.length * minPx);
  const free = height - reserved;
  const out = present.map((p) => ({ kind: p.kind, px: Math.min(minPx, height / present.length) + (free * p.n) / total }));
  return out;
}

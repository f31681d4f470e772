/**
 * Comparing two walks with addresses aligned. Each side is decoded under its own layout into a canonical page state
 * (set of flag names, pfn, order), and rows differ when those states differ, whatever the raw encodings.
 */
import type { FastLayout } from './fastLayout';

export interface Side {
  readonly start: bigint | null;
  readonly pages: number;
  readonly pageSize: number;
  readonly words: Uint32Array;
  readonly layout: FastLayout;
}

export interface Alignment {
  /** rows = addresses of the union of both ranges, one page each */
  readonly rows: number;
  /** entry of A / B at row r is r - offA / r - offB (when within 0..pages-1) */
  readonly offA: number;
  readonly offB: number;
  /** first address (null when both sides have none) */
  readonly start: bigint | null;
  readonly pageSize: number;
  readonly note?: string;
}

export function align(a: Side, b: Side): Alignment {
  if (a.start === null || b.start === null || a.pageSize !== b.pageSize ||
      (a.start - b.start) % BigInt(a.pageSize) !== 0n) {
    const note = a.pageSize !== b.pageSize ? 'page sizes differ: rows aligned by index, not by address'
      : a.start === null || b.start === null ? undefined : 'starts are not page-aligned to each other: rows aligned by index';
    return { rows: Math.max(a.pages, b.pages), offA: 0, offB: 0, start: a.start, pageSize: a.pageSize, note };
  }
  const ps = BigInt(a.pageSize);
  const start = a.start < b.start ? a.start : b.start;
  const offA = Number((a.start - start) / ps);
  const offB = Number((b.start - start) / ps);
  const rows = Math.max(offA + a.pages, offB + b.pages);
  return { rows, offA, offB, start, pageSize: a.pageSize };
}

/** Canonical state of an entry: names (sorted, legacy values mapped to flag-like names), pfn halves, order. */
export function canonical(l: FastLayout, lo: number, hi: number): string {
  const v = l.value(lo, hi);
  if (v === 'NONE') return 'NONE';
  if (v) return v;
  const names = l.flagNames(l.flagBits(lo, hi)).sort();
  const [plo, phi] = l.pfnHalves(lo, hi);
  return `${names.join('|')}/${phi}:${plo}/${l.order(lo, hi)}`;
}

/** Row numbers where the two sides differ (a row present on one side only always differs). */
export function diffRows(a: Side, b: Side, al: Alignment): Uint32Array {
  const out: number[] = [];
  const sameLayout = a.layout.id === b.layout.id;
  let prevKey = '';
  let prevDiff = false;
  for (let r = 0; r < al.rows; r++) {
    const i = r - al.offA;
    const j = r - al.offB;
    const inA = i >= 0 && i < a.pages;
    const inB = j >= 0 && j < b.pages;
    if (!inA || !inB) {
      out.push(r);
      continue;
    }
    const alo = a.words[2 * i], ahi = a.words[2 * i + 1], blo = b.words[2 * j], bhi = b.words[2 * j + 1];
    if (sameLayout) {
      if (alo !== blo || ahi !== bhi) out.push(r);
      continue;
    }
    const key = `${alo},${ahi},${blo},${bhi}`;
    if (key !== prevKey) {
      prevKey = key;
      prevDiff = canonical(a.layout, alo, ahi) !== canonical(b.layout, blo, bhi);
    }
    if (prevDiff) out.push(r);
  }
  return Uint32Array.from(out);
}

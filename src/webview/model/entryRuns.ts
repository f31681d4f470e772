/**
 * The grid as runs: consecutive entries with the same decoded state (flags and order, or a legacy value) and the
 * same page state, as the HMM tree groups them ("0–511 VALID WRITE order=9 ×512"). Runs can be expanded into their
 * entries; rows of the runs grid are runs and the entries of expanded runs.
 */
import type { FastLayout } from './fastLayout';

/** Start of each run, then the end (pages): run r is [starts[r], starts[r + 1]). */
export function entryRuns(words: Uint32Array, pages: number, layout: FastLayout, kinds?: Uint8Array): Uint32Array {
  const starts: number[] = [];
  const mLo = layout.kindMaskLo;
  const mHi = layout.kindMaskHi;
  const values = layout.hasValues;
  let pLo = -1, pHi = -1, pKind = -1;
  let pVal: string | undefined;
  for (let i = 0; i < pages; i++) {
    const lo = words[2 * i], hi = words[2 * i + 1];
    const v = values ? layout.value(lo, hi) : undefined;
    const klo = v ? -2 : lo & mLo;
    const khi = v ? -2 : hi & mHi;
    const kind = kinds ? kinds[i] : 0;
    if (i === 0 || klo !== pLo || khi !== pHi || v !== pVal || kind !== pKind) starts.push(i);
    pLo = klo; pHi = khi; pVal = v; pKind = kind;
  }
  const out = new Uint32Array(starts.length + 1);
  out.set(starts);
  out[starts.length] = pages;
  return out;
}

/** Rows of the runs grid: each run, followed by its entries when it is expanded. */
export class RunRows {
  /** expanded run ids, ascending, and the rows before each (prefix sums of the expansions before it) */
  private expanded: number[] = [];
  private extraBefore: number[] = [];

  constructor(readonly starts: Uint32Array) {}

  get runCount(): number { return this.starts.length - 1; }

  size(r: number): number { return this.starts[r + 1] - this.starts[r]; }

  get rowCount(): number {
    let n = this.runCount;
    for (const r of this.expanded) n += this.size(r);
    return n;
  }

  isExpanded(r: number): boolean {
    return this.find(r) >= 0;
  }

  private find(r: number): number {
    let lo = 0, hi = this.expanded.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.expanded[m] < r) lo = m + 1; else hi = m;
    }
    return lo < this.expanded.length && this.expanded[lo] === r ? lo : -1;
  }

  toggle(r: number): void {
    if (r < 0 || r >= this.runCount || this.size(r) <= 1) return;
    const at = this.find(r);
    if (at >= 0) this.expanded.splice(at, 1);
    else {
      let i = 0;
      while (i < this.expanded.length && this.expanded[i] < r) i++;
      this.expanded.splice(i, 0, r);
    }
    let acc = 0;
    this.extraBefore = this.expanded.map((x) => { const b = acc; acc += this.size(x); return b; });
  }

  /** What row `row` shows: run `run` (entry -1), or entry `entry` inside expanded run `run`. */
  at(row: number): { run: number; entry: number } {
    // rows before the k-th expanded run's header: expanded[k] + extraBefore[k]
    let lo = 0, hi = this.expanded.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.expanded[m] + this.extraBefore[m] < row) lo = m + 1; else hi = m;
    }
    // candidates: the expanded run just before (row may be one of its entries)
    const k = lo - 1;
    if (k >= 0) {
      const r = this.expanded[k];
      const header = r + this.extraBefore[k];
      const off = row - header - 1;
      if (off >= 0 && off < this.size(r)) return { run: r, entry: this.starts[r] + off };
      const extra = this.extraBefore[k] + this.size(r);
      return { run: row - extra, entry: -1 };
    }
    return { run: row, entry: -1 };
  }

  /** The row of run `r`'s header. */
  rowOfRun(r: number): number {
    let extra = 0;
    for (let k = 0; k < this.expanded.length && this.expanded[k] < r; k++) extra += this.size(this.expanded[k]);
    return r + extra;
  }

  /** The run holding entry `i`. */
  runOf(i: number): number {
    let lo = 0, hi = this.runCount;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (this.starts[m + 1] <= i) lo = m + 1; else hi = m;
    }
    return lo;
  }
}

/**
 * Problems of pfn words in the inspector: the core's own check (decodePfn(...).problems, src/core/layouts/explain.ts)
 * — the one the hover and the CLI use — called once per distinct combination of the bits a problem can depend on,
 * so a grid row or a 16M-entry scan costs a cache lookup per word.
 *
 * What a problem depends on: the flag and order bits, the whole high half (the pfn bits a real machine never sets
 * are there), the low bits under a legacy pfn_shift, whether the pfn is 0, and a legacy whole-word value.
 */
import { decodePfn } from '../../core/layouts/decode';
import { MAX_PHYS_ADDR_BITS, U64_MASK } from '../../core/layouts/bits';
import type { DecodedPfn, PfnLayout } from '../../core/layouts/types';
import type { FastLayout } from './fastLayout';

export interface ProblemRun {
  readonly first: number;
  readonly end: number;
  readonly problems: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

export class ProblemCheck {
  private readonly cache = new Map<string, readonly string[]>();
  private readonly lowMask: number;
  private readonly pfnLowMask: number;
  /** pfn bits no real machine sets (the problem's text then names the whole pfn: the key is the whole word) */
  private readonly beyondLo: number;
  private readonly beyondHi: number;

  constructor(readonly layout: FastLayout, readonly pageSize: number) {
    const shiftMask = layout.core.era === 'legacy' && layout.core.pfnShift > 0
      ? (layout.core.pfnShift >= 32 ? 0xffffffff : ((1 << layout.core.pfnShift) - 1) >>> 0) : 0;
    this.lowMask = (layout.kindMaskLo | shiftMask) >>> 0;
    this.pfnLowMask = (~this.lowMask) >>> 0;
    const c = layout.core;
    const pfnBits = MAX_PHYS_ADDR_BITS - Math.round(Math.log2(pageSize > 0 ? pageSize : 4096));
    const shift = c.era === 'legacy' ? c.pfnShift : 0;
    const beyond = ((c.pfnMask << BigInt(shift)) & U64_MASK) & ~((1n << BigInt(pfnBits + shift)) - 1n) & U64_MASK;
    this.beyondLo = Number(beyond & 0xffffffffn) >>> 0;
    this.beyondHi = Number((beyond >> 32n) & 0xffffffffn) >>> 0;
  }

  /** The full decode of one word (the detail pane, the hover's text). */
  decode(lo: number, hi: number): DecodedPfn {
    return decodePfn((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), this.layout.core as PfnLayout, this.pageSize);
  }

  /** decodePfn(word).problems, cached. */
  of(lo: number, hi: number): readonly string[] {
    const v = this.layout.hasValues ? this.layout.value(lo, hi) : undefined;
    const beyond = ((lo & this.beyondLo) | (hi & this.beyondHi)) !== 0;
    const key = v ? `v:${v}` : beyond ? `w:${hi >>> 0}:${lo >>> 0}`
      : `${hi >>> 0}:${(lo & this.lowMask) >>> 0}:${(lo & this.pfnLowMask) !== 0 ? 1 : 0}`;
    let p = this.cache.get(key);
    if (p === undefined) {
      const d = this.decode(lo, hi).problems;
      p = d.length ? Object.freeze(d.slice()) : NONE;
      if (this.cache.size > 100_000) this.cache.clear();
      this.cache.set(key, p);
    }
    return p;
  }

  /** Every run of entries with problems (equal problems merged), at most `maxRuns`. */
  scan(words: Uint32Array, pages: number, maxRuns = 10_000): { runs: ProblemRun[]; entries: number; truncated: boolean } {
    const runs: ProblemRun[] = [];
    let entries = 0;
    let truncated = false;
    let pHi = -1, pLow = -1, pNz = -1;
    let cur: readonly string[] = NONE;
    let runStart = -1;
    const values = this.layout.hasValues;
    for (let i = 0; i <= pages; i++) {
      let p: readonly string[] = NONE;
      if (i < pages) {
        const lo = words[2 * i], hi = words[2 * i + 1];
        const low = (lo & this.lowMask) >>> 0;
        const nz = (lo & this.pfnLowMask) !== 0 ? 1 : 0;
        const v = values ? this.layout.value(lo, hi) : undefined;
        const beyond = ((lo & this.beyondLo) | (hi & this.beyondHi)) !== 0;
        if (!v && !beyond && hi === pHi && low === pLow && nz === pNz) p = cur;
        else {
          p = this.of(lo, hi);
          pHi = v ? -1 : hi; pLow = low; pNz = nz;
        }
      }
      if (p !== cur || i === pages) {
        if (runStart >= 0 && cur.length) {
          if (runs.length < maxRuns) runs.push({ first: runStart, end: i, problems: cur });
          else truncated = true;
          entries += i - runStart;
        }
        runStart = i;
        cur = p;
      }
    }
    return { runs, entries, truncated };
  }
}

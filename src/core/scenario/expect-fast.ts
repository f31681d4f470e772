/**
 * The fast path of checkExpect: each distinct expected entry becomes a mask/value pair on the raw u64 word (flags
 * exact, map order, pfn= and zero when written), compared through 32-bit halves, so a matching page costs two AND
 * and two compares — no bigint, no decode. A page that fails the fast test goes to the exact comparison of
 * ./expect.ts (decode + compareEntry), which also writes the message; so the fast test only has to be
 * *sufficient*: when it says "matches", compareEntry finds nothing wrong. Entries it cannot express that way
 * (a flag the layout cannot show exactly, inconsistent fields, legacy whole-word values with pfn=) are
 * `slow`: every page with such an entry is compared exactly.
 */
import type { PfnLayout } from '../layouts';
import type { ExpectedEntry } from './ast';
import type { PfnInfo } from './expect';

const U64 = (1n << 64n) - 1n;

/** One entry's test: (lo & mlo) === vlo && (hi & mhi) === vhi, then (when `dev`) deviceOf(pfn) === dev. */
export interface FastEntry {
  readonly slow: boolean;
  /**
   * The test is also necessary: a page that fails it certainly mismatches, so once the listed mismatches are full
   * it is only counted, not decoded. True unless the layout has flag masks that are not single, distinct bits.
   */
  readonly exact: boolean;
  readonly mlo: number;
  readonly mhi: number;
  readonly vlo: number;
  readonly vhi: number;
  /** legacy: whole-word values that pass the mask test but decode as a value, not as flags: [lo, hi] pairs */
  readonly valueWords: readonly number[];
  readonly dev?: string;
}

const SLOW: FastEntry = { slow: true, exact: false, mlo: 0, mhi: 0, vlo: 0, vhi: 0, valueWords: [] };

interface Cond { mask: bigint; value: bigint }

/** Both conditions at once; undefined when no word can satisfy both (they disagree on a shared bit). */
function both(a: Cond, b: Cond): Cond | undefined {
  const shared = a.mask & b.mask;
  if ((a.value & shared) !== (b.value & shared)) return undefined;
  return { mask: a.mask | b.mask, value: a.value | b.value };
}

function lo32(v: bigint): number {
  return Number(v & 0xffffffffn) | 0;
}

function hi32(v: bigint): number {
  return Number((v >> 32n) & 0xffffffffn) | 0;
}

function isLegacyValueName(layout: PfnLayout, name: string): boolean {
  return layout.era === 'legacy' && layout.values !== undefined
    && (name === 'ERROR' || name === 'NONE' || name === 'SPECIAL') && layout.values[name] !== undefined;
}

/** The pfn field's condition for `pfn` (modern: word & pfnMask; legacy: (word >> pfn_shift) & pfnMask). */
function pfnCond(layout: PfnLayout, pfn: bigint): Cond | undefined {
  if (pfn < 0n || pfn > layout.pfnMask) return undefined;
  const shift = BigInt(layout.pfnShift);
  const mask = (layout.pfnMask << shift) & U64;
  const value = pfn << shift;
  // pfn bits shifted out of the word can never be read back
  if ((value & ~mask) !== 0n) return undefined;
  return { mask, value };
}

/** Mask/value test of one expected entry under `layout`, or SLOW. */
export function fastEntry(e: ExpectedEntry, layout: PfnLayout, info: PfnInfo): FastEntry {
  const legacyValues = e.flags.filter((f) => isLegacyValueName(layout, f));
  let cond: Cond | undefined;
  let flagBranch = true;
  let exact = true;
  if (layout.era === 'legacy' && layout.values && (legacyValues.length > 0 || e.flags.length === 0)) {
    // compareEntry compares the whole word with the value; its pfn then decodes as 0
    if (e.pfn !== undefined || e.zero || e.dev !== undefined) return SLOW;
    const name = legacyValues.length > 0 ? legacyValues[0] : 'NONE';
    const want = layout.values[name as 'ERROR' | 'NONE' | 'SPECIAL'];
    if (want === undefined) return SLOW;
    cond = { mask: U64, value: want & U64 };
    flagBranch = false;
  } else {
    // the word shows exactly the flags whose masks lie within M when (word & F) === M
    const defs = layout.flags.filter((f) => f.mask !== 0n);
    const all = defs.reduce((a, f) => a | f.mask, 0n);
    const want = new Set(e.flags);
    let m = 0n;
    for (const name of want) {
      const def = defs.find((f) => f.name === name);
      if (!def) return SLOW;
      m |= def.mask;
    }
    // with single, distinct bits the test is exact: the word shows exactly E iff (word & F) === M
    exact = defs.every((f) => (f.mask & (f.mask - 1n)) === 0n) && new Set(defs.map((f) => f.mask)).size === defs.length;
    const shown = new Set(defs.filter((f) => (f.mask & m) === f.mask).map((f) => f.name));
    if (shown.size !== want.size || [...want].some((n) => !shown.has(n))) return SLOW;
    cond = { mask: all & U64, value: m & U64 };
  }
  if (flagBranch && layout.order) {
    const width = BigInt(layout.order.bits);
    const order = BigInt(e.order ?? 0);
    if (order < 0n || order >= 1n << width) return SLOW;
    const shift = BigInt(layout.order.shift);
    cond = both(cond, { mask: (((1n << width) - 1n) << shift) & U64, value: (order << shift) & U64 });
    if (!cond) return SLOW;
  }
  if (!flagBranch && layout.order && (e.order ?? 0) !== 0) return SLOW;
  for (const pfn of [e.pfn, e.zero ? info.zeroPfn : undefined]) {
    if (pfn === undefined) continue;
    const c = pfnCond(layout, pfn);
    cond = c ? both(cond, c) : undefined;
    if (!cond) return SLOW;
  }
  // legacy flag entries: a word equal to a whole-word value decodes as that value, not as flags
  const valueWords: number[] = [];
  if (flagBranch && layout.era === 'legacy' && layout.values) {
    for (const v of [layout.values.NONE, layout.values.ERROR, layout.values.SPECIAL]) {
      if (v !== undefined && (v & cond.mask) === cond.value) valueWords.push(lo32(v), hi32(v));
    }
  }
  return { slow: false, exact, mlo: lo32(cond.mask), mhi: hi32(cond.mask), vlo: lo32(cond.value), vhi: hi32(cond.value),
    valueWords, ...(e.dev !== undefined ? { dev: e.dev } : {}) };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Calls `visit(i, sure)` for every page that needs the exact comparison, in order: its entry is slow or it fails
 * its fast test (`sure`: it certainly mismatches). `entries[i]` is page i's entry (the same object for entries
 * repeated with `*N`); pages past either array are left to the caller. Allocates nothing per page.
 */
export function forEachPageToCompare(entries: readonly ExpectedEntry[], pfns: BigUint64Array, layout: PfnLayout,
  info: PfnInfo, visit: (index: number, sure: boolean) => void): void {
  const n = Math.min(entries.length, pfns.length);
  const u32 = new Uint32Array(pfns.buffer, pfns.byteOffset, pfns.length * 2);
  const loOff = LITTLE_ENDIAN ? 0 : 1;
  const hiOff = 1 - loOff;
  const cache = new Map<ExpectedEntry, FastEntry>();
  const shift = BigInt(layout.pfnShift);
  let lastEntry: ExpectedEntry | undefined;
  let f: FastEntry = SLOW;
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (e === undefined) { visit(i, false); continue; }
    if (e !== lastEntry) {
      let c = cache.get(e);
      if (!c) { c = fastEntry(e, layout, info); cache.set(e, c); }
      f = c;
      lastEntry = e;
    }
    if (f.slow) { visit(i, false); continue; }
    const lo = u32[2 * i + loOff];
    const hi = u32[2 * i + hiOff];
    if ((lo & f.mlo) !== f.vlo || (hi & f.mhi) !== f.vhi) { visit(i, f.exact); continue; }
    const vw = f.valueWords;
    if (vw.length > 0) {
      let isValue = false;
      for (let k = 0; k < vw.length; k += 2) if ((lo | 0) === vw[k] && (hi | 0) === vw[k + 1]) isValue = true;
      // a whole-word value where flags are expected: a mismatch
      if (isValue) { visit(i, f.exact); continue; }
    }
    if (f.dev !== undefined && info.deviceOf((pfns[i] >> shift) & layout.pfnMask) !== f.dev) visit(i, f.exact);
  }
}

/** forEachPageToCompare collected into arrays (for tests and small inputs). */
export function pagesToCompare(entries: readonly ExpectedEntry[], pfns: BigUint64Array, layout: PfnLayout,
  info: PfnInfo): { readonly index: number[]; readonly sure: boolean[] } {
  const index: number[] = [];
  const sure: boolean[] = [];
  forEachPageToCompare(entries, pfns, layout, info, (i, s) => { index.push(i); sure.push(s); });
  return { index, sure };
}

/**
 * Per-layout tables for decodePfn's fast path, built once per layout object: flag masks split into 32-bit halves,
 * the legacy whole-word values as halves, the order field's position in the high half, and one shared, frozen
 * `flags` array per distinct flag combination (so decoding a word allocates no array).
 */
import type { PfnLayout } from './types';

/** A u64 split into 32-bit halves (int32 bit patterns, as Int32Array holds them). */
export interface Halves {
  readonly lo: number;
  readonly hi: number;
}

export interface DecodeTables {
  readonly legacy: boolean;
  /** number of flags with a non-zero mask (flag i of `names` ↔ bit i of a combination code) */
  readonly count: number;
  readonly names: readonly string[];
  readonly flagLo: Int32Array;
  readonly flagHi: Int32Array;
  /** frozen flags arrays by combination code, filled on first use; undefined when there are too many flags */
  readonly combos: (readonly string[] | undefined)[] | undefined;
  /** legacy whole-word values in the order the kernel compares them: NONE, ERROR, SPECIAL (absent: undefined) */
  readonly none?: Halves;
  readonly error?: Halves;
  readonly special?: Halves;
  /** order field read from the high half: hi >>> orderShiftHi & orderMask; -1 when the layout has no order */
  readonly orderShiftHi: number;
  readonly orderMask: number;
  /** the order field does not sit in the high half (only custom layouts): read it with bigint operations */
  readonly orderSlow: boolean;
  /**
   * When every flag lies in one half within a window of at most WINDOW_BITS bits (true of every built-in layout):
   * the flags array of a word is `window.table[(half >>> window.shift) & window.mask]`, one load.
   */
  readonly window?: FlagWindow;
}

export interface FlagWindow {
  readonly high: boolean;
  readonly shift: number;
  readonly mask: number;
  readonly table: readonly (readonly string[])[];
}

const WINDOW_BITS = 12;

/** Combination codes up to 2^12 get interned arrays; more flags than that fall back to a fresh array per word. */
const MAX_INTERNED_FLAGS = 12;

export function halvesOf(v: bigint): Halves {
  return { lo: Number(v & 0xffffffffn) | 0, hi: Number((v >> 32n) & 0xffffffffn) | 0 };
}

function buildTables(layout: PfnLayout): DecodeTables {
  const defs = layout.flags.filter((f) => f.mask !== 0n);
  const count = defs.length;
  const flagLo = new Int32Array(count);
  const flagHi = new Int32Array(count);
  defs.forEach((f, i) => {
    const h = halvesOf(f.mask);
    flagLo[i] = h.lo;
    flagHi[i] = h.hi;
  });
  const o = layout.order;
  const window = count > 0 ? flagWindow(flagLo, flagHi) : undefined;
  const inHigh = o !== undefined && o.shift >= 32 && o.shift + o.bits <= 64;
  const v = layout.era === 'legacy' ? layout.values : undefined;
  const t: DecodeTables = {
    legacy: layout.era === 'legacy',
    count,
    names: defs.map((f) => f.name),
    flagLo,
    flagHi,
    combos: count <= MAX_INTERNED_FLAGS ? new Array<readonly string[] | undefined>(1 << count).fill(undefined) : undefined,
    none: v ? halvesOf(v.NONE) : undefined,
    error: v ? halvesOf(v.ERROR) : undefined,
    special: v?.SPECIAL !== undefined ? halvesOf(v.SPECIAL) : undefined,
    orderShiftHi: inHigh ? o.shift - 32 : -1,
    orderMask: o ? (o.bits >= 32 ? -1 : (1 << o.bits) - 1) : 0,
    orderSlow: o !== undefined && !inHigh,
    window: undefined,
  };
  if (window) {
    const table: (readonly string[])[] = [];
    for (let i = 0; i <= window.mask; i++) {
      const half = (i << window.shift) | 0;
      table.push(flagNames(t, window.high ? flagCode(t, 0, half) : flagCode(t, half, 0)));
    }
    return { ...t, window: { ...window, table } };
  }
  return t;
}

/** The window all flag masks share, if they all lie in one half within WINDOW_BITS bits. */
function flagWindow(flagLo: Int32Array, flagHi: Int32Array): Omit<FlagWindow, 'table'> | undefined {
  let lo = 0, hi = 0;
  for (let i = 0; i < flagLo.length; i++) {
    lo |= flagLo[i];
    hi |= flagHi[i];
  }
  if (lo !== 0 && hi !== 0) return undefined;
  const bits = (lo | hi) >>> 0;
  const shift = 31 - Math.clz32(bits & -bits);
  const width = 32 - Math.clz32(bits) - shift;
  if (width > WINDOW_BITS) return undefined;
  return { high: hi !== 0, shift, mask: (1 << width) - 1 };
}

const cache = new WeakMap<PfnLayout, DecodeTables>();

/** The tables of `layout` (built on first use, cached per layout object). */
export function decodeTables(layout: PfnLayout): DecodeTables {
  let t = cache.get(layout);
  if (t === undefined) {
    t = buildTables(layout);
    cache.set(layout, t);
  }
  return t;
}

/** Bit i set ↔ every bit of flag i's mask is set in the word given as halves. */
export function flagCode(t: DecodeTables, lo: number, hi: number): number {
  const flagLo = t.flagLo, flagHi = t.flagHi;
  let code = 0;
  for (let i = 0; i < t.count; i++) {
    const ml = flagLo[i], mh = flagHi[i];
    if ((lo & ml) === ml && (hi & mh) === mh) code |= 1 << i;
  }
  return code;
}

/** The flag names of a combination code, in layout order: a shared frozen array when interned. */
export function flagNames(t: DecodeTables, code: number): readonly string[] {
  const combos = t.combos;
  if (combos !== undefined) {
    const hit = combos[code];
    if (hit !== undefined) return hit;
  }
  const names: string[] = [];
  for (let i = 0; i < t.count; i++) if (code & (1 << i)) names.push(t.names[i]);
  if (combos === undefined) return names;
  const frozen = Object.freeze(names);
  combos[code] = frozen;
  return frozen;
}

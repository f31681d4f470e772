/**
 * Bulk decode for large pfn arrays (benchmarks, the inspector's bins): reads each u64 as two u32 halves over the
 * BigUint64Array's buffer and writes one u32 code per word. No bigint and no object is created per word.
 *
 * Code layout (per word):
 *   bits 0..23   flag i of layout.flags set  → bit i
 *   bits 24..28  map order (modern layouts with an order field)
 *   bit 29       legacy values[NONE] matched (whole word)
 *   bit 30       legacy values[ERROR] matched
 *   bit 31       legacy values[SPECIAL] matched (values are compared NONE, ERROR, SPECIAL, as the kernel does)
 */
import type { PfnLayout } from './types';

export const BULK_ORDER_SHIFT = 24;
export const BULK_ORDER_MASK = 0x1f << BULK_ORDER_SHIFT;
export const BULK_VALUE_NONE = 1 << 29;
export const BULK_VALUE_ERROR = 1 << 30;
export const BULK_VALUE_SPECIAL = 2 ** 31;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function halves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
}

/** Precomputed 32-bit halves of a layout's masks; build once per layout and reuse. */
export interface BulkLayout {
  readonly flagLo: Uint32Array;
  readonly flagHi: Uint32Array;
  readonly orderShift: number;
  readonly orderMask: number;
  /** [lo, hi] per value, NaN-free; `present` false when the layout has no such value */
  readonly values: readonly { readonly present: boolean; readonly lo: number; readonly hi: number; readonly code: number }[];
}

export function prepareBulkLayout(layout: PfnLayout): BulkLayout {
  const n = Math.min(layout.flags.length, 24);
  const flagLo = new Uint32Array(n);
  const flagHi = new Uint32Array(n);
  for (let i = 0; i < n; i++) [flagLo[i], flagHi[i]] = halves(layout.flags[i].mask);
  const values = (['NONE', 'ERROR', 'SPECIAL'] as const).map((name, i) => {
    const v = layout.values?.[name];
    const [lo, hi] = v === undefined ? [0, 0] : halves(v);
    return { present: v !== undefined, lo, hi, code: [BULK_VALUE_NONE, BULK_VALUE_ERROR, BULK_VALUE_SPECIAL][i] };
  });
  return {
    flagLo, flagHi,
    orderShift: layout.order ? layout.order.shift : -1,
    orderMask: layout.order ? (1 << layout.order.bits) - 1 : 0,
    values,
  };
}

const cache = new WeakMap<PfnLayout, BulkLayout>();

/**
 * Decode the flags (and order / legacy value) of every word into `out` (allocated when not given).
 * Returns `out`. 1M words take a few milliseconds.
 */
export function decodeFlagsBulk(words: BigUint64Array, layout: PfnLayout, out?: Uint32Array): Uint32Array {
  let prep = cache.get(layout);
  if (!prep) { prep = prepareBulkLayout(layout); cache.set(layout, prep); }
  const n = words.length;
  const res = out && out.length >= n ? out : new Uint32Array(n);
  const u32 = new Uint32Array(words.buffer, words.byteOffset, n * 2);
  const loOff = LITTLE_ENDIAN ? 0 : 1;
  const hiOff = 1 - loOff;
  const { flagLo, flagHi, orderShift, orderMask, values } = prep;
  const nf = flagLo.length;
  const v0 = values[0], v1 = values[1], v2 = values[2];
  const legacy = layout.era === 'legacy';
  for (let i = 0; i < n; i++) {
    const lo = u32[2 * i + loOff];
    const hi = u32[2 * i + hiOff];
    if (legacy) {
      if (v0.present && lo === v0.lo && hi === v0.hi) { res[i] = v0.code; continue; }
      if (v1.present && lo === v1.lo && hi === v1.hi) { res[i] = v1.code; continue; }
      if (v2.present && lo === v2.lo && hi === v2.hi) { res[i] = v2.code; continue; }
    }
    let code = 0;
    for (let f = 0; f < nf; f++) {
      const ml = flagLo[f], mh = flagHi[f];
      if ((ml | mh) !== 0 && ((lo & ml) >>> 0) === ml && ((hi & mh) >>> 0) === mh) code |= 1 << f;
    }
    if (orderShift >= 32) code |= ((hi >>> (orderShift - 32)) & orderMask) << BULK_ORDER_SHIFT;
    res[i] = code >>> 0;
  }
  return res;
}

/** Flag names of one bulk code (for tests and tooltips; allocates). */
export function bulkCodeFlags(code: number, layout: PfnLayout): string[] {
  const names: string[] = [];
  if (code & BULK_VALUE_NONE) return ['NONE'];
  if (code & BULK_VALUE_ERROR) return ['ERROR'];
  if (code >= BULK_VALUE_SPECIAL) return ['SPECIAL'];
  for (let f = 0; f < Math.min(layout.flags.length, 24); f++) if (code & (1 << f)) names.push(layout.flags[f].name);
  return names;
}

/** Order of one bulk code. */
export function bulkCodeOrder(code: number): number {
  return (code & BULK_ORDER_MASK) >>> BULK_ORDER_SHIFT;
}

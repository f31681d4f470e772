/**
 * encodePfn: fields → the u64 word, the inverse of decodePfn for well-formed words.
 *   modern: pfn | flag bits | (order << HMM_PFN_ORDER_SHIFT)     (hmm_pfn_flags_order() in mm/hmm.c 5.10+)
 *   legacy: (pfn << pfn_shift) | flag bits                       (hmm_device_entry_from_pfn() 4.17–5.7)
 *   legacy values: the whole word values[ERROR|NONE|SPECIAL]
 */
import type { PfnLayout } from './types';
import { hex } from './bits';
import { findFlag } from './flagNames';

export interface PfnFields {
  readonly flags: readonly string[];
  readonly pfn: bigint;
  readonly order?: number;
  readonly value?: 'ERROR' | 'NONE' | 'SPECIAL';
}

/** Like encodePfn, but returns `{error}` instead of throwing. */
export function tryEncodePfn(f: PfnFields, layout: PfnLayout): { value: bigint } | { error: string } {
  const order = f.order ?? 0;
  let flagBits = 0n;
  for (const name of f.flags) {
    const def = findFlag(layout, name);
    if (!def) {
      return { error: `flag "${name}" does not exist in layout ${layout.id}; flags: ${layout.flags.map((d) => d.name).join(', ')}` };
    }
    flagBits |= def.mask;
  }
  if (f.value !== undefined) {
    if (layout.era === 'legacy') {
      const v = layout.values?.[f.value];
      if (v === undefined) return { error: `layout ${layout.id} has no values[${f.value}]` };
      if (f.flags.length > 0 || f.pfn !== 0n || order !== 0) {
        return { error: `values[${f.value}] is a whole word; it takes no flags, pfn or order` };
      }
      return { value: v };
    }
    if (f.value === 'SPECIAL') return { error: 'HMM_PFN_SPECIAL was removed in 5.8 (special pages are reported as ERROR)' };
    if (f.pfn !== 0n || order !== 0) return { error: `${f.value} takes no pfn or order in layout ${layout.id}` };
    if (f.value === 'NONE') return { value: flagBits };
    const err = findFlag(layout, 'ERROR');
    return { value: flagBits | (err ? err.mask : 0n) };
  }
  if (!Number.isInteger(order) || order < 0) return { error: `order ${order} is not a non-negative integer` };
  if (f.pfn < 0n || f.pfn > layout.pfnMask) {
    return { error: `pfn ${hex(f.pfn)} does not fit the pfn field of layout ${layout.id} (at most ${hex(layout.pfnMask)})` };
  }
  if (layout.era === 'legacy') {
    if (order !== 0) return { error: `layout ${layout.id} has no map order field (order arrived in 5.10)` };
    return { value: (f.pfn << BigInt(layout.pfnShift)) | flagBits };
  }
  let orderBits = 0n;
  if (layout.order) {
    const max = (1 << layout.order.bits) - 1;
    if (order > max) return { error: `order ${order} does not fit the ${layout.order.bits}-bit order field (0..${max})` };
    orderBits = BigInt(order) << BigInt(layout.order.shift);
  } else if (order !== 0) {
    return { error: `layout ${layout.id} has no map order field (HMM_PFN_ORDER_SHIFT arrived in 5.10)` };
  }
  return { value: f.pfn | flagBits | orderBits };
}

/** Fields → u64. Throws an Error naming the problem for names or values the layout does not have. */
export function encodePfn(f: PfnFields, layout: PfnLayout): bigint {
  const r = tryEncodePfn(f, layout);
  if ('error' in r) throw new Error(r.error);
  return r.value;
}

/**
 * Word builders for the walk's hot loop: every mask a store needs, resolved once per layout, and the stores
 * mm/hmm.c makes expressed in them. No name lookups per page.
 *
 *   modern:  page  = pfn | cpu flags | (order << HMM_PFN_ORDER_SHIFT)      error = HMM_PFN_ERROR    none = 0
 *   legacy:  page  = (pfn << pfn_shift) | flags[VALID] | cpu flags          error = values[ERROR]    none = values[NONE]
 *   6.16+:   every store keeps the input's sticky bits: (old & inout) | new  (storeWord)
 */
import type { PfnLayout } from './types';

export interface LayoutWords {
  readonly layout: PfnLayout;
  readonly legacy: boolean;
  /** VALID / REQ_FAULT bits (legacy: flags[VALID]) */
  readonly valid: bigint;
  /** WRITE / REQ_WRITE bits (legacy: flags[WRITE]) */
  readonly write: bigint;
  /** device-private output / request bits: legacy flags[DEVICE_PRIVATE] ≤5.6, the proposal's bit 57; else 0 */
  readonly devicePrivate: bigint;
  /** the ERROR word (modern: HMM_PFN_ERROR; legacy: values[ERROR]) */
  readonly error: bigint;
  /** the "nothing here" word (modern: 0; legacy: values[NONE]) */
  readonly none: bigint;
  /** what a special PTE gives in a snapshot (modern: ERROR, 5.8+; legacy: values[SPECIAL], or ERROR if absent) */
  readonly special: bigint;
  /** HMM_PFN_INOUT_FLAGS (0 before 6.16) */
  readonly inout: bigint;
  readonly pfnShift: bigint;
  /** order shift, or -1n when the layout has no order field */
  readonly orderShift: bigint;
  readonly maxOrder: number;
}

const cache = new WeakMap<PfnLayout, LayoutWords>();

function maskOf(layout: PfnLayout, name: string): bigint {
  return layout.flags.find((f) => f.name === name)?.mask ?? 0n;
}

/** Resolve the masks of a layout once (cached per layout object). */
export function layoutWords(layout: PfnLayout): LayoutWords {
  const hit = cache.get(layout);
  if (hit) return hit;
  const legacy = layout.era === 'legacy';
  const errorBit = maskOf(layout, 'ERROR');
  const error = legacy ? layout.values!.ERROR : errorBit;
  const w: LayoutWords = Object.freeze({
    layout,
    legacy,
    valid: maskOf(layout, 'VALID'),
    write: maskOf(layout, 'WRITE'),
    devicePrivate: maskOf(layout, 'DEVICE_PRIVATE'),
    error,
    none: legacy ? layout.values!.NONE : 0n,
    special: legacy ? (layout.values!.SPECIAL ?? layout.values!.ERROR) : errorBit,
    inout: layout.inoutMask,
    pfnShift: BigInt(layout.pfnShift),
    orderShift: layout.order ? BigInt(layout.order.shift) : -1n,
    maxOrder: layout.order ? (1 << layout.order.bits) - 1 : 0,
  });
  cache.set(layout, w);
  return w;
}

/**
 * The word for a page the walk reports. `cpuFlags` are already-resolved bits (w.valid | w.write …). Legacy ORs
 * flags[VALID] in unconditionally (hmm_device_entry_from_pfn); modern ORs the order in when the layout has one
 * (hmm_pfn_flags_order, 5.10+) and drops it otherwise.
 */
export function pageWord(w: LayoutWords, pfn: bigint, cpuFlags: bigint, order = 0): bigint {
  if (w.legacy) return (pfn << w.pfnShift) | w.valid | cpuFlags;
  const o = w.orderShift >= 0n && order > 0 ? BigInt(order) << w.orderShift : 0n;
  return pfn | cpuFlags | o;
}

/** A store as mm/hmm.c makes it: the new word plus the sticky bits of the old one (6.16+; a plain store before). */
export function storeWord(w: LayoutWords, old: bigint, value: bigint): bigint {
  return (old & w.inout) | value;
}

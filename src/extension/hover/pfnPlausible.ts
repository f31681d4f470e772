/**
 * Whether a 64-bit value has the shape of an hmm_pfns word in a layout, judged from the value alone.
 *  - 5.8+ layouts: every bit set lies in the flags, the order field or a pfn below 2^40 (a 52-bit physical address
 *    space with 4 KiB pages); the order is at most MAX_ORDER; and the flags make a word the kernel writes:
 *    VALID (not with ERROR) naming a non-zero pfn, or ERROR alone (sticky bits allowed). Kernel pointers
 *    (0xffff888…), poison values (0xdead…) and plain masks (1ULL << 63, GENMASK_ULL(63, 62)) fail.
 *  - 4.17–5.7 layouts: one of the driver's whole-word values of 32 bits or more (0xfffffffffffffffe), or VALID with
 *    only the driver's flag bits below pfn_shift and a non-zero pfn below 2^40.
 * `relaxed` (a driver's svm/odp debug line) also accepts pfn 0, WRITE without VALID and sticky-only input words:
 * on such a line they are what the driver printed, and the hover names the problem.
 */
import type { PfnLayout } from '../../core/layouts/types';

const PFN_LIMIT = 1n << 40n;
const MAX_ORDER = 20;

function flagMask(layout: PfnLayout, name: string): bigint {
  return layout.flags.find((f) => f.name === name)?.mask ?? 0n;
}

function modernPlausible(v: bigint, layout: PfnLayout, relaxed: boolean): boolean {
  const orderMask = layout.order ? ((1n << BigInt(layout.order.bits)) - 1n) << BigInt(layout.order.shift) : 0n;
  if ((v & ~(layout.flagsMask | orderMask | (PFN_LIMIT - 1n))) !== 0n) return false;
  const flags = v & layout.flagsMask;
  if (flags === 0n) return false;
  const valid = flagMask(layout, 'VALID');
  const error = flagMask(layout, 'ERROR');
  const write = flagMask(layout, 'WRITE');
  if ((flags & valid) !== 0n && (flags & error) !== 0n) return false;
  if (layout.order && Number((v & orderMask) >> BigInt(layout.order.shift)) > MAX_ORDER) return false;
  const pfn = v & (PFN_LIMIT - 1n);
  if ((flags & valid) !== 0n) return relaxed || pfn !== 0n;
  if ((flags & error) !== 0n) return relaxed || (v & ~(error | layout.inoutMask)) === 0n;
  // no VALID, no ERROR: WRITE alone or sticky bits alone — input words a driver may print, nothing more
  return relaxed && ((flags & write) !== 0n || (flags & layout.inoutMask) !== 0n);
}

function legacyPlausible(v: bigint, layout: PfnLayout, relaxed: boolean): boolean {
  const values = layout.values;
  if (values) {
    for (const w of [values.ERROR, values.SPECIAL]) if (w !== undefined && w >= 1n << 32n && v === w) return true;
  }
  const valid = flagMask(layout, 'VALID');
  if (valid === 0n || (v & valid) === 0n) return false;
  const shift = BigInt(layout.pfnShift);
  const low = v & ((1n << shift) - 1n);
  if ((low & ~layout.flagsMask) !== 0n) return false;
  const pfn = v >> shift;
  return pfn < PFN_LIMIT && (relaxed || pfn !== 0n);
}

export function plausiblePfnWord(v: bigint, layout: PfnLayout, relaxed = false): boolean {
  return layout.era === 'legacy' ? legacyPlausible(v, layout, relaxed) : modernPlausible(v, layout, relaxed);
}

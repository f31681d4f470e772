/**
 * Writing hmm_pfns words in a layout, without bigint arithmetic per page: the output BigUint64Array is viewed as
 * 32-bit halves (little-endian: low half first) and every flag, value and field is split into halves once.
 *
 * Legacy layouts (≤5.7, hmm_device_entry_from_pfn): (pfn << pfn_shift) | flags[VALID] | cpu flags, and whole-word
 * values[NONE]/[ERROR]/[SPECIAL]. Modern layouts (5.8+): pfn | VALID/WRITE/ERROR bits | order << ORDER_SHIFT,
 * and from 6.16 `(old & HMM_PFN_INOUT_FLAGS) | new` on every store.
 */
import type { PfnLayout } from '../layouts/types';
import type { Behaviour } from '../behaviour';
import { storeConsecutiveWords, wordAsDouble } from './consecutive';

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('HMM Lens needs a little-endian host (typed-array halves of u64 words)');
}

export const CPU_VALID = 1;
export const CPU_WRITE = 2;
/** legacy ≤5.6 flags[DEVICE_PRIVATE], or the proposal's HMM_PFN_DEVICE_PRIVATE */
export const CPU_DEVPRIV = 4;

const TWO32 = 4294967296;

function halves(v: bigint): readonly [number, number] {
  return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
}

function flagMask(layout: PfnLayout, name: string): bigint {
  return layout.flags.find((f) => f.name === name)?.mask ?? 0n;
}

/** A layout's flags and values as 32-bit halves: [lo, hi] pairs, worked out once per layout (bigint work). */
interface LayoutHalves {
  readonly valid: readonly [number, number];
  readonly write: readonly [number, number];
  readonly error: readonly [number, number];
  readonly dev: readonly [number, number];
  readonly hasDevPrivFlag: boolean;
  readonly inout: readonly [number, number];
  readonly none: readonly [number, number];
  readonly errVal: readonly [number, number];
  readonly special: readonly [number, number];
}

const halvesCache = new WeakMap<PfnLayout, LayoutHalves>();

function layoutHalves(layout: PfnLayout): LayoutHalves {
  let h = halvesCache.get(layout);
  if (!h) {
    const dp = flagMask(layout, 'DEVICE_PRIVATE');
    const vals = layout.values;
    h = {
      valid: halves(flagMask(layout, 'VALID')), write: halves(flagMask(layout, 'WRITE')),
      error: halves(flagMask(layout, 'ERROR')), dev: halves(dp), hasDevPrivFlag: dp !== 0n,
      inout: halves(layout.inoutMask), none: halves(vals?.NONE ?? 0n), errVal: halves(vals?.ERROR ?? 0n),
      special: halves(vals?.SPECIAL ?? vals?.ERROR ?? 0n),
    };
    halvesCache.set(layout, h);
  }
  return h;
}

export class Encoder {
  readonly legacy: boolean;
  readonly validLo: number; readonly validHi: number;
  readonly writeLo: number; readonly writeHi: number;
  readonly errorLo: number; readonly errorHi: number;
  readonly devLo: number; readonly devHi: number;
  readonly inoutLo: number; readonly inoutHi: number;
  readonly noneLo: number; readonly noneHi: number;
  readonly errValLo: number; readonly errValHi: number;
  readonly specialLo: number; readonly specialHi: number;
  readonly hasSpecialValue: boolean;
  readonly pfnShift: number;
  /** order shift minus 32 (the field lies in the high half), or -1 when no order is written */
  readonly orderHiShift: number;
  /** the legacy DEVICE_PRIVATE request bit exists (≤5.6 profile with a non-zero flag) */
  readonly hasDevPrivFlag: boolean;

  /** `noInout`: no output word can hold an HMM_PFN_INOUT_FLAGS bit (all-zero input), so stores need not keep them. */
  constructor(readonly layout: PfnLayout, b: Behaviour, noInout = false) {
    this.legacy = layout.era === 'legacy';
    const h = layoutHalves(layout);
    [this.validLo, this.validHi] = h.valid;
    [this.writeLo, this.writeHi] = h.write;
    [this.errorLo, this.errorHi] = h.error;
    [this.devLo, this.devHi] = h.dev;
    this.hasDevPrivFlag = h.hasDevPrivFlag;
    [this.inoutLo, this.inoutHi] = b.stickyInout && !noInout ? h.inout : [0, 0];
    [this.noneLo, this.noneHi] = h.none;
    [this.errValLo, this.errValHi] = h.errVal;
    this.hasSpecialValue = layout.values?.SPECIAL !== undefined;
    [this.specialLo, this.specialHi] = h.special;
    this.pfnShift = layout.pfnShift;
    this.orderHiShift = layout.order && b.orderField && layout.order.shift >= 32 ? layout.order.shift - 32 : -1;
  }

  /** Store `pfn | cpu flags | order` at idx. */
  storePfn(w: Uint32Array, idx: number, pfn: number, cpu: number, order: number): void {
    let lo: number; let hi: number;
    const j = 2 * idx;
    if (this.legacy) {
      if (this.pfnShift <= 20) {
        const v = pfn * 2 ** this.pfnShift;
        lo = v % TWO32; hi = Math.floor(v / TWO32);
      } else {
        const v = (BigInt(pfn) << BigInt(this.pfnShift)) & 0xffffffffffffffffn;
        lo = Number(v & 0xffffffffn); hi = Number(v >> 32n);
      }
      // hmm_device_entry_from_pfn() always ORs flags[VALID]
      lo |= this.validLo; hi |= this.validHi;
    } else {
      lo = pfn; hi = 0;
      if (cpu & CPU_VALID) { lo |= this.validLo; hi |= this.validHi; }
      if (this.orderHiShift >= 0 && order) hi |= order << this.orderHiShift;
    }
    if (cpu & CPU_WRITE) { lo |= this.writeLo; hi |= this.writeHi; }
    if (cpu & CPU_DEVPRIV) { lo |= this.devLo; hi |= this.devHi; }
    if (this.inoutHi | this.inoutLo) { lo |= w[j] & this.inoutLo; hi |= w[j + 1] & this.inoutHi; }
    w[j] = lo >>> 0;
    w[j + 1] = hi >>> 0;
  }

  /** Store consecutive pfns pfn0, pfn0+1, … over [i0, i1) with the same flags (PMD/PUD/hugetlb fills). */
  storeRun(w: Uint32Array, i0: number, i1: number, pfn0: number, cpu: number, order: number): void {
    i0 |= 0; i1 |= 0; // int32 loop indices (see WalkState.idx)
    if (!this.legacy) {
      let hi = 0; let lo = 0;
      if (cpu & CPU_VALID) { lo |= this.validLo; hi |= this.validHi; }
      if (cpu & CPU_WRITE) { lo |= this.writeLo; hi |= this.writeHi; }
      if (cpu & CPU_DEVPRIV) { lo |= this.devLo; hi |= this.devHi; }
      if (this.orderHiShift >= 0 && order) hi |= order << this.orderHiShift;
      const il = this.inoutLo; const ih = this.inoutHi;
      // (int32 values: a Uint32Array store keeps the same 32 bits, without a double conversion per word)
      if (il | ih) {
        // 6.16+: the caller's HMM_PFN_INOUT_FLAGS stay in every stored word
        for (let j = 2 * i0, end = 2 * i1, pfn = pfn0; j < end; j += 2, pfn++) {
          w[j] = pfn | lo | (w[j] & il);
          w[j + 1] = hi | (w[j + 1] & ih);
        }
        return;
      }
      // no flag in the low half: the words are consecutive 64-bit integers, one 8-byte store each (./consecutive.ts)
      if (lo === 0 && storeConsecutiveWords(this.f64View(w), i0, i1, pfn0, hi)) return;
      hi |= 0;
      for (let j = 2 * i0, end = 2 * i1, pfn = pfn0; j < end; j += 2, pfn++) {
        w[j] = pfn | lo;
        w[j + 1] = hi;
      }
      return;
    }
    for (let i = i0, pfn = pfn0; i < i1; i++, pfn++) this.storePfn(w, i, pfn, cpu, order);
  }

  private f64?: Float64Array;
  private f64Of?: Uint32Array;

  /** The same buffer as `w`, as doubles (bit patterns only; see ./consecutive.ts). */
  private f64View(w: Uint32Array): Float64Array {
    if (this.f64Of !== w || !this.f64) {
      this.f64 = new Float64Array(w.buffer, w.byteOffset, w.length >> 1);
      this.f64Of = w;
    }
    return this.f64;
  }

  /** 0 (modern: "not present, faultable") or values[NONE] (legacy). */
  storeNone(w: Uint32Array, i0: number, i1: number): void {
    const lo = this.legacy ? this.noneLo : 0;
    const hi = this.legacy ? this.noneHi : 0;
    this.fill(w, i0, i1, lo, hi);
  }

  /** ERROR flag (modern) or values[ERROR] (legacy). */
  storeError(w: Uint32Array, i0: number, i1: number): void {
    if (this.legacy) this.fill(w, i0, i1, this.errValLo, this.errValHi);
    else this.fill(w, i0, i1, this.errorLo, this.errorHi);
  }

  /** values[SPECIAL] (legacy ≤5.7); modern layouts have none (the caller stores ERROR). */
  storeSpecial(w: Uint32Array, i0: number, i1: number): void {
    this.fill(w, i0, i1, this.specialLo, this.specialHi);
  }

  private fill(w: Uint32Array, i0: number, i1: number, lo: number, hi: number): void {
    i0 |= 0; i1 |= 0; // int32 loop indices (see WalkState.idx)
    const il = this.inoutLo; const ih = this.inoutHi;
    if (il | ih) {
      for (let i = i0; i < i1; i++) {
        w[2 * i] = (lo | (w[2 * i] & il)) >>> 0;
        w[2 * i + 1] = (hi | (w[2 * i + 1] & ih)) >>> 0;
      }
    } else if ((lo | hi) === 0) {
      w.fill(0, 2 * i0, 2 * i1);
    } else if (((hi >>> 0) & 0x7ff00000) !== 0x7ff00000) {
      // one native fill of the 64-bit pattern (a double's bits, not its value: see ./consecutive.ts)
      this.f64View(w).fill(wordAsDouble(lo, hi), i0, i1);
    } else {
      for (let i = i0; i < i1; i++) { w[2 * i] = lo >>> 0; w[2 * i + 1] = hi >>> 0; }
    }
  }
}

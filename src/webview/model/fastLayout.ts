/**
 * A pfn layout prepared for the render path: every mask split into 32-bit halves, so decoding an entry reads two
 * u32 words (Uint32Array over the BigUint64Array's buffer, little-endian) and never allocates a bigint.
 */
import type { LayoutDto } from '../../protocol/messages';
import type { PfnLayout } from '../../core/layouts/types';
import { layoutFromDto } from '../../protocol/convert';

export interface FastFlag {
  readonly name: string;
  readonly lo: number;
  readonly hi: number;
  readonly direction: string;
  readonly doc: string;
  readonly inputAlias?: string;
}

export type SpecialValue = 'ERROR' | 'NONE' | 'SPECIAL';

function halves(hex: string): [number, number] {
  const v = BigInt(hex);
  return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
}

export class FastLayout {
  readonly id: string;
  readonly title: string;
  readonly era: 'legacy' | 'modern';
  readonly flags: readonly FastFlag[];
  private readonly values: { name: SpecialValue; lo: number; hi: number }[] = [];
  private readonly pfnShift: number;
  private readonly pfnLo: number;
  private readonly pfnHi: number;
  readonly orderShift: number;
  readonly orderMask: number;
  /** index of the flags named VALID / WRITE / ERROR / DEVICE_PRIVATE, -1 when absent */
  readonly validBit: number;
  readonly writeBit: number;
  readonly errorBit: number;
  readonly devicePrivateBit: number;
  /** bits that decide an entry's flags and order (everything but the pfn): equal masked words decode alike */
  readonly kindMaskLo: number;
  readonly kindMaskHi: number;
  /** legacy layouts match whole-word values first */
  readonly hasValues: boolean;
  /** the core's layout (decodePfn, problems, descriptions) */
  readonly core: PfnLayout;
  /** low-half increment of one pfn (1 << pfnShift; 0 when the pfn starts in the high half) */
  readonly pfnStride: number;

  constructor(readonly dto: LayoutDto) {
    this.id = dto.id;
    this.core = layoutFromDto(dto);
    this.pfnStride = dto.pfnShift < 32 ? 2 ** dto.pfnShift : 0;
    this.title = dto.title;
    this.era = dto.era;
    this.flags = dto.flags.slice(0, 31).map((f) => {
      const [lo, hi] = halves(f.mask);
      return { name: f.name, lo, hi, direction: f.direction, doc: f.doc, inputAlias: f.inputAlias };
    });
    if (dto.values) {
      for (const name of ['ERROR', 'NONE', 'SPECIAL'] as const) {
        const h = dto.values[name];
        if (h !== undefined) {
          const [lo, hi] = halves(h);
          this.values.push({ name, lo, hi });
        }
      }
    }
    this.pfnShift = dto.pfnShift;
    [this.pfnLo, this.pfnHi] = halves(dto.pfnMask);
    this.orderShift = dto.order ? dto.order.shift : -1;
    this.orderMask = dto.order ? (1 << dto.order.bits) - 1 : 0;
    let kLo = 0;
    let kHi = 0;
    for (const f of this.flags) { kLo |= f.lo; kHi |= f.hi; }
    if (dto.order) {
      const [oLo, oHi] = halves('0x' + (((1n << BigInt(dto.order.bits)) - 1n) << BigInt(dto.order.shift)).toString(16));
      kLo |= oLo;
      kHi |= oHi;
    }
    this.kindMaskLo = kLo >>> 0;
    this.kindMaskHi = kHi >>> 0;
    this.hasValues = this.values.length > 0;
    const bit = (n: string) => this.flags.findIndex((f) => f.name === n);
    this.validBit = bit('VALID');
    this.writeBit = bit('WRITE');
    this.errorBit = bit('ERROR');
    this.devicePrivateBit = bit('DEVICE_PRIVATE');
  }

  /** Legacy whole-word value (ERROR, NONE, SPECIAL) the word equals, checked in that order. */
  value(lo: number, hi: number): SpecialValue | undefined {
    for (const v of this.values) if (v.lo === lo && v.hi === hi) return v.name;
    return undefined;
  }

  /** Bit i set = flag i of `flags` set. A legacy special value has no flags. */
  flagBits(lo: number, hi: number): number {
    if (this.values.length && this.value(lo, hi) !== undefined) return 0;
    let bits = 0;
    for (let i = 0; i < this.flags.length; i++) {
      const f = this.flags[i];
      if ((lo & f.lo) !== 0 || (hi & f.hi) !== 0) bits |= 1 << i;
    }
    return bits;
  }

  flagNames(bits: number): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.flags.length; i++) if (bits & (1 << i)) out.push(this.flags[i].name);
    return out;
  }

  /** Output-flag names only (what a walk writes), for decoding outputs. */
  isOutputFlag(i: number): boolean {
    return this.flags[i].direction !== 'in';
  }

  /** The pfn field's low and high 32 bits. */
  pfnHalves(lo: number, hi: number): [number, number] {
    if (this.values.length && this.value(lo, hi) !== undefined) return [0, 0];
    let l = lo;
    let h = hi;
    const s = this.pfnShift;
    if (s >= 32) {
      l = hi >>> (s - 32);
      h = 0;
    } else if (s > 0) {
      l = ((lo >>> s) | (hi << (32 - s))) >>> 0;
      h = hi >>> s;
    }
    return [(l & this.pfnLo) >>> 0, (h & this.pfnHi) >>> 0];
  }

  order(lo: number, hi: number): number {
    if (this.orderShift < 0) return 0;
    const s = this.orderShift;
    if (s >= 32) return (hi >>> (s - 32)) & this.orderMask;
    return (((lo >>> s) | (hi << (32 - s))) >>> 0) & this.orderMask;
  }
}

const HEX8 = '00000000';

/** 0x-prefixed 16-digit hex of a word given as halves. */
export function wordHex(lo: number, hi: number): string {
  const h = hi.toString(16);
  const l = lo.toString(16);
  return '0x' + HEX8.slice(h.length) + h + HEX8.slice(l.length) + l;
}

/** Shortest 0x hex of a value given as halves. */
export function shortHex(lo: number, hi: number): string {
  if (hi === 0) return '0x' + lo.toString(16);
  const l = lo.toString(16);
  return '0x' + hi.toString(16) + HEX8.slice(l.length) + l;
}

/** Halves of a bigint (for tests and edges). */
export function toHalves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn), Number((v >> 32n) & 0xffffffffn)];
}

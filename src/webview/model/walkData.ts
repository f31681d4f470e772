/** One walk as the webview holds it: the DTO, its layout, the arrays (as u64 and as u32 halves) and derived data. */
import type { WalkDto } from '../../protocol/messages';
import { FastLayout } from './fastLayout';
import { computeKinds, Devices, walkedUntil } from './pageKinds';
import { lastWriters } from './replay';

export class WalkData {
  readonly start: bigint | null;
  input?: BigUint64Array;
  pfns?: BigUint64Array;
  inW?: Uint32Array;
  outW?: Uint32Array;
  readonly devices = new Devices();
  private kindsCache?: Uint8Array;
  private lastCache?: Int32Array;
  readonly walkedEnd: number;

  constructor(readonly dto: WalkDto, readonly layout: FastLayout) {
    this.start = dto.start === null ? null : BigInt(dto.start);
    this.walkedEnd = walkedUntil(dto.ret, dto.pages, dto.trace);
    // a walk without input words (the driver filled none) had an all-zero input: show it so, without a transfer
    if (!dto.hasInput) this.setArray('input', new BigUint64Array(dto.pages));
  }

  get pages(): number { return this.dto.pages; }

  get ready(): boolean {
    return this.pfns !== undefined && this.input !== undefined;
  }

  setArray(name: 'input' | 'pfns', values: BigUint64Array): void {
    const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    if (name === 'input') { this.input = values; this.inW = w; } else { this.pfns = values; this.outW = w; }
    this.kindsCache = undefined;
  }

  /** Page kinds after all events. */
  get kinds(): Uint8Array {
    if (!this.kindsCache) this.kindsCache = this.kindsAt(this.dto.trace.length);
    return this.kindsCache;
  }

  /** Page kinds as of event `upTo` (exclusive). */
  kindsAt(upTo: number): Uint8Array {
    return computeKinds(this.pages, this.outW, this.layout, this.dto.trace, this.devices, upTo, this.walkedEnd);
  }

  get lastWriters(): Int32Array {
    if (!this.lastCache) this.lastCache = lastWriters(this.pages, this.dto.trace);
    return this.lastCache;
  }

  addressOf(i: number): bigint | null {
    return this.start === null ? null : this.start + BigInt(i) * BigInt(this.dto.pageSize);
  }
}

/** One walk as the webview holds it: the DTO, its layout, the arrays (as u64 and as u32 halves) and derived data. */
import type { WalkDto } from '../../protocol/messages';
import { FastLayout } from './fastLayout';
import { computeKinds, Devices, walkedUntil } from './pageKinds';
import { lastWriters } from './replay';
import { StepKinds } from './stepKinds';
import { ProblemCheck, type ProblemRun } from './wordProblems';
import { entryRuns } from './entryRuns';

export class WalkData {
  readonly start: bigint | null;
  input?: BigUint64Array;
  pfns?: BigUint64Array;
  inW?: Uint32Array;
  outW?: Uint32Array;
  readonly devices = new Devices();
  private kindsCache?: Uint8Array;
  private lastCache?: Int32Array;
  private stepCache?: StepKinds;
  private problemScan?: { runs: ProblemRun[]; entries: number; truncated: boolean };
  private runsCache?: Uint32Array;
  /** the one problem check (the core's decodePfn) for this walk's layout and page size */
  readonly problems: ProblemCheck;
  readonly walkedEnd: number;

  constructor(readonly dto: WalkDto, readonly layout: FastLayout) {
    this.start = dto.start === null ? null : BigInt(dto.start);
    this.walkedEnd = walkedUntil(dto.ret, dto.pages, dto.trace);
    this.problems = new ProblemCheck(layout, dto.pageSize);
    // a walk without input words (the driver filled none) had an all-zero input: show it so, without a transfer
    if (!dto.hasInput) this.setArray('input', new BigUint64Array(dto.pages));
  }

  get pages(): number { return this.dto.pages; }

  /** entries of the output / input arrays that have arrived (the array's length once complete) */
  loaded = 0;
  inputLoaded = 0;

  get ready(): boolean {
    return this.pfns !== undefined && this.input !== undefined && this.loaded >= this.pages && this.inputLoaded >= this.pages;
  }

  /** The output array has arrived up to `loaded` entries: enough to show its first rows. */
  get paintable(): boolean {
    return this.pfns !== undefined && (this.loaded > 0 || this.pages === 0);
  }

  /** An array as it arrives: `loaded` entries from the start are there (the rest reads 0 until they come). */
  setArray(name: 'input' | 'pfns', values: BigUint64Array, loaded = values.length): void {
    const w = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    if (name === 'input') { this.input = values; this.inW = w; this.inputLoaded = loaded; } else { this.pfns = values; this.outW = w; this.loaded = loaded; }
    this.kindsCache = undefined;
    this.stepCache = undefined;
    this.problemScan = undefined;
    this.runsCache = undefined;
  }

  /** Page states as of each trace step (what the walk saw then; before the walk for pages not reached yet). */
  get steps(): StepKinds {
    return (this.stepCache ??= new StepKinds(this.pages, this.dto.trace, this.devices, () => this.kinds,
      () => computeKinds(this.pages, this.outW, this.layout, [], this.devices, 0, this.walkedEnd, this.loaded)));
  }

  /** Every entry whose word has a problem (the core's check), in runs of equal problems. */
  get problemRuns(): { runs: ProblemRun[]; entries: number; truncated: boolean } {
    if (!this.problemScan) this.problemScan = this.outW ? this.problems.scan(this.outW, Math.min(this.pages, this.loaded)) : { runs: [], entries: 0, truncated: false };
    return this.problemScan;
  }

  /** Runs of equal decoded state and page state (the Runs tab). */
  get runStarts(): Uint32Array {
    if (!this.runsCache) this.runsCache = this.outW ? entryRuns(this.outW, Math.min(this.pages, this.loaded), this.layout, this.kinds) : Uint32Array.of(0);
    return this.runsCache;
  }

  /** Page kinds after all events. */
  get kinds(): Uint8Array {
    if (!this.kindsCache) this.kindsCache = this.kindsAt(this.dto.trace.length);
    return this.kindsCache;
  }

  /** Page kinds as of event `upTo` (exclusive); pages the trace names not and whose words are not there yet: loading. */
  kindsAt(upTo: number): Uint8Array {
    return computeKinds(this.pages, this.outW, this.layout, this.dto.trace, this.devices, upTo, this.walkedEnd, this.loaded);
  }

  get lastWriters(): Int32Array {
    if (!this.lastCache) this.lastCache = lastWriters(this.pages, this.dto.trace);
    return this.lastCache;
  }

  addressOf(i: number): bigint | null {
    return this.start === null ? null : this.start + BigInt(i) * BigInt(this.dto.pageSize);
  }
}

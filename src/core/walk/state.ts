/**
 * The state of one hmm_range_fault() call and of the driver loop around it: struct hmm_range, struct hmm_vma_walk
 * (`last`), the need-fault helpers (hmm_pte_need_fault / hmm_range_need_fault), the trace, and `during` steps.
 */
import type { Behaviour } from '../behaviour';
import type { TraceEvent } from '../scenario/result';
import type { Process } from '../mm/process';
import type { Interval } from '../mm/notifier';
import { CPU_DEVPRIV, CPU_VALID, CPU_WRITE, Encoder } from './encode';

export const EPERM = 1;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EBUSY = 16;
export const EINVAL = 22;
/** internal: a `during` step changed the address space; the walk resumes at `resumeAt` with fresh lookups */
export const RESYNC = 1000;

export const NEED_FAULT = 1;
export const NEED_WRITE_FAULT = 2;

export function errnoName(ret: number): string {
  switch (ret) {
    case 0: return '0';
    case -EPERM: return '-EPERM';
    case -ENOMEM: return '-ENOMEM';
    case -EFAULT: return '-EFAULT';
    case -EBUSY: return '-EBUSY';
    case -EINVAL: return '-EINVAL';
    default: return String(ret);
  }
}

export interface DuringHook {
  readonly afterPages: number;
  readonly run: () => string;
}

type Kind = TraceEvent['kind'];

export class WalkState {
  /** struct hmm_vma_walk.last (a vpn) */
  last: number;
  attempt = 1;
  readonly w32: Uint32Array;
  readonly snapshot: boolean;
  /** request masks split in halves: (input & mask) | default */
  private readonly maskLo: number; private readonly maskHi: number;
  private readonly defLo: number; private readonly defHi: number;
  readonly trace: TraceEvent[] = [];
  private traceCap: number;
  /** outputs stored so far (all calls of the driver loop) */
  written = 0;
  private readonly during: DuringHook[];
  duringPending: boolean;
  resumeAt = 0;
  notifierSeq = 0;
  sub?: Interval;
  /** pages faulted by hmm_vma_fault (for limits and the summary) */
  faulted = 0;
  /** the page whose fault failed (≤5.6 error clearing) */
  failVpn = -1;
  /** ≤5.4: the per-VMA loop returned before walking (its own clearing done): no [last, end) clearing on top */
  loopReturned = false;

  constructor(
    readonly p: Process,
    readonly b: Behaviour,
    readonly enc: Encoder,
    /** vpn range */
    readonly start: number,
    readonly end: number,
    readonly pfns: BigUint64Array,
    defaultFlags: bigint,
    pfnFlagsMask: bigint,
    /** dev_private_owner (a device name) */
    readonly owner: string | undefined,
    during: DuringHook[],
    traceCap = 20000,
  ) {
    this.last = start;
    this.w32 = new Uint32Array(pfns.buffer, pfns.byteOffset, pfns.length * 2);
    this.maskLo = Number(pfnFlagsMask & 0xffffffffn); this.maskHi = Number((pfnFlagsMask >> 32n) & 0xffffffffn);
    this.defLo = Number(defaultFlags & 0xffffffffn); this.defHi = Number((defaultFlags >> 32n) & 0xffffffffn);
    // hmm_range_need_fault() fast path: no REQ_FAULT anywhere in (default_flags | pfn_flags_mask)
    this.snapshot = (((this.defLo | this.maskLo) & enc.validLo) | ((this.defHi | this.maskHi) & enc.validHi)) === 0;
    this.during = during.slice().sort((a, b) => a.afterPages - b.afterPages);
    this.duringPending = this.during.length > 0;
    this.traceCap = traceCap;
  }

  /**
   * Index of vpn in the walk's arrays, as an int32: page numbers lie beyond 2^31 (0x7f0000000000 >> 12), so V8
   * holds them as doubles, and an index computed from them would stay a double and slow every typed-array access.
   */
  idx(vpn: number): number {
    return (vpn - this.start) | 0;
  }

  /** hmm_pte_need_fault(): what the request of page idx needs given the CPU flags. */
  needFault(idx: number, cpu: number): number {
    if (this.snapshot) return 0;
    const w = this.w32;
    const lo = (w[2 * idx] & this.maskLo) | this.defLo;
    const hi = (w[2 * idx + 1] & this.maskHi) | this.defHi;
    const e = this.enc;
    if (!((lo & e.validLo) | (hi & e.validHi))) return 0;
    // ≤5.6: a device-private page is faulted only when flags[DEVICE_PRIVATE] is requested too
    if ((cpu & CPU_DEVPRIV) && e.hasDevPrivFlag) {
      if ((lo & e.devLo) | (hi & e.devHi)) return NEED_FAULT | (((lo & e.writeLo) | (hi & e.writeHi)) ? NEED_WRITE_FAULT : 0);
      return 0;
    }
    if (((lo & e.writeLo) | (hi & e.writeHi)) && !(cpu & CPU_WRITE)) return NEED_FAULT | NEED_WRITE_FAULT;
    if (!(cpu & CPU_VALID)) return NEED_FAULT;
    return 0;
  }

  /** The request is the same for every page (pfn_flags_mask is 0: the input words are not looked at). */
  get uniformRequest(): boolean {
    return (this.maskLo | this.maskHi) === 0;
  }

  /** hmm_range_need_fault(): OR over [i0, i1), stopping once both bits are set. */
  rangeNeedFault(i0: number, i1: number, cpu: number): number {
    if (this.snapshot) return 0;
    // every page asks the same: the OR is the first page's answer
    if (this.uniformRequest) return i0 < i1 ? this.needFault(i0, cpu) : 0;
    let r = 0;
    for (let i = i0; i < i1; i++) {
      r |= this.needFault(i, cpu);
      if (r === (NEED_FAULT | NEED_WRITE_FAULT)) break;
    }
    return r;
  }

  /** Pages that may be stored before the next `during` step is due. */
  room(n: number): number {
    if (!this.duringPending) return n;
    return Math.max(0, Math.min(n, this.during[0].afterPages - this.written));
  }

  /** Whether storing n more pages makes a `during` step due. */
  due(n: number): boolean {
    return this.duringPending && this.during[0].afterPages <= this.written + n;
  }

  /** Count n stored pages; runs due `during` steps. True when one ran (the caller returns RESYNC). */
  advance(n: number, resumeVpn: number): boolean {
    this.written += n;
    if (!this.duringPending || this.during[0].afterPages > this.written) return false;
    while (this.during.length && this.during[0].afterPages <= this.written) {
      const d = this.during.shift()!;
      const what = d.run();
      const i = Math.min(Math.max(0, resumeVpn - this.start), this.end - this.start);
      this.event('during', i, i, 'during', `after_pages: ${d.afterPages}`, what, 'during');
    }
    this.duringPending = this.during.length > 0;
    this.resumeAt = resumeVpn;
    return true;
  }

  /** Adds a trace event, merging it into the previous one when it continues the same run. */
  event(fn: string, first: number, end: number, state: string, rule: string, why: string, kind: Kind): void {
    const t = this.trace;
    // merge into a run among the last few events (runs interleave, e.g. a fault and the invalidation it causes)
    for (let k = t.length - 1; k >= 0 && k >= t.length - 3; k--) {
      const prev = t[k];
      if (prev.attempt !== this.attempt) break;
      if (prev.fn === fn && prev.state === state && prev.rule === rule && prev.kind === kind && prev.end === first
        && first < end) {
        (prev as { end: number }).end = end;
        return;
      }
    }
    if (t.length >= this.traceCap) {
      if (t.length === this.traceCap) {
        t.push({ attempt: this.attempt, fn: 'trace', first, end: first, state: 'trace:truncated', rule: 'stop tracing',
          why: `the trace holds at most ${this.traceCap} runs; the walk goes on untraced`, kind: 'info' });
      }
      return;
    }
    t.push({ attempt: this.attempt, fn, first, end, state, rule, why, kind });
  }

  /** `store pfn|<flags>` for order 0, built once per cpu-flag combination (the PTE loop names every run so). */
  storePfnRule(cpu: number): string {
    return (this.pfnRules[cpu] ??= `store pfn|${this.flagsText(cpu, 0)}`);
  }
  private readonly pfnRules: (string | undefined)[] = [];
  /** hmm_vma_handle_pmd's trace texts per kind of huge PMD (see pmd.ts) */
  readonly pmdTexts = new Map<number, { readonly state: string; readonly rule: string; readonly why: string }>();

  flagsText(cpu: number, order: number): string {
    const f: string[] = [];
    if (cpu & CPU_VALID || this.enc.legacy) f.push('VALID');
    if (cpu & CPU_WRITE) f.push('WRITE');
    if (cpu & CPU_DEVPRIV) f.push('DEVICE_PRIVATE');
    if (order && this.enc.orderHiShift >= 0) f.push(`order=${order}`);
    return f.join('|') || '0';
  }
}

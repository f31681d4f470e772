/**
 * The driver loop of Documentation/mm/hmm.rst around hmm_range_fault(): mmu_interval_read_begin, the call, retry on
 * -EBUSY, then mmu_interval_read_retry under the driver lock and retry if the range was invalidated meanwhile.
 * A bounded number of calls stands in for the driver's timeout (HMM_RANGE_DEFAULT_TIMEOUT, 1000 ms in test_hmm).
 *
 * The input words are set once, before `again:`, as Documentation/mm/hmm.rst shows: a retry reads the words the
 * previous call left (outputs below its `last` count as requests wherever pfn_flags_mask lets them through; a
 * VALID|WRITE output is then a write request). `refill: true` models a driver that restores its input words before
 * every new call instead.
 * With `retry: false` the driver makes one call and its return value is reported as is; when that call returned 0
 * but mmu_interval_read_retry() says the range was invalidated meanwhile, the result is `stale` (a driver following
 * hmm.rst would retry).
 */
import type { PfnLayout } from '../layouts/types';
import type { Behaviour } from '../behaviour';
import type { Process } from '../mm/process';
import type { TraceEvent } from '../scenario/result';
import { Encoder } from './encode';
import { hmmRangeFault } from './range-fault';
import { EBUSY, errnoName, WalkState, type DuringHook } from './state';

/**
 * Calls the driver loop makes before giving up (its stand-in for HMM_RANGE_DEFAULT_TIMEOUT). Each call that ends in
 * -EBUSY has made progress (at least one fault chunk), and a COW-breaking write walk needs one call per PMD chunk,
 * so the bound grows with the range: 16 + 2 calls per PMD chunk of the range.
 */
/** Pages the driver loop may walk in total over all its calls before it gives up like a timed-out driver. */
export const DRIVER_WORK_BUDGET = 1 << 28;

export function maxDriverCalls(pages: number, pmdPages: number): number {
  return 16 + 2 * Math.ceil(pages / pmdPages);
}

export interface WalkRequest {
  /** first vpn */
  readonly start: number;
  readonly pages: number;
  readonly defaultFlags: bigint;
  readonly pfnFlagsMask: bigint;
  /**
   * the words the driver fills in before each call; absent when every one is 0 (no per-page input, no sticky
   * flags). The walk then skips copying the input into the fresh (zeroed) output array, and stores without keeping
   * HMM_PFN_INOUT_FLAGS: no word can hold one (the walk's outputs never set those bits), so `(old & INOUT) | new`
   * is `new`.
   */
  readonly input?: BigUint64Array;
  /** dev_private_owner: a device name */
  readonly owner?: string;
  readonly retry: boolean;
  /** restore the input words before every new call (default: no, as Documentation/mm/hmm.rst) */
  readonly refill?: boolean;
  readonly during: DuringHook[];
  readonly maxCalls?: number;
  readonly traceCap?: number;
}

export interface WalkOutcome {
  readonly ret: number;
  readonly calls: number;
  /** one call (retry false) returned 0 on a range invalidated meanwhile: mmu_interval_read_retry() is true */
  readonly stale: boolean;
  readonly pfns: BigUint64Array;
  readonly trace: TraceEvent[];
  readonly faulted: number;
}

export function driverWalk(p: Process, b: Behaviour, layout: PfnLayout, req: WalkRequest): WalkOutcome {
  const pfns = new BigUint64Array(req.pages);
  const input = req.input;
  const inputZero = input === undefined;
  const refill = (): void => {
    if (!req.refill) return;
    if (input) pfns.set(input); else pfns.fill(0n);
  };
  const retryWhy = req.refill ? 'the driver restores its input words (refill: true) and starts again'
    : 'the driver starts again with the words as the call left them (Documentation/mm/hmm.rst sets hmm_pfns once, before again:)';
  if (input) pfns.set(input);
  const enc = new Encoder(layout, b, inputZero);
  const ws = new WalkState(p, b, enc, req.start, req.start + req.pages, pfns, req.defaultFlags, req.pfnFlagsMask,
    req.owner, req.during, req.traceCap);
  const sub = p.notifier.insert(req.start, req.start + req.pages, req.owner, (inv, bumped) => {
    const i0 = Math.max(0, Math.min(req.pages, inv.start - req.start));
    const i1 = Math.max(i0, Math.min(req.pages, inv.end - req.start));
    ws.event('mmu_notifier_invalidate', i0, i1, `notifier:${inv.event}`, bumped ? 'interval seq bumped' : 'ignored by the driver',
      bumped ? `${inv.cause}: MMU_NOTIFY_${inv.event} overlaps the walk's interval and bumps its sequence; the next check makes hmm_range_fault() return -EBUSY`
        : `${inv.cause}: MMU_NOTIFY_MIGRATE with owner ${inv.owner}, the walking device itself; test_hmm's invalidate callback ignores it`, 'notifier');
  });
  ws.sub = sub;
  const maxCalls = req.maxCalls ?? maxDriverCalls(req.pages, p.g.pmdPages);
  let calls = 0;
  let ret = 0;
  let stale = false;
  let work = 0;
  try {
    while (true) {
      calls++;
      ws.notifierSeq = p.notifier.readBegin(sub);
      ws.event('mmu_interval_read_begin', 0, 0, 'notifier:begin', `seq = ${ws.notifierSeq}`,
        `call ${calls}: the driver reads the interval sequence, takes the mmap read lock and calls hmm_range_fault()`, 'info');
      ret = hmmRangeFault(ws);
      work += Math.max(1, ws.last - req.start);
      if (ret === -EBUSY) {
        if (req.retry && calls < maxCalls && work < DRIVER_WORK_BUDGET) {
          refill();
          ws.attempt++;
          ws.event('driver', 0, 0, 'driver:retry', 'goto again', `-EBUSY: ${retryWhy}`, 'retry');
          continue;
        }
        break;
      }
      if (ret < 0) break;
      if (p.notifier.checkRetry(sub, ws.notifierSeq)) {
        if (req.retry && calls < maxCalls) {
          refill();
          ws.attempt++;
          ws.event('mmu_interval_read_retry', 0, 0, 'notifier:changed', 'goto again',
            `hmm_range_fault() returned 0 but the range was invalidated while it ran: mmu_interval_read_retry() is true, so the driver must not use the pfns; ${retryWhy}`, 'retry');
          continue;
        }
        ws.event('mmu_interval_read_retry', 0, 0, 'notifier:changed', 'stale result',
          'hmm_range_fault() returned 0 but the range was invalidated while it ran: mmu_interval_read_retry() is true, so these pfns are stale; a driver following Documentation/mm/hmm.rst would call again (retry: false makes one call)', 'retry');
        stale = true;
      }
      break;
    }
    if (ret === -EBUSY && req.retry && (calls >= maxCalls || work >= DRIVER_WORK_BUDGET)) {
      ws.event('driver', req.pages, req.pages, 'driver:timeout', 'return -EBUSY',
        `still -EBUSY after ${calls} calls (${work} pages walked): the driver's timeout (HMM_RANGE_DEFAULT_TIMEOUT) ends the loop`, 'error');
    }
  } finally {
    p.notifier.remove(sub);
  }
  ws.event('driver', req.pages, req.pages, 'driver:done', `result ${errnoName(ret)}${stale ? ' (stale)' : ''}`, `${calls} call(s) of hmm_range_fault()`, 'info');
  return { ret, calls, stale, pfns, trace: ws.trace, faulted: ws.faulted };
}

/**
 * The mmu interval notifier (mm/mmu_notifier.c, 5.5+), as far as hmm_range_fault() and its driver loop see it.
 *
 * The mm keeps `invalidate_seq` (starts at 2; odd while an invalidation that overlaps an interval runs). An
 * invalidation of [start, end) calls every overlapping interval's invalidate op with the odd value; the driver's op
 * stores it in the interval (mmu_interval_set_seq) — or declines. mmu_interval_read_begin() returns the interval's
 * seq; mmu_interval_check_retry()/read_retry() say whether it changed since.
 *
 * Invalidations are atomic in the simulator (start and end happen together), so read_begin never has to wait.
 * Driver policy modelled (lib/test_hmm.c dmirror_interval_invalidate): an interval ignores MMU_NOTIFY_MIGRATE events
 * whose owner is the interval's own device; everything else bumps it.
 */

export type NotifyEvent = 'UNMAP' | 'CLEAR' | 'PROTECTION_VMA' | 'PROTECTION_PAGE' | 'MIGRATE' | 'EXCLUSIVE' | 'RELEASE';

export interface Invalidation {
  readonly event: NotifyEvent;
  /** vpn range [start, end) */
  readonly start: number;
  readonly end: number;
  /** the pgmap owner carried by MIGRATE/EXCLUSIVE events (a device name) */
  readonly owner?: string;
  /** what caused it, in words ("COW break (wp_page_copy)") */
  readonly cause: string;
}

export interface Interval {
  readonly start: number;
  readonly end: number;
  seq: number;
  /** the device that registered it (test_hmm ignores its own MIGRATE events) */
  readonly device?: string;
  /** called for every overlapping invalidation, with whether it bumped the sequence */
  readonly onInvalidate?: (inv: Invalidation, bumped: boolean) => void;
}

export class MmuNotifier {
  /** mm->notifier_subscriptions->invalidate_seq */
  invalidateSeq = 2;
  private readonly intervals = new Set<Interval>();
  /** every invalidation since the start (for traces and tests); bounded */
  readonly history: Invalidation[] = [];

  insert(start: number, end: number, device?: string, onInvalidate?: Interval['onInvalidate']): Interval {
    // mmu_interval_notifier_insert(): the interval starts one below the mm's (even) sequence
    const sub: Interval = { start, end, seq: this.invalidateSeq - 1, device, onInvalidate };
    this.intervals.add(sub);
    return sub;
  }

  remove(sub: Interval): void {
    this.intervals.delete(sub);
  }

  /** mmu_notifier_invalidate_range_start + _end for [start, end). */
  invalidate(inv: Invalidation): void {
    if (inv.end <= inv.start) return;
    if (this.history.length < 10000) this.history.push(inv);
    const overlapping = [...this.intervals].filter((s) => s.start < inv.end && inv.start < s.end);
    if (overlapping.length === 0) return;
    const cur = this.invalidateSeq | 1;
    for (const sub of overlapping) {
      const ignore = inv.event === 'MIGRATE' && sub.device !== undefined && inv.owner === sub.device;
      if (!ignore) sub.seq = cur;
      sub.onInvalidate?.(inv, !ignore);
    }
    this.invalidateSeq = cur + 1;
  }

  /** mmu_interval_read_begin (never waits here: invalidations are atomic). */
  readBegin(sub: Interval): number {
    return sub.seq;
  }

  /** mmu_interval_check_retry / mmu_interval_read_retry */
  checkRetry(sub: Interval, seq: number): boolean {
    return sub.seq !== seq;
  }
}

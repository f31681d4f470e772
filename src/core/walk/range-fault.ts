/**
 * hmm_range_fault(): the loop that checks the notifier, walks from `last`, and walks again after every internal
 * -EBUSY (a fault was taken or a migration waited for). 5.8+: returns 0 or -errno. ≤5.7 (`long`): a page count on
 * success; ≤5.4 also clears [last, end) to values[NONE] on error.
 */
import { walkPageRange } from './pagewalk';
import { EBUSY, errnoName, type WalkState } from './state';

export function hmmRangeFault(ws: WalkState): number {
  const p = ws.p;
  const n = ws.end - ws.start;
  ws.last = ws.start;
  ws.failVpn = -1;
  ws.loopReturned = false;
  let ret: number;
  while (true) {
    if (ws.sub && p.notifier.checkRetry(ws.sub, ws.notifierSeq)) {
      const i = ws.idx(ws.last);
      ws.event('mmu_interval_check_retry', i, i, 'notifier:changed', 'return -EBUSY',
        `the interval's sequence moved from ${ws.notifierSeq} to ${ws.sub.seq}: something invalidated the range, so hmm_range_fault() returns -EBUSY; entries before ${p.addr(ws.last)} hold outputs, the rest still hold inputs`, 'retry');
      ret = -EBUSY;
      break;
    }
    if (ws.duringPending && ws.room(1) === 0) ws.advance(0, ws.last);
    ret = walkPageRange(ws, ws.last, ws.end);
    if (ret !== -EBUSY) break;
    ws.attempt++;
  }
  if (ret < 0 && ws.b.clearsOnError && !ws.loopReturned) {
    const i = ws.idx(ws.last);
    ws.enc.storeNone(ws.w32, i, n);
    ws.event('hmm_range_fault', i, n, 'error', 'clear [last, end) to values[NONE]',
      `up to 5.4 hmm_range_fault() clears every entry from last (${p.addr(ws.last)}) to the end on error (hmm_pfns_clear)`, 'error');
  }
  if (ret === 0 && ws.b.returnsPageCount) {
    ret = ws.last - ws.start;
    ws.event('hmm_range_fault', n, n, 'done', `return ${ret}`,
      `up to 5.7 hmm_range_fault() returns (hmm_vma_walk.last - start) >> PAGE_SHIFT; last follows the stores but stays at the start of a hole stored without a fault, so the count is ${ret === n ? 'the whole range here' : 'short of the range here'}`, 'info');
  } else {
    const i = ret === 0 ? n : ws.idx(Math.max(ws.last, ws.start));
    ws.event('hmm_range_fault', i, i, 'done', `return ${errnoName(ret)}`, ret === 0
      ? 'the whole range was walked: every entry holds an output'
      : `the call fails with ${errnoName(ret)}`, ret === 0 ? 'info' : 'error');
  }
  return ret;
}

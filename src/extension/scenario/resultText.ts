/**
 * Short texts of a walk result for CodeLens, the tree and test messages: `ret 0 · 7 pages · 1 retry`, whether the
 * walk's `expect` held (`expect held`, `3 pages differ`), the first mismatch. No vscode import.
 */
import type { WalkStep } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import type { WalkResult } from '../../core/scenario/result';
import { differText } from '../../core/scenario/mismatchGroups';

export function retText(ret: number): string {
  return ret === 0 ? '0' : scenarioCore().errnoName(ret);
}

/** What `N retries`/`N attempts` mean, for tooltips and the output channel. */
export const RETRY_EXPLAINED = 'a retry is one more call of hmm_range_fault() by the driver loop of Documentation/mm/hmm.rst: '
  + 'it calls again when a call returns -EBUSY or the notifier sequence changed (mmu_interval_read_retry); '
  + 'attempt N = the N-th call';

/** `ret 0 · 7 pages · 1 retry` (retries = driver-loop calls beyond the first). */
export function walkSummary(w: WalkResult): string {
  const retries = Math.max(0, w.attempts - 1);
  const parts = [`ret ${retText(w.ret)}`, w.pages === 1 ? '1 page' : `${w.pages} pages`];
  if (retries > 0) parts.push(retries === 1 ? '1 retry' : `${retries} retries`);
  if (w.stale) parts.push('stale: invalidated while it ran, a driver would retry');
  return parts.join(' · ');
}

/** Pages that do not match the walk's expect block (every one, not only the listed ones). */
export function mismatchCount(w: WalkResult): number {
  return w.expect ? Math.max(w.expect.total ?? 0, w.expect.mismatches.length) : 0;
}

/** The first thing that does not match the walk's expect block, or undefined when it holds (or there is none). */
export function firstMismatch(w: WalkResult, step?: WalkStep): string | undefined {
  const ex = w.expect;
  if (!ex || ex.ok) return undefined;
  if (!ex.retOk) {
    const want = step?.expect?.ret;
    return want !== undefined ? `expected ret ${retText(want)}, got ${retText(w.ret)}` : `unexpected ret ${retText(w.ret)}`;
  }
  const m = ex.mismatches[0];
  if (!m) return 'expectation failed';
  return `page ${m.index} (0x${m.address.toString(16)}): expected ${m.expected}, got ${m.actual}`;
}

/** Whether `expect` held, in a few words: `expect held`, `3 pages differ`, `ret differs`, `no expect`. */
export function expectVerdict(w: WalkResult): string {
  const ex = w.expect;
  if (!ex) return 'no expect';
  if (ex.ok) return 'expect held';
  const pages = mismatchCount(w);
  return [ex.retOk ? '' : 'ret differs', pages > 0 ? differText(pages) : ''].filter(Boolean).join(' · ') || 'expect failed';
}

/** The line CodeLens shows beside a walk after a run: `$(pass) expect held · ret 0 · 4 pages`, or the failure. */
export function resultLensText(w: WalkResult, step?: WalkStep): string {
  const mm = firstMismatch(w, step);
  if (mm) return `$(error) ${expectVerdict(w)} — ${mm}`;
  if (w.expect) return `$(pass) ${expectVerdict(w)} · ${walkSummary(w)}`;
  return `$(circle-outline) ${walkSummary(w)} · no expect`;
}

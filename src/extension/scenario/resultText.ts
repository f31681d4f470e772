/**
 * Short texts of a walk result for CodeLens, the tree and test messages: `ret 0 · 7 pages · 1 retry`, or the first
 * mismatch. No vscode import.
 */
import type { WalkStep } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import type { WalkResult } from '../../core/scenario/result';

export function retText(ret: number): string {
  return ret === 0 ? '0' : scenarioCore().errnoName(ret);
}


/** `ret 0 · 7 pages · 1 retry` (retries = driver-loop calls beyond the first). */
export function walkSummary(w: WalkResult): string {
  const retries = Math.max(0, w.attempts - 1);
  const parts = [`ret ${retText(w.ret)}`, w.pages === 1 ? '1 page' : `${w.pages} pages`];
  if (retries > 0) parts.push(retries === 1 ? '1 retry' : `${retries} retries`);
  if (w.stale) parts.push('stale: invalidated while it ran, a driver would retry');
  return parts.join(' · ');
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

/** The line CodeLens shows beside a walk after a run. */
export function resultLensText(w: WalkResult, step?: WalkStep): string {
  const mm = firstMismatch(w, step);
  if (mm) {
    const more = w.expect && w.expect.mismatches.length > 1 ? ` (+${w.expect.mismatches.length - 1} more)` : '';
    return `$(error) ${mm}${more}`;
  }
  return `${w.expect ? '$(pass) ' : ''}${walkSummary(w)}`;
}

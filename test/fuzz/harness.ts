/** Runs one fuzz target with fast-check and returns counts, outcome statistics and a shrunk counterexample. */
import fc from 'fast-check';
import { setSlowStats } from './check';
import type { FuzzTarget } from './targets';

export interface FuzzOutcome {
  readonly target: string;
  readonly ok: boolean;
  /** cases run (fast-check's numRuns, shrinking excluded) */
  readonly cases: number;
  readonly seed: number;
  readonly ms: number;
  /** what the cases did (parsed, rejected, ret values …) */
  readonly stats: Record<string, number>;
  /** the shrunk failing input and why it failed */
  readonly failure?: { readonly input: string; readonly error: string; readonly path?: string; readonly shrinks: number };
  readonly interrupted: boolean;
}

export interface FuzzRunOptions {
  readonly numRuns: number;
  readonly seed: number;
  /** stop (as a failure) after this long, shrinking included */
  readonly timeLimitMs?: number;
  /** replay one case: the path fast-check printed */
  readonly path?: string;
}

export function runFuzz<T>(t: FuzzTarget<T>, o: FuzzRunOptions): FuzzOutcome {
  const stats: Record<string, number> = {};
  setSlowStats(stats);
  const t0 = performance.now();
  const details = fc.check(fc.property(t.arbitrary, (x) => { t.check(x, stats); }), {
    numRuns: o.numRuns, seed: o.seed, path: o.path,
    interruptAfterTimeLimit: o.timeLimitMs, markInterruptAsFailure: true,
  });
  const ms = performance.now() - t0;
  let failure: FuzzOutcome['failure'];
  if (details.failed && details.counterexample) {
    const err = details.errorInstance;
    failure = {
      input: t.show(details.counterexample[0] as T),
      error: err instanceof Error ? err.message : String(err),
      path: details.counterexamplePath ?? undefined,
      shrinks: details.numShrinks,
    };
  } else if (details.failed) {
    failure = { input: '-', error: details.interrupted ? `interrupted after ${o.timeLimitMs} ms` : 'failed', shrinks: 0 };
  }
  return { target: t.name, ok: !details.failed, cases: details.numRuns, seed: o.seed, ms, stats, failure, interrupted: details.interrupted };
}

export function formatOutcome(r: FuzzOutcome): string {
  const head = `${r.ok ? 'ok  ' : 'FAIL'} ${r.target.padEnd(7)} ${r.cases.toLocaleString('en-US').padStart(9)} cases in ${(r.ms / 1000).toFixed(1)} s (seed ${r.seed})`;
  const stats = Object.entries(r.stats).sort().map(([k, v]) => `${k}: ${v}`).join(', ');
  let s = `${head}\n      ${stats}`;
  if (r.failure) {
    s += `\n      error: ${r.failure.error}\n      input (after ${r.failure.shrinks} shrinks): ${r.failure.input}`;
    if (r.failure.path) s += `\n      replay: npm run fuzz -- --target ${r.target} --seed ${r.seed} --path ${r.failure.path}`;
  }
  return s;
}

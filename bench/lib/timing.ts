/**
 * Timing helpers for the benchmark suite: warm up, then take the median of several runs within a time budget.
 * Every figure the suite reports is compared with a floor measured by the same helpers in the same process.
 */

export interface Timing {
  /** median wall time of the measured runs, ms */
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** number of measured runs (warmups excluded) */
  readonly runs: number;
}

export interface MeasureOptions {
  /** runs before measuring (JIT warmup), default 1 */
  readonly warmup?: number;
  /** measured runs at least, default 3 */
  readonly minRuns?: number;
  /** measured runs at most, default 7 */
  readonly maxRuns?: number;
  /** stop adding runs (beyond minRuns) once this much time has been spent measuring, default 4000 ms */
  readonly budgetMs?: number;
  /** called before every run (warmup included), outside the timed region: build fresh inputs here */
  readonly before?: () => void;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The p-th percentile (0 < p ≤ 100) by nearest rank: of 10 values, p90 is the 9th smallest. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Time `fn` (sync). The value it returns is kept in a sink so the work cannot be optimised away. */
export function measure(fn: () => unknown, opts: MeasureOptions = {}): Timing {
  const warmup = opts.warmup ?? 1;
  const minRuns = opts.minRuns ?? 3;
  const maxRuns = opts.maxRuns ?? 7;
  const budget = opts.budgetMs ?? 4000;
  for (let i = 0; i < warmup; i++) {
    opts.before?.();
    sink(fn());
  }
  const samples: number[] = [];
  const began = performance.now();
  while (samples.length < maxRuns && (samples.length < minRuns || performance.now() - began < budget)) {
    opts.before?.();
    const t0 = performance.now();
    const v = fn();
    samples.push(performance.now() - t0);
    sink(v);
  }
  return { medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), runs: samples.length };
}

let sinkValue: unknown;
/** Keep a value alive (and observable) so that the measured work has an effect. */
export function sink(v: unknown): void {
  sinkValue = v;
}
export function lastSink(): unknown {
  return sinkValue;
}

/**
 * Runs a fuzz target in a worker thread watched for progress, so a case that hangs (a runaway page count, an
 * endless loop) is reported with its input instead of stalling the run. Used by `npm run fuzz` and the CI budget.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { runFuzz, type FuzzOutcome } from './harness';
import type { AnyTarget, FuzzTarget } from './targets';

interface Job {
  readonly fuzzJob: true;
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
  readonly path?: string;
  readonly timeLimitMs?: number;
  readonly progress: SharedArrayBuffer;
  readonly current: SharedArrayBuffer;
}

const CURRENT_BYTES = 64 * 1024;

/** A target whose third case never ends: proves the watchdog (test/unit/fuzz-check.test.ts). */
const HANG_SELFTEST: FuzzTarget<number> = {
  name: 'hang-selftest',
  arbitrary: fc.nat(),
  show: (n) => `case value ${n}`,
  check: () => {
    hangCalls++;
    if (hangCalls === 3) for (;;) { /* hang */ }
  },
};
let hangCalls = 0;

function workerMain(job: Job): void {
  const targets: readonly AnyTarget[] = job.target === HANG_SELFTEST.name ? [HANG_SELFTEST]
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    : (require('./targets') as typeof import('./targets')).TARGETS;
  const t = targets.find((x) => x.name === job.target);
  if (!t) throw new Error(`unknown fuzz target ${job.target}`);
  const progress = new Int32Array(job.progress);
  const current = new Uint8Array(job.current);
  const enc = new TextEncoder();
  const watched = {
    ...t,
    check: (x: unknown, stats: Record<string, number>) => {
      // keep the input being run for the hang report, and count progress
      const shown = enc.encode(t.show(x).slice(0, CURRENT_BYTES / 4));
      current.fill(0);
      current.set(shown.subarray(0, CURRENT_BYTES));
      Atomics.add(progress, 0, 1);
      t.check(x, stats);
    },
  };
  parentPort!.postMessage(runFuzz(watched, { numRuns: job.runs, seed: job.seed, path: job.path, timeLimitMs: job.timeLimitMs }));
}

export interface WorkerRun {
  readonly target: string;
  readonly runs: number;
  readonly seed: number;
  /** seconds without a finished case before the case is reported as a hang */
  readonly hangS: number;
  /** seconds allowed before the first case starts (loading the targets), default 60 */
  readonly startupS?: number;
  readonly path?: string;
  readonly timeLimitMs?: number;
}

export function runInWorker(o: WorkerRun): Promise<FuzzOutcome> {
  const progress = new SharedArrayBuffer(4);
  const current = new SharedArrayBuffer(CURRENT_BYTES);
  const job: Job = { fuzzJob: true, target: o.target, runs: o.runs, seed: o.seed, path: o.path, timeLimitMs: o.timeLimitMs, progress, current };
  // a .ts worker needs tsx registered inside the worker first
  const w = new Worker(`require('tsx/cjs'); require(${JSON.stringify(__filename)});`, { eval: true, workerData: job });
  const t0 = performance.now();
  const currentInput = () => new TextDecoder().decode(new Uint8Array(current)).replace(/\0+$/, '');
  const done = () => Atomics.load(new Int32Array(progress), 0);
  return new Promise((resolve) => {
    let last = -1;
    let lastChange = performance.now();
    const timer = setInterval(() => {
      const p = done();
      if (p !== last) {
        last = p;
        lastChange = performance.now();
        return;
      }
      // loading the targets (tsx compiling the core in the worker) is not a hang: allow a minute before case 1
      const limitS = p === 0 ? Math.max(o.hangS, o.startupS ?? 60) : o.hangS;
      if (performance.now() - lastChange > limitS * 1000) {
        clearInterval(timer);
        const input = currentInput();
        void w.terminate();
        resolve({ target: o.target, ok: false, cases: p, seed: o.seed, ms: performance.now() - t0, stats: {}, interrupted: true,
          failure: { input, error: `no case finished for ${limitS} s: the case below hangs (or shrinking a slow case takes that long)`, shrinks: 0 } });
      }
    }, 500);
    w.on('message', (m: FuzzOutcome) => { clearInterval(timer); void w.terminate(); resolve(m); });
    w.on('error', (e) => {
      clearInterval(timer);
      resolve({ target: o.target, ok: false, cases: done(), seed: o.seed, ms: performance.now() - t0, stats: {}, interrupted: false,
        failure: { input: currentInput(), error: `worker died: ${e instanceof Error ? e.stack ?? e.message : String(e)}`, shrinks: 0 } });
    });
  });
}

if (!isMainThread && (workerData as Partial<Job> | null)?.fuzzJob) workerMain(workerData as Job);

/**
 * CI fuzz budget: every fuzz target (test/fuzz/targets.ts) with a fixed seed and at least 10,000 cases, each in a
 * worker thread watched for hangs (test/fuzz/worker.ts). The only outcomes allowed are a result or positioned
 * diagnostics: no throw, no hang, no crash message, and the same scenario gives byte-identical JSON on repeated
 * runs. `npm run fuzz` runs 100,000+ cases per target. A failure prints the shrunk input and how to replay it.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOutcome } from '../fuzz/harness';
import { runInWorker } from '../fuzz/worker';

const SEED = 20261125;
const CASES = 10_000;

// two workers at a time: the machine (and CI) has 2 cores
describe('fuzz targets', { concurrency: 2 }, () => {
  for (const target of ['parse', 'run', 'decode', 'scan']) {
    test(`fuzz ${target}: ${CASES} cases, seed ${SEED}`, async () => {
      const r = await runInWorker({ target, runs: CASES, seed: SEED, hangS: 20, timeLimitMs: 150_000 });
      if (!r.ok) assert.fail(formatOutcome(r));
      assert.equal(r.cases, CASES);
    });
  }
});

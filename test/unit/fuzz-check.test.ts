/**
 * The fuzz oracle itself (test/fuzz/check.ts): it must accept positioned diagnostics inside the text and reject
 * positions outside it, crash messages and exceptions; otherwise the fuzz budget would pass vacuously.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDiagnostics, FuzzFailure, inTime, noThrow, within } from '../fuzz/check';
import type { ScenarioDiagnostic } from '../../src/core/scenario/ast';

const diag = (line: number, col: number, message = 'unknown prot "rwz"; expected none, r, rw, rx, rwx'): ScenarioDiagnostic =>
  ({ file: 'a.hmm.yaml', pos: { line, col, endLine: line, endCol: col + 1 }, severity: 'error', message });

test('within: 1-based lines and columns, a column may point just past the line', () => {
  const text = 'hmm: 1\nsteps: []\n';
  assert.equal(within(text, 1, 1), true);
  assert.equal(within(text, 1, 7), true); // just past "hmm: 1"
  assert.equal(within(text, 1, 8), false);
  assert.equal(within(text, 2, 10), true);
  assert.equal(within(text, 3, 1), true); // the empty line after the final newline
  assert.equal(within(text, 4, 1), false);
  assert.equal(within(text, 0, 1), false);
  assert.equal(within(text, 1, 0), false);
  assert.equal(within('', 1, 1), true);
  assert.equal(within('a\rb', 2, 2), true); // CR-only line breaks count too
});

test('checkDiagnostics accepts a positioned error and rejects positions outside the text', () => {
  const text = 'hmm: 1\nsteps:\n  - mmap: { pages: 1, prot: rwz }\n';
  checkDiagnostics([diag(3, 30)], text, 'a.hmm.yaml', 'parse');
  assert.throws(() => checkDiagnostics([diag(1, 28)], text, 'a.hmm.yaml', 'parse'), FuzzFailure);
  assert.throws(() => checkDiagnostics([diag(9, 1)], text, 'a.hmm.yaml', 'parse'), FuzzFailure);
  assert.throws(() => checkDiagnostics([{ ...diag(1, 1), file: 'other.hmm.yaml' }], text, 'a.hmm.yaml', 'parse'), FuzzFailure);
});

test('checkDiagnostics rejects crashes reported as messages, but not the user\'s own ".nan"', () => {
  const text = 'hmm: .nan\n';
  for (const m of ['internal error while reading the file: x', 'YAML syntax: Maximum call stack size exceeded',
    "Cannot read properties of undefined (reading 'x')", 'pages NaN is not allowed', 'got [object Object]']) {
    assert.throws(() => checkDiagnostics([diag(1, 1, m)], text, 'a.hmm.yaml', 'parse'), FuzzFailure, m);
  }
  checkDiagnostics([diag(1, 6, 'unsupported format version .nan; expected hmm: 1')], text, 'a.hmm.yaml', 'parse');
});

test('noThrow turns an exception into a failure naming the call; inTime fails slow calls', () => {
  assert.throws(() => noThrow('parseScenario', () => { throw new TypeError('x is undefined'); }), /parseScenario threw TypeError: x is undefined/);
  assert.equal(noThrow('f', () => 3), 3);
  assert.throws(() => inTime('spin', 5, () => { const t = performance.now(); while (performance.now() - t < 20) { /* spin */ } }), /spin took/);
});

test('the worker watchdog reports a case that hangs, with its input, and ends the worker', async () => {
  const { runInWorker } = await import('../fuzz/worker');
  const t0 = performance.now();
  const r = await runInWorker({ target: 'hang-selftest', runs: 100, seed: 1, hangS: 2 });
  assert.equal(r.ok, false);
  assert.equal(r.cases, 3, 'two cases finished, the third hung');
  assert.match(r.failure?.error ?? '', /no case finished for 2 s/);
  assert.match(r.failure?.input ?? '', /^case value \d+$/);
  assert.ok(performance.now() - t0 < 30_000);
});

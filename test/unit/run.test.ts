/**
 * runScenario / runScenarioText: the runner's options, runtime diagnostics, and the example files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioText, formatDiagnostic, parseScenario, runScenario } from '../../src/core/index';

const HEAD = 'hmm: 1\nkernel: latest\ndevices: [gpu0, gpu1]\nsteps:\n';

function runText(body: string, opts = {}) {
  return runScenarioText(HEAD + body, 'r.hmm.yaml', opts);
}

test('every example and conformance scenario runs without diagnostics and meets its expect blocks', () => {
  const dirs = ['examples', 'test/conformance/selftests', 'test/conformance/versions'];
  let files = 0;
  for (const d of dirs) {
    for (const f of readdirSync(d).filter((x) => x.endsWith('.hmm.yaml'))) {
      if (/1g/.test(f)) continue; // the 1 GiB hugetlb walks are slow; run by the conformance suite
      files++;
      const r = runScenarioText(readFileSync(join(d, f), 'utf8'), f);
      assert.deepEqual(r.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic), [], f);
      for (const w of r.result!.walks) {
        assert.ok(!w.expect || w.expect.ok, `${f}: walk "${w.name}": ${w.expect?.mismatches.slice(0, 3).map((m) => m.message).join('; ')} ret ${w.ret}`);
      }
    }
  }
  assert.ok(files > 40);
});

test('runtime errors are positioned diagnostics (line and column of the step), never throws', () => {
  const r = runText('  - mmap: { name: buf, pages: 2, prot: r }\n  - write: { at: buf+1 }\n  - read: { at: 0x10000 }\n'
    + '  - migrate: { at: buf, pages: 1, to: gpu0 }\n  - walk: { at: buf, pages: 2, mode: snapshot }\n', { device: 'nope' });
  const msgs = r.diagnostics.map((d) => `${d.pos.line}:${d.pos.col} ${d.message}`);
  assert.equal(r.diagnostics.length, 3, msgs.join('\n'));
  assert.match(msgs[0], /^6:\d+ write at 0x7f0000001000: the mapping is read-only/);
  assert.match(msgs[1], /^7:\d+ read at 0x10000: no mapping there/);
  assert.match(msgs[2], /^9:\d+ walk "walk 1": unknown device "nope"/);
  assert.equal(r.result!.walks.length, 0);
});

test('maxPages: a larger walk is refused with a message naming the limit and the hmm.maxPages setting', () => {
  const r = runText('  - mmap: { name: buf, pages: 64, prot: rw }\n  - walk: { at: buf, pages: 64, mode: snapshot }\n', { maxPages: 16 });
  assert.equal(r.result!.walks.length, 0);
  assert.match(r.diagnostics[0].message, /64 pages, more than the limit of 16 pages \(the hmm\.maxPages setting/);
});

test('maxPages also bounds steps that touch every page (write, set, exclusive, migrate …)', () => {
  const r = runText('  - mmap: { name: buf, pages: 134217728, prot: rw }\n  - exclusive: { at: buf, pages: 134217728, device: gpu0 }\n'
    + '  - walk: { at: buf+134217726, pages: 2, mode: snapshot }\n', { maxPages: 4096 });
  assert.match(r.diagnostics[0].message, /exclusive touches 134217728 pages one by one, more than the limit of 4096 pages \(the hmm\.maxPages setting/);
  assert.deepEqual([...r.result!.walks[0].pfns], [0n, 0n]);
});

test('options: mode, device and kernel overrides; walk filter; progress; cancellation', () => {
  const body = '  - mmap: { name: buf, pages: 2, prot: rw }\n  - migrate: { at: buf+1, pages: 1, to: gpu1 }\n'
    + '  - walk: { name: a, device: gpu0, at: buf, pages: 2, mode: snapshot }\n'
    + '  - walk: { name: b, device: gpu0, at: buf, pages: 2, mode: snapshot }\n';
  const base = runText(body).result!;
  assert.deepEqual([...base.walks[0].pfns].map((x) => x >> 62n), [0n, 0n]);
  const dev = runText(body, { device: 'gpu1' }).result!;
  assert.equal(dev.walks[0].pfns[1] >> 62n, 3n, 'gpu1 owns page 1: VALID|WRITE');
  const fault = runText(body, { mode: 'fault' }).result!;
  assert.equal(fault.walks[0].pfns[0] >> 63n, 1n);
  const old = runText(body, { kernel: 'v5.7' }).result!;
  assert.equal(old.kernel, 'v5.7');
  assert.match(old.layoutId, /^legacy:/);
  const only = runText(body, { walks: (_w: unknown, i: number) => i === 1 }).result!;
  assert.deepEqual(only.walks.map((w) => w.name), ['b']);
  const seen: number[] = [];
  runText(body, { onProgress: (d: number, t: number) => seen.push(d / t) });
  assert.equal(seen.at(-1), 1);
  let n = 0;
  const c = runText(body, { isCancelled: () => ++n > 2 });
  assert.equal(c.result!.walks.length, 0);
  assert.ok(c.diagnostics.some((d) => /cancelled/.test(d.message)));
});

test('an unknown kernel id is one diagnostic, not an exception', () => {
  const parsed = parseScenario('hmm: 1\nsteps: []\n', 'k.hmm.yaml');
  const r = runScenario(parsed.scenario!, { kernel: 'v9.99' });
  assert.equal(r.walks.length, 0);
  assert.match(r.diagnostics[0].message, /newer than the newest modelled release/);
});

test('runs are deterministic: same pfns and same trace', () => {
  const text = readFileSync('examples/03-fork-cow-ebusy.hmm.yaml', 'utf8');
  const a = runScenarioText(text, 'x').result!;
  const b = runScenarioText(text, 'x').result!;
  assert.deepEqual(a.walks.map((w) => [...w.pfns]), b.walks.map((w) => [...w.pfns]));
  assert.deepEqual(a.walks.map((w) => w.trace), b.walks.map((w) => w.trace));
});

test('during steps run once, at the page count given, and appear in the trace', () => {
  const r = runText('  - mmap: { name: buf, pages: 8, prot: rw }\n  - write: { at: buf, pages: 8 }\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 8, mode: snapshot, during: [ { after_pages: 5, step: { munmap: { at: buf+7, pages: 1 } } } ] }\n');
  const w = r.result!.walks[0];
  const d = w.trace.filter((e) => e.kind === 'during');
  assert.equal(d.length, 1);
  assert.equal(d[0].first, 5);
  assert.equal(w.attempts, 2);
  assert.equal(w.pfns[7] >> 61n, 1n, 'the retry sees the unmapped page: ERROR');
});

test('a mapping whose mmap failed is reported once: later steps that name it are no new errors, a walk says why it has no result', () => {
  // the second mmap replaces part of a hugetlb page: the kernel refuses that (-EINVAL), which only the run can tell
  const r = runScenarioText('hmm: 1\nsteps:\n  - mmap: { name: h, pages: 512, prot: rw, flags: [hugetlb] }\n'
    + '  - mmap: { name: buf, at: h+1, pages: 1, prot: rw }\n'
    + '  - write: { at: buf }\n  - mprotect: { at: buf, pages: 1, prot: r }\n  - walk: { name: w, at: buf, pages: 4 }\n', 'm.hmm.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, r.diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(errors[0].pos.line, 4);
  assert.match(errors[0].message, /part of a hugetlb page/);
  const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
  assert.deepEqual(warnings.map(formatDiagnostic), ['m.hmm.yaml:7:5: warning: walk "w": mapping "buf" was not created (its mmap at line 4 failed)']);
  assert.equal(r.result?.walks.length, 0);
});

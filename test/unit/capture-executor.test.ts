/**
 * The executor's `proc-snapshot` on this machine (no probe module needed: a snapshot touches no device): a program
 * builds known mappings and snapshots them; the console lines parse, and the capture made from them simulates to
 * the states the program created. The real-kernel comparison with walks is test/kernel/capture.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { generateScenario } from '../../src/core/capture/generate';
import { captureFromSnapshot } from '../../src/core/capture/snapshot';
import { decodePfn, resolveLayout } from '../../src/core/layouts';
import { readConsole } from '../../src/core/oracle/output';
import { parseScenario } from '../../src/core/scenario/parse';
import { runScenario } from '../../src/core/scenario/run';
import { buildExecutor } from '../../src/oracle/artifacts';

const work = mkdtempSync(join(tmpdir(), 'hmm-lens-exec-snap-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('proc-snapshot: the executor prints its /proc state; the capture of it simulates to the program\'s pages', async () => {
  const exe = await buildExecutor(() => undefined);
  const prog = join(work, 'snap.prog');
  writeFileSync(prog, [
    'hmm-exec 1 snap',
    'mmap 0x7f0000000000 16 rw private anon',
    'write 0x7f0000000000 4',
    'mmap 0x7f0000200000 1024 rw private anon',
    'madvise 0x7f0000200000 1024 hugepage',
    'write 0x7f0000200000 512',
    'mmap 0x7f0000600000 4 rw shared anon',
    'write 0x7f0000600000 2',
    'mmap 0x7f0000604000 4 none private anon',
    'proc-snapshot 7 0x7f0000000000 1544',
    '',
  ].join('\n'));
  const r = spawnSync(exe, [prog], { encoding: 'utf8', env: { ...process.env, HMM_EXEC_TMPDIR: work } });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const report = readConsole(r.stdout);
  assert.deepEqual(report.malformed, []);
  const run = report.programs.get('snap')!;
  assert.equal(run.end, 'ok');
  const snap = run.procs!.get(7)!;
  assert.equal(snap.complete, true);
  assert.equal(snap.info.pages, '1544');
  assert.match(snap.info.release, /^\d+\.\d+/);
  assert.ok(snap.smaps.some((l) => l.startsWith('7f0000000000-7f0000010000 rw-p ')));
  assert.ok(!snap.smaps.some((l) => / kB$/.test(l) && /:\s+0 kB$/.test(l) && !l.startsWith('Rss:')), 'zero sizes are left out');
  const c = captureFromSnapshot(snap);
  assert.ok(!('error' in c), 'error' in c ? c.error : '');
  const g = generateScenario(c.capture);
  const p = parseScenario(g.text, 'snap.hmm.yaml');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  const res = runScenario(p.scenario!);
  assert.deepEqual(res.diagnostics.filter((d) => d.severity === 'error'), []);
  const snapWalk = res.walks[0];
  assert.equal(snapWalk.name, 'snapshot of the range');
  const layout = resolveLayout(res.kernel).layout!;
  const text = (i: number) => {
    const d = decodePfn(snapWalk.pfns[i], layout);
    return [...d.flags.filter((f) => ['VALID', 'WRITE', 'ERROR'].includes(f)), ...(d.order ? [`order=${d.order}`] : [])].join(' ') || 'NONE';
  };
  assert.deepEqual([0, 1, 2, 3, 4, 15].map(text), ['VALID WRITE', 'VALID WRITE', 'VALID WRITE', 'VALID WRITE', 'NONE', 'NONE']);
  // pages 16..511: no mapping; then the THP (when the kernel could allocate one: smaps says so)
  assert.equal(text(16), 'ERROR');
  const thp = snap.smaps.some((l) => /^AnonHugePages:\s+2048 kB$/.test(l));
  assert.equal(text(512), thp ? 'VALID WRITE order=9' : 'VALID WRITE');
  assert.equal(text(1024), 'NONE');
  assert.deepEqual([1536, 1537, 1538, 1540].map(text), ['VALID WRITE', 'VALID WRITE', 'NONE', 'ERROR']);
});

test('proc-snapshot: a bad line is a parse error naming it, and nothing runs', async () => {
  const exe = await buildExecutor(() => undefined);
  const prog = join(work, 'bad.prog');
  writeFileSync(prog, 'hmm-exec 1 bad\nmmap 0x7f0000000000 1 rw private anon\nproc-snapshot 1 0x7f0000000000\n');
  const r = spawnSync(exe, [prog], { encoding: 'utf8' });
  assert.match(r.stdout, /@hmm fail 3 EINVAL parse: proc-snapshot needs ID ADDR PAGES/);
  writeFileSync(prog, 'hmm-exec 1 bad\nproc-snapshot 1 0x7f0000000000 0\n');
  assert.match(spawnSync(exe, [prog], { encoding: 'utf8' }).stdout, /@hmm fail 2 EINVAL parse: PAGES must be 1 to 1048576/);
});

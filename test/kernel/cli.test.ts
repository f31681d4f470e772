/**
 * `hmm-lens verify` as a user runs it (dist/cli.js, built by the build layer): the output and exit status when
 * everything agrees, and the failures that must be loud — a VM that hangs is killed after its timeout with the console
 * shown, a VM whose kernel panics is reported with the console tail, a kernel this machine cannot use says what is
 * missing, bad input is refused. The kernels were prepared by ./oracle.test.ts's run (or are prepared here).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function verify(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, 'verify', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 15 * 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'hmm-lens-verify-'));
const FORK = join(tmp, 'fork.hmm.yaml');
writeFileSync(FORK, `hmm: 1
kernel: v6.19
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 16, prot: rw }
  - write: { at: buf, pages: 16 }
  - fork: {}
  - walk: { name: after fork, device: gpu0, at: buf, pages: 16 }
  - walk: { name: write fault, device: gpu0, at: buf, pages: 16, mode: fault_write }
  - migrate: { at: buf, pages: 1, to: gpu0 }
  - walk: { name: after migrate, device: gpu0, at: buf, pages: 16 }
`);

test('verify on Debian 6.12: per-walk verdicts, the summary as the last line, exit 0', () => {
  const r = verify([FORK, '--on', 'debian-6.12']);
  assert.equal(r.code, 0, r.err + r.out);
  const lines = r.out.trimEnd().split('\n');
  assert.match(lines[0], /^Verifying on Linux 6\.12 \(Debian, VM\): 6\.12\.\d+\+deb\d+-amd64, simulated as v6\.12$/);
  assert.match(r.out, / {2}agree {13}walk "after fork" \(line 8\)/);
  assert.match(r.out, / {2}agree {13}walk "write fault" \(line 9\)/);
  assert.match(r.out, /not expressible {3}walk "after migrate" \(line 11\): not expressible on debian-6\.12: after line 10 \(migrate\): .*CONFIG_DEVICE_PRIVATE/);
  assert.equal(lines[lines.length - 1], '3 walks · 2 agree · 0 disagree · 1 not expressible');
  assert.match(r.err, /hmm-lens: debian-6\.12: booting 6\.12\.\d+/);
});

test('verify --json: one document with the kernel, each walk\'s status and both sides\' outcome; --words adds the words', () => {
  const r = verify([FORK, '--on', 'devpriv-6.1', '--json', '--words']);
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { kernel: { on: string; simulatedAs: string }; files: { walks: { status: string; kernel: { calls: number; pfns: string[] }; simulator: { calls: number; pfns: string[] } }[] }[]; summary: { line: string } };
  assert.equal(doc.kernel.on, 'devpriv-6.1');
  assert.equal(doc.kernel.simulatedAs, 'v6.1');
  assert.deepEqual(doc.files[0].walks.map((w) => w.status), ['agree', 'agree', 'agree']);
  const write = doc.files[0].walks[1];
  assert.equal(write.kernel.calls, 2, 'the COW breaks invalidate: one -EBUSY round on the kernel');
  assert.equal(write.simulator.calls, 2);
  assert.equal(write.kernel.pfns.length, 16);
  assert.notDeepEqual(write.kernel.pfns, write.simulator.pfns, 'real pfns are not the simulator\'s');
  assert.equal(doc.summary.line, '3 walks · 3 agree · 0 disagree · 0 not expressible');
});

test('a VM that hangs is killed after its timeout; exit 3 with the console tail', () => {
  const r = verify([FORK, '--on', 'debian-6.1'], { HMM_LENS_VM_TIMEOUT: '40', HMM_VM_APPEND: 'hmm.test=hang' });
  assert.equal(r.code, 3, r.out + r.err);
  assert.match(r.err, /hmm-lens: error: debian-6\.1: the VM did not finish within 40 s and was killed\. Console tail:/);
  assert.match(r.err, /@hmm ready release=6\.1\./, 'the tail shows how far the VM got');
  assert.doesNotMatch(r.out, /walks ·/);
});

test('a VM whose kernel panics: exit 3, the panic and the console tail in the message', () => {
  const r = verify([FORK, '--on', 'debian-6.12'], { HMM_VM_APPEND: 'hmm.test=panic' });
  assert.equal(r.code, 3, r.out + r.err);
  // the panic line is named whatever the tail holds (a long backtrace can push it out of the tail)
  assert.match(r.err, /hmm-lens: error: debian-6\.12: the kernel panicked: "Kernel panic - not syncing: [^"]+"\. Console tail:/);
  assert.match(r.err, /sysrq/i, 'the tail shows the backtrace');
});

test('the host without the probe module: exit 3 saying how to build and load it', () => {
  const r = verify([FORK, '--on', 'host']);
  assert.equal(r.code, 3);
  assert.match(r.err, /\/dev\/hmm_probe does not exist: the probe module is not loaded on this machine\. Build it against your running kernel and load it:\n {2}make -C kernel\/probe && sudo insmod kernel\/probe\/hmm_probe\.ko/);
});

test('bad input: no --on, an unknown kernel, a missing file, an invalid file (exit 2 even when the rest verifies)', () => {
  assert.equal(verify([FORK]).code, 2);
  const unknown = verify([FORK, '--on', 'debian-7']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown kernel "debian-7" for --on; expected debian-6\.1, debian-6\.12, devpriv-6\.1, host/);
  const bad = join(tmp, 'bad.hmm.yaml');
  writeFileSync(bad, 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - write: { at: b }\n  - walk: { at: b, pages: 1 }\n');
  const r = verify([bad, join(tmp, 'missing.hmm.yaml'), '--on', 'debian-6.1']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /bad\.hmm\.yaml:4:5: error: write at 0x7f0000000000: the mapping is read-only/);
  assert.match(r.err, /missing\.hmm\.yaml: no such file or directory/);
  assert.match(r.out, /1 walks · 0 agree · 0 disagree · 1 not expressible$/m);
});

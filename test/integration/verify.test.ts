// Verify on a real kernel, inside the real VS Code: "HMM: Verify Walk on Real Kernel" boots Debian's 6.1 in QEMU
// (prepared by the kernel test layer, which runs before this one), shows the verdict, the CodeLens beside the walk
// and the inspector's simulator-against-kernel view; the Test Explorer's verify profile reports every walk; a kernel
// the machine cannot use gets a clear message.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, lineOf, open, waitFor, writeFixture } from './hmmHelpers';

const SCENARIO = `hmm: 1
name: it verify
kernel: v6.19
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf, pages: 2 }
  - read: { at: buf+2 }
  - walk: { name: snapshot, device: gpu0, at: buf, pages: 8 }
  - fork: {}
  - walk: { name: write after fork, at: buf, pages: 4, mode: fault_write }
  - migrate: { at: buf+4, pages: 1, to: gpu0 }
  - walk: { name: after migrate, device: gpu0, at: buf, pages: 8 }
`;

suite('Verify on a real kernel', function () {
  // a VM boot under TCG takes 10-20 s; the kernel itself was prepared by the kernel layer
  this.timeout(10 * 60_000);
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('HMM: Verify Walk on Real Kernel: the walk agrees with Debian 6.1; CodeLens and the inspector show it', async () => {
    const api = await hmmApi();
    assert.ok(api.verifier, 'the Node host offers verification');
    const uri = await writeFixture('verify-walk.hmm.yaml', SCENARIO);
    await open(uri);
    const out = await vscode.commands.executeCommand<{ status: string; release?: string; shown?: boolean }>('hmm.verifyWalk', uri, 1, 'debian-6.1');
    assert.equal(out.status, 'agree', JSON.stringify(out));
    assert.match(out.release ?? '', /^6\.1\.\d+-\d+-amd64$/);
    assert.equal(out.shown, true);
    // the inspector shows the simulator against the kernel, agreeing
    const payload = await waitFor('the inspector payload', () => api.inspector && (api.inspector as unknown as { testing: { payload(): { view: { kind: string; kernelCompare?: { status: string; total: number }; walks: { name: string; ret: number; attempts: number }[] } } | undefined } }).testing.payload());
    assert.equal(payload.view.kind, 'compare');
    assert.equal(payload.view.kernelCompare?.status, 'agree');
    assert.equal(payload.view.kernelCompare?.total, 0);
    assert.equal(payload.view.walks[0].name, 'write after fork');
    assert.match(payload.view.walks[1].name, /^kernel 6\.1\./);
    // the fork made the pages copy-on-write: one -EBUSY round on both sides
    assert.equal(payload.view.walks[0].attempts, 2);
    assert.equal(payload.view.walks[1].attempts, 2);
    // the verdicts of every walk are stored: the CodeLens says so beside each
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100);
    const titles = lenses.filter((l) => l.command).map((l) => `${l.range.start.line + 1}: ${l.command!.title}`);
    const line = (name: string) => lineOf(SCENARIO, `name: ${name}`);
    assert.ok(titles.includes(`${line('snapshot')}: $(pass) agrees with debian-6.1`), titles.join('\n'));
    assert.ok(titles.includes(`${line('write after fork')}: $(pass) agrees with debian-6.1`), titles.join('\n'));
    assert.ok(titles.includes(`${line('after migrate')}: $(circle-slash) not expressible on debian-6.1`), titles.join('\n'));
    assert.ok(titles.includes(`${line('snapshot')}: $(vm) Verify on kernel`), titles.join('\n'));
  });

  test('a walk that is not expressible says why, and the inspector is not opened for it', async () => {
    const uri = await writeFixture('verify-ne.hmm.yaml', SCENARIO);
    const out = await vscode.commands.executeCommand<{ status: string; reason?: string; shown?: boolean }>('hmm.verifyWalk', uri, 2, 'debian-6.1');
    assert.equal(out.status, 'not-expressible');
    assert.match(out.reason ?? '', /needs device-private memory \(CONFIG_DEVICE_PRIVATE\).*run on devpriv-6\.1/);
    assert.equal(out.shown, false);
  });

  test('the Test Explorer\'s "Verify on Linux 6.1" profile: agree passes, not expressible is skipped', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('verify-tests.hmm.yaml', SCENARIO);
    const file = await api.tests.refreshFile(uri);
    assert.ok(file);
    const out = await api.tests.verifyTests(new vscode.TestRunRequest([file]), new vscode.CancellationTokenSource().token, 'debian-6.1');
    assert.equal(out.get(`${uri}#0`)?.state, 'passed');
    assert.equal(out.get(`${uri}#1`)?.state, 'passed');
    assert.equal(out.get(`${uri}#2`)?.state, 'skipped');
  });

  test('a kernel this machine cannot use gets a clear message: the host without the probe module', async () => {
    const uri = await writeFixture('verify-host.hmm.yaml', SCENARIO);
    const out = await vscode.commands.executeCommand<{ status: string; reason?: string }>('hmm.verifyWalk', uri, 0, 'host');
    assert.equal(out.status, 'error');
    assert.match(out.reason ?? '', /\/dev\/hmm_probe does not exist: the probe module is not loaded on this machine/);
    assert.match(out.reason ?? '', /make -C kernel\/probe && sudo insmod kernel\/probe\/hmm_probe\.ko/);
    const lines = (await hmmApi()).outputLines();
    assert.ok(lines.some((l) => l.includes('verify: host: /dev/hmm_probe does not exist')), 'the whole message is in the output channel');
  });
});

// "HMM: Capture Process Address Space…" inside the real VS Code (Node host): a child process with known mappings
// (test/fixtures/capture/child.c) is captured through the command with the picker answered by arguments; the
// scenario opens as an untitled document, runs, and the inspector shows its snapshot. The picker's items, a range,
// a process that does not exist and cancellation are tested too.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, hmmApi, waitFor } from './hmmHelpers';
import { startChild, type CaptureChild } from '../fixtures/capture/child';
import { listProcesses, processPickItems } from '../../src/capture/processes';
import { captureProcess, CaptureFailure } from '../../src/capture/read';

interface Outcome { status: string; reason?: string; uri?: string; walks?: string[]; shownWalk?: number; shown?: boolean; warnings?: string[] }

suite('Capture a process', function () {
  this.timeout(120_000);
  let child: CaptureChild;
  const dir = mkdtempSync(join(tmpdir(), 'hmm-lens-it-capture-'));
  chmodSync(dir, 0o777);
  suiteSetup(async () => { await hmmApi(); child = await startChild(dir); });
  suiteTeardown(() => { child?.stop(); rmSync(dir, { recursive: true, force: true }); });
  teardown(closeAll);

  test('the command captures the child: an untitled scenario at the child\'s addresses, run, the inspector on its snapshot', async () => {
    const api = await hmmApi();
    const out = await vscode.commands.executeCommand<Outcome>('hmm.captureProcess', child.pid);
    assert.equal(out.status, 'captured', JSON.stringify(out));
    assert.deepEqual(out.warnings, [], 'as root nothing is missing');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === out.uri);
    assert.ok(doc, 'the scenario is open');
    assert.equal(doc.uri.scheme, 'untitled');
    assert.match(doc.uri.path, new RegExp(`capture-capture-child-${child.pid}\\.hmm\\.yaml$`));
    assert.equal(doc.languageId, 'hmm-scenario');
    const text = doc.getText();
    for (const n of ['anon', 'thp', 'shared', 'file', 'guard', 'after']) {
      assert.match(text, new RegExp(`at: 0x${child.maps.get(n)!.addr.toString(16)},`), n);
    }
    assert.match(text, new RegExp(`# HMM Lens capture of process ${child.pid} \\(capture-child\\)`));
    // the walks ran; the inspector shows a snapshot
    assert.ok(out.walks && out.walks.length >= 10);
    assert.equal(out.shown, true);
    const payload = await waitFor('the inspector payload', () => (api.inspector as unknown as { testing: { payload(): { view: { kind: string; walkIndex: number; walks: { name: string; pages: number }[] } } | undefined } }).testing.payload());
    assert.equal(payload.view.kind, 'result');
    const shown = payload.view.walks[payload.view.walkIndex];
    assert.equal(shown.name, out.walks![out.shownWalk!]);
    assert.match(shown.name, /^snapshot /);
    // the run is stored: CodeLens shows the results beside the walks
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 200);
    assert.ok(lenses.some((l) => /^\$\(pass\)|ret 0/.test(l.command?.title ?? '')), lenses.map((l) => l.command?.title).join('\n'));
  });

  test('a range: one snapshot and one faulting walk over it', async () => {
    const a = child.maps.get('anon')!;
    const out = await vscode.commands.executeCommand<Outcome>('hmm.captureProcess', child.pid, `0x${a.addr.toString(16)}+64K`, { show: false });
    assert.equal(out.status, 'captured', JSON.stringify(out));
    assert.deepEqual(out.walks, ['snapshot of the range', 'fault of the range']);
    assert.equal(out.shown, false);
  });

  test('bad input: a bad range, a pid that does not exist — a message, no exception', async () => {
    const bad = await vscode.commands.executeCommand<Outcome>('hmm.captureProcess', child.pid, '0x1000+lots', { show: false });
    assert.equal(bad.status, 'invalid');
    assert.match(bad.reason ?? '', /range length "lots" is not a size/);
    const gone = await vscode.commands.executeCommand<Outcome>('hmm.captureProcess', 4_000_000, undefined, { show: false });
    assert.equal(gone.status, 'error');
    assert.match(gone.reason ?? '', /no process with PID 4000000/);
    const notPid = await vscode.commands.executeCommand<Outcome>('hmm.captureProcess', 'node', undefined, { show: false });
    assert.equal(notPid.status, 'invalid');
  });

  test('the picker: every process with an address space, by name, pid and resident size, largest first; the child is there', () => {
    const items = processPickItems(listProcesses());
    const mine = items.find((i) => i.pid === child.pid);
    assert.ok(mine, 'the child is listed');
    assert.equal(mine.label, 'capture-child');
    assert.match(mine.description, new RegExp(`^pid ${child.pid} · [\\d.]+ (KiB|MiB) resident$`));
    assert.match(mine.detail, /capture-child /);
    assert.ok(items.some((i) => i.pid === process.pid), 'the extension host itself is listed');
    const rss = listProcesses().map((p) => p.rssKb);
    assert.deepEqual(rss, [...rss].sort((x, y) => y - x));
    // kernel threads (no address space) are not offered
    assert.ok(!items.some((i) => i.pid === 2), 'kthreadd is not listed');
  });

  test('cancel: an aborted capture stops with "cancelled", no file', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(captureProcess(child.pid, { signal: ac.signal, blockPages: 512 }),
      (e: unknown) => e instanceof CaptureFailure && e.kind === 'cancelled');
  });
});

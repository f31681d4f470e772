// Test Explorer: files and walks with expect as items; pass/fail with decoded mismatches at their location.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { BASIC_SCENARIO, closeAll, hmmApi, lineOf, waitFor, writeFixture } from './hmmHelpers';

suite('Test Explorer', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('each scenario file is an item; each walk a child at its range', async () => {
    const api = await hmmApi();
    const noExpect = BASIC_SCENARIO + '  - walk: { name: no expect, at: buf, pages: 1 }\n';
    const uri = await writeFixture('tests-items.hmm.yaml', noExpect);
    await api.tests.discoverAll();
    const file = api.tests.controller.items.get(uri.toString());
    assert.ok(file, 'the file item');
    assert.equal(file.label, 'it basic');
    const kids: vscode.TestItem[] = [];
    file.children.forEach((c) => kids.push(c));
    assert.deepEqual(kids.map((k) => k.label), ['snap', 'fault all', 'wrong on purpose', 'no expect']);
    assert.match(kids[3].description ?? '', /no expect: passes when it runs/);
    assert.equal(kids[0].range?.start.line, lineOf(BASIC_SCENARIO, '- walk:') - 1);
  });

  test('running reports pass and fail; the failure carries the decoded mismatch at the entry', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('tests-run.hmm.yaml', BASIC_SCENARIO);
    const file = await api.tests.refreshFile(uri);
    assert.ok(file);
    const out = await api.tests.runTests(new vscode.TestRunRequest([file]), new vscode.CancellationTokenSource().token);
    assert.equal(out.get(`${uri}#0`)?.state, 'passed');
    assert.equal(out.get(`${uri}#1`)?.state, 'passed');
    const failed = out.get(`${uri}#2`);
    assert.equal(failed?.state, 'failed');
    const m = failed!.messages[0];
    const text = typeof m.message === 'string' ? m.message : m.message.value;
    assert.match(text, /^page 1 at 0x7f0000001000: expected VALID WRITE, got VALID zero \(WRITE missing\) — the walk: hmm_vma_handle_pte: /);
    assert.match(text, /\nfirst word: VALID pfn=0x[0-9a-f]+/);
    // the expected/actual diff view
    assert.equal(m.expectedOutput, 'page 1 from 0x7f0000001000\nVALID WRITE\n');
    assert.equal(m.actualOutput, 'page 1 from 0x7f0000001000\nVALID zero\n');
    assert.equal(m.location?.uri.toString(), uri.toString());
    const entryLine = lineOf(BASIC_SCENARIO, 'pfns: [VALID WRITE, VALID WRITE') - 1;
    assert.equal(m.location?.range.start.line, entryLine);
    const lineText = BASIC_SCENARIO.split('\n')[entryLine];
    const second = lineText.indexOf('VALID WRITE', lineText.indexOf('VALID WRITE') + 1);
    assert.equal(m.location!.range.start.character, second, 'the second entry, not the first');
    assert.equal(out.get(uri.toString()), undefined, 'the file item takes its state from its walks');
  });

  test('a 512-page mismatch is one message per run of pages, with the cause from the trace and a diff', async () => {
    const api = await hmmApi();
    const text = `hmm: 1
kernel: v6.16
devices: [gpu0, gpu1]
steps:
  - mmap: { name: buf, pages: 1024, prot: rw }
  - write: { at: buf, pages: 1024 }
  - migrate: { at: buf, pages: 512, to: gpu1 }
  - walk:
      name: gpu0 expects its own
      device: gpu0
      at: buf
      pages: 1024
      expect:
        ret: 0
        pfns: [VALID WRITE dev=gpu0 *512, VALID WRITE *500, VALID *12]
`;
    const uri = await writeFixture('tests-grouped.hmm.yaml', text);
    const file = await api.tests.refreshFile(uri);
    const out = await api.tests.runTests(new vscode.TestRunRequest([file!]), new vscode.CancellationTokenSource().token);
    const r = out.get(`${uri}#0`);
    assert.equal(r?.state, 'failed');
    const texts = r!.messages.map((m) => (typeof m.message === 'string' ? m.message : m.message.value));
    assert.equal(texts.length, 2, texts.join('\n'));
    assert.match(texts[0], /^pages 0–511 at 0x7f0000000000 \(512 pages\): expected VALID WRITE dev=gpu0, got NONE \(VALID WRITE missing; pfn 0x0 is not device-private memory, expected gpu0's\) — the walk: hmm_vma_handle_pte: device-private page of gpu1, caller is gpu0: snapshot reports 0/);
    assert.match(texts[1], /^pages 1012–1023 at 0x7f00003f4000 \(12 pages\): expected VALID, got VALID WRITE \(WRITE not expected\) — the walk: hmm_vma_handle_pte: present, writable PTE/);
    assert.equal(r!.messages[0].expectedOutput, 'pages 0–511 from 0x7f0000000000\nVALID WRITE dev=gpu0 *512\n');
    assert.equal(r!.messages[0].actualOutput, 'pages 0–511 from 0x7f0000000000\nNONE *512\n');
    assert.equal(r!.messages[0].location?.range.start.line, lineOf(text, 'pfns:') - 1);
  });

  test('a ret mismatch is reported at expect.ret; the profiles override the mode', async () => {
    const api = await hmmApi();
    const text = 'hmm: 1\nsteps:\n  - mmap: { name: buf, pages: 2, prot: r }\n  - walk:\n      at: buf\n      pages: 2\n      mode: fault\n      expect:\n        ret: -EFAULT\n';
    const uri = await writeFixture('tests-ret.hmm.yaml', text);
    const file = await api.tests.refreshFile(uri);
    assert.ok(file);
    const token = new vscode.CancellationTokenSource().token;
    // fault on a readable mapping succeeds: ret 0, not -EFAULT
    const asWritten = await api.tests.runTests(new vscode.TestRunRequest([file]), token);
    const m = asWritten.get(`${uri}#0`)!.messages[0];
    assert.equal(asWritten.get(`${uri}#0`)?.state, 'failed');
    assert.match(typeof m.message === 'string' ? m.message : m.message.value, /expected ret -EFAULT, got 0/);
    assert.equal(m.location?.range.start.line, lineOf(text, 'ret: -EFAULT') - 1);
    // the same walk as a snapshot: still 0
    const snap = await api.tests.runTests(new vscode.TestRunRequest([file]), token, 'snapshot');
    assert.equal(snap.get(`${uri}#0`)?.state, 'failed');
  });

  test('a walk without expectations passes when it runs clean; its file is errored when a step fails', async () => {
    const api = await hmmApi();
    const ok = await writeFixture('tests-noexpect.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: rw }\n  - walk: { at: b, pages: 1 }\n');
    const bad = await writeFixture('tests-runtime.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - write: { at: b }\n  - walk: { at: b, pages: 1 }\n');
    const token = new vscode.CancellationTokenSource().token;
    const items = await Promise.all([ok, bad].map((u) => api.tests.refreshFile(u)));
    const out = await api.tests.runTests(new vscode.TestRunRequest(items.map((i) => i!)), token);
    assert.equal(out.get(`${ok}#0`)?.state, 'passed');
    assert.equal(out.get(ok.toString()), undefined, 'the file takes its state from its walk');
    const e = out.get(bad.toString());
    assert.equal(e?.state, 'errored');
    assert.equal(e?.messages[0].location?.range.start.line, 3, 'at the write step');
  });

  test('an invalid file is errored with its diagnostics', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('tests-invalid.hmm.yaml', 'hmm: 1\nsteps:\n  - walk: { at: nowhere, pages: 1, expect: { ret: 0 } }\n');
    const file = await waitFor('the item', () => api.tests.refreshFile(uri));
    assert.ok(file.error, 'the item shows the parse error');
    const out = await api.tests.runTests(new vscode.TestRunRequest([file]), new vscode.CancellationTokenSource().token);
    const r = out.get(uri.toString());
    assert.equal(r?.state, 'errored');
    assert.match(typeof r!.messages[0].message === 'string' ? r!.messages[0].message as string : '', /tests-invalid\.hmm\.yaml:3:/);
  });
});

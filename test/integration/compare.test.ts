// "HMM: Compare Walks": two walks of one scenario side by side in the extension's inspector, aligned by address,
// each decoded under its own layout.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, deleteFixture, hmmApi, open, writeFixture } from './hmmHelpers';

const SCENARIO = `hmm: 1
name: compare fixture
kernel: v6.16
steps:
  - mmap: { name: buf, pages: 4, prot: rw }
  - read: { at: buf }
  - walk: { name: before, at: buf, pages: 4, mode: snapshot }
  - walk: { name: after write fault, at: buf, pages: 4, mode: fault_write }
`;

interface Payload { view: { kind: string; title: string; walks: { name: string; layoutId: string }[] } }

suite('compare', () => {
  let uri: vscode.Uri | undefined;
  teardown(async () => {
    await closeAll();
    if (uri) await deleteFixture(uri);
  });

  test('Compare Walks with walk ordinals (0-based) shows both walks in the inspector as a comparison', async () => {
    const api = await hmmApi();
    assert.ok(api.inspector, 'the inspector is available');
    uri = await writeFixture('compare.hmm.yaml', SCENARIO);
    await open(uri);
    const r = await vscode.commands.executeCommand<{ shown: boolean; left?: number; right?: number }>('hmm.compareWalks', uri, 1, 0);
    assert.deepEqual(r, { shown: true, left: 1, right: 0 });
    const testing = (api.inspector as unknown as { testing: { payload(): Payload | undefined } }).testing;
    const view = testing.payload()?.view;
    assert.ok(view, 'the inspector received a payload');
    assert.equal(view.kind, 'compare');
    assert.equal(view.title, 'after write fault ↔ before');
    assert.deepEqual(view.walks.map((w) => [w.name, w.layoutId]), [['after write fault', 'v6.16'], ['before', 'v6.16']]);
    // a walk that does not exist is refused, not replaced by another
    const bad = await vscode.commands.executeCommand<{ shown: boolean }>('hmm.compareWalks', uri, 0, 5);
    assert.equal(bad.shown, false);
  });

  test('Compare Walks on a scenario with one walk says so and shows nothing', async () => {
    uri = await writeFixture('compare-one.hmm.yaml', SCENARIO.split('\n').filter((l) => !l.includes('after write fault')).join('\n'));
    await open(uri);
    const r = await vscode.commands.executeCommand<{ shown: boolean }>('hmm.compareWalks', uri, 0, 1);
    assert.equal(r.shown, false);
  });
});

// CodeLens above each walk, and the result beside it after a run.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { BASIC_SCENARIO, closeAll, hmmApi, lineOf, open, waitFor, writeFixture } from './hmmHelpers';

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

suite('CodeLens', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('four actions above each walk, on the walk\'s line (Verify on kernel in the Node host)', async () => {
    const uri = await writeFixture('lens.hmm.yaml', BASIC_SCENARIO);
    await open(uri);
    const ls = await lenses(uri);
    const titles = ls.map((l) => l.command?.title);
    assert.equal(ls.length, 12, `3 walks x 4 lenses, got ${titles.join(', ')}`);
    const first = ls.filter((l) => l.range.start.line === lineOf(BASIC_SCENARIO, '- walk:') - 1);
    assert.deepEqual(first.map((l) => l.command?.command), ['hmm.runSnapshotWalk', 'hmm.runFaultingWalk', 'hmm.inspectWalk', 'hmm.verifyWalk']);
    assert.deepEqual(first.map((l) => l.command?.title), ['$(eye) Run snapshot', '$(run) Run fault', '$(inspect) Inspect', '$(vm) Verify on kernel']);
    assert.equal(first[0].command?.arguments?.[1], 0);
  });

  test('running a walk from its lens shows the result beside it; a failing walk shows its first mismatch', async () => {
    const uri = await writeFixture('lens-run.hmm.yaml', BASIC_SCENARIO);
    await open(uri);
    const snap = (await lenses(uri)).find((l) => l.command?.command === 'hmm.runSnapshotWalk')!;
    const summary = await vscode.commands.executeCommand<{ walks: { summary: string }[] }>(snap.command!.command, ...(snap.command!.arguments ?? []));
    assert.equal(summary.walks.length, 1);
    assert.equal(summary.walks[0].summary, 'ret 0 · 4 pages');
    const after = await waitFor('the result lens', async () => {
      const ls = await lenses(uri);
      return ls.length === 13 && ls;
    });
    const result = after.find((l) => l.command?.title.includes('expect held'));
    assert.ok(result, after.map((l) => l.command?.title).join(' | '));
    assert.equal(result.range.start.line, lineOf(BASIC_SCENARIO, '- walk:') - 1);
    // the walk is a snapshot as written: no "ran as"; the lens says whether expect held, not only the return code
    assert.equal(result.command!.title, '$(pass) expect held · ret 0 · 4 pages');
    // the whole file as written: the third walk fails at page 1
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    const all = await waitFor('three result lenses', async () => {
      const ls = await lenses(uri);
      return ls.length === 15 && ls;
    });
    const failing = all.find((l) => l.range.start.line === lineOf(BASIC_SCENARIO, 'name: wrong on purpose') - 2 && l.command?.title.startsWith('$(error)'));
    assert.ok(failing, all.map((l) => `${l.range.start.line}: ${l.command?.title}`).join(' | '));
    assert.equal(failing.command!.title, '$(error) 1 page differs — page 1 (0x7f0000001000): expected VALID WRITE, got VALID zero');
  });
});

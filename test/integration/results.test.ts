// One source of truth for results: whatever runs a walk (CodeLens, the run commands, Run All, the Test Explorer),
// CodeLens, the tree, the Test Explorer and the walkthrough show the same result; a result whose file changed since is
// stale; the lenses stay while the file has an error; a closed untitled scenario leaves the Test Explorer.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { BASIC_SCENARIO, closeAll, hmmApi, lineOf, open, waitFor, writeFixture } from './hmmHelpers';

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

/** Lens titles by 1-based line: `12: $(pass) expect held · …`. */
async function titles(uri: vscode.Uri): Promise<string[]> {
  return (await lenses(uri)).filter((l) => l.command).map((l) => `${l.range.start.line + 1}: ${l.command!.title}`);
}

/** Runs a lens's command as a click would. */
async function click(uri: vscode.Uri, line: number, title: RegExp): Promise<unknown> {
  const l = (await lenses(uri)).find((x) => x.range.start.line === line - 1 && title.test(x.command?.title ?? ''));
  assert.ok(l, `no lens ${title} on line ${line}: ${(await titles(uri)).join(' | ')}`);
  return vscode.commands.executeCommand(l.command!.command, ...(l.command!.arguments ?? []));
}

const walkLine = (name: string) => lineOf(BASIC_SCENARIO, `name: ${name}`) - 1;

suite('one result store', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('a CodeLens run shows up in the Test Explorer as passed (and a failing walk as failed, grouped)', async () => {
    const api = await hmmApi();
    await api.ready;
    const uri = await writeFixture('results-lens.hmm.yaml', BASIC_SCENARIO);
    await open(uri);
    await click(uri, walkLine('snap'), /Run snapshot/);
    await api.tests.publisher.settled();
    const snap = api.tests.publisher.published.get(`${uri}#0`);
    assert.equal(snap?.state, 'passed');
    assert.equal(snap?.run, 'HMM: CodeLens run');
    await click(uri, walkLine('wrong on purpose'), /Run snapshot/);
    await api.tests.publisher.settled();
    const wrong = api.tests.publisher.published.get(`${uri}#2`);
    assert.equal(wrong?.state, 'failed');
    // only page 1 differs: the walk before it (a fault, as written) faulted pages 2-3 in
    assert.equal(wrong?.messages.length, 1, wrong?.messages.map((m) => String(m.message)).join('\n'));
    assert.match(String(wrong?.messages[0].message), /^page 1 at 0x7f0000001000: expected VALID WRITE, got VALID zero \(WRITE missing\)/);
    assert.ok(api.walkthroughSteps().includes('ran'), 'the walkthrough step "Run the walks" completes on a CodeLens run');
  });

  test('Run All Scenarios publishes every walk it ran to the Test Explorer', async () => {
    const api = await hmmApi();
    await api.ready;
    const summary = await vscode.commands.executeCommand<{ walks: number; passed: number }>('hmm.runAllScenarios');
    assert.ok(summary.walks > 20, JSON.stringify(summary));
    await api.tests.publisher.settled();
    const example = (await vscode.workspace.findFiles('01-first-snapshot.hmm.yaml'))[0];
    const item = api.tests.controller.items.get(example.toString());
    assert.ok(item, 'the example is a test item');
    const states: string[] = [];
    item.children.forEach((c) => states.push(api.tests.publisher.published.get(c.id)?.state ?? 'not run'));
    assert.ok(states.length > 0 && states.every((s) => s === 'passed'), states.join(', '));
    assert.equal(api.tests.publisher.published.get([...item.children][0]?.[1].id ?? '')?.run, 'HMM: Run All Scenarios');
  });

  test('CodeLens says whether expect held, and which mode each walk ran in (not the latest run\'s)', async () => {
    const uri = await writeFixture('results-modes.hmm.yaml', BASIC_SCENARIO);
    await open(uri);
    // walk "snap" is a snapshot as written: run it as a fault; walk "fault all" is a fault: run it as a snapshot
    await click(uri, walkLine('snap'), /Run fault/);
    await click(uri, walkLine('fault all'), /Run snapshot/);
    const t = await waitFor('both results', async () => { const x = await titles(uri); return x.filter((s) => /differ/.test(s)).length === 2 && x; });
    const snap = t.find((s) => s.startsWith(`${walkLine('snap')}: $(error)`));
    const fault = t.find((s) => s.startsWith(`${walkLine('fault all')}: $(error)`));
    // faulting "snap" maps the zero page at pages 2-3 (expected NONE); a snapshot "fault all" finds them empty
    assert.match(snap ?? '', /^\d+: \$\(error\) 2 pages differ — page 2 \(0x7f0000002000\): expected NONE, got VALID zero · ran as fault$/, t.join('\n'));
    assert.match(fault ?? '', /^\d+: \$\(error\) 2 pages differ — page 2 \(0x7f0000002000\): expected VALID zero, got NONE · ran as snapshot$/, t.join('\n'));
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    const asWritten = await waitFor('results as written', async () => { const x = await titles(uri); return x.some((s) => s.includes('expect held')) && x; });
    assert.ok(asWritten.includes(`${walkLine('snap')}: $(pass) expect held · ret 0 · 4 pages`), asWritten.join('\n'));
    assert.ok(asWritten.includes(`${walkLine('fault all')}: $(pass) expect held · ret 0 · 4 pages`), asWritten.join('\n'));
  });

  test('a result whose file changed is stale (CodeLens, tree); undoing the edit makes it current again', async () => {
    const api = await hmmApi();
    await api.ready;
    const uri = await writeFixture('results-stale.hmm.yaml', BASIC_SCENARIO);
    const editor = await open(uri);
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    assert.ok((await titles(uri)).some((s) => s.includes('expect held')));
    await editor.edit((b) => b.insert(new vscode.Position(1, 0), '# edited\n'));
    const stale = await waitFor('stale lenses', async () => { const x = await titles(uri); return x.filter((s) => s.includes('stale:')).length === 3 && x; });
    assert.ok(!stale.some((s) => /expect held|differ/.test(s)), `a stale result is never shown as current: ${stale.join('\n')}`);
    assert.ok(stale.includes(`${walkLine('snap') + 1}: $(history) stale: ret 0 · 4 pages — the file changed since this ran`), stale.join('\n'));
    const p = api.tree.provider;
    const node = (await p.getChildren()).find((n) => n.uri.toString() === uri.toString())!;
    const item = await p.getTreeItem(node);
    assert.match(String(item.description), /stale/);
    assert.equal((item.iconPath as vscode.ThemeIcon).id, 'history');
    await vscode.commands.executeCommand('undo');
    await waitFor('current lenses again', async () => (await titles(uri)).some((s) => s.includes('expect held')));
  });

  test('while the file has an error its lenses stay, with "Fix errors to run"', async () => {
    const uri = await writeFixture('results-broken.hmm.yaml', BASIC_SCENARIO);
    const editor = await open(uri);
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    // an unknown step: the file no longer parses
    await editor.edit((b) => b.insert(new vscode.Position(lineOf(BASIC_SCENARIO, '- write:') - 1, 0), '  - wrte: { at: buf }\n'));
    const t = await waitFor('the lenses of the broken file', async () => { const x = await titles(uri); return x.some((s) => s.includes('Fix errors')) && x; });
    const fix = t.filter((s) => s.includes('$(warning) Fix errors to run'));
    assert.equal(fix.length, 3, t.join('\n'));
    // on the walks' lines as they are now (one line lower)
    assert.ok(fix[0].startsWith(`${walkLine('snap') + 1}: `), t.join('\n'));
    assert.equal(t.filter((s) => s.includes('stale:')).length, 3, t.join('\n'));
    assert.ok(!t.some((s) => s.includes('Run snapshot')), 'no run action on a file that does not parse');
  });

  test('a closed untitled scenario leaves the Test Explorer; a file on disk stays', async () => {
    const api = await hmmApi();
    await api.ready;
    const doc = await vscode.workspace.openTextDocument({ language: 'hmm-scenario', content: BASIC_SCENARIO });
    await vscode.window.showTextDocument(doc);
    await waitFor('the untitled item', () => api.tests.controller.items.get(doc.uri.toString()));
    await vscode.commands.executeCommand('hmm.runScenario');
    assert.ok(api.store.getRun(doc.uri));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await waitFor('the item to go', () => !api.tests.controller.items.get(doc.uri.toString()));
    assert.equal(api.store.getRun(doc.uri), undefined, 'its results are gone too');
  });
});

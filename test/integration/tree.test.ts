// The HMM view: scenarios → walks → result → pfn runs → pages; address space; selection reveals inspector + editor.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { BASIC_SCENARIO, closeAll, hmmApi, waitFor, writeFixture } from './hmmHelpers';
import type { TreeNode } from '../../src/extension/tree/nodes';

suite('tree', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  async function scenarioNode(uri: vscode.Uri): Promise<TreeNode> {
    const api = await hmmApi();
    api.tree.provider.refresh();
    const roots = await api.tree.provider.getChildren();
    const n = roots.find((r) => r.uri.toString() === uri.toString());
    assert.ok(n, `no node for ${uri.path} in ${roots.map((r) => r.uri.path).join(', ')}`);
    return n;
  }

  test('the view container and the view are contributed, with a welcome for the empty state', async () => {
    const c = vscode.extensions.getExtension('hmm-lens.hmm-lens')!.packageJSON.contributes;
    assert.equal(c.viewsContainers.activitybar[0].id, 'hmm');
    assert.equal(c.views.hmm[0].id, 'hmm.scenarios');
    assert.ok(c.viewsWelcome.some((w: { view: string; contents: string }) => w.view === 'hmm.scenarios' && w.contents.includes('command:hmm.newScenario')));
    await vscode.commands.executeCommand('workbench.view.extension.hmm');
    const api = await hmmApi();
    await waitFor('the view to be visible', () => api.tree.view.visible);
  });

  test('expands scenario → walk → result → runs of equal state → single pages', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('tree.hmm.yaml', BASIC_SCENARIO);
    const p = api.tree.provider;
    const sn = await scenarioNode(uri);
    const item = await p.getTreeItem(sn);
    assert.equal(item.label, 'it basic');
    assert.equal(item.contextValue, 'scenario');
    let walks = await p.getChildren(sn);
    assert.deepEqual(walks.map((w) => w.kind), ['walk', 'walk', 'walk']);
    assert.equal((await p.getChildren(walks[0]))[0].kind, 'message', 'not run yet');
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    const ranItem = await p.getTreeItem(sn);
    assert.equal(ranItem.contextValue, 'scenario.ran');
    assert.match(String(ranItem.description), /1 failed/);
    walks = (await p.getChildren(sn)).filter((w) => w.kind === 'walk');
    const w0 = await p.getTreeItem(walks[0]);
    assert.equal(w0.contextValue, 'walk.ran');
    assert.equal(String(w0.description), 'snapshot · 4 pages — expect held · ret 0 · 4 pages');
    const w2 = await p.getTreeItem(walks[2]);
    assert.equal(w2.contextValue, 'walk.ran.failed');
    assert.equal((w2.iconPath as vscode.ThemeIcon).id, 'error');
    const [res] = await p.getChildren(walks[0]);
    assert.equal((await p.getTreeItem(res)).label, 'ret 0 · 1 call of hmm_range_fault()');
    const runs = await p.getChildren(res);
    const labels = await Promise.all(runs.map(async (r) => { const t = await p.getTreeItem(r); return `${t.label}: ${t.description}`; }));
    assert.deepEqual(labels, ['page 0: VALID WRITE', 'page 1: VALID', 'pages 2–3: NONE ×2']);
    const runItems = await Promise.all(runs.map((r) => p.getTreeItem(r)));
    assert.deepEqual(runItems.map((t) => (t.iconPath as vscode.ThemeIcon).id), ['pass-filled', 'eye', 'circle-outline']);
    assert.equal(runItems[2].contextValue, 'pfnRun');
    assert.ok(runItems[2].tooltip instanceof vscode.MarkdownString);
    assert.match((runItems[2].tooltip as vscode.MarkdownString).value, /addresses \| `0x7f0000002000`–`0x7f0000004000`/);
    const pages = await p.getChildren(runs[2]);
    const pageItems = await Promise.all(pages.map((x) => p.getTreeItem(x)));
    assert.deepEqual(pageItems.map((t) => t.label), ['#2 0x7f0000002000', '#3 0x7f0000003000']);
    assert.equal(pageItems[0].contextValue, 'pfn');
  });

  test('after a run the scenario lists the VMAs the walks met and their page-table states in runs', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('tree-space.hmm.yaml', BASIC_SCENARIO);
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    const p = api.tree.provider;
    const kids = await p.getChildren(await scenarioNode(uri));
    const space = kids.find((k) => k.kind === 'space');
    assert.ok(space, kids.map((k) => k.kind).join(','));
    const vmas = await p.getChildren(space);
    assert.equal(vmas.length, 1, 'the three walks met one VMA');
    assert.equal((await p.getTreeItem(space)).label, 'Address space');
    const v = await p.getTreeItem(vmas[0]);
    assert.equal(v.label, '0x7f0000000000–0x7f0000004000');
    assert.equal(v.description, 'buf · 16 KiB · rw- · private anonymous');
    assert.match((v.tooltip as vscode.MarkdownString).value, /\| flags \| VM_READ VM_WRITE/);
    assert.equal(v.contextValue, 'vma');
    // the last walk (a snapshot after the fault walk): page 0 written, pages 1..3 the zero page
    const ptes = await Promise.all((await p.getChildren(vmas[0])).map((x) => p.getTreeItem(x)));
    assert.deepEqual(ptes.map((t) => t.label), ['1 page present-rw', '3 pages zero-page']);
    assert.deepEqual(ptes.map((t) => t.contextValue), ['pte', 'pteRun']);
  });

  test('selecting a pfn run reveals it in the inspector and the walk in the editor', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('tree-reveal.hmm.yaml', BASIC_SCENARIO);
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    const p = api.tree.provider;
    const walks = (await p.getChildren(await scenarioNode(uri))).filter((w) => w.kind === 'walk');
    const [res] = await p.getChildren(walks[1]);
    const runs = await p.getChildren(res);
    const r = await p.revealNode(runs[runs.length - 1]);
    assert.deepEqual(r, { inspector: true, editor: true });
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    assert.ok(editor, 'the scenario is open');
    const testing = (api.inspector as unknown as { testing: { panel(): vscode.WebviewPanel | undefined } }).testing;
    assert.ok(testing.panel(), 'the inspector panel is open');
  });

  test('a page selected in the inspector is revealed at its expected entry in the visible editor', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('inspector-sync.hmm.yaml', BASIC_SCENARIO);
    await vscode.window.showTextDocument(uri);
    const shown = await vscode.commands.executeCommand<{ shown: boolean }>('hmm.inspectWalk', uri, 2);
    assert.equal(shown.shown, true);
    const testing = (api.inspector as unknown as { testing: { receive(raw: unknown): Promise<boolean> } }).testing;
    assert.equal(await testing.receive({ type: 'select', walkIndex: 2, first: 1, end: 2 }), true);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString())!;
    const line = BASIC_SCENARIO.split('\n').findIndex((l) => l.includes('pfns: [VALID WRITE, VALID WRITE'));
    const text = BASIC_SCENARIO.split('\n')[line];
    await waitFor('the selection to move', () => editor.selection.start.line === line);
    assert.equal(editor.selection.start.character, text.indexOf('VALID WRITE', text.indexOf('VALID WRITE') + 1));
  });
});

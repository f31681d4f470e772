// Palette commands: Decode PFN Value (selection, input), Inspect Selected Values, Select Kernel Layout, New Scenario,
// Open Inspector; every contributed command is registered, in category HMM, with `when` clauses where they apply.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { pickKernelLayout, type QuickPick } from '../../src/extension/commands/selectKernelLayout';
import { closeAll, hmmApi, setSetting, writeFixture } from './hmmHelpers';

/** A stand-in for showQuickPick: records what was asked and picks the item whose label (without an icon) is next. */
function scriptedPick<T extends vscode.QuickPickItem>(asked: { title?: string; items: T[] }[], answers: (string | undefined)[]): QuickPick {
  return (async (items: T[], options: vscode.QuickPickOptions) => {
    asked.push({ title: options.title, items });
    const want = answers.shift();
    if (want === undefined) return undefined;
    const hit = items.find((i) => i.label.replace(/^\$\([^)]*\) /, '') === want);
    assert.ok(hit, `no item "${want}" among ${items.map((i) => i.label).join(', ')}`);
    return hit;
  }) as QuickPick;
}

interface Decoded { layoutId: string; text: string; decoded: { flags: readonly string[]; pfn: bigint; order: number } }

suite('commands', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(async () => {
    await setSetting('kernel', undefined);
    await setSetting('legacyProfile', undefined);
    await closeAll();
  });

  test('every contributed command is registered, category HMM; scenario commands only where they apply', async () => {
    const pkg = vscode.extensions.getExtension('hmm-lens.hmm-lens')!.packageJSON;
    const all = await vscode.commands.getCommands(true);
    for (const c of pkg.contributes.commands as { command: string; category: string }[]) {
      assert.equal(c.category, 'HMM', c.command);
      assert.ok(all.includes(c.command), `${c.command} is not registered`);
    }
    const when = new Map((pkg.contributes.menus.commandPalette as { command: string; when: string }[]).map((m) => [m.command, m.when]));
    for (const id of ['hmm.runFaultingWalk', 'hmm.runSnapshotWalk', 'hmm.runWalkWithOptions', 'hmm.runScenario']) {
      assert.match(when.get(id) ?? '', /hmm-scenario/, id);
    }
    assert.equal(when.get('hmm.inspectValues'), 'editorHasSelection');
    assert.equal(when.get('hmm.runAllScenarios'), 'workspaceFolderCount > 0');
    assert.equal(when.get('hmm.inspectWalk'), 'false', 'internal commands stay out of the palette');
    // explicit events only: the hover languages and workspaces with scenarios (never '*' or onStartupFinished)
    assert.deepEqual(pkg.activationEvents, ['onLanguage:c', 'onLanguage:cpp', 'onLanguage:log', 'onLanguage:plaintext',
      'workspaceContains:**/*.hmm.yaml', 'workspaceContains:**/*.hmm.json', 'onWebviewPanel:hmmLens.inspector']);
  });

  test('Decode PFN Value takes the selection when it is a value, and shows `HMM pfn 0x… [layout id]: …`', async () => {
    const doc = await vscode.workspace.openTextDocument(await writeFixture('decode-selection.c', 'x = 0xc000000000001234UL;\n'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 4, 0, 24);
    const r = await vscode.commands.executeCommand<Decoded>('hmm.decodePfn', undefined, 'v5.10');
    assert.equal(r.layoutId, 'v5.10');
    assert.equal(r.text, 'HMM pfn 0xc000000000001234 [layout v5.10]: VALID WRITE pfn=0x1234 order=0');
  });

  test('Decode PFN Value uses the active scenario\'s kernel, else hmm.kernel and hmm.legacyProfile', async () => {
    const uri = await writeFixture('decode-kernel.hmm.yaml', 'hmm: 1\nkernel: v5.8\nsteps:\n  - mmap: { pages: 1, prot: r }\n');
    await vscode.window.showTextDocument(uri);
    const fromScenario = await vscode.commands.executeCommand<Decoded>('hmm.decodePfn', '0x8000000000000001');
    assert.equal(fromScenario.layoutId, 'v5.8');
    await closeAll();
    await setSetting('kernel', 'v5.7');
    await setSetting('legacyProfile', 'nouveau');
    const legacy = await vscode.commands.executeCommand<Decoded>('hmm.decodePfn', '0x1003');
    assert.match(legacy.layoutId, /nouveau/);
    assert.match(legacy.text, /^HMM pfn 0x0000000000001003 \[layout legacy:nouveau@v5\.7\]: /);
  });

  test('an invalid value is refused with a message, not thrown', async () => {
    const r = await vscode.commands.executeCommand<Decoded | undefined>('hmm.decodePfn', '0xZZ');
    assert.equal(r, undefined);
  });

  test('Select Kernel Layout writes hmm.kernel; hovers and decoding follow it', async () => {
    const r = await vscode.commands.executeCommand<{ kernel: string; layoutId: string }>('hmm.selectKernelLayout', 'v5.12');
    assert.deepEqual(r, { kernel: 'v5.12', layoutId: 'v5.10' });
    assert.equal(vscode.workspace.getConfiguration('hmm').get('kernel'), 'v5.12');
    const d = await vscode.commands.executeCommand<Decoded>('hmm.decodePfn', '0x8000000000000001');
    assert.equal(d.layoutId, 'v5.10');
    const bad = await vscode.commands.executeCommand('hmm.selectKernelLayout', 'v2.6');
    assert.equal(bad, undefined);
    assert.equal(vscode.workspace.getConfiguration('hmm').get('kernel'), 'v5.12', 'a bad id changes nothing');
  });

  test('Select Kernel Layout (quick pick): one item per layout change, the current one checked; a modern pick asks nothing more', async () => {
    const asked: { title?: string; items: (vscode.QuickPickItem & { kernel?: string })[] }[] = [];
    const pick = scriptedPick(asked, ['v6.16']);
    const chosen = await pickKernelLayout({ kernel: 'v5.10', legacyProfile: '' }, pick);
    assert.deepEqual(chosen, { kernel: 'v6.16' });
    assert.equal(asked.length, 1, 'no profile step for a 5.8+ layout');
    const items = asked[0].items;
    assert.deepEqual(items.slice(0, 6).map((i) => i.kernel), ['latest', 'v6.16', 'v5.10', 'v5.8', 'v5.7', 'v4.17']);
    const current = items.find((i) => i.kernel === 'v5.10')!;
    assert.equal(current.label, '$(check) v5.10');
    assert.equal(current.picked, true);
    assert.equal(items.filter((i) => i.picked).length, 1);
    assert.ok(items.some((i) => i.kernel?.startsWith('proposal:') && i.description === 'not merged'), 'proposals are offered');
    assert.ok(items.every((i) => i.detail), 'each item names its layout');
    // a dismissed pick changes nothing
    assert.equal(await pickKernelLayout({ kernel: 'latest', legacyProfile: '' }, scriptedPick([], [undefined])), undefined);
  });

  test('Select Kernel Layout (quick pick): a 4.17–5.7 pick asks for the driver profile, the current one picked', async () => {
    const asked: { title?: string; items: (vscode.QuickPickItem & { profile?: string })[] }[] = [];
    const chosen = await pickKernelLayout({ kernel: 'latest', legacyProfile: 'amdgpu' }, scriptedPick(asked, ['v5.7', 'nouveau']));
    assert.deepEqual(chosen, { kernel: 'v5.7', legacy: 'nouveau' });
    assert.equal(asked.length, 2);
    assert.match(asked[1].title ?? '', /Legacy driver profile/);
    assert.deepEqual(asked[1].items.map((i) => i.profile), ['amdgpu', 'nouveau', 'test_hmm']);
    assert.deepEqual(asked[1].items.filter((i) => i.picked).map((i) => i.profile), ['amdgpu']);
    // dismissing the profile step keeps the setting (legacy undefined), the kernel still applies
    assert.deepEqual(await pickKernelLayout({ kernel: 'latest', legacyProfile: '' }, scriptedPick([], ['v4.17', undefined])), { kernel: 'v4.17', legacy: undefined });
    // what the command does with a choice: the kernel and the profile it picked decide the layout
    const r = await vscode.commands.executeCommand<{ kernel: string; layoutId: string }>('hmm.selectKernelLayout', chosen!.kernel, chosen!.legacy);
    assert.equal(r.kernel, 'v5.7');
    assert.match(r.layoutId, /nouveau/);
    assert.equal(vscode.workspace.getConfiguration('hmm').get('legacyProfile'), 'nouveau');
  });

  test('Inspect Selected Values turns a dmesg dump into a pfn array in the inspector', async () => {
    const api = await hmmApi();
    const dump = '[ 1.0] pfns: 8000000000010000 c000000000010001\n[ 1.0] pfns: 0x2000000000000000 0x0\n[ 1.0] at 12345 ok\n';
    const doc = await vscode.workspace.openTextDocument(await writeFixture('inspect-values.log', dump));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    const r = await vscode.commands.executeCommand<{ count: number; values: string[]; shown: boolean; layoutId: string }>('hmm.inspectValues');
    assert.equal(r.count, 4);
    assert.deepEqual(r.values, ['0x8000000000010000', '0xc000000000010001', '0x2000000000000000', '0x0000000000000000']);
    assert.equal(r.shown, true);
    const testing = (api.inspector as unknown as { testing: { panel(): vscode.WebviewPanel | undefined } }).testing;
    assert.ok(testing.panel(), 'the inspector opened');
  });

  test('New Scenario opens an untitled scenario from a template that parses and runs clean', async () => {
    const api = await hmmApi();
    await vscode.commands.executeCommand('hmm.newScenario');
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'hmm-scenario');
    assert.deepEqual(parseScenario(doc.getText(), 'new.hmm.yaml').diagnostics, []);
    const out = await api.runs.runDocument(doc);
    assert.ok(out.result);
    assert.deepEqual(out.result.walks.map((w) => w.expect?.ok), [true, true]);
  });

  test('Open Inspector shows the active scenario\'s result', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('open-inspector.hmm.yaml', 'hmm: 1\nsteps:\n  - mmap: { name: b, pages: 2, prot: rw }\n  - walk: { at: b, pages: 2, mode: fault }\n');
    await vscode.window.showTextDocument(uri);
    const r = await vscode.commands.executeCommand<{ shown: boolean; walks: number }>('hmm.openInspector');
    assert.equal(r.shown, true);
    assert.equal(r.walks, 1);
    assert.ok(api.store.getRun(uri), 'it ran the scenario first');
  });
});

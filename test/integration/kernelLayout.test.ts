// Select Kernel Layout saves for the user or the workspace; the status bar text follows the active editor: a
// scenario's kernel: wins in its file, hmm.kernel elsewhere.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, setSetting, writeFixture } from './hmmHelpers';
import { kernelStatusFor, shownFor } from '../../src/extension/statusBar/kernelStatus';

const inspect = () => vscode.workspace.getConfiguration('hmm').inspect<string>('kernel');

suite('kernel layout', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(async () => {
    await vscode.workspace.getConfiguration('hmm').update('kernel', undefined, vscode.ConfigurationTarget.Global);
    await setSetting('kernel', undefined);
    await closeAll();
  });

  test('Select Kernel Layout saves for the user when told, for the workspace by default', async () => {
    const r = await vscode.commands.executeCommand<{ kernel: string; layoutId: string }>('hmm.selectKernelLayout', 'v5.12', undefined, 'user');
    assert.deepEqual(r, { kernel: 'v5.12', layoutId: 'v5.10' });
    assert.equal(inspect()?.globalValue, 'v5.12');
    assert.equal(inspect()?.workspaceValue, undefined, 'the workspace setting is untouched');
    await vscode.commands.executeCommand('hmm.selectKernelLayout', 'v5.8');
    assert.equal(inspect()?.workspaceValue, 'v5.8');
    assert.equal(inspect()?.globalValue, 'v5.12');
  });

  test('the status text: hmm.kernel and its layout in C and logs, the file\'s kernel: in a scenario', async () => {
    const api = await hmmApi();
    const kernelOf = (d: vscode.TextDocument) => api.store.kernelOf(d);
    await setSetting('kernel', 'v5.12');
    const c = await vscode.workspace.openTextDocument(await writeFixture('status.c', 'int x;\n'));
    assert.ok(shownFor(c));
    const inC = kernelStatusFor(c, kernelOf);
    assert.equal(inC.text, '$(versions) HMM v5.12 · layout v5.10');
    assert.match(inC.tooltip, /`hmm\.kernel` = v5\.12 \(workspace settings\)/);
    const s = await vscode.workspace.openTextDocument(await writeFixture('status.hmm.yaml', 'hmm: 1\nkernel: v5.8\nsteps:\n  - mmap: { pages: 1, prot: r }\n'));
    assert.equal(kernelStatusFor(s, kernelOf).text, '$(versions) HMM kernel: v5.8 (file wins) · layout v5.8');
    const py = await vscode.workspace.openTextDocument({ language: 'python', content: 'x = 1\n' });
    assert.equal(shownFor(py), false, 'only C, C++, logs, plain text and scenarios show the item');
  });
});

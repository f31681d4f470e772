// The "HMM Lens" output channel gets hovers too (scheme output); the walkthrough opens an example, runs it, inspects.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, hoverText, waitFor } from './hmmHelpers';

suite('output channel and walkthrough', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('values in the HMM Lens output channel get the pfn hover', async () => {
    await vscode.commands.executeCommand('hmm.decodePfn', '0xc000000000004321', 'v6.16');
    await vscode.commands.executeCommand('hmm.showOutput');
    const doc = await waitFor('the output channel document', () => vscode.workspace.textDocuments.find(
      (d) => d.uri.scheme === 'output' && d.getText().includes('0xc000000000004321')), 10_000);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('0xc000000000004321'));
    const col = doc.lineAt(line).text.indexOf('0xc000000000004321') + 4;
    const text = await hoverText(doc.uri, new vscode.Position(line, col));
    assert.match(text, /HMM pfn/);
    assert.match(text, /`VALID WRITE`/);
  });

  test('the walkthrough\'s steps open an example, run it and open the inspector', async () => {
    const api = await hmmApi();
    const pkg = vscode.extensions.getExtension('hmm-lens.hmm-lens')!.packageJSON;
    const w = pkg.contributes.walkthroughs[0];
    assert.deepEqual(w.steps.map((s: { id: string }) => s.id), ['openExample', 'runIt', 'inspect', 'decode']);
    const commands = w.steps.map((s: { description: string }) => /\(command:([\w.]+)\)/.exec(s.description)?.[1]);
    assert.deepEqual(commands, ['hmm.openExample', 'hmm.runScenario', 'hmm.openInspector', 'hmm.decodePfn']);
    const uri = await vscode.commands.executeCommand<string>('hmm.openExample', '01-');
    assert.ok(uri, 'an example opened');
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.languageId, 'hmm-scenario');
    assert.match(doc.getText(), /^hmm: 1$/m);
    const run = await vscode.commands.executeCommand<{ walks: { expectOk?: boolean }[]; errors: string[] }>('hmm.runScenario');
    assert.deepEqual(run.errors, []);
    assert.ok(run.walks.length > 0 && run.walks.every((x) => x.expectOk !== false), JSON.stringify(run));
    const shown = await vscode.commands.executeCommand<{ shown: boolean }>('hmm.openInspector');
    assert.equal(shown.shown, true);
    assert.ok(api.store.getRun(doc.uri));
  });
});

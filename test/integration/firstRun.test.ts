// First run: HMM Lens's walkthrough opens the first time a workspace with scenarios is opened; its buttons work from
// any state; its steps complete on the equivalent action; New Scenario opens a scenario with a sensible title.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, deleteFixture, hmmApi, hoverText, sleep, waitFor, writeFixture } from './hmmHelpers';

suite('first run and the walkthrough', () => {
  suiteSetup(async () => { const api = await hmmApi(); await api.ready; });
  teardown(closeAll);

  test('the walkthrough opened by itself: a workspace with scenarios, opened for the first time', async () => {
    const api = await hmmApi();
    assert.equal(await api.firstRun, 'opened');
    const pkg = vscode.extensions.getExtension('hmm-lens.hmm-lens')!.packageJSON;
    const w = pkg.contributes.walkthroughs[0];
    // each step also completes on the equivalent action anywhere (a context key the extension sets)
    const events = w.steps.map((s: { completionEvents: string[] }) => s.completionEvents.filter((e) => e.startsWith('onContext:')));
    assert.deepEqual(events, [['onContext:hmm.walkthrough.opened'], ['onContext:hmm.walkthrough.ran'],
      ['onContext:hmm.walkthrough.inspected'], ['onContext:hmm.walkthrough.decoded']]);
  });

  test('Run Scenario works with no scenario editor active: it runs the open scenario, else asks which', async () => {
    const api = await hmmApi();
    await closeAll();
    // nothing open: a quick pick of the workspace's scenarios; take the first
    const pending = vscode.commands.executeCommand<{ file: string; errors: string[]; walks: unknown[] }>('hmm.runScenario');
    await sleep(800);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const r = await pending;
    assert.ok(r, 'it ran something instead of asking for a scenario file');
    assert.equal(r.file, '01-first-snapshot.hmm.yaml', 'the first file of the pick');
    assert.deepEqual(r.errors, []);
    assert.ok(r.walks.length > 0);
    // an example opened (as the walkthrough's first step does), then another editor made active: it runs the example
    const example = await vscode.commands.executeCommand<string>('hmm.openExample', '02-');
    await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'not a scenario' }).then((d) => vscode.window.showTextDocument(d));
    const r2 = await vscode.commands.executeCommand<{ file: string; walks: unknown[] }>('hmm.runScenario');
    assert.ok(r2 && r2.walks.length > 0);
    assert.ok(api.store.getRun(vscode.Uri.parse(example)), 'the example ran');
    assert.ok(api.walkthroughSteps().includes('opened') && api.walkthroughSteps().includes('ran'), api.walkthroughSteps().join(', '));
  });

  test('Open Inspector from the walkthrough completes "Open the inspector"', async () => {
    const api = await hmmApi();
    await vscode.commands.executeCommand('hmm.openExample', '01-');
    const shown = await vscode.commands.executeCommand<{ shown: boolean }>('hmm.openInspector');
    assert.equal(shown.shown, true);
    assert.ok(api.walkthroughSteps().includes('inspected'));
  });

  test('a pfn hover completes "Decode a value", as the command does', async () => {
    const api = await hmmApi();
    const uri = await writeFixture('walkthrough-hover.c', 'void f(unsigned long *hmm_pfns)\n{\n\thmm_pfns[0] = 0xc000000000001234ULL;\n}\n');
    try {
      await vscode.window.showTextDocument(uri);
      const text = await hoverText(uri, new vscode.Position(2, 20));
      assert.match(text, /VALID/);
      assert.ok(api.walkthroughSteps().includes('decoded'), api.walkthroughSteps().join(', '));
    } finally {
      await deleteFixture(uri);
    }
  });

  test('New Scenario opens new-scenario.hmm.yaml (then new-scenario-2…), not a tab named after its first line', async () => {
    await vscode.commands.executeCommand('hmm.newScenario');
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.isUntitled, true);
    assert.match(doc.uri.path, /\/new-scenario\.hmm\.yaml$/);
    assert.equal(doc.languageId, 'hmm-scenario');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.equal(tab?.label, 'new-scenario.hmm.yaml');
    await vscode.commands.executeCommand('hmm.newScenario');
    assert.match(vscode.window.activeTextEditor!.document.uri.path, /\/new-scenario-2\.hmm\.yaml$/);
    await waitFor('the second tab', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'new-scenario-2.hmm.yaml');
    for (let i = 0; i < 2; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});

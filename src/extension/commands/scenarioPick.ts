/**
 * The scenario a command runs when nothing names one and the active editor is not a scenario (the walkthrough's
 * "Run Scenario" button, the palette): a visible scenario editor, else a scenario in an editor tab (the example the
 * walkthrough opened), else one the user picks from the workspace, else a bundled example, opened.
 */
import * as vscode from 'vscode';
import { isScenarioDocument, SCENARIO_GLOB } from '../scenario/language';

const OPEN_EXAMPLE = 'Open an example scenario…';

export async function scenarioToRun(): Promise<vscode.TextDocument | undefined> {
  const visible = vscode.window.visibleTextEditors.map((e) => e.document).find(isScenarioDocument);
  if (visible) return visible;
  // a scenario in an editor tab (not the active one: the walkthrough is), the most recently opened first
  const tabbed = new Set(vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .map((t) => (t.input instanceof vscode.TabInputText ? t.input.uri.toString() : '')));
  const open = vscode.workspace.textDocuments.filter((d) => !d.isClosed && isScenarioDocument(d) && tabbed.has(d.uri.toString()));
  if (open.length > 0) return open[open.length - 1];
  const files = (await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**', 500))
    .sort((a, b) => a.path.localeCompare(b.path));
  let uri: vscode.Uri | undefined;
  if (files.length === 1) uri = files[0];
  else if (files.length > 1) {
    const items = [...files.map((u) => ({ label: vscode.workspace.asRelativePath(u, false), uri: u as vscode.Uri | undefined })),
      { label: OPEN_EXAMPLE, uri: undefined }];
    const pick = await vscode.window.showQuickPick(items, { title: 'HMM: run which scenario?', placeHolder: 'a scenario file of the workspace' });
    if (!pick) return undefined;
    uri = pick.uri;
  }
  if (uri) {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  }
  const opened = await vscode.commands.executeCommand<string | undefined>('hmm.openExample', files.length > 1 ? undefined : '01-');
  return opened ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === opened) : undefined;
}

/**
 * "HMM: New Scenario" — an untitled scenario document from a template, ready to run. It is named
 * `new-scenario.hmm.yaml` (then `new-scenario-2.hmm.yaml` …) in the first workspace folder, so its tab has a sensible
 * title (not the template's first line) and Save proposes that file.
 */
import * as vscode from 'vscode';
import { SCENARIO_TEMPLATE } from '../scenario/template';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** `untitled:<folder>/new-scenario[-N].hmm.yaml`, not open and not on disk. */
export async function newScenarioUri(): Promise<vscode.Uri> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const dir = folder ? folder.path.replace(/\/$/, '') : '';
  const taken = new Set(vscode.workspace.textDocuments.map((d) => d.uri.path));
  for (let n = 1; ; n++) {
    const name = n === 1 ? 'new-scenario.hmm.yaml' : `new-scenario-${n}.hmm.yaml`;
    const path = `${dir}/${name}`;
    if (taken.has(path)) continue;
    if (folder && await exists(folder.with({ path }))) continue;
    return vscode.Uri.from({ scheme: 'untitled', path });
  }
}

export function registerNewScenario(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.newScenario', async () => {
    const doc = await vscode.workspace.openTextDocument(await newScenarioUri());
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), SCENARIO_TEMPLATE));
    if (doc.languageId !== 'hmm-scenario') await vscode.languages.setTextDocumentLanguage(doc, 'hmm-scenario');
    const line = SCENARIO_TEMPLATE.split('\n').findIndex((l) => l.startsWith('name:'));
    if (line >= 0) editor.selection = new vscode.Selection(line, 6, line, SCENARIO_TEMPLATE.split('\n')[line].length);
    return doc.uri.toString();
  }));
}

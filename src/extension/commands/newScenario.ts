/** "HMM: New Scenario" — an untitled scenario document from a template, ready to run. */
import * as vscode from 'vscode';
import { SCENARIO_LANGUAGE } from '../scenario/language';
import { SCENARIO_TEMPLATE } from '../scenario/template';

export function registerNewScenario(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.newScenario', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: SCENARIO_LANGUAGE, content: SCENARIO_TEMPLATE });
    const editor = await vscode.window.showTextDocument(doc);
    const line = SCENARIO_TEMPLATE.split('\n').findIndex((l) => l.startsWith('name:'));
    if (line >= 0) editor.selection = new vscode.Selection(line, 6, line, SCENARIO_TEMPLATE.split('\n')[line].length);
    return doc.uri.toString();
  }));
}

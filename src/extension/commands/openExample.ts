/** "HMM: Open Example Scenario": a bundled example (examples/*.hmm.yaml) as an untitled copy, or from the workspace. */
import * as vscode from 'vscode';
import { SCENARIO_LANGUAGE } from '../scenario/language';
import { SCENARIO_TEMPLATE } from '../scenario/template';

export function registerOpenExample(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.openExample', async (name?: unknown) => {
    const dir = vscode.Uri.joinPath(context.extensionUri, 'examples');
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(dir);
    } catch {
      // a package without examples/: the New Scenario template is an example too
      const doc = await vscode.workspace.openTextDocument({ language: SCENARIO_LANGUAGE, content: SCENARIO_TEMPLATE });
      await vscode.window.showTextDocument(doc);
      return doc.uri.toString();
    }
    const files = entries.filter(([n, t]) => t === vscode.FileType.File && /\.hmm\.(ya?ml|json)$/.test(n)).map(([n]) => n).sort();
    let pick = typeof name === 'string' ? files.find((f) => f === name || f.startsWith(name)) : undefined;
    if (!pick && typeof name !== 'string') {
      pick = files.length === 1 ? files[0] : (await vscode.window.showQuickPick(files, { title: 'Open Example Scenario' }));
    }
    if (!pick) return undefined;
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, pick));
    // an untitled copy: examples inside the installed extension are read-only
    const doc = await vscode.workspace.openTextDocument({ language: SCENARIO_LANGUAGE, content: new TextDecoder().decode(bytes) });
    await vscode.window.showTextDocument(doc);
    return doc.uri.toString();
  }));
}

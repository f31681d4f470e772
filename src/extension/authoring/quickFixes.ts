/** Quick fixes for every "did you mean" diagnostic of a scenario file (core/authoring/quickFix). */
import * as vscode from 'vscode';
import { didYouMeanFix } from '../../core/authoring/quickFix';

export class DidYouMeanActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const out: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== 'hmm-lens') continue;
      const fix = didYouMeanFix(d.message, doc.getText(d.range));
      if (!fix) continue;
      const base = doc.offsetAt(d.range.start);
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(doc.uri, new vscode.Range(doc.positionAt(base + fix.start), doc.positionAt(base + fix.end)), fix.text);
      action.diagnostics = [d];
      action.isPreferred = true;
      out.push(action);
    }
    return out;
  }
}

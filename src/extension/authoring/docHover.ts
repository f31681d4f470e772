/**
 * Hover documentation on scenario keys, steps, enum values and expected-entry tokens (`ERROR`, `dev=gpu0`,
 * `order=9`). A provider of its own beside the pfn hover (src/extension/hover/): that one decodes numbers, this one
 * documents words and never a number, so the two never say the same thing.
 */
import * as vscode from 'vscode';
import { scenarioCore } from '../coreLoader';

export class ScenarioDocHoverProvider implements vscode.HoverProvider {
  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      const h = scenarioCore().docHoverAt(doc.getText(), doc.offsetAt(pos));
      if (!h) return undefined;
      const md = new vscode.MarkdownString(h.markdown);
      return new vscode.Hover(md, new vscode.Range(doc.positionAt(h.start), doc.positionAt(h.end)));
    } catch {
      return undefined;
    }
  }
}

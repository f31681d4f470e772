/**
 * A page selected in the inspector is revealed in the scenario's editor when that editor is visible: the walk's
 * expected entry for the page, else the walk. Never opens editors by itself.
 */
import * as vscode from 'vscode';
import { scenarioCore } from './coreLoader';
import { inspector, shownResult } from './inspectorBridge';
import { rangeOf } from './scenario/diagnostics';
import type { ScenarioStore } from './scenario/store';

export function registerInspectorSync(context: vscode.ExtensionContext, store: ScenarioStore): void {
  const event = inspector()?.onDidSelect;
  if (!event) return;
  context.subscriptions.push(event(({ walkIndex, first }) => {
    try {
      const shown = shownResult();
      if (!shown) return;
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === shown.uri.toString());
      if (!editor) return;
      const run = store.getRun(shown.uri);
      const ordinal = run && run.result === shown.result ? run.ordinals[walkIndex] : undefined;
      const s = store.parse(editor.document).scenario;
      const step = s && ordinal !== undefined ? scenarioCore().walksOf(s)[ordinal] : undefined;
      if (!step) return;
      const entry = step.expect?.pfns?.[first];
      const range = rangeOf(entry?.pos ?? step.pos);
      editor.selection = new vscode.Selection(range.start, range.end);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch {
      // a selection that no longer matches the file (edited since) is ignored
    }
  }));
}

/**
 * The inspector and the result store kept in step: a page selected in the inspector is revealed in the scenario's
 * editor when that editor is visible (the walk's expected entry for the page, else the walk; never opens editors);
 * and when a file whose result the inspector shows is run again (from anywhere), the inspector shows the new result
 * — only while its panel is open.
 */
import * as vscode from 'vscode';
import type { ScenarioResult } from '../core/scenario/result';
import { scenarioCore } from './coreLoader';
import type { InspectorApi } from './inspectorBridge';
import { rangeOf } from './scenario/diagnostics';
import type { ScenarioStore } from './scenario/store';

/** What the sync needs of ./inspectorBridge (passed in: the bridge's state lives in the bundle that activated). */
export interface InspectorBridgeFns {
  inspector(): InspectorApi | undefined;
  shownResult(): { uri: vscode.Uri; result: ScenarioResult } | undefined;
  showResultFor(uri: vscode.Uri, result: ScenarioResult, walkIndex: number, pageIndex?: number): boolean;
}

/** Whether an inspector panel is open (its tab exists in some group). */
export function inspectorOpen(viewType = 'hmmLens.inspector'): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) =>
    t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType)));
}

export function registerInspectorSync(context: vscode.ExtensionContext, store: ScenarioStore, bridge: InspectorBridgeFns): void {
  context.subscriptions.push(store.results.onDidStoreRun(({ uri, run, records }) => {
    try {
      const shown = bridge.shownResult();
      if (!shown || shown.uri.toString() !== uri.toString() || shown.result === run.result || !inspectorOpen()) return;
      // the walk that just ran, with its new result
      bridge.showResultFor(uri, run.result, Math.max(0, run.ordinals.indexOf(records[0]?.ordinal ?? -1)));
    } catch {
      // the inspector reports its own failures
    }
  }));
  const event = bridge.inspector()?.onDidSelect;
  if (!event) return;
  context.subscriptions.push(event(({ walkIndex, first }) => {
    try {
      const shown = bridge.shownResult();
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

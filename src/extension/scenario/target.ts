/**
 * What a run command applies to, from whatever invoked it: (uri, ordinal) arguments from CodeLens and tests, a
 * tree item ({ uri, ordinal }), an explorer Uri, or the active editor (the walk at the cursor, else every walk).
 */
import * as vscode from 'vscode';
import type { Scenario } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import { isScenarioDocument } from './language';
import type { ScenarioStore } from './store';

export interface WalkTarget {
  readonly doc: vscode.TextDocument;
  /** walk ordinal (0-based among the file's walks); undefined = every walk */
  readonly ordinal?: number;
}

function asUri(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (typeof v === 'string' && v !== '') return v.includes(':') ? vscode.Uri.parse(v) : vscode.Uri.file(v);
  return undefined;
}

/** An argument object carrying a uri (tree items do), with an optional ordinal. */
function fromObject(v: unknown): { uri?: vscode.Uri; ordinal?: number } {
  if (!v || typeof v !== 'object' || v instanceof vscode.Uri) return {};
  const o = v as { uri?: unknown; ordinal?: unknown; resourceUri?: unknown };
  const ordinal = typeof o.ordinal === 'number' ? o.ordinal : undefined;
  return { uri: asUri(o.uri) ?? asUri(o.resourceUri), ordinal };
}

/**
 * Ordinal of the walk whose source contains `line` (1-based). A walk's range ends at column 1 of the next step's
 * line, so that line belongs to the next step only.
 */
export function walkOrdinalAt(s: Scenario, line: number): number | undefined {
  const walks = scenarioCore().walksOf(s);
  for (let i = walks.length - 1; i >= 0; i--) {
    const p = walks[i].pos;
    if (p.line <= line && (line < p.endLine || (line === p.endLine && p.endCol > 1))) return i;
  }
  return undefined;
}

export async function resolveTarget(store: ScenarioStore, arg0: unknown, arg1: unknown): Promise<WalkTarget | undefined> {
  const obj = fromObject(arg0);
  const uri = asUri(arg0) ?? obj.uri;
  const ordinal = typeof arg1 === 'number' ? arg1 : obj.ordinal;
  if (uri) {
    const doc = await vscode.workspace.openTextDocument(uri);
    return { doc, ordinal };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || !isScenarioDocument(editor.document)) return undefined;
  const doc = editor.document;
  if (ordinal !== undefined) return { doc, ordinal };
  const s = store.parse(doc).scenario;
  if (!s) return { doc };
  return { doc, ordinal: walkOrdinalAt(s, editor.selection.active.line + 1) };
}

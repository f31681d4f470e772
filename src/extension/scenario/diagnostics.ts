/**
 * Problems panel for scenario files: the parser's diagnostics as the user types (debounced), then the runner's
 * run-time diagnostics (an access the VMA forbids, a `set` the VMA cannot hold…) from a quick check run of small
 * scenarios, or from the last explicit run. Same messages as the CLI prints, at the node's range.
 */
import * as vscode from 'vscode';
import type { ScenarioDiagnostic, SourcePos } from '../../core/scenario/ast';
import { isScenarioDocument } from './language';
import type { ScenarioStore } from './store';

export const DIAGNOSTIC_DEBOUNCE_MS = 300;

export function rangeOf(pos: SourcePos): vscode.Range {
  const sl = Math.max(0, pos.line - 1);
  const sc = Math.max(0, pos.col - 1);
  let el = Math.max(sl, pos.endLine - 1);
  let ec = Math.max(0, pos.endCol - 1);
  if (el === sl && ec < sc) { el = sl; ec = sc; }
  return new vscode.Range(sl, sc, el, ec);
}

export function toDiagnostic(d: ScenarioDiagnostic, source: 'parse' | 'run'): vscode.Diagnostic {
  const diag = new vscode.Diagnostic(rangeOf(d.pos), d.message,
    d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diag.source = 'hmm-lens';
  diag.code = source;
  return diag;
}

/** Runs a scenario for its run-time diagnostics only; returns undefined when it is too big to check as one types. */
export type QuickCheck = (doc: vscode.TextDocument) => readonly ScenarioDiagnostic[] | undefined;

export class ScenarioDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('hmm-lens');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly store: ScenarioStore, private readonly quickCheck: QuickCheck) {
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DIAGNOSTIC_DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.cancel(d.uri);
        if (d.isUntitled) this.collection.delete(d.uri);
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hmm')) for (const d of vscode.workspace.textDocuments) this.schedule(d, DIAGNOSTIC_DEBOUNCE_MS);
      }),
      store.onDidChangeRuns((uri) => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc) this.update(doc);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private cancel(uri: vscode.Uri): void {
    const k = uri.toString();
    const t = this.timers.get(k);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(k);
  }

  schedule(doc: vscode.TextDocument, delayMs: number): void {
    if (!isScenarioDocument(doc)) return;
    this.cancel(doc.uri);
    this.timers.set(doc.uri.toString(), setTimeout(() => {
      this.timers.delete(doc.uri.toString());
      this.update(doc);
    }, delayMs));
  }

  /** Compute the diagnostics of a document now (also what the debounce ends in). */
  update(doc: vscode.TextDocument): vscode.Diagnostic[] {
    if (doc.isClosed && !doc.isUntitled) return [];
    const parsed = this.store.parse(doc);
    const out = parsed.diagnostics.map((d) => toDiagnostic(d, 'parse'));
    if (parsed.scenario && !parsed.diagnostics.some((d) => d.severity === 'error')) {
      let runDiags: readonly ScenarioDiagnostic[] | undefined;
      try {
        runDiags = this.quickCheck(doc);
      } catch {
        runDiags = undefined;
      }
      if (runDiags === undefined) {
        const run = this.store.getRun(doc.uri);
        if (run && run.version === doc.version) runDiags = run.result.diagnostics;
      }
      for (const d of runDiags ?? []) out.push(toDiagnostic(d, 'run'));
    }
    this.collection.set(doc.uri, out);
    return out;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.collection.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/**
 * Parsed scenario documents, cached by document version: diagnostics, CodeLens, hovers, the tree and the tests read
 * the same parse; the last parse that gave a scenario, while the file has an error. Results live in ./results
 * (ResultStore), reached as `store.results`.
 */
import * as vscode from 'vscode';
import { scenarioCore } from '../coreLoader';
import type { Scenario, ScenarioDiagnostic } from '../../core/scenario/ast';
import type { ScenarioKernel } from '../layoutContext';
import { hmmSettings } from '../config';
import { layoutForKernel } from '../../core/layouts/index';
import type { PfnLayout } from '../../core/layouts/types';
import { ResultStore, type StoredRun } from '../results/resultStore';
import { isScenarioDocument, SCENARIO_GLOB } from './language';

/** The name diagnostics and results carry for a document: the workspace-relative path, else the file name. */
export function displayName(uri: vscode.Uri): string {
  const rel = vscode.workspace.asRelativePath(uri, false);
  return rel || uri.path.split('/').pop() || uri.toString();
}

export interface ParsedScenario {
  readonly version: number;
  readonly scenario?: Scenario;
  readonly diagnostics: readonly ScenarioDiagnostic[];
}

export type { StoredRun, StoredVerification } from '../results/resultStore';

export class ScenarioStore implements vscode.Disposable {
  private readonly parsed = new Map<string, ParsedScenario>();
  /** the last parse of each open document that gave a scenario: CodeLens stays while the file has an error */
  private readonly good = new Map<string, ParsedScenario & { scenario: Scenario }>();
  /** every result and verification (the one store CodeLens, the tree, Test Explorer and the inspector read) */
  readonly results = new ResultStore(SCENARIO_GLOB);
  /** fires when a file's results changed (a run stored or cleared, a verification, staleness) */
  readonly onDidChangeRuns = this.results.onDidChange;
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(vscode.workspace.onDidCloseTextDocument((d) => {
      this.parsed.delete(d.uri.toString());
      this.good.delete(d.uri.toString());
    }),
      // the walk-size limit is a parse limit: parse again with the new one
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('hmm.maxPages')) this.parsed.clear(); }));
  }

  /** Parse text (cached by uri + version). */
  parse(doc: vscode.TextDocument): ParsedScenario {
    const key = doc.uri.toString();
    const hit = this.parsed.get(key);
    if (hit && hit.version === doc.version) return hit;
    const p = this.parseText(doc.getText(), displayName(doc.uri), doc.version, hmmSettings(doc.uri).maxPages);
    this.parsed.set(key, p);
    if (p.scenario) this.good.set(key, p as ParsedScenario & { scenario: Scenario });
    return p;
  }

  /** The latest parse of the document that gave a scenario (this version's, or an earlier one while it has errors). */
  lastGood(doc: vscode.TextDocument): (ParsedScenario & { scenario: Scenario }) | undefined {
    this.parse(doc);
    return this.good.get(doc.uri.toString());
  }

  parseText(text: string, file: string, version = -1, maxPages?: number): ParsedScenario {
    try {
      const r = scenarioCore().parseScenario(text, file, maxPages ? { limits: { maxWalkPages: maxPages } } : {});
      return { version, scenario: r.scenario, diagnostics: r.diagnostics };
    } catch (e) {
      // the parser reports bad input as diagnostics; an exception is a bug, shown rather than thrown at the user
      const message = `internal error while parsing: ${e instanceof Error ? e.message : String(e)}`;
      return { version, diagnostics: [{ file, severity: 'error', message, pos: { line: 1, col: 1, endLine: 1, endCol: 1 } }] };
    }
  }

  /** The scenario's kernel and legacy profile, for a scenario document that parses. */
  kernelOf(doc: vscode.TextDocument): (ScenarioKernel & { pageSize: number }) | undefined {
    if (!isScenarioDocument(doc)) return undefined;
    const s = this.parse(doc).scenario;
    return s ? { kernel: s.kernel, legacy: s.legacy, pageSize: s.pageSize } : undefined;
  }

  /** The stored result of walk `ordinal` (see ResultStore.walkResult). */
  walkResult(uri: vscode.Uri, ordinal: number, name?: string): ReturnType<ResultStore['walkResult']> {
    return this.results.walkResult(uri, ordinal, name);
  }

  getRun(uri: vscode.Uri): StoredRun | undefined {
    return this.results.getRun(uri);
  }

  /** Layouts of parsed scenarios with custom legacy tables (the inspector cannot look them up by id). */
  customLayouts(): PfnLayout[] {
    const out: PfnLayout[] = [];
    for (const p of this.parsed.values()) {
      const s = p.scenario;
      if (!s?.legacy || s.legacy.builtin) continue;
      try { out.push(layoutForKernel(s.kernel, s.legacy)); } catch { /* reported by the parser */ }
    }
    return out;
  }

  dispose(): void {
    this.results.dispose();
    for (const s of this.subs) s.dispose();
  }
}

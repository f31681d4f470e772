/**
 * Parsed scenario documents, cached by document version: diagnostics, CodeLens, hovers, the tree and the tests read
 * the same parse. Also keeps the latest run result per file for CodeLens and the tree.
 */
import * as vscode from 'vscode';
import { scenarioCore } from '../coreLoader';
import type { Scenario, ScenarioDiagnostic } from '../../core/scenario/ast';
import type { ScenarioResult, WalkResult } from '../../core/scenario/result';
import type { ScenarioKernel } from '../layoutContext';
import { hmmSettings } from '../config';
import { layoutForKernel } from '../../core/layouts/index';
import type { PfnLayout } from '../../core/layouts/types';
import type { WalkVerdict } from '../../core/oracle/judge';

import { isScenarioDocument } from './language';

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

export interface StoredRun {
  /** the walks of every run since the file was opened, merged by walk ordinal, in file order */
  readonly result: ScenarioResult;
  /** ordinal among the file's walks (0-based) of each entry of result.walks */
  readonly ordinals: readonly number[];
  /** document version of the latest run */
  readonly version: number;
  /** the mode/kernel/device overrides of the latest run, for labels ('' = as written) */
  readonly overrides: string;
}

/** The latest real-kernel verification of a file (hmm.verifyWalk, the Test Explorer's verify profiles). */
export interface StoredVerification {
  /** the oracle's kernel id and the running kernel's `uname -r` */
  readonly kernel: string;
  readonly release: string;
  /** document version the verification ran on */
  readonly version: number;
  /** verdict per walk ordinal */
  readonly walks: ReadonlyMap<number, WalkVerdict>;
}

export class ScenarioStore implements vscode.Disposable {
  private readonly parsed = new Map<string, ParsedScenario>();
  private readonly runs = new Map<string, StoredRun>();
  private readonly verifications = new Map<string, StoredVerification>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** fires when a run result for a file was stored or cleared */
  readonly onDidChangeRuns = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(vscode.workspace.onDidCloseTextDocument((d) => this.parsed.delete(d.uri.toString())),
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
    return p;
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

  /** Store a run's walks (ordinals = each walk's ordinal among the file's walks), merged with earlier runs. */
  setRun(uri: vscode.Uri, result: ScenarioResult, ordinals: readonly number[], version: number, overrides: string,
    replaceAll = false): StoredRun {
    const prev = replaceAll ? undefined : this.runs.get(uri.toString());
    const byOrdinal = new Map<number, WalkResult>();
    if (prev) prev.ordinals.forEach((o, i) => byOrdinal.set(o, prev.result.walks[i]));
    ordinals.forEach((o, i) => byOrdinal.set(o, result.walks[i]));
    const sorted = [...byOrdinal.keys()].sort((a, b) => a - b);
    const run: StoredRun = {
      result: { ...result, walks: sorted.map((o) => byOrdinal.get(o) as WalkResult) },
      ordinals: sorted, version, overrides,
    };
    this.runs.set(uri.toString(), run);
    this.changed.fire(uri);
    return run;
  }

  /** The stored result of walk `ordinal`, with its index in the stored result's walks. */
  walkResult(uri: vscode.Uri, ordinal: number): { walk: WalkResult; index: number; run: StoredRun } | undefined {
    const run = this.runs.get(uri.toString());
    if (!run) return undefined;
    const index = run.ordinals.indexOf(ordinal);
    return index < 0 ? undefined : { walk: run.result.walks[index], index, run };
  }

  getRun(uri: vscode.Uri): StoredRun | undefined {
    return this.runs.get(uri.toString());
  }

  clearRun(uri: vscode.Uri): void {
    if (this.runs.delete(uri.toString())) this.changed.fire(uri);
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

  setVerification(uri: vscode.Uri, v: StoredVerification): void {
    this.verifications.set(uri.toString(), v);
    this.changed.fire(uri);
  }

  verification(uri: vscode.Uri): StoredVerification | undefined {
    return this.verifications.get(uri.toString());
  }

  allRuns(): [string, StoredRun][] {
    return [...this.runs.entries()];
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/**
 * Runs scenarios for every UI entry (commands, CodeLens, tests, tree): parse, run inline or — over
 * hmm.walkWorkerThreshold pages, when the host has one — in the walk worker, store the result, write the trace
 * to the "HMM Lens" output channel. Core calls only.
 */
import * as vscode from 'vscode';
import type { Scenario, ScenarioDiagnostic, WalkStep } from '../../core/scenario/ast';
import type { ScenarioResult } from '../../core/scenario/result';
import { scenarioCore } from '../coreLoader';
import { hmmSettings } from '../config';
import { hmmOutput } from '../output';
import type { WorkerRun } from '../activate';
import { writeTrace } from './traceOutput';
import { displayName, type ScenarioStore, type StoredRun } from './store';
import { overridesText, type RunSource, type WalkOverrides } from '../results/resultStore';

export type RunOverrides = WalkOverrides;

export interface RunRequest {
  readonly uri: vscode.Uri;
  readonly text: string;
  readonly version: number;
  readonly overrides?: RunOverrides;
  /** ordinals (0-based among the file's walks) to run; undefined = all */
  readonly walkOrdinals?: readonly number[];
  /** what ran it (the result store and the Test Explorer name runs by it); default 'command' */
  readonly source?: RunSource;
}

export interface RunOutcome {
  readonly scenario?: Scenario;
  readonly result?: ScenarioResult;
  /** parse errors (no result), or the run's own diagnostics */
  readonly diagnostics: readonly ScenarioDiagnostic[];
  readonly stored?: StoredRun;
  readonly cancelled: boolean;
  readonly inWorker: boolean;
  /** the ordinal of each entry of result.walks */
  readonly ordinals: readonly number[];
}

export { overridesText };

/** Ordinal among the scenario's walks of each result walk (matched by source line). */
export function ordinalsOf(scenario: Scenario, result: ScenarioResult): number[] {
  const walks = scenarioCore().walksOf(scenario);
  let from = 0;
  return result.walks.map((w) => {
    let i = walks.findIndex((s, k) => k >= from && s.pos.line === w.pos.line);
    if (i < 0) i = walks.findIndex((s) => s.pos.line === w.pos.line);
    from = i + 1;
    return i;
  });
}

export class RunService {
  private readonly done = new vscode.EventEmitter<{ uri: vscode.Uri; outcome: RunOutcome }>();
  /** fires after every finished run */
  readonly onDidRun = this.done.event;

  constructor(private readonly store: ScenarioStore, private readonly worker: WorkerRun | undefined) {}

  /** Run a document as it is now (unsaved text included). */
  runDocument(doc: vscode.TextDocument, opts: Omit<RunRequest, 'uri' | 'text' | 'version'> = {},
    token?: vscode.CancellationToken, progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<RunOutcome> {
    return this.run({ uri: doc.uri, text: doc.getText(), version: doc.version, ...opts }, token, progress);
  }

  async run(req: RunRequest, token?: vscode.CancellationToken,
    progress?: vscode.Progress<{ message?: string; increment?: number }>): Promise<RunOutcome> {
    const settings = hmmSettings(req.uri);
    const file = displayName(req.uri);
    const parsed = this.store.parseText(req.text, file, req.version, settings.maxPages);
    const scenario = parsed.scenario;
    if (!scenario || parsed.diagnostics.some((d) => d.severity === 'error')) {
      return { scenario, diagnostics: parsed.diagnostics, cancelled: false, inWorker: false, ordinals: [] };
    }
    const walks = scenarioCore().walksOf(scenario);
    const only = req.walkOrdinals ? new Set(req.walkOrdinals) : undefined;
    const selected: WalkStep[] = walks.filter((_w, i) => !only || only.has(i));
    const pages = selected.reduce((n, w) => n + w.pages, 0);
    let reported = 0;
    const onProgress = (doneCount: number, total: number) => {
      if (!progress || total <= 0) return;
      const pct = Math.floor((doneCount / total) * 100);
      if (pct > reported) {
        progress.report({ increment: pct - reported, message: `${doneCount.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} pages` });
        reported = pct;
      }
    };
    let result: ScenarioResult | undefined;
    let diagnostics: readonly ScenarioDiagnostic[] = parsed.diagnostics;
    let cancelled = false;
    let inWorker = this.worker !== undefined && pages > settings.workerThresholdPages;
    const o = req.overrides ?? {};
    if (inWorker && this.worker) {
      const r = await this.worker({ text: req.text, file, maxPages: settings.maxPages, mode: o.mode, kernel: o.kernel,
        device: o.device, walkIndices: req.walkOrdinals }, onProgress, token);
      if (r.unavailable !== undefined) {
        inWorker = false;
        hmmOutput().appendLine(`[walk worker] unavailable (${r.unavailable}): running ${pages.toLocaleString('en-US')} pages inline; `
          + 'the extension host is busy until the walk ends and it cannot be cancelled');
      } else {
        result = r.result;
        diagnostics = r.diagnostics;
        cancelled = r.cancelled === true;
      }
    }
    if (!inWorker) {
      result = scenarioCore().runScenario(scenario, {
        mode: o.mode, kernel: o.kernel, device: o.device, maxPages: settings.maxPages,
        walks: only ? (_w: WalkStep, i: number) => only.has(i) : undefined,
        onProgress, isCancelled: () => token?.isCancellationRequested === true,
      });
      cancelled = token?.isCancellationRequested === true;
    }
    if (!result) return { scenario, diagnostics, cancelled, inWorker, ordinals: [] };
    const ordinals = ordinalsOf(scenario, result);
    const label = overridesText(req.overrides);
    const stored = cancelled ? undefined : this.store.results.setRun(req.uri, result, ordinals, {
      version: req.version, text: req.text, overrides: req.overrides, source: req.source ?? 'command', replaceAll: only === undefined });
    writeTrace(result, label, cancelled);
    const outcome: RunOutcome = { scenario, result, diagnostics: [...diagnostics, ...result.diagnostics], stored, cancelled,
      inWorker, ordinals };
    this.done.fire({ uri: req.uri, outcome });
    return outcome;
  }

  dispose(): void {
    this.done.dispose();
  }
}

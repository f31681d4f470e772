/**
 * Publishes results the Test Explorer did not run itself — a CodeLens run, the run commands, the tree's Run All, the
 * walkthrough, Verify on kernel — as test runs, so its items show passed/failed instead of "Not yet run". Results
 * stored within a moment of each other (Run All: one per file) become one test run. A file that changes after its
 * results were published gets them marked outdated.
 */
import * as vscode from 'vscode';
import type { Scenario } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import type { RunSource, RunStoredEvent, StoredVerification } from '../results/resultStore';
import type { ScenarioStore } from '../scenario/store';
import { KERNEL_TITLES, verdictLine } from '../verify/kernelVerifier';
import type { KernelTargetId } from '../../core/oracle/targets';
import { recording, reportVerdict, reportWalk, type TestOutcomes } from './reportWalks';

const BATCH_MS = 50;

export const SOURCE_NAMES: Readonly<Record<RunSource, string>> = {
  codeLens: 'CodeLens run', command: 'Run command', runAll: 'Run All Scenarios', tree: 'HMM view run', tests: 'Test run',
  inspect: 'Inspect', walkthrough: 'Walkthrough run', other: 'Run',
};

/** What a published run reported per item id, with the run's name. */
export type PublishedOutcomes = Map<string, { state: 'passed' | 'failed' | 'errored' | 'skipped'; messages: vscode.TestMessage[]; run: string }>;

/** The test item of a file (built from the open document or the file on disk when it is missing). */
export type FileItemOf = (uri: vscode.Uri) => Promise<{ item: vscode.TestItem; scenario?: Scenario; text?: string } | undefined>;

export class ResultPublisher implements vscode.Disposable {
  /** the last state published for each item, for callers and tests (the API has no way to read test results) */
  readonly published: PublishedOutcomes = new Map();
  private pending: RunStoredEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly done = new vscode.EventEmitter<string>();
  /** fires with the run's name after each published run ended */
  readonly onDidPublish = this.done.event;

  constructor(private readonly controller: vscode.TestController, private readonly store: ScenarioStore,
    private readonly fileItem: FileItemOf) {
    this.subs.push(this.done,
      store.results.onDidStoreRun((e) => {
        if (e.source === 'tests') return;
        this.pending.push(e);
        if (this.timer === undefined) this.timer = setTimeout(() => { this.timer = undefined; this.flush(); }, BATCH_MS);
      }),
      store.results.onDidStoreVerification(({ uri, verification }) => {
        if (verification.source === 'tests') return;
        this.enqueue(() => this.publishVerification(uri, verification));
      }),
      store.results.onDidBecomeStale((uri) => {
        const item = controller.items.get(uri.toString());
        if (item) controller.invalidateTestResults(item);
      }));
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch(() => undefined);
  }

  /** Resolves when every result stored so far has been published. */
  async settled(): Promise<void> {
    if (this.timer !== undefined) { clearTimeout(this.timer); this.timer = undefined; this.flush(); }
    await this.chain;
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.enqueue(() => this.publishRuns(batch));
  }

  private async publishRuns(batch: readonly RunStoredEvent[]): Promise<void> {
    const files: { e: RunStoredEvent; item: vscode.TestItem; scenario?: Scenario; text?: string }[] = [];
    for (const e of batch) {
      const f = await this.fileItem(e.uri);
      if (f) files.push({ e, ...f });
    }
    const walkItem = (f: typeof files[number], ordinal: number) => f.item.children.get(`${f.e.uri.toString()}#${ordinal}`);
    const include = files.flatMap((f) => f.e.records.map((r) => walkItem(f, r.ordinal)).filter((x): x is vscode.TestItem => !!x));
    if (include.length === 0) return;
    const name = `HMM: ${SOURCE_NAMES[batch[0].source]}`;
    const outcomes: TestOutcomes = new Map();
    const run = recording(this.controller.createTestRun(new vscode.TestRunRequest(include), name, true), outcomes);
    try {
      for (const f of files) {
        const steps = f.scenario ? scenarioCore().walksOf(f.scenario) : [];
        const lines = f.text?.split(/\r?\n/);
        for (const r of f.e.records) {
          const item = walkItem(f, r.ordinal);
          if (!item) continue;
          run.started(item);
          // a result that ran on other text than the file has now is published as what it was, and said so
          const stale = this.store.results.isStale(f.e.uri, r);
          const step = steps[r.ordinal]?.name === r.walk.name ? steps[r.ordinal] : undefined;
          const note = stale ? ' (on an earlier text of the file)' : r.overrides.mode ? ` (mode ${r.overrides.mode})` : '';
          reportWalk(run, item, f.e.uri, r.walk, step, stale ? undefined : lines, note);
        }
      }
    } finally {
      run.end();
    }
    for (const [id, o] of outcomes) this.published.set(id, { ...o, run: name });
    this.done.fire(name);
  }

  private async publishVerification(uri: vscode.Uri, v: StoredVerification): Promise<void> {
    const f = await this.fileItem(uri);
    if (!f) return;
    const title = KERNEL_TITLES[v.kernel as KernelTargetId] ?? v.kernel;
    const items = [...v.walks.keys()].map((o) => f.item.children.get(`${uri.toString()}#${o}`)).filter((x): x is vscode.TestItem => !!x);
    if (items.length === 0) return;
    const name = `HMM: Verify on ${title}`;
    const outcomes: TestOutcomes = new Map();
    const run = recording(this.controller.createTestRun(new vscode.TestRunRequest(items), name, true), outcomes);
    try {
      for (const item of items) {
        const verdict = v.walks.get(Number(item.id.slice(item.id.lastIndexOf('#') + 1)));
        if (!verdict) continue;
        run.started(item);
        reportVerdict(run, item, uri, verdict, verdictLine(verdict, `${title} (${v.release})`));
      }
    } finally {
      run.end();
    }
    for (const [id, o] of outcomes) this.published.set(id, { ...o, run: name });
    this.done.fire(name);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}

/**
 * Test Explorer: each scenario file is a test item, each walk a child (one without `expect` passes when it runs).
 * Running reports pass/fail per walk with the decoded mismatch as the TestMessage at the entry's location. Profiles:
 * as written, snapshot, fault (mode overrides), and one "Verify on …" profile per real kernel (Node host).
 */
import * as vscode from 'vscode';
import type { Scenario, WalkMode } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import { rangeOf } from '../scenario/diagnostics';
import { isScenarioDocument } from '../scenario/language';
import type { RunService } from '../scenario/runService';
import { displayName, type ScenarioStore } from '../scenario/store';
import { SCENARIO_GLOB } from '../commands/runAll';
import { ordinalOf, recording, reportVerdict, reportWalk, type TestOutcomes } from './reportWalks';
import { ResultPublisher } from './publishResults';
import { TARGET_IDS, type KernelTargetId } from '../../core/oracle/targets';
import { KERNEL_TITLES, verdictLine, type KernelVerifier, type VerifyFile } from '../verify/kernelVerifier';
import { storeVerdicts } from '../verify/storeVerdicts';

export const TEST_CONTROLLER_ID = 'hmmLens';

export type { TestOutcomes };

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(TEST_CONTROLLER_ID, 'HMM Scenarios');
  private readonly subs: vscode.Disposable[] = [];
  private discovered = false;
  /** publishes results of runs the Test Explorer did not start (CodeLens, commands, Run All, Verify on kernel) */
  readonly publisher: ResultPublisher;

  constructor(private readonly store: ScenarioStore, private readonly runs: RunService, private readonly verifier?: KernelVerifier) {
    const c = this.controller;
    c.resolveHandler = async (item) => {
      if (!item) await this.discoverAll();
      else await this.refreshFile(item.uri as vscode.Uri);
    };
    c.refreshHandler = async () => { await this.discoverAll(); };
    const profile = (label: string, mode: WalkMode | undefined, isDefault: boolean) => {
      const p = c.createRunProfile(label, vscode.TestRunProfileKind.Run, async (req, token) => { await this.runTests(req, token, mode); }, isDefault);
      return p;
    };
    profile('Run as written', undefined, true);
    profile('Run as snapshot (mode override)', 'snapshot', false);
    profile('Run as fault (mode override)', 'fault', false);
    // the real kernel as the judge: one profile per kernel (Node host: they start QEMU or use the local probe)
    if (verifier) {
      for (const id of TARGET_IDS) {
        c.createRunProfile(`Verify on ${KERNEL_TITLES[id]}`, vscode.TestRunProfileKind.Run,
          async (req, token) => { await this.verifyTests(req, token, id); }, false);
      }
    }
    this.subs.push(
      vscode.workspace.onDidOpenTextDocument((d) => { if (isScenarioDocument(d) && d.uri.scheme !== 'git') this.updateFromDoc(d); }),
      vscode.workspace.onDidChangeTextDocument((e) => { if (isScenarioDocument(e.document)) this.updateFromDoc(e.document); }),
      // an untitled scenario that is closed is gone (a file on disk stays a test)
      vscode.workspace.onDidCloseTextDocument((d) => { if (d.isUntitled) c.items.delete(d.uri.toString()); }),
    );
    this.publisher = new ResultPublisher(c, store, (uri) => this.fileItemWithText(uri));
    this.subs.push(this.publisher);
    const watcher = vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB);
    this.subs.push(watcher,
      watcher.onDidCreate((u) => { if (this.discovered) void this.refreshFile(u); }),
      watcher.onDidChange((u) => { if (this.discovered && !this.isOpen(u)) void this.refreshFile(u); }),
      watcher.onDidDelete((u) => c.items.delete(u.toString())));
  }

  private isOpen(uri: vscode.Uri): boolean {
    return vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
  }

  async discoverAll(): Promise<void> {
    this.discovered = true;
    const uris = await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**');
    const keep = new Set(uris.map((u) => u.toString()));
    this.controller.items.forEach((it) => { if (!keep.has(it.id) && it.uri?.scheme !== 'untitled') this.controller.items.delete(it.id); });
    await Promise.all(uris.map((u) => this.refreshFile(u)));
  }

  /** (Re)build a file's item from the open document or the file on disk. */
  async refreshFile(uri: vscode.Uri): Promise<vscode.TestItem | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.updateFromDoc(open);
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const parsed = this.store.parseText(text, displayName(uri));
      return this.updateItem(uri, parsed.scenario, parsed.diagnostics.find((d) => d.severity === 'error')?.message);
    } catch {
      return undefined;
    }
  }

  /** A file's item (made when missing) with the scenario and text it was built from, for publishing results. */
  private async fileItemWithText(uri: vscode.Uri): Promise<{ item: vscode.TestItem; scenario?: Scenario; text?: string } | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      const item = this.updateFromDoc(open);
      return item && { item, scenario: this.store.parse(open).scenario, text: open.getText() };
    }
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      const parsed = this.store.parseText(text, displayName(uri));
      const item = this.updateItem(uri, parsed.scenario, parsed.diagnostics.find((d) => d.severity === 'error')?.message);
      return { item, scenario: parsed.scenario, text };
    } catch {
      return undefined;
    }
  }

  updateFromDoc(doc: vscode.TextDocument): vscode.TestItem | undefined {
    const parsed = this.store.parse(doc);
    return this.updateItem(doc.uri, parsed.scenario, parsed.diagnostics.find((d) => d.severity === 'error')?.message);
  }

  private updateItem(uri: vscode.Uri, s: Scenario | undefined, error?: string): vscode.TestItem {
    const c = this.controller;
    let file = c.items.get(uri.toString());
    const label = s?.name ?? uri.path.split('/').pop() ?? uri.toString();
    if (!file) {
      file = c.createTestItem(uri.toString(), label, uri);
      c.items.add(file);
    }
    file.label = label;
    file.description = s ? `${uri.path.split('/').pop()} · kernel ${s.kernel}` : uri.path.split('/').pop();
    file.error = error ? new vscode.MarkdownString(`Invalid scenario: ${error}`) : undefined;
    file.range = new vscode.Range(0, 0, 0, 0);
    if (!s) return file;
    const children: vscode.TestItem[] = [];
    scenarioCore().walksOf(s).forEach((w, ordinal) => {
      const child = c.createTestItem(`${uri.toString()}#${ordinal}`, w.name, uri);
      child.range = rangeOf(w.pos);
      child.description = `${w.mode} · ${w.pages} page${w.pages === 1 ? '' : 's'}${w.expect ? '' : ' · no expect: passes when it runs'}`;
      children.push(child);
    });
    file.children.replace(children);
    return file;
  }

  /** The requested items grouped by file: each file item with the walk items to report. */
  private async requested(request: vscode.TestRunRequest): Promise<{ file: vscode.TestItem; walks: vscode.TestItem[] }[]> {
    if (!this.discovered && !request.include) await this.discoverAll();
    const roots: vscode.TestItem[] = [];
    if (request.include) roots.push(...request.include);
    else this.controller.items.forEach((it) => roots.push(it));
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const byFile = new Map<string, { file: vscode.TestItem; walks: vscode.TestItem[] }>();
    for (const it of roots) {
      if (excluded.has(it.id)) continue;
      const fileItem = it.parent ?? it;
      const entry = byFile.get(fileItem.id) ?? { file: fileItem, walks: [] };
      if (it.parent) entry.walks.push(it);
      else it.children.forEach((ch) => { if (!excluded.has(ch.id)) entry.walks.push(ch); });
      byFile.set(fileItem.id, entry);
    }
    return [...byFile.values()];
  }

  /**
   * A verify profile: every requested file runs on the real kernel `kernel` (one VM boot for all of them); each walk
   * passes when it agrees with the simulator, fails when it disagrees (the differing pages in the message), and is
   * skipped, with the reason in the output, when it is not expressible on that kernel.
   */
  async verifyTests(request: vscode.TestRunRequest, token: vscode.CancellationToken, kernel: KernelTargetId): Promise<TestOutcomes> {
    const outcomes: TestOutcomes = new Map();
    const run = recording(this.controller.createTestRun(request, `Verify on ${KERNEL_TITLES[kernel]}`), outcomes);
    try {
      const groups = await this.requested(request);
      const files: (VerifyFile & { group: { file: vscode.TestItem; walks: vscode.TestItem[] }; version: number; text: string })[] = [];
      for (const g of groups) {
        const uri = g.file.uri as vscode.Uri;
        for (const w of g.walks) run.started(w);
        const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        let parsed;
        let text: string;
        try {
          text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
          parsed = this.store.parseText(text, displayName(uri), open?.version ?? -1);
        } catch (e) {
          run.errored(g.file, new vscode.TestMessage(`cannot read ${uri.path}: ${e instanceof Error ? e.message : String(e)}`));
          continue;
        }
        const err = parsed.diagnostics.find((d) => d.severity === 'error');
        if (!parsed.scenario || err) {
          const m = new vscode.TestMessage(err ? `${err.file}:${err.pos.line}:${err.pos.col}: ${err.message}` : 'the scenario does not parse');
          if (err) m.location = new vscode.Location(uri, rangeOf(err.pos));
          run.errored(g.file, m);
          for (const w of g.walks) run.skipped(w);
          continue;
        }
        files.push({ uri, file: displayName(uri), scenario: parsed.scenario, group: g, version: open?.version ?? -1, text });
      }
      if (files.length === 0 || token.isCancellationRequested || !this.verifier) return outcomes;
      const result = await this.verifier.verify(files, kernel, token);
      if (result === 'cancelled' || 'error' in result) {
        for (const f of files) {
          if (result === 'cancelled') for (const w of f.group.walks) run.skipped(w);
          else run.errored(f.group.file, new vscode.TestMessage(`cannot verify on ${KERNEL_TITLES[kernel]}: ${result.error}`));
        }
        return outcomes;
      }
      const where = `${KERNEL_TITLES[kernel]} (${result.kernelRelease})`;
      files.forEach((f, i) => {
        const sv = result.verdicts[i];
        storeVerdicts(this.store, f.uri, f.version, kernel, result.kernelRelease, sv, f.text, 'tests');
        for (const item of f.group.walks) {
          const v = sv.walks.find((w) => w.index === ordinalOf(item));
          if (!v) run.skipped(item);
          else reportVerdict(run, item, f.uri, v, verdictLine(v, where));
        }
      });
      for (const p of result.problems) run.appendOutput(`PROBLEM ${p}\r\n`);
    } finally {
      run.end();
    }
    return outcomes;
  }

  /** Run tests as a profile does (mode = the profile's override) and return what each item reported. */
  async runTests(request: vscode.TestRunRequest, token: vscode.CancellationToken, mode?: WalkMode): Promise<TestOutcomes> {
    const outcomes: TestOutcomes = new Map();
    const run = recording(this.controller.createTestRun(request), outcomes);
    try {
      for (const { file, walks } of await this.requested(request)) {
        if (token.isCancellationRequested) break;
        await this.runFile(run, file, walks, token, mode);
      }
    } finally {
      run.end();
    }
    return outcomes;
  }

  private async runFile(run: vscode.TestRun, file: vscode.TestItem, walks: vscode.TestItem[], token: vscode.CancellationToken,
    mode?: WalkMode): Promise<void> {
    const uri = file.uri as vscode.Uri;
    // a file with walks takes its state from them (VS Code shows the worst child); it reports its own state only
    // when it has no walk to test, or cannot be read, parsed or run
    const ownState = walks.length === 0;
    if (ownState) run.started(file);
    for (const w of walks) run.started(w);
    const t0 = Date.now();
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    let text: string;
    try {
      text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch (e) {
      const msg = new vscode.TestMessage(`cannot read ${uri.path}: ${e instanceof Error ? e.message : String(e)}`);
      run.errored(file, msg);
      for (const w of walks) run.skipped(w);
      return;
    }
    const outcome = await this.runs.run({ uri, text, version: open?.version ?? -1, overrides: mode ? { mode } : undefined,
      source: 'tests' }, token);
    if (!outcome.result || !outcome.scenario) {
      const errs = outcome.diagnostics.filter((d) => d.severity === 'error');
      const msgs = errs.map((d) => {
        const m = new vscode.TestMessage(`${d.file}:${d.pos.line}:${d.pos.col}: ${d.message}`);
        m.location = new vscode.Location(uri, rangeOf(d.pos));
        return m;
      });
      if (outcome.cancelled) run.skipped(file);
      else run.errored(file, msgs.length ? msgs : [new vscode.TestMessage('the scenario did not run')], Date.now() - t0);
      for (const w of walks) run.skipped(w);
      return;
    }
    const steps = scenarioCore().walksOf(outcome.scenario);
    const lines = text.split(/\r?\n/);
    let allOk = true;
    for (const item of walks) {
      const ordinal = ordinalOf(item);
      const idx = outcome.ordinals.indexOf(ordinal);
      const wr = idx >= 0 ? outcome.result.walks[idx] : undefined;
      if (!wr) { run.skipped(item); continue; }
      if (!reportWalk(run, item, uri, wr, steps[ordinal], lines)) allOk = false;
    }
    const runErrors = outcome.result.diagnostics.filter((d) => d.severity === 'error');
    if (runErrors.length > 0) {
      run.errored(file, runErrors.map((d) => {
        const m = new vscode.TestMessage(`${d.file}:${d.pos.line}:${d.pos.col}: ${d.message}`);
        m.location = new vscode.Location(uri, rangeOf(d.pos));
        return m;
      }), Date.now() - t0);
    } else if (ownState) {
      if (allOk) run.passed(file, Date.now() - t0);
      else run.failed(file, new vscode.TestMessage('an expectation failed'), Date.now() - t0);
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.controller.dispose();
  }
}

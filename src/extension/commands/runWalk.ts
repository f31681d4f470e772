/**
 * "HMM: Run Faulting Walk", "HMM: Run Snapshot Walk", "HMM: Run Walk with Options…" and "HMM: Run Scenario":
 * the walk at the cursor (or given by CodeLens / the tree), else every walk of the file.
 */
import * as vscode from 'vscode';
import type { Scenario, WalkMode } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import { layoutForKernel } from '../../core/layouts/index';
import { firstMismatch, walkSummary } from '../scenario/resultText';
import type { RunOutcome, RunOverrides, RunService } from '../scenario/runService';
import type { RunSource } from '../results/resultStore';
import type { ScenarioStore } from '../scenario/store';
import { resolveTarget, type WalkTarget } from '../scenario/target';
import { scenarioToRun } from './scenarioPick';
import { kernelPicks, showQuickPick, type QuickPick } from './selectKernelLayout';

/** What the run commands return (for tests and other callers). */
export interface RunSummary {
  readonly file: string;
  readonly ok: boolean;
  readonly cancelled: boolean;
  readonly errors: readonly string[];
  readonly walks: readonly { name: string; ordinal: number; ret: number; attempts: number; pages: number;
    summary: string; expectOk?: boolean; mismatch?: string }[];
}

export function summarize(outcome: RunOutcome, file: string): RunSummary {
  const errors = outcome.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos.line}:${d.pos.col}: ${d.message}`);
  const walks = (outcome.result?.walks ?? []).map((w, i) => ({
    name: w.name, ordinal: outcome.ordinals[i], ret: w.ret, attempts: w.attempts, pages: w.pages,
    summary: walkSummary(w), expectOk: w.expect?.ok, mismatch: firstMismatch(w),
  }));
  return { file, cancelled: outcome.cancelled, errors, walks,
    ok: errors.length === 0 && !outcome.cancelled && walks.every((w) => w.expectOk !== false) };
}

export async function runTarget(runs: RunService, target: WalkTarget, overrides: RunOverrides | undefined,
  title: string, source: RunSource = 'command'): Promise<RunSummary> {
  const file = target.doc.uri.path.split('/').pop() ?? '';
  const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
    title }, (progress, token) => runs.runDocument(target.doc, {
    overrides, walkOrdinals: target.ordinal !== undefined ? [target.ordinal] : undefined, source }, token, progress));
  const summary = summarize(outcome, file);
  if (summary.errors.length > 0) {
    void vscode.window.showErrorMessage(`HMM: ${file} cannot run: ${summary.errors[0]}${summary.errors.length > 1 ? ` (+${summary.errors.length - 1} more in Problems)` : ''}`);
  } else if (!summary.cancelled) {
    const failed = summary.walks.filter((w) => w.expectOk === false);
    const msg = summary.walks.length === 1
      ? `HMM ${summary.walks[0].name}: ${failed.length ? failed[0].mismatch : summary.walks[0].summary}`
      : `HMM ${file}: ${summary.walks.length} walks, ${failed.length} failed`;
    vscode.window.setStatusBarMessage(`${failed.length ? '$(error)' : '$(pass)'} ${msg}`, 8000);
  }
  return summary;
}

/** The three steps of Run Walk with Options: mode, kernel, device; the first item of each keeps the file's value. */
export function overrideSteps(s: Scenario | undefined): {
  mode: (vscode.QuickPickItem & { mode: WalkMode | undefined })[];
  kernel: (vscode.QuickPickItem & { kernel: string | undefined })[];
  device: (vscode.QuickPickItem & { device: string | undefined })[];
} {
  return {
    mode: [
      { label: 'as written', description: undefined, mode: undefined },
      { label: 'snapshot', description: 'default_flags 0, pfn_flags_mask 0', mode: 'snapshot' },
      { label: 'fault', description: 'REQ_FAULT', mode: 'fault' },
      { label: 'fault_write', description: 'REQ_FAULT | REQ_WRITE', mode: 'fault_write' },
    ],
    kernel: [
      { label: 'as written', description: s?.kernel, kernel: undefined },
      ...kernelPicks('').map((p) => ({ label: p.kernel, description: layoutForKernel(p.kernel).id, kernel: p.kernel })),
    ],
    device: [
      { label: 'as written', device: undefined },
      ...(s?.devices ?? []).map((d) => ({ label: d, description: 'dev_private_owner', device: d })),
    ],
  };
}

/** Ask the three steps in turn; undefined when one is dismissed. */
export async function pickOverrides(s: Scenario | undefined, pick: QuickPick = showQuickPick): Promise<RunOverrides | undefined> {
  const steps = overrideSteps(s);
  const mode = await pick(steps.mode, { title: 'Run Walk with Options (1/3): mode' });
  if (!mode) return undefined;
  const kernel = await pick(steps.kernel, { title: 'Run Walk with Options (2/3): kernel' });
  if (!kernel) return undefined;
  const device = await pick(steps.device, { title: 'Run Walk with Options (3/3): device (dev_private_owner)' });
  if (!device) return undefined;
  return { mode: mode.mode, kernel: kernel.kernel, device: device.device };
}

/** A run command's third argument: overrides ({ mode, kernel, device }) and who asks ({ source: 'codeLens' }). */
function runOptions(c: unknown): { overrides: RunOverrides; source: RunSource } {
  if (!c || typeof c !== 'object') return { overrides: {}, source: 'command' };
  const { source, ...rest } = c as RunOverrides & { source?: unknown };
  const known: readonly RunSource[] = ['codeLens', 'command', 'runAll', 'tree', 'inspect', 'walkthrough', 'other'];
  return { overrides: rest, source: known.includes(source as RunSource) ? source as RunSource : 'command' };
}

function walkLabel(target: WalkTarget, store: ScenarioStore): string {
  const s = store.parse(target.doc).scenario;
  const file = target.doc.uri.path.split('/').pop();
  if (!s || target.ordinal === undefined) return `${file}: every walk`;
  return `${file}: ${scenarioCore().walksOf(s)[target.ordinal]?.name ?? `walk ${target.ordinal + 1}`}`;
}

export function registerRunWalkCommands(context: vscode.ExtensionContext, store: ScenarioStore, runs: RunService): void {
  const noTarget = () => {
    void vscode.window.showWarningMessage('HMM: open a scenario file (*.hmm.yaml) to run its walks');
    return undefined;
  };
  const reg = (id: string, mode: WalkMode | undefined, verb: string) => context.subscriptions.push(
    vscode.commands.registerCommand(id, async (a?: unknown, b?: unknown, c?: unknown) => {
      const target = await resolveTarget(store, a, b);
      if (!target) return noTarget();
      const { source, overrides: extra } = runOptions(c);
      return runTarget(runs, target, mode ? { ...extra, mode } : (Object.keys(extra).length ? extra : undefined),
        `HMM: ${verb} ${walkLabel(target, store)}`, source);
    }));
  reg('hmm.runFaultingWalk', 'fault', 'faulting walk');
  reg('hmm.runSnapshotWalk', 'snapshot', 'snapshot walk');
  // Run Scenario: every walk as written (a tree item or explorer file may name the file)
  context.subscriptions.push(vscode.commands.registerCommand('hmm.runScenario', async (a?: unknown) => {
    // nothing at hand (the walkthrough's button, the palette with another editor active): pick or open one
    const fallback = async () => { const doc = await scenarioToRun(); return doc && { doc }; };
    const target = await resolveTarget(store, a, undefined) ?? await fallback();
    if (!target) return noTarget();
    const whole = { doc: target.doc };
    return runTarget(runs, whole, undefined, `HMM: run ${walkLabel(whole, store)}`);
  }));
  context.subscriptions.push(vscode.commands.registerCommand('hmm.runWalkWithOptions',
    async (a?: unknown, b?: unknown, c?: unknown) => {
      const target = await resolveTarget(store, a, b);
      if (!target) return noTarget();
      const given = c && typeof c === 'object' ? runOptions(c) : undefined;
      const overrides = given ? given.overrides : await pickOverrides(store.parse(target.doc).scenario);
      if (!overrides) return undefined;
      return runTarget(runs, target, overrides, `HMM: run ${walkLabel(target, store)}`, given?.source);
    }));
}

/**
 * "HMM: Verify Walk on Real Kernel" (hmm.verifyWalk, also a CodeLens above each walk): runs the scenario on a real
 * kernel and shows the walk's verdict — a message, the CodeLens beside the walk, and the inspector's view of the
 * simulator against the kernel with the differing pages highlighted.
 * Arguments (all optional): a uri (or tree item), a walk ordinal (0-based), a kernel id (debian-6.1, debian-6.12,
 * devpriv-6.1, host). Returns what happened, for tests and other extensions.
 */
import * as vscode from 'vscode';
import type { WalkVerdict } from '../../core/oracle/judge';
import type { KernelTargetId } from '../../core/oracle/targets';
import { scenarioCore } from '../coreLoader';
import { inspector } from '../inspectorBridge';
import { displayName, type ScenarioStore } from '../scenario/store';
import { resolveTarget } from '../scenario/target';
import { storeVerdicts } from './storeVerdicts';
import { kernelWalkResult } from '../../core/oracle/kernelWalk';
import { KERNEL_TITLES, verdictLine, type KernelVerifier } from './kernelVerifier';

export interface VerifyOutcome {
  readonly status: 'agree' | 'disagree' | 'not-expressible' | 'unavailable' | 'cancelled' | 'invalid' | 'error';
  readonly reason?: string;
  readonly kernel?: string;
  readonly release?: string;
  readonly shown?: boolean;
}

/** Shows a verdict in the inspector: the simulator's walk against the kernel's, differences highlighted. */
export function showVerdict(v: WalkVerdict, kernel: KernelTargetId, release: string, devices: readonly string[] = []): boolean {
  const api = inspector();
  const kw = kernelWalkResult(v, release, devices);
  if (!api || !v.sim || !kw) return false;
  const notes = [...(v.reason && v.status === 'disagree' ? [v.reason] : []), ...(v.outcome ?? []),
    ...(v.pages ?? []).slice(0, 3).map((p) => `page ${p.index} (0x${p.address.toString(16)}): ${p.why}`)];
  api.compare(v.sim, kw, `${v.name}: simulator ↔ ${kernel} (${release})`, {
    differing: v.indices ?? [], total: v.differing ?? 0, status: v.status === 'agree' ? 'agree' : 'disagree', notes,
  });
  return true;
}

export function registerVerifyCommand(context: vscode.ExtensionContext, store: ScenarioStore, verifier: KernelVerifier | undefined): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.verifyWalk', async (a?: unknown, b?: unknown, c?: unknown): Promise<VerifyOutcome> => {
    if (!verifier) {
      void vscode.window.showErrorMessage('HMM: verifying on a real kernel needs VS Code\'s desktop (Node) extension host: it builds a kernel module and runs QEMU, which a browser cannot.');
      return { status: 'unavailable' };
    }
    const target = await resolveTarget(store, a, b);
    if (!target) return { status: 'invalid', reason: 'no scenario file' };
    const doc = target.doc;
    const parsed = store.parse(doc);
    const err = parsed.diagnostics.find((d) => d.severity === 'error');
    if (!parsed.scenario || err) {
      const reason = err ? `${err.pos.line}:${err.pos.col}: ${err.message}` : 'the scenario does not parse';
      void vscode.window.showErrorMessage(`HMM: fix the scenario first: ${reason}`);
      return { status: 'invalid', reason };
    }
    const walks = scenarioCore().walksOf(parsed.scenario);
    let ordinal = target.ordinal;
    if (ordinal === undefined) {
      if (walks.length === 0) {
        void vscode.window.showInformationMessage('HMM: this scenario has no walk to verify');
        return { status: 'invalid', reason: 'no walk' };
      }
      if (walks.length === 1) ordinal = 0;
      else {
        const pick = await vscode.window.showQuickPick(walks.map((w, i) => ({ label: w.name, description: `line ${w.pos.line}`, i })),
          { title: 'HMM: verify which walk?' });
        if (!pick) return { status: 'cancelled' };
        ordinal = pick.i;
      }
    }
    const kernel = await verifier.pickKernel(c);
    if (!kernel) return { status: 'cancelled' };
    const text = doc.getText();
    const run = await verifier.verify([{ uri: doc.uri, file: displayName(doc.uri), scenario: parsed.scenario }], kernel);
    if (run === 'cancelled') return { status: 'cancelled', kernel };
    if ('error' in run) return { status: 'error', reason: run.error, kernel };
    const sv = run.verdicts[0];
    storeVerdicts(store, doc.uri, doc.version, kernel, run.kernelRelease, sv, text, 'command');
    const v = sv.walks.find((w) => w.index === ordinal);
    if (!v) return { status: 'invalid', reason: `no walk ${ordinal}` };
    const line = verdictLine(v, `${KERNEL_TITLES[kernel]} (${run.kernelRelease})`);
    const shown = v.status !== 'not-expressible' && showVerdict(v, kernel, run.kernelRelease, parsed.scenario.devices);
    if (v.status === 'agree') void vscode.window.showInformationMessage(`HMM: ${line}`);
    else if (v.status === 'disagree') void vscode.window.showWarningMessage(`HMM: ${line}`);
    else void vscode.window.showInformationMessage(`HMM: ${line}`);
    return { status: v.status, reason: v.reason, kernel, release: run.kernelRelease, shown };
  }));
}

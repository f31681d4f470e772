/**
 * "Verify on a real kernel" in the editor: runs scenarios on one of the oracle's kernels (dist/oracle.js, loaded on
 * first use, Node host only) with progress and cancel, remembers the kernel last used, and turns a walk's verdict
 * into messages and the inspector's simulator-against-kernel view.
 */
import * as vscode from 'vscode';
import type { WalkVerdict } from '../../core/oracle/judge';
import { TARGET_IDS, VM_TARGETS, type KernelTargetId } from '../../core/oracle/targets';
import type { Scenario } from '../../core/scenario/ast';

import { hmmOutput } from '../output';
import type { OracleModule, VerifyRun } from './types';

export const KERNEL_TITLES: Readonly<Record<KernelTargetId, string>> = {
  'debian-6.1': VM_TARGETS['debian-6.1'].title,
  'debian-6.12': VM_TARGETS['debian-6.12'].title,
  'devpriv-6.1': VM_TARGETS['devpriv-6.1'].title,
  host: 'This machine\'s kernel (probe module loaded)',
};

const LAST_KERNEL = 'hmm.verify.lastKernel';

export interface VerifyFile {
  readonly uri: vscode.Uri;
  readonly file: string;
  readonly scenario: Scenario;
}

export class KernelVerifier {
  private module?: OracleModule;

  constructor(private readonly memento: vscode.Memento, private readonly load: () => OracleModule) {}

  /** The kernel to use: `given` when valid, else a quick pick that starts on the one used last. */
  async pickKernel(given?: unknown): Promise<KernelTargetId | undefined> {
    if (typeof given === 'string' && (TARGET_IDS as readonly string[]).includes(given)) return given as KernelTargetId;
    const last = this.memento.get<string>(LAST_KERNEL);
    const items = TARGET_IDS.map((id) => ({ label: KERNEL_TITLES[id], description: id, id,
      detail: id === 'host' ? 'needs the probe module loaded here (/dev/hmm_probe): make -C kernel/probe, then insmod' : VM_TARGETS[id].how }));
    items.sort((a, b) => (a.id === last ? -1 : b.id === last ? 1 : 0));
    const pick = await vscode.window.showQuickPick(items, { title: 'HMM: verify on which kernel?', matchOnDescription: true });
    return pick?.id;
  }

  /**
   * Runs the files on a kernel: the run, or why there is none (`cancelled`, or an error the user was shown). The
   * first use of a kernel prepares it (downloads; the devpriv-6.1 build takes minutes), with the steps in the
   * progress message.
   */
  async verify(files: readonly VerifyFile[], kernel: KernelTargetId, token?: vscode.CancellationToken):
    Promise<VerifyRun | { error: string } | 'cancelled'> {
    let oracle: OracleModule;
    try {
      oracle = this.module ??= this.load();
    } catch (e) {
      const error = `verifying on a real kernel is not available here: ${e instanceof Error ? e.message : String(e)}`;
      void vscode.window.showErrorMessage(`HMM: ${error}`);
      return { error };
    }
    await this.memento.update(LAST_KERNEL, kernel);
    const out = hmmOutput();
    const what = files.length === 1 ? files[0].file : `${files.length} scenarios`;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
      title: `HMM: verifying ${what} on ${KERNEL_TITLES[kernel]}` }, async (progress, ptoken) => {
      const abort = new AbortController();
      const subs = [ptoken.onCancellationRequested(() => abort.abort()), token?.onCancellationRequested(() => abort.abort())];
      try {
        const run = await oracle.verifyScenarios(files.map((f) => ({ file: f.file, scenario: f.scenario })), kernel, {
          signal: abort.signal,
          log: (m) => { out.appendLine(`verify: ${m}`); progress.report({ message: m }); },
        });
        out.appendLine(`verify: ${kernel} (${run.kernelRelease}): ${run.verdicts.flatMap((v) => v.walks).length} walks in ${run.timings.runSeconds.toFixed(1)} s`);
        for (const p of run.problems) out.appendLine(`verify: PROBLEM ${p}`);
        if (run.problems.length) void vscode.window.showErrorMessage(`HMM: the ${kernel} run had problems: ${run.problems[0]}`);
        return run;
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (abort.signal.aborted) { out.appendLine('verify: cancelled'); return 'cancelled' as const; }
        out.appendLine(`verify: ${kernel}: ${msg}`);
        // the whole message (what is missing and how to get it, or a VM's console tail) is in the output channel
        void vscode.window.showErrorMessage(`HMM: cannot verify on ${KERNEL_TITLES[kernel]}: ${msg.split('\n')[0]}`, 'Show Output')
          .then((action) => { if (action) out.show(true); });
        return { error: msg };
      } finally {
        for (const s of subs) s?.dispose();
      }
    });
  }
}

/** One line for a verdict (notifications, Test Explorer output). */
export function verdictLine(v: WalkVerdict, kernel: string): string {
  if (v.status === 'agree') return `${v.name}: agrees with ${kernel}`;
  if (v.status === 'not-expressible') return `${v.name}: not expressible on ${kernel}: ${v.reason}`;
  const first = v.pages?.[0];
  return `${v.name}: DISAGREES with ${kernel}: ${v.reason ?? v.outcome?.[0] ?? (first ? `page ${first.index} (0x${first.address.toString(16)}): ${first.why}` : 'the results differ')}`
    + `${v.differing && v.differing > 1 ? ` (${v.differing} pages differ)` : ''}`;
}

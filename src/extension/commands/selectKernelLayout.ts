/**
 * "HMM: Select Kernel Layout" — quick pick of the kernels whose pfn layouts differ, writes hmm.kernel (and
 * hmm.legacyProfile for 4.17–5.7). hmm.selectKernelLayout(kernel?, legacyProfile?) sets them without asking.
 */
import * as vscode from 'vscode';
import { BUILTIN_PROFILES, layoutForKernel, PROPOSAL_LAYOUTS } from '../../core/layouts/index';
import { isKernelError, parseKernelId } from '../../core/kernel-id';
import { hmmSettings } from '../config';

interface KernelPick extends vscode.QuickPickItem { kernel: string }

/** One entry per layout change, newest first, then the legacy eras and proposals. */
export function kernelPicks(current: string): KernelPick[] {
  const ids = ['latest', 'v6.16', 'v5.10', 'v5.8', 'v5.7', 'v4.17'];
  const picks: KernelPick[] = ids.map((kernel) => {
    const l = layoutForKernel(kernel);
    return { kernel, label: kernel, description: l.id === kernel ? undefined : `layout ${l.id}`, detail: l.title,
      picked: kernel === current };
  });
  for (const p of PROPOSAL_LAYOUTS) picks.push({ kernel: p.id, label: p.id, description: 'not merged', detail: p.title });
  for (const p of picks) if (p.kernel === current) p.label = `$(check) ${p.label}`;
  return picks;
}

function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function registerSelectKernelLayout(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.selectKernelLayout',
    async (kernelArg?: unknown, legacyArg?: unknown): Promise<{ kernel: string; layoutId: string } | undefined> => {
      const settings = hmmSettings();
      let kernel = typeof kernelArg === 'string' ? kernelArg.trim() : undefined;
      if (kernel === undefined) {
        const pick = await vscode.window.showQuickPick(kernelPicks(settings.kernel), {
          title: 'Select Kernel Layout', placeHolder: `pfn layout for hovers and decoding (now: ${settings.kernel})`,
          matchOnDetail: true,
        });
        if (!pick) return undefined;
        kernel = pick.kernel;
      }
      if (!kernel.startsWith('proposal:')) {
        const k = parseKernelId(kernel);
        if (isKernelError(k)) {
          void vscode.window.showErrorMessage(`HMM: ${k.error}`);
          return undefined;
        }
      }
      let legacy = typeof legacyArg === 'string' ? legacyArg : undefined;
      const layout = layoutForKernel(kernel, legacy || settings.legacyProfile || undefined);
      if (layout.era === 'legacy' && legacy === undefined && typeof kernelArg !== 'string') {
        const pick = await vscode.window.showQuickPick(
          BUILTIN_PROFILES.map((p) => ({ label: p.name, detail: p.doc, picked: p.name === settings.legacyProfile })),
          { title: 'Legacy driver profile (4.17–5.7)', placeHolder: 'whose flags/values/pfn_shift table encodes the words' });
        legacy = pick?.label;
      }
      const config = vscode.workspace.getConfiguration('hmm');
      await config.update('kernel', kernel, target());
      if (legacy !== undefined) await config.update('legacyProfile', legacy, target());
      const chosen = layoutForKernel(kernel, legacy || settings.legacyProfile || undefined);
      vscode.window.setStatusBarMessage(`HMM: kernel ${kernel} → layout ${chosen.id}`, 4000);
      return { kernel, layoutId: chosen.id };
    }));
}

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

/** showQuickPick's shape; the commands pass vscode.window.showQuickPick, tests a scripted picker. */
export type QuickPick = <T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions) => Thenable<T | undefined>;

export const showQuickPick: QuickPick = (items, options) => vscode.window.showQuickPick(items, options);

/** The legacy driver profiles (4.17–5.7), the current one picked. */
export function legacyProfilePicks(current: string): (vscode.QuickPickItem & { profile: string })[] {
  return BUILTIN_PROFILES.map((p) => ({ label: p.name, detail: p.doc, picked: p.name === current, profile: p.name }));
}

/**
 * The interactive path: pick a kernel, then — when its layout is a legacy (4.17–5.7) one — the driver profile.
 * undefined when the kernel pick is dismissed; `legacy` undefined when the profile pick is (keep the setting).
 */
export async function pickKernelLayout(current: { kernel: string; legacyProfile: string }, pick: QuickPick = showQuickPick):
  Promise<{ kernel: string; legacy?: string } | undefined> {
  const k = await pick(kernelPicks(current.kernel), {
    title: 'Select Kernel Layout', placeHolder: `pfn layout for hovers and decoding (now: ${current.kernel})`, matchOnDetail: true,
  });
  if (!k) return undefined;
  if (layoutForKernel(k.kernel, current.legacyProfile || undefined).era !== 'legacy') return { kernel: k.kernel };
  const p = await pick(legacyProfilePicks(current.legacyProfile),
    { title: 'Legacy driver profile (4.17–5.7)', placeHolder: 'whose flags/values/pfn_shift table encodes the words' });
  return { kernel: k.kernel, legacy: p?.profile };
}

function target(): vscode.ConfigurationTarget {
  return vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function registerSelectKernelLayout(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.selectKernelLayout',
    async (kernelArg?: unknown, legacyArg?: unknown): Promise<{ kernel: string; layoutId: string } | undefined> => {
      const settings = hmmSettings();
      let kernel = typeof kernelArg === 'string' ? kernelArg.trim() : undefined;
      let legacy = typeof legacyArg === 'string' ? legacyArg : undefined;
      if (kernel === undefined) {
        const chosen = await pickKernelLayout(settings);
        if (!chosen) return undefined;
        kernel = chosen.kernel;
        legacy = legacy ?? chosen.legacy;
      }
      if (!kernel.startsWith('proposal:')) {
        const k = parseKernelId(kernel);
        if (isKernelError(k)) {
          void vscode.window.showErrorMessage(`HMM: ${k.error}`);
          return undefined;
        }
      }
      const config = vscode.workspace.getConfiguration('hmm');
      await config.update('kernel', kernel, target());
      if (legacy !== undefined) await config.update('legacyProfile', legacy, target());
      const chosen = layoutForKernel(kernel, legacy || settings.legacyProfile || undefined);
      vscode.window.setStatusBarMessage(`HMM: kernel ${kernel} → layout ${chosen.id}`, 4000);
      return { kernel, layoutId: chosen.id };
    }));
}

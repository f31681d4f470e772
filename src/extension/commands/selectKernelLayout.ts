/**
 * "HMM: Select Kernel Layout" — quick pick of the kernels whose pfn layouts differ, then (with a workspace open)
 * whether to save for the user or the workspace; writes hmm.kernel (and hmm.legacyProfile for 4.17–5.7) and says
 * what it did. In a scenario file the pick says that the file's own `kernel:` still decodes that file.
 * hmm.selectKernelLayout(kernel?, legacyProfile?, scope?) sets them without asking.
 */
import * as vscode from 'vscode';
import { BUILTIN_PROFILES, layoutForKernel, PROPOSAL_LAYOUTS } from '../../core/layouts/index';
import { isKernelError, parseKernelId } from '../../core/kernel-id';
import { hmmSettings } from '../config';
import { isScenarioDocument } from '../scenario/language';
import { confirmationText, pickScope, type SettingScope } from './kernelLayoutScope';
import type { KernelOfDocument } from './decodePfn';

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
export async function pickKernelLayout(current: { kernel: string; legacyProfile: string; fileKernel?: string },
  pick: QuickPick = showQuickPick): Promise<{ kernel: string; legacy?: string } | undefined> {
  const k = await pick(kernelPicks(current.kernel), {
    title: current.fileKernel === undefined ? 'Select Kernel Layout'
      : `Select Kernel Layout — this file's kernel: ${current.fileKernel} still decodes this file`,
    placeHolder: current.fileKernel === undefined ? `pfn layout for hovers and decoding (now: ${current.kernel})`
      : `hmm.kernel for values outside scenario files (now: ${current.kernel})`,
    matchOnDetail: true,
  });
  if (!k) return undefined;
  if (layoutForKernel(k.kernel, current.legacyProfile || undefined).era !== 'legacy') return { kernel: k.kernel };
  const p = await pick(legacyProfilePicks(current.legacyProfile),
    { title: 'Legacy driver profile (4.17–5.7)', placeHolder: 'whose flags/values/pfn_shift table encodes the words' });
  return { kernel: k.kernel, legacy: p?.profile };
}

const hasWorkspace = () => (vscode.workspace.workspaceFolders?.length ?? 0) > 0;

function target(scope: SettingScope): vscode.ConfigurationTarget {
  return scope === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export function registerSelectKernelLayout(context: vscode.ExtensionContext, kernelOf?: KernelOfDocument): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.selectKernelLayout',
    async (kernelArg?: unknown, legacyArg?: unknown, scopeArg?: unknown): Promise<{ kernel: string; layoutId: string } | undefined> => {
      const settings = hmmSettings();
      const doc = vscode.window.activeTextEditor?.document;
      const file = doc && isScenarioDocument(doc) ? kernelOf?.(doc) : undefined;
      let kernel = typeof kernelArg === 'string' ? kernelArg.trim() : undefined;
      let legacy = typeof legacyArg === 'string' ? legacyArg : undefined;
      let scope: SettingScope | undefined = scopeArg === 'user' || scopeArg === 'workspace' ? scopeArg : undefined;
      if (kernel === undefined) {
        const chosen = await pickKernelLayout({ ...settings, ...(file ? { fileKernel: file.kernel } : {}) });
        if (!chosen) return undefined;
        kernel = chosen.kernel;
        legacy = legacy ?? chosen.legacy;
        scope ??= await pickScope(kernel, hasWorkspace(), showQuickPick);
        if (!scope) return undefined;
      }
      scope ??= hasWorkspace() ? 'workspace' : 'user';
      if (!kernel.startsWith('proposal:')) {
        const k = parseKernelId(kernel);
        if (isKernelError(k)) {
          void vscode.window.showErrorMessage(`HMM: ${k.error}`);
          return undefined;
        }
      }
      const config = vscode.workspace.getConfiguration('hmm');
      await config.update('kernel', kernel, target(scope));
      if (legacy !== undefined) await config.update('legacyProfile', legacy, target(scope));
      const chosen = layoutForKernel(kernel, legacy || settings.legacyProfile || undefined);
      const shadow = scope === 'user' ? config.inspect<string>('kernel')?.workspaceValue : undefined;
      void vscode.window.showInformationMessage(confirmationText({ kernel, layoutId: chosen.id, scope,
        ...(shadow !== undefined ? { workspaceKernel: shadow } : {}), ...(file ? { fileKernel: file.kernel } : {}) }));
      return { kernel, layoutId: chosen.id };
    }));
}

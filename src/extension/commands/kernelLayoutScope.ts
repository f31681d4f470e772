/**
 * The second step of "HMM: Select Kernel Layout" — save hmm.kernel for the user or for the workspace (asked only
 * when a workspace is open) — and the message saying what was saved, where, and what still wins over it.
 */
import type * as vscode from 'vscode';

export type SettingScope = 'user' | 'workspace';

type Pick = <T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions) => Thenable<T | undefined>;

export interface ScopePick extends vscode.QuickPickItem { scope: SettingScope }

export function scopePicks(): ScopePick[] {
  return [
    { scope: 'workspace', label: '$(folder) Workspace', description: '.vscode/settings.json',
      detail: 'Only this workspace decodes with it; a workspace value wins over the user value' },
    { scope: 'user', label: '$(account) User', description: 'user settings',
      detail: 'Every workspace without its own hmm.kernel decodes with it' },
  ];
}

/** 'user' without asking when no workspace is open; undefined when the pick is dismissed. */
export async function pickScope(kernel: string, hasWorkspace: boolean, pick: Pick): Promise<SettingScope | undefined> {
  if (!hasWorkspace) return 'user';
  const p = await pick(scopePicks(), { title: `Save hmm.kernel = ${kernel} for…`, placeHolder: 'where to save the setting' });
  return p?.scope;
}

/**
 * The information message after saving: kernel, layout and scope first and short enough for one toast line
 * (`HMM kernel v5.10 → layout v5.10 (workspace settings)`), then what still wins over the new value, if anything.
 */
export function confirmationText(o: { kernel: string; layoutId: string; scope: SettingScope; workspaceKernel?: string;
  fileKernel?: string }): string {
  const first = `HMM kernel ${o.kernel} → layout ${o.layoutId} (${o.scope === 'user' ? 'user' : 'workspace'} settings)`;
  const more: string[] = [];
  if (o.workspaceKernel !== undefined && o.workspaceKernel !== o.kernel) {
    more.push(`This workspace's own hmm.kernel = ${o.workspaceKernel} still wins here.`);
  }
  if (o.fileKernel !== undefined) more.push(`This scenario's kernel: ${o.fileKernel} still decodes its own values.`);
  return more.length ? `${first}. ${more.join(' ')}` : first;
}

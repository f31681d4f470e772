/**
 * The status bar item naming the kernel and pfn layout values decode with in the active editor (C, C++, logs, plain
 * text and scenario files): a scenario's `kernel:` there, hmm.kernel elsewhere. Right-aligned beside the language
 * mode, as other facts about how a file is read are; a click runs "HMM: Select Kernel Layout".
 */
import * as vscode from 'vscode';
import type { KernelOfDocument } from '../commands/decodePfn';
import { chooseLayout } from '../layoutContext';
import { isScenarioDocument } from '../scenario/language';
import { kernelStatusText, type KernelStatusInput } from './kernelStatusText';

/** Languages whose editors show the item (besides scenario files). */
export const KERNEL_STATUS_LANGUAGES = ['c', 'cpp', 'log', 'plaintext'];

/** Edits to a scenario's `kernel:` update the item after this pause. */
const EDIT_DELAY_MS = 250;

function settingScope(doc: vscode.TextDocument): KernelStatusInput['settingScope'] {
  const i = vscode.workspace.getConfiguration('hmm', doc.uri).inspect<string>('kernel');
  // a single-folder workspace reports its .vscode/settings.json as both the workspace and the folder value
  if (i?.workspaceFolderValue !== undefined && vscode.workspace.workspaceFile !== undefined) return 'folder';
  if (i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) return 'workspace';
  if (i?.globalValue !== undefined) return 'user';
  return 'default';
}

export function shownFor(doc: vscode.TextDocument): boolean {
  return isScenarioDocument(doc) || KERNEL_STATUS_LANGUAGES.includes(doc.languageId);
}

/** What the item shows for `doc` (exported for tests). */
export function kernelStatusFor(doc: vscode.TextDocument, kernelOf: KernelOfDocument) {
  const choice = chooseLayout({ scenario: kernelOf(doc), scope: doc.uri });
  const setting = vscode.workspace.getConfiguration('hmm', doc.uri).get<string>('kernel') ?? 'latest';
  return kernelStatusText({
    kernel: choice.kernel, layoutId: choice.layout.id, layoutTitle: choice.layout.title, source: choice.source,
    setting: setting.trim() || 'latest', settingScope: settingScope(doc), problem: choice.problem,
  });
}

export function registerKernelStatus(context: vscode.ExtensionContext, kernelOf: KernelOfDocument): vscode.StatusBarItem {
  const item = vscode.window.createStatusBarItem('hmm.kernelLayout', vscode.StatusBarAlignment.Right, 100);
  item.name = 'HMM Kernel Layout';
  item.command = { command: 'hmm.selectKernelLayout', title: 'Select Kernel Layout' };
  context.subscriptions.push(item);
  const update = () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !shownFor(doc)) { item.hide(); return; }
    const t = kernelStatusFor(doc, kernelOf);
    item.text = t.text;
    const tip = new vscode.MarkdownString(t.tooltip, true);
    item.tooltip = tip;
    item.accessibilityInformation = { label: t.ariaLabel, role: 'button' };
    item.show();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidOpenTextDocument(() => update()),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('hmm')) update(); }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document || !isScenarioDocument(e.document)) return;
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => { timer = undefined; update(); }, EDIT_DELAY_MS);
    }),
    { dispose: () => { if (timer !== undefined) clearTimeout(timer); } },
  );
  update();
  return item;
}

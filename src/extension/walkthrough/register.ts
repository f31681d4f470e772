/**
 * The walkthrough's wiring: its steps complete on the equivalent action anywhere (./progress.ts: a scenario opened,
 * any run stored in the result store), and it opens itself the first time a workspace with scenarios is opened
 * (./firstRun.ts).
 */
import * as vscode from 'vscode';
import { isScenarioDocument } from '../scenario/language';
import type { ScenarioStore } from '../scenario/store';
import { openWalkthroughOnFirstRun, type FirstRunOutcome } from './firstRun';
import { completeStep } from './progress';

export function registerWalkthrough(context: vscode.ExtensionContext, store: ScenarioStore): Promise<FirstRunOutcome> {
  const opened = (d: vscode.TextDocument) => {
    if (isScenarioDocument(d) && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled' || d.uri.scheme === 'vscode-remote')) completeStep('opened');
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(opened),
    vscode.window.onDidChangeActiveTextEditor((e) => { if (e) opened(e.document); }),
    store.results.onDidStoreRun(() => completeStep('ran')));
  for (const e of vscode.window.visibleTextEditors) opened(e.document);
  return openWalkthroughOnFirstRun(context);
}

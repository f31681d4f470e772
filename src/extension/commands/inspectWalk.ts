/**
 * hmm.inspectWalk(uri, ordinal, { useStored }) (CodeLens "Inspect", the tree) and "HMM: Open Inspector": show a walk
 * result in the inspector, running the scenario first when there is no stored result to show.
 * "HMM: Compare Walks" shows two walks of the same scenario side by side.
 */
import * as vscode from 'vscode';
import { chooseLayout } from '../layoutContext';
import { inspector, showResultFor } from '../inspectorBridge';
import { isScenarioDocument } from '../scenario/language';
import type { RunService } from '../scenario/runService';
import type { ScenarioStore } from '../scenario/store';
import { resolveTarget } from '../scenario/target';
import { completeStep } from '../walkthrough/progress';

export interface InspectOutcome {
  readonly shown: boolean;
  readonly walkIndex?: number;
  readonly walks?: number;
  readonly file?: string;
}

export function registerInspectWalk(context: vscode.ExtensionContext, store: ScenarioStore, runs: RunService): void {
  const show = async (uri: vscode.Uri, doc: vscode.TextDocument, ordinal: number | undefined, useStored: boolean): Promise<InspectOutcome> => {
    const api = inspector();
    if (!api) {
      void vscode.window.showErrorMessage('HMM: the inspector is not available in this window');
      return { shown: false };
    }
    const stored = store.getRun(uri);
    const fresh = stored && !stored.overrides && !stored.records.some((r) => store.results.isStale(uri, r))
      && (ordinal === undefined || stored.ordinals.includes(ordinal));
    if (!(useStored && stored) && !fresh) {
      const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
        title: `HMM: running ${uri.path.split('/').pop()}` }, (progress, token) => runs.runDocument(doc, { source: 'inspect' }, token, progress));
      if (!outcome.result) {
        const err = outcome.diagnostics.find((d) => d.severity === 'error');
        void vscode.window.showErrorMessage(`HMM: cannot run ${uri.path.split('/').pop()}: ${err ? `${err.pos.line}:${err.pos.col}: ${err.message}` : 'cancelled'}`);
        return { shown: false };
      }
    }
    const run = store.getRun(uri);
    if (!run) return { shown: false };
    const index = ordinal === undefined ? 0 : Math.max(0, run.ordinals.indexOf(ordinal));
    showResultFor(uri, run.result, index);
    completeStep('inspected');
    return { shown: true, walkIndex: index, walks: run.result.walks.length, file: run.result.file };
  };

  context.subscriptions.push(vscode.commands.registerCommand('hmm.inspectWalk', async (a?: unknown, b?: unknown, c?: unknown) => {
    const target = await resolveTarget(store, a, b);
    if (!target) return { shown: false };
    const useStored = !!(c && typeof c === 'object' && (c as { useStored?: boolean }).useStored);
    return show(target.doc.uri, target.doc, target.ordinal, useStored);
  }));

  // "HMM: Compare Walks": two walks of the scenario side by side in the inspector, aligned by address. With walk
  // ordinals as arguments (uri, a, b; 0-based) no question is asked; otherwise the user picks the two walks.
  context.subscriptions.push(vscode.commands.registerCommand('hmm.compareWalks', async (a?: unknown, b?: unknown, c?: unknown) => {
    const target = await resolveTarget(store, a, undefined);
    if (!target) return { shown: false };
    const first = await show(target.doc.uri, target.doc, undefined, true);
    const run = store.getRun(target.doc.uri);
    const api = inspector();
    if (!first.shown || !run || !api) return { shown: false };
    const walks = run.result.walks;
    if (walks.length < 2) {
      void vscode.window.showInformationMessage('HMM: this scenario has fewer than two walks to compare');
      return { shown: false };
    }
    let pair: [number, number] | undefined;
    if (typeof b === 'number' && typeof c === 'number') {
      // walk ordinals are 0-based among the file's walks
      pair = [run.ordinals.indexOf(b), run.ordinals.indexOf(c)];
      if (pair[0] < 0 || pair[1] < 0) {
        void vscode.window.showErrorMessage(`HMM: no walk ${pair[0] < 0 ? b : c} in ${target.doc.uri.path.split('/').pop()} (walks are numbered from 0)`);
        return { shown: false };
      }
    } else {
      const items = walks.map((w, i) => ({ label: w.name, description: `ret ${w.ret} · ${w.pages} pages · layout ${w.layoutId}`, index: i }));
      const left = await vscode.window.showQuickPick(items, { title: 'Compare Walks (1/2): the left side' });
      if (!left) return { shown: false };
      const right = await vscode.window.showQuickPick(items.filter((x) => x.index !== left.index), { title: 'Compare Walks (2/2): the right side' });
      if (!right) return { shown: false };
      pair = [left.index, right.index];
    }
    const [l, r] = pair;
    api.compare(walks[l], walks[r], `${walks[l].name} ↔ ${walks[r].name}`);
    completeStep('inspected');
    return { shown: true, left: l, right: r };
  }));

  context.subscriptions.push(vscode.commands.registerCommand('hmm.openInspector', async (a?: unknown) => {
    const target = await resolveTarget(store, a, undefined);
    if (target) return show(target.doc.uri, target.doc, target.ordinal, true);
    // no scenario at hand: the most recent run of any file, else an empty inspector for the current layout
    const api = inspector();
    const runsStored = store.results.allRuns();
    if (api && runsStored.length > 0) {
      const [key, last] = runsStored[runsStored.length - 1];
      showResultFor(vscode.Uri.parse(key), last.result, 0);
      completeStep('inspected');
      return { shown: true, walkIndex: 0, walks: last.result.walks.length, file: last.result.file };
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isScenarioDocument(doc)) return { shown: false };
    const layout = chooseLayout({ scope: doc?.uri }).layout;
    api?.showValues(new BigUint64Array(0), layout.id, 'HMM Inspector');
    return { shown: api !== undefined };
  }));
}

/**
 * hmm.inspectWalk(uri, ordinal, { useStored }) (CodeLens "Inspect", the tree) and "HMM: Open Inspector": show a walk
 * result in the inspector, running the scenario first when there is no stored result to show.
 */
import * as vscode from 'vscode';
import { chooseLayout } from '../layoutContext';
import { inspector, showResultFor } from '../inspectorBridge';
import { isScenarioDocument } from '../scenario/language';
import type { RunService } from '../scenario/runService';
import type { ScenarioStore } from '../scenario/store';
import { resolveTarget } from '../scenario/target';

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
    const fresh = stored && stored.version === doc.version && !stored.overrides;
    if (!(useStored && stored) && !fresh) {
      const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
        title: `HMM: running ${uri.path.split('/').pop()}` }, (progress, token) => runs.runDocument(doc, {}, token, progress));
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
    return { shown: true, walkIndex: index, walks: run.result.walks.length, file: run.result.file };
  };

  context.subscriptions.push(vscode.commands.registerCommand('hmm.inspectWalk', async (a?: unknown, b?: unknown, c?: unknown) => {
    const target = await resolveTarget(store, a, b);
    if (!target) return { shown: false };
    const useStored = !!(c && typeof c === 'object' && (c as { useStored?: boolean }).useStored);
    return show(target.doc.uri, target.doc, target.ordinal, useStored);
  }));

  context.subscriptions.push(vscode.commands.registerCommand('hmm.openInspector', async (a?: unknown) => {
    const target = await resolveTarget(store, a, undefined);
    if (target) return show(target.doc.uri, target.doc, target.ordinal, true);
    // no scenario at hand: the most recent run of any file, else an empty inspector for the current layout
    const api = inspector();
    const runsStored = store.allRuns();
    if (api && runsStored.length > 0) {
      const [key, last] = runsStored[runsStored.length - 1];
      showResultFor(vscode.Uri.parse(key), last.result, 0);
      return { shown: true, walkIndex: 0, walks: last.result.walks.length, file: last.result.file };
    }
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && isScenarioDocument(doc)) return { shown: false };
    const layout = chooseLayout({ scope: doc?.uri }).layout;
    api?.showValues(new BigUint64Array(0), layout.id, 'HMM Inspector');
    return { shown: api !== undefined };
  }));
}

/**
 * The "Scenarios" tree view and its item commands (refresh, reveal, decode). The commands are registered during
 * activation (a command must exist once activation ends); the view and its provider are built by the providers
 * bundle (../providers.ts) right after.
 */
import * as vscode from 'vscode';
import type { ScenarioStore } from '../scenario/store';
import type { TreeNode } from './nodes';
import { ScenarioTreeProvider } from './scenarioTree';
import type { InspectorBridgeFns } from '../inspectorSync';

export const TREE_VIEW_ID = 'hmm.scenarios';

export interface ScenarioTree {
  readonly provider: ScenarioTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
}

/** Create the provider and the view (once: activate.ts calls it through a lazy value). */
export function createTree(context: vscode.ExtensionContext, store: ScenarioStore,
  bridge: Pick<InspectorBridgeFns, 'showResultFor'>): ScenarioTree {
  const provider = new ScenarioTreeProvider(store, bridge);
  const view = vscode.window.createTreeView(TREE_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  context.subscriptions.push(provider, view,
    view.onDidChangeSelection((e) => {
      const n = e.selection[0];
      if (n && n.kind !== 'message') void provider.revealNode(n).catch(() => undefined);
    }));
  return { provider, view };
}

/** The tree's commands; `tree` gives the view once the providers bundle registered it. */
export function registerTreeCommands(context: vscode.ExtensionContext, store: ScenarioStore, tree: () => Promise<ScenarioTree>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('hmm.refreshTree', async () => (await tree()).provider.refresh()),
    vscode.commands.registerCommand('hmm.revealTreeItem', async (n?: TreeNode) => (n ? (await tree()).provider.revealNode(n, true) : undefined)),
    vscode.commands.registerCommand('hmm.decodeTreeItem', (n?: TreeNode) => {
      if (!n || (n.kind !== 'pfn' && n.kind !== 'pfnRun')) return undefined;
      const r = store.walkResult(n.uri, n.ordinal);
      if (!r) return undefined;
      const page = n.kind === 'pfn' ? n.page : n.run.first;
      return vscode.commands.executeCommand('hmm.decodePfn', '0x' + r.walk.pfns[page].toString(16), r.run.result.kernel);
    }));
}

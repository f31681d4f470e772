/**
 * The "HMM" view: scenarios → address space → VMAs → page-table entry runs; walks → result (ret, attempts) → pfn
 * entries in runs of equal state → single pages. Selecting an item reveals it in the inspector and the editor.
 */
import * as vscode from 'vscode';
import { getLayout, layoutForKernel } from '../../core/layouts/index';
import type { PfnLayout } from '../../core/layouts/types';
import type { Scenario, WalkStep } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import type { ScenarioResult } from '../../core/scenario/result';
import type { InspectorBridgeFns } from '../inspectorSync';
import { rangeOf } from '../scenario/diagnostics';
import { isScenarioDocument } from '../scenario/language';
import { displayName, type ScenarioStore } from '../scenario/store';
import { SCENARIO_GLOB } from '../commands/runAll';
import { MAX_CHILDREN, type TreeNode } from './nodes';
import { pfnRuns } from './pfnRuns';
import { spaceOf } from './space';
import { ranAsText } from '../results/resultStore';
import { completeStep } from '../walkthrough/progress';
import { messageItem, pfnItem, pfnRunItem, pteRunItem, resultItem, scenarioItem, spaceItem, vmaItem, walkItem } from './treeItems';

interface FileEntry { readonly scenario?: Scenario; readonly error?: string }

export function layoutOfResult(r: ScenarioResult, s?: Scenario): PfnLayout {
  const l = getLayout(r.layoutId);
  if (l) return l;
  try { return layoutForKernel(s?.kernel ?? r.kernel, s?.legacy); } catch { return layoutForKernel('latest'); }
}

export class ScenarioTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private files: vscode.Uri[] | undefined;
  private readonly closedFiles = new Map<string, FileEntry>();
  private readonly subs: vscode.Disposable[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly store: ScenarioStore, private readonly bridge: Pick<InspectorBridgeFns, 'showResultFor'>) {
    const watcher = vscode.workspace.createFileSystemWatcher(SCENARIO_GLOB);
    const invalidate = (u: vscode.Uri) => { this.closedFiles.delete(u.toString()); this.refreshSoon(); };
    this.subs.push(watcher, watcher.onDidCreate((u) => { this.files = undefined; invalidate(u); }),
      watcher.onDidDelete((u) => { this.files = undefined; invalidate(u); }), watcher.onDidChange(invalidate),
      store.onDidChangeRuns(() => this.refreshSoon()),
      vscode.workspace.onDidChangeTextDocument((e) => { if (isScenarioDocument(e.document)) this.refreshSoon(); }),
      vscode.workspace.onDidOpenTextDocument((d) => { if (isScenarioDocument(d) && d.isUntitled) this.refreshSoon(); }),
      vscode.workspace.onDidCloseTextDocument((d) => { if (isScenarioDocument(d)) this.refreshSoon(); }));
  }

  refresh(): void {
    this.files = undefined;
    this.closedFiles.clear();
    this.changed.fire(undefined);
  }

  private refreshSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.changed.fire(undefined); }, 300);
  }

  private async entry(uri: vscode.Uri): Promise<FileEntry> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      const p = this.store.parse(open);
      return { scenario: p.scenario, error: p.diagnostics.find((d) => d.severity === 'error')?.message };
    }
    const hit = this.closedFiles.get(uri.toString());
    if (hit) return hit;
    let e: FileEntry;
    try {
      const p = this.store.parseText(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), displayName(uri));
      e = { scenario: p.scenario, error: p.diagnostics.find((d) => d.severity === 'error')?.message };
    } catch (err) {
      e = { error: `cannot read: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.closedFiles.set(uri.toString(), e);
    return e;
  }

  async getTreeItem(n: TreeNode): Promise<vscode.TreeItem> {
    const run = this.store.getRun(n.uri);
    switch (n.kind) {
      case 'scenario': {
        const e = await this.entry(n.uri);
        const stale = run ? run.records.some((r) => this.store.results.isStale(n.uri, r)) : false;
        return scenarioItem(n, e.scenario, run, e.error, stale);
      }
      case 'space': return spaceItem(run ? spaceOf(run.result)?.derived ?? true : true);
      case 'vma': return vmaItem(n.vma, !!(run && spaceOf(run.result)?.ptes?.[n.index]?.length));
      case 'pteRun': return pteRunItem(n.run);
      case 'pte': return messageItem(`0x${n.address.toString(16)} ${n.state}`, undefined, 'symbol-field');
      case 'walk': {
        const s = (await this.entry(n.uri)).scenario;
        const w = s ? scenarioCore().walksOf(s)[n.ordinal] : undefined;
        const r = w ? this.store.walkResult(n.uri, n.ordinal, w.name) : undefined;
        return w ? walkItem(n, w, r && { walk: r.walk, stale: r.stale, ranAs: ranAsText(r.record.overrides, w) })
          : messageItem(`walk ${n.ordinal + 1}`);
      }
      case 'walkResult': {
        const r = this.store.walkResult(n.uri, n.ordinal);
        return r ? resultItem(r.walk) : messageItem('not run yet');
      }
      case 'pfnRun': case 'pfn': {
        const r = this.store.walkResult(n.uri, n.ordinal);
        if (!r) return messageItem('not run yet');
        const layout = layoutOfResult(r.run.result, (await this.entry(n.uri)).scenario);
        return n.kind === 'pfnRun' ? pfnRunItem(r.walk, layout, n.run.first, n.run.count, n.run.flags, n.run.order)
          : pfnItem(r.walk, layout, n.page);
      }
      case 'message': return messageItem(n.text, n.command, n.icon);
    }
  }

  getParent(n: TreeNode): TreeNode | undefined {
    return n.parent;
  }

  async getChildren(n?: TreeNode): Promise<TreeNode[]> {
    try {
      return await this.children(n);
    } catch (e) {
      return [{ kind: 'message', uri: n?.uri ?? vscode.Uri.parse('untitled:hmm'), parent: n, icon: 'error',
        text: `cannot list: ${e instanceof Error ? e.message : String(e)}` }];
    }
  }

  private async children(n?: TreeNode): Promise<TreeNode[]> {
    if (!n) {
      this.files ??= (await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**'))
        .sort((a, b) => a.path.localeCompare(b.path));
      const untitled = vscode.workspace.textDocuments.filter((d) => d.isUntitled && isScenarioDocument(d)).map((d) => d.uri);
      return [...this.files, ...untitled].map((uri) => ({ kind: 'scenario', uri }));
    }
    const run = this.store.getRun(n.uri);
    switch (n.kind) {
      case 'scenario': {
        const s = (await this.entry(n.uri)).scenario;
        if (!s) return [{ kind: 'message', uri: n.uri, parent: n, icon: 'warning', text: 'invalid scenario: see Problems' }];
        const out: TreeNode[] = [];
        if (run && spaceOf(run.result)) out.push({ kind: 'space', uri: n.uri, parent: n });
        scenarioCore().walksOf(s).forEach((_w, ordinal) => out.push({ kind: 'walk', uri: n.uri, ordinal, parent: n }));
        return out;
      }
      case 'space': {
        const sp = run ? spaceOf(run.result) : undefined;
        return (sp?.vmas ?? []).map((vma, index) => ({ kind: 'vma', uri: n.uri, vma, index, parent: n }));
      }
      case 'vma': {
        const ptes = run ? spaceOf(run.result)?.ptes?.[n.index] ?? [] : [];
        return ptes.slice(0, MAX_CHILDREN).map((r) => ({ kind: 'pteRun', uri: n.uri, run: r, vmaIndex: n.index, parent: n }));
      }
      case 'pteRun': {
        const ps = run?.result.walks[0]?.pageSize ?? 4096;
        const count = Math.min(n.run.pages, MAX_CHILDREN);
        return Array.from({ length: count }, (_x, i) => ({ kind: 'pte', uri: n.uri, parent: n,
          address: n.run.start + BigInt(i * ps), state: n.run.state }));
      }
      case 'walk': {
        if (!this.store.walkResult(n.uri, n.ordinal)) {
          return [{ kind: 'message', uri: n.uri, parent: n, icon: 'run', text: 'not run yet — click to run',
            command: { title: 'Run', command: 'hmm.runScenario', arguments: [n.uri] } }];
        }
        return [{ kind: 'walkResult', uri: n.uri, ordinal: n.ordinal, parent: n }];
      }
      case 'walkResult': {
        const r = this.store.walkResult(n.uri, n.ordinal);
        if (!r) return [];
        const runs = pfnRuns(r.walk.pfns, layoutOfResult(r.run.result, (await this.entry(n.uri)).scenario), MAX_CHILDREN);
        const nodes: TreeNode[] = runs.map((run1) => ({ kind: 'pfnRun', uri: n.uri, ordinal: n.ordinal, run: run1, parent: n }));
        const covered = runs.reduce((a, x) => a + x.count, 0);
        if (covered < r.walk.pages) nodes.push({ kind: 'message', uri: n.uri, parent: n, text: `… ${r.walk.pages - covered} more pages in more runs: open the inspector`,
          command: { title: 'Inspect', command: 'hmm.inspectWalk', arguments: [n.uri, n.ordinal, { useStored: true }] } });
        return nodes;
      }
      case 'pfnRun': {
        if (n.run.count <= 1) return [];
        const count = Math.min(n.run.count, MAX_CHILDREN);
        const nodes: TreeNode[] = Array.from({ length: count }, (_x, i) => ({ kind: 'pfn', uri: n.uri, ordinal: n.ordinal,
          page: n.run.first + i, parent: n }));
        if (n.run.count > count) nodes.push({ kind: 'message', uri: n.uri, parent: n, text: `… ${n.run.count - count} more pages: open the inspector` });
        return nodes;
      }
      default: return [];
    }
  }

  /** Reveal a node in the inspector (walk results, pfn runs, pages) and in the editor (its walk). */
  async revealNode(n: TreeNode, focusEditor = false): Promise<{ inspector: boolean; editor: boolean }> {
    let inspectorShown = false;
    let editorShown = false;
    const ordinal = 'ordinal' in n ? n.ordinal : undefined;
    const page = n.kind === 'pfnRun' ? n.run.first : n.kind === 'pfn' ? n.page : 0;
    const r = ordinal !== undefined ? this.store.walkResult(n.uri, ordinal) : undefined;
    if (r && n.kind !== 'walk') inspectorShown = this.bridge.showResultFor(n.uri, r.run.result, r.index, page);
    if (inspectorShown) completeStep('inspected');
    const s = (await this.entry(n.uri)).scenario;
    const step: WalkStep | undefined = ordinal !== undefined && s ? scenarioCore().walksOf(s)[ordinal] : undefined;
    if (n.kind === 'scenario' || step) {
      let range = step ? rangeOf(step.pos) : new vscode.Range(0, 0, 0, 0);
      const entry = step?.expect?.pfns?.[page];
      if (entry && (n.kind === 'pfn' || n.kind === 'pfnRun')) range = rangeOf(entry.pos);
      const editor = await vscode.window.showTextDocument(n.uri, { preserveFocus: !focusEditor, preview: true,
        selection: new vscode.Range(range.start, range.start) });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      editorShown = true;
    }
    return { inspector: inspectorShown, editor: editorShown };
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

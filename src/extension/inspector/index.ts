/**
 * The inspector API the rest of the extension codes against: show a walk result, bare values, a comparison of two
 * walks; reveal an entry; hear about selections. Two panels, each reused: one for walk results and comparisons, one
 * for values (a hover's word, "Inspect Selected Values", "Decode PFN Value"), so looking at a value never replaces
 * the walk being read. A walk result remembers the file and document version it came from, and the panel says when
 * that file changed or no longer parses. Panels are restored after a reload by a serializer.
 */
import * as vscode from 'vscode';
import { getLayout, layoutForKernel } from '../../core/layouts';
import type { PfnLayout } from '../../core/layouts/types';
import type { ScenarioResult, WalkResult } from '../../core/scenario/result';
import { compareToView, resultToView, valuesToView } from '../../protocol/convert';
import type { KernelCompareDto, SourceState } from '../../protocol/messages';
import { hmmOutput } from '../output';
import { InspectorPanel, webviewOptions, type Payload } from './panel';

export const INSPECTOR_VIEW_TYPE = 'hmmLens.inspector';

/** Where a shown walk result came from: the file (uri string), and the document version and text hash that ran. */
export interface ResultSource {
  readonly uri: string;
  readonly version?: number;
  readonly textHash?: string;
}

export interface ShowValuesOptions {
  /** bytes per page for physical addresses and map orders (hmm.pageSize or the scenario's) */
  readonly pageSize?: number;
  /** open the detail pane on this entry */
  readonly detail?: number;
}

export interface InspectorApi {
  showResult(result: ScenarioResult, walkIndex?: number, source?: ResultSource): void;
  showValues(values: BigUint64Array, layoutId: string, title: string, options?: ShowValuesOptions): void;
  compare(a: WalkResult, b: WalkResult, title: string, kernelCompare?: KernelCompareDto): void;
  reveal(walkIndex: number, pageIndex: number): void;
  onDidSelect: vscode.Event<{ walkIndex: number; first: number; end: number }>;
}

export type PanelRole = 'walk' | 'values';

/** For the integration tests: the live panels and a way to feed them raw webview messages. */
export interface InspectorTesting {
  /** the panel of `role`, or the one shown last */
  panel(role?: PanelRole): vscode.WebviewPanel | undefined;
  receive(raw: unknown, role?: PanelRole): Promise<boolean>;
  counts(role?: PanelRole): { accepted: number; rejected: number };
  webviewErrors(role?: PanelRole): readonly string[];
  /** whether the webview painted the payload last sent, and in how many ms after its data arrived */
  painted(role?: PanelRole): { current: boolean; ms: number } | undefined;
  payload(role?: PanelRole): Payload | undefined;
  /** the source state last sent to the walk panel */
  source(): { state: SourceState; detail?: string } | undefined;
  /** URLs the webview asked to open (validated) */
  opened(): readonly string[];
}

export interface InspectorOptions {
  /** webview panel view type (tests register a second inspector under another type) */
  readonly viewType?: string;
  /** layouts the core registry does not know (custom legacy profiles), looked up by id first */
  readonly extraLayouts?: () => readonly PfnLayout[];
  /** whether the file a result came from still is what ran (activate.ts answers from the scenario store) */
  readonly sourceState?: (source: ResultSource) => { state: SourceState; detail?: string };
  /** fires when results' files may have changed (the result store's change events): the source is checked again */
  readonly onSourceChange?: vscode.Event<unknown>;
  /** opens a URL the webview asked for (validated already); tests replace it */
  readonly openExternal?: (url: string) => Thenable<boolean> | void;
}

export function registerInspector(context: vscode.ExtensionContext,
  options: InspectorOptions = {}): InspectorApi & { readonly testing: InspectorTesting } {
  const viewType = options.viewType ?? INSPECTOR_VIEW_TYPE;
  const selectEmitter = new vscode.EventEmitter<{ walkIndex: number; first: number; end: number }>();
  const panels = new Map<PanelRole, InspectorPanel>();
  let lastRole: PanelRole = 'walk';
  let source: ResultSource | undefined;
  let sourceSent: { state: SourceState; detail?: string } | undefined;
  const deleted = new Set<string>();
  const opened: string[] = [];
  const log = (m: string) => hmmOutput().appendLine(m);

  const attach = (p: vscode.WebviewPanel, role: PanelRole): InspectorPanel => {
    const ip: InspectorPanel = new InspectorPanel(p, context.extensionUri, {
      onSelect: (walkIndex, first, end) => { if (role === 'walk') selectEmitter.fire({ walkIndex, first, end }); },
      onRejected: (e) => log(`inspector: rejected a webview message: ${e}`),
      openExternal: (url) => {
        opened.push(url);
        return (options.openExternal ?? ((u: string) => vscode.env.openExternal(vscode.Uri.parse(u, true))))(url);
      },
      log,
    }, () => { if (panels.get(role) === ip) panels.delete(role); });
    panels.set(role, ip);
    return ip;
  };

  const ensure = (role: PanelRole, title: string): InspectorPanel => {
    lastRole = role;
    const have = panels.get(role);
    if (have) return have;
    // a values panel opens beside whatever is there (the walk panel, the editor) and never takes its place
    const p = vscode.window.createWebviewPanel(viewType, title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context.extensionUri));
    return attach(p, role);
  };

  const layoutsFor = (ids: readonly string[], kernel?: string): PfnLayout[] => {
    const out: PfnLayout[] = [];
    for (const id of new Set(ids)) {
      let l = options.extraLayouts?.().find((x) => x.id === id) ?? getLayout(id);
      if (!l && kernel) {
        try {
          const k = layoutForKernel(kernel);
          if (k.id === id) l = k;
        } catch { /* reported below */ }
      }
      if (!l) throw new Error(`HMM inspector: unknown pfn layout "${id}"`);
      out.push(l);
    }
    return out;
  };

  const guard = (what: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      log(`inspector: ${what} failed: ${msg}`);
      void vscode.window.showErrorMessage(`HMM Lens: cannot show ${what}: ${msg}`);
    }
  };

  /** Tell the walk panel whether its result's file still is what ran. */
  const checkSource = () => {
    const p = panels.get('walk');
    if (!p) return;
    let s: { state: SourceState; detail?: string } = { state: 'current' };
    if (source && deleted.has(source.uri)) s = { state: 'deleted', detail: 'The scenario file was deleted after this walk ran' };
    else if (source && options.sourceState) {
      try { s = options.sourceState(source); } catch (e) { log(`inspector: checking the result's file failed: ${String(e)}`); }
    }
    if (sourceSent && sourceSent.state === s.state && sourceSent.detail === s.detail) return;
    sourceSent = s;
    p.setSource(s.state, s.detail);
  };

  context.subscriptions.push(selectEmitter);
  context.subscriptions.push(
    vscode.workspace.onDidChangeTextDocument((e) => { if (source && e.document.uri.toString() === source.uri) checkSource(); }),
    vscode.workspace.onDidDeleteFiles((e) => {
      for (const f of e.files) deleted.add(f.toString());
      if (source && deleted.has(source.uri)) checkSource();
    }),
    vscode.workspace.onDidCreateFiles((e) => { for (const f of e.files) deleted.delete(f.toString()); }),
  );
  if (options.onSourceChange) context.subscriptions.push(options.onSourceChange(() => checkSource()));
  try {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, {
      async deserializeWebviewPanel(p: vscode.WebviewPanel, state: unknown) {
        // the webview restores its view from its own state (getState); the host only re-attaches, by what it shows
        const kind = (state as { view?: { kind?: string } } | undefined)?.view?.kind;
        const role: PanelRole = kind === 'values' ? 'values' : 'walk';
        panels.get(role)?.dispose();
        attach(p, role);
      },
    }));
  } catch (e) {
    log(`inspector: serializer for ${viewType} not registered: ${String(e)}`);
  }

  const pick = (role?: PanelRole) => panels.get(role ?? lastRole);
  const api: InspectorApi & { testing: InspectorTesting } = {
    showResult(result, walkIndex = 0, from) {
      guard('the walk result', () => {
        const view = resultToView(result, walkIndex, layoutsFor(result.walks.map((w) => w.layoutId), result.kernel));
        const title = `HMM: ${result.name ?? result.file.split(/[\\/]/).pop() ?? 'result'}`;
        const p = ensure('walk', title);
        source = from;
        sourceSent = undefined;
        p.show({ view, arrays: result.walks.map((w) => ({ input: w.input, pfns: w.pfns })) }, title);
        checkSource();
      });
    },
    showValues(values, layoutId, title, opts = {}) {
      guard('the values', () => {
        const [layout] = layoutsFor([layoutId]);
        const p = ensure('values', `HMM: ${title}`);
        p.show({ view: valuesToView(values, layout, title, opts.pageSize ?? 4096), arrays: [{ pfns: values }] }, `HMM: ${title}`);
        if (opts.detail !== undefined && opts.detail >= 0 && opts.detail < values.length) p.reveal(0, opts.detail, true);
      });
    },
    compare(a, b, title, kernelCompare) {
      guard('the comparison', () => {
        const view = compareToView(a, b, title, layoutsFor([a.layoutId, b.layoutId]), kernelCompare);
        const p = ensure('walk', `HMM: ${title}`);
        source = undefined;
        sourceSent = undefined;
        p.show({ view, arrays: [a, b].map((w) => ({ input: w.input, pfns: w.pfns })) }, `HMM: ${title}`);
      });
    },
    reveal(walkIndex, pageIndex) {
      panels.get('walk')?.reveal(walkIndex, pageIndex);
    },
    onDidSelect: selectEmitter.event,
    testing: {
      panel: (role) => pick(role)?.panel,
      receive: async (raw, role) => { const p = pick(role); return p ? p.receive(raw) : false; },
      counts: (role) => ({ accepted: pick(role)?.accepted ?? 0, rejected: pick(role)?.rejected ?? 0 }),
      webviewErrors: (role) => pick(role)?.webviewErrors ?? [],
      painted: (role) => {
        const p = pick(role);
        return p?.painted ? { current: p.painted.session === p.currentSession, ms: p.painted.ms } : undefined;
      },
      payload: (role) => pick(role)?.current,
      source: () => sourceSent,
      opened: () => opened,
    },
  };
  return api;
}

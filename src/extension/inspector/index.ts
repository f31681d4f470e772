/**
 * The inspector API the rest of the extension codes against: show a walk result, bare values, a comparison of two
 * walks; reveal an entry; hear about selections. One panel, reused; restored after a reload by a serializer.
 */
import * as vscode from 'vscode';
import { getLayout, layoutForKernel } from '../../core/layouts';
import type { PfnLayout } from '../../core/layouts/types';
import type { ScenarioResult, WalkResult } from '../../core/scenario/result';
import { compareToView, resultToView, valuesToView } from '../../protocol/convert';
import type { KernelCompareDto } from '../../protocol/messages';
import { hmmOutput } from '../output';
import { InspectorPanel, webviewOptions, type Payload } from './panel';

export const INSPECTOR_VIEW_TYPE = 'hmmLens.inspector';

export interface InspectorApi {
  showResult(result: ScenarioResult, walkIndex?: number): void;
  showValues(values: BigUint64Array, layoutId: string, title: string): void;
  compare(a: WalkResult, b: WalkResult, title: string, kernelCompare?: KernelCompareDto): void;
  reveal(walkIndex: number, pageIndex: number): void;
  onDidSelect: vscode.Event<{ walkIndex: number; first: number; end: number }>;
}

/** For the integration tests: the live panel and a way to feed it raw webview messages. */
export interface InspectorTesting {
  panel(): vscode.WebviewPanel | undefined;
  receive(raw: unknown): Promise<boolean>;
  counts(): { accepted: number; rejected: number };
  webviewErrors(): readonly string[];
  /** whether the webview painted the payload last sent, and in how many ms after its data arrived */
  painted(): { current: boolean; ms: number } | undefined;
  payload(): Payload | undefined;
}

export interface InspectorOptions {
  /** webview panel view type (tests register a second inspector under another type) */
  readonly viewType?: string;
  /** layouts the core registry does not know (custom legacy profiles), looked up by id first */
  readonly extraLayouts?: () => readonly PfnLayout[];
}

export function registerInspector(context: vscode.ExtensionContext,
  options: InspectorOptions = {}): InspectorApi & { readonly testing: InspectorTesting } {
  const viewType = options.viewType ?? INSPECTOR_VIEW_TYPE;
  const selectEmitter = new vscode.EventEmitter<{ walkIndex: number; first: number; end: number }>();
  let panel: InspectorPanel | undefined;
  const log = (m: string) => hmmOutput().appendLine(m);

  const attach = (p: vscode.WebviewPanel): InspectorPanel => {
    panel = new InspectorPanel(p, context.extensionUri, {
      onSelect: (walkIndex, first, end) => selectEmitter.fire({ walkIndex, first, end }),
      onRejected: (e) => log(`inspector: rejected a webview message: ${e}`),
      log,
    }, () => { if (panel?.panel === p) panel = undefined; });
    return panel;
  };

  const ensure = (title: string): InspectorPanel => {
    if (panel) return panel;
    const p = vscode.window.createWebviewPanel(viewType, title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(context.extensionUri));
    return attach(p);
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

  context.subscriptions.push(selectEmitter);
  try {
    context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(viewType, {
      async deserializeWebviewPanel(p: vscode.WebviewPanel) {
        // the webview restores its view from its own state (getState); the host only re-attaches
        if (panel) panel.dispose();
        attach(p);
      },
    }));
  } catch (e) {
    log(`inspector: serializer for ${viewType} not registered: ${String(e)}`);
  }

  const api: InspectorApi & { testing: InspectorTesting } = {
    showResult(result, walkIndex = 0) {
      guard('the walk result', () => {
        const view = resultToView(result, walkIndex, layoutsFor(result.walks.map((w) => w.layoutId), result.kernel));
        const title = `HMM: ${result.name ?? result.file.split(/[\\/]/).pop() ?? 'result'}`;
        ensure(title).show({ view, arrays: result.walks.map((w) => ({ input: w.input, pfns: w.pfns })) }, title);
      });
    },
    showValues(values, layoutId, title) {
      guard('the values', () => {
        const [layout] = layoutsFor([layoutId]);
        ensure(title).show({ view: valuesToView(values, layout, title), arrays: [{ pfns: values }] }, `HMM: ${title}`);
      });
    },
    compare(a, b, title, kernelCompare) {
      guard('the comparison', () => {
        const view = compareToView(a, b, title, layoutsFor([a.layoutId, b.layoutId]), kernelCompare);
        ensure(title).show({ view, arrays: [a, b].map((w) => ({ input: w.input, pfns: w.pfns })) }, `HMM: ${title}`);
      });
    },
    reveal(walkIndex, pageIndex) {
      panel?.reveal(walkIndex, pageIndex);
    },
    onDidSelect: selectEmitter.event,
    testing: {
      panel: () => panel?.panel,
      receive: async (raw) => (panel ? panel.receive(raw) : false),
      counts: () => ({ accepted: panel?.accepted ?? 0, rejected: panel?.rejected ?? 0 }),
      webviewErrors: () => panel?.webviewErrors ?? [],
      painted: () => (panel?.painted ? { current: panel.painted.session === panel.currentSession, ms: panel.painted.ms } : undefined),
      payload: () => panel?.current,
    },
  };
  return api;
}

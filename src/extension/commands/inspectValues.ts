/**
 * "HMM: Inspect Selected Values" — every u64 in the selection (a dmesg dump of hmm_pfns, a C array) becomes a pfn
 * array in the inspector's values panel (a walk result shown in the inspector stays where it is), decoded by the
 * active layout, each word checked by the core's problem check (the hover's). hmm.inspectValues(values?, layoutId?) takes a value, an
 * array of values or a text to scan instead of the selection.
 */
import * as vscode from 'vscode';
import { getLayout } from '../../core/layouts/index';
import { chooseLayout } from '../layoutContext';
import { scanPfnWords } from '../../core/layouts/scan';
import { hex64 } from '../pfnToken';
import { inspector } from '../inspectorBridge';
import { hmmSettings } from '../config';
import type { KernelOfDocument } from './decodePfn';

export interface InspectValuesResult {
  readonly layoutId: string;
  readonly count: number;
  /** the first values, as hex, for tests and messages */
  readonly values: readonly string[];
  readonly shown: boolean;
}

export function registerInspectValues(context: vscode.ExtensionContext, kernelOf: KernelOfDocument): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.inspectValues',
    (valuesArg?: unknown, layoutArg?: unknown): InspectValuesResult | undefined => {
      const editor = vscode.window.activeTextEditor;
      let text: string;
      if (typeof valuesArg === 'string') text = valuesArg;
      else if (Array.isArray(valuesArg)) text = valuesArg.map(String).join(' ');
      else if (editor) {
        const sel = editor.selections.filter((s) => !s.isEmpty);
        text = sel.length ? sel.map((s) => editor.document.getText(s)).join('\n') : '';
      } else text = '';
      // the bulk scanner: the values land in one BigUint64Array (no object or bigint per value; a log has millions)
      const found = scanPfnWords(text, { maxResults: 1 << 24 });
      const count = found.count;
      if (count === 0) {
        void vscode.window.showWarningMessage('HMM: no u64 values found: select 0x… values or 16-digit hex words (e.g. a dmesg dump of hmm_pfns)');
        return undefined;
      }
      const doc = editor?.document;
      const scenario = doc ? kernelOf(doc) : undefined;
      const layout = (typeof layoutArg === 'string' ? getLayout(layoutArg) : undefined)
        ?? chooseLayout({ scenario, scope: doc?.uri }).layout;
      const pageSize = scenario?.pageSize ?? hmmSettings(doc?.uri).pageSize;
      const arr = found.words.slice();
      const where = doc && typeof valuesArg !== 'string' && !Array.isArray(valuesArg) ? ` from ${doc.uri.path.split('/').pop()}` : '';
      const title = `${count} value${count === 1 ? '' : 's'}${where} [${layout.id}]`;
      const api = inspector();
      // its own panel (a walk result open in the inspector stays); one value opens with its detail pane
      if (api) api.showValues(arr, layout.id, title, { pageSize, ...(count === 1 ? { detail: 0 } : {}) });
      else void vscode.window.showErrorMessage('HMM: the inspector is not available in this window');
      return { layoutId: layout.id, count, values: [...arr.subarray(0, 64)].map(hex64), shown: api !== undefined };
    }));
}

/**
 * "HMM: Decode PFN Value" — hmm.decodePfn(value?, kernel?): decode one u64 by the layout of the kernel given, the
 * active scenario's kernel, or hmm.kernel. Without a value it takes the selection when that is a value, else asks.
 * The word opens in the inspector's values panel with its detail pane (every field, what its order can be, the word
 * under every kernel layout with the plausible readings, the problems); a one-line summary is notified too.
 */
import * as vscode from 'vscode';
import { decodePfn, formatDecoded } from '../../core/layouts/index';
import type { DecodedPfn } from '../../core/layouts/types';
import { chooseLayout } from '../layoutContext';
import { hex64, parsePfnValue } from '../pfnToken';
import type { ScenarioKernel } from '../layoutContext';
import { hmmSettings } from '../config';
import { hmmOutput } from '../output';
import { inspector } from '../inspectorBridge';

export interface DecodePfnResult {
  readonly layoutId: string;
  readonly text: string;
  readonly decoded: DecodedPfn;
}

/** The one-line text the command shows: `HMM pfn 0x… [layout <id>]: VALID WRITE pfn=0x1234 order=0`. */
export function decodeLine(raw: bigint, d: DecodedPfn): string {
  let body = formatDecoded(d).replace(/\s*\[layout [^\]]*\]\s*$/, '');
  // the order field is part of every word on layouts that have one: always show it
  if (d.layout.order && !/\border=\d/.test(body)) body = body.replace(/(pfn=0x[0-9a-f]+)/i, `$1 order=${d.order}`);
  return `HMM pfn ${hex64(raw)} [layout ${d.layout.id}]: ${body}`;
}

/** `HMM pfn 0x… [layout id]: VALID WRITE pfn=0x1234 order=0` without the problem text (the detail pane lists them). */
export function summaryLine(raw: bigint, d: DecodedPfn): string {
  const parts = d.value ? [d.value] : [d.flags.length ? d.flags.join(' ') : '0', `pfn=0x${d.pfn.toString(16)}`];
  if (!d.value && d.layout.order) parts.push(`order=${d.order}`);
  return `HMM pfn ${hex64(raw)} [layout ${d.layout.id}]: ${parts.join(' ')}`;
}

/** The scenario kernel of a document (undefined when it is no scenario or does not parse). */
export type KernelOfDocument = (doc: vscode.TextDocument) => (ScenarioKernel & { pageSize: number }) | undefined;

export function registerDecodePfn(context: vscode.ExtensionContext, kernelOf: KernelOfDocument): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.decodePfn',
    async (value?: unknown, kernel?: unknown): Promise<DecodePfnResult | undefined> => {
      const editor = vscode.window.activeTextEditor;
      let raw: bigint | undefined;
      if (typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number') {
        raw = typeof value === 'string' ? parsePfnValue(value) : BigInt(value);
        if (raw === undefined) {
          void vscode.window.showErrorMessage(`HMM: "${value}" is not a u64 value; expected 0x… (up to 16 hex digits), a 16-digit hex word or a decimal number`);
          return undefined;
        }
      } else if (editor && !editor.selection.isEmpty) {
        raw = parsePfnValue(editor.document.getText(editor.selection));
      }
      if (raw === undefined) {
        const typed = await vscode.window.showInputBox({
          title: 'Decode PFN Value',
          prompt: 'A u64 from an hmm_pfns array (hex 0x…, a 16-digit hex word, or decimal)',
          placeHolder: '0x8000000000001234',
          ignoreFocusOut: true,
          validateInput: (t) => (t.trim() === '' || parsePfnValue(t) !== undefined ? undefined
            : 'expected 0x… with up to 16 hex digits, a 16-digit hex word, or a decimal number below 2^64'),
        });
        if (typed === undefined || typed.trim() === '') return undefined;
        raw = parsePfnValue(typed);
        if (raw === undefined) return undefined;
      }
      const doc = editor?.document;
      const scenario = doc ? kernelOf(doc) : undefined;
      const choice = chooseLayout({ kernel: typeof kernel === 'string' ? kernel : undefined, scenario, scope: doc?.uri });
      if (typeof kernel === 'string' && kernel.trim() !== '' && choice.source !== 'argument') {
        void vscode.window.showWarningMessage(`HMM: ${choice.problem}; decoded with ${choice.layout.id}`);
      }
      const pageSize = scenario?.pageSize ?? hmmSettings(doc?.uri).pageSize;
      const decoded = decodePfn(raw, choice.layout, pageSize);
      const text = decodeLine(raw, decoded);
      hmmOutput().appendLine(text);
      // the whole decode in the inspector's detail pane; the notification says what it is in one short line
      const api = inspector();
      const word = BigInt.asUintN(64, raw);
      if (api) api.showValues(BigUint64Array.of(word), choice.layout.id, `${hex64(word)} [${choice.layout.id}]`, { pageSize, detail: 0 });
      const n = decoded.problems.length;
      void vscode.window.showInformationMessage(api ? `${summaryLine(raw, decoded)}${n ? ` — ${n} problem${n === 1 ? '' : 's'}` : ''} (details in the inspector)` : text);
      return { layoutId: choice.layout.id, text, decoded };
    }));
}

/**
 * The inspector webview's API (src/extension/inspector/index.ts, owned by the webview engineer), as the rest of the
 * glue uses it. activate.ts installs it once; callers get undefined only if registration failed. Results shown
 * through showResultFor() remember their file, so a selection in the inspector can be revealed in the editor.
 */
import type * as vscode from 'vscode';
import type { ScenarioResult, WalkResult } from '../core/scenario/result';
import type { KernelCompareDto } from '../protocol/messages';

export interface InspectorApi {
  /** `source`: the file and document version the result ran from (the inspector marks it outdated when that changes) */
  showResult(result: ScenarioResult, walkIndex?: number, source?: { uri: string; version?: number; textHash?: string }): void;
  /** values open in a panel of their own (never in place of a walk result); `detail` opens the detail pane */
  showValues(values: BigUint64Array, layoutId: string, title: string, options?: { pageSize?: number; detail?: number }): void;
  compare(a: WalkResult, b: WalkResult, title: string, kernelCompare?: KernelCompareDto): void;
  reveal(walkIndex: number, pageIndex: number): void;
  readonly onDidSelect?: vscode.Event<{ walkIndex: number; first: number; end: number }>;
}

let api: InspectorApi | undefined;
let shown: { uri: vscode.Uri; result: ScenarioResult } | undefined;
/** the document version and text a stored result ran on (activate.ts answers from the result store) */
type RanOn = (uri: vscode.Uri, result: ScenarioResult) => { version?: number; textHash?: string } | undefined;
let ranOn: RanOn | undefined;

export function setInspector(a: InspectorApi | undefined, resultRanOn?: RanOn): void {
  api = a;
  shown = undefined;
  ranOn = resultRanOn;
}

export function inspector(): InspectorApi | undefined {
  return api;
}

/** Show a scenario's result (only when it is not already the one shown), then reveal a page. */
export function showResultFor(uri: vscode.Uri, result: ScenarioResult, walkIndex: number, pageIndex?: number): boolean {
  if (!api) return false;
  if (!shown || shown.uri.toString() !== uri.toString() || shown.result !== result || pageIndex === undefined) {
    api.showResult(result, walkIndex, { uri: uri.toString(), ...ranOn?.(uri, result) });
    shown = { uri, result };
  }
  if (pageIndex !== undefined) api.reveal(walkIndex, pageIndex);
  return true;
}

/** The file and result the inspector shows, when it came through showResultFor(). */
export function shownResult(): { uri: vscode.Uri; result: ScenarioResult } | undefined {
  return shown;
}

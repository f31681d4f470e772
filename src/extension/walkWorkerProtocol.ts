/** Messages between the extension host and the walk worker (dist/walk-worker.js). Structured-clone safe. */
import type { ScenarioDiagnostic, WalkMode } from '../core/scenario/ast';
import type { ScenarioResult } from '../core/scenario/result';

export interface WalkWorkerRequest {
  readonly text: string;
  readonly file: string;
  readonly maxPages: number;
  readonly mode?: WalkMode;
  readonly kernel?: string;
  readonly device?: string;
  /** ordinals (0-based among walks) to run; undefined = all */
  readonly walkIndices?: readonly number[];
}

export type WalkWorkerMessage =
  | { readonly type: 'progress'; readonly done: number; readonly total: number }
  | { readonly type: 'done'; readonly result?: ScenarioResult; readonly diagnostics: readonly ScenarioDiagnostic[] }
  | { readonly type: 'error'; readonly message: string };

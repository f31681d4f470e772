/**
 * Run-time diagnostics as the user types: small scenarios are run (without storing the result) so that errors
 * only a run finds — an access the VMA forbids, a `set` the VMA cannot hold — appear in Problems too.
 */
import type * as vscode from 'vscode';
import type { ScenarioDiagnostic } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import type { ScenarioStore } from './store';

/** Total walk pages up to which a scenario is checked on every edit. */
export const QUICK_CHECK_MAX_PAGES = 65_536;

export function quickCheck(store: ScenarioStore, doc: vscode.TextDocument): readonly ScenarioDiagnostic[] | undefined {
  const s = store.parse(doc).scenario;
  if (!s) return undefined;
  const pages = scenarioCore().walksOf(s).reduce((n, w) => n + w.pages, 0);
  if (pages > QUICK_CHECK_MAX_PAGES) return undefined;
  return scenarioCore().runScenario(s, { maxPages: QUICK_CHECK_MAX_PAGES }).diagnostics;
}

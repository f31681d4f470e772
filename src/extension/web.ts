/**
 * Web extension host entry (dist/web/extension.js): same features, no Node API; walks run inline. One bundle: the
 * parser and runner are bundled in (the Node host loads them from dist/core.js on first use instead).
 */
import type * as vscode from 'vscode';
import { activateHmm, type HmmApi } from './activate';
import { setScenarioCoreLoader } from './coreLoader';
import * as scenarioCoreModule from './scenarioCore';

export function activate(context: vscode.ExtensionContext): HmmApi {
  setScenarioCoreLoader(() => scenarioCoreModule);
  return activateHmm(context, { kind: 'web' });
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}

/** The scenario language id and file-name test, shared by every provider (no parser import: cheap to load). */
import type * as vscode from 'vscode';

export const SCENARIO_LANGUAGE = 'hmm-scenario';
const SCENARIO_NAME = /\.hmm\.(ya?ml|json)$/i;
/** Scenario files in the workspace (findFiles, file watchers). */
export const SCENARIO_GLOB = '**/*.hmm.{yaml,yml,json}';

export function isScenarioDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === SCENARIO_LANGUAGE || SCENARIO_NAME.test(doc.uri.path);
}

export function isScenarioUri(uri: vscode.Uri): boolean {
  return SCENARIO_NAME.test(uri.path);
}

/** The selector every scenario provider registers for. */
export const SCENARIO_SELECTOR: vscode.DocumentFilter[] = [{ language: SCENARIO_LANGUAGE }];

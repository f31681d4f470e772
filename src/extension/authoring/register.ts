/** Registers the authoring help for scenario files: completion, quick fixes, key/token docs, names, outline. */
import * as vscode from 'vscode';
import { SCENARIO_SELECTOR } from '../scenario/language';
import { COMPLETION_TRIGGERS, ScenarioCompletionProvider } from './completion';
import { ScenarioDocHoverProvider } from './docHover';
import { MappingNames, ScenarioOutline } from './navigation';
import { DidYouMeanActions } from './quickFixes';

export function registerAuthoring(context: vscode.ExtensionContext): void {
  const sel = SCENARIO_SELECTOR;
  const names = new MappingNames();
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider(sel, new ScenarioCompletionProvider(), ...COMPLETION_TRIGGERS),
    vscode.languages.registerCodeActionsProvider(sel, new DidYouMeanActions(), { providedCodeActionKinds: DidYouMeanActions.kinds }),
    vscode.languages.registerHoverProvider(sel, new ScenarioDocHoverProvider()),
    vscode.languages.registerDefinitionProvider(sel, names),
    vscode.languages.registerReferenceProvider(sel, names),
    vscode.languages.registerRenameProvider(sel, names),
    vscode.languages.registerDocumentHighlightProvider(sel, names),
    vscode.languages.registerDocumentSymbolProvider(sel, new ScenarioOutline(), { label: 'HMM scenario' }),
  );
}

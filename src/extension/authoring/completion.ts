/**
 * Completion in scenario files, from the format itself (core/authoring/completions, loaded with the parser): step
 * names as snippets, each map's keys, enum values, flag names of the file's layout, expected-entry tokens, mapping
 * names, declared devices, kernel ids. No other extension is needed.
 */
import * as vscode from 'vscode';
import type { CompletionKind } from '../../core/authoring/completions';
import { scenarioCore } from '../coreLoader';

const KINDS: Readonly<Record<CompletionKind, vscode.CompletionItemKind>> = {
  property: vscode.CompletionItemKind.Property, step: vscode.CompletionItemKind.Function, value: vscode.CompletionItemKind.EnumMember,
  flag: vscode.CompletionItemKind.Constant, token: vscode.CompletionItemKind.Keyword, mapping: vscode.CompletionItemKind.Variable,
  device: vscode.CompletionItemKind.Module, kernel: vscode.CompletionItemKind.Value, snippet: vscode.CompletionItemKind.Snippet,
};

/** Characters after which completion opens by itself (`prot: `, `[`, `, `, `dev=`, `{ `). */
export const COMPLETION_TRIGGERS = [' ', '[', ',', '=', '{'];

export class ScenarioCompletionProvider implements vscode.CompletionItemProvider {
  provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] | undefined {
    try {
      const r = scenarioCore().completeAt(doc.getText(), doc.offsetAt(pos));
      if (!r || r.items.length === 0) return undefined;
      const range = new vscode.Range(pos.line, Math.max(0, pos.character - r.prefix.length), pos.line, pos.character);
      return r.items.map((e) => {
        const it = new vscode.CompletionItem(e.label, KINDS[e.kind]);
        it.range = range;
        it.detail = e.detail;
        if (e.documentation) it.documentation = new vscode.MarkdownString(e.documentation);
        it.insertText = e.snippet && e.insert ? new vscode.SnippetString(e.insert) : e.insert ?? e.label;
        it.sortText = e.sort;
        // `key: ` leaves the value to complete: ask for it at once
        if (e.kind === 'property' && e.insert?.endsWith(': ')) it.command = { title: 'values', command: 'editor.action.triggerSuggest' };
        return it;
      });
    } catch {
      return undefined;
    }
  }
}

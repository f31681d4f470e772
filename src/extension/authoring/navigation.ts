/**
 * Mapping names as symbols: go to definition (`buf+3` → its `mmap`), find references, rename (every `name:` and
 * address that uses it); and the outline of a scenario (top-level keys, steps, walks with their expect), which also
 * feeds breadcrumbs and "Go to Symbol in Editor". Read from the YAML text (core/authoring/symbols), so they work
 * while the file has scenario errors.
 */
import * as vscode from 'vscode';
import type { OutlineSymbol } from '../../core/authoring/symbols';
import { scenarioCore } from '../coreLoader';

function rangeIn(doc: vscode.TextDocument, start: number, end: number): vscode.Range {
  return new vscode.Range(doc.positionAt(start), doc.positionAt(end));
}

const SYMBOL_KINDS: Readonly<Record<OutlineSymbol['kind'], vscode.SymbolKind>> = {
  key: vscode.SymbolKind.Property, steps: vscode.SymbolKind.Array, step: vscode.SymbolKind.Event,
  walk: vscode.SymbolKind.Function, expect: vscode.SymbolKind.Boolean, during: vscode.SymbolKind.Event,
};

export class MappingNames implements vscode.DefinitionProvider, vscode.ReferenceProvider, vscode.RenameProvider,
  vscode.DocumentHighlightProvider {
  provideDefinition(doc: vscode.TextDocument, pos: vscode.Position): vscode.Location | undefined {
    const found = scenarioCore().occurrencesAt(doc.getText(), doc.offsetAt(pos));
    const def = found?.all.find((o) => o.definition);
    return def ? new vscode.Location(doc.uri, rangeIn(doc, def.start, def.end)) : undefined;
  }

  provideReferences(doc: vscode.TextDocument, pos: vscode.Position, ctx: vscode.ReferenceContext): vscode.Location[] {
    const found = scenarioCore().occurrencesAt(doc.getText(), doc.offsetAt(pos));
    return (found?.all ?? []).filter((o) => ctx.includeDeclaration || !o.definition)
      .map((o) => new vscode.Location(doc.uri, rangeIn(doc, o.start, o.end)));
  }

  provideDocumentHighlights(doc: vscode.TextDocument, pos: vscode.Position): vscode.DocumentHighlight[] {
    const found = scenarioCore().occurrencesAt(doc.getText(), doc.offsetAt(pos));
    return (found?.all ?? []).map((o) => new vscode.DocumentHighlight(rangeIn(doc, o.start, o.end),
      o.definition ? vscode.DocumentHighlightKind.Write : vscode.DocumentHighlightKind.Read));
  }

  prepareRename(doc: vscode.TextDocument, pos: vscode.Position): { range: vscode.Range; placeholder: string } {
    const found = scenarioCore().occurrencesAt(doc.getText(), doc.offsetAt(pos));
    if (!found) throw new Error('Rename works on a mapping name: an mmap\'s name, or the name in an address (buf, buf+3).');
    return { range: rangeIn(doc, found.at.start, found.at.end), placeholder: found.name };
  }

  provideRenameEdits(doc: vscode.TextDocument, pos: vscode.Position, newName: string): vscode.WorkspaceEdit {
    const r = scenarioCore().renameMapping(doc.getText(), doc.offsetAt(pos), newName);
    if ('error' in r) throw new Error(r.error);
    const edit = new vscode.WorkspaceEdit();
    for (const e of r.edits) edit.replace(doc.uri, rangeIn(doc, e.start, e.end), e.text);
    return edit;
  }
}

export class ScenarioOutline implements vscode.DocumentSymbolProvider {
  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] {
    const make = (s: OutlineSymbol): vscode.DocumentSymbol => {
      const range = rangeIn(doc, s.start, Math.max(s.end, s.selEnd));
      const sym = new vscode.DocumentSymbol(s.name, s.detail, SYMBOL_KINDS[s.kind], range, rangeIn(doc, s.selStart, s.selEnd));
      sym.children = s.children.map(make);
      return sym;
    };
    try {
      return scenarioCore().outline(doc.getText()).map(make);
    } catch {
      return [];
    }
  }
}

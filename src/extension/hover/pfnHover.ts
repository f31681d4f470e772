/**
 * Hovers that decode u64 pfn words, place user virtual addresses and explain HMM_PFN_* names, registered for the
 * languages in hmm.hover.languages and the Output panel (scheme `output`) — never for every language. Which hex
 * values decode is hmm.hover.mode's: `auto` asks ./classifyHex (pfn word, address or nothing), `always` decodes every
 * value, `off` none. Work is bounded to the word under the cursor and a few lines above it, and a hover never throws
 * (a failure is logged once and shows nothing).
 */
import * as vscode from 'vscode';
import { decodePfn } from '../../core/layouts/index';
import { hmmSettings } from '../config';
import { chooseLayout, type LayoutChoice } from '../layoutContext';
import { hmmIdentifierAt, pfnTokenAt } from '../pfnToken';
import { hmmOutput } from '../output';
import { constantHoverMarkdown, pfnHoverMarkdown } from './pfnMarkdown';
import type { KernelOfDocument } from '../commands/decodePfn';
import { classifyHex } from './classifyHex';
import { addressHoverMarkdown } from './addressMarkdown';
import { findAddress, type MappingSource } from './addressLookup';
import { isScenarioDocument } from '../scenario/language';
import { completeStep } from '../walkthrough/progress';

/** Lines above the value the classifier reads (a list or initializer, the YAML keys leading to the value). */
const LINES_ABOVE = 60;
const LINE_TAIL = 400;

function linesAbove(doc: vscode.TextDocument, line: number): string[] {
  const out: string[] = [];
  for (let l = line - 1; l >= Math.max(0, line - LINES_ABOVE); l--) {
    const t = doc.lineAt(l).text;
    // the start of a line holds its YAML key and indentation, its end a C initializer's `{` or `,`
    out.push(t.length > 2 * LINE_TAIL ? t.slice(0, LINE_TAIL) + ' '.repeat(8) + t.slice(-LINE_TAIL) : t);
  }
  return out;
}

const TRUSTED_COMMANDS = ['hmm.inspectValues', 'hmm.selectKernelLayout', 'hmm.decodePfn'];

function sourceText(c: LayoutChoice): string {
  switch (c.source) {
    case 'scenario': return `scenario kernel ${c.kernel}`;
    case 'setting': return `hmm.kernel = ${c.kernel}`;
    case 'argument': return `kernel ${c.kernel}`;
    default: return 'fallback: latest';
  }
}

function markdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text, true);
  md.isTrusted = { enabledCommands: TRUSTED_COMMANDS };
  md.supportThemeIcons = true;
  return md;
}

export class PfnHoverProvider implements vscode.HoverProvider {
  private loggedFailure = false;

  constructor(private readonly kernelOf: KernelOfDocument, private readonly mappings?: MappingSource) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      const settings = hmmSettings(doc.uri);
      if (!settings.hoverEnabled) return undefined;
      const line = doc.lineAt(pos.line).text;
      const scenario = this.kernelOf(doc);
      const tok = pfnTokenAt(line, pos.character);
      if (tok) {
        if (settings.hoverMode === 'off') return undefined;
        const choice = chooseLayout({ scenario, scope: doc.uri });
        const pageSize = scenario?.pageSize ?? settings.pageSize;
        const range = new vscode.Range(pos.line, tok.start, pos.line, tok.end);
        const isScenario = isScenarioDocument(doc);
        const kind = classifyHex({ ...tok, line, above: settings.hoverMode === 'auto' ? linesAbove(doc, pos.line) : [],
          scenario: isScenario, layout: choice.layout }, settings.hoverMode).kind;
        if (kind === 'address') {
          const found = this.mappings ? findAddress(this.mappings, doc, tok.value) : { matches: [], more: 0 };
          const text = addressHoverMarkdown(tok.value, pageSize, found.matches, { scenarioDoc: isScenario, more: found.more });
          return new vscode.Hover(markdown(text), range);
        }
        if (kind !== 'pfn') return undefined;
        const d = decodePfn(tok.value, choice.layout, pageSize);
        const text = pfnHoverMarkdown(d, { from: sourceText(choice), problem: choice.problem }, pageSize);
        completeStep('decoded'); // the walkthrough's "decode a value" step: a hover is the same action as the command
        return new vscode.Hover(markdown(text), range);
      }
      const id = hmmIdentifierAt(line, pos.character);
      if (id) {
        const choice = chooseLayout({ scenario, scope: doc.uri });
        const kernel = choice.layout.proposal ? choice.layout.id : choice.kernel;
        const text = constantHoverMarkdown(id.name, kernel);
        if (text) return new vscode.Hover(markdown(text), new vscode.Range(pos.line, id.start, pos.line, id.end));
      }
      return undefined;
    } catch (e) {
      if (!this.loggedFailure) {
        this.loggedFailure = true;
        hmmOutput().appendLine(`[hover] failed once (further failures are not logged): ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
      return undefined;
    }
  }
}

/** The selector: each configured language, plus the Output panel. */
export function hoverSelector(languages: readonly string[]): vscode.DocumentFilter[] {
  const langs = [...new Set(languages.map((l) => l.trim()).filter((l) => l !== '' && l !== '*'))];
  return [...langs.map((language) => ({ language })), { scheme: 'output' }];
}

/** Register the hover, and register it again when hmm.hover.languages changes. */
export function registerPfnHover(context: vscode.ExtensionContext, kernelOf: KernelOfDocument, mappings?: MappingSource): void {
  const provider = new PfnHoverProvider(kernelOf, mappings);
  let reg = vscode.languages.registerHoverProvider(hoverSelector(hmmSettings().hoverLanguages), provider);
  context.subscriptions.push({ dispose: () => reg.dispose() });
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('hmm.hover.languages')) return;
    reg.dispose();
    reg = vscode.languages.registerHoverProvider(hoverSelector(hmmSettings().hoverLanguages), provider);
  }));
}

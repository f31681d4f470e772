/**
 * Hovers that decode u64 pfn words and explain HMM_PFN_* names, registered for the languages in hmm.hover.languages
 * and the Output panel (scheme `output`) — never for every language. Work is bounded to the word under the cursor,
 * and a hover never throws (a failure is logged once and shows nothing).
 */
import * as vscode from 'vscode';
import { decodePfn } from '../../core/layouts/index';
import { hmmSettings } from '../config';
import { chooseLayout, type LayoutChoice } from '../layoutContext';
import { hmmIdentifierAt, pfnTokenAt } from '../pfnToken';
import { hmmOutput } from '../output';
import { constantHoverMarkdown, pfnHoverMarkdown } from './pfnMarkdown';
import type { KernelOfDocument } from '../commands/decodePfn';

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

  constructor(private readonly kernelOf: KernelOfDocument) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    try {
      if (!hmmSettings(doc.uri).hoverEnabled) return undefined;
      const line = doc.lineAt(pos.line).text;
      const scenario = this.kernelOf(doc);
      const tok = pfnTokenAt(line, pos.character);
      if (tok) {
        const choice = chooseLayout({ scenario, scope: doc.uri });
        const pageSize = scenario?.pageSize ?? hmmSettings(doc.uri).pageSize;
        const d = decodePfn(tok.value, choice.layout, pageSize);
        const text = pfnHoverMarkdown(d, { from: sourceText(choice), problem: choice.problem }, pageSize);
        return new vscode.Hover(markdown(text), new vscode.Range(pos.line, tok.start, pos.line, tok.end));
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
export function registerPfnHover(context: vscode.ExtensionContext, kernelOf: KernelOfDocument): void {
  const provider = new PfnHoverProvider(kernelOf);
  let reg = vscode.languages.registerHoverProvider(hoverSelector(hmmSettings().hoverLanguages), provider);
  context.subscriptions.push({ dispose: () => reg.dispose() });
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('hmm.hover.languages')) return;
    reg.dispose();
    reg = vscode.languages.registerHoverProvider(hoverSelector(hmmSettings().hoverLanguages), provider);
  }));
}

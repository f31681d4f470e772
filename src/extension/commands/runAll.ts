/**
 * "HMM: Run All Scenarios in Workspace": every *.hmm.yaml / *.hmm.json found through vscode.workspace.findFiles and
 * read through vscode.workspace.fs (any scheme), with progress and cancellation between and within files.
 */
import * as vscode from 'vscode';
import { toDiagnostic } from '../scenario/diagnostics';
import type { RunService } from '../scenario/runService';
import { summarize, type RunSummary } from './runWalk';

import { SCENARIO_GLOB } from '../scenario/language';

export { SCENARIO_GLOB };

export interface RunAllSummary {
  readonly files: number;
  readonly invalid: number;
  readonly walks: number;
  readonly passed: number;
  readonly failed: number;
  readonly cancelled: boolean;
  readonly results: readonly RunSummary[];
}

async function textOf(uri: vscode.Uri): Promise<{ text: string; version: number }> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { text: open.getText(), version: open.version };
  return { text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), version: -1 };
}

/** `diagnostics` gives the Problems collection (built after activation: a function, so registering stays cheap). */
export function registerRunAll(context: vscode.ExtensionContext, runs: RunService,
  diagnostics: () => vscode.DiagnosticCollection | undefined): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.runAllScenarios', async (): Promise<RunAllSummary> => {
    const uris = (await vscode.workspace.findFiles(SCENARIO_GLOB, '**/node_modules/**'))
      .sort((a, b) => a.toString().localeCompare(b.toString()));
    const results: RunSummary[] = [];
    let cancelled = false;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
      title: 'HMM: running scenarios' }, async (progress, token) => {
      for (const [i, uri] of uris.entries()) {
        if (token.isCancellationRequested) { cancelled = true; break; }
        const name = vscode.workspace.asRelativePath(uri, false);
        progress.report({ message: `${i + 1}/${uris.length} ${name}`, increment: 100 / Math.max(1, uris.length) });
        try {
          const { text, version } = await textOf(uri);
          const outcome = await runs.run({ uri, text, version, source: 'runAll' }, token);
          results.push(summarize(outcome, name));
          if (!outcome.result) diagnostics()?.set(uri, outcome.diagnostics.map((d) => toDiagnostic(d, 'parse')));
          if (outcome.cancelled) { cancelled = true; break; }
        } catch (e) {
          results.push({ file: name, ok: false, cancelled: false, walks: [],
            errors: [`cannot read or run: ${e instanceof Error ? e.message : String(e)}`] });
        }
      }
    });
    const walks = results.flatMap((r) => r.walks);
    const summary: RunAllSummary = {
      files: results.length, invalid: results.filter((r) => r.errors.length > 0).length, walks: walks.length,
      passed: walks.filter((w) => w.expectOk === true).length, failed: walks.filter((w) => w.expectOk === false).length,
      cancelled, results,
    };
    const text = `HMM: ${summary.files} scenario file(s), ${summary.walks} walks: ${summary.passed} passed, ${summary.failed} failed`
      + `${summary.invalid ? `, ${summary.invalid} invalid file(s)` : ''}${cancelled ? ' (cancelled)' : ''}`;
    if (summary.failed || summary.invalid) void vscode.window.showWarningMessage(text, 'Show Output').then((b) => {
      if (b) void vscode.commands.executeCommand('hmm.showOutput');
    });
    else void vscode.window.showInformationMessage(text);
    return summary;
  }));
}

/**
 * "HMM: Capture Process Address Space…" (hmm.captureProcess): pick a process (name, pid, resident size; filtered as
 * you type), give an optional range, and the process's address space opens as a scenario (src/capture/ reads /proc,
 * src/core/capture/ writes the scenario) with the inspector on its snapshot. Runs with progress and cancel.
 *
 * Arguments (all optional, for tests and other extensions; with a pid no question is asked):
 *   hmm.captureProcess(pid?: number, range?: string, options?: { show?: boolean })
 * Returns what happened.
 */
import * as vscode from 'vscode';
import { hmmOutput } from '../output';
import { showResultFor } from '../inspectorBridge';
import type { RunService } from '../scenario/runService';
import { SCENARIO_LANGUAGE } from '../scenario/language';
import type { CaptureModule } from './types';

export interface CaptureOutcome {
  readonly status: 'captured' | 'cancelled' | 'unavailable' | 'error' | 'invalid';
  readonly reason?: string;
  readonly uri?: string;
  readonly pid?: number;
  /** the walks of the scenario, and the one the inspector shows */
  readonly walks?: readonly string[];
  readonly shownWalk?: number;
  readonly shown?: boolean;
  readonly warnings?: readonly string[];
  readonly notes?: number;
}

const RANGE_PROMPT = 'Range to capture (optional): START+LENGTH (0x7f0000000000+2M), START-END, or START for the mapping there; empty for the whole address space';

export function registerCaptureCommand(context: vscode.ExtensionContext, runs: RunService, load: (() => CaptureModule) | undefined): void {
  context.subscriptions.push(vscode.commands.registerCommand('hmm.captureProcess', async (a?: unknown, b?: unknown, c?: unknown): Promise<CaptureOutcome> => {
    if (!load) {
      void vscode.window.showErrorMessage('HMM: capturing a process reads its /proc files: it needs VS Code\'s desktop (Node) extension host, not a browser.');
      return { status: 'unavailable' };
    }
    let mod: CaptureModule;
    try {
      mod = load();
    } catch (e) {
      const reason = `cannot load the capture module: ${e instanceof Error ? e.message : String(e)}`;
      void vscode.window.showErrorMessage(`HMM: ${reason}`);
      return { status: 'error', reason };
    }
    const interactive = a === undefined;
    let pid: number | undefined = typeof a === 'number' ? a : typeof a === 'string' && /^\d+$/.test(a) ? Number(a) : undefined;
    if (a !== undefined && pid === undefined) {
      void vscode.window.showErrorMessage(`HMM: "${String(a)}" is not a process id`);
      return { status: 'invalid', reason: 'not a process id' };
    }
    if (pid === undefined) {
      const items = mod.processPickItems(mod.listProcesses());
      if (items.length === 0) {
        void vscode.window.showErrorMessage('HMM: no process with a user address space is visible in /proc');
        return { status: 'unavailable', reason: 'no process' };
      }
      const pick = await vscode.window.showQuickPick(items, {
        title: 'HMM: Capture Process Address Space (1/2): which process?', placeHolder: 'type a name, a pid or part of the command line',
        matchOnDescription: true, matchOnDetail: true,
      });
      if (!pick) return { status: 'cancelled' };
      pid = pick.pid;
    }
    let rangeText = typeof b === 'string' ? b : undefined;
    if (interactive) {
      rangeText = await vscode.window.showInputBox({
        title: 'HMM: Capture Process Address Space (2/2): which range?', prompt: RANGE_PROMPT, placeHolder: 'the whole address space',
        validateInput: (t) => {
          if (!t.trim()) return undefined;
          const r = mod.parseRange(t);
          return 'error' in r ? r.error : undefined;
        },
      });
      if (rangeText === undefined) return { status: 'cancelled' };
    }
    let range: { start: bigint; end?: bigint } | undefined;
    if (rangeText && rangeText.trim()) {
      const r = mod.parseRange(rangeText);
      if ('error' in r) {
        void vscode.window.showErrorMessage(`HMM: range: ${r.error}`);
        return { status: 'invalid', reason: r.error };
      }
      range = r;
    }
    const show = !(c && typeof c === 'object' && (c as { show?: boolean }).show === false);
    const target = pid;
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, cancellable: true,
      title: `HMM: capturing process ${target}` }, async (progress, token): Promise<CaptureOutcome> => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        const outcome = await mod.captureProcess(target, {
          range, signal: abort.signal,
          onProgress: (done, total) => {
            const pct = total ? Math.floor((90 * done) / total) : 90;
            if (pct > reported) {
              progress.report({ increment: pct - reported, message: `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} pages read` });
              reported = pct;
            }
          },
        });
        const gen = mod.generateScenario(outcome.capture);
        for (const w of outcome.warnings) hmmOutput().appendLine(`[capture ${target}] warning: ${w}`);
        for (const n of gen.notes) hmmOutput().appendLine(`[capture ${target}] not expressed exactly: ${n}`);
        const name = `capture-${outcome.capture.comm.replace(/[^A-Za-z0-9_.-]/g, '_')}-${target}.hmm.yaml`;
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
        const uri = folder ? vscode.Uri.joinPath(folder, name).with({ scheme: 'untitled' }) : vscode.Uri.from({ scheme: 'untitled', path: name });
        const doc = await vscode.workspace.openTextDocument(uri);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, new vscode.Range(0, 0, doc.lineCount, 0), gen.text);
        await vscode.workspace.applyEdit(edit);
        const typed = doc.languageId === SCENARIO_LANGUAGE ? doc : await vscode.languages.setTextDocumentLanguage(doc, SCENARIO_LANGUAGE);
        if (show) await vscode.window.showTextDocument(typed, { preview: false });
        if (token.isCancellationRequested) return { status: 'cancelled', uri: uri.toString() };
        progress.report({ increment: 90 - reported, message: 'running the walks' });
        const run = await runs.runDocument(typed, {}, token);
        if (!run.result) {
          const err = run.diagnostics.find((d) => d.severity === 'error');
          const reason = run.cancelled ? 'cancelled' : `the scenario does not run: ${err ? `${err.pos.line}: ${err.message}` : 'no result'}`;
          if (!run.cancelled) void vscode.window.showErrorMessage(`HMM: ${reason}`);
          return { status: run.cancelled ? 'cancelled' : 'error', reason, uri: uri.toString(), pid: target };
        }
        const shownWalk = Math.max(0, run.result.walks.findIndex((w) => w.name === gen.walks[gen.focus]?.name));
        const shown = show && showResultFor(typed.uri, run.result, shownWalk);
        if (outcome.warnings.length) {
          void vscode.window.showWarningMessage(`HMM: captured process ${target} (${outcome.capture.comm}) with ${outcome.warnings.length} warning(s): ${outcome.warnings[0]}`);
        }
        return { status: 'captured', uri: typed.uri.toString(), pid: target, walks: run.result.walks.map((w) => w.name), shownWalk,
          shown, warnings: outcome.warnings, notes: gen.notes.length };
      } catch (e) {
        if (e instanceof mod.CaptureFailure) {
          if (e.kind === 'cancelled') return { status: 'cancelled' };
          void vscode.window.showErrorMessage(`HMM: cannot capture process ${target}: ${e.message}`);
          return { status: 'error', reason: e.message, pid: target };
        }
        if (e instanceof mod.CaptureError) {
          void vscode.window.showErrorMessage(`HMM: cannot write the capture of process ${target} as a scenario: ${e.message}`);
          return { status: 'error', reason: e.message, pid: target };
        }
        throw e;
      } finally {
        sub.dispose();
      }
    });
  }));
}

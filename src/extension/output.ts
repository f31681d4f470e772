/**
 * The "HMM Lens" output channel, created on first use so activation stays cheap. The last lines are kept in memory
 * too, so tests (and "copy trace") can read what was written.
 */
import * as vscode from 'vscode';

const KEEP_LINES = 5000;
let channel: vscode.OutputChannel | undefined;
const recent: string[] = [];

export interface HmmOutput {
  appendLine(line: string): void;
  show(preserveFocus?: boolean): void;
}

export function hmmOutput(): HmmOutput {
  channel ??= vscode.window.createOutputChannel('HMM Lens', 'log');
  const ch = channel;
  return {
    appendLine(line: string) {
      ch.appendLine(line);
      recent.push(line);
      if (recent.length > KEEP_LINES) recent.splice(0, recent.length - KEEP_LINES);
    },
    show(preserveFocus?: boolean) {
      ch.show(preserveFocus);
    },
  };
}

/** The last lines written (at most 5000). */
export function recentOutput(): readonly string[] {
  return recent;
}

export function disposeOutput(): void {
  channel?.dispose();
  channel = undefined;
}

/**
 * The "HMM Lens" output channel, created on first use so activation stays cheap. The last lines are kept in memory
 * too, so tests (and "copy trace") can read what was written. The providers bundle (./providers.ts, loaded after
 * activation) has its own copy of this module: it adopts the activating bundle's state, so there is one channel.
 */
import * as vscode from 'vscode';

const KEEP_LINES = 5000;

/** The channel and the last lines: one per extension, whichever bundle writes. */
export interface OutputState {
  channel?: vscode.OutputChannel;
  readonly recent: string[];
}

let state: OutputState = { recent: [] };

export interface HmmOutput {
  appendLine(line: string): void;
  show(preserveFocus?: boolean): void;
}

export function hmmOutput(): HmmOutput {
  const s = state;
  s.channel ??= vscode.window.createOutputChannel('HMM Lens', 'log');
  const ch = s.channel;
  return {
    appendLine(line: string) {
      ch.appendLine(line);
      s.recent.push(line);
      if (s.recent.length > KEEP_LINES) s.recent.splice(0, s.recent.length - KEEP_LINES);
    },
    show(preserveFocus?: boolean) {
      ch.show(preserveFocus);
    },
  };
}

/** The last lines written (at most 5000). */
export function recentOutput(): readonly string[] {
  return state.recent;
}

/** This bundle's state, to hand to a bundle loaded later. */
export function outputState(): OutputState {
  return state;
}

/** Writes to the channel of the bundle that activated (called by the providers bundle when it is loaded). */
export function adoptOutputState(s: OutputState): void {
  state = s;
}

export function disposeOutput(): void {
  state.channel?.dispose();
  state.channel = undefined;
}

/**
 * Reporting walk results into a TestRun — for runs the Test Explorer started and for results from anywhere else
 * (CodeLens, the run commands, Run All, the walkthrough), published so the Test Explorer shows what the editor shows.
 */
import * as vscode from 'vscode';
import type { WalkStep } from '../../core/scenario/ast';
import type { WalkResult } from '../../core/scenario/result';
import type { WalkVerdict } from '../../core/oracle/judge';
import { rangeOf } from '../scenario/diagnostics';
import { expectVerdict, firstMismatch, walkSummary } from '../scenario/resultText';
import { walkTestMessages } from './testMessages';

/** What a test run reported per item id (the public API does not expose test results; tests and callers read this). */
export type TestOutcomes = Map<string, { state: 'passed' | 'failed' | 'errored' | 'skipped'; messages: vscode.TestMessage[] }>;

/** A TestRun that also records each final state. */
export function recording(run: vscode.TestRun, out: TestOutcomes): vscode.TestRun {
  const msgs = (m?: vscode.TestMessage | readonly vscode.TestMessage[]) => (m === undefined ? [] : Array.isArray(m) ? [...m] : [m as vscode.TestMessage]);
  return Object.assign(Object.create(run) as vscode.TestRun, {
    passed: (t: vscode.TestItem, d?: number) => { out.set(t.id, { state: 'passed', messages: [] }); run.passed(t, d); },
    failed: (t: vscode.TestItem, m: vscode.TestMessage | readonly vscode.TestMessage[], d?: number) => {
      out.set(t.id, { state: 'failed', messages: msgs(m) }); run.failed(t, m, d);
    },
    errored: (t: vscode.TestItem, m: vscode.TestMessage | readonly vscode.TestMessage[], d?: number) => {
      out.set(t.id, { state: 'errored', messages: msgs(m) }); run.errored(t, m, d);
    },
    skipped: (t: vscode.TestItem) => { out.set(t.id, { state: 'skipped', messages: [] }); run.skipped(t); },
    started: (t: vscode.TestItem) => run.started(t),
    appendOutput: (o: string, l?: vscode.Location, t?: vscode.TestItem) => run.appendOutput(o, l, t),
    end: () => run.end(),
  });
}

/** Walk ordinal (0-based) of a walk item (`<uri>#<ordinal>`). */
export function ordinalOf(item: vscode.TestItem): number {
  return Number(item.id.slice(item.id.lastIndexOf('#') + 1));
}

/** One walk's result: output line, then passed (no expect, or it held) or failed with grouped, decoded messages. */
export function reportWalk(run: vscode.TestRun, item: vscode.TestItem, uri: vscode.Uri, wr: WalkResult, step: WalkStep | undefined,
  lines: readonly string[] | undefined, note = ''): boolean {
  const mm = firstMismatch(wr, step);
  run.appendOutput(`${wr.name}: ${walkSummary(wr)} · ${expectVerdict(wr)}${mm ? ` — ${mm}` : ''}${note}\r\n`,
    new vscode.Location(uri, rangeOf(wr.pos)), item);
  if (!wr.expect || wr.expect.ok) {
    run.passed(item);
    return true;
  }
  run.failed(item, walkTestMessages(uri, wr, step, lines));
  return false;
}

/** One walk's real-kernel verdict: agree = passed, disagree = failed (the differing pages), else skipped. */
export function reportVerdict(run: vscode.TestRun, item: vscode.TestItem, uri: vscode.Uri, v: WalkVerdict, line: string): void {
  const loc = new vscode.Location(uri, item.range ?? new vscode.Range(0, 0, 0, 0));
  run.appendOutput(`${line}\r\n`, loc, item);
  if (v.status === 'agree') run.passed(item);
  else if (v.status === 'not-expressible') run.skipped(item);
  else {
    const lines = [line, ...(v.outcome ?? []), ...(v.pages ?? []).map((p) =>
      `page ${p.index} at 0x${p.address.toString(16)}: ${p.why}\n  simulator ${p.simDecoded}\n  kernel    ${p.kernelDecoded}`)];
    const m = new vscode.TestMessage(lines.join('\n'));
    m.location = loc;
    run.failed(item, m);
  }
}

/** TestMessages of a failed walk: the ret mismatch at `expect.ret`, each page mismatch decoded at its entry. */
import * as vscode from 'vscode';
import type { WalkStep } from '../../core/scenario/ast';
import type { WalkResult } from '../../core/scenario/result';
import { rangeOf } from '../scenario/diagnostics';
import { retText } from '../scenario/resultText';

/** TestMessages per failed walk; more than this are summarised in the last one. */
export const MAX_TEST_MESSAGES = 20;

/** The range of the `ret:` line inside the walk's expect block (the AST keeps only the block's position). */
function retRange(lines: readonly string[] | undefined, step: WalkStep | undefined): vscode.Range | undefined {
  const ex = step?.expect;
  if (!ex || !lines) return undefined;
  for (let l = ex.pos.line - 1; l < Math.min(lines.length, ex.pos.endLine); l++) {
    const m = /(^|[{,\s])ret\s*:/.exec(lines[l]);
    if (m) {
      const col = m.index + m[1].length;
      return new vscode.Range(l, col, l, lines[l].length);
    }
  }
  return undefined;
}

export function walkTestMessages(uri: vscode.Uri, w: WalkResult, step?: WalkStep, lines?: readonly string[]): vscode.TestMessage[] {
  const out: vscode.TestMessage[] = [];
  const ex = w.expect;
  if (!ex) return out;
  if (!ex.retOk) {
    const want = step?.expect?.ret;
    const m = new vscode.TestMessage(`${w.name}: expected ret ${want !== undefined ? retText(want) : '?'}, got ${retText(w.ret)}`
      + ` after ${w.attempts} call${w.attempts === 1 ? '' : 's'} of hmm_range_fault()`);
    m.location = new vscode.Location(uri, retRange(lines, step) ?? rangeOf(step?.expect?.pos ?? w.pos));
    out.push(m);
  }
  for (const mm of ex.mismatches.slice(0, MAX_TEST_MESSAGES)) {
    // a plain message (not TestMessage.diff): the editor then shows the decoded mismatch inline at the entry,
    // where a diff message would only show "actual != expected"
    const m = new vscode.TestMessage(`${mm.message}\nexpected: ${mm.expected}\nactual:   ${mm.actual} — ${mm.actualDecoded}`);
    m.location = new vscode.Location(uri, rangeOf(mm.pos));
    out.push(m);
  }
  if (ex.mismatches.length > MAX_TEST_MESSAGES) {
    const m = new vscode.TestMessage(`… and ${ex.mismatches.length - MAX_TEST_MESSAGES} more mismatching page(s): open the inspector for all`);
    m.location = new vscode.Location(uri, rangeOf(w.pos));
    out.push(m);
  }
  if (out.length === 0) out.push(new vscode.TestMessage('expectation failed'));
  return out;
}

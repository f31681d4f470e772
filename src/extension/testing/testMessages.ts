/**
 * TestMessages of a failed walk: the ret mismatch at `expect.ret`; then one message per run of consecutive pages with
 * the same difference (core/scenario/mismatchGroups), at the run's first entry, with the cause the walk trace gives
 * and the expected/actual diff view (TestMessage.diff).
 */
import * as vscode from 'vscode';
import type { WalkStep } from '../../core/scenario/ast';
import type { WalkResult } from '../../core/scenario/result';
import { groupLine, groupMismatches, pagesText, type MismatchGroup } from '../../core/scenario/mismatchGroups';
import { rangeOf } from '../scenario/diagnostics';
import { retText } from '../scenario/resultText';

/** Groups (runs of pages) reported per failed walk; the rest are summarised in one more message. */
export const MAX_GROUP_MESSAGES = 20;

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

/** The expected and actual sides of a group for the diff view: the same header, then the entries as written. */
export function groupDiff(g: MismatchGroup): { expected: string; actual: string } {
  const count = g.end - g.first;
  const head = `${pagesText(g.first, g.end)} from 0x${g.address.toString(16)}`;
  const times = count > 1 ? ` *${count}` : '';
  return {
    expected: `${head}\n${g.expected}${times}\n`,
    actual: `${head}\n${g.actual}${times}\n`,
  };
}

export function walkTestMessages(uri: vscode.Uri, w: WalkResult, step?: WalkStep, lines?: readonly string[]): vscode.TestMessage[] {
  const out: vscode.TestMessage[] = [];
  const ex = w.expect;
  if (!ex) return out;
  if (!ex.retOk) {
    const want = step?.expect?.ret;
    const calls = `${w.attempts} call${w.attempts === 1 ? '' : 's'} of hmm_range_fault()`;
    const m = vscode.TestMessage.diff(`${w.name}: expected ret ${want !== undefined ? retText(want) : '?'}, got ${retText(w.ret)}`
      + ` after ${calls}${w.attempts > 1 ? ' (the driver loop calls again after -EBUSY)' : ''}`,
      `ret ${want !== undefined ? retText(want) : '?'}\n`, `ret ${retText(w.ret)}\n`);
    m.location = new vscode.Location(uri, retRange(lines, step) ?? rangeOf(step?.expect?.pos ?? w.pos));
    out.push(m);
  }
  const { groups, unlisted, total } = groupMismatches(w);
  for (const g of groups.slice(0, MAX_GROUP_MESSAGES)) {
    const { expected, actual } = groupDiff(g);
    const m = vscode.TestMessage.diff(`${groupLine(g)}\nfirst word: ${g.actualDecoded}`, expected, actual);
    m.location = new vscode.Location(uri, rangeOf(g.mismatches[0].pos));
    out.push(m);
  }
  if (groups.length > MAX_GROUP_MESSAGES) {
    const rest = groups.slice(MAX_GROUP_MESSAGES);
    const pages = rest.reduce((n, g) => n + g.end - g.first, 0);
    const m = new vscode.TestMessage(`… and ${rest.length} more runs of mismatching pages (${pages} pages, from page ${rest[0].first}): open the inspector for all`);
    m.location = new vscode.Location(uri, rangeOf(rest[0].mismatches[0].pos));
    out.push(m);
  }
  if (unlisted > 0) {
    const m = new vscode.TestMessage(`${total} pages differ in all: ${unlisted} more after the first ${total - unlisted} listed here; open the inspector for all`);
    m.location = new vscode.Location(uri, rangeOf(w.pos));
    out.push(m);
  }
  if (out.length === 0) out.push(new vscode.TestMessage('expectation failed'));
  return out;
}

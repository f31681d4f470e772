/** Each run's walks and their traces in the "HMM Lens" output channel. */
import { formatDiagnostic } from '../../core/scenario/ast';
import type { ScenarioResult, TraceEvent, WalkResult } from '../../core/scenario/result';
import { groupLine, groupMismatches } from '../../core/scenario/mismatchGroups';
import { hmmOutput } from '../output';
import { expectVerdict, firstMismatch, walkSummary } from './resultText';

/** Trace events printed per walk; the rest is counted. */
export const MAX_TRACE_LINES = 400;
/** Runs of mismatching pages printed per failed walk. */
export const MAX_GROUP_LINES = 10;

/** `rule: why`, once when the why only repeats the rule. */
function ruleAndWhy(t: TraceEvent): string {
  const why = t.why.trim();
  if (why === '' || why === t.rule || t.rule.endsWith(why)) return t.rule;
  // a why that starts by repeating the rule ("copy-on-write …: copy-on-write …") is printed once
  if (why.startsWith(t.rule)) return why;
  if (t.rule.endsWith(`: ${why}`)) return t.rule;
  return `${t.rule}: ${why}`;
}

export function traceLine(t: TraceEvent): string {
  const pages = t.end > t.first ? (t.end - t.first === 1 ? `page ${t.first}` : `pages ${t.first}..${t.end - 1}`) : '';
  return `    #${t.attempt} ${t.fn}${pages ? ` [${pages}]` : ''} ${t.state} → ${ruleAndWhy(t)}`;
}

/** Explains `#N` when a walk made more than one pass: passes count internal re-walks and the driver's calls. */
export function passesLine(w: WalkResult): string | undefined {
  const passes = w.trace.reduce((n, t) => Math.max(n, t.attempt), 0);
  if (passes <= 1 && w.attempts <= 1) return undefined;
  const calls = `${w.attempts} call${w.attempts === 1 ? '' : 's'} of hmm_range_fault()`;
  return `    (#N = pass N over the range: ${passes} passes in ${calls}; hmm_range_fault() walks again from \`last\` after it `
    + 'faulted pages in, and the driver loop calls it again after -EBUSY)';
}

export function writeTrace(result: ScenarioResult, overrides: string, cancelled: boolean): void {
  const out = hmmOutput();
  const when = new Date().toISOString().slice(11, 19);
  out.appendLine(`[${when}] ${result.file}${result.name ? ` — ${result.name}` : ''} (kernel ${result.kernel}, layout ${result.layoutId}${overrides ? `, ${overrides}` : ''})${cancelled ? ' — cancelled' : ''}`);
  for (const d of result.diagnostics) out.appendLine(`  ${formatDiagnostic(d)}`);
  for (const w of result.walks) {
    const mm = firstMismatch(w);
    const verdict = w.expect ? (w.expect.ok ? 'expect held' : `FAILED: ${expectVerdict(w)}${mm && !w.expect.retOk ? ` (${mm})` : ''}`) : 'no expect';
    out.appendLine(`  walk "${w.name}" (line ${w.pos.line}) 0x${w.start.toString(16)}: ${walkSummary(w)} — ${verdict}`);
    const { groups } = groupMismatches(w);
    for (const g of groups.slice(0, MAX_GROUP_LINES)) out.appendLine(`    ✗ ${groupLine(g)}`);
    if (groups.length > MAX_GROUP_LINES) out.appendLine(`    ✗ … ${groups.length - MAX_GROUP_LINES} more runs of mismatching pages (open the inspector for all)`);
    const passes = passesLine(w);
    if (passes) out.appendLine(passes);
    const shown = w.trace.slice(0, MAX_TRACE_LINES);
    for (const t of shown) out.appendLine(traceLine(t));
    if (w.trace.length > shown.length) out.appendLine(`    … ${w.trace.length - shown.length} more trace events (open the inspector for all)`);
  }
}

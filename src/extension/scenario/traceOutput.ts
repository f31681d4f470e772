/** Each run's walks and their traces in the "HMM Lens" output channel. */
import { formatDiagnostic } from '../../core/scenario/ast';
import type { ScenarioResult, TraceEvent } from '../../core/scenario/result';
import { hmmOutput } from '../output';
import { firstMismatch, walkSummary } from './resultText';

/** Trace events printed per walk; the rest is counted. */
export const MAX_TRACE_LINES = 400;

export function traceLine(t: TraceEvent): string {
  const pages = t.end > t.first ? (t.end - t.first === 1 ? `page ${t.first}` : `pages ${t.first}..${t.end - 1}`) : '';
  return `    #${t.attempt} ${t.fn}${pages ? ` [${pages}]` : ''} ${t.state} → ${t.rule}: ${t.why}`;
}

export function writeTrace(result: ScenarioResult, overrides: string, cancelled: boolean): void {
  const out = hmmOutput();
  const when = new Date().toISOString().slice(11, 19);
  out.appendLine(`[${when}] ${result.file}${result.name ? ` — ${result.name}` : ''} (kernel ${result.kernel}, layout ${result.layoutId}${overrides ? `, ${overrides}` : ''})${cancelled ? ' — cancelled' : ''}`);
  for (const d of result.diagnostics) out.appendLine(`  ${formatDiagnostic(d)}`);
  for (const w of result.walks) {
    const mm = firstMismatch(w);
    const verdict = w.expect ? (w.expect.ok ? 'expect ok' : `FAILED: ${mm}`) : 'no expect';
    out.appendLine(`  walk "${w.name}" (line ${w.pos.line}) 0x${w.start.toString(16)}: ${walkSummary(w)} — ${verdict}`);
    const shown = w.trace.slice(0, MAX_TRACE_LINES);
    for (const t of shown) out.appendLine(traceLine(t));
    if (w.trace.length > shown.length) out.appendLine(`    … ${w.trace.length - shown.length} more trace events (open the inspector for all)`);
  }
}

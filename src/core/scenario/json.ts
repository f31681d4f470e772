/**
 * resultToJson: the `hmm-lens run --json` document (scenario format page, "The command line"):
 *   {"files":[{"file","name","kernel","layout","diagnostics":[…],"walks":[{"name","line","col","start","pages",
 *    "pageSize","ret","attempts","stale","pfns":["0x…"],"decoded":[…],"expect":{"ok","retOk","mismatches":[…]}|null}]}]}
 * u64 values are hex strings. The output depends only on the results: byte-identical on every run.
 */
import { decodePfn, getLayout, type PfnLayout } from '../layouts';
import type { ScenarioDiagnostic } from './ast';
import type { ScenarioResult, TraceEvent, WalkResult } from './result';

export interface JsonOptions {
  /** the layout of a file's walks when it is not built in (custom legacy tables); default: getLayout(layoutId) */
  readonly layoutFor?: (file: string, layoutId: string) => PfnLayout | undefined;
  /** include each walk's trace events */
  readonly trace?: boolean;
  /** indent (default: compact, one line) */
  readonly indent?: number;
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function diagJson(d: ScenarioDiagnostic): object {
  return { severity: d.severity, line: d.pos.line, col: d.pos.col, endLine: d.pos.endLine, endCol: d.pos.endCol, message: d.message };
}

function traceJson(t: TraceEvent): object {
  return { attempt: t.attempt, fn: t.fn, first: t.first, end: t.end, state: t.state, rule: t.rule, why: t.why, kind: t.kind };
}

function walkJson(w: WalkResult, layout: PfnLayout | undefined, opts: JsonOptions): object {
  const pfns: string[] = new Array(w.pfns.length);
  const decoded: object[] = layout ? new Array(w.pfns.length) : [];
  for (let i = 0; i < w.pfns.length; i++) {
    pfns[i] = hex(w.pfns[i]);
    if (layout) {
      const d = decodePfn(w.pfns[i], layout, w.pageSize);
      decoded[i] = d.value !== undefined
        ? { value: d.value, flags: [], pfn: hex(0n), order: 0 }
        : { flags: [...d.flags], pfn: hex(d.pfn), order: d.order };
    }
  }
  const expect = w.expect ? {
    ok: w.expect.ok,
    retOk: w.expect.retOk,
    mismatches: w.expect.mismatches.map((m) => ({ index: m.index, address: hex(m.address), expected: m.expected,
      actual: m.actual, actualDecoded: m.actualDecoded, line: m.pos.line, col: m.pos.col, message: m.message })),
  } : null;
  return {
    name: w.name, line: w.pos.line, col: w.pos.col, start: hex(w.start), pages: w.pages, pageSize: w.pageSize,
    layout: w.layoutId, ret: w.ret, attempts: w.attempts, stale: w.stale === true, pfns, decoded, expect,
    ...(opts.trace ? { trace: w.trace.map(traceJson) } : {}),
  };
}

/** The plain JSON value (no bigint) of the document. */
export function resultToJsonValue(results: readonly ScenarioResult[], opts: JsonOptions = {}): { files: object[] } {
  const layoutFor = opts.layoutFor ?? ((_f: string, id: string) => getLayout(id));
  return {
    files: results.map((r) => ({
      file: r.file,
      ...(r.name !== undefined ? { name: r.name } : {}),
      kernel: r.kernel,
      layout: r.layoutId,
      diagnostics: r.diagnostics.map(diagJson),
      walks: r.walks.map((w) => walkJson(w, layoutFor(r.file, w.layoutId), opts)),
    })),
  };
}

/** The `--json` document as text (ends with a newline). */
export function resultToJson(results: readonly ScenarioResult[], opts: JsonOptions = {}): string {
  return `${JSON.stringify(resultToJsonValue(results, opts), null, opts.indent)}\n`;
}

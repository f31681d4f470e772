/**
 * The properties every fuzz target checks: the only allowed outcomes are a result or positioned diagnostics.
 * Each check throws a FuzzFailure (with a one-line reason) when an outcome is not allowed.
 */
import type { ScenarioDiagnostic } from '../../src/core/scenario/ast';

export class FuzzFailure extends Error {}

export function fail(msg: string): never {
  throw new FuzzFailure(msg);
}

/** Line lengths of `text` under two line-break conventions: `\n` only, and YAML's `\r\n`/`\r`/`\n`. */
function lineTables(text: string): number[][] {
  return [text.split('\n').map((l) => l.length), text.split(/\r\n|\r|\n/).map((l) => l.length)];
}

/** True when (line, col) is a position in `text` (1-based; col may point just past a line's last character). */
export function within(text: string, line: number, col: number, tables = lineTables(text)): boolean {
  if (!Number.isInteger(line) || !Number.isInteger(col) || line < 1 || col < 1) return false;
  return tables.some((t) => line <= t.length && col <= t[line - 1] + 1);
}

/** Every diagnostic names the file, has a position inside the text, a severity and a message; none is a crash. */
export function checkDiagnostics(ds: readonly ScenarioDiagnostic[], text: string, file: string, where: string,
  stats?: Record<string, number>): void {
  if (!Array.isArray(ds)) fail(`${where}: diagnostics is not an array`);
  const tables = lineTables(text);
  for (const d of ds) {
    const p = d.pos;
    if (d.file !== file) fail(`${where}: diagnostic names file "${d.file}", expected "${file}"`);
    if (d.severity !== 'error' && d.severity !== 'warning') fail(`${where}: bad severity ${String(d.severity)}`);
    if (typeof d.message !== 'string' || d.message.trim() === '') fail(`${where}: empty message`);
    if (/internal error|is not a function|cannot read propert|undefined is not|maximum call stack|\[object Object\]/i.test(d.message) || /\bNaN\b/.test(d.message)) {
      if (tolerated('crashmsg') && stats) {
        stats[`TOLERATED crash message: ${d.message.slice(0, 60)}`] = (stats[`TOLERATED crash message: ${d.message.slice(0, 60)}`] ?? 0) + 1;
        continue;
      }
      fail(`${where}: crash reported as a diagnostic: ${d.message}`);
    }
    if (!p || !within(text, p.line, p.col, tables)) {
      if (p && tolerated('positions') && stats) {
        stats['TOLERATED start outside the text'] = (stats['TOLERATED start outside the text'] ?? 0) + 1;
        continue;
      }
      fail(`${where}: diagnostic at ${p?.line}:${p?.col} is outside the text (${tables[0].length} lines): ${d.message}`);
    }
    if (!Number.isInteger(p.endLine) || !Number.isInteger(p.endCol) || p.endLine < p.line || (p.endLine === p.line && p.endCol < p.col)) {
      fail(`${where}: diagnostic range ${p.line}:${p.col}-${p.endLine}:${p.endCol} ends before it starts: ${d.message}`);
    }
    // an end just past the text (the YAML library's ranges at end of input) is harmless in an editor: count it only
    if (!within(text, p.endLine, p.endCol, tables) && stats) stats['range end past the text'] = (stats['range end past the text'] ?? 0) + 1;
  }
}

/**
 * Known failure kinds to count instead of fail while their fix is pending, to keep looking for other bugs:
 * FUZZ_TOLERATE=positions npm run fuzz. Never set in CI.
 */
export function tolerated(kind: string): boolean {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FUZZ_TOLERATE?.split(',').includes(kind) ?? false;
}

/** Call `f`; any exception is a failure naming what threw. */
export function noThrow<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof FuzzFailure) throw e;
    const msg = e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}` : String(e);
    return fail(`${what} threw ${msg}`);
  }
}

let slowStats: Record<string, number> | undefined;
/** Where inTime counts tolerated slow cases (set by the harness per target). */
export function setSlowStats(stats: Record<string, number>): void {
  slowStats = stats;
}

/** Time `f`; a case slower than `maxMs` is a failure (a hang in the making: runaway page counts, quadratic loops). */
export function inTime<T>(what: string, maxMs: number, f: () => T): T {
  const t0 = performance.now();
  const r = f();
  const ms = performance.now() - t0;
  if (ms > maxMs) {
    const stats = slowStats;
    if (tolerated('slow') && stats) stats[`TOLERATED slow ${what}`] = (stats[`TOLERATED slow ${what}`] ?? 0) + 1;
    else fail(`${what} took ${ms.toFixed(0)} ms (> ${maxMs} ms)`);
  }
  return r;
}

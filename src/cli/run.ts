/** `hmm-lens run FILE... [--json] [--kernel ID] [--mode M] [--device NAME] [--trace] [--max-pages N]` */
import { formatDiagnostic, type Scenario, type ScenarioDiagnostic, type WalkMode, type WalkStep } from '../core/scenario/ast';
import { resultToJson } from '../core/scenario/json';
import { DEFAULT_LIMITS } from '../core/scenario/limits';
import { parseScenario, walksOf } from '../core/scenario/parse';
import type { ScenarioResult, WalkResult } from '../core/scenario/result';
import { errnoName } from '../core/scenario/parse-walk';
import { getLayout, resolveLayout, type PfnLayout } from '../core/layouts';
import { optFlag, optString, UsageError, type ParsedArgs } from './args';
import { expandFiles } from './files';
import type { CliIo } from './io';

/** The options of the core runner (src/core/scenario/run.ts) the CLI uses. */
export interface CliRunOptions {
  mode?: WalkMode;
  kernel?: string;
  device?: string;
  maxPages?: number;
}
export type Runner = (s: Scenario, opts: CliRunOptions) => ScenarioResult;

const MODES: readonly WalkMode[] = ['snapshot', 'fault', 'fault_write'];

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function readText(io: CliIo, file: string, maxBytes: number): { text?: string; problem?: string } {
  const size = io.stat(file);
  if (size === undefined) return { problem: 'no such file' };
  if (size === 'dir') return { problem: 'is a directory' };
  if (size > maxBytes) return { problem: `the file is ${size} bytes; the limit is ${maxBytes} bytes (4 MiB); split the scenario into several files` };
  try {
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(io.readFile(file)) };
  } catch (e) {
    return { problem: `cannot read the file (${e instanceof Error ? e.message : String(e)})` };
  }
}

const START = { line: 1, col: 1, endLine: 1, endCol: 1 };

function walkLine(w: WalkResult, step: WalkStep | undefined): string {
  const facts = `${w.pages === 1 ? '1 page' : `${w.pages} pages`} · ${plural(w.attempts, 'attempt')}${w.stale ? ' · stale (the range was invalidated while the call ran; a driver following hmm.rst would retry)' : ''}`;
  if (!w.expect) return `· ${w.name}: ret ${errnoName(w.ret)} · ${facts} (no expect)`;
  if (w.expect.ok) return `✓ ${w.name}: ret ${errnoName(w.ret)} · ${facts}`;
  const ret = w.expect.retOk ? `ret ${errnoName(w.ret)}`
    : `ret ${errnoName(w.ret)}, expected ${step?.expect?.ret !== undefined ? errnoName(step.expect.ret) : '?'}`;
  const bad = w.expect.mismatches.length > 0 ? ` · ${plural(w.expect.mismatches.length, 'page')} mismatch` : '';
  return `✗ ${w.name}: ${ret} · ${facts}${bad}`;
}

export function runCommand(args: ParsedArgs, io: CliIo, runner: Runner): number {
  if (args.positional.length === 0) throw new UsageError('run needs at least one FILE or directory (e.g. hmm-lens run examples/)');
  const mode = optString(args, 'mode');
  if (mode !== undefined && !(MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`unknown --mode "${mode}"; expected ${MODES.join(', ')}`);
  }
  const kernel = optString(args, 'kernel');
  if (kernel !== undefined) {
    const r = resolveLayout(kernel);
    const errs = r.problems.filter((p) => p.severity === 'error');
    if (errs.length > 0) throw new UsageError(`--kernel: ${errs.map((p) => p.message).join('; ')}`);
  }
  const device = optString(args, 'device');
  const mp = optString(args, 'max-pages');
  let maxPages = DEFAULT_LIMITS.maxWalkPages;
  if (mp !== undefined) {
    const n = Number(mp);
    if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--max-pages must be a whole number ≥ 1, got "${mp}"`);
    maxPages = n;
  }
  const json = optFlag(args, 'json');
  const trace = optFlag(args, 'trace');

  const { files, problems } = expandFiles(io, args.positional);
  for (const p of problems) io.err(`hmm-lens: error: ${p}\n`);
  let invalid = problems.length > 0;
  let failed = false;
  let walksRun = 0;
  let walksFailed = 0;
  const results: ScenarioResult[] = [];
  const layouts = new Map<string, PfnLayout>();

  for (const file of files) {
    const read = readText(io, file, DEFAULT_LIMITS.maxFileBytes);
    let diags: ScenarioDiagnostic[];
    let scenario: Scenario | undefined;
    if (read.problem !== undefined) {
      diags = [{ file, pos: START, severity: 'error', message: read.problem }];
    } else {
      const parsed = parseScenario(read.text ?? '', file, { limits: { maxWalkPages: maxPages } });
      diags = parsed.diagnostics;
      scenario = parsed.scenario;
    }
    if (scenario && device !== undefined && !scenario.devices.includes(device)) {
      diags = [...diags, { file, pos: START, severity: 'error',
        message: `--device ${device} is not declared in this file; devices: ${scenario.devices.join(', ') || '(none)'}` }];
      scenario = undefined;
    }
    for (const d of diags) io.err(`${formatDiagnostic(d)}\n`);
    if (!scenario) {
      invalid = true;
      results.push({ file, kernel: kernel ?? '', layoutId: '', walks: [], diagnostics: diags });
      continue;
    }
    let result: ScenarioResult;
    try {
      result = runner(scenario, { ...(mode ? { mode: mode as WalkMode } : {}), ...(kernel ? { kernel } : {}),
        ...(device ? { device } : {}), maxPages });
    } catch (e) {
      const d: ScenarioDiagnostic = { file, pos: START, severity: 'error',
        message: `internal error while running the scenario: ${e instanceof Error ? e.message : String(e)}` };
      io.err(`${formatDiagnostic(d)}\n`);
      invalid = true;
      results.push({ file, kernel: kernel ?? scenario.kernel, layoutId: '', walks: [], diagnostics: [...diags, d] });
      continue;
    }
    const resolved = resolveLayout(kernel ?? scenario.kernel, scenario.legacy).layout;
    const layout = resolved && resolved.id === result.layoutId ? resolved : getLayout(result.layoutId);
    if (layout) layouts.set(file, layout);
    for (const d of result.diagnostics) io.err(`${formatDiagnostic(d)}\n`);
    if (result.diagnostics.some((d) => d.severity === 'error')) invalid = true;
    results.push({ ...result, diagnostics: [...diags, ...result.diagnostics] });
    const steps = walksOf(scenario);
    if (!json) io.out(`${file}${scenario.name ? ` — ${scenario.name}` : ''} [kernel ${kernel ?? scenario.kernel}, layout ${result.layoutId}]\n`);
    for (const w of result.walks) {
      walksRun++;
      const step = steps.find((s) => s.pos.line === w.pos.line && s.pos.col === w.pos.col);
      if (w.expect && !w.expect.ok) { failed = true; walksFailed++; }
      if (json) continue;
      io.out(`  ${walkLine(w, step)}\n`);
      if (w.expect && !w.expect.retOk) {
        io.out(`    ${file}:${step?.expect?.pos.line ?? w.pos.line}:${step?.expect?.pos.col ?? w.pos.col}: ret ${errnoName(w.ret)} after ${plural(w.attempts, 'hmm_range_fault() call')}, expected ${step?.expect?.ret !== undefined ? errnoName(step.expect.ret) : '?'}\n`);
      }
      for (const m of w.expect?.mismatches ?? []) {
        io.out(`    ${file}:${m.pos.line}:${m.pos.col}: ${m.message}\n`);
      }
      if (trace) {
        for (const t of w.trace) {
          const pages = t.end > t.first ? ` pages ${t.first}${t.end - t.first > 1 ? `-${t.end - 1}` : ''}` : '';
          io.out(`      [${t.attempt}] ${t.fn}${pages} ${t.state} → ${t.rule}: ${t.why}\n`);
        }
      }
    }
  }
  if (json) {
    io.out(resultToJson(results, { trace, layoutFor: (f) => layouts.get(f) }));
  } else {
    const invalidFiles = results.filter((r) => r.diagnostics.some((d) => d.severity === 'error')).length;
    io.out(`\n${plural(files.length, 'file')} · ${plural(walksRun, 'walk')} · ${walksRun - walksFailed} passed · ${walksFailed} failed`
      + `${invalidFiles > 0 || problems.length > 0 ? ` · ${plural(invalidFiles + problems.length, 'invalid file')}` : ''}\n`);
  }
  return invalid ? 2 : failed ? 1 : 0;
}

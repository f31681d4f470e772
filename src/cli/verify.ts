/** `hmm-lens verify FILE|DIR... --on KERNEL [--json] [--selftest]`: the simulator against a real kernel. */
import { formatDiagnostic, type ScenarioDiagnostic } from '../core/scenario/ast';
import { tally, summaryLine, verdictsToJson, verdictText } from '../core/oracle/judge';
import { isTargetId, TARGET_IDS } from '../core/oracle/targets';
import { DEFAULT_LIMITS } from '../core/scenario/limits';
import { parseScenario } from '../core/scenario/parse';
import { runScenario } from '../core/scenario/run';
import { OracleError } from '../oracle/run';
import { verifyScenarios, type ScenarioInput } from '../oracle/verify';
import { optFlag, optString, UsageError, type ParsedArgs } from './args';
import { expandFiles } from './files';
import type { CliIo } from './io';

const START = { line: 1, col: 1, endLine: 1, endCol: 1 };

export async function verifyCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  const on = optString(args, 'on');
  if (!on) throw new UsageError(`verify needs --on KERNEL: ${TARGET_IDS.join(', ')}`);
  if (!isTargetId(on)) throw new UsageError(`unknown kernel "${on}" for --on; expected ${TARGET_IDS.join(', ')}`);
  if (args.positional.length === 0) throw new UsageError('verify needs at least one FILE or directory (e.g. hmm-lens verify examples/ --on debian-6.1)');
  const json = optFlag(args, 'json');
  const words = optFlag(args, 'words');
  if (words && !json) throw new UsageError('--words adds the words to the JSON document: use it with --json');
  const selftest = optFlag(args, 'selftest');
  const { files, problems } = expandFiles(io, args.positional);
  for (const p of problems) io.err(`hmm-lens: error: ${p}\n`);
  let invalid = problems.length > 0;
  const inputs: ScenarioInput[] = [];
  for (const file of files) {
    let diags: ScenarioDiagnostic[];
    const size = io.stat(file);
    if (typeof size === 'number' && size > DEFAULT_LIMITS.maxFileBytes) {
      diags = [{ file, pos: START, severity: 'error', message: `the file is ${size} bytes; the limit is ${DEFAULT_LIMITS.maxFileBytes} bytes` }];
    } else {
      const parsed = parseScenario(new TextDecoder().decode(io.readFile(file)), file);
      diags = parsed.diagnostics;
      if (parsed.scenario && !diags.some((d) => d.severity === 'error')) {
        inputs.push({ file, scenario: parsed.scenario });
        // as `run` does: a step the simulator refuses at the file's own kernel makes the file invalid (its walks are
        // still verified; the kernel's release may well accept the step)
        diags = [...diags, ...runScenario(parsed.scenario).diagnostics];
      }
    }
    for (const d of diags) if (d.severity === 'error') io.err(`${formatDiagnostic(d)}\n`);
    if (diags.some((d) => d.severity === 'error')) invalid = true;
  }
  let run;
  try {
    run = await verifyScenarios(inputs, on, { log: (m) => io.err(`hmm-lens: ${m}\n`), selftest });
  } catch (e) {
    if (e instanceof OracleError) {
      io.err(`hmm-lens: error: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
  const t = tally(run.verdicts);
  if (json) {
    io.out(`${JSON.stringify(verdictsToJson(run.verdicts, words, {
      kernel: { on, release: run.kernelRelease, simulatedAs: run.target.release },
      checks: run.checks, ...(run.selftest ? { selftest: run.selftest } : {}), problems: run.problems, timings: run.timings,
    }), null, 2)}\n`);
  } else {
    io.out(`Verifying on ${run.target.title}: ${run.kernelRelease}, simulated as ${run.target.release}\n\n`);
    for (const v of run.verdicts) io.out(`${verdictText(v).join('\n')}\n`);
    if (run.selftest) {
      const n = (s: string) => run.selftest!.filter((c) => c.status === s).length;
      io.out(`\nhmm-tests (the kernel's own selftest): ${n('pass')} pass · ${n('fail')} fail · ${n('skip')} skip\n`);
      for (const c of run.selftest) if (c.status !== 'pass') io.out(`  ${c.status.toUpperCase()} ${c.name}${c.detail ? `: ${c.detail}` : ''}\n`);
    }
    for (const p of run.problems) io.out(`\nPROBLEM ${p}\n`);
    io.out(`\n${summaryLine(t)}\n`);
  }
  if (run.problems.length > 0 || (run.selftest?.some((c) => c.status === 'fail') ?? false)) return 3;
  if (invalid) return 2;
  return t.disagree > 0 ? 1 : 0;
}

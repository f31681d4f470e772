/**
 * `hmm-lens verify` and the editor's "Verify on a real kernel": lower every scenario for a kernel, run the programs
 * there (one VM boot for all of them, or the host's probe device), and judge every walk against the simulator.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { judgeScenario, type ScenarioVerdict } from '../core/oracle/judge';
import { lowerScenario, type Lowering } from '../core/oracle/lower';
import { ConsoleReader, emptyReport, kernelProblems, type ConsoleReport, type ProbeCheck } from '../core/oracle/output';
import { programText } from '../core/oracle/program';
import { hostTarget, VM_TARGETS, type KernelTarget, type KernelTargetId } from '../core/oracle/targets';
import type { Scenario } from '../core/scenario/ast';
import { buildExecutor, buildProbe } from './artifacts';
import { prepareKernel } from './kernels';
import { OracleError, runCommand } from './run';
import { runVm } from './vm';

export interface ScenarioInput {
  readonly file: string;
  readonly scenario: Scenario;
}

export interface VerifyOptions {
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
  /** devpriv-6.1: also run the kernel's own hmm-tests selftest */
  readonly selftest?: boolean;
  readonly onConsole?: (line: string) => void;
  readonly timeoutMs?: number;
}

export interface SelftestCase {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail: string;
}

export interface VerifyRun {
  readonly target: KernelTarget;
  /** `uname -r` of the kernel that ran */
  readonly kernelRelease: string;
  readonly verdicts: ScenarioVerdict[];
  readonly checks: readonly ProbeCheck[];
  readonly selftest?: readonly SelftestCase[];
  /** what makes the run itself fail: kernel log errors, failed probe checks, a module that did not unload … */
  readonly problems: readonly string[];
  readonly timings: { readonly prepareSeconds: number; readonly bootSeconds?: number; readonly runSeconds: number;
    /** the programs' own time (VM: from `@hmm ready` to the last program's end) */
    readonly programSeconds?: number;
    readonly walks: number; readonly pages: number };
}

export const HOST_DEVICE = '/dev/hmm_probe';

/**
 * Test results of a kselftest harness's TAP output: `ok 3 hmm.x.y`, `ok 4 hmm.x.z # SKIP why`, `not ok …`. The 6.1
 * harness reports a skip in a fixture's setup on a line of its own (`#      SKIP      why`) and then a plain `ok N
 * name`, counting it as a pass: such a test is a skip here (a skip is not a pass).
 */
export function parseSelftest(lines: readonly string[]): SelftestCase[] {
  const out: SelftestCase[] = [];
  let skipped: string | undefined;
  for (const raw of lines) {
    const l = raw.trim();
    if (/^#\s+RUN\s/.test(l)) { skipped = undefined; continue; }
    const s = /^#\s+SKIP\s+(.*)$/.exec(l);
    if (s) { skipped = s[1].trim(); continue; }
    const m = /^(not ok|ok) \d+ (\S+)(?:\s*#\s*(SKIP|skip)\b\s*(.*))?/.exec(l);
    if (!m) continue;
    const skip = m[3] !== undefined || skipped !== undefined;
    out.push({ name: m[2], status: skip ? 'skip' : m[1] === 'ok' ? 'pass' : 'fail', detail: m[4] ?? skipped ?? '' });
    skipped = undefined;
  }
  return out;
}

function programName(i: number, file: string): string {
  return `${String(i).padStart(3, '0')}-${basename(file).replace(/\.hmm\.(ya?ml|json)$/, '').replace(/[^A-Za-z0-9._-]/g, '_')}`;
}

interface Planned {
  readonly lowering: Lowering;
  readonly name: string;
  readonly lineOp: readonly number[];
  readonly text: string;
}

function plan(inputs: readonly ScenarioInput[], target: KernelTarget): Planned[] {
  return inputs.map((inp, i) => {
    const lowering = lowerScenario(inp.scenario, target);
    const name = programName(i, inp.file);
    const p = programText(name, lowering.ops);
    return { lowering, name, lineOp: p.lineOp, text: p.text };
  });
}

function judgeAll(planned: readonly Planned[], report: ConsoleReport): ScenarioVerdict[] {
  return planned.map((p) => judgeScenario(p.lowering, report.programs.get(p.name), p.lineOp));
}

function runProblems(report: ConsoleReport, kernel: string): string[] {
  const problems: string[] = [];
  for (const l of kernelProblems(report.dmesg ?? [])) problems.push(`${kernel}: kernel log: ${l.trim()}`);
  if (!report.checksDone) problems.push(`${kernel}: the probe's argument checks did not finish`);
  for (const c of report.checks.filter((x) => !x.ok)) problems.push(`${kernel}: probe check ${c.name} failed: ${c.detail}`);
  if (report.rmmod === 'failed') problems.push(`${kernel}: the probe module did not unload (rmmod hmm_probe failed)`);
  for (const m of report.malformed.slice(0, 5)) problems.push(`${kernel}: unreadable console line: ${m.slice(0, 200)}`);
  return problems;
}

function counts(planned: readonly Planned[]): { walks: number; pages: number } {
  let walks = 0; let pages = 0;
  for (const p of planned) for (const w of p.lowering.walks) if (w.expressible) { walks++; pages += w.sim?.pages ?? 0; }
  return { walks, pages };
}

/** Prepares a VM kernel and what runs in it (the kernel, the executor, the probe built for it), without booting. */
export async function prepareVm(id: Exclude<KernelTargetId, 'host'>, o: Pick<VerifyOptions, 'log' | 'signal'>): Promise<void> {
  const kernel = await prepareKernel(id, o);
  await buildExecutor(o.log, o.signal);
  await buildProbe(kernel, o.log, o.signal);
}

async function verifyInVm(inputs: readonly ScenarioInput[], id: Exclude<KernelTargetId, 'host'>, o: VerifyOptions): Promise<VerifyRun> {
  const target = VM_TARGETS[id];
  const t0 = Date.now();
  const kernel = await prepareKernel(id, o);
  const executor = await buildExecutor(o.log, o.signal);
  const probe = await buildProbe(kernel, o.log, o.signal);
  const prepareSeconds = (Date.now() - t0) / 1000;
  const planned = plan(inputs, target);
  const programs = planned.filter((p) => !p.lowering.empty).map((p) => ({ name: p.name, text: p.text }));
  if (programs.length === 0 && !o.selftest) {
    // nothing is expressible on this kernel: no boot
    o.log(`${id}: no walk is expressible on this kernel; the VM is not started`);
    return { target, kernelRelease: kernel.release, verdicts: judgeAll(planned, emptyReport()), checks: [], problems: [],
      timings: { prepareSeconds, runSeconds: 0, ...counts(planned) } };
  }
  const vm = await runVm(kernel, probe, executor, programs, { ...o, selftest: o.selftest === true });
  const report = vm.report;
  const selftest = report.selftest ? parseSelftest(report.selftest) : undefined;
  const problems = runProblems(report, id);
  if (o.selftest && kernel.hmmTests && !report.selftestDone) problems.push(`${id}: the hmm-tests selftest did not finish`);
  return {
    target, kernelRelease: report.ready?.release ?? kernel.release, verdicts: judgeAll(planned, report), checks: report.checks,
    ...(selftest ? { selftest } : {}), problems,
    timings: { prepareSeconds, bootSeconds: vm.bootSeconds, runSeconds: vm.seconds, programSeconds: vm.programSeconds, ...counts(planned) },
  };
}

/** Verifies on the running machine's kernel through its loaded probe module (`--on host`). */
async function verifyOnHost(inputs: readonly ScenarioInput[], o: VerifyOptions): Promise<VerifyRun> {
  if (!existsSync(HOST_DEVICE)) {
    throw new OracleError(`${HOST_DEVICE} does not exist: the probe module is not loaded on this machine. Build it against your running kernel and load it:\n  make -C kernel/probe && sudo insmod kernel/probe/hmm_probe.ko\n(kernel/README.md has the details; the kernel needs CONFIG_HMM_MIRROR, and CONFIG_DEVICE_PRIVATE for device-private scenarios)`);
  }
  const t0 = Date.now();
  const executor = await buildExecutor(o.log, o.signal);
  const infoRun = await runCommand(executor, ['--info'], { signal: o.signal });
  const reader = new ConsoleReader();
  reader.feed(infoRun.stdout);
  const info = reader.end().info;
  if (infoRun.code !== 0 || !info?.release) {
    throw new OracleError(`the probe on this machine did not answer (hmm-exec --info exited with ${infoRun.code}): ${infoRun.stderr.trim() || infoRun.stdout.trim()}`);
  }
  const target = hostTarget(info.release, (Number(info.features) & 1) !== 0);
  if ('error' in target) throw new OracleError(target.error);
  const prepareSeconds = (Date.now() - t0) / 1000;
  const planned = plan(inputs, target);
  const work = mkdtempSync(join(tmpdir(), 'hmm-lens-host-'));
  const all = new ConsoleReader();
  const t1 = Date.now();
  try {
    const checks = await runCommand(executor, ['--probe-checks'], { signal: o.signal });
    all.feed(checks.stdout);
    for (const p of planned) {
      if (p.lowering.empty) continue;
      const f = join(work, `${p.name}.prog`);
      writeFileSync(f, p.text);
      o.log(`host: running ${p.lowering.file}`);
      const r = await runCommand(executor, ['--timeout', '120', f], { signal: o.signal, keep: 64 << 20 });
      all.feed(r.stdout);
      if (r.code !== 0 && !all.report.programs.get(p.name)?.end) {
        o.log(`host: hmm-exec exited with ${r.code ?? r.signal} on ${p.lowering.file}: ${r.stderr.trim().slice(-500)}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const report = all.end();
  const problems = runProblems({ ...report, rmmod: undefined, dmesg: [] }, 'host');
  return { target, kernelRelease: info.release, verdicts: judgeAll(planned, report), checks: report.checks, problems,
    timings: { prepareSeconds, runSeconds: (Date.now() - t1) / 1000, programSeconds: (Date.now() - t1) / 1000, ...counts(planned) } };
}

export async function verifyScenarios(inputs: readonly ScenarioInput[], id: KernelTargetId, o: VerifyOptions): Promise<VerifyRun> {
  return id === 'host' ? verifyOnHost(inputs, o) : verifyInVm(inputs, id, o);
}

/**
 * The verdict on a scenario: each walk agrees with the real kernel, disagrees (with the first differing pages), or is
 * not expressible on that kernel (with the reason). Pure: the kernel's side arrives as parsed console output
 * (./output.ts); the Node side (src/oracle/) runs the VM.
 */
import { decodePfn, formatDecoded } from '../layouts';
import type { PfnLayout } from '../layouts/types';
import type { WalkResult } from '../scenario/result';
import { compareWalk, kernelPfnClass, PageIdentity, type PageDifference } from './compare';
import { freesPages, simSide, type Lowering } from './lower';
import type { KernelWalk, ProgramRun } from './output';
import { opLines } from './program';
import type { KernelTargetId } from './targets';

export type WalkStatus = 'agree' | 'disagree' | 'not-expressible';

export interface PageDiffView extends PageDifference {
  readonly address: bigint;
  readonly simDecoded: string;
  readonly kernelDecoded: string;
}

export interface WalkVerdict {
  readonly index: number;
  readonly name: string;
  readonly line: number;
  readonly status: WalkStatus;
  /** not expressible: why; disagree: the outcome differences, or why there is no kernel result */
  readonly reason?: string;
  readonly outcome?: readonly string[];
  readonly pages?: readonly PageDiffView[];
  readonly differing?: number;
  /** every differing page index (capped), for the inspector */
  readonly indices?: readonly number[];
  readonly start?: bigint;
  /** both sides, for the inspector's compare view */
  readonly sim?: WalkResult;
  readonly kernel?: KernelWalk;
}

export interface ScenarioVerdict {
  readonly file: string;
  readonly target: KernelTargetId;
  /** the simulator's kernel id the scenario ran as (`v6.1`) */
  readonly release: string;
  readonly walks: readonly WalkVerdict[];
  readonly layoutId?: string;
}

function decoded(w: bigint, layout: PfnLayout): string {
  return formatDecoded(decodePfn(w, layout));
}

/** Judges one lowered scenario against what its program printed (`run` undefined: the program printed nothing). */
export function judgeScenario(l: Lowering, run: ProgramRun | undefined, programLineOp: readonly number[]): ScenarioVerdict {
  const base = { file: l.file, target: l.target.id, release: l.target.release, ...(l.layout ? { layoutId: l.layout.id } : {}) };
  const verdicts: WalkVerdict[] = [];
  // where the kernel refused an operation: every walk from there on has no kernel result
  let failedAt = Infinity;
  let failure = '';
  if (run?.fail) {
    const opIndex = programLineOp[run.fail.line - 1] ?? -1;
    failedAt = opIndex < 0 ? 0 : opIndex;
    const op = l.ops[opIndex];
    const step = op ? l.steps[l.opStep[opIndex]] : undefined;
    failure = `the kernel refused ${op ? `\`${opLines(op)[0]}\`` : `program line ${run.fail.line}`}`
      + `${step ? ` (the ${step.op} at line ${step.pos.line})` : ''}: ${run.fail.errno}${run.fail.text ? ` ${run.fail.text}` : ''}; the simulator accepts it`;
  } else if (!run) {
    failure = 'the executor printed nothing for this scenario';
  } else if (!run.end) {
    failure = 'the executor stopped before the end of the program (see the console tail)';
  }
  const identity = new PageIdentity();
  const opOfWalk = new Map<number, number>();
  l.ops.forEach((o, i) => { if (o.op === 'walk') opOfWalk.set(o.id, i); });
  let nextOp = 0;
  const layout = l.layout;
  for (const w of l.walks) {
    if (!w.expressible || !w.sim || !layout) {
      verdicts.push({ index: w.index, name: w.name, line: w.pos.line, status: 'not-expressible', reason: w.reason });
      continue;
    }
    const opIndex = opOfWalk.get(w.index)!;
    for (; nextOp < opIndex; nextOp++) if (freesPages(l.ops[nextOp])) identity.freed();
    nextOp = opIndex + 1;
    const kw = run?.walks.get(w.index);
    const common = { index: w.index, name: w.name, line: w.pos.line, sim: w.sim, start: w.sim.start };
    if (!kw || opIndex >= failedAt) {
      verdicts.push({ ...common, status: 'disagree', reason: failure || 'the kernel printed no result for this walk' });
      continue;
    }
    if (!kw.complete) {
      verdicts.push({ ...common, kernel: kw, status: 'disagree', reason: 'the kernel\'s output for this walk is incomplete (the console lost lines)' });
      continue;
    }
    const ps = BigInt(l.pageSize);
    const c = compareWalk(simSide(w.sim, l.pageSize / 8), { ret: kw.ret, calls: kw.calls, stale: kw.stale, words: kw.words,
      classOf: (i) => kernelPfnClass(kw.facts[i]) }, layout, w.sim.start / ps, identity, w.index);
    const pages = c.pages.map((p) => ({ ...p, address: w.sim!.start + BigInt(p.index) * ps,
      simDecoded: decoded(p.sim, layout), kernelDecoded: decoded(p.kernel, layout) }));
    verdicts.push({ ...common, kernel: kw, status: c.agree ? 'agree' : 'disagree',
      ...(c.agree ? {} : { outcome: c.outcome, pages, differing: c.differing, indices: c.indices }) });
  }
  return { ...base, walks: verdicts };
}

export interface Tally {
  readonly walks: number;
  readonly agree: number;
  readonly disagree: number;
  readonly notExpressible: number;
}

export function tally(vs: readonly ScenarioVerdict[]): Tally {
  const all = vs.flatMap((v) => v.walks);
  return {
    walks: all.length,
    agree: all.filter((w) => w.status === 'agree').length,
    disagree: all.filter((w) => w.status === 'disagree').length,
    notExpressible: all.filter((w) => w.status === 'not-expressible').length,
  };
}

/** The last line of `hmm-lens verify`, exactly: `N walks · A agree · D disagree · S not expressible`. */
export function summaryLine(t: Tally): string {
  return `${t.walks} walks · ${t.agree} agree · ${t.disagree} disagree · ${t.notExpressible} not expressible`;
}

const hex = (v: bigint): string => `0x${v.toString(16).padStart(16, '0')}`;

/** Human text of one scenario's verdict (the CLI prints it). */
export function verdictText(v: ScenarioVerdict): string[] {
  const out: string[] = [`${v.file} (on ${v.target}, simulated as ${v.release})`];
  for (const w of v.walks) {
    const head = `walk "${w.name}" (line ${w.line})`;
    if (w.status === 'agree') { out.push(`  agree             ${head}`); continue; }
    if (w.status === 'not-expressible') { out.push(`  not expressible   ${head}: not expressible on ${v.target}: ${w.reason}`); continue; }
    out.push(`  DISAGREE          ${head}${w.reason ? `: ${w.reason}` : ''}`);
    for (const o of w.outcome ?? []) out.push(`      ${o}`);
    for (const p of w.pages ?? []) {
      out.push(`      page ${p.index} at 0x${p.address.toString(16)}: ${p.why}`);
      out.push(`        simulator ${hex(p.sim)}  ${p.simDecoded}`);
      out.push(`        kernel    ${hex(p.kernel)}  ${p.kernelDecoded}`);
    }
    if (w.differing && w.pages && w.differing > w.pages.length) out.push(`      … ${w.differing - w.pages.length} more pages differ`);
  }
  return out;
}

/** The JSON form of verdicts (`hmm-lens verify --json`): u64 values as hex strings. */
export function verdictsToJson(vs: readonly ScenarioVerdict[], words = false, extra: Record<string, unknown> = {}): unknown {
  const hexWords = (w: BigUint64Array) => Array.from(w, hex);
  const t = tally(vs);
  return {
    ...extra,
    files: vs.map((v) => ({
      file: v.file, target: v.target, release: v.release,
      walks: v.walks.map((w) => ({
        name: w.name, line: w.line, status: w.status, ...(w.reason ? { reason: w.reason } : {}),
        ...(w.kernel ? { kernel: { ret: w.kernel.ret, calls: w.kernel.calls, stale: w.kernel.stale,
          ...(words ? { pfns: hexWords(w.kernel.words) } : {}) } } : {}),
        ...(w.sim ? { simulator: { ret: w.sim.ret, calls: w.sim.attempts, stale: w.sim.stale === true,
          ...(words ? { pfns: hexWords(w.sim.pfns) } : {}) } } : {}),
        ...(w.outcome?.length ? { outcome: w.outcome } : {}),
        ...(w.pages?.length ? { differing: w.differing, pages: w.pages.map((p) => ({
          index: p.index, address: `0x${p.address.toString(16)}`, why: p.why,
          simulator: hex(p.sim), kernel: hex(p.kernel), simulatorDecoded: p.simDecoded, kernelDecoded: p.kernelDecoded,
        })) } : {}),
      })),
    })),
    summary: { walks: t.walks, agree: t.agree, disagree: t.disagree, notExpressible: t.notExpressible, line: summaryLine(t) },
  };
}

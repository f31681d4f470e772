/**
 * Capture, then simulate, then compare with the real kernel: the executor saves /proc of its own process right
 * before each walk (`proc-snapshot`, kernel/executor/PROGRAM.md); that snapshot is captured (./snapshot.ts), turned
 * into a scenario that ends with the same walk (./generate.ts), simulated, and compared with what the kernel's walk
 * of that same moment returned, with the oracle's normalisation (../oracle/compare.ts).
 */
import { compareWalk, kernelPfnClass, PageIdentity, type WalkComparison } from '../oracle/compare';
import { simSide, type Lowering } from '../oracle/lower';
import type { KernelWalk, ProgramRun } from '../oracle/output';
import type { ProgramOp } from '../oracle/program';
import { parseScenario } from '../scenario/parse';
import { runScenario } from '../scenario/run';
import type { WalkResult } from '../scenario/result';
import { CaptureError, generateScenario, type WalkSpec } from './generate';
import type { IomemRegion } from './procfs';
import { captureFromSnapshot } from './snapshot';

const PMD_BYTES = 2n << 20n;

/**
 * The range a snapshot before walk `o` reads: the walk's pages and the VMAs they touch (`vmas`, the simulator's
 * view, which the lowering has checked), widened to whole 2 MiB blocks — a capture decides which THP-looking blocks
 * are PMD-mapped from a whole VMA's count.
 */
export function snapshotRange(o: Extract<ProgramOp, { op: 'walk' }>, pageSize: number,
  vmas: readonly { readonly start: bigint; readonly end: bigint }[] = []): { addr: bigint; pages: number } {
  let start = o.addr;
  let end = o.addr + BigInt(o.pages) * BigInt(pageSize);
  for (const v of vmas) {
    if (v.start < start) start = v.start;
    if (v.end > end) end = v.end;
  }
  const s = (start / PMD_BYTES) * PMD_BYTES;
  const e = ((end + PMD_BYTES - 1n) / PMD_BYTES) * PMD_BYTES;
  const pages = Number((e - s) / BigInt(pageSize));
  // the executor reads at most HMM_PROBE_MAX_PAGES (2^20) entries: larger VMAs are read around the walk only
  return pages <= 1 << 20 || vmas.length === 0 ? { addr: s, pages } : snapshotRange(o, pageSize);
}

/**
 * A program's text with `proc-snapshot ID ADDR PAGES` before every `walk ID …` line, and the line → operation
 * index map (judge.ts) to match: a snapshot line belongs to the walk after it.
 */
export function withProcSnapshots(text: string, lineOp: readonly number[], ops: readonly ProgramOp[], pageSize: number,
  vmasOf: (walkId: number) => readonly { readonly start: bigint; readonly end: bigint }[] = () => []): { text: string; lineOp: number[] } {
  const lines = text.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  const map: number[] = [];
  lines.forEach((l, i) => {
    const op = ops[lineOp[i]];
    if (op && op.op === 'walk' && l.startsWith('walk ')) {
      const r = snapshotRange(op, pageSize, vmasOf(op.id));
      out.push(`proc-snapshot ${op.id} 0x${r.addr.toString(16)} ${r.pages}`);
      map.push(lineOp[i]);
    }
    out.push(l);
    map.push(lineOp[i]);
  });
  return { text: `${out.join('\n')}\n`, lineOp: map };
}

export interface CapturedWalkVerdict {
  readonly index: number;
  readonly name: string;
  readonly line: number;
  readonly status: 'agree' | 'disagree' | 'no-result';
  readonly reason?: string;
  readonly comparison?: WalkComparison;
  /** the generated scenario (for messages and for a look at it) */
  readonly scenario?: string;
  readonly sim?: WalkResult;
  readonly kernel?: KernelWalk;
}

export interface CompareCapturedOptions {
  /** the device-private regions in probe device order */
  readonly deviceRegions?: (regions: readonly IomemRegion[]) => readonly IomemRegion[];
}

/**
 * For every expressible walk of a lowered scenario: capture the snapshot before it, simulate the capture with the
 * same walk, and compare with the kernel's walk.
 */
export function compareCaptured(l: Lowering, run: ProgramRun | undefined, o: CompareCapturedOptions = {}): CapturedWalkVerdict[] {
  const out: CapturedWalkVerdict[] = [];
  const layout = l.layout;
  for (const w of l.walks) {
    if (!w.expressible || !layout) continue;
    const base = { index: w.index, name: w.name, line: w.pos.line };
    const op = l.ops.find((x): x is Extract<ProgramOp, { op: 'walk' }> => x.op === 'walk' && x.id === w.index);
    const kw = run?.walks.get(w.index);
    const snap = run?.procs?.get(w.index);
    if (!op || !kw || !kw.complete || !snap) {
      out.push({ ...base, status: 'no-result', reason: !kw ? 'the kernel printed no result for this walk' : !snap ? 'no proc snapshot before the walk' : 'the walk\'s output is incomplete' });
      continue;
    }
    const end = op.addr + BigInt(op.pages) * BigInt(l.pageSize);
    const cap = captureFromSnapshot(snap, { range: { start: op.addr, end }, kernel: l.target.release, deviceRegions: o.deviceRegions,
      source: `${l.file} before walk "${w.name}"` });
    if ('error' in cap) { out.push({ ...base, status: 'no-result', reason: cap.error }); continue; }
    const devices = cap.capture.devices;
    const spec: WalkSpec = {
      name: w.name, start: op.addr, pages: op.pages, defaultFlags: op.defaultFlags, mask: op.mask,
      ...(op.owner >= 0 ? { device: devices[op.owner] ?? `device${op.owner}` } : {}),
      retry: op.mode !== 'once', refill: op.mode === 'retry-refill', input: op.input,
    };
    let text: string;
    try {
      text = generateScenario(cap.capture, { walks: [spec] }).text;
    } catch (e) {
      if (!(e instanceof CaptureError)) throw e;
      out.push({ ...base, status: 'no-result', reason: `the capture cannot be written as a scenario: ${e.message}` });
      continue;
    }
    const parsed = parseScenario(text, `${l.file}#capture-${w.index}`);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (!parsed.scenario || errors.length) {
      out.push({ ...base, status: 'disagree', reason: `the generated scenario does not parse: ${errors.map((d) => `${d.pos.line}: ${d.message}`).slice(0, 3).join('; ')}`, scenario: text });
      continue;
    }
    const res = runScenario(parsed.scenario);
    const runErrors = res.diagnostics.filter((d) => d.severity === 'error');
    const sim = res.walks[0];
    if (!sim || runErrors.length) {
      out.push({ ...base, status: 'disagree', reason: `the simulator refuses the generated scenario: ${runErrors.map((d) => `${d.pos.line}: ${d.message}`).slice(0, 3).join('; ')}`, scenario: text });
      continue;
    }
    const c = compareWalk(simSide(sim, l.pageSize / 8), { ret: kw.ret, calls: kw.calls, stale: kw.stale, words: kw.words,
      classOf: (i) => kernelPfnClass(kw.facts[i]) }, layout, op.addr / BigInt(l.pageSize), new PageIdentity(), 0);
    out.push({ ...base, status: c.agree ? 'agree' : 'disagree', comparison: c, scenario: text, sim, kernel: kw,
      ...(c.agree ? {} : { reason: [...c.outcome, ...c.pages.map((p) => `page ${p.index}: ${p.why}`)].slice(0, 4).join('; ') }) });
  }
  return out;
}

/**
 * Walk workloads: snapshot walks over generated address spaces and faulting walks over empty memory.
 * The walk is timed apart from the setup (building the address space) with the runner's per-step progress callback.
 */
import type { Scenario } from '../../src/core/scenario/ast';
import type { ScenarioResult, WalkResult } from '../../src/core/scenario/result';
import { parseOrThrow, type RunApi } from '../lib/core';
import type { BenchContext } from '../lib/context';
import { fmtInt, fmtMs, missed, type Row } from '../lib/report';
import { fillSample, packedSample, thpIdealLoop } from '../lib/floors';
import { median, sink } from '../lib/timing';
import { faultScenario, mixedScenario, presentScenario, sparseScenario, thpScenario, type BenchScenario, PAGES_1G, PAGES_64G } from '../scenarios';

export interface WalkTiming {
  readonly walkMs: number;
  /** median of the floor samples paired with the walk's runs */
  readonly floorMs: number;
  /** median over the runs of walk / floor within the run */
  readonly ratio: number;
  readonly setupMs: number;
  readonly runs: number;
  readonly result: ScenarioResult;
  /** per run: walk ms / floor ms of the same run */
  readonly pairs: readonly { walk: number; floor: number; floorFirst: boolean }[];
}

const MAX_PAGES = 1 << 26;

/**
 * Times the first walk of `s` through the runner's progress callback, which runScenario calls after every step:
 * the walk's time is the stretch between the callback after the step before it and the callback after the walk
 * itself (the driver loop, checkExpect and building the WalkResult); setup is everything before.
 *
 * The floor is sampled in runs of its own that repeat the walk's run up to the walk: the same setup steps on a
 * fresh process, then, where the walk would start, the floor's work (its output kept alive, as the walk's is).
 * Walk runs and floor runs alternate, so each meets the same machine as its neighbour: the same address space
 * alive around it, the same garbage left by the run before, the same load. This matters: a fresh multi-megabyte
 * array costs several times more when its pages come fresh from the kernel than when the allocator hands back
 * recycled memory, and which of the two an allocation gets depends on what happened before it — a floor timed in a
 * tight loop of its own always gets recycled memory, and a floor sampled inside the walk's run takes the recycled
 * chunk the walk would have had. Pair i is walk run i and the floor run next to it (after it on even pairs, before
 * it on odd ones); the ratio is the median of the per-pair ratios.
 */
export function timeWalk(run: RunApi, s: Scenario, floorSample: () => unknown,
  opts: { minRuns: number; maxRuns: number; budgetMs: number }): WalkTiming {
  const k = s.steps.findIndex((st) => st.op === 'walk');
  if (k < 0) throw new Error('scenario has no walk');
  const setupOnly: Scenario = { ...s, steps: s.steps.slice(0, k) };
  const walkOnce = () => {
    const stamps: number[] = [];
    const t0 = performance.now();
    const result = run.runScenario(s, { maxPages: MAX_PAGES, onProgress: (done) => { stamps[done] = performance.now(); } });
    const before = k === 0 ? t0 : stamps[k];
    const after = stamps[k + 1];
    if (before === undefined || after === undefined) throw new Error('runScenario did not call onProgress around the walk');
    return { walk: after - before, setup: before - t0, result };
  };
  const floorOnce = (): number => {
    let floor = Number.NaN;
    let kept: unknown;
    const sample = () => {
      const f0 = performance.now();
      kept = floorSample();
      floor = performance.now() - f0;
    };
    if (k === 0) sample();
    else run.runScenario(setupOnly, { maxPages: MAX_PAGES, onProgress: (done) => { if (done === k) sample(); } });
    if (Number.isNaN(floor)) throw new Error('runScenario did not call onProgress after the setup');
    sink(kept);
    return floor;
  };
  let last = walkOnce(); // warmup
  floorOnce();
  const pairs: { walk: number; floor: number; floorFirst: boolean }[] = [];
  const setups: number[] = [];
  const began = performance.now();
  while (pairs.length < opts.maxRuns && (pairs.length < opts.minRuns || performance.now() - began < opts.budgetMs)) {
    const floorFirst = pairs.length % 2 === 1;
    const floorBefore = floorFirst ? floorOnce() : 0;
    last = walkOnce();
    const floor = floorFirst ? floorBefore : floorOnce();
    pairs.push({ walk: last.walk, floor, floorFirst });
    setups.push(last.setup);
  }
  return { walkMs: median(pairs.map((p) => p.walk)), floorMs: median(pairs.map((p) => p.floor)),
    ratio: median(pairs.map((p) => p.walk / p.floor)), setupMs: median(setups), runs: pairs.length, result: last.result, pairs };
}

/** What the result must look like for its timing to mean anything. Returns a reason when it does not. */
export function checkWalk(r: ScenarioResult, pages: number, expectRet = 0): string | undefined {
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return `run error: ${errors[0].message}`;
  const w: WalkResult | undefined = r.walks[0];
  if (!w) return 'no walk result';
  if (w.ret !== expectRet) return `walk returned ${w.ret}, expected ${expectRet}`;
  if (w.pfns.length !== pages) return `output has ${w.pfns.length} entries, expected ${pages}`;
  return undefined;
}

const VALID = 1n << 63n;
const WRITE = 1n << 62n;

function countWith(pfns: BigUint64Array, mask: bigint): number {
  let n = 0;
  for (let i = 0; i < pfns.length; i++) if ((pfns[i] & mask) === mask) n++;
  return n;
}

interface WalkCase {
  id: string;
  workload: string;
  make: () => BenchScenario;
  /** the floor's work for this scenario (one sample, paired with each walk run) and its printed name */
  floor: (b: BenchScenario) => { sample: () => unknown; name: string };
  limit?: number;
  target: string;
  /** extra figures for the JSON details */
  extra?: (ctx: BenchContext, b: BenchScenario) => Record<string, unknown>;
  /** extra correctness check on the output */
  verify?: (w: WalkResult, b: BenchScenario) => string | undefined;
}

const cases: WalkCase[] = [
  {
    id: 'walk.present4k', workload: 'snapshot, 1 GiB present 4 KiB PTEs', make: () => presentScenario(),
    floor: (b) => ({ sample: packedSample(b.pages), name: 'packed loop' }), limit: 4, target: '≤ 4× packed loop',
    verify: (w, b) => (countWith(w.pfns, VALID | WRITE) === b.pages ? undefined : 'not every page is VALID|WRITE'),
  },
  {
    id: 'walk.thp', workload: 'snapshot, 1 GiB THP (PMD-mapped)', make: () => thpScenario(),
    floor: (b) => ({ sample: fillSample(b.pages), name: 'fill' }), limit: 3, target: '≤ 3× fill',
    // for the record only (JSON): a plain JS loop (two 32-bit stores per word) and the fill, each timed in a tight
    // loop of its own — so each meets whatever memory the allocator hands it, and the ratio swings (0.5–4.4× seen)
    extra: (c, b) => ({ idealJsLoopRatioToFill: thpIdealLoop(b.pages).medianMs / c.fill(b.pages).medianMs }),
    verify: (w, b) => (countWith(w.pfns, VALID | WRITE) === b.pages ? undefined : 'not every page is VALID|WRITE'),
  },
  {
    id: 'walk.sparse64g', workload: 'snapshot, 64 GiB mapped, 1% populated', make: () => sparseScenario(),
    floor: (b) => {
      const packed = packedSample(b.populated);
      const fill = fillSample(b.pages);
      return { sample: () => [packed(), fill()], name: 'packed(populated)+fill(all)' };
    },
    limit: 4, target: '≤ 4× (packed over populated + fill)',
    verify: (w, b) => (countWith(w.pfns, VALID) === b.populated ? undefined : `VALID on ${countWith(w.pfns, VALID)} pages, expected ${b.populated}`),
  },
  {
    id: 'walk.mixed', workload: 'snapshot, 1 GiB mixed states (set runs)', make: () => mixedScenario(),
    floor: (b) => ({ sample: packedSample(b.pages), name: 'packed loop' }), target: 'none set (reported)',
  },
  {
    id: 'walk.faultRead', workload: 'fault (read), 1 GiB empty anonymous', make: () => faultScenario('fault'),
    floor: (b) => ({ sample: packedSample(b.pages), name: 'packed loop' }), limit: 10, target: '≤ 10× packed loop',
    verify: (w, b) => (countWith(w.pfns, VALID) === b.pages ? undefined : 'not every page is VALID'),
  },
  {
    id: 'walk.faultWrite', workload: 'fault_write, 1 GiB empty anonymous', make: () => faultScenario('fault_write'),
    floor: (b) => ({ sample: packedSample(b.pages), name: 'packed loop' }), limit: 10, target: '≤ 10× packed loop',
    verify: (w, b) => (countWith(w.pfns, VALID | WRITE) === b.pages ? undefined : 'not every page is VALID|WRITE'),
  },
];

export function walkCaseIds(): string[] {
  return cases.map((c) => c.id);
}

export async function walkWorkloads(ctx: BenchContext, only?: (id: string) => boolean): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of cases) {
    if (only && !only(c.id)) continue;
    if (!ctx.parse.ok || !ctx.run.ok) {
      rows.push(missed(c.id, c.workload, c.target, !ctx.parse.ok ? ctx.parse.reason : (ctx.run as { reason: string }).reason));
      continue;
    }
    const b = c.make();
    try {
      const s = parseOrThrow(ctx.parse.api, b.text, b.file);
      const f = c.floor(b);
      const t = timeWalk(ctx.run.api, s, f.sample, { minRuns: ctx.quick ? 2 : 9, maxRuns: ctx.quick ? 2 : 41, budgetMs: 8000 });
      const bad = checkWalk(t.result, b.pages) ?? c.verify?.(t.result.walks[0], b);
      const ratio = t.ratio;
      const spread = t.pairs.map((p) => p.walk / p.floor);
      const w = t.result.walks[0];
      const extra = c.extra?.(ctx, b) ?? {};
      rows.push({
        id: c.id, workload: c.workload, size: `${fmtInt(b.pages)} pages`, measured: fmtMs(t.walkMs), value: t.walkMs, unit: 'ms',
        floor: `${f.name} ${fmtMs(t.floorMs)}`, floorValue: t.floorMs, ratio, target: c.target,
        status: bad ? 'missed' : c.limit === undefined ? 'info' : ratio <= c.limit ? 'met' : 'missed',
        reason: (bad ? `wrong result: ${bad}` : c.limit !== undefined && ratio > c.limit ? `${ratio.toFixed(2)}× > ${c.limit}×` : `setup ${fmtMs(t.setupMs)}`)
          + `; run ratios ${Math.min(...spread).toFixed(2)}–${Math.max(...spread).toFixed(2)}×`,
        details: { ...extra, setupMs: t.setupMs, runs: t.runs, pairs: t.pairs, populated: b.populated, stateRuns: b.runs, traceEvents: w?.trace.length, attempts: w?.attempts },
      });
    } catch (e) {
      rows.push(missed(c.id, c.workload, c.target, `threw: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, `${fmtInt(b.pages)} pages`));
    }
  }
  return rows;
}

export { PAGES_1G, PAGES_64G };

/**
 * Walk workloads: snapshot walks over generated address spaces and faulting walks over empty memory.
 * The walk is timed apart from the setup (building the address space) with the runner's per-step progress callback.
 */
import type { Scenario } from '../../src/core/scenario/ast';
import type { ScenarioResult, WalkResult } from '../../src/core/scenario/result';
import { parseOrThrow, type RunApi } from '../lib/core';
import type { BenchContext } from '../lib/context';
import { fmtInt, fmtMs, missed, type Row } from '../lib/report';
import { thpIdealLoop } from '../lib/floors';
import { median } from '../lib/timing';
import { faultScenario, mixedScenario, presentScenario, sparseScenario, thpScenario, type BenchScenario, PAGES_1G, PAGES_64G } from '../scenarios';

export interface WalkTiming {
  readonly walkMs: number;
  readonly setupMs: number;
  readonly runs: number;
  readonly result: ScenarioResult;
}

const MAX_PAGES = 1 << 26;

/**
 * Times the first walk of `s` through the runner's progress callback, which runScenario calls after every step:
 * the walk's time is the stretch between the callback after the step before it and the callback after the walk
 * itself (the driver loop, checkExpect and building the WalkResult); setup is everything before. Median of runs.
 */
export function timeWalk(run: RunApi, s: Scenario, opts: { minRuns: number; maxRuns: number; budgetMs: number }): WalkTiming {
  const k = s.steps.findIndex((st) => st.op === 'walk');
  if (k < 0) throw new Error('scenario has no walk');
  const once = () => {
    const stamps: number[] = [];
    const t0 = performance.now();
    const result = run.runScenario(s, { maxPages: MAX_PAGES, onProgress: (done) => { stamps[done] = performance.now(); } });
    const before = k === 0 ? t0 : stamps[k];
    const after = stamps[k + 1];
    if (before === undefined || after === undefined) throw new Error('runScenario did not call onProgress around the walk');
    return { walk: after - before, setup: before - t0, result };
  };
  let last = once(); // warmup
  const walks: number[] = [];
  const setups: number[] = [];
  const began = performance.now();
  while (walks.length < opts.maxRuns && (walks.length < opts.minRuns || performance.now() - began < opts.budgetMs)) {
    last = once();
    walks.push(last.walk);
    setups.push(last.setup);
  }
  return { walkMs: median(walks), setupMs: median(setups), runs: walks.length, result: last.result };
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
  /** floor in ms for this scenario, and its printed name */
  floor: (ctx: BenchContext, b: BenchScenario) => { ms: number; name: string };
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
    floor: (c, b) => ({ ms: c.packed(b.pages).medianMs, name: 'packed loop' }), limit: 4, target: '≤ 4× packed loop',
    verify: (w, b) => (countWith(w.pfns, VALID | WRITE) === b.pages ? undefined : 'not every page is VALID|WRITE'),
  },
  {
    id: 'walk.thp', workload: 'snapshot, 1 GiB THP (PMD-mapped)', make: () => thpScenario(),
    floor: (c, b) => ({ ms: c.fill(b.pages).medianMs, name: 'fill' }), limit: 3, target: '≤ 3× fill',
    extra: (c, b) => ({ idealJsLoopRatioToFill: thpIdealLoop(b.pages).medianMs / c.fill(b.pages).medianMs }),
    verify: (w, b) => (countWith(w.pfns, VALID | WRITE) === b.pages ? undefined : 'not every page is VALID|WRITE'),
  },
  {
    id: 'walk.sparse64g', workload: 'snapshot, 64 GiB mapped, 1% populated', make: () => sparseScenario(),
    floor: (c, b) => ({ ms: c.packed(b.populated).medianMs + c.fill(b.pages).medianMs, name: 'packed(populated)+fill(all)' }),
    limit: 4, target: '≤ 4× (packed over populated + fill)',
    verify: (w, b) => (countWith(w.pfns, VALID) === b.populated ? undefined : `VALID on ${countWith(w.pfns, VALID)} pages, expected ${b.populated}`),
  },
  {
    id: 'walk.mixed', workload: 'snapshot, 1 GiB mixed states (set runs)', make: () => mixedScenario(),
    floor: (c, b) => ({ ms: c.packed(b.pages).medianMs, name: 'packed loop' }), target: 'none set (reported)',
  },
  {
    id: 'walk.faultRead', workload: 'fault (read), 1 GiB empty anonymous', make: () => faultScenario('fault'),
    floor: (c, b) => ({ ms: c.packed(b.pages).medianMs, name: 'packed loop' }), limit: 10, target: '≤ 10× packed loop',
    verify: (w, b) => (countWith(w.pfns, VALID) === b.pages ? undefined : 'not every page is VALID'),
  },
  {
    id: 'walk.faultWrite', workload: 'fault_write, 1 GiB empty anonymous', make: () => faultScenario('fault_write'),
    floor: (c, b) => ({ ms: c.packed(b.pages).medianMs, name: 'packed loop' }), limit: 10, target: '≤ 10× packed loop',
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
      const t = timeWalk(ctx.run.api, s, { minRuns: ctx.quick ? 1 : 3, maxRuns: ctx.quick ? 1 : 7, budgetMs: 8000 });
      const bad = checkWalk(t.result, b.pages) ?? c.verify?.(t.result.walks[0], b);
      const f = c.floor(ctx, b);
      const ratio = t.walkMs / f.ms;
      const w = t.result.walks[0];
      rows.push({
        id: c.id, workload: c.workload, size: `${fmtInt(b.pages)} pages`, measured: fmtMs(t.walkMs), value: t.walkMs, unit: 'ms',
        floor: `${f.name} ${fmtMs(f.ms)}`, floorValue: f.ms, ratio, target: c.target,
        status: bad ? 'missed' : c.limit === undefined ? 'info' : ratio <= c.limit ? 'met' : 'missed',
        reason: bad ? `wrong result: ${bad}` : c.limit !== undefined && ratio > c.limit ? `${ratio.toFixed(2)}× > ${c.limit}×` : `setup ${fmtMs(t.setupMs)}`,
        details: { ...c.extra?.(ctx, b), setupMs: t.setupMs, runs: t.runs, populated: b.populated, stateRuns: b.runs, traceEvents: w?.trace.length, attempts: w?.attempts },
      });
    } catch (e) {
      rows.push(missed(c.id, c.workload, c.target, `threw: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, `${fmtInt(b.pages)} pages`));
    }
  }
  return rows;
}

export { PAGES_1G, PAGES_64G };

/**
 * Memory workloads (heap deltas after full GCs):
 *  - the page-table model: bytes per populated 4 KiB page, measured while the address space is alive (from the
 *    runner's progress/cancel callbacks during a 1-page walk that follows the setup), minus the same with no page
 *    populated;
 *  - the walk output: bytes a retained WalkResult costs per page, without its copy of the input words;
 *  - the trace: events per run of entry states (it must not grow with pages).
 */
import type { Scenario } from '../../src/core/scenario/ast';
import type { BenchContext } from '../lib/context';
import { parseOrThrow, type RunApi } from '../lib/core';
import { usedBytes } from '../lib/memory';
import { fmtInt, missed, type Row } from '../lib/report';
import { median } from '../lib/timing';
import { mixedScenario, presentScenario, presentSetupScenario, PAGES_1G } from '../scenarios';

const MAX_PAGES = 1 << 26;

/**
 * Heap in use after the setup steps of `s` (the address space alive, before its final walk), measured from the
 * runner's progress callback after the last setup step; undefined when the runner does not call it.
 */
function heapDuringWalk(run: RunApi, s: Scenario): number | undefined {
  let seen: number | undefined;
  const total = s.steps.length;
  run.runScenario(s, { maxPages: MAX_PAGES, onProgress: (done) => { if (done === total - 1) seen = usedBytes(); } });
  return seen;
}

export async function memoryWorkloads(ctx: BenchContext): Promise<Row[]> {
  const modelTarget = '≤ 16 B per populated page';
  const outTarget = '≤ 8 B per page of output';
  const traceTarget = '≤ 4 events per run; uniform 1 GiB ≤ 64';
  if (!ctx.parse.ok || !ctx.run.ok) {
    const reason = !ctx.parse.ok ? ctx.parse.reason : (ctx.run as { reason: string }).reason;
    return [missed('mem.model', 'page-table model memory', modelTarget, reason), missed('mem.output', 'walk output memory', outTarget, reason),
      missed('mem.trace', 'trace size', traceTarget, reason)];
  }
  const P = ctx.parse.api;
  const R = ctx.run.api;
  const rows: Row[] = [];
  const pages = ctx.quick ? 65_536 : PAGES_1G;

  // 1. page-table model
  try {
    const full = presentSetupScenario(pages, true);
    const empty = presentSetupScenario(pages, false);
    const sFull = parseOrThrow(P, full.text, full.file);
    const sEmpty = parseOrThrow(P, empty.text, empty.file);
    const deltas: number[] = [];
    let noSeam = false;
    for (let i = 0; i < 3 && !noSeam; i++) {
      const a = heapDuringWalk(R, sEmpty);
      const b = heapDuringWalk(R, sFull);
      if (a === undefined || b === undefined) noSeam = true;
      else deltas.push(b - a);
    }
    if (noSeam) {
      rows.push(missed('mem.model', 'page-table model, 1 GiB present 4 KiB', modelTarget,
        'no seam: runScenario did not call onProgress after the setup steps', `${fmtInt(pages)} pages`));
    } else {
      const perPage = median(deltas) / pages;
      rows.push({
        id: 'mem.model', workload: 'page-table model, 1 GiB present 4 KiB', size: `${fmtInt(pages)} pages`,
        measured: `${perPage.toFixed(2)} B/page`, value: perPage, unit: 'B/page', floor: 'BigUint64Array 8 B/page', floorValue: 8,
        ratio: perPage / 8, target: modelTarget, status: perPage <= 16 ? 'met' : 'missed',
        reason: perPage <= 16 ? undefined : `${perPage.toFixed(1)} B/page > 16`, details: { deltas },
      });
    }
  } catch (e) {
    rows.push(missed('mem.model', 'page-table model, 1 GiB present 4 KiB', modelTarget, `threw: ${e instanceof Error ? e.message : String(e)}`));
  }

  // 2. walk output retained
  try {
    const b = presentScenario(pages);
    const s = parseOrThrow(P, b.text, b.file);
    R.runScenario(s, { maxPages: MAX_PAGES }); // warm
    const per: number[] = [];
    let inputBytes = 0;
    let pfnBytes = 0;
    for (let i = 0; i < 3; i++) {
      const before = usedBytes();
      const res = R.runScenario(s, { maxPages: MAX_PAGES });
      const after = usedBytes();
      const w = res.walks[0];
      if (!w) throw new Error('no walk result');
      inputBytes = !w.input || w.input.buffer === w.pfns.buffer ? 0 : w.input.byteLength;
      pfnBytes = w.pfns.byteLength;
      per.push((after - before - inputBytes) / pages);
    }
    const perPage = median(per);
    rows.push({
      id: 'mem.output', workload: 'retained walk result (input copy excluded)', size: `${fmtInt(pages)} pages`,
      measured: `${perPage.toFixed(2)} B/page`, value: perPage, unit: 'B/page', floor: 'BigUint64Array 8 B/page', floorValue: 8,
      ratio: perPage / 8, target: outTarget, status: perPage <= 8.5 ? 'met' : 'missed',
      reason: perPage <= 8.5 ? `pfns ${pfnBytes / pages} B/page, input ${inputBytes / pages} B/page` : `${perPage.toFixed(2)} B/page > 8 (+0.5 for trace and objects)`,
      details: { samples: per, pfnBytes, inputBytes },
    });
  } catch (e) {
    rows.push(missed('mem.output', 'retained walk result', outTarget, `threw: ${e instanceof Error ? e.message : String(e)}`));
  }

  // 3. trace size ~ runs
  try {
    const mixed = mixedScenario(pages);
    const uni = presentScenario(pages);
    const rm = R.runScenario(parseOrThrow(P, mixed.text, mixed.file), { maxPages: MAX_PAGES });
    const ru = R.runScenario(parseOrThrow(P, uni.text, uni.file), { maxPages: MAX_PAGES });
    const em = rm.walks[0]?.trace.length ?? NaN;
    const eu = ru.walks[0]?.trace.length ?? NaN;
    const perRun = em / mixed.runs;
    const ok = perRun <= 4 && eu <= 64;
    rows.push({
      id: 'mem.trace', workload: 'trace events, 1 GiB mixed / uniform', size: `${fmtInt(mixed.runs)} runs / 1 run`,
      measured: `${fmtInt(em)} / ${fmtInt(eu)} events`, value: perRun, unit: 'events/run', floor: 'runs', floorValue: mixed.runs,
      ratio: perRun, target: traceTarget, status: ok ? 'met' : 'missed',
      reason: ok ? undefined : perRun > 4 ? `${perRun.toFixed(2)} events per run` : `${eu} events for one uniform run`,
      details: { mixedEvents: em, mixedRuns: mixed.runs, uniformEvents: eu },
    });
  } catch (e) {
    rows.push(missed('mem.trace', 'trace size', traceTarget, `threw: ${e instanceof Error ? e.message : String(e)}`));
  }
  return rows;
}

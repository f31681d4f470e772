/**
 * Decode workload: 1M random u64 values through decodePfn under every layout (and the bulk decoder when the
 * layouts module has one). Target: ≥ 5M values/s. Floor: a loop that splits each bigint into pfn and flag bits.
 */
import type { BenchContext } from '../lib/context';
import { fmtInt, missed, type Row } from '../lib/report';
import { measure, median, sink, type Timing } from '../lib/timing';
import { prng } from '../scenarios';

export const DECODE_TARGET_PER_S = 5_000_000;

/** `n` random u64 values: uniform bits, with the low 40 bits biased to realistic pfns half of the time. */
export function randomU64(n: number, seed = 0xdec0de): BigUint64Array {
  const rnd = prng(seed);
  const out = new BigUint64Array(n);
  const w = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const hi = (rnd() * 0x100000000) >>> 0;
    w[2 * i + 1] = rnd() < 0.5 ? hi : (hi & 0xffe00000) | (hi & 0xff);
    w[2 * i] = (rnd() * 0x100000000) >>> 0;
  }
  return out;
}

/** The floor: per value, the bigint operations any decoder needs (mask out the pfn, shift down the flags). */
export function decodeFloor(values: BigUint64Array): Timing {
  const mask = (1n << 53n) - 1n;
  return measure(() => {
    let acc = 0n;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      acc ^= (v & mask) ^ (v >> 53n);
    }
    return acc;
  }, { warmup: 1, minRuns: 3, maxRuns: 5 });
}

/** Time cap per measured run: a slow decoder is measured on the values it gets through in this time. */
const CAP_MS = 600;

/**
 * Values/s of `f` over `values`, median of `runs` runs (after a warmup over the first 50,000 values); a run stops
 * after `capMs` (checked every 10,000 values), so a slow decoder cannot stretch the suite.
 */
export function rateWithCap(f: (v: bigint) => number, values: BigUint64Array, runs: number, capMs: number): { rate: number; done: number; runs: number } {
  let acc = 0;
  for (let i = 0; i < Math.min(values.length, 50_000); i++) acc += f(values[i]);
  const rates: number[] = [];
  let done = values.length;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    let i = 0;
    while (i < values.length) {
      const end = Math.min(values.length, i + 10_000);
      for (; i < end; i++) acc += f(values[i]);
      if (performance.now() - t0 > capMs) break;
    }
    rates.push(i / ((performance.now() - t0) / 1000));
    done = Math.min(done, i);
  }
  sink(acc);
  return { rate: median(rates), done, runs };
}

const fmtRate = (r: number) => (r / 1e6).toFixed(2) + ' M/s';

export async function decodeWorkloads(ctx: BenchContext): Promise<Row[]> {
  const target = `≥ ${DECODE_TARGET_PER_S / 1e6}M values/s`;
  if (!ctx.layouts.ok) return [missed('decode', 'decodePfn, 1M random u64', target, ctx.layouts.reason)];
  const L = ctx.layouts.api;
  const n = ctx.quick ? 100_000 : 1_000_000;
  const values = randomU64(n);
  const floor = decodeFloor(values);
  const floorRate = n / (floor.medianMs / 1000);
  const rows: Row[] = [];
  const bulk = Object.entries(L).find(([k, v]) => typeof v === 'function' && k === 'decodeFlagsBulk');
  for (const layout of L.listLayouts()) {
    const id = `decode.${layout.id}`;
    const workload = `decodePfn, layout ${layout.id}`;
    try {
      L.decodePfn(values[0], layout); // fail fast before timing
      const t = rateWithCap((v) => L.decodePfn(v, layout).flags.length, values, ctx.quick ? 1 : 3, CAP_MS);
      const rate = t.rate;
      rows.push({
        id, workload, size: `${fmtInt(t.done)}${t.done < n ? ` of ${fmtInt(n)}` : ''} values`, measured: fmtRate(rate), value: rate, unit: 'values/s',
        floor: `bigint split ${fmtRate(floorRate)}`, floorValue: floorRate, ratio: floorRate / rate, target,
        status: rate >= DECODE_TARGET_PER_S ? 'met' : 'missed',
        reason: rate >= DECODE_TARGET_PER_S ? undefined : `${fmtRate(rate)} < ${fmtRate(DECODE_TARGET_PER_S)}`,
        details: { valuesDecoded: t.done, runs: t.runs, capped: t.done < n },
      });
    } catch (e) {
      rows.push(missed(id, workload, target, `threw: ${e instanceof Error ? e.message : String(e)}`, `${fmtInt(n)} values`));
    }
  }
  if (bulk) rows.push(...bulkRows(ctx, bulk[0], bulk[1] as (...a: unknown[]) => unknown, values, floorRate, target));
  return rows;
}

/** One row for the bulk flag decoder over every layout: the slowest layout's rate, every rate in the details. */
function bulkRows(ctx: BenchContext, name: string, fn: (...a: unknown[]) => unknown, values: BigUint64Array, floorRate: number, target: string): Row[] {
  if (!ctx.layouts.ok) return [];
  const n = values.length;
  const rates: Record<string, number> = {};
  try {
    for (const layout of ctx.layouts.api.listLayouts()) {
      fn(values.subarray(0, 1000), layout);
      const t = measure(() => fn(values, layout), { warmup: 1, minRuns: ctx.quick ? 1 : 3, maxRuns: 5, budgetMs: 3000 });
      rates[layout.id] = n / (t.medianMs / 1000);
    }
  } catch (e) {
    return [missed('decodeBulk', `${name} (flags and order only)`, target, `threw: ${e instanceof Error ? e.message : String(e)}`)];
  }
  const [slowId, rate] = Object.entries(rates).sort((a, b) => a[1] - b[1])[0];
  return [{
    id: 'decodeBulk', workload: `${name}, all layouts (flags+order only)`, size: `${fmtInt(n)} values`, measured: fmtRate(rate), value: rate, unit: 'values/s',
    floor: `bigint split ${fmtRate(floorRate)}`, floorValue: floorRate, ratio: floorRate / rate, target,
    status: rate >= DECODE_TARGET_PER_S ? 'met' : 'missed',
    reason: `slowest layout ${slowId}` + (rate >= DECODE_TARGET_PER_S ? '' : `: ${fmtRate(rate)} < ${fmtRate(DECODE_TARGET_PER_S)}`),
    details: { rates },
  }];
}

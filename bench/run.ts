/**
 * The benchmark suite: `npm run bench` runs every workload, prints a table, writes bench/results/latest.json and
 * exits 1 when a target is missed (the row stays in the table as MISSED with its reason).
 *
 *   npm run bench                      everything (about 3-5 minutes on 2 cores)
 *   npm run bench -- walk decode       only the rows whose id starts with one of these
 *   npm run bench -- --quick           smaller sizes and single runs, to check the suite itself (not for README)
 *
 * Every figure is a ratio to a floor measured in the same process run (see docs/benchmarks.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { makeContext } from './lib/context';
import { markdownTable, table, type Row } from './lib/report';
import { bundleWorkloads, ROOT } from './workloads/bundle';
import { decodeWorkloads } from './workloads/decode';
import { logWorkloads } from './workloads/log';
import { memoryWorkloads } from './workloads/memory';
import { walkWorkloads } from './workloads/walk';
import { inspectorWorkloads } from './workloads/inspector';
import { realActivationWorkloads } from './workloads/activation-real';
import { kernelWorkloads } from './workloads/kernel';
import { captureWorkloads } from './workloads/capture';

interface Group {
  readonly prefix: string;
  /** other row prefixes this group produces or prepares (the bundle group builds what activation rows load) */
  readonly also?: readonly string[];
  readonly run: (ctx: Awaited<ReturnType<typeof makeContext>>, only: (id: string) => boolean) => Promise<Row[]>;
}

const groups: Group[] = [
  { prefix: 'walk', run: (c, only) => walkWorkloads(c, only) },
  { prefix: 'decode', run: (c) => decodeWorkloads(c) },
  { prefix: 'log', run: (c) => logWorkloads(c) },
  { prefix: 'mem', run: (c) => memoryWorkloads(c) },
  { prefix: 'inspector', run: (c) => inspectorWorkloads(c) },
  { prefix: 'bundle', also: ['activation'], run: (c) => bundleWorkloads(c) },
  { prefix: 'activation', run: (c) => realActivationWorkloads(c) },
  { prefix: 'kernel', run: (c) => kernelWorkloads(c) },
  { prefix: 'capture', run: (c) => captureWorkloads(c) },
];

function machine() {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: keep os.cpus()
  }
  return { nproc: cpus().length, cpu: model, node: process.version, platform: `${process.platform}-${process.arch}` };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const filters = args.filter((a) => !a.startsWith('--'));
  const only = (id: string) => filters.length === 0 || filters.some((f) => id.startsWith(f));
  const ctx = await makeContext(quick);
  const began = performance.now();
  const rows: Row[] = [];
  for (const g of groups) {
    const prefixes = [g.prefix, ...(g.also ?? [])];
    if (filters.length && !filters.some((f) => prefixes.some((p) => f.startsWith(p) || p.startsWith(f)))) continue;
    const t0 = performance.now();
    try {
      rows.push(...(await g.run(ctx, only)).filter((r) => only(r.id)));
    } catch (e) {
      rows.push({ id: g.prefix, workload: g.prefix, size: '-', measured: '-', target: '-', status: 'missed',
        reason: `suite error: ${e instanceof Error ? e.message : String(e)}` });
    }
    process.stderr.write(`[bench] ${g.prefix}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const m = machine();
  const totalS = (performance.now() - began) / 1000;
  console.log(`HMM Lens benchmarks — ${m.nproc} cores, ${m.cpu}, node ${m.node}${quick ? ' (QUICK: not representative)' : ''}`);
  console.log(table(rows));
  const missedRows = rows.filter((r) => r.status === 'missed');
  console.log(`${rows.length} rows, ${missedRows.length} missed, ${totalS.toFixed(0)} s`);
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const doc = { date: new Date().toISOString(), machine: m, quick, filters, seconds: totalS, floors: ctx.floors, rows };
  // a full run is the latest; a filtered or quick run does not overwrite it
  const name = quick ? 'quick' : filters.length ? 'filtered' : 'latest';
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(doc, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v), 2) + '\n');
  writeFileSync(join(dir, `${name}.md`), `Measured ${doc.date.slice(0, 10)}: ${m.nproc} cores (${m.cpu}), Node ${m.node}.\n\n${markdownTable(rows)}\n`);
  return missedRows.length ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => {
  console.error(e);
  process.exit(2);
});

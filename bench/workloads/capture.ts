/**
 * Capturing a live process (hmm-lens capture, issue #15): a child that has 10 GiB resident in 4 KiB pages (every page
 * written, MADV_NOHUGEPAGE: 2.6 M pagemap entries, each with its kpageflags) is captured and written as a scenario.
 * Rows:
 *  - capture.time: capture + scenario, against the floor "bare read of the same files" in the same run: smaps,
 *    the pagemap of every mapping with pages (4 MiB reads) and all of /proc/kpageflags (4 MiB reads); target < 5 s;
 *  - capture.memory: bytes the capture holds per resident page (heap + array buffers at its peak, minus before);
 *    target ≤ 16 B/page.
 * With less than 10 GiB + 4 GiB of memory available the child is smaller and the row says so (the time target is
 * scaled by the same ratio).
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateScenario } from '../../src/core/capture/generate';
import { parseSmaps } from '../../src/core/capture/procfs';
import { captureProcess } from '../../src/capture/read';
import { startChild } from '../../test/fixtures/capture/child';
import type { BenchContext } from '../lib/context';
import { usedBytes } from '../lib/memory';
import { fmtInt, missed, type Row } from '../lib/report';
import { median } from '../lib/timing';

const TARGET_S = 5;
const TARGET_B = 16;

function available(): number {
  try {
    const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return freemem();
}

/** The floor: read smaps, the pagemap of every mapping with pages and the whole of /proc/kpageflags, in 4 MiB reads. */
function bareRead(pid: number): { ms: number; bytes: number } {
  const t0 = performance.now();
  const buf = Buffer.allocUnsafeSlow(4 << 20);
  let bytes = 0;
  const vmas = parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8')).vmas.filter((v) => (v.kb.get('Rss') ?? 0) > 0 && v.end <= 1n << 47n);
  const pm = openSync(`/proc/${pid}/pagemap`, 'r');
  for (const v of vmas) {
    for (let off = Number(v.start / 4096n) * 8; off < Number(v.end / 4096n) * 8;) {
      const n = readSync(pm, buf, 0, Math.min(buf.length, Number(v.end / 4096n) * 8 - off), off);
      if (n <= 0) break;
      bytes += n;
      off += n;
    }
  }
  closeSync(pm);
  const kpf = openSync('/proc/kpageflags', 'r');
  for (let off = 0; ;) {
    const n = readSync(kpf, buf, 0, buf.length, off);
    if (n <= 0) break;
    bytes += n;
    off += n;
  }
  closeSync(kpf);
  return { ms: performance.now() - t0, bytes };
}

export async function captureWorkloads(ctx: BenchContext): Promise<Row[]> {
  const want = ctx.quick ? 1 : 10;
  const avail = available();
  const gib = Math.max(1, Math.min(want, Math.floor(avail / 2 ** 30) - 4));
  const scale = gib / want;
  const size = `${gib} GiB resident (${fmtInt(gib * 262144)} pages of 4 KiB)${gib < want ? `, scaled from ${want} GiB (memory available: ${(avail / 2 ** 30).toFixed(1)} GiB)` : ''}`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    return [missed('capture.time', 'capture a 10 GiB process', `< ${TARGET_S} s`, 'needs root (pfns and /proc/kpageflags)'),
      missed('capture.memory', 'capture memory per resident page', `≤ ${TARGET_B} B/page`, 'needs root')];
  }
  const dir = mkdtempSync(join(tmpdir(), 'hmm-lens-bench-capture-'));
  const child = await startChild(dir, ['big', String(gib)], { timeoutMs: 600_000 });
  const rows: Row[] = [];
  try {
    const times: number[] = [];
    const floors: number[] = [];
    let pages = 0;
    let walks = 0;
    let floorBytes = 0;
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      const f = bareRead(child.pid);
      floors.push(f.ms);
      floorBytes = f.bytes;
      const t0 = performance.now();
      const out = await captureProcess(child.pid);
      const gen = generateScenario(out.capture);
      times.push(performance.now() - t0);
      pages = out.stats.residentPages;
      walks = gen.walks.length;
    }
    const s = median(times) / 1000;
    const floorS = median(floors) / 1000;
    const target = TARGET_S * scale;
    rows.push({
      id: 'capture.time', workload: 'hmm-lens capture of a process with 10 GiB resident (read /proc, classify, write the scenario)', size,
      measured: `${s.toFixed(2)} s`, value: s, unit: 's', floor: `bare read of smaps, pagemap, kpageflags ${floorS.toFixed(2)} s (${(floorBytes / 2 ** 20).toFixed(0)} MiB)`,
      floorValue: floorS, ratio: s / floorS, target: `< ${TARGET_S} s${scale < 1 ? ` (× ${scale.toFixed(2)}: < ${target.toFixed(2)} s)` : ''}`,
      status: s < target ? 'met' : 'missed', reason: s < target ? `${fmtInt(pages)} resident pages, ${walks} walks` : `${s.toFixed(2)} s ≥ ${target.toFixed(2)} s`,
      details: { times, floors },
    });
    // memory: heap + array buffers at the capture's peak (sampled as it reads), minus before
    const base = usedBytes();
    let peak = base;
    let next = 0;
    const out = await captureProcess(child.pid, {
      onProgress: (done, total) => {
        if (done < next) return;
        next = done + total / 8;
        peak = Math.max(peak, usedBytes());
      },
    });
    const gen = generateScenario(out.capture);
    peak = Math.max(peak, usedBytes());
    const perPage = (peak - base) / out.stats.residentPages;
    rows.push({
      id: 'capture.memory', workload: 'memory the capture holds per resident page (peak heap + array buffers, minus before)', size,
      measured: `${perPage.toFixed(2)} B/page`, value: perPage, unit: 'B/page', floor: 'limit 16 B/page', floorValue: TARGET_B,
      ratio: perPage / TARGET_B, target: `≤ ${TARGET_B} B/page`, status: perPage <= TARGET_B ? 'met' : 'missed',
      reason: `peak ${((peak - base) / 2 ** 20).toFixed(1)} MiB; scan buffers ${(out.stats.bufferBytes / 2 ** 20).toFixed(1)} MiB; scenario ${fmtInt(gen.text.length)} bytes`,
    });
  } finally {
    child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * The executor's proc snapshot (`proc-snapshot ID ADDR PAGES`, kernel/executor/PROGRAM.md) as a capture: inside the
 * VM the executor saves /proc of its own process right before a walk; this turns those lines (read by
 * src/core/oracle/output.ts) into the same Capture a live process gives (src/capture/), so the capture → scenario →
 * simulator path can be compared with the real walk of that same moment.
 */
import type { ProcSnapshotLines } from '../oracle/output';
import { DeviceNames } from './devices';
import type { Capture } from './generate';
import {
  fileSystemOf, KPF, packKpf, parseIomem, parseMountinfo, parseSmaps, PM_HI_PRESENT, PM_HI_SWAP, pmFrame, type IomemRegion,
} from './procfs';
import { scanPages, selectVmas, type PagemapSource, type ScanResult } from './scan';

interface PmRun { vpn: number; count: number; lo: number; hi: number; delta: number }
interface KpfRun { pfn: number; count: number; flags: number }

/** Index of the first of `runs` (sorted by start, not overlapping) that ends after `at`. */
function firstRunAfter<T extends { readonly count: number }>(runs: readonly T[], start: (r: T) => number, at: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (start(runs[mid]) + runs[mid].count <= at) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** The snapshot's pagemap and kpageflags runs as a PagemapSource. */
export class SnapshotSource implements PagemapSource {
  readonly pm: PmRun[] = [];
  readonly kpf: KpfRun[] = [];
  readonly problems: string[] = [];

  private readonly kpfAvailable: boolean;

  constructor(s: ProcSnapshotLines, pageSize: number) {
    this.kpfAvailable = s.info.kpf === '1';
    for (const f of s.pm) {
      const [a, c, w, d] = f;
      if (!/^0x[0-9a-f]+$/i.test(a) || !/^\d+$/.test(c) || !/^[0-9a-f]{16}$/i.test(w) || !/^\d+$/.test(d)) {
        this.problems.push(`pm ${f.join(' ')}: not ADDR COUNT WORD DELTA`);
        continue;
      }
      this.pm.push({ vpn: Number(BigInt(a) / BigInt(pageSize)), count: Number(c), lo: parseInt(w.slice(8), 16),
        hi: parseInt(w.slice(0, 8), 16), delta: Number(d) });
    }
    this.pm.sort((x, y) => x.vpn - y.vpn);
    for (const f of s.kpf) {
      const [p, c, fl] = f;
      if (!/^0x[0-9a-f]+$/i.test(p) || !/^\d+$/.test(c) || !/^[0-9a-f]{16}$/i.test(fl)) {
        this.problems.push(`kpf ${f.join(' ')}: not PFN COUNT FLAGS`);
        continue;
      }
      this.kpf.push({ pfn: Number(BigInt(p)), count: Number(c), flags: packKpf(parseInt(fl.slice(8), 16), parseInt(fl.slice(0, 8), 16)) });
    }
    this.kpf.sort((x, y) => x.pfn - y.pfn);
  }

  /** Whether pfns were visible to the executor: no present or swap entry has a zero frame. */
  showsPfns(): boolean {
    return !this.pm.some((r) => (r.hi & (PM_HI_PRESENT | PM_HI_SWAP)) !== 0 && pmFrame(r.lo, r.hi) === 0);
  }

  readPagemap(vpn: number, n: number, words: Uint32Array): number {
    words.fill(0, 0, 2 * n);
    for (let r = firstRunAfter(this.pm, (x) => x.vpn, vpn); r < this.pm.length && this.pm[r].vpn < vpn + n; r++) {
      const run = this.pm[r];
      const s = Math.max(vpn, run.vpn);
      const e = Math.min(vpn + n, run.vpn + run.count);
      for (let v = s; v < e; v++) {
        const low = run.lo + (v - run.vpn) * run.delta;
        const carry = Math.floor(low / 0x100000000);
        words[2 * (v - vpn)] = low - carry * 0x100000000;
        words[2 * (v - vpn) + 1] = run.hi + carry;
      }
    }
    return n;
  }

  readKpageflags(pfn: number, n: number, out: Uint32Array): boolean {
    if (!this.kpfAvailable) return false;
    // the executor prints no line for a pfn past the end of /proc/kpageflags (above max_pfn: device memory)
    out.fill(KPF.NOPAGE, 0, n);
    for (let r = firstRunAfter(this.kpf, (x) => x.pfn, pfn); r < this.kpf.length && this.kpf[r].pfn < pfn + n; r++) {
      const run = this.kpf[r];
      const s = Math.max(pfn, run.pfn);
      const e = Math.min(pfn + n, run.pfn + run.count);
      out.fill(run.flags >>> 0, s - pfn, e - pfn);
    }
    return true;
  }
}

export interface SnapshotCaptureOptions {
  /** the capture's range [start, end) in bytes, where its walks go (default: the snapshot's own start and pages); its
   *  pages are read wherever the snapshot has them */
  readonly range?: { readonly start: bigint; readonly end: bigint };
  /** the device-private regions in device order (device i owns the i-th); others get names as found */
  readonly deviceRegions?: (regions: readonly IomemRegion[]) => readonly IomemRegion[];
  /** the scenario's kernel id */
  readonly kernel?: string;
  readonly source?: string;
  readonly time?: string;
}

/** A capture of the executor's process at the moment of the snapshot, or why there is none. */
export function captureFromSnapshot(s: ProcSnapshotLines, o: SnapshotCaptureOptions = {}): { capture: Capture; scan: ScanResult } | { error: string } {
  if (!s.complete) return { error: `proc snapshot ${s.id} is incomplete (no proc-end line: the console lost lines or the executor failed)` };
  const ps = Number(s.info.page_size ?? 4096);
  const parsed = parseSmaps(s.smaps.join('\n'));
  if (parsed.vmas.length === 0) return { error: `proc snapshot ${s.id} has no mappings` };
  const snapStart = BigInt(s.info.start ?? '0');
  const snapEnd = snapStart + BigInt(s.info.pages ?? '0') * BigInt(ps);
  const range = o.range ?? { start: snapStart, end: snapEnd };
  // read what the snapshot has around the range (whole VMAs, when the executor was asked for them)
  const scanRange = { start: range.start < snapStart ? range.start : snapStart, end: range.end > snapEnd ? range.end : snapEnd };
  const src = new SnapshotSource(s, ps);
  if (src.problems.length) return { error: `proc snapshot ${s.id}: ${src.problems.slice(0, 3).join('; ')}` };
  const root = s.info.kpf === '1' && src.showsPfns();
  const regions = parseIomem(s.iomem.join('\n'));
  const devices = new DeviceNames(regions, ps, o.deviceRegions?.(regions) ?? []);
  const mounts = parseMountinfo(s.mounts.join('\n'));
  const vmas = selectVmas(parsed.vmas, range);
  const it = scanPages(vmas, src, { pageSize: ps, root, range: scanRange, release: s.info.release, deviceOfPfn: devices.of, fsOf: (v) => fileSystemOf(v, mounts) });
  let r = it.next();
  while (!r.done) r = it.next();
  const scan = r.value;
  const capture: Capture = {
    pid: 0, comm: 'hmm-exec', release: s.info.release ?? 'unknown', ...(o.kernel ? { kernel: o.kernel } : {}),
    time: o.time ?? new Date(0).toISOString(), pageSize: ps, root, ...(s.info.thp ? { thpMode: s.info.thp } : {}), range,
    mappings: scan.mappings, devices: devices.names, notes: [...parsed.problems, ...scan.notes],
    source: o.source ?? `the executor's process before walk ${s.id}`,
  };
  return { capture, scan };
}

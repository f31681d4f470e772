/**
 * Capturing a live process (Node only): reads /proc/PID/smaps, mountinfo, pagemap (in large blocks, only where
 * mappings are) and /proc/kpageflags (as root), classifies the pages (src/core/capture/) and returns a Capture that
 * src/core/capture/generate.ts turns into a scenario. Bad input and a process that goes away give a CaptureFailure
 * with a message naming what is wrong; VMAs that change while being read are read again, or named in the notes.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { release as osRelease } from 'node:os';
import type { Capture, CapturedMapping } from '../core/capture/generate';
import { DeviceNames } from '../core/capture/devices';
import { fileSystemOf, KPF, packKpf, parseIomem, parseMountinfo, parseSmaps, pmFrame, PM_HI_PRESENT, vmaKey } from '../core/capture/procfs';
import { scanPages, selectVmas, type PagemapSource, type ScanResult } from '../core/capture/scan';

export type FailureKind = 'no-process' | 'exited' | 'permission' | 'no-mm' | 'bad-range' | 'cancelled' | 'io';

export class CaptureFailure extends Error {
  constructor(message: string, readonly kind: FailureKind) {
    super(message);
  }
}

export interface CaptureOptions {
  /** bytes [start, end); without end, the VMA that contains start */
  readonly range?: { readonly start: bigint; readonly end?: bigint };
  readonly signal?: AbortSignal;
  /** pages scanned / in all */
  readonly onProgress?: (done: number, total: number) => void;
  /** largest VMA (pages) scanned for its resident pages (default 2^30: 4 TiB of 4 KiB pages) */
  readonly scanLimitPages?: number;
  /** how often to read everything again when VMAs changed under the capture (default 2) */
  readonly retries?: number;
  /** /proc (tests point it elsewhere) */
  readonly proc?: string;
  /** pages per pagemap read (default 65536: 512 KiB per read) */
  readonly blockPages?: number;
}

export interface CaptureOutcome {
  readonly capture: Capture;
  /** for stderr / a notification: no root, VMAs not read, VMAs that changed */
  readonly warnings: string[];
  readonly stats: {
    readonly seconds: number;
    readonly pagesRead: number;
    readonly attempts: number;
    /** bytes of buffers and runs the scan held (the memory bound) */
    readonly bufferBytes: number;
    /** resident pages of the captured mappings (smaps Rss + Swap) */
    readonly residentPages: number;
  };
}

interface Errno extends Error {
  code?: string;
}

const errnoOf = (e: unknown): string | undefined => (e as Errno | undefined)?.code;

/** The start time of a process (field 22 of /proc/PID/stat): the same PID with another start time is another process. */
function startTime(proc: string, pid: number): string | undefined {
  try {
    const t = readFileSync(`${proc}/${pid}/stat`, 'utf8');
    const rest = t.slice(t.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

function readText(path: string, what: string, pid: number, proc: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ESRCH') {
      if (!startTime(proc, pid)) throw new CaptureFailure(`process ${pid} exited while it was being captured (reading ${path})`, 'exited');
      throw new CaptureFailure(`cannot read ${path}: it does not exist`, 'io');
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CaptureFailure(`cannot read ${path} (${what}): permission denied. Reading another user's process needs to be that user or root (ptrace access: /proc/sys/kernel/yama/ptrace_scope may restrict it further)`, 'permission');
    }
    throw new CaptureFailure(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`, 'io');
  }
}

function optionalText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The live process's pagemap and the machine's kpageflags through two file descriptors. */
class ProcSource implements PagemapSource {
  private buf: Buffer;
  private kbuf: Buffer;
  failedKpf = false;
  constructor(private readonly pm: number, private readonly kpf: number | undefined, block: number) {
    this.buf = Buffer.allocUnsafeSlow(8 * block);
    this.kbuf = Buffer.allocUnsafeSlow(8 * block);
  }

  readPagemap(vpn: number, n: number, words: Uint32Array): number {
    const want = 8 * n;
    let got = 0;
    while (got < want) {
      let r: number;
      try {
        r = readSync(this.pm, this.buf, got, want - got, vpn * 8 + got);
      } catch (e) {
        if (errnoOf(e) === 'EINTR') continue;
        if (errnoOf(e) === 'ESRCH') break;
        throw e;
      }
      if (r <= 0) break;
      got += r;
    }
    const n32 = new Uint32Array(this.buf.buffer, this.buf.byteOffset, 2 * n);
    words.set(n32.subarray(0, got >> 2));
    return got >> 3;
  }

  readKpageflags(pfn: number, n: number, out: Uint32Array): boolean {
    if (this.kpf === undefined) return false;
    if (8 * n > this.kbuf.length) this.kbuf = Buffer.allocUnsafeSlow(8 * n);
    let got = 0;
    try {
      while (got < 8 * n) {
        const r = readSync(this.kpf, this.kbuf, got, 8 * n - got, pfn * 8 + got);
        if (r <= 0) break;
        got += r;
      }
    } catch {
      this.failedKpf = true;
      return false;
    }
    // /proc/kpageflags ends at max_pfn: a pfn past it (device memory) has no struct page in online memory
    const w = new Uint32Array(this.kbuf.buffer, this.kbuf.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) out[i] = 8 * i < got ? packKpf(w[2 * i], w[2 * i + 1]) : KPF.NOPAGE;
    return true;
  }
}

/** Whether pagemap shows pfns to this process: a present page of our own with pfn 0 means it hides them. */
function pfnsVisible(proc: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(`${proc}/self/pagemap`, 'r');
    const own = parseSmaps(readFileSync(`${proc}/self/maps`, 'utf8')).vmas.filter((v) => v.exec || v.path === '[stack]');
    const buf = Buffer.alloc(8 * 64);
    for (const v of own) {
      const n = readSync(fd, buf, 0, buf.length, Number(v.start / 4096n) * 8);
      const w = new Uint32Array(buf.buffer, buf.byteOffset, n >> 2);
      for (let i = 0; i + 1 < w.length; i += 2) if (w[i + 1] & PM_HI_PRESENT) return pmFrame(w[i], w[i + 1]) !== 0;
    }
    return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Captures process `pid`. Throws CaptureFailure with a clear message on every problem. */
export async function captureProcess(pid: number, o: CaptureOptions = {}): Promise<CaptureOutcome> {
  const proc = o.proc ?? '/proc';
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new CaptureFailure(`"${pid}" is not a process id (a positive whole number)`, 'bad-range');
  const t0 = performance.now();
  const born = startTime(proc, pid);
  if (!born) throw new CaptureFailure(`no process with PID ${pid} (${proc}/${pid} does not exist)`, 'no-process');
  const comm = (optionalText(`${proc}/${pid}/comm`) ?? '?').trim();
  const cmdline = (optionalText(`${proc}/${pid}/cmdline`) ?? '').split('\0').filter(Boolean).join(' ');
  const mounts = parseMountinfo(optionalText(`${proc}/${pid}/mountinfo`) ?? '');
  const thp = /\[(\w+)\]/.exec(optionalText('/sys/kernel/mm/transparent_hugepage/enabled') ?? '')?.[1];
  const ps = 4096;
  const warnings: string[] = [];

  let pm: number;
  try {
    pm = openSync(`${proc}/${pid}/pagemap`, 'r');
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ENOENT' || code === 'ESRCH') {
      if (!startTime(proc, pid)) throw new CaptureFailure(`process ${pid} exited before it could be captured`, 'exited');
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new CaptureFailure(`cannot read ${proc}/${pid}/pagemap: permission denied. Reading another user's process needs to be that user or root (ptrace access; /proc/sys/kernel/yama/ptrace_scope may restrict it further)`, 'permission');
    }
    throw new CaptureFailure(`cannot open ${proc}/${pid}/pagemap: ${e instanceof Error ? e.message : String(e)}`, 'io');
  }
  let kpf: number | undefined;
  try {
    kpf = openSync(`${proc}/kpageflags`, 'r');
  } catch {
    kpf = undefined;
  }
  // pfns are visible only with CAP_SYS_ADMIN, kpageflags readable only by root: use them when both hold
  let root = kpf !== undefined && pfnsVisible(proc);
  const regions = root ? parseIomem(optionalText(`${proc}/iomem`) ?? '') : [];
  const block = o.blockPages ?? 65536;
  const src = new ProcSource(pm, kpf, block);
  const retries = o.retries ?? 2;
  try {
    for (let attempt = 1; ; attempt++) {
      const smaps = readText(`${proc}/${pid}/smaps`, 'the mappings', pid, proc);
      const parsed = parseSmaps(smaps);
      if (parsed.vmas.length === 0) {
        if (startTime(proc, pid) !== born) throw new CaptureFailure(`process ${pid} exited while it was being captured`, 'exited');
        throw new CaptureFailure(`process ${pid} (${comm}) has no user address space (a kernel thread, or a process that is exiting)`, 'no-mm');
      }
      for (const pr of parsed.problems.slice(0, 5)) warnings.push(`${proc}/${pid}/smaps: ${pr}`);
      let range: { start: bigint; end: bigint } | undefined;
      if (o.range) {
        const start = o.range.start - (o.range.start % BigInt(ps));
        if (o.range.end === undefined) {
          const v = parsed.vmas.find((x) => x.start <= o.range!.start && o.range!.start < x.end);
          if (!v) throw new CaptureFailure(`nothing is mapped at 0x${o.range.start.toString(16)} in process ${pid}; give a length (--range START+LENGTH) to capture an unmapped range`, 'bad-range');
          range = { start: v.start, end: v.end };
        } else {
          const end = o.range.end + ((BigInt(ps) - (o.range.end % BigInt(ps))) % BigInt(ps));
          if (end > 1n << 47n) throw new CaptureFailure(`the range ends at 0x${end.toString(16)}, above the user address space (0x800000000000)`, 'bad-range');
          range = { start, end };
        }
      }
      const vmas = selectVmas(parsed.vmas, range);
      if (vmas.length === 0) throw new CaptureFailure(`nothing is mapped in 0x${range!.start.toString(16)}-0x${range!.end.toString(16)} of process ${pid}`, 'bad-range');
      const devices = new DeviceNames(regions, ps);
      // pfns are visible only with CAP_SYS_ADMIN; kpageflags is readable only by root: both, or neither
      const it = scanPages(vmas, src, {
        pageSize: ps, root, range, scanLimitPages: o.scanLimitPages, blockPages: block, release: osRelease(),
        deviceOfPfn: devices.of, fsOf: (v) => fileSystemOf(v, mounts),
      });
      let res: ScanResult | undefined;
      let last = performance.now();
      for (;;) {
        const r = it.next();
        if (r.done) { res = r.value; break; }
        o.onProgress?.(r.value.done, r.value.total);
        if (o.signal?.aborted) throw new CaptureFailure('capture cancelled', 'cancelled');
        if (performance.now() - last > 15) {
          // let the event loop run (the editor stays responsive, a cancel arrives)
          await tick();
          last = performance.now();
          if (o.signal?.aborted) throw new CaptureFailure('capture cancelled', 'cancelled');
        }
      }
      if (res.short || startTime(proc, pid) !== born) {
        throw new CaptureFailure(`process ${pid} exited while it was being captured (after ${res.pagesRead.toLocaleString('en-US')} pages were read)`, 'exited');
      }
      // did a VMA change while its pages were read?
      const again = parseSmaps(optionalText(`${proc}/${pid}/maps`) ?? '');
      if (again.vmas.length === 0 && startTime(proc, pid) !== born) throw new CaptureFailure(`process ${pid} exited while it was being captured`, 'exited');
      const before = new Set(vmas.map(vmaKey));
      const now = new Set(selectVmas(again.vmas, range).map(vmaKey));
      const changed = [...before].filter((k) => !now.has(k)).concat([...now].filter((k) => !before.has(k)));
      if (changed.length > 0 && attempt <= retries) continue;
      const notes = [...res.notes];
      if (changed.length > 0) {
        const msg = `${changed.length} mapping(s) changed while they were read, ${attempt} times in a row (the process keeps mapping and unmapping); the capture mixes moments for: ${changed.slice(0, 5).join('; ')}${changed.length > 5 ? ' …' : ''}`;
        notes.push(msg);
        warnings.push(msg);
      }
      if (src.failedKpf) notes.push('/proc/kpageflags stopped answering: some pages were classified without it');
      if (!root) {
        const msg = 'not running as root: pagemap hides the pfns and /proc/kpageflags is not readable, so the zero page, THPs, dirty file pages and swap vs. device-private entries are inferred from pagemap flags and smaps (the file says where)';
        warnings.push(msg);
      }
      warnings.push(...res.warnings);
      const resident = vmas.reduce((a, v) => a + (v.kb.get('Rss') ?? 0) + (v.kb.get('Swap') ?? 0), 0) * 1024 / ps;
      const capture: Capture = {
        pid, comm, cmdline, release: osRelease(), time: new Date().toISOString(), pageSize: ps, root,
        ...(thp ? { thpMode: thp } : {}), ...(range ? { range } : {}), mappings: res.mappings as CapturedMapping[],
        devices: devices.names, notes,
      };
      return { capture, warnings, stats: { seconds: (performance.now() - t0) / 1000, pagesRead: res.pagesRead, attempts: attempt,
        bufferBytes: res.bufferBytes + 16 * block, residentPages: resident } };
    }
  } finally {
    closeSync(pm);
    if (kpf !== undefined) closeSync(kpf);
    root = false;
  }
}

/**
 * The scan: which VMAs' pagemap to read, reading it in large blocks through a PagemapSource, fetching kpageflags
 * for the pfns found (sorted, in windows, never one read per page), and classifying (./classify.ts). A generator:
 * it yields after every block so a caller on an event loop can report progress and stop (src/capture/ for a live
 * process, ./snapshot.ts for the executor's snapshot on a real kernel).
 *
 * Memory stays bounded by the block size plus the runs: never one object or word per page of the process.
 */
import * as classify from './classify';
import type { ClassifyContext } from './classify';
import type { CapturedMapping } from './generate';
import type { CapturedVma } from './procfs';

const { deviceSwapTypes, VmaClassifier, kpfPfnOf } = classify;

/** Where pagemap entries and kpageflags come from. */
export interface PagemapSource {
  /**
   * Fills `words` with (lo, hi) halves of the pagemap entries of pages [vpn, vpn + n). Returns how many pages it
   * could read: fewer when the address space went away (the process exited).
   */
  readPagemap(vpn: number, n: number, words: Uint32Array): number;
  /** Fills `out` with the kpageflags of pfns [pfn, pfn + n), packed (packKpf); false when unavailable. */
  readKpageflags?(pfn: number, n: number, out: Uint32Array): boolean;
}

export interface ScanOptions {
  readonly pageSize: number;
  readonly root: boolean;
  /** [start, end) in bytes to capture; undefined: everything */
  readonly range?: { readonly start: bigint; readonly end: bigint };
  /** read VMAs up to this many pages whatever smaps says (markers live in VMAs with nothing resident) */
  readonly alwaysPages?: number;
  /** largest VMA scanned for its resident pages; a larger one with pages is reported, not read (default 2^30 pages) */
  readonly scanLimitPages?: number;
  /** pages per block (a multiple of 512; default 65536) */
  readonly blockPages?: number;
  readonly deviceOfPfn?: ClassifyContext['deviceOfPfn'];
  /** the kernel release (for the device-private entry types) */
  readonly release?: string;
  /** the filesystem type of a file VMA */
  readonly fsOf?: (v: CapturedVma) => string | undefined;
}

export interface ScanProgress {
  /** pages scanned so far and in all */
  readonly done: number;
  readonly total: number;
  readonly vma: CapturedVma;
}

export interface ScanResult {
  readonly mappings: CapturedMapping[];
  readonly notes: string[];
  /** warnings for the user (stderr / a notification): VMAs not read */
  readonly warnings: string[];
  /** the source returned fewer entries than asked: the address space went away */
  readonly short: boolean;
  /** pages whose pagemap entries were read */
  readonly pagesRead: number;
  /** largest number of bytes the scan held at once in buffers and runs */
  readonly bufferBytes: number;
}

export const DEFAULT_BLOCK_PAGES = 65536;
export const DEFAULT_ALWAYS_PAGES = 1 << 18;
export const DEFAULT_SCAN_LIMIT_PAGES = 2 ** 30;
/** pfns apart by at most this many are read in one window of kpageflags */
const KPF_GAP = 32;

function sizeText(pages: number, ps: number): string {
  const b = pages * ps;
  for (const [u, s] of [['TiB', 2 ** 40], ['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (b >= s) return `${(b / s).toFixed(b % s === 0 ? 0 : 1)} ${u}`;
  }
  return `${b} B`;
}

/** The VMAs a range selects: those overlapping [start, end). */
export function selectVmas(vmas: readonly CapturedVma[], range?: { start: bigint; end: bigint }): CapturedVma[] {
  if (!range) return [...vmas];
  return vmas.filter((v) => v.end > range.start && v.start < range.end);
}

/**
 * Scans the pages of `vmas` (already selected), yielding after every block. The result (the generator's return
 * value) has one CapturedMapping per VMA.
 */
export function* scanPages(vmas: readonly CapturedVma[], src: PagemapSource, o: ScanOptions): Generator<ScanProgress, ScanResult> {
  const ps = o.pageSize;
  const bps = BigInt(ps);
  const block = Math.max(512, Math.floor((o.blockPages ?? DEFAULT_BLOCK_PAGES) / 512) * 512);
  const always = o.alwaysPages ?? DEFAULT_ALWAYS_PAGES;
  const limit = o.scanLimitPages ?? DEFAULT_SCAN_LIMIT_PAGES;
  const words = new Uint32Array(2 * block);
  const kpf = new Int32Array(block);
  const keys = new Float64Array(block);
  const window = new Uint32Array(block);
  const mappings: CapturedMapping[] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  let short = false;
  let pagesRead = 0;
  let runBytes = 0;
  let kpfOk = o.root && src.readKpageflags !== undefined;
  const deviceTypes = o.release ? deviceSwapTypes(o.release) : undefined;

  const plan = vmas.map((v) => {
    let s = v.start;
    let e = v.end;
    if (o.range) {
      if (o.range.start > s) s = o.range.start;
      if (o.range.end < e) e = o.range.end;
    }
    // a range is widened to whole 2 MiB blocks inside the VMA, so that a THP it touches is captured whole
    const vs = Number(v.start / bps);
    const ve = Number(v.end / bps);
    const first = Math.max(vs, Math.floor(Number(s / bps) / 512) * 512);
    const end = Math.min(ve, Math.ceil(Number((e + bps - 1n) / bps) / 512) * 512);
    const pages = end - first;
    const vmaPages = Number((v.end - v.start) / bps);
    const resident = (v.kb.get('Rss') ?? 0) + (v.kb.get('Swap') ?? 0);
    const where = `0x${v.start.toString(16)}-0x${v.end.toString(16)}${v.path ? ` ${v.path}` : ''}`;
    let unread: string | undefined;
    if (v.end > 1n << 47n) unread = 'above the user address space';
    else if (pages > always && resident === 0 && v.kb.has('Rss')) {
      unread = `${sizeText(vmaPages, ps)} with nothing resident (smaps: Rss and Swap 0): not read; PTE markers (guard, uffd-wp) in it, if any, were not looked for`;
    } else if (pages > limit) {
      unread = `${sizeText(pages, ps)} with ${resident} kB resident: finding those pages needs a pagemap scan of ${sizeText(pages, ps)}, more than the scan limit of ${sizeText(limit, ps)}; captured as a mapping only (capture a part with --range, or raise --scan-limit)`;
      warnings.push(`${where}: ${unread}`);
    }
    return { v, first, pages, unread, where };
  });
  const total = plan.reduce((a, p) => a + (p.unread ? 0 : p.pages), 0);
  let done = 0;

  for (const p of plan) {
    const fs = o.fsOf?.(p.v);
    if (p.unread || short) {
      mappings.push({ vma: p.v, unread: short ? 'the process exited before its pages were read' : p.unread, ...(fs ? { fs } : {}) });
      continue;
    }
    const cls = new VmaClassifier(p.v, p.first, { root: o.root, deviceOfPfn: o.deviceOfPfn, deviceTypes }, ps);
    const end = p.first + p.pages;
    for (let vpn = p.first; vpn < end;) {
      // blocks end on 512-page boundaries (a PMD-mapped THP never straddles two) except at the range's end
      let n = Math.min(end - vpn, block);
      if (vpn + n < end) n = Math.max(512, Math.floor((vpn + n) / 512) * 512 - vpn);
      const got = src.readPagemap(vpn, n, words);
      if (got < n) {
        words.fill(0, 2 * Math.max(0, got), 2 * n);
        short = true;
      }
      pagesRead += Math.max(0, got);
      let any = false;
      for (let i = 0; i < 2 * n; i += 2) if (words[i + 1] !== 0) { any = true; break; }
      if (!any) {
        cls.runs.push(0, n);
      } else {
        let useKpf: Int32Array | undefined;
        if (kpfOk) {
          kpf.fill(-1, 0, n);
          let k = 0;
          for (let i = 0; i < n; i++) {
            const pfn = kpfPfnOf(words[2 * i], words[2 * i + 1], true);
            // pfns are below 2^36 on any real machine; the key packs the page index below the pfn
            if (pfn > 0) keys[k++] = pfn * 65536 + i;
          }
          if (k > 0 && !readKpf(src, keys, k, kpf, window)) kpfOk = false;
          if (kpfOk) useKpf = kpf;
        }
        cls.classify(vpn, words, n, useKpf);
      }
      vpn += n;
      done += n;
      yield { done, total, vma: p.v };
      if (short) break;
    }
    notes.push(...cls.finish());
    runBytes += cls.runs.bytes;
    mappings.push({ vma: p.v, pages: { firstVpn: p.first, runs: cls.runs }, ...(fs ? { fs } : {}) });
  }
  if (o.root && !kpfOk && src.readKpageflags) notes.push('/proc/kpageflags could not be read to the end: some pages were classified without it');
  const bufferBytes = words.byteLength + kpf.byteLength + keys.byteLength + window.byteLength + runBytes;
  return { mappings, notes, warnings, short, pagesRead, bufferBytes };
}

/** kpageflags for the k packed (pfn, index) keys, read in windows of nearby pfns; fills kpf[index]. */
function readKpf(src: PagemapSource, keys: Float64Array, k: number, kpf: Int32Array, window: Uint32Array): boolean {
  const sorted = keys.subarray(0, k).sort();
  let i = 0;
  while (i < k) {
    const p0 = Math.floor(sorted[i] / 65536);
    let j = i + 1;
    let last = p0;
    while (j < k) {
      const p = Math.floor(sorted[j] / 65536);
      if (p - last > KPF_GAP || p - p0 >= window.length) break;
      last = p;
      j++;
    }
    const n = last - p0 + 1;
    if (!src.readKpageflags!(p0, n, window)) return false;
    for (let x = i; x < j; x++) {
      const v = sorted[x];
      const pfn = Math.floor(v / 65536);
      kpf[v - pfn * 65536] = window[pfn - p0] & 0x7fffffff;
    }
    i = j;
  }
  return true;
}

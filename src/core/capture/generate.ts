/**
 * A capture (what /proc said about a process) as a scenario file that reproduces it: the VMAs at their real
 * addresses with their flags, then the page states through the steps that produce them — in an order that makes
 * the simulator reach the same state (pages shared with a forked child before a `fork`, 4 KiB pages before
 * MADV_HUGEPAGE, swap-outs after the writes) — `set` where only an exact state will do, then walks.
 *
 * The file says in comments what was captured, when, on which kernel, and every state it could not express, with
 * the reason. The text is YAML the parser reads back (docs/scenario-reference.md).
 */
import { releaseOfUname } from '../oracle/targets';
import { DEFAULT_LIMITS, USER_ADDRESS_END } from '../scenario/limits';
import { CLASS_TEXT, PC, classOf, deviceOfCode, hugetlbBytes, vmaKind, type VmaKind } from './classify';
import type { CapturedVma } from './procfs';
import type { RunList } from './runs';

export interface CapturedMapping {
  readonly vma: CapturedVma;
  /** the pages read: from vpn `firstVpn`, `runs.pages` pages (a part of the VMA with --range; absent: none read) */
  readonly pages?: { readonly firstVpn: number; readonly runs: RunList };
  /** why the pages were not read */
  readonly unread?: string;
  /** the filesystem type of a file mapping's file (from mountinfo) */
  readonly fs?: string;
}

export interface Capture {
  readonly pid: number;
  readonly comm: string;
  readonly cmdline?: string;
  /** `uname -r` of the kernel the process ran on */
  readonly release: string;
  /** the scenario's kernel id (default: from the release) */
  readonly kernel?: string;
  /** ISO time of the capture */
  readonly time: string;
  readonly pageSize: number;
  /** pfns and /proc/kpageflags were readable */
  readonly root: boolean;
  /** /sys/kernel/mm/transparent_hugepage/enabled: always, madvise or never */
  readonly thpMode?: string;
  /** the captured range [start, end) in bytes; absent: the whole address space */
  readonly range?: { readonly start: bigint; readonly end: bigint };
  readonly mappings: readonly CapturedMapping[];
  /** names of the devices owning device-private pages (index = the device index in page codes) */
  readonly devices: readonly string[];
  /** what the reader noticed (changed VMAs, VMAs not read, guesses) */
  readonly notes: readonly string[];
  /** where the state came from, for the header (`process 1234`, `the executor's snapshot before walk 2`) */
  readonly source?: string;
}

/** A walk to put at the end instead of the default ones (the oracle's comparison replays the real walk). */
export interface WalkSpec {
  readonly name: string;
  readonly start: bigint;
  readonly pages: number;
  readonly defaultFlags: bigint;
  readonly mask: bigint;
  readonly device?: string;
  readonly retry: boolean;
  readonly refill: boolean;
  readonly input?: readonly { readonly first: number; readonly count: number; readonly word: bigint }[];
}

export interface GenerateOptions {
  /** largest walk (default 16777216 pages, the parser's limit) */
  readonly maxWalkPages?: number;
  /** most steps in the file (default the parser's limit, 10000) */
  readonly maxSteps?: number;
  /** `both` (default): a snapshot and a faulting walk; `snapshot`; or these walks */
  readonly walks?: 'both' | 'snapshot' | readonly WalkSpec[];
  /** the scenario's file name, for the header */
  readonly file?: string;
}

export interface Generated {
  readonly text: string;
  /** what could not be expressed (also in the file's comments) */
  readonly notes: readonly string[];
  /** the walks, in order: name, whether it is a snapshot, its start and size */
  readonly walks: readonly { readonly name: string; readonly snapshot: boolean; readonly start: bigint; readonly pages: number }[];
  /** pages per class over all mappings (for the summary) */
  readonly counts: ReadonlyMap<number, number>;
  readonly steps: number;
  /** the walk to show first: the range's snapshot, or the snapshot of the mapping with the most pages populated */
  readonly focus: number;
}

export class CaptureError extends Error {}

type Prot = 'none' | 'r' | 'rw' | 'rx' | 'rwx';

/** A page range of one mapping in one state, as the steps see it. */
interface Span {
  readonly m: number;
  readonly off: number;
  readonly count: number;
  readonly code: number;
}

interface Plan {
  readonly vma: CapturedVma;
  readonly kind: VmaKind;
  readonly name: string;
  readonly vpn: number;
  readonly pages: number;
  readonly finalProt: Prot;
  mmapProt: Prot;
  readonly spans: Span[];
  readonly hugetlb: number;
  readonly comment: string;
  /** MADV_HUGEPAGE applied before the fork (for shared THPs) */
  hgEarly: boolean;
  readonly fs?: string;
}

const PMD_PAGES = 512;

const isThpClass = (code: number): boolean => {
  const c = classOf(code);
  return c === PC.THP || c === PC.THP_SHARED || c === PC.HUGE_ZERO;
};

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

function protOf(read: boolean, write: boolean, exec: boolean): Prot {
  if (write) return exec ? 'rwx' : 'rw';
  if (read || exec) return exec ? 'rx' : 'r';
  return 'none';
}

function withWrite(p: Prot): Prot {
  return p === 'rx' || p === 'rwx' ? 'rwx' : 'rw';
}

function withRead(p: Prot): Prot {
  return p === 'none' ? 'r' : p;
}

/** A mapping name the parser accepts (letters, digits, _ . -; starting with a letter or _). */
function baseName(v: CapturedVma): string {
  let n: string;
  const bracket = /^\[(.*)\]$/.exec(v.path);
  if (bracket) n = bracket[1].replace(/^anon:/, '');
  else if (v.path === '') n = 'anon';
  else n = v.path.replace(/ \(deleted\)$/, '').split('/').pop() || 'file';
  n = n.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40);
  if (!/^[A-Za-z_]/.test(n)) n = `_${n}`;
  if (n === 'system') n = 'system_';
  return n;
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function sizeText(bytes: bigint): string {
  for (const [u, s] of [['TiB', 40n], ['GiB', 30n], ['MiB', 20n], ['KiB', 10n]] as const) {
    if (bytes >= 1n << s) {
      const whole = bytes >> s;
      const tenth = ((bytes - (whole << s)) * 10n) >> s;
      return `${whole}${tenth ? `.${tenth}` : ''} ${u}`;
    }
  }
  return `${bytes} B`;
}

/** One line of a comment (no line breaks, no control characters). */
function oneLine(s: string): string {
  let out = '';
  for (const ch of s) out += ch.charCodeAt(0) < 0x20 || ch === '\u007f' ? ' ' : ch;
  return out;
}

/** The scenario filesystem for a shared file mapping's filesystem type, and what was assumed. */
function scenarioFs(fs: string | undefined): { fs?: 'tmpfs' | 'ext4' | 'xfs' | 'btrfs'; note?: string } {
  if (!fs) return { note: 'its filesystem is unknown: modelled as tmpfs (no write notification)' };
  if (['tmpfs', 'shmem', 'ramfs', 'devtmpfs', 'hugetlbfs'].includes(fs)) return {};
  if (fs === 'ext4' || fs === 'xfs' || fs === 'btrfs') return { fs };
  if (fs === 'ext3' || fs === 'ext2') return { fs: 'ext4', note: `${fs} is modelled as ext4 (write notification)` };
  return { fs: 'ext4', note: `${fs} is modelled as a filesystem with write notification (page_mkwrite), like ext4` };
}

/** Walk range of one mapping: the whole VMA when it is small enough, else where its pages are. */
function walkRange(p: Plan, pg: CapturedMapping['pages'], maxWalk: number): { vpn: number; pages: number; why?: string } {
  const WHOLE = Math.min(maxWalk, 1 << 18);
  if (p.pages <= WHOLE) return { vpn: p.vpn, pages: p.pages };
  let first = -1;
  let last = -1;
  if (pg) {
    for (const [off, count, code] of pg.runs.entries()) {
      if (classOf(code) === PC.NONE) continue;
      if (first < 0) first = pg.firstVpn + off;
      last = pg.firstVpn + off + count;
    }
  }
  if (first < 0) {
    const n = Math.min(p.pages, PMD_PAGES);
    return { vpn: p.vpn, pages: n, why: `the mapping is ${sizeText(BigInt(p.pages) * 4096n)} with nothing populated: the walk covers its first ${n} pages` };
  }
  const pages = Math.min(last - first, maxWalk);
  return { vpn: first, pages, why: `the mapping is ${sizeText(BigInt(p.pages) * 4096n)}: the walk covers where its pages are (${fmt(pages)} pages${last - first > maxWalk ? `, cut at the walk limit of ${fmt(maxWalk)}` : ''})` };
}

/**
 * Merges runs shorter than `min` pages into the run before them (a fallback when the page states need more steps
 * than a scenario may have). Returns how many pages changed state.
 */
function coarsen(spans: Span[], min: number): number {
  let changed = 0;
  let w = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    const prev = w > 0 ? spans[w - 1] : undefined;
    if (prev && prev.m === s.m && prev.off + prev.count === s.off && (prev.code === s.code || s.count < min)) {
      if (prev.code !== s.code) changed += s.count;
      spans[w - 1] = { ...prev, count: prev.count + s.count };
      continue;
    }
    spans[w++] = s;
  }
  spans.length = w;
  return changed;
}

export function generateScenario(c: Capture, opts: GenerateOptions = {}): Generated {
  const ps = c.pageSize;
  if (ps !== 4096 && ps !== 16384 && ps !== 65536) throw new CaptureError(`page size ${ps}: scenarios model 4096, 16384 or 65536`);
  const maxWalk = opts.maxWalkPages ?? DEFAULT_LIMITS.maxWalkPages;
  const maxSteps = opts.maxSteps ?? DEFAULT_LIMITS.maxSteps;
  const notes: string[] = [...c.notes];
  const counts = new Map<number, number>();
  const bps = BigInt(ps);

  let kernel = c.kernel ?? releaseOfUname(c.release);
  if (!kernel) {
    notes.push(`the kernel release ${c.release} is not one HMM Lens models (v4.17 to v6.19): the scenario models "latest"`);
    kernel = 'latest';
  }

  // ---- the mappings ------------------------------------------------------------------------------------------
  const plans: Plan[] = [];
  const used = new Map<string, number>();
  for (const cm of c.mappings) {
    const v = cm.vma;
    const where = `0x${v.start.toString(16)}-0x${v.end.toString(16)} ${v.perms}${v.path ? ` ${v.path}` : ''}`;
    if (v.end > USER_ADDRESS_END) {
      notes.push(`${where}: above the 47-bit user address space the simulator models (the legacy vsyscall page); left out`);
      continue;
    }
    if (v.start % bps !== 0n || v.end % bps !== 0n) {
      notes.push(`${where}: not aligned to the page size ${ps}; left out`);
      continue;
    }
    const kind = vmaKind(v);
    const huge = kind === 'hugetlb' ? hugetlbBytes(v) : 0;
    if (kind === 'hugetlb' && huge !== 2 << 20 && huge !== 1 << 30) {
      notes.push(`${where}: hugetlb pages of ${huge / 1024} KiB; the scenario format has 2M and 1G hugetlb pages only; left out`);
      continue;
    }
    const b = baseName(v);
    const k = (used.get(b) ?? 0) + 1;
    used.set(b, k);
    const name = k === 1 ? b : `${b}_${k}`;
    const vpn = Number(v.start / bps);
    const pages = Number((v.end - v.start) / bps);
    const spans: Span[] = [];
    const m = plans.length;
    if (cm.pages) {
      for (const [off, count, code] of cm.pages.runs.entries()) {
        counts.set(classOf(code), (counts.get(classOf(code)) ?? 0) + count);
        if (classOf(code) === PC.NONE) continue;
        spans.push({ m, off: cm.pages.firstVpn - vpn + off, count, code });
      }
    } else if (cm.unread) {
      notes.push(`${where}: pages not read: ${cm.unread}`);
    }
    const finalProt = protOf(v.read || (v.write && !v.read), v.write, v.exec);
    if (v.write && !v.read) notes.push(`${where}: write-only; modelled as rw (x86 has no write-only pages)`);
    const parts: string[] = [where, sizeText(v.end - v.start)];
    if (kind === 'file-private' || kind === 'file-shared') parts.push(cm.fs ? `on ${cm.fs}` : 'filesystem unknown');
    const flags = [...v.vmFlags].filter((f) => ['hg', 'nh', 'io', 'pf', 'mm', 'ht', 'gd', 'lo', 'uw', 'um', 'ui', 'mg', 'dc', 'wf'].includes(f));
    if (flags.length) parts.push(`VmFlags ${flags.join(' ')}`);
    const rss = v.kb.get('Rss');
    if (rss) parts.push(`Rss ${fmt(rss)} kB`);
    const swap = v.kb.get('Swap');
    if (swap) parts.push(`Swap ${fmt(swap)} kB`);
    if (v.vmFlags.has('gd')) notes.push(`${where}: VM_GROWSDOWN (a stack) is not modelled: a fault below it does not grow it`);
    if (v.vmFlags.has('um') || v.vmFlags.has('uw') || v.vmFlags.has('ui')) {
      notes.push(`${where}: registered with userfaultfd (${['um', 'uw', 'ui'].filter((f) => v.vmFlags.has(f)).join(' ')}): a fault there goes to the userfaultfd handler, which the simulator does not model (uffd-wp PTE markers are captured)`);
    }
    if (kind === 'hugetlb' && v.path.startsWith('/') && !/^\/anon_hugepage/.test(v.path)) {
      notes.push(`${where}: a hugetlbfs file: modelled as an anonymous hugetlb mapping`);
    }
    let fs: string | undefined;
    if (kind === 'file-shared' && v.write) {
      const f = scenarioFs(cm.fs);
      fs = f.fs;
      if (f.note) notes.push(`${where}: ${f.note}`);
    }
    plans.push({ vma: v, kind, name, vpn, pages, finalProt, mmapProt: finalProt, spans, hugetlb: huge, comment: parts.join(', '),
      hgEarly: false, ...(fs ? { fs } : {}) });
  }
  if (plans.length === 0) throw new CaptureError(c.range ? 'nothing is mapped in the captured range' : 'the process has no mapping the simulator can model');

  // ---- the steps each span needs -----------------------------------------------------------------------------
  const thpMode = c.thpMode ?? 'madvise';
  const needsHg = (p: Plan) => p.vma.vmFlags.has('hg');
  const steps: { phase: number; m: number; text: string }[] = [];
  const add = (phase: number, m: number, text: string) => steps.push({ phase, m, text });
  const P = { MMAP: 0, SHARED4K: 1, SHARED_HG: 2, SHARED_THP: 3, SHARED_AFTER: 4, FORK: 5, PAGES: 6, AFTER: 7, HG: 8, THP: 9, SET: 10, MPROTECT: 11, NOHUGE: 12 };
  const at = (p: Plan, off: number) => (off === 0 ? p.name : `${p.name}+${off}`);
  const range = (p: Plan, off: number, count: number) => `at: ${at(p, off)}, pages: ${count}`;
  let fork = false;
  const devicesUsed = new Set<number>();
  const unexpressed = new Map<string, number>();
  const skip = (why: string, count: number) => unexpressed.set(why, (unexpressed.get(why) ?? 0) + count);
  const setNotes = new Map<string, number>();
  const viaSet = (why: string, count: number) => setNotes.set(why, (setNotes.get(why) ?? 0) + count);

  /** Whether [off, off+count) of p touches a 2 MiB block that lies wholly inside the VMA (a fault there may be a THP). */
  const inThpBlock = (p: Plan, off: number, count: number): boolean => {
    const s = p.vpn + off;
    const e = s + count;
    const first = Math.ceil(p.vpn / PMD_PAGES) * PMD_PAGES;
    const last = Math.floor((p.vpn + p.pages) / PMD_PAGES) * PMD_PAGES;
    return first < last && s < last && e > first;
  };

  const emitSpans = (p: Plan, m: number) => {
    const anonLike = p.kind === 'anon' || p.kind === 'file-private';
    for (const s of p.spans) {
      const cls = classOf(s.code);
      const r = range(p, s.off, s.count);
      // once MADV_HUGEPAGE is in place (before the fork, for shared THPs), a fault in a whole 2 MiB block maps a THP:
      // 4 KiB states there are set exactly instead
      const exact = p.hgEarly && inThpBlock(p, s.off, s.count);
      switch (cls) {
        case PC.ANON:
          if (exact) { add(P.SET, m, `set: { ${r}, pte: { state: present, write: ${p.vma.write} } }`); viaSet('a 4 KiB page inside a 2 MiB block where the mapping maps THPs (set, so that no THP is made)', s.count); }
          else { add(P.PAGES, m, `write: { ${r} }`); p.mmapProt = withWrite(p.mmapProt); }
          break;
        case PC.ANON_SHARED:
          if (p.kind === 'shmem' || p.kind === 'file-shared') { add(P.PAGES, m, `read: { ${r} }`); break; }
          add(P.SHARED4K, m, `write: { ${r} }`); p.mmapProt = withWrite(p.mmapProt); fork = true;
          break;
        case PC.ANON_SWAPCACHE:
          if (exact) { add(P.SET, m, `set: { ${r}, pte: { state: present, write: false } }`); viaSet('a page read back from swap inside a THP-enabled 2 MiB block', s.count); break; }
          add(P.PAGES, m, `write: { ${r} }`); add(P.AFTER, m, `madvise: { ${r}, advice: pageout }`); add(P.AFTER, m, `read: { ${r} }`);
          p.mmapProt = withWrite(p.mmapProt);
          break;
        case PC.ZERO:
          if (exact) { add(P.SET, m, `set: { ${r}, pte: zero }`); viaSet('a zero page inside a 2 MiB block where the mapping maps THPs (set, so that no huge zero page is made)', s.count); }
          else { add(P.PAGES, m, `read: { ${r} }`); p.mmapProt = withRead(p.mmapProt); }
          break;
        case PC.FILE:
          add(P.PAGES, m, `read: { ${r} }`); p.mmapProt = withRead(p.mmapProt);
          break;
        case PC.FILE_DIRTY:
          if (p.kind === 'file-private' || p.kind === 'anon') { add(P.PAGES, m, `read: { ${r} }`); p.mmapProt = withRead(p.mmapProt); }
          else { add(P.PAGES, m, `write: { ${r} }`); p.mmapProt = withWrite(p.mmapProt); }
          break;
        case PC.HUGETLB: case PC.HUGETLB_SHARED: {
          // whole huge pages only
          const span = p.hugetlb / ps;
          const s0 = Math.floor((p.vpn + s.off) / span) * span - p.vpn;
          const e0 = Math.ceil((p.vpn + s.off + s.count) / span) * span - p.vpn;
          const rr = range(p, s0, e0 - s0);
          if (p.vma.shared) { add(P.PAGES, m, `${p.vma.write ? 'write' : 'read'}: { ${rr} }`); p.mmapProt = withRead(p.mmapProt); }
          else if (cls === PC.HUGETLB_SHARED) { add(P.SHARED4K, m, `write: { ${rr} }`); p.mmapProt = withWrite(p.mmapProt); fork = true; }
          else { add(P.PAGES, m, `write: { ${rr} }`); p.mmapProt = withWrite(p.mmapProt); }
          break;
        }
        case PC.SWAP:
          if (!anonLike) { skip('swap entries outside private memory', s.count); break; }
          if (exact) { add(P.SET, m, `set: { ${r}, pte: swap }`); viaSet('a swapped-out page inside a THP-enabled 2 MiB block', s.count); break; }
          add(P.PAGES, m, `write: { ${r} }`); add(P.AFTER, m, `madvise: { ${r}, advice: pageout }`);
          p.mmapProt = withWrite(p.mmapProt);
          break;
        case PC.HWPOISON:
          if (exact || !anonLike) { add(P.SET, m, `set: { ${r}, pte: hwpoison }`); viaSet('a hwpoison entry', s.count); break; }
          add(P.PAGES, m, `write: { ${r} }`); add(P.AFTER, m, `madvise: { ${r}, advice: hwpoison }`);
          p.mmapProt = withWrite(p.mmapProt);
          break;
        case PC.DEVICE_PRIVATE: case PC.DEVICE_PRIVATE_SHARED: {
          const d = deviceOfCode(s.code);
          devicesUsed.add(d);
          const dev = c.devices[d] ?? 'device0';
          if (p.kind !== 'anon') { skip('device-private entries outside private anonymous memory', s.count); break; }
          const shared = cls === PC.DEVICE_PRIVATE_SHARED;
          add(shared ? P.SHARED4K : P.PAGES, m, `write: { ${r} }`); add(shared ? P.SHARED_AFTER : P.AFTER, m, `migrate: { ${r}, to: ${dev} }`);
          p.mmapProt = withWrite(p.mmapProt);
          if (shared) fork = true;
          break;
        }
        case PC.DEVICE_PRIVATE_RO: {
          const d = deviceOfCode(s.code);
          devicesUsed.add(d);
          if (p.kind !== 'anon') { skip('device-private entries outside private anonymous memory', s.count); break; }
          add(P.SET, m, `set: { ${r}, pte: { state: device_private, device: ${c.devices[d] ?? 'device0'}, write: false } }`);
          viaSet('a read-only device-private entry of this process only (made read-only by mprotect, or moved while read-only)', s.count);
          break;
        }
        case PC.DEVICE_EXCLUSIVE: {
          devicesUsed.add(0);
          if (p.kind !== 'anon') { skip('device-exclusive entries outside private anonymous memory', s.count); break; }
          add(P.PAGES, m, `write: { ${r} }`); add(P.AFTER, m, `exclusive: { ${r}, device: ${c.devices[0] ?? 'device0'} }`);
          p.mmapProt = withWrite(p.mmapProt);
          break;
        }
        case PC.THP: case PC.THP_SHARED: case PC.HUGE_ZERO: {
          // whole aligned blocks; anything else (a coarsened run) is written as 4 KiB pages
          const shared = cls === PC.THP_SHARED;
          for (let b = 0; b < s.count; b += PMD_PAGES) {
            const n = Math.min(PMD_PAGES, s.count - b);
            const rr = range(p, s.off + b, n);
            const whole = n === PMD_PAGES && (p.vpn + s.off + b) % PMD_PAGES === 0;
            if (cls === PC.HUGE_ZERO) {
              if (!whole) { skip('pages of the huge zero page outside a whole 2 MiB block', n); continue; }
              add(P.THP, m, `read: { ${rr} }`); p.mmapProt = withRead(p.mmapProt);
              continue;
            }
            if (!whole) { add(shared ? P.SHARED4K : P.PAGES, m, `write: { ${rr} }`); if (shared) fork = true; p.mmapProt = withWrite(p.mmapProt); continue; }
            add(shared ? P.SHARED_THP : P.THP, m, `write: { ${rr} }`); p.mmapProt = withWrite(p.mmapProt);
            if (shared) { fork = true; p.hgEarly = true; }
          }
          break;
        }
        case PC.KSM:
          add(P.SET, m, `set: { ${r}, pte: { state: present, write: false } }`); viaSet('a KSM-merged page (read-only, shared with other mappings)', s.count);
          break;
        case PC.UFFD_WP_PRESENT:
          add(P.SET, m, `set: { ${r}, pte: { state: present, write: false } }`); viaSet('a present page write-protected by userfaultfd (the uffd-wp bit itself is not modelled: a write fault would go to the handler)', s.count);
          break;
        case PC.SPECIAL:
          if (!p.vma.vmFlags.has('mm')) { skip('pages of VM_IO/VM_PFNMAP mappings (hmm_range_fault() never walks them)', s.count); break; }
          add(P.SET, m, `set: { ${r}, pte: special }`);
          break;
        case PC.DRIVER_PAGE:
          if (!p.vma.vmFlags.has('mm')) { skip('pages of VM_IO/VM_PFNMAP mappings (hmm_range_fault() never walks them)', s.count); break; }
          add(P.SET, m, `set: { ${r}, pte: { state: present, write: ${p.vma.shared && p.vma.write} } }`);
          viaSet('a page a driver inserted (its write permission assumed from the mapping: writable in a shared writable mapping)', s.count);
          break;
        case PC.MIGRATION:
          add(P.SET, m, `set: { ${r}, pte: migration }`); viaSet('a migration entry (the page was being migrated at the moment of the capture)', s.count);
          break;
        case PC.GUARD:
          add(P.SET, m, `set: { ${r}, pte: { state: marker, kind: guard } }`);
          break;
        case PC.UFFD_WP_MARKER:
          add(P.SET, m, `set: { ${r}, pte: { state: marker, kind: uffd_wp } }`);
          break;
        case PC.POISONED_MARKER:
          add(P.SET, m, `set: { ${r}, pte: { state: marker, kind: poisoned } }`);
          break;
        default:
          skip(`pages in a state the capture does not understand (${CLASS_TEXT[cls] ?? cls})`, s.count);
      }
    }
  };

  // MADV_HUGEPAGE for shared THPs must come before the fork: mark those mappings first
  for (const p of plans) if (p.spans.some((s) => classOf(s.code) === PC.THP_SHARED)) p.hgEarly = true;

  const build = (walkMode: 'both' | 'snapshot' | 'populated' | readonly WalkSpec[]) => {
    steps.length = 0;
    fork = false;
    devicesUsed.clear();
    unexpressed.clear();
    setNotes.clear();
    plans.forEach((p, m) => {
      p.mmapProt = p.finalProt;
      emitSpans(p, m);
      const thpHere = p.spans.some((s) => isThpClass(s.code));
      // the simulator maps THPs in MADV_HUGEPAGE ranges only (THP "madvise"); with THP "always" every anonymous
      // mapping without VM_NOHUGEPAGE gets them, so it is advised; with "never" no fault maps a THP
      const plain = p.kind !== 'hugetlb' && p.kind !== 'driver';
      const hgWhole = plain && (thpMode === 'never' ? false
        : needsHg(p) || (thpMode === 'always' && p.kind === 'anon' && !p.vma.vmFlags.has('nh')));
      const hgPhase = p.hgEarly ? P.SHARED_HG : P.HG;
      if (hgWhole) add(hgPhase, m, `madvise: { at: ${p.name}, pages: ${p.pages}, advice: hugepage }`);
      else if (thpHere) {
        // THPs in a mapping without VM_HUGEPAGE (THP "always", or khugepaged): advise just their blocks
        for (const s of p.spans) {
          if (!isThpClass(s.code)) continue;
          add(hgPhase, m, `madvise: { ${range(p, s.off, s.count)}, advice: hugepage }`);
        }
      }
      if (p.mmapProt !== p.finalProt) add(P.MPROTECT, m, `mprotect: { at: ${p.name}, pages: ${p.pages}, prot: ${p.finalProt} }`);
      if (p.vma.vmFlags.has('nh')) add(P.NOHUGE, m, `madvise: { at: ${p.name}, pages: ${p.pages}, advice: nohugepage }`);
    });
    if (fork) add(P.FORK, -1, 'fork: {}');
    const walks: { name: string; snapshot: boolean; start: bigint; pages: number; text: string; why?: string }[] = [];
    if (Array.isArray(walkMode)) {
      for (const w of walkMode as readonly WalkSpec[]) {
        const input = (w.input ?? []).flatMap((r) => Array.from({ length: r.count }, (_x, k) => `${hex(w.start + BigInt(r.first + k) * bps)}: ${hex(r.word)}`));
        walks.push({ name: w.name, snapshot: w.defaultFlags === 0n && w.mask === 0n, start: w.start, pages: w.pages,
          text: `walk: { name: ${JSON.stringify(w.name)}, at: ${hex(w.start)}, pages: ${w.pages}, default_flags: ${hex(w.defaultFlags)}, pfn_flags_mask: ${hex(w.mask)}`
            + `${w.device ? `, device: ${w.device}` : ''}, retry: ${w.retry}, refill: ${w.refill}${input.length ? `, input: { ${input.join(', ')} }` : ''} }` });
      }
    } else if (c.range) {
      const s = c.range.start / bps;
      const pages = Number((c.range.end + bps - 1n) / bps - s);
      if (pages > maxWalk) throw new CaptureError(`the range is ${fmt(pages)} pages; one walk covers at most ${fmt(maxWalk)} pages (the hmm.maxPages setting / --max-pages): capture a smaller range`);
      for (const mode of walkMode === 'both' ? ['snapshot', 'fault'] : ['snapshot']) {
        walks.push({ name: `${mode} of the range`, snapshot: mode === 'snapshot', start: s * bps, pages,
          text: `walk: { name: "${mode} of the range", at: ${hex(s * bps)}, pages: ${pages}, mode: ${mode} }` });
      }
    } else {
      for (const mode of walkMode === 'both' ? ['snapshot', 'fault'] : ['snapshot']) {
        plans.forEach((p) => {
          if (walkMode === 'populated' && p.spans.length === 0) return;
          const wr = walkRange(p, c.mappings.find((x) => x.vma === p.vma)?.pages, maxWalk);
          const start = BigInt(wr.vpn) * bps;
          const atText = wr.vpn === p.vpn ? p.name : `${p.name}+${wr.vpn - p.vpn}`;
          walks.push({ name: `${mode} ${p.name}`, snapshot: mode === 'snapshot', start, pages: wr.pages, why: wr.why,
            text: `walk: { name: "${mode} ${p.name}", at: ${atText}, pages: ${wr.pages}, mode: ${mode} }` });
        });
      }
    }
    return walks;
  };

  if (thpMode === 'always') notes.push('THP is "always" on this machine; the simulator maps THPs only in MADV_HUGEPAGE ranges, so every private anonymous mapping without VM_NOHUGEPAGE is advised MADV_HUGEPAGE (VmFlags hg in the scenario)');
  if (thpMode === 'never' && plans.some((p) => needsHg(p))) notes.push('THP is "never" on this machine: VM_HUGEPAGE (VmFlags hg) is left out, since no fault maps a THP here');
  let walkMode: 'both' | 'snapshot' | 'populated' | readonly WalkSpec[] = opts.walks ?? 'both';
  let walks = build(walkMode);
  const total = () => steps.length + plans.length + walks.length;
  if (total() > maxSteps && !Array.isArray(walkMode) && walkMode === 'both') {
    walkMode = 'snapshot';
    walks = build(walkMode);
    notes.push(`the faulting walks are left out: with them the scenario would have more than ${fmt(maxSteps)} steps (the format's limit)`);
  }
  if (total() > maxSteps && walkMode === 'snapshot' && !c.range) {
    walkMode = 'populated';
    walks = build(walkMode);
    notes.push(`only mappings with populated pages get a walk: the scenario would have more than ${fmt(maxSteps)} steps`);
  }
  if (total() > maxSteps) {
    // too many page-state runs: merge the shortest into their neighbours until the steps fit
    let changed = 0;
    for (let min = 2; total() > maxSteps && min <= 1 << 20; min *= 2) {
      for (const p of plans) changed += coarsen(p.spans, min);
      walks = build(walkMode);
    }
    if (changed) {
      notes.push(`APPROXIMATE: ${fmt(changed)} pages in short runs were given the state of the run before them, so that the scenario fits in ${fmt(maxSteps)} steps; capture a smaller --range for an exact scenario`);
    }
  }
  if (total() > maxSteps) {
    throw new CaptureError(`the capture needs ${fmt(total())} steps (${fmt(plans.length)} mappings); a scenario has at most ${fmt(maxSteps)}: capture a part of the address space with --range`);
  }
  for (const [why, n] of unexpressed) notes.push(`not expressed: ${fmt(n)} ${why}`);
  for (const [why, n] of setNotes) notes.push(`set exactly (no system call sequence reproduces it here): ${fmt(n)} page${n === 1 ? '' : 's'}: ${why}`);
  for (const w of walks) if (w.why) notes.push(`walk "${w.name}": ${w.why}`);

  // ---- the text ----------------------------------------------------------------------------------------------
  const out: string[] = [];
  const src = c.source ?? `process ${c.pid}`;
  out.push(`# HMM Lens capture of ${src} (${oneLine(c.comm)})${c.cmdline ? `: ${oneLine(c.cmdline).slice(0, 200)}` : ''}`);
  out.push(`# Captured ${c.time} on Linux ${oneLine(c.release)} (modelled as ${kernel}), page size ${ps}, THP ${thpMode}.`);
  out.push(c.root
    ? '# Read with CAP_SYS_ADMIN: pfns and /proc/kpageflags were available (zero page, THP, KSM, dirty, hwpoison and device pages told apart).'
    : '# Read WITHOUT CAP_SYS_ADMIN: pagemap hid the pfns and /proc/kpageflags was not readable; the zero page, THPs, dirty file pages,'
      + '\n# swap vs. device-private vs. hwpoison entries were inferred from pagemap flags and smaps (run as root for an exact capture).');
  if (c.range) out.push(`# Range: ${hex(c.range.start)}-${hex(c.range.end)} (${sizeText(c.range.end - c.range.start)}); the VMAs it touches are created whole, their pages only inside it.`);
  else out.push(`# The whole address space: ${plans.length} mappings.`);
  const resident = [...counts].filter(([k]) => k !== PC.NONE).reduce((a, [, n]) => a + n, 0);
  const summary = [...counts].filter(([k, n]) => k !== PC.NONE && n > 0).sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${fmt(n)} ${CLASS_TEXT[k] ?? k}`);
  out.push(`# Pages captured: ${fmt(resident)} not none${summary.length ? `: ${summary.join('; ')}` : ''}.`);
  out.push('# pagemap does not show whether a PTE is writable: an exclusive anonymous page is taken as written (writable);');
  out.push('# a page made read-only by mprotect and back, or left read-only after a forked child exited, would show as read-only.');
  if (notes.length) {
    out.push('#');
    out.push('# Not expressed exactly, and why:');
    for (const n of notes) out.push(`#   - ${oneLine(n)}`);
  }
  out.push('hmm: 1');
  out.push(`name: ${JSON.stringify(`capture of ${c.comm} (${src})`)}`);
  out.push(`description: ${JSON.stringify(`Captured from /proc on ${c.time}${c.range ? ` (range ${hex(c.range.start)}-${hex(c.range.end)})` : ''}`)}`);
  out.push(`kernel: ${kernel}`);
  if (/^v(4\.|5\.[0-7]$)/.test(kernel)) out.push('legacy: amdgpu');
  if (ps !== 4096) out.push(`page_size: ${ps}`);
  const walkDevices = Array.isArray(walkMode) ? (walkMode as readonly WalkSpec[]).flatMap((w) => (w.device ? [w.device] : [])) : [];
  if (devicesUsed.size || walkDevices.length) {
    const declared = [...c.devices];
    if (devicesUsed.size && declared.length === 0) declared.push('device0');
    for (const d of walkDevices) if (!declared.includes(d)) declared.push(d);
    out.push(`devices: [${declared.join(', ')}]`);
  }
  out.push('steps:');
  const section = (title: string) => out.push(`  # ---- ${title} ${'-'.repeat(Math.max(4, 100 - title.length))}`);
  section('the mappings, at their real addresses');
  plans.forEach((p) => {
    out.push(`  # ${oneLine(p.comment)}`);
    const f: string[] = [p.vma.shared ? 'shared' : 'private'];
    if (p.kind === 'driver') {
      for (const [flag, name] of [['pf', 'pfnmap'], ['io', 'io'], ['mm', 'mixedmap']] as const) if (p.vma.vmFlags.has(flag)) f.push(name);
    } else if (p.kind === 'hugetlb') f.push('anonymous', 'hugetlb');
    else f.push(p.kind === 'file-private' || p.kind === 'file-shared' ? 'file' : 'anonymous');
    const extra = p.kind === 'hugetlb' ? `, huge_page: ${p.hugetlb === 1 << 30 ? '1G' : '2M'}` : p.fs && p.fs !== 'tmpfs' ? `, fs: ${p.fs}` : '';
    out.push(`  - mmap: { name: ${p.name}, at: ${hex(BigInt(p.vpn) * bps)}, pages: ${p.pages}, prot: ${p.mmapProt}, flags: [${f.join(', ')}]${extra} }`);
  });
  const titles: Record<number, string> = {
    [P.SHARED4K]: 'pages shared with a forked child: written before the fork (copy-on-write after it)',
    [P.SHARED_HG]: 'MADV_HUGEPAGE for the THPs shared with the child',
    [P.SHARED_THP]: 'THPs shared with a forked child',
    [P.SHARED_AFTER]: 'moved to device memory before the fork',
    [P.FORK]: 'the fork: the pages above become copy-on-write',
    [P.PAGES]: 'the pages: writes (anonymous and dirty file pages), reads (zero page, page cache)',
    [P.AFTER]: 'swapped out, read back, poisoned, moved to device memory',
    [P.HG]: 'MADV_HUGEPAGE (VmFlags hg), after the 4 KiB pages so that their faults map no THP',
    [P.THP]: 'PMD-mapped THPs and the huge zero page, a 2 MiB block each',
    [P.SET]: 'states only `set` reproduces exactly',
    [P.MPROTECT]: 'the final protection (the mapping was made writable/readable for the steps above)',
    [P.NOHUGE]: 'MADV_NOHUGEPAGE (VmFlags nh)',
  };
  for (let phase = P.SHARED4K; phase <= P.NOHUGE; phase++) {
    const these = steps.filter((s) => s.phase === phase);
    if (!these.length) continue;
    section(titles[phase]);
    let last = -2;
    for (const s of these) {
      if (s.m !== last && s.m >= 0 && phase !== P.MPROTECT && phase !== P.NOHUGE) out.push(`  # ${plans[s.m].name}`);
      last = s.m;
      out.push(`  - ${s.text}`);
    }
  }
  section(Array.isArray(walkMode) ? 'the walk' : 'what a device sees: snapshot walks, then faulting walks (which change the address space)');
  for (const w of walks) {
    if (w.why) out.push(`  # ${oneLine(w.why)}`);
    out.push(`  - ${w.text}`);
  }
  const text = `${out.join('\n')}\n`;
  if (text.length > DEFAULT_LIMITS.maxFileBytes) {
    throw new CaptureError(`the scenario would be ${fmt(text.length)} bytes; a scenario file has at most ${fmt(DEFAULT_LIMITS.maxFileBytes)}: capture a part of the address space with --range`);
  }
  let focus = 0;
  if (!Array.isArray(walkMode) && !c.range) {
    let best = -1;
    plans.forEach((p) => {
      const n = p.spans.reduce((a, x) => a + x.count, 0);
      const i = walks.findIndex((w) => w.name === `snapshot ${p.name}`);
      if (i >= 0 && n > best) { best = n; focus = i; }
    });
  }
  return { text, notes, walks: walks.map((w) => ({ name: w.name, snapshot: w.snapshot, start: w.start, pages: w.pages })), counts,
    steps: total(), focus };
}

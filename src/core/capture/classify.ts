/**
 * Turning pagemap entries (and, as root, /proc/kpageflags) into page classes: what each page of a VMA is, in the
 * terms a scenario can reproduce. The reader hands over blocks of entries, aligned to 2 MiB (512 pages) except at
 * a VMA's edges, so a PMD-mapped THP never straddles two blocks; the classifier keeps runs (./runs.ts).
 *
 * What pagemap does not say is decided from what else the kernel exposes, and said in the notes:
 *  - a PMD-mapped THP and a THP mapped by PTEs look alike page by page; smaps' AnonHugePages counts the
 *    PMD-mapped ones, so whole aligned blocks are PMD-mapped THPs when their number matches it;
 *  - without root, a present private anonymous page that is not exclusively mapped is the shared zero page (no
 *    struct page, never counted in Rss) or a page shared with a forked child (counted in Rss): smaps' Rss decides.
 */
import * as procfs from './procfs';
import type { CapturedVma } from './procfs';
import { RunList } from './runs';

// local copies: the loops below read these for every page, and a read through a module's exports is a property
// access (a getter where the module is not bundled)
const { PTE_MARKER_GUARD, PTE_MARKER_POISONED, SWAP_TYPE_BITS, pmFrame } = procfs;
const KPF_ANON_EXCL = procfs.KPF_PACKED_ANON_EXCLUSIVE;
const PRESENT = procfs.PM_HI_PRESENT;
const SWAP = procfs.PM_HI_SWAP;
const FILE = procfs.PM_HI_FILE;
const GUARD = procfs.PM_HI_GUARD;
const UFFD_WP = procfs.PM_HI_UFFD_WP;
const EXCLUSIVE = procfs.PM_HI_EXCLUSIVE;
const K = { ...procfs.KPF };

/** What a page is, as a scenario reproduces it. The low byte of a run's code; a device index is in bits 8..15. */
export const PC = {
  /** nothing mapped (pte_none) */
  NONE: 0,
  /** the shared zero page */
  ZERO: 1,
  /** a private anonymous page mapped by this process only (written; also a copy-on-write copy in a file mapping) */
  ANON: 2,
  /** a private anonymous page shared with a forked process (write-protected until a write copies it) */
  ANON_SHARED: 3,
  /** an exclusive anonymous page still in the swap cache: swapped out, then read back in */
  ANON_SWAPCACHE: 4,
  /** a KSM-merged page (read-only, shared) */
  KSM: 5,
  /** a page of a PMD-mapped transparent huge page */
  THP: 6,
  /** … shared with a forked process */
  THP_SHARED: 7,
  /** a page of the huge zero page (mapped by a PMD) */
  HUGE_ZERO: 8,
  /** a page-cache or shmem page, clean */
  FILE: 9,
  /** a page-cache or shmem page, dirty: it was written (root only) */
  FILE_DIRTY: 10,
  /** a hugetlb page */
  HUGETLB: 11,
  /** a private hugetlb page shared with a forked process */
  HUGETLB_SHARED: 12,
  /** a swap entry */
  SWAP: 13,
  /** a hwpoison entry */
  HWPOISON: 14,
  /** a device-private entry (device index in bits 8..15) */
  DEVICE_PRIVATE: 15,
  /** a device-exclusive entry */
  DEVICE_EXCLUSIVE: 16,
  /** a guard-region marker (MADV_GUARD_INSTALL) */
  GUARD: 17,
  /** a uffd-wp PTE marker (no page, write-protected by userfaultfd) */
  UFFD_WP_MARKER: 18,
  /** a poisoned (swap-in error) marker */
  POISONED_MARKER: 19,
  /** a present page write-protected by userfaultfd */
  UFFD_WP_PRESENT: 20,
  /** a present pfn without a struct page in a driver mapping (a special PTE) */
  SPECIAL: 21,
  /** a page a driver inserted (with a struct page) */
  DRIVER_PAGE: 22,
  /** a migration entry (a page being migrated right now) */
  MIGRATION: 23,
  /** an entry the capture does not understand */
  UNKNOWN: 24,
  /** a device-private entry shared with a forked process (read-only) */
  DEVICE_PRIVATE_SHARED: 28,
  /** a read-only device-private entry of this process only (the page was read-only when it moved, or mprotect) */
  DEVICE_PRIVATE_RO: 29,
  /** transient: a whole aligned 2 MiB block that may be a PMD-mapped THP (resolved per VMA) */
  THP_CANDIDATE: 25,
  THP_CANDIDATE_SHARED: 26,
  /** transient: a THP candidate whose tail pages carry PG_anon_exclusive, as a THP split into PTEs does on 6.1 */
  THP_CANDIDATE_SPLIT: 30,
  /** transient (no root): the zero page, or a page shared with a forked process (resolved per VMA) */
  ZERO_OR_SHARED: 27,
} as const;

export type PageClassCode = (typeof PC)[keyof typeof PC];

export const CLASS_TEXT: Record<number, string> = {
  [PC.NONE]: 'not mapped (pte_none)', [PC.ZERO]: 'the shared zero page', [PC.ANON]: 'private anonymous, written',
  [PC.ANON_SHARED]: 'private anonymous, shared with a forked child (copy-on-write)',
  [PC.ANON_SWAPCACHE]: 'private anonymous, swapped out and read back (still in the swap cache)', [PC.KSM]: 'KSM-merged',
  [PC.THP]: 'PMD-mapped THP', [PC.THP_SHARED]: 'PMD-mapped THP shared with a forked child', [PC.HUGE_ZERO]: 'the huge zero page',
  [PC.FILE]: 'page cache (clean)', [PC.FILE_DIRTY]: 'page cache (dirty: written)', [PC.HUGETLB]: 'hugetlb',
  [PC.HUGETLB_SHARED]: 'hugetlb shared with a forked child', [PC.SWAP]: 'swapped out', [PC.HWPOISON]: 'hwpoison entry',
  [PC.DEVICE_PRIVATE]: 'device-private', [PC.DEVICE_EXCLUSIVE]: 'device-exclusive', [PC.GUARD]: 'guard marker',
  [PC.UFFD_WP_MARKER]: 'uffd-wp marker', [PC.POISONED_MARKER]: 'poisoned marker',
  [PC.UFFD_WP_PRESENT]: 'present, write-protected by userfaultfd', [PC.SPECIAL]: 'special PTE (no struct page)',
  [PC.DRIVER_PAGE]: 'driver-inserted page', [PC.MIGRATION]: 'migration entry', [PC.UNKNOWN]: 'unknown entry',
  [PC.DEVICE_PRIVATE_SHARED]: 'device-private, shared with a forked child', [PC.DEVICE_PRIVATE_RO]: 'device-private, read-only', [PC.THP_CANDIDATE]: 'THP candidate', [PC.THP_CANDIDATE_SHARED]: 'shared THP candidate', [PC.ZERO_OR_SHARED]: 'zero page or shared',
};

export const classOf = (code: number): number => code & 0xff;
export const deviceOfCode = (code: number): number => (code >>> 8) & 0xff;

/** What backs a VMA, as far as the scenario format distinguishes it. */
export type VmaKind = 'anon' | 'shmem' | 'file-private' | 'file-shared' | 'hugetlb' | 'driver';

/** Huge page size of a hugetlb VMA in bytes (smaps KernelPageSize), or 0. */
export function hugetlbBytes(v: CapturedVma): number {
  const k = v.kb.get('KernelPageSize') ?? 4;
  if (v.vmFlags.has('ht') || k > 64) return k * 1024;
  return 0;
}

export function vmaKind(v: CapturedVma): VmaKind {
  if (v.vmFlags.has('io') || v.vmFlags.has('pf') || v.vmFlags.has('mm')) return 'driver';
  if (hugetlbBytes(v) || /^\/anon_hugepage( \(deleted\))?$/.test(v.path)) return 'hugetlb';
  // the kernel's own pages mapped into every process ([vdso], [uprobes], …): read-only pages that are not
  // anonymous, as a private file mapping's page cache is
  if (/^\[(vdso|vvar|vvar_vclock|uprobes|sigpage|vectors)\]$/.test(v.path)) return 'file-private';
  const file = v.path.startsWith('/') && v.inode !== '0';
  if (v.shared) {
    // MAP_SHARED|MAP_ANONYMOUS is a shmem file named /dev/zero (deleted); SysV shm /SYSV…; memfd /memfd:…
    if (!file || /^\/(dev\/zero|SYSV[0-9a-f]{8}) \(deleted\)$/.test(v.path) || v.path === '/dev/zero') return 'shmem';
    return 'file-shared';
  }
  if (!file || v.path === '/dev/zero') return 'anon';
  return 'file-private';
}

/**
 * The swap types of device-private entries (writable, read-only) on a release, for the configuration every
 * distribution kernel with CONFIG_DEVICE_PRIVATE has (MEMORY_FAILURE, MIGRATION, PTE_MARKER): the special types are
 * numbered down from 31 — PTE marker, four device types, three migration types, hwpoison — and 5.19 to 6.1 also
 * have a swap-in error type above the marker. Undefined where the layout is not known.
 */
export function deviceSwapTypes(release: string): { write: number; read: number } | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(release);
  if (!m) return undefined;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v >= 5019 && v <= 6001) return { write: 26, read: 27 };
  if (v >= 6002 && v <= 6014) return { write: 27, read: 28 };
  return undefined;
}

/** What the classifier needs besides the entries. */
export interface ClassifyContext {
  /** the device-private swap types of the release (deviceSwapTypes) */
  readonly deviceTypes?: { readonly write: number; readonly read: number };
  /** the reader could see pfns and /proc/kpageflags (CAP_SYS_ADMIN) */
  readonly root: boolean;
  /** the device a device-private pfn belongs to (index into the capture's devices), or -1 */
  readonly deviceOfPfn?: (pfn: number) => number;
}

/**
 * The pfn whose kpageflags classify() wants for entry (lo, hi): a present page's pfn, or the pfn of a swap entry
 * that points at a page (migration, device-private, device-exclusive, hwpoison); -1 for none.
 */
export function kpfPfnOf(lo: number, hi: number, root: boolean): number {
  if (!root) return -1;
  if (hi & PRESENT) return pmFrame(lo, hi);
  if (!(hi & SWAP)) return -1;
  const type = lo & ((1 << SWAP_TYPE_BITS) - 1);
  if (type < FIRST_SPECIAL_SWAP_TYPE) return -1;
  const off = Math.floor(pmFrame(lo, hi) / (1 << SWAP_TYPE_BITS));
  return off < 8 ? -1 : off;
}

/**
 * Swap types below this are swap areas: MAX_SWAPFILES is 32 less the special types (hwpoison 1, migration 3,
 * device 2-4, PTE marker 1), at least 22 with every option; no system has that many swap areas in use.
 */
export const FIRST_SPECIAL_SWAP_TYPE = 22;

/** One VMA's pages, classified block by block. */
export class VmaClassifier {
  runs = new RunList();
  /** pages counted per class (before resolution), for the per-VMA decisions */
  private readonly counts = new Float64Array(32);
  private readonly kind: VmaKind;

  constructor(readonly vma: CapturedVma, readonly firstVpn: number, readonly ctx: ClassifyContext, readonly pageSize = 4096) {
    this.kind = vmaKind(vma);
  }

  /** The class of one entry (its kpageflags low half, or -1 when unknown). */
  classifyEntry(lo: number, hi: number, kpf: number): number {
    const ctx = this.ctx;
    const kind = this.kind;
    if (!(hi & PRESENT)) {
      if (hi & GUARD) return PC.GUARD;
      if (!(hi & SWAP)) return PC.NONE;
      if (ctx.root) {
        const type = lo & ((1 << SWAP_TYPE_BITS) - 1);
        const off = Math.floor(pmFrame(lo, hi) / (1 << SWAP_TYPE_BITS));
        if (type < FIRST_SPECIAL_SWAP_TYPE) return PC.SWAP;
        // the special types' numbers depend on the release and the configuration (6.1: PTE markers 30 and a
        // swap-in error type 31; 6.12: markers 31), so they are told apart by their offset: a PTE marker's offset
        // is its few marker bits (a swap-in error entry has none), every other special entry's is a pfn, and no
        // user page has a pfn below 8 (the first 32 KiB of physical memory are the firmware's)
        if (off < 8) {
          if (off & PTE_MARKER_GUARD) return PC.GUARD;
          if (off & PTE_MARKER_POISONED || off === 0) return PC.POISONED_MARKER;
          return PC.UFFD_WP_MARKER;
        }
        if (kpf < 0) return PC.UNKNOWN;
        if (kpf & K.HWPOISON) return PC.HWPOISON;
        if (kpf & K.NOPAGE) {
          const d = ctx.deviceOfPfn ? ctx.deviceOfPfn(off) : -1;
          const dev = Math.max(0, d) << 8;
          // mapped by a forked child too (not exclusive): the entry was made read-only by the fork
          if (!(hi & EXCLUSIVE)) return PC.DEVICE_PRIVATE_SHARED | dev;
          return (ctx.deviceTypes?.read === type ? PC.DEVICE_PRIVATE_RO : PC.DEVICE_PRIVATE) | dev;
        }
        // a pfn entry to an ordinary page: migration (the page is locked while it moves) or device-exclusive
        return kpf & K.LOCKED ? PC.MIGRATION : PC.DEVICE_EXCLUSIVE;
      }
      // without root the type is hidden: shmem swaps through the page cache (its PTE becomes none), so a swap-like
      // entry there is a marker; elsewhere it is a swap entry unless the VMA is write-protected by userfaultfd
      if ((hi & UFFD_WP) && (kind === 'shmem' || kind === 'file-shared' || kind === 'hugetlb' || this.vma.vmFlags.has('uw'))) {
        return PC.UFFD_WP_MARKER;
      }
      return PC.SWAP;
    }
    const excl = (hi & EXCLUSIVE) !== 0;
    const file = (hi & FILE) !== 0;
    if (kind === 'driver') {
      // pagemap's file/exclusive flags come from vm_normal_page(): a special PTE has no page for it (even when the
      // pfn has a struct page); a page the driver inserted with vm_insert_page() is a normal, non-anonymous page
      return file || excl ? PC.DRIVER_PAGE : PC.SPECIAL;
    }
    if (kind === 'hugetlb') return !this.vma.shared && !excl && !file ? PC.HUGETLB_SHARED : PC.HUGETLB;
    if (kpf >= 0 && (kpf & K.ZERO_PAGE)) return kpf & K.THP ? PC.HUGE_ZERO : PC.ZERO;
    if (kpf >= 0 && (kpf & K.HWPOISON)) return PC.HWPOISON;
    if (hi & UFFD_WP) return PC.UFFD_WP_PRESENT;
    if (kind === 'shmem' || kind === 'file-shared') return kpf >= 0 && (kpf & K.DIRTY) ? PC.FILE_DIRTY : PC.FILE;
    if (file) {
      // a private mapping: the page cache shows through (file) — or, in anonymous memory, the huge zero page
      // (not anonymous, so pagemap says "file"; kpageflags says ZERO_PAGE when root, handled above)
      return kind === 'anon' ? PC.HUGE_ZERO : PC.FILE;
    }
    if (kpf >= 0) {
      // KSM merges pages of VM_MERGEABLE VMAs only (6.12 sets KPF_KSM on every anonymous page: not trusted alone)
      if ((kpf & K.KSM) && this.vma.vmFlags.has('mg')) return PC.KSM;
      if (kpf & K.THP) return excl ? PC.THP_CANDIDATE : PC.THP_CANDIDATE_SHARED;
      if (!excl) return PC.ANON_SHARED;
      return kpf & K.SWAPCACHE ? PC.ANON_SWAPCACHE : PC.ANON;
    }
    return excl ? PC.ANON : PC.ZERO_OR_SHARED;
  }

  /**
   * Classifies `n` entries for pages firstVpn + `from` …: `words` holds (lo, hi) pairs, `kpf` the kpageflags low half
   * of each entry's pfn (kpfPfnOf) or -1. Blocks must start at the VMA's start or a 512-page boundary.
   */
  classify(fromVpn: number, words: Uint32Array, n: number, kpf?: Int32Array): void {
    const PMD = 512;
    let i = 0;
    while (i < n) {
      const vpn = fromVpn + i;
      // a whole aligned 2 MiB block inside the block: maybe a PMD-mapped THP
      if (vpn % PMD === 0 && i + PMD <= n && this.thpBlock(words, i, kpf)) {
        const hi = words[2 * i + 1];
        const shared = !(hi & EXCLUSIVE);
        const code = this.blockClass(words, i, kpf, shared);
        this.add(code, PMD);
        i += PMD;
        continue;
      }
      let code = this.classifyEntry(words[2 * i], words[2 * i + 1], kpf ? kpf[i] : -1);
      // a THP page outside a whole aligned block is a THP mapped by PTEs: an ordinary page for the walk
      if (code === PC.THP_CANDIDATE) code = PC.ANON;
      else if (code === PC.THP_CANDIDATE_SHARED) code = PC.ANON_SHARED;
      this.add(code, 1);
      i++;
    }
  }

  private add(code: number, count: number): void {
    this.counts[classOf(code)] += count;
    this.runs.push(code, count);
  }

  /** The class of a whole aligned block that thpBlock() accepted. */
  private blockClass(words: Uint32Array, i: number, kpf: Int32Array | undefined, shared: boolean): number {
    const c = this.classifyEntry(words[2 * i], words[2 * i + 1], kpf ? kpf[i] : -1);
    if (c === PC.HUGE_ZERO) return PC.HUGE_ZERO;
    if (shared) return PC.THP_CANDIDATE_SHARED;
    if (kpf) {
      let tails = true;
      for (let k = 1; k < 512 && tails; k++) tails = (kpf[i + k] & KPF_ANON_EXCL) !== 0;
      if (tails) return PC.THP_CANDIDATE_SPLIT;
    }
    return PC.THP_CANDIDATE;
  }

  /** Whether the 512 entries from i can be one PMD mapping of private anonymous memory. */
  private thpBlock(words: Uint32Array, i: number, kpf: Int32Array | undefined): boolean {
    if (this.kind !== 'anon') return false;
    const hi0 = words[2 * i + 1];
    if (!(hi0 & PRESENT) || (hi0 & UFFD_WP)) return false;
    const flags = hi0 & (EXCLUSIVE | FILE);
    if (this.ctx.root && kpf) {
      const k0 = kpf[i];
      if (k0 < 0 || !(k0 & K.THP)) return false;
      const pfn0 = pmFrame(words[2 * i], hi0);
      if (pfn0 % 512 !== 0) return false;
      for (let k = 1; k < 512; k++) {
        const hi = words[2 * (i + k) + 1];
        if (!(hi & PRESENT) || (hi & (EXCLUSIVE | FILE)) !== flags) return false;
        if (pmFrame(words[2 * (i + k)], hi) !== pfn0 + k || kpf[i + k] < 0 || !(kpf[i + k] & K.THP)) return false;
      }
      return true;
    }
    // without root: a PMD maps 512 pages with one set of flags; which blocks are PMD-mapped is settled per VMA
    // (AnonHugePages); the huge zero page shows as "file" in anonymous memory
    if ((this.vma.kb.get('AnonHugePages') ?? 0) === 0 && !(flags & FILE)) return false;
    for (let k = 1; k < 512; k++) {
      const hi = words[2 * (i + k) + 1];
      if (!(hi & PRESENT) || (hi & UFFD_WP) || (hi & (EXCLUSIVE | FILE)) !== flags) return false;
    }
    return true;
  }

  /**
   * Settles what page by page could not: which THP candidates are PMD-mapped (smaps AnonHugePages) and, without
   * root, which non-exclusive pages are the zero page (smaps Rss). Returns what it had to guess, for the notes.
   */
  finish(): string[] {
    const notes: string[] = [];
    const v = this.vma;
    const where = `0x${v.start.toString(16)}-0x${v.end.toString(16)}${v.path ? ` ${v.path}` : ''}`;
    const cands = this.counts[PC.THP_CANDIDATE] + this.counts[PC.THP_CANDIDATE_SHARED] + this.counts[PC.THP_CANDIDATE_SPLIT];
    if (cands > 0) {
      const blocks = cands / 512;
      const pmdMapped = Math.floor((v.kb.get('AnonHugePages') ?? 0) / 2048);
      let left = Math.min(blocks, pmdMapped);
      const whole = this.runs.pages >= Number((v.end - v.start) / BigInt(this.pageSize));
      if (!whole && pmdMapped > 0 && pmdMapped < Number((v.end - v.start) / BigInt(this.pageSize)) / 512) {
        notes.push(`${where}: smaps counts ${pmdMapped} PMD-mapped THPs in the whole mapping; the range covers part of it, where ${blocks} whole 2 MiB blocks look like THPs: up to ${pmdMapped} of them are taken as PMD-mapped (capture the whole mapping to be sure)`);
      } else if (pmdMapped < blocks && pmdMapped > 0) {
        notes.push(`${where}: ${blocks} whole 2 MiB blocks look like THPs but smaps counts ${pmdMapped} PMD-mapped ones; the first ${pmdMapped} are captured as PMD-mapped THPs, the others as 4 KiB pages (a THP mapped by PTEs)`);
      }
      // blocks whose tail pages carry PG_anon_exclusive (split into PTEs, on kernels that set it on the head of a
      // PMD mapping only) are PMD-mapped last
      const split = this.counts[PC.THP_CANDIDATE_SPLIT] / 512;
      let leftSplit = Math.max(0, left - (blocks - split));
      left -= leftSplit;
      const out = new RunList();
      for (const [, count, c] of this.runs.entries()) {
        if (c !== PC.THP_CANDIDATE && c !== PC.THP_CANDIDATE_SHARED && c !== PC.THP_CANDIDATE_SPLIT) { out.push(c, count); continue; }
        const shared = c === PC.THP_CANDIDATE_SHARED;
        const nb = count / 512;
        let thp: number;
        if (c === PC.THP_CANDIDATE_SPLIT) { thp = Math.min(leftSplit, nb); leftSplit -= thp; } else { thp = Math.min(left, nb); left -= thp; }
        out.push(shared ? PC.THP_SHARED : PC.THP, thp * 512);
        out.push(shared ? PC.ANON_SHARED : PC.ANON, count - thp * 512);
      }
      this.runs = out;
    }
    const amb = this.counts[PC.ZERO_OR_SHARED];
    if (amb > 0) {
      let present = 0;
      for (const c of [PC.ANON, PC.ANON_SHARED, PC.ANON_SWAPCACHE, PC.KSM, PC.THP_CANDIDATE, PC.THP_CANDIDATE_SHARED, PC.THP_CANDIDATE_SPLIT, PC.FILE, PC.FILE_DIRTY, PC.UFFD_WP_PRESENT, PC.ZERO_OR_SHARED]) {
        present += this.counts[c];
      }
      const rss = (v.kb.get('Rss') ?? 0) * 1024 / this.pageSize;
      const zeros = Math.max(0, Math.min(amb, present - rss));
      const to = zeros === amb ? PC.ZERO : zeros === 0 ? PC.ANON_SHARED : PC.ZERO;
      if (zeros !== amb && zeros !== 0) {
        notes.push(`${where}: ${amb} present pages are not exclusively mapped; smaps' Rss says about ${zeros} of them are the zero page and ${amb - zeros} are shared with a forked child, but not which: all are captured as zero pages (run as root to tell them apart)`);
      }
      for (let r = 0; r < this.runs.length; r++) if (this.runs.code(r) === PC.ZERO_OR_SHARED) this.runs.setCode(r, to);
    }
    this.runs.normalize();
    return notes;
  }
}

/**
 * Parsers for the /proc files a capture reads (Documentation/filesystems/proc.rst and
 * Documentation/admin-guide/mm/pagemap.rst describe them): /proc/PID/maps and smaps, mountinfo, /proc/swaps,
 * /proc/iomem, and the bit layout of /proc/PID/pagemap and /proc/kpageflags entries. Pure: the bytes come from
 * src/capture/ (a live process) or from the executor's proc snapshot on a real kernel (./snapshot.ts).
 *
 * pagemap and kpageflags entries are u64; they are handled here as two u32 halves (lo, hi), never as one number.
 */

/** One VMA as /proc/PID/smaps (or maps) shows it. Addresses are bytes; sizes from smaps are kB. */
export interface CapturedVma {
  readonly start: bigint;
  readonly end: bigint;
  /** `rw-p` */
  readonly perms: string;
  readonly read: boolean;
  readonly write: boolean;
  readonly exec: boolean;
  /** `s` in perms (VM_MAYSHARE) */
  readonly shared: boolean;
  readonly offset: bigint;
  /** `fd:01` */
  readonly dev: string;
  readonly inode: string;
  /** the path, `[heap]`, `[stack]`, `[vdso]`, `/memfd:x (deleted)`, or '' for anonymous memory */
  readonly path: string;
  /** VmFlags mnemonics (`rd wr mr mw me ac sd hg`); empty when only maps was read */
  readonly vmFlags: ReadonlySet<string>;
  /** smaps `Name: N kB` fields (Rss, Swap, AnonHugePages, Shared_Clean, KernelPageSize, …); empty for maps */
  readonly kb: ReadonlyMap<string, number>;
  /** 1-based line of the VMA's header in the file, for messages */
  readonly line: number;
}

export interface ParsedVmas {
  readonly vmas: CapturedVma[];
  /** lines that could not be read, with why (never guessed at) */
  readonly problems: string[];
  /** whether smaps fields (VmFlags, kB sizes) were present */
  readonly detailed: boolean;
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) ([-r][-w][-x][-sp]) ([0-9a-f]+) ([0-9a-f]+:[0-9a-f]+) (\d+)(?: +(.*))?$/;
const FIELD = /^([A-Za-z_][A-Za-z0-9_]*):\s+(\d+) kB$/;

/** Parses /proc/PID/smaps (or maps: the same header lines without fields). Never throws. */
export function parseSmaps(text: string): ParsedVmas {
  const vmas: CapturedVma[] = [];
  const problems: string[] = [];
  let detailed = false;
  let cur: { v: Omit<CapturedVma, 'vmFlags' | 'kb'>; flags: Set<string>; kb: Map<string, number> } | undefined;
  const flush = () => {
    if (cur) vmas.push({ ...cur.v, vmFlags: cur.flags, kb: cur.kb });
    cur = undefined;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l === '') continue;
    const h = HEADER.exec(l);
    if (h) {
      flush();
      const start = BigInt('0x' + h[1]);
      const end = BigInt('0x' + h[2]);
      if (end <= start) {
        problems.push(`line ${i + 1}: mapping ${h[1]}-${h[2]} ends before it starts`);
        continue;
      }
      const p = h[3];
      cur = {
        v: { start, end, perms: p, read: p[0] === 'r', write: p[1] === 'w', exec: p[2] === 'x', shared: p[3] === 's',
          offset: BigInt('0x' + h[4]), dev: h[5], inode: h[6], path: (h[7] ?? '').trim(), line: i + 1 },
        flags: new Set(), kb: new Map(),
      };
      continue;
    }
    if (!cur) {
      problems.push(`line ${i + 1}: "${l.slice(0, 80)}" is not a mapping line`);
      continue;
    }
    if (l.startsWith('VmFlags:')) {
      detailed = true;
      for (const f of l.slice(8).trim().split(/\s+/)) if (f) cur.flags.add(f);
      continue;
    }
    const f = FIELD.exec(l);
    if (f) {
      detailed = true;
      cur.kb.set(f[1], Number(f[2]));
      continue;
    }
    // other smaps lines (THPeligible: 0, ProtectionKey: 0, …) carry nothing the capture uses
    if (!/^[A-Za-z_][A-Za-z0-9_]*:/.test(l)) problems.push(`line ${i + 1}: "${l.slice(0, 80)}" is neither a mapping nor a field line`);
  }
  flush();
  for (let i = 1; i < vmas.length; i++) {
    if (vmas[i].start < vmas[i - 1].end) {
      problems.push(`line ${vmas[i].line}: mapping 0x${vmas[i].start.toString(16)} overlaps the one before it`);
    }
  }
  return { vmas, problems, detailed };
}

/** The identity of a VMA for "did it change while we read": bounds, permissions, offset and file. */
export function vmaKey(v: CapturedVma): string {
  return `${v.start.toString(16)}-${v.end.toString(16)} ${v.perms} ${v.offset.toString(16)} ${v.dev} ${v.inode}`;
}

export interface MountEntry {
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parses /proc/PID/mountinfo: `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const l of text.split('\n')) {
    const parts = l.split(' ');
    const dash = parts.indexOf('-');
    if (parts.length < 7 || dash < 6 || dash + 2 >= parts.length) continue;
    out.push({ mountPoint: unescapeOctal(parts[4]), fsType: parts[dash + 1], source: unescapeOctal(parts[dash + 2]) });
  }
  return out;
}

/** The filesystem type a path lives on: the mount with the longest mount point that is a prefix of the path. */
export function fsTypeOf(path: string, mounts: readonly MountEntry[]): string | undefined {
  if (!path.startsWith('/')) return undefined;
  const p = path.replace(/ \(deleted\)$/, '');
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const mp = m.mountPoint;
    const inside = mp === '/' || p === mp || p.startsWith(mp.endsWith('/') ? mp : `${mp}/`);
    if (inside && (!best || mp.length >= best.mountPoint.length)) best = m;
  }
  return best?.fsType;
}

/** The filesystem a file mapping lives on; memfds and SysV shm are shmem (tmpfs) whatever mountinfo says. */
export function fileSystemOf(v: CapturedVma, mounts: readonly MountEntry[]): string | undefined {
  if (!v.path.startsWith('/')) return undefined;
  if (/^\/(memfd:|SYSV[0-9a-f]{8} |dev\/zero)/.test(v.path)) return 'tmpfs';
  return fsTypeOf(v.path, mounts);
}

/** Active swap areas in /proc/swaps (a header line, then one line per area). */
export function parseSwaps(text: string): number {
  return text.split('\n').slice(1).filter((l) => l.trim() !== '').length;
}

export interface IomemRegion {
  readonly start: bigint;
  /** inclusive, as /proc/iomem prints it */
  readonly end: bigint;
  readonly name: string;
}

/** Parses /proc/iomem (every nesting level). Without CAP_SYS_ADMIN the kernel prints zero addresses: nothing usable. */
export function parseIomem(text: string): IomemRegion[] {
  const out: IomemRegion[] = [];
  for (const l of text.split('\n')) {
    const m = /^\s*([0-9a-f]+)-([0-9a-f]+) : (.*)$/.exec(l);
    if (!m) continue;
    const start = BigInt('0x' + m[1]);
    const end = BigInt('0x' + m[2]);
    if (end > start) out.push({ start, end, name: m[3].trim() });
  }
  return out;
}

// ---- /proc/PID/pagemap: one u64 per virtual page (pagemap.rst) -----------------------------------------------
// Bits 0-54 the pfn if present, else swap type (0-4) and offset (5-54); 55 soft-dirty; 56 exclusively mapped
// (PM_MMAP_EXCLUSIVE, since 4.2); 57 uffd-wp (5.17); 58 guard region (6.15); 61 file page or shared anonymous;
// 62 swapped; 63 present. The flags below are bits of the high half (bit 32 + n of the u64 is bit n here).

export const PM_HI_PRESENT = 1 << 31;
export const PM_HI_SWAP = 1 << 30;
export const PM_HI_FILE = 1 << 29;
export const PM_HI_GUARD = 1 << 26;
export const PM_HI_UFFD_WP = 1 << 25;
export const PM_HI_EXCLUSIVE = 1 << 24;
export const PM_HI_SOFT_DIRTY = 1 << 23;
/** the pfn / swap field's bits in the high half (bits 32..54) */
export const PM_HI_FRAME_MASK = 0x7fffff;
/** swap type bits of a swap entry's frame (MAX_SWAPFILES_SHIFT = 5) */
export const SWAP_TYPE_BITS = 5;
/** PTE marker bits in the marker entry's offset: uffd-wp (5.19), swap-in error / poisoned (6.1), guard (6.13) */
export const PTE_MARKER_UFFD_WP = 1;
export const PTE_MARKER_POISONED = 2;
export const PTE_MARKER_GUARD = 4;

/** The pfn of a present entry (0 when the reader may not see pfns). Frames above 2^53 do not occur (55-bit field). */
export function pmFrame(lo: number, hi: number): number {
  return (hi & PM_HI_FRAME_MASK) * 0x100000000 + (lo >>> 0);
}

// ---- /proc/kpageflags: one u64 of KPF_* bits per pfn (root only); the capture needs bits 0-26 (low half) ----

/**
 * The capture keeps one 32-bit word per kpageflags entry: bits 0..26 as they are, and at bit 27 bit 34 of the u64
 * (KPF_MAPPEDTODISK, which for an anonymous page is PG_anon_exclusive: on 6.1 a THP mapped by its PMD has it on
 * the head page only, one split into PTEs on every page).
 */
export const KPF_PACKED_ANON_EXCLUSIVE = 1 << 27;

/** The packed word of a kpageflags entry given as its (lo, hi) halves. */
export function packKpf(lo: number, hi: number): number {
  return (lo & 0x07ffffff) | ((hi >>> 2) & 1 ? KPF_PACKED_ANON_EXCLUSIVE : 0);
}

export const KPF = {
  LOCKED: 1 << 0, ERROR: 1 << 1, REFERENCED: 1 << 2, UPTODATE: 1 << 3, DIRTY: 1 << 4, LRU: 1 << 5, ACTIVE: 1 << 6,
  SLAB: 1 << 7, WRITEBACK: 1 << 8, RECLAIM: 1 << 9, BUDDY: 1 << 10, MMAP: 1 << 11, ANON: 1 << 12, SWAPCACHE: 1 << 13,
  SWAPBACKED: 1 << 14, COMPOUND_HEAD: 1 << 15, COMPOUND_TAIL: 1 << 16, HUGE: 1 << 17, UNEVICTABLE: 1 << 18,
  HWPOISON: 1 << 19, NOPAGE: 1 << 20, KSM: 1 << 21, THP: 1 << 22, OFFLINE: 1 << 23, ZERO_PAGE: 1 << 24,
  IDLE: 1 << 25, PGTABLE: 1 << 26,
} as const;

/** Parses a size as `--range` takes it: `4096`, `0x1000`, `64K`, `2M`, `1G`, `1T` (binary units). */
export function parseSize(text: string): bigint | undefined {
  const m = /^(0x[0-9a-fA-F]+|\d+)([kKmMgGtT]?)(?:i?[bB])?$/.exec(text.trim());
  if (!m) return undefined;
  const n = BigInt(m[1]);
  const shift = { '': 0n, k: 10n, m: 20n, g: 30n, t: 40n }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return n << shift;
}

/** `--range START[+LENGTH]` or `START-END`: bytes [start, end); end undefined when no length was given. */
export function parseRange(text: string): { start: bigint; end?: bigint } | { error: string } {
  const t = text.trim();
  const plus = t.indexOf('+');
  const dash = t.indexOf('-');
  const startText = plus >= 0 ? t.slice(0, plus) : dash > 0 ? t.slice(0, dash) : t;
  const start = /^(0x[0-9a-fA-F]+|\d+)$/.test(startText.trim()) ? BigInt(startText.trim()) : undefined;
  if (start === undefined) return { error: `range start "${startText}" is not an address (write it as 0x7f0000000000 or in decimal)` };
  if (plus >= 0) {
    const len = parseSize(t.slice(plus + 1));
    if (len === undefined) return { error: `range length "${t.slice(plus + 1)}" is not a size (4096, 0x1000, 64K, 2M, 1G)` };
    if (len === 0n) return { error: 'range length is 0' };
    return { start, end: start + len };
  }
  if (dash > 0) {
    const endText = t.slice(dash + 1).trim();
    const end = /^(0x[0-9a-fA-F]+|\d+)$/.test(endText) ? BigInt(endText) : undefined;
    if (end === undefined) return { error: `range end "${endText}" is not an address` };
    if (end <= start) return { error: `range end 0x${end.toString(16)} is not above its start 0x${start.toString(16)}` };
    return { start, end };
  }
  return { start };
}

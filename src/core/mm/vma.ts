/**
 * VMAs: the flags hmm_range_fault() and the fault handler look at, kept sorted, split and merged as mmap(2),
 * munmap(2), mprotect(2) and madvise(2) do (vma_merge / split_vma). Addresses are virtual page numbers.
 *
 * Merge rule (vma_merge, simplified): neighbours merge when every flag is equal, file-backed ones map the same
 * file at contiguous offsets, and anonymous ones have compatible anon_vmas (one of them none, or the same one).
 */
import type { FileObject } from './phys';

export interface Vma {
  start: number;
  end: number;
  read: boolean;
  write: boolean;
  exec: boolean;
  shared: boolean;
  /** backing object: a regular file, or shmem for MAP_SHARED|MAP_ANONYMOUS; null for private anonymous memory */
  file: FileObject | null;
  /** file offset of `start`, in pages */
  pgoff: number;
  io: boolean;
  pfnmap: boolean;
  mixedmap: boolean;
  /** hugetlb page order (0: not hugetlb) */
  hugetlbOrder: number;
  /** VM_HUGEPAGE (madvise MADV_HUGEPAGE) / VM_NOHUGEPAGE */
  hugepage: boolean;
  nohugepage: boolean;
  /** anon_vma identity (0: none yet; assigned by the first anonymous fault, anon_vma_prepare) */
  anonVma: number;
  /** a shared file mapping whose filesystem asks for write notification (vma_wants_writenotify: page_mkwrite):
   *  vm_page_prot is read-only, so pages are mapped read-only until a write fault (ext4, xfs, btrfs; not tmpfs) */
  writenotify?: boolean;
}

export function vmaFlagsText(v: Vma): string {
  const f: string[] = [];
  if (v.read) f.push('VM_READ');
  if (v.write) f.push('VM_WRITE');
  if (v.exec) f.push('VM_EXEC');
  if (v.shared) f.push('VM_SHARED');
  if (v.io) f.push('VM_IO');
  if (v.pfnmap) f.push('VM_PFNMAP');
  if (v.mixedmap) f.push('VM_MIXEDMAP');
  if (v.hugetlbOrder) f.push('VM_HUGETLB');
  if (v.hugepage) f.push('VM_HUGEPAGE');
  if (v.nohugepage) f.push('VM_NOHUGEPAGE');
  return f.length ? f.join('|') : '0';
}

/** Private anonymous memory (vma_is_anonymous). */
export function isAnon(v: Vma): boolean {
  return v.file === null;
}

/** A private mapping whose writes are copy-on-write (is_cow_mapping). */
export function isCow(v: Vma): boolean {
  return !v.shared && (v.write || v.read);
}

/** VM_IO | VM_PFNMAP | VM_MIXEDMAP: pages the driver inserted itself. */
export function isSpecialVma(v: Vma): boolean {
  return v.io || v.pfnmap || v.mixedmap;
}

function sameFlags(a: Vma, b: Vma): boolean {
  return a.read === b.read && a.write === b.write && a.exec === b.exec && a.shared === b.shared && a.io === b.io
    && a.pfnmap === b.pfnmap && a.mixedmap === b.mixedmap && a.hugetlbOrder === b.hugetlbOrder
    && !!a.writenotify === !!b.writenotify
    && a.hugepage === b.hugepage && a.nohugepage === b.nohugepage;
}

function canMerge(a: Vma, b: Vma): boolean {
  if (a.end !== b.start || !sameFlags(a, b)) return false;
  if (a.file !== b.file) return false;
  if (a.file && a.pgoff + (a.end - a.start) !== b.pgoff) return false;
  if (!a.file && a.anonVma && b.anonVma && a.anonVma !== b.anonVma) return false;
  return true;
}

export class VmaList {
  /** sorted by start, non-overlapping */
  readonly list: Vma[] = [];
  private nextAnonVma = 1;

  newAnonVma(): number {
    return this.nextAnonVma++;
  }

  /** index of the first VMA with end > vpn */
  private firstEndingAfter(vpn: number): number {
    let lo = 0; let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].end > vpn) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  /** The VMA containing vpn (find_vma + start check: vma_lookup). */
  find(vpn: number): Vma | undefined {
    const i = this.firstEndingAfter(vpn);
    const v = this.list[i];
    return v && v.start <= vpn ? v : undefined;
  }

  /** The first VMA that ends after vpn (find_vma): it may start after vpn. */
  findFrom(vpn: number): Vma | undefined {
    return this.list[this.firstEndingAfter(vpn)];
  }

  overlaps(s: number, e: number): boolean {
    const v = this.findFrom(s);
    return v !== undefined && v.start < e;
  }

  /** VMAs overlapping [s, e), in order. */
  range(s: number, e: number): Vma[] {
    const out: Vma[] = [];
    for (let i = this.firstEndingAfter(s); i < this.list.length && this.list[i].start < e; i++) out.push(this.list[i]);
    return out;
  }

  /** Splits VMAs so that s and e are VMA boundaries (split_vma); returns the VMAs now inside [s, e). */
  splitAt(s: number, e: number): Vma[] {
    this.splitOne(s);
    this.splitOne(e);
    return this.range(s, e);
  }

  private splitOne(at: number): void {
    const i = this.firstEndingAfter(at);
    const v = this.list[i];
    if (!v || v.start >= at) return;
    const tail: Vma = { ...v, start: at, pgoff: v.pgoff + (at - v.start) };
    v.end = at;
    this.list.splice(i + 1, 0, tail);
  }

  /** Removes [s, e) from the address space (the page-table side is the caller's). */
  remove(s: number, e: number): void {
    this.splitAt(s, e);
    const i = this.firstEndingAfter(s);
    let j = i;
    while (j < this.list.length && this.list[j].start < e) j++;
    this.list.splice(i, j - i);
  }

  insert(v: Vma): void {
    const i = this.firstEndingAfter(v.start);
    this.list.splice(i, 0, v);
    this.mergeAround(v.start, v.end);
  }

  /** Merges neighbours at the edges of and inside [s, e) where the kernel would (after mprotect/madvise). */
  mergeAround(s: number, e: number): void {
    let i = Math.max(0, this.firstEndingAfter(s) - 1);
    while (i + 1 < this.list.length && this.list[i].start <= e) {
      const a = this.list[i]; const b = this.list[i + 1];
      if (canMerge(a, b)) {
        a.end = b.end;
        if (!a.anonVma) a.anonVma = b.anonVma;
        this.list.splice(i + 1, 1);
      } else i++;
    }
  }

  /** Lowest free `alignPages`-aligned gap of `pages` at or above `fromVpn`, below `limitVpn`. */
  findFree(fromVpn: number, pages: number, alignPages: number, limitVpn: number): number | undefined {
    let cand = Math.ceil(fromVpn / alignPages) * alignPages;
    for (let i = this.firstEndingAfter(cand); i <= this.list.length; i++) {
      const v = this.list[i];
      if (!v || cand + pages <= v.start) {
        return cand + pages <= limitVpn ? cand : undefined;
      }
      cand = Math.max(cand, Math.ceil(v.end / alignPages) * alignPages);
    }
    return undefined;
  }
}

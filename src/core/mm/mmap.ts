/**
 * mmap(2), munmap(2), mprotect(2) on the simulated process, and the zap helper they share with madvise.
 */
import type { HugePageSize, MmapFlags, Prot } from '../scenario/ast';
import { hugetlbFor } from './hugetlb';
import { accessSatisfied, handleMmFault } from './fault';
import { MMAP_BASE, SimError, USER_END, type Process } from './process';
import {
  F_EXCLUSIVE, F_PROTNONE, F_SPECIAL, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_MARKER, K_MIGRATION, K_NONE,
  K_PRESENT, M_GUARD, kindOf, markerOf,
} from './pte';
import { ZERO_PFN } from './phys';
import { splitPartialLeaves } from './thp';
import { isAnon, isSpecialVma, type Vma } from './vma';

export function protBits(prot: Prot): { read: boolean; write: boolean; exec: boolean } {
  return { read: prot !== 'none', write: prot === 'rw' || prot === 'rwx', exec: prot === 'rx' || prot === 'rwx' };
}

function hugeOrder(p: Process, size: HugePageSize): number {
  const s = hugetlbFor(p.pageSize, size);
  if ('error' in s) throw new SimError(s.error);
  return s.order;
}

function sizeText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${bytes / 2 ** 30} GiB` : bytes >= 2 ** 20 ? `${bytes / 2 ** 20} MiB` : `${bytes / 1024} KiB`;
}

/** Checks that [s, e) lies on whole huge pages of every hugetlb VMA it touches (the kernel gives -EINVAL otherwise). */
function checkHugeAligned(p: Process, s: number, e: number, what: string): void {
  for (const v of p.vmas.range(s, e)) {
    if (!v.hugetlbOrder) continue;
    const span = 2 ** v.hugetlbOrder;
    if (s % span !== 0 || e % span !== 0) {
      throw new SimError(`${what} of part of a hugetlb page: a hugetlb mapping is changed in whole huge pages of ${sizeText(span * p.pageSize)} (the kernel returns -EINVAL)`);
    }
  }
}

export interface MmapArgs {
  readonly start?: number;
  readonly pages: number;
  readonly prot: Prot;
  readonly flags: MmapFlags;
}

/**
 * Where mmap(2) places a mapping, without changing anything: `start` when given (checked), else the lowest free
 * 2 MiB-aligned (or huge-page-aligned) gap ≥ 0x7f0000000000. Also returns the hugetlb order (0: none).
 */
export function mmapPlacement(p: Process, a: MmapArgs): { start: number; order: number } {
  if (!(a.pages > 0)) throw new SimError('mmap of 0 pages: the kernel returns -EINVAL');
  const order = a.flags.hugetlb ? hugeOrder(p, a.flags.hugetlb) : 0;
  const span = 2 ** order;
  if (order && a.pages % span !== 0) {
    throw new SimError(`a hugetlb mapping must be a whole number of ${a.flags.hugetlb} pages (${span} pages of ${p.pageSize} bytes); got ${a.pages} pages`);
  }
  const ps = p.pageSize;
  if (a.start !== undefined) {
    const start = a.start;
    if (order && start % span !== 0) throw new SimError(`a hugetlb mapping must start on a ${a.flags.hugetlb} boundary; ${p.addr(start)} is not`);
    if ((start + a.pages) * ps > USER_END) throw new SimError(`mapping ends above the user address space (${'0x' + USER_END.toString(16)})`);
    return { start, order };
  }
  const align = Math.max((2 * 1024 * 1024) / ps, span, 1);
  const found = p.vmas.findFree(MMAP_BASE / ps, a.pages, align, USER_END / ps);
  if (found === undefined) throw new SimError(`no free range of ${a.pages} pages at or above 0x7f0000000000`);
  return { start: found, order };
}

/** mmap(2). Returns the first vpn (see mmapPlacement); a mapping given `start` replaces what it overlaps. */
export function doMmap(p: Process, a: MmapArgs): number {
  const { start, order } = mmapPlacement(p, a);
  if (a.start !== undefined && p.vmas.overlaps(start, start + a.pages)) doMunmap(p, start, a.pages);
  const { read, write, exec } = protBits(a.prot);
  const f = a.flags;
  const shmem = f.shared && !f.file;
  const vma: Vma = {
    start, end: start + a.pages, read, write, exec, shared: f.shared,
    file: f.file || f.shared ? p.phys.newFile(shmem) : null, pgoff: 0,
    io: f.io, pfnmap: f.pfnmap, mixedmap: f.mixedmap, hugetlbOrder: order, hugepage: false, nohugepage: false,
    anonVma: 0, ...(f.file && f.fs !== undefined && f.fs !== 'tmpfs' ? { writenotify: true } : {}),
  };
  p.vmas.insert(vma);
  if (f.populate && !isSpecialVma(vma) && read) {
    // populate_vma_page_range(): FOLL_WRITE for private writable mappings (break COW now), else read faults
    const w = write && !f.shared;
    for (let vpn = start; vpn < start + a.pages; vpn++) {
      const v = p.vmas.find(vpn);
      if (!v) break;
      for (let k = 0; k < 4 && !accessSatisfied(p, v, vpn, w); k++) {
        if (handleMmFault(p, v, vpn, w).code) break;
      }
    }
  }
  return start;
}

/** Removes entries of [s, e) (zap_page_range); `keepGuard` leaves guard markers (MADV_DONTNEED keeps them). */
export function zapRange(p: Process, s: number, e: number, keepGuard: boolean, why: string): void {
  splitPartialLeaves(p, s, e, why);
  p.forEachPopulated(s, e, (t, _base, i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const w = t[2 * i];
      if (keepGuard && kindOf(w) === K_MARKER && markerOf(w) === M_GUARD) continue;
      t[2 * i] = 0; t[2 * i + 1] = 0;
    }
  }, (leaf, level, start) => {
    const span = level === 'pmd' ? p.g.pmdPages : p.g.pudPages;
    if (start >= s && start + span <= e) {
      if (level === 'pmd') p.pt.setPmdSlot(start, undefined); else p.pt.setPudSlot(start, undefined);
    } else if (leaf.kind === 'hugetlb') {
      // a partial hugetlb range was refused before; nothing to do
    }
  });
}

/** munmap(2). */
export function doMunmap(p: Process, s: number, pages: number): void {
  const e = s + pages;
  checkHugeAligned(p, s, e, 'munmap');
  const vmas = p.vmas.range(s, e);
  if (vmas.length === 0) return;
  const us = Math.max(s, vmas[0].start);
  const ue = Math.min(e, vmas[vmas.length - 1].end);
  p.invalidate('UNMAP', us, ue, 'munmap (unmap_vmas)');
  zapRange(p, s, e, false, 'munmap of part of a THP');
  p.vmas.remove(s, e);
  p.pt.freeUnused(s, e, (a, b) => p.vmas.overlaps(a, b));
}

function firstPopulated(p: Process, s: number, e: number, level: 'pmd' | 'pud'): number | undefined {
  const step = level === 'pmd' ? p.g.pmdPages : p.g.pudPages;
  for (let a = Math.floor(s / step) * step; a < e; a += step) {
    if (level === 'pud') {
      const pud = p.pt.pudTable(a, false);
      if (!pud) { a = Math.floor(a / p.g.pgdPages) * p.g.pgdPages + p.g.pgdPages - step; continue; }
      if (pud.slots[p.pt.pudIndex(a)]) return Math.max(s, a);
    } else {
      const pmd = p.pt.pmdTable(a, false);
      if (!pmd) { a = Math.floor(a / p.g.pudPages) * p.g.pudPages + p.g.pudPages - step; continue; }
      if (pmd.slots[p.pt.pmdIndex(a)]) return Math.max(s, a);
    }
  }
  return undefined;
}

/** mprotect(2). */
export function doMprotect(p: Process, s: number, pages: number, prot: Prot): void {
  const e = s + pages;
  // mprotect needs every page mapped (-ENOMEM otherwise)
  let cur = s;
  for (const v of p.vmas.range(s, e)) {
    if (v.start > cur) break;
    cur = v.end;
  }
  if (cur < e) throw new SimError(`mprotect: ${p.addr(Math.max(cur, s))} is not mapped (the kernel returns -ENOMEM for a range with holes)`);
  checkHugeAligned(p, s, e, 'mprotect');
  const nb = protBits(prot);
  splitPartialLeaves(p, s, e, 'mprotect of part of a THP');
  for (const v of p.vmas.splitAt(s, e)) {
    if (v.read === nb.read && v.write === nb.write && v.exec === nb.exec) continue;
    v.read = nb.read; v.write = nb.write; v.exec = nb.exec;
    changeProtection(p, v);
  }
  p.vmas.mergeAround(s, e);
}

/** change_protection() over one VMA whose flags just changed. */
function changeProtection(p: Process, v: Vma): void {
  const b = p.b;
  if (v.hugetlbOrder) {
    p.invalidate('PROTECTION_VMA', v.start, v.end, 'mprotect of a hugetlb mapping (hugetlb_change_protection)');
  } else {
    const first = firstPopulated(p, v.start, v.end, b.mprotectNotifierLevel);
    if (first !== undefined) {
      p.invalidate('PROTECTION_VMA', first, v.end, `mprotect (change_protection, from the first populated ${b.mprotectNotifierLevel.toUpperCase()})`);
    }
  }
  const upgrade = (w: number, pfn: number): boolean => {
    if (!v.write) return false;
    // a write-notify filesystem keeps vm_page_prot read-only: the first write (page_mkwrite) makes a page writable
    if (v.shared) return !v.writenotify;
    return b.mprotectUpgradesExclusiveAnon && (w & F_EXCLUSIVE) !== 0 && !(w & F_SPECIAL) && pfn !== ZERO_PFN;
  };
  p.forEachPopulated(v.start, v.end, (t, _base, i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const w = t[2 * i];
      const k = kindOf(w);
      if (k === K_PRESENT) {
        let nw = w & ~(F_WRITE | F_PROTNONE);
        // contiguous-PTE hugetlb pages: hugetlb_change_protection() applies vm_page_prot (writable only if shared)
        if (v.hugetlbOrder ? v.shared && v.write : upgrade(w, t[2 * i + 1])) nw |= F_WRITE;
        t[2 * i] = nw >>> 0;
      } else if (k === K_MIGRATION || k === K_DEVICE_PRIVATE || k === K_DEVICE_EXCLUSIVE) {
        t[2 * i] = (w & ~F_WRITE) >>> 0;
      } else if (k === K_NONE) {
        continue;
      }
    }
  }, (leaf) => {
    if (leaf.kind === 'thp' || leaf.kind === 'dax') {
      leaf.protnone = false;
      leaf.write = v.write && (v.shared || (b.mprotectUpgradesExclusiveAnon && leaf.exclusive && isAnon(v)));
    } else if (leaf.kind === 'hugetlb') {
      leaf.write = v.shared && v.write;
    } else if (leaf.kind === 'device_private' || leaf.kind === 'migration') {
      leaf.write = false;
    }
  });
}

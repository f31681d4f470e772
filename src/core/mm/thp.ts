/**
 * Huge PMD helpers: THP eligibility (madvise mode), and __split_huge_pmd(): a PMD leaf becomes a PTE table of
 * the same pages with the same permissions. Splitting invalidates the 2 MiB range (MMU_NOTIFY_CLEAR).
 */
import type { Process } from './process';
import {
  F_EXCLUSIVE, F_PROTNONE, F_WRITE, K_DEVICE_PRIVATE, K_MIGRATION, K_PRESENT, mkState, type Leaf,
} from './pte';
import { ZERO_PFN } from './phys';
import { isAnon, isSpecialVma, type Vma } from './vma';

/** THP "madvise" mode: private anonymous, MADV_HUGEPAGE, and the whole PMD-aligned block inside the VMA. */
export function thpEligible(vma: Vma, pmdStart: number, pmdPages: number): boolean {
  return isAnon(vma) && vma.hugepage && !vma.nohugepage && !isSpecialVma(vma) && vma.hugetlbOrder === 0
    && vma.start <= pmdStart && pmdStart + pmdPages <= vma.end;
}

/** Replaces the PMD leaf covering vpn by a PTE table; `why` goes into the invalidation. */
export function splitPmd(p: Process, vpn: number, why: string): void {
  const g = p.g;
  const leaf = p.pt.pmdLeaf(vpn);
  if (!leaf) return;
  const start = Math.floor(vpn / g.pmdPages) * g.pmdPages;
  p.invalidate('CLEAR', start, start + g.pmdPages, `THP split (__split_huge_pmd): ${why}`);
  const t = new Uint32Array(2 * g.entries);
  const excl = leaf.exclusive ? F_EXCLUSIVE : 0;
  for (let i = 0; i < g.entries; i++) {
    let st = 0; let v = 0;
    switch (leaf.kind) {
      case 'thp': case 'dax':
        st = mkState(K_PRESENT, (leaf.write ? F_WRITE : 0) | (leaf.protnone ? F_PROTNONE : 0) | excl); v = leaf.pfn + i; break;
      case 'huge_zero': st = mkState(K_PRESENT); v = ZERO_PFN; break;
      case 'device_private': st = mkState(K_DEVICE_PRIVATE, (leaf.write ? F_WRITE : 0) | excl, leaf.dev ?? 0); v = leaf.pfn + i; break;
      case 'migration': st = mkState(K_MIGRATION, (leaf.write ? F_WRITE : 0) | excl); v = leaf.pfn + i; break;
      default: st = 0; v = 0;
    }
    t[2 * i] = st; t[2 * i + 1] = v;
  }
  p.pt.setPmdSlot(vpn, t);
}

/** Splits every PMD leaf that [s, e) covers only partly (a partial munmap/mprotect/madvise of a THP). */
export function splitPartialLeaves(p: Process, s: number, e: number, why: string): void {
  const g = p.g;
  for (const edge of [s, e]) {
    const base = Math.floor(edge / g.pmdPages) * g.pmdPages;
    if (base === edge) continue;
    const leaf: Leaf | undefined = p.pt.pmdLeaf(edge);
    if (leaf && leaf.kind !== 'hugetlb') splitPmd(p, edge, why);
  }
}

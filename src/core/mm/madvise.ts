/**
 * madvise(2): hugepage / nohugepage (VMA flags), dontneed (zap), pageout (reclaim to swap), hwpoison
 * (MADV_HWPOISON: memory_failure replaces the mapping with a hwpoison entry).
 */
import { doAccess } from './access';
import { zapRange } from './mmap';
import { SimError, type Process } from './process';
import { F_EXCLUSIVE, F_SPECIAL, K_HWPOISON, K_PRESENT, K_SWAP, kindOf, mkState } from './pte';
import { ZERO_PFN } from './phys';
import { splitPmd } from './thp';
import { isAnon, type Vma } from './vma';

export type Advice = 'hugepage' | 'nohugepage' | 'dontneed' | 'pageout' | 'hwpoison';

function requireMapped(p: Process, s: number, e: number, what: string): Vma[] {
  const vmas = p.vmas.range(s, e);
  let cur = s;
  for (const v of vmas) {
    if (v.start > cur) break;
    cur = v.end;
  }
  if (cur < e) throw new SimError(`madvise ${what}: ${p.addr(Math.max(cur, s))} is not mapped (the kernel returns -ENOMEM)`);
  return vmas;
}

export function doMadvise(p: Process, s: number, pages: number, advice: Advice): void {
  const e = s + pages;
  const vmas = requireMapped(p, s, e, advice);
  switch (advice) {
    case 'hugepage': case 'nohugepage':
      for (const v of p.vmas.splitAt(s, e)) {
        if (v.hugetlbOrder) continue;
        v.hugepage = advice === 'hugepage';
        v.nohugepage = advice === 'nohugepage';
      }
      p.vmas.mergeAround(s, e);
      return;
    case 'dontneed':
      for (const v of vmas) {
        if (v.pfnmap) throw new SimError('madvise dontneed on a VM_PFNMAP mapping: the kernel returns -EINVAL');
        if (v.hugetlbOrder) {
          const span = 2 ** v.hugetlbOrder;
          if (Math.max(s, v.start) % span || Math.min(e, v.end) % span) {
            throw new SimError('madvise dontneed of part of a hugetlb page is not modelled; use whole huge pages');
          }
        }
      }
      p.invalidate('CLEAR', s, e, 'MADV_DONTNEED (zap_page_range)');
      zapRange(p, s, e, true, 'MADV_DONTNEED of part of a THP');
      return;
    case 'pageout':
      for (const v of vmas) {
        if (v.hugetlbOrder || v.pfnmap) throw new SimError('madvise pageout on a hugetlb or VM_PFNMAP mapping: the kernel returns -EINVAL');
      }
      pageout(p, s, e);
      return;
    case 'hwpoison':
      for (const v of vmas) {
        if (v.hugetlbOrder) throw new SimError('madvise hwpoison of a hugetlb page is not modelled');
        if (v.io || v.pfnmap) throw new SimError('madvise hwpoison needs pages with a struct page (not VM_IO/VM_PFNMAP)');
      }
      hwpoison(p, s, e);
      return;
  }
}

/** MADV_PAGEOUT: anonymous private pages go to swap; shared/file pages leave the page table (page cache keeps them). */
function pageout(p: Process, s: number, e: number): void {
  // reclaim splits a THP before swapping it out
  p.forEachPopulated(s, e, () => undefined, (leaf, level, start) => {
    if (level === 'pmd' && leaf.kind === 'thp') splitPmd(p, start, 'MADV_PAGEOUT of a THP');
  });
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0) p.invalidate('CLEAR', runStart, runEnd, 'MADV_PAGEOUT unmaps pages for reclaim (try_to_unmap)');
    runStart = -1;
  };
  p.forEachPopulated(s, e, (t, base, i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const w = t[2 * i];
      const pfn = t[2 * i + 1];
      if (kindOf(w) !== K_PRESENT || (w & F_SPECIAL) || pfn === ZERO_PFN) continue;
      // madvise_cold_or_pageout_pte_range(): a THP mapped by PTEs is split (split_huge_page) before reclaim
      const folio = p.phys.folioOf(pfn);
      if (folio) p.phys.splitFolio(folio.head);
      const vpn = base + i;
      const v = p.vmas.find(vpn);
      if (!v) continue;
      if (isAnon(v) || (!v.shared && !(v.file && v.file.pages.get(v.pgoff + (vpn - v.start)) === pfn))) {
        t[2 * i] = mkState(K_SWAP, w & F_EXCLUSIVE);
        t[2 * i + 1] = p.phys.newSwapSlot();
      } else {
        t[2 * i] = 0; t[2 * i + 1] = 0;
      }
      if (runStart >= 0 && runEnd === vpn) runEnd = vpn + 1;
      else { flush(); runStart = vpn; runEnd = vpn + 1; }
    }
  }, () => undefined);
  flush();
}

/** MADV_HWPOISON: get_user_pages() faults each page in (read), then memory_failure() unmaps it with a hwpoison entry. */
function hwpoison(p: Process, s: number, e: number): void {
  for (let vpn = s; vpn < e; vpn++) {
    doAccess(p, vpn, 1, false);
    if (p.pt.pmdLeaf(vpn)) splitPmd(p, vpn, 'memory_failure on a THP');
    const [w, pfn] = p.pt.getPte(vpn);
    if (kindOf(w) !== K_PRESENT) continue;
    const folio = p.phys.folioOf(pfn);
    if (folio) p.phys.splitFolio(folio.head); // memory_failure() splits a THP (try_to_split_thp_page)
    if (pfn === ZERO_PFN) {
      throw new SimError(`madvise hwpoison at ${p.addr(vpn)}: the page is the shared zero page, which memory_failure() refuses; write the page first`);
    }
    p.invalidate('CLEAR', vpn, vpn + 1, 'memory_failure unmaps the poisoned page (try_to_unmap)');
    p.pt.setPte(vpn, mkState(K_HWPOISON), pfn);
  }
}

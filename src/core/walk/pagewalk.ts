/**
 * walk_page_range() (mm/pagewalk.c) with hmm_walk_ops: gaps between VMAs go to pte_hole with no VMA; each VMA is
 * first offered to test_walk; hugetlb VMAs are walked per huge page (hugetlb_entry if the slot exists, else
 * pte_hole); other VMAs level by level: a none PGD/PUD/PMD entry gives pte_hole over that entry's span (clipped to
 * the VMA and the range), a PUD leaf goes to pud_entry, a non-none PMD to pmd_entry.
 *
 * A callback returning RESYNC (a `during` step changed the address space) resumes the walk at ws.resumeAt with
 * fresh lookups — the simulator's stand-in for "the other thread's change happened between two reads".
 */
import { hugetlbEntry, levelOf } from '../mm/hugetlb';
import { isLeaf } from '../mm/pagetable';
import type { Vma } from '../mm/vma';
import { hmmVmaWalkHole } from './hole';
import { hmmVmaWalkHugetlbEntry } from './hugetlb';
import { hugePmdRun, hmmVmaWalkPmd } from './pmd';
import { hmmVmaWalkPud } from './pud';
import { EINVAL, RESYNC, type WalkState } from './state';
import { hmmVmaWalkTest } from './test-walk';

export function walkPageRange(ws: WalkState, start: number, end: number): number {
  if (start >= end) return -EINVAL;
  const p = ws.p;
  let addr = start;
  while (addr < end) {
    const vma = p.vmas.findFrom(addr);
    let r: number;
    let next: number;
    let hole = false;
    if (!vma || vma.start >= end) {
      next = end;
      hole = true;
      r = hmmVmaWalkHole(ws, addr, end, undefined, 'no VMA');
    } else if (vma.start > addr) {
      next = vma.start;
      hole = true;
      r = hmmVmaWalkHole(ws, addr, next, undefined, 'no VMA');
    } else {
      next = Math.min(end, vma.end);
      r = hmmVmaWalkTest(ws, addr, next, vma);
      if (r === 1) {
        r = 0;
        if (ws.b.lastMovedByStores) ws.last = next;
      } else if (r === 0) r = walkVma(ws, addr, next, vma);
    }
    if (r === RESYNC) { addr = ws.resumeAt; continue; }
    if (r) return r;
    // ≤5.7: the stores move `last` (a hole stored without a fault leaves it at the hole's start)
    if (ws.b.lastMovedByStores && hole) ws.last = addr;
    addr = next;
  }
  return 0;
}

function walkVma(ws: WalkState, start: number, end: number, vma: Vma): number {
  const p = ws.p;
  const g = p.g;
  if (vma.hugetlbOrder) {
    const span = 2 ** vma.hugetlbOrder;
    const level = levelOf(p, vma.hugetlbOrder);
    for (let a = start; a < end;) {
      const next = Math.min(end, Math.floor(a / span) * span + span);
      const entry = hugetlbEntry(p, vma, Math.floor(a / span) * span);
      const slotExists = entry.slot;
      let r: number;
      if (slotExists) {
        r = hmmVmaWalkHugetlbEntry(ws, a, next, vma, entry.leaf);
      } else {
        r = hmmVmaWalkHole(ws, a, next, vma, level === 'pud' ? 'no PUD table' : level === 'cont-pte' ? 'no PTE table' : 'no PMD table');
      }
      // ≤5.7 (hmm_vma_walk_hugetlb_entry sets last = end after its stores): a `during` step due right after the
      // entry's last page interrupts the walk at `next`, after those stores
      if (r === RESYNC && ws.b.lastMovedByStores && slotExists && ws.resumeAt >= next) ws.last = next;
      if (r) return r;
      if (ws.b.lastMovedByStores) ws.last = slotExists ? next : a;
      a = next;
    }
    return 0;
  }
  for (let a = start; a < end;) {
    const hit = p.pt.lookup(a);
    let next: number;
    let r: number;
    const isHole = hit.level === 'pgd-none' || hit.level === 'pud-none' || hit.level === 'pmd-none';
    switch (hit.level) {
      case 'pgd-none':
        next = Math.min(end, Math.floor(a / g.pgdPages) * g.pgdPages + g.pgdPages);
        r = hmmVmaWalkHole(ws, a, next, vma, 'PGD none');
        break;
      case 'pud-none':
        next = Math.min(end, Math.floor(a / g.pudPages) * g.pudPages + g.pudPages);
        r = hmmVmaWalkHole(ws, a, next, vma, 'PUD none');
        break;
      case 'pud-leaf':
        next = Math.min(end, Math.floor(a / g.pudPages) * g.pudPages + g.pudPages);
        r = hmmVmaWalkPud(ws, a, next, vma, hit.leaf);
        break;
      case 'pmd-none':
        next = Math.min(end, Math.floor(a / g.pmdPages) * g.pmdPages + g.pmdPages);
        r = hmmVmaWalkHole(ws, a, next, vma, 'PMD none');
        break;
      default: {
        next = Math.min(end, Math.floor(a / g.pmdPages) * g.pmdPages + g.pmdPages);
        const slot = hit.level === 'pmd-leaf' ? hit.leaf : hit.table;
        r = hmmVmaWalkPmd(ws, a, next, vma, isLeaf(slot) ? slot : slot);
        // a stored THP: the same kind of huge PMDs after it go in one loop (./pmd.ts hugePmdRun)
        if (r === 0 && hit.level === 'pmd-leaf' && next < end) next = hugePmdRun(ws, next, end, hit.leaf);
      }
    }
    // ≤5.7 (hmm_vma_handle_pmd / the PTE loop / hmm_vma_walk_pud set last = end after their stores): a `during` step
    // due right after the callback's last page interrupts the walk at `next`, after those stores
    if (r === RESYNC && ws.b.lastMovedByStores && !isHole && ws.resumeAt >= next) ws.last = next;
    if (r) return r;
    if (ws.b.lastMovedByStores) ws.last = isHole ? a : next;
    a = next;
  }
  return 0;
}

/**
 * hmm_vma_walk_hugetlb_entry(): one huge page [start, end) of a hugetlb VMA whose slot exists (hugetlb_walk found
 * a PMD/PUD entry, populated or not).
 *  - The request is the input word of the FIRST page of the chunk only (not an OR).
 *  - cpu = VALID (| WRITE) for a present entry, 0 for an empty one, ORed with the huge page order unconditionally
 *    (5.10+), so an empty slot snapshots as (0 + page offset) | order with VALID clear; ≤5.7 the legacy encoder
 *    even ORs flags[VALID] in.
 */
import type { Leaf } from '../mm/pte';
import type { Vma } from '../mm/vma';
import { CPU_VALID, CPU_WRITE } from './encode';
import { storeRun } from './pmd';
import type { WalkState } from './state';
import { hmmVmaFault } from './vma-fault';

export function hmmVmaWalkHugetlbEntry(ws: WalkState, start: number, end: number, vma: Vma, leaf: Leaf | undefined): number {
  const order = vma.hugetlbOrder;
  const span = 2 ** order;
  const base = Math.floor(start / span) * span;
  const present = leaf !== undefined && !leaf.empty;
  const cpu = present ? CPU_VALID | (leaf.write ? CPU_WRITE : 0) : 0;
  const req = ws.needFault(ws.idx(start), cpu);
  const state = present ? `hugetlb:present-${leaf.write ? 'rw' : 'ro'}` : 'hugetlb:empty-slot';
  if (req) {
    return hmmVmaFault(ws, start, end, req, vma, `hugetlb page ${present ? 'does not give what the first page\'s request asks' : 'not populated (the slot exists)'} — only the first page's input counts`);
  }
  const pfn0 = (present ? leaf.pfn : 0) + (start - base);
  return storeRun(ws, start, end, pfn0, cpu, order, 'hmm_vma_walk_hugetlb_entry', state, `fill pfn|${ws.flagsText(cpu, order)}`,
    present ? `hugetlb page, ${cpu & CPU_WRITE ? 'writable' : 'read-only'}, order ${order}`
      : `empty hugetlb slot: the entry is not special-cased, so the word is (0 + page offset) | order ${order} with VALID clear — test VALID first`);
}

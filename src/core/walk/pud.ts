/**
 * hmm_vma_walk_pud(): a PUD leaf (in practice a DAX or pfn-map PUD; hugetlb 1 GiB pages go through the hugetlb
 * callback). Not present → hole handling; leaf → cpu = VALID (| WRITE) | PUD order, fault the chunk if the request
 * needs it, else consecutive pfns. A PUD that points to a PMD table is descended into by the page walker.
 */
import type { Leaf } from '../mm/pte';
import type { Vma } from '../mm/vma';
import { CPU_VALID, CPU_WRITE } from './encode';
import { storeRun } from './pmd';
import type { WalkState } from './state';
import { hmmVmaFault } from './vma-fault';

export function hmmVmaWalkPud(ws: WalkState, addr: number, end: number, vma: Vma, leaf: Leaf): number {
  const g = ws.p.g;
  const pudStart = Math.floor(addr / g.pudPages) * g.pudPages;
  const cpu = CPU_VALID | (leaf.write ? CPU_WRITE : 0);
  const order = g.pudOrder;
  const req = ws.rangeNeedFault(ws.idx(addr), ws.idx(end), cpu);
  if (req) return hmmVmaFault(ws, addr, end, req, vma, 'a PUD leaf does not give what the request asks');
  return storeRun(ws, addr, end, leaf.pfn + (addr - pudStart), cpu, order, 'hmm_vma_walk_pud',
    `pud:leaf-${leaf.write ? 'rw' : 'ro'}`, `fill pfn|${ws.flagsText(cpu, order)}`, `a PUD leaf: order ${order}`);
}

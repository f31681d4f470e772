/**
 * hmm_vma_walk_hole(): a range with no page table below some level (pte_hole), or no VMA at all.
 *  - No VMA: a requested fault gives -EFAULT; otherwise ERROR (≤5.6 snapshot: values[NONE]).
 *  - Inside a VMA: a requested fault faults the whole hole (hmm_vma_fault); otherwise 0 / values[NONE].
 * The request is the OR over all pages of the hole (hmm_range_need_fault with cpu flags 0).
 */
import type { Vma } from '../mm/vma';
import { hmmVmaFault } from './vma-fault';
import { EFAULT, RESYNC, type WalkState } from './state';

export function hmmVmaWalkHole(ws: WalkState, addr: number, end: number, vma: Vma | undefined, depth: string): number {
  const i0 = ws.idx(addr);
  const i1 = ws.idx(end);
  const required = ws.rangeNeedFault(i0, i1, 0);
  if (!vma) {
    if (required) {
      if (ws.b.holeFaultPerPage) {
        // ≤5.6: hmm_vma_walk_hole_() stores values[NONE], then hmm_vma_do_fault() finds no VMA and stores values[ERROR]
        ws.last = addr;
        ws.enc.storeError(ws.w32, i0, i0 + 1);
        ws.event('hmm_vma_walk_hole', i0, i0 + 1, 'hole:no-vma', 'store values[ERROR], return -EFAULT',
          'no VMA here and a fault was requested: up to 5.6 the first page of the hole gets values[ERROR] and the call fails with -EFAULT', 'error');
        return -EFAULT;
      }
      ws.event('hmm_vma_walk_hole', i0, i1, 'hole:no-vma', 'return -EFAULT',
        'no VMA covers these addresses and a fault was requested: hmm_vma_walk_hole() returns -EFAULT', 'error');
      return -EFAULT;
    }
    const none = ws.b.snapshotNoVmaHoleNone;
    return fill(ws, addr, end, none ? 'none' : 'error', 'hole:no-vma', none ? 'fill values[NONE]' : 'fill ERROR',
      none ? 'no VMA here; a ≤5.6 snapshot reports a hole without a VMA as values[NONE]'
        : 'no VMA covers these addresses: the device must not access them (ERROR)');
  }
  if (required) {
    return hmmVmaFault(ws, addr, end, required, vma, `nothing mapped (${depth}) and a fault was requested`);
  }
  return fill(ws, addr, end, 'none', `hole:${depth}`, ws.enc.legacy ? 'fill values[NONE]' : 'fill 0',
    `nothing mapped yet (${depth}) inside the VMA: reported as ${ws.enc.legacy ? 'values[NONE]' : '0'}; a walk with REQ_FAULT would fault it in`);
}

/** Stores NONE or ERROR over [addr, end) in pieces, so `during` steps run at the right page. */
export function fill(ws: WalkState, addr: number, end: number, what: 'none' | 'error', state: string, rule: string,
  why: string, fn = 'hmm_vma_walk_hole'): number {
  let a = addr;
  while (a < end) {
    const n = ws.room(end - a);
    if (n > 0) {
      const i0 = ws.idx(a);
      if (what === 'none') ws.enc.storeNone(ws.w32, i0, i0 + n);
      else ws.enc.storeError(ws.w32, i0, i0 + n);
      ws.event(fn, i0, i0 + n, state, rule, why, 'output');
      a += n;
    }
    if (ws.advance(n, a)) return RESYNC;
  }
  return 0;
}

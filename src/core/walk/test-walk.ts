/**
 * hmm_vma_walk_test() (walk_page_range's test_walk): VMAs hmm cannot mirror.
 * Excluded: VM_IO, VM_PFNMAP, VM_MIXEDMAP (before 5.17), and VMAs without VM_READ.
 *  - 5.7+: a requested fault gives -EFAULT; otherwise the VMA's part of the range is filled with ERROR and
 *    skipped (return 1).
 *  - ≤5.6: VM_IO/VM_PFNMAP/VM_MIXEDMAP give -EFAULT even in a snapshot; a VMA without VM_READ fills values[NONE]
 *    when no fault is requested.
 */
import { vmaFlagsText, type Vma } from '../mm/vma';
import { fill } from './hole';
import { EFAULT, RESYNC, type WalkState } from './state';

/** 0: walk the VMA; 1: skipped (filled); <0: error; RESYNC: a `during` step ran while filling. */
export function hmmVmaWalkTest(ws: WalkState, addr: number, end: number, vma: Vma): number {
  const b = ws.b;
  const special = vma.io || vma.pfnmap || (vma.mixedmap && b.mixedmapExcluded);
  if (!special && vma.read) return 0;
  const i0 = ws.idx(addr);
  const i1 = ws.idx(end);
  const flags = vmaFlagsText(vma);
  const reason = special ? `the VMA is ${vma.io ? 'VM_IO' : vma.pfnmap ? 'VM_PFNMAP' : 'VM_MIXEDMAP (excluded before 5.17)'}` : 'the VMA has no VM_READ (PROT_NONE or write-only)';
  if (b.excludedVmaEfaultInSnapshot && special) {
    ws.event('hmm_vma_walk_test', i0, i1, `vma:${flags}`, 'return -EFAULT',
      `${reason}; up to 5.6 hmm_vma_walk_test() fails such VMAs with -EFAULT even in a snapshot`, 'error');
    return -EFAULT;
  }
  const required = ws.rangeNeedFault(i0, i1, 0);
  if (required) {
    ws.event('hmm_vma_walk_test', i0, i1, `vma:${flags}`, 'return -EFAULT',
      `${reason} and a fault was requested: hmm cannot fault it in, hmm_vma_walk_test() returns -EFAULT`, 'error');
    return -EFAULT;
  }
  const none = b.noReadVmaFillsNone && !special;
  const r = fill(ws, addr, end, none ? 'none' : 'error', `vma:${flags}`, none ? 'fill values[NONE]' : 'fill ERROR, skip VMA',
    none ? `${reason}; up to 5.6 such a VMA is reported as values[NONE] in a snapshot`
      : `${reason}: hmm does not mirror it, every page is ERROR (the device must not access it)`, 'hmm_vma_walk_test');
  if (r === RESYNC) return RESYNC;
  return 1;
}


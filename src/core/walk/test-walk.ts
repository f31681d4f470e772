/**
 * hmm_vma_walk_test() (walk_page_range's test_walk): VMAs hmm cannot mirror.
 * Excluded: VM_IO, VM_PFNMAP, VM_MIXEDMAP (before 5.17), and VMAs without VM_READ.
 *  - 5.7+: a requested fault gives -EFAULT; otherwise the VMA's part of the range is filled with ERROR and
 *    skipped (return 1).
 *  - ≤5.6: VM_IO/VM_PFNMAP/VM_MIXEDMAP give -EFAULT even in a snapshot; a VMA without VM_READ fills values[NONE]
 *    when no fault is requested.
 *  - ≤5.4 (no test_walk yet: hmm_range_fault()'s per-VMA loop checks each VMA before walking it): VM_IO/VM_PFNMAP/
 *    VM_MIXEDMAP return -EFAULT at once; a VMA without VM_READ clears the WHOLE range to values[NONE] and returns
 *    -EPERM, in a snapshot too.
 */
import { vmaFlagsText, type Vma } from '../mm/vma';
import { fill } from './hole';
import { EFAULT, EPERM, RESYNC, type WalkState } from './state';

/** 0: walk the VMA; 1: skipped (filled); <0: error; RESYNC: a `during` step ran while filling. */
export function hmmVmaWalkTest(ws: WalkState, addr: number, end: number, vma: Vma): number {
  const b = ws.b;
  const special = vma.io || vma.pfnmap || (vma.mixedmap && b.mixedmapExcluded);
  if (!special && vma.read) return 0;
  const i0 = ws.idx(addr);
  const i1 = ws.idx(end);
  const flags = vmaFlagsText(vma);
  const reason = special ? `the VMA is ${vma.io ? 'VM_IO' : vma.pfnmap ? 'VM_PFNMAP' : 'VM_MIXEDMAP (excluded before 5.17)'}` : 'the VMA has no VM_READ (PROT_NONE or write-only)';
  if (b.perVmaLoop) {
    ws.loopReturned = true;
    if (special) {
      ws.event('hmm_range_fault', i0, i1, `vma:${flags}`, 'return -EFAULT',
        `${reason}; up to 5.4 the per-VMA loop of hmm_range_fault() returns -EFAULT for such a VMA before walking it (device_vma), even in a snapshot, and clears nothing`, 'error');
      return -EFAULT;
    }
    const n = ws.end - ws.start;
    ws.enc.storeNone(ws.w32, 0, n);
    ws.event('hmm_range_fault', 0, n, `vma:${flags}`, 'clear the whole range to values[NONE], return -EPERM',
      `${reason}; up to 5.4 the per-VMA loop of hmm_range_fault() clears every entry of the range (hmm_pfns_clear from range->start to range->end, outputs already stored included) and returns -EPERM, in a snapshot too`, 'error');
    return -EPERM;
  }
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


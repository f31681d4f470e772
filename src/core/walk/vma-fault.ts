/**
 * hmm_vma_fault(): fault [addr, end) in with handle_mm_fault(), one page at a time, all with the write-ness the
 * caller computed (the first page's, on the PTE path). Returns -EPERM (write needed, VMA without VM_WRITE; checked
 * before any page is faulted), -EFAULT (a fault returned VM_FAULT_ERROR), or -EBUSY so hmm_range_fault() re-walks
 * from `last` = addr. 5.7+: no FAULT_FLAG_ALLOW_RETRY, so the mmap lock is never dropped.
 */
import { ANON_READ_FAULT, ANON_WRITE_FAULT, faultAnonNoneRun, faultCodeName, handleMmFault } from '../mm/fault';
import type { Vma } from '../mm/vma';
import { EBUSY, EFAULT, EPERM, NEED_WRITE_FAULT, type WalkState } from './state';

export function hmmVmaFault(ws: WalkState, addr: number, end: number, required: number, vma: Vma, why: string): number {
  ws.last = addr;
  const write = (required & NEED_WRITE_FAULT) !== 0;
  const i0 = ws.idx(addr);
  const i1 = ws.idx(end);
  if (write && !vma.write) {
    ws.event('hmm_vma_fault', i0, i0 + 1, 'vma:no-VM_WRITE', 'return -EPERM',
      `${why}; a write fault is needed but the VMA has no VM_WRITE, so hmm_vma_fault() returns -EPERM before faulting anything`, 'error');
    return -EPERM;
  }
  ws.event('hmm_vma_fault', i0, i1, write ? 'fault:write' : 'fault:read', `fault ${end - addr} page(s) ${write ? 'for write' : 'for read'}`,
    `${why}; hmm_vma_fault() calls handle_mm_fault() on every page from here to the end of this ${end - addr > 1 ? 'chunk' : 'page'} with the same flags`, 'fault');
  const perPage = ws.b.holeFaultPerPage;
  for (let vpn = addr; vpn < end; vpn++) {
    // a run of none PTEs of an anonymous VMA: the same faults, page by page, in one call (see faultAnonNoneRun)
    const n = faultAnonNoneRun(ws.p, vma, vpn, end, write);
    if (n > 0) {
      const i = ws.idx(vpn);
      if (perPage) ws.enc.storeNone(ws.w32, i, i + n);
      ws.faulted += n;
      const what = write ? ANON_WRITE_FAULT : ANON_READ_FAULT;
      ws.event('handle_mm_fault', i, i + n, 'fault:ok', what, what, 'fault');
      vpn += n - 1;
      continue;
    }
    const i = ws.idx(vpn);
    // ≤5.6 hmm_vma_walk_hole_(): values[NONE] goes into each page right before its fault
    if (perPage) ws.enc.storeNone(ws.w32, i, i + 1);
    const r = handleMmFault(ws.p, vma, vpn, write);
    ws.faulted++;
    if (r.code) {
      ws.failVpn = vpn;
      if (perPage) ws.enc.storeError(ws.w32, i, i + 1);
      ws.event('handle_mm_fault', i, i + 1, 'fault:error', `${faultCodeName(r.code)} -> return -EFAULT`,
        `${r.what}; any VM_FAULT_ERROR makes hmm_vma_fault() return -EFAULT`, 'error');
      return -EFAULT;
    }
    ws.event('handle_mm_fault', i, i + 1, 'fault:ok', r.what, r.what, 'fault');
  }
  ws.event('hmm_vma_fault', i1, i1, 'fault:done', 'return -EBUSY (re-walk from last)',
    `the faults are done; hmm_vma_fault() returns -EBUSY and hmm_range_fault() walks again from ${ws.p.addr(addr)} (last)`, 'restart');
  return -EBUSY;
}

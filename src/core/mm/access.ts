/**
 * CPU accesses (the `read`/`write` steps) and fork().
 */
import { accessSatisfied, faultAnonNoneRun, faultCodeName, handleMmFault, VM_FAULT_HWPOISON, VM_FAULT_OOM, VM_FAULT_SIGSEGV } from './fault';
import { SimError, type Process } from './process';
import {
  F_EXCLUSIVE, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_MIGRATION, K_PRESENT, K_SWAP, kindOf, mkState,
} from './pte';
import { ZERO_PFN } from './phys';

/** Faults per page the CPU may take before the simulator gives up (a real CPU would retry forever). */
const MAX_FAULTS_PER_ACCESS = 8;

function signalFor(code: number): string {
  if (code & VM_FAULT_SIGSEGV) return 'SIGSEGV';
  if (code & VM_FAULT_HWPOISON) return 'SIGBUS (hardware poison)';
  if (code & VM_FAULT_OOM) return 'the OOM killer';
  return 'SIGBUS';
}

/** A CPU read or write of `pages` pages from `s`: the faults the CPU takes (handle_mm_fault), page by page. */
export function doAccess(p: Process, s: number, pages: number, write: boolean): void {
  const what = write ? 'write' : 'read';
  let vma = p.vmas.find(s);
  for (let vpn = s; vpn < s + pages; vpn++) {
    if (!vma || vpn >= vma.end || vpn < vma.start) vma = p.vmas.find(vpn);
    if (!vma) throw new SimError(`${what} at ${p.addr(vpn)}: no mapping there; the process would get SIGSEGV`);
    if (!vma.read && !vma.write) throw new SimError(`${what} at ${p.addr(vpn)}: the mapping is PROT_NONE; the process would get SIGSEGV`);
    if (write && !vma.write) throw new SimError(`write at ${p.addr(vpn)}: the mapping is read-only (no VM_WRITE); the process would get SIGSEGV`);
    // none PTEs of an anonymous VMA: one do_anonymous_page() fault each satisfies the access; take the run at once
    const run = faultAnonNoneRun(p, vma, vpn, Math.min(s + pages, vma.end), write);
    if (run > 0) {
      vpn += run - 1;
      continue;
    }
    let n = 0;
    while (!accessSatisfied(p, vma, vpn, write)) {
      if (++n > MAX_FAULTS_PER_ACCESS) {
        throw new SimError(`${what} at ${p.addr(vpn)}: still not satisfied after ${MAX_FAULTS_PER_ACCESS} faults (simulator limit)`);
      }
      const r = handleMmFault(p, vma, vpn, write);
      if (r.code) {
        throw new SimError(`${what} at ${p.addr(vpn)}: ${r.what}; handle_mm_fault returns ${faultCodeName(r.code)}, the process would get ${signalFor(r.code)}`);
      }
    }
  }
}

/**
 * fork(): private mappings become copy-on-write shared with a child (copy_page_range). The child is never walked;
 * what matters is that the parent's pages are no longer exclusive and are write-protected. Invalidates each COW
 * mapping that has anonymous pages (MMU_NOTIFY_PROTECTION_PAGE).
 */
export function doFork(p: Process): void {
  p.forked = true;
  for (const v of p.vmas.list) {
    if (v.shared) continue;
    if (!v.hugetlbOrder && !v.anonVma && !v.pfnmap && !v.mixedmap) continue;
    p.invalidate('PROTECTION_PAGE', v.start, v.end, 'fork write-protects private pages (copy_page_range)');
    p.forEachPopulated(v.start, v.end, (t, base, i0, i1) => {
      for (let i = i0; i < i1; i++) {
        let w = t[2 * i];
        const k = kindOf(w);
        if (k === K_DEVICE_EXCLUSIVE) {
          // copy_nonpresent_pte(): restore the original mapping first, then copy it like a present page
          p.invalidate('EXCLUSIVE', base + i, base + i + 1, 'fork restores a device-exclusive entry');
          w = mkState(K_PRESENT, w & (F_WRITE | F_EXCLUSIVE));
        }
        const kk = kindOf(w);
        if (kk === K_PRESENT && t[2 * i + 1] !== ZERO_PFN) w &= ~(F_WRITE | F_EXCLUSIVE);
        else if (kk === K_SWAP) w &= ~F_EXCLUSIVE;
        else if (kk === K_DEVICE_PRIVATE || kk === K_MIGRATION) w &= ~(F_WRITE | F_EXCLUSIVE);
        t[2 * i] = w >>> 0;
      }
    }, (leaf) => {
      if (leaf.kind === 'thp' || leaf.kind === 'hugetlb' || leaf.kind === 'device_private' || leaf.kind === 'migration') {
        if (!leaf.empty) { leaf.write = false; leaf.exclusive = false; }
      }
    });
  }
}

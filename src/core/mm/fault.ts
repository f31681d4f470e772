/**
 * handle_mm_fault() for one page: one state transition, as the kernel makes one per fault. The CPU re-executes the
 * access (and a walk re-walks) to take the next fault if one transition was not enough (device-private page
 * migrated back, then a write needs COW).
 *
 * What invalidates (hmm-semantics §5): COW break (wp_page_copy), THP split, migrate_to_ram (MIGRATE, owner = the
 * page's device), device-exclusive restore (EXCLUSIVE), hugetlb COW. What does not: populating none entries
 * (zero page, new page, page cache, THP, hugetlb), swap-in, NUMA (protnone) restore, migration-entry completion,
 * write fault that reuses an exclusive page.
 */
import type { Process } from './process';
import {
  F_EXCLUSIVE, F_PROTNONE, F_SPECIAL, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_HWPOISON, K_MARKER, K_MIGRATION,
  K_NONE, K_PRESENT, K_SWAP, M_GUARD, M_UFFD_WP, devOf, kindOf, markerOf, mkLeaf, mkState,
} from './pte';
import { HUGE_ZERO_PFN, ZERO_PFN } from './phys';
import { splitPmd, thpEligible } from './thp';
import { isAnon, isSpecialVma, type Vma } from './vma';
import { hugetlbEntry, setHugetlbEntry } from './hugetlb';

export const VM_FAULT_OK = 0;
export const VM_FAULT_OOM = 0x1;
export const VM_FAULT_SIGBUS = 0x2;
export const VM_FAULT_HWPOISON = 0x10;
export const VM_FAULT_SIGSEGV = 0x40;

export interface FaultOutcome {
  readonly code: number;
  /** what the fault did, for the trace ("zero page mapped (do_anonymous_page)") */
  readonly what: string;
}

const ok = (what: string): FaultOutcome => ({ code: VM_FAULT_OK, what });
const err = (code: number, what: string): FaultOutcome => ({ code, what });

export function faultCodeName(code: number): string {
  if (code & VM_FAULT_OOM) return 'VM_FAULT_OOM';
  if (code & VM_FAULT_HWPOISON) return 'VM_FAULT_HWPOISON';
  if (code & VM_FAULT_SIGSEGV) return 'VM_FAULT_SIGSEGV';
  if (code & VM_FAULT_SIGBUS) return 'VM_FAULT_SIGBUS';
  return '0';
}

function ensureAnonVma(p: Process, vma: Vma): void {
  if (!vma.anonVma) vma.anonVma = p.vmas.newAnonVma();
}

/** Is the page at vpn a page-cache page of this file VMA (not an anonymous COW copy)? */
function isPageCachePage(vma: Vma, vpn: number, pfn: number): boolean {
  return vma.file !== null && vma.file.pages.get(vma.pgoff + (vpn - vma.start)) === pfn;
}

/** handle_mm_fault(vma, address, write ? FAULT_FLAG_WRITE : 0). The caller checked VM_READ/VM_WRITE. */
export function handleMmFault(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  if (vma.hugetlbOrder) return hugetlbFault(p, vma, vpn, write);
  const g = p.g;
  const hit = p.pt.lookup(vpn);
  if (hit.level === 'pgd-none' || hit.level === 'pud-none' || hit.level === 'pmd-none') {
    const pmdStart = Math.floor(vpn / g.pmdPages) * g.pmdPages;
    if (thpEligible(vma, pmdStart, g.pmdPages)) return hugePmdMissing(p, vma, vpn, write);
  } else if (hit.level === 'pmd-leaf') {
    return pmdLeafFault(p, vma, vpn, write);
  } else if (hit.level === 'pud-leaf') {
    const leaf = hit.leaf;
    if (write && !leaf.write) {
      if (!vma.shared) return err(VM_FAULT_SIGBUS, 'write to a read-only PUD leaf of a private mapping is not modelled');
      leaf.write = true;
      return ok('PUD leaf made writable (wp_huge_pud)');
    }
    return ok('PUD leaf already mapped');
  }
  return pteFault(p, vma, vpn, write);
}

function hugePmdMissing(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  ensureAnonVma(p, vma);
  if (!write) {
    p.pt.setPmdSlot(vpn, mkLeaf('huge_zero', HUGE_ZERO_PFN, false));
    return ok('huge zero page mapped by a PMD (do_huge_pmd_anonymous_page, read fault)');
  }
  const pfn = p.phys.allocThp(p.g.pmdOrder);
  if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory for a THP');
  p.pt.setPmdSlot(vpn, mkLeaf('thp', pfn, true));
  return ok('THP allocated and mapped by a PMD (do_huge_pmd_anonymous_page)');
}

function pmdLeafFault(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  const g = p.g;
  const leaf = p.pt.pmdLeaf(vpn)!;
  const start = Math.floor(vpn / g.pmdPages) * g.pmdPages;
  switch (leaf.kind) {
    case 'thp':
      if (leaf.protnone) {
        leaf.protnone = false;
        return ok('NUMA hint on the huge PMD cleared (do_huge_pmd_numa_page)');
      }
      if (!write || leaf.write) return ok('THP already mapped');
      if (leaf.exclusive) {
        leaf.write = true;
        return ok('exclusive THP made writable in place (do_huge_pmd_wp_page reuse; no invalidation)');
      }
      splitPmd(p, vpn, 'write to a THP shared with a forked child');
      return pteFault(p, vma, vpn, write);
    case 'huge_zero': {
      if (!write) return ok('huge zero page already mapped');
      if (p.b.hugeZeroWpAllocatesThp) {
        // do_huge_zero_wp_pmd(): a new THP replaces the huge zero PMD under an invalidation of the whole PMD
        const pfn = p.phys.allocThp(g.pmdOrder);
        if (pfn !== undefined) {
          p.invalidate('CLEAR', start, start + g.pmdPages, 'write to the huge zero page (do_huge_zero_wp_pmd)');
          p.pt.setPmdSlot(start, mkLeaf('thp', pfn, true));
          return ok('a new THP replaces the huge zero page, mapped writable by the PMD (do_huge_zero_wp_pmd; invalidates the PMD)');
        }
      }
      splitPmd(p, vpn, 'write to the huge zero page');
      return pteFault(p, vma, vpn, write);
    }
    case 'device_private': {
      const dev = p.deviceName(leaf.dev ?? 0);
      const pfn = p.phys.allocThp(g.pmdOrder);
      if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory for migrate_to_ram');
      p.invalidate('MIGRATE', start, start + g.pmdPages, `migrate_to_ram of ${dev}'s device-private THP`, dev);
      p.pt.setPmdSlot(vpn, mkLeaf('thp', pfn, leaf.write, { exclusive: leaf.exclusive }));
      return ok(`${dev}'s device-private THP migrated back to system memory (migrate_to_ram)`);
    }
    case 'migration': {
      const pfn = p.phys.allocThp(g.pmdOrder);
      if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
      p.pt.setPmdSlot(vpn, mkLeaf('thp', pfn, leaf.write, { exclusive: leaf.exclusive }));
      return ok('waited for the PMD migration to finish (pmd_migration_entry_wait)');
    }
    default:
      return err(VM_FAULT_SIGBUS, `PMD entry "${leaf.kind}" cannot be faulted`);
  }
}

/** What do_anonymous_page() did, as handle_mm_fault() reports it (read fault: zero page; write: a new page). */
export const ANON_READ_FAULT = 'shared zero page mapped read-only (do_anonymous_page, read fault)';
export const ANON_WRITE_FAULT = 'new zeroed page mapped writable (do_anonymous_page, write fault)';

/**
 * handle_mm_fault() on each page of [vpn, end) in order, for as long as every page is a none PTE of an anonymous,
 * non-hugetlb, non-special VMA outside a THP-eligible PMD (so each fault is do_anonymous_page()): the same PTEs,
 * page tables and pfn allocation order as one call per page, without a lookup per page. Stops before the first
 * page that needs anything else (or when memory runs out) and returns how many pages it faulted; the result of
 * each of those faults is ANON_READ_FAULT / ANON_WRITE_FAULT. No invalidation (populating a none PTE makes none).
 */
export function faultAnonNoneRun(p: Process, vma: Vma, vpn: number, end: number, write: boolean): number {
  if (vma.hugetlbOrder || !isAnon(vma) || isSpecialVma(vma)) return 0;
  const g = p.g;
  const state = write ? mkState(K_PRESENT, F_WRITE | F_EXCLUSIVE) : mkState(K_PRESENT);
  let a = vpn;
  while (a < end) {
    const pmdStart = Math.floor(a / g.pmdPages) * g.pmdPages;
    const chunkEnd = Math.min(end, pmdStart + g.pmdPages);
    const hit = p.pt.lookup(a);
    let t: Uint32Array | undefined;
    if (hit.level === 'pte') t = hit.table;
    else if (hit.level === 'pgd-none' || hit.level === 'pud-none' || hit.level === 'pmd-none') {
      if (thpEligible(vma, pmdStart, g.pmdPages)) break;
    } else break;
    for (; a < chunkEnd; a++) {
      const k = (a - pmdStart) * 2;
      if (t && kindOf(t[k]) !== K_NONE) return a - vpn;
      ensureAnonVma(p, vma);
      let pfn = ZERO_PFN;
      if (write) {
        const got = p.phys.allocRam();
        if (got === undefined) return a - vpn;
        pfn = got;
      }
      t ??= p.pt.pteTable(a, true)!;
      t[k] = state;
      t[k + 1] = pfn;
    }
  }
  return a - vpn;
}

/** do_pte_missing(): a none PTE (or a uffd-wp marker read). */
function pteMissing(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  if (isSpecialVma(vma)) {
    return err(VM_FAULT_SIGBUS, 'no page here and the driver\'s vm_ops->fault of a VM_IO/VM_PFNMAP/VM_MIXEDMAP mapping is not modelled (use `set`)');
  }
  if (isAnon(vma)) {
    ensureAnonVma(p, vma);
    if (!write) {
      p.pt.setPte(vpn, mkState(K_PRESENT), ZERO_PFN);
      return ok(ANON_READ_FAULT);
    }
    const pfn = p.phys.allocRam();
    if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
    p.pt.setPte(vpn, mkState(K_PRESENT, F_WRITE | F_EXCLUSIVE), pfn);
    return ok(ANON_WRITE_FAULT);
  }
  const file = vma.file!;
  const pgoff = vma.pgoff + (vpn - vma.start);
  if (vma.shared) {
    const pfn = p.phys.pageCache(file, pgoff);
    if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
    // a read fault maps with vm_page_prot: writable on tmpfs, read-only where the filesystem asks for write
    // notification (the write fault then calls page_mkwrite and maps it writable)
    const w = vma.write && (write || !vma.writenotify);
    p.pt.setPte(vpn, mkState(K_PRESENT, w ? F_WRITE : 0), pfn);
    return ok(`page-cache page mapped ${w ? 'writable' : 'read-only'} (${write ? 'do_shared_fault' : 'do_read_fault'}${vma.writenotify ? ', write-notify filesystem' : ''})`);
  }
  if (!write) {
    const pfn = p.phys.pageCache(file, pgoff);
    if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
    p.pt.setPte(vpn, mkState(K_PRESENT), pfn);
    return ok('page-cache page mapped read-only in a private mapping (do_read_fault)');
  }
  ensureAnonVma(p, vma);
  const pfn = p.phys.allocRam();
  if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
  p.pt.setPte(vpn, mkState(K_PRESENT, F_WRITE | F_EXCLUSIVE), pfn);
  return ok('private copy of the file page mapped writable (do_cow_fault)');
}

/** wp_page_copy(): a new page replaces the read-only one; invalidates the page (MMU_NOTIFY_CLEAR). */
function cowCopy(p: Process, vma: Vma, vpn: number, what: string): FaultOutcome {
  ensureAnonVma(p, vma);
  const pfn = p.phys.allocRam();
  if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
  p.invalidate('CLEAR', vpn, vpn + 1, `COW break (wp_page_copy) of ${what}`);
  p.pt.setPte(vpn, mkState(K_PRESENT, F_WRITE | F_EXCLUSIVE), pfn);
  return ok(`copy-on-write of ${what}: new page mapped writable (wp_page_copy; invalidates)`);
}

function pteFault(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  const [w, v] = p.pt.getPte(vpn);
  const kind = kindOf(w);
  const excl = w & F_EXCLUSIVE;
  switch (kind) {
    case K_NONE:
      return pteMissing(p, vma, vpn, write);
    case K_MARKER: {
      const m = markerOf(w);
      if (m === M_GUARD) return err(VM_FAULT_SIGSEGV, 'guard-region marker (handle_pte_marker: VM_FAULT_SIGSEGV)');
      if (m === M_UFFD_WP) {
        if (write) return err(VM_FAULT_SIGBUS, 'uffd-wp marker: a write must go to the userfaultfd monitor, and without FAULT_FLAG_ALLOW_RETRY handle_userfault() returns VM_FAULT_SIGBUS');
        p.pt.setPte(vpn, 0, 0);
        return pteMissing(p, vma, vpn, false);
      }
      return err(VM_FAULT_HWPOISON, 'poisoned-page marker (handle_pte_marker: VM_FAULT_HWPOISON)');
    }
    case K_SWAP: {
      const pfn = p.phys.allocRam();
      if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
      const exclusive = excl !== 0;
      const mkw = exclusive && vma.write && (write || p.b.swapinWritableOnRead);
      p.pt.setPte(vpn, mkState(K_PRESENT, (mkw ? F_WRITE : 0) | excl), pfn);
      if (write && !mkw) return cowCopy(p, vma, vpn, 'a swapped-in page still shared with the forked child');
      return ok(`swapped in, mapped ${mkw ? 'writable' : 'read-only'} (do_swap_page; no invalidation)`);
    }
    case K_MIGRATION: {
      const pfn = p.phys.allocRam();
      if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
      p.pt.setPte(vpn, mkState(K_PRESENT, (w & F_WRITE) | excl), pfn);
      return ok('waited for the migration to finish (migration_entry_wait); the new page is mapped');
    }
    case K_DEVICE_PRIVATE: {
      const dev = p.deviceName(devOf(w));
      const pfn = p.phys.allocRam();
      if (pfn === undefined) return err(VM_FAULT_OOM, 'out of simulated memory');
      p.invalidate('MIGRATE', vpn, vpn + 1, `migrate_to_ram of ${dev}'s device-private page`, dev);
      p.pt.setPte(vpn, mkState(K_PRESENT, (w & F_WRITE) | excl), pfn);
      return ok(`${dev}'s device-private page migrated back to system memory (migrate_to_ram; MMU_NOTIFY_MIGRATE owner ${dev})`);
    }
    case K_DEVICE_EXCLUSIVE: {
      p.invalidate('EXCLUSIVE', vpn, vpn + 1, 'device-exclusive entry restored (remove_device_exclusive_entry)');
      p.pt.setPte(vpn, mkState(K_PRESENT, (w & F_WRITE) | excl), v);
      return ok('device-exclusive entry restored to the original page (remove_device_exclusive_entry; invalidates)');
    }
    case K_HWPOISON:
      return err(VM_FAULT_HWPOISON, 'hwpoison entry (do_swap_page: VM_FAULT_HWPOISON)');
    case K_PRESENT: {
      if (w & F_PROTNONE) {
        p.pt.setPte(vpn, (w & ~F_PROTNONE) >>> 0, v);
        return ok('NUMA hinting fault restored the protection (do_numa_page; no invalidation)');
      }
      if (!write || (w & F_WRITE)) return ok('already mapped as needed');
      if (w & F_SPECIAL) {
        if (vma.shared) {
          p.pt.setPte(vpn, (w | F_WRITE) >>> 0, v);
          return ok('pfn mapping made writable (wp_pfn_shared)');
        }
        return cowCopy(p, vma, vpn, 'a special pfn in a private mapping');
      }
      if (v === ZERO_PFN) return cowCopy(p, vma, vpn, 'the shared zero page');
      if (vma.shared) {
        p.pt.setPte(vpn, (w | F_WRITE) >>> 0, v);
        return ok('shared page made writable in place (wp_page_shared; no invalidation)');
      }
      if (isPageCachePage(vma, vpn, v)) return cowCopy(p, vma, vpn, 'a page-cache page in a private file mapping');
      if (excl) {
        p.pt.setPte(vpn, (w | F_WRITE) >>> 0, v);
        return ok('exclusive anonymous page made writable in place (wp_page_reuse; no invalidation)');
      }
      return cowCopy(p, vma, vpn, 'a page shared with the forked child');
    }
    default:
      return err(VM_FAULT_SIGBUS, 'unknown PTE state');
  }
}

/** hugetlb_fault(): hugetlb_no_page for an empty slot, hugetlb_wp for a write to a read-only page. */
function hugetlbFault(p: Process, vma: Vma, vpn: number, write: boolean): FaultOutcome {
  const order = vma.hugetlbOrder;
  const span = 2 ** order;
  const base = Math.floor(vpn / span) * span;
  const { leaf } = hugetlbEntry(p, vma, base);
  const set = (l: ReturnType<typeof mkLeaf>) => setHugetlbEntry(p, vma, base, l);
  if (!leaf || leaf.empty) {
    const pfn = p.phys.allocRam(order);
    if (pfn === undefined) return err(VM_FAULT_OOM, 'no free simulated huge page');
    const w = vma.shared ? vma.write : write;
    set(mkLeaf('hugetlb', pfn, w));
    return ok(`hugetlb page allocated and mapped ${w ? 'writable' : 'read-only'} (hugetlb_no_page)`);
  }
  if (!write || leaf.write) return ok('hugetlb page already mapped');
  if (vma.shared || leaf.exclusive) {
    leaf.write = true;
    set(leaf);
    return ok('hugetlb page made writable in place (hugetlb_wp reuse)');
  }
  const pfn = p.phys.allocRam(order);
  if (pfn === undefined) return err(VM_FAULT_OOM, 'no free simulated huge page');
  p.invalidate('CLEAR', base, base + span, 'hugetlb COW (hugetlb_wp)');
  set(mkLeaf('hugetlb', pfn, true));
  return ok('hugetlb page copied for a write (hugetlb_wp; invalidates)');
}

/** Whether the page already allows the access (no fault needed), as the CPU would find it. */
export function accessSatisfied(p: Process, vma: Vma, vpn: number, write: boolean): boolean {
  if (vma.hugetlbOrder) {
    const span = 2 ** vma.hugetlbOrder;
    const { leaf } = hugetlbEntry(p, vma, Math.floor(vpn / span) * span);
    return !!leaf && !leaf.empty && (!write || leaf.write);
  }
  const hit = p.pt.lookup(vpn);
  if (hit.level === 'pmd-leaf' || hit.level === 'pud-leaf') {
    const l = hit.leaf;
    return (l.kind === 'thp' || l.kind === 'huge_zero' || l.kind === 'dax') && !l.protnone && (!write || l.write);
  }
  if (hit.level !== 'pte') return false;
  const i = (vpn % p.g.entries) * 2;
  const w = hit.table[i];
  return kindOf(w) === K_PRESENT && !(w & F_PROTNONE) && (!write || (w & F_WRITE) !== 0);
}


/**
 * The `set` step: put PTEs into an exact state, to reproduce a bug report. A state the kernel could not produce in
 * that VMA (or on that release) is an error. Replacing populated entries invalidates them (MMU_NOTIFY_CLEAR).
 */
import type { PteStateSpec } from '../scenario/ast';
import { SimError, type Process } from './process';
import {
  F_EXCLUSIVE, F_PROTNONE, F_SPECIAL, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_HWPOISON, K_MARKER,
  K_MIGRATION, K_NONE, K_PRESENT, K_SWAP, kindOf, markerCode, mkState,
} from './pte';
import { ZERO_PFN } from './phys';
import { splitPmd } from './thp';
import { isAnon, isSpecialVma, type Vma } from './vma';

function label(spec: PteStateSpec): string {
  return spec.state === 'marker' ? `marker ${spec.marker}` : spec.state;
}

function check(p: Process, v: Vma, spec: PteStateSpec): void {
  const no = (why: string) => { throw new SimError(`set ${label(spec)}: ${why}`); };
  if (v.hugetlbOrder) no('hugetlb mappings have no PTE-level entries to set (their huge entries come from read/write faults)');
  const special = isSpecialVma(v);
  switch (spec.state) {
    case 'none': return;
    case 'special':
      if (!special) no('a special (struct-page-less) PTE exists only in a driver mapping: mmap with flags [mixedmap], [pfnmap] or [io]');
      return;
    case 'present':
      if (spec.write && !v.write) no('the mapping has no VM_WRITE, so the kernel never makes this PTE writable');
      return;
    case 'zero':
      if (!isAnon(v) || special) no('the shared zero page is mapped only in private anonymous memory (do_anonymous_page)');
      if (!v.read) no('the mapping is PROT_NONE');
      return;
    case 'protnone':
      if (special) no('NUMA hinting (protnone) applies to normal memory, not driver mappings');
      if (!v.read) no('the mapping is PROT_NONE already');
      return;
    case 'swap':
      if (!isAnon(v) && v.shared) no('shared memory swaps through the page cache: its PTE becomes none, not a swap entry');
      if (special) no('driver mappings are never swapped');
      return;
    case 'migration':
      if (special) no('driver mappings are never migrated');
      if (spec.write && !v.write) no('the mapping has no VM_WRITE, so a writable migration entry cannot exist');
      return;
    case 'device_private':
      p.deviceIndex(spec.device);
      if (!isAnon(v) || special) no('only private anonymous memory migrates to device-private memory');
      if (spec.write && !v.write) no('the mapping has no VM_WRITE, so a writable device-private entry cannot exist');
      return;
    case 'device_exclusive':
      if (!p.b.deviceExclusive) no(`device-exclusive entries arrived in v5.14; kernel ${p.b.kernel.id} has none`);
      p.deviceIndex(spec.device);
      if (!isAnon(v) || special) no('make_device_exclusive works on private anonymous pages only');
      return;
    case 'hwpoison':
      if (special && !v.mixedmap) no('memory_failure needs pages with a struct page');
      return;
    case 'marker': {
      const since = spec.marker === 'uffd_wp' ? 'v5.19' : spec.marker === 'poisoned' ? 'v6.2 (swapin-error marker, named poisoned in 6.5)' : 'v6.13 (MADV_GUARD_INSTALL)';
      if (!p.b.markerKinds.has(spec.marker)) no(`PTE markers of kind ${spec.marker} exist from ${since}; kernel ${p.b.kernel.id} has none`);
      if (special) no('markers are not installed in driver mappings');
      if (spec.marker === 'uffd_wp' && isAnon(v) && !p.b.uffdWpMarkersInAnon) {
        no(`uffd-wp markers exist in private anonymous memory from v6.4 (UFFD_FEATURE_WP_UNPOPULATED); on ${p.b.kernel.id} only shmem and hugetlbfs mappings get them (zap and UFFDIO_WRITEPROTECT skip anonymous VMAs): map it [shared, anonymous]`);
      }
      return;
    }
  }
}

/** The page a `set` entry points at: page cache of a shared file mapping, else a new page. */
function pageFor(p: Process, v: Vma, vpn: number): number {
  if (v.file && !isSpecialVma(v)) {
    const pfn = v.shared ? p.phys.pageCache(v.file, v.pgoff + (vpn - v.start)) : p.phys.allocRam();
    if (pfn === undefined) throw new SimError('out of simulated memory');
    return pfn;
  }
  const pfn = p.phys.allocRam();
  if (pfn === undefined) throw new SimError('out of simulated memory');
  return pfn;
}

export function doSet(p: Process, s: number, pages: number, spec: PteStateSpec): void {
  const e = s + pages;
  for (let vpn = s; vpn < e;) {
    const v = p.vmas.find(vpn);
    if (!v) throw new SimError(`set ${label(spec)}: ${p.addr(vpn)} is not mapped; a PTE exists only inside a mapping`);
    check(p, v, spec);
    vpn = v.end;
  }
  let replaced = false;
  for (let vpn = s; vpn < e; vpn++) {
    if (p.pt.pmdLeaf(vpn)) splitPmd(p, vpn, 'set of a PTE inside a THP');
    if (kindOf(p.pt.pteState(vpn)) !== K_NONE) replaced = true;
  }
  if (replaced) p.invalidate('CLEAR', s, e, 'set replaces populated entries');
  let v: Vma | undefined;
  for (let vpn = s; vpn < e; vpn++) {
    if (!v || vpn >= v.end || vpn < v.start) v = p.vmas.find(vpn)!;
    if (!v.anonVma && isAnon(v)) v.anonVma = p.vmas.newAnonVma();
    let st = 0; let val = 0;
    switch (spec.state) {
      case 'none': break;
      case 'zero': st = mkState(K_PRESENT); val = ZERO_PFN; break;
      case 'present': st = mkState(K_PRESENT, (spec.write ? F_WRITE : 0) | F_EXCLUSIVE); val = pageFor(p, v, vpn); break;
      case 'special': st = mkState(K_PRESENT, F_SPECIAL | (v.write && v.shared ? F_WRITE : 0)); val = pageFor(p, v, vpn); break;
      case 'protnone': st = mkState(K_PRESENT, F_PROTNONE | F_EXCLUSIVE | (v.write && isAnon(v) ? F_WRITE : 0)); val = pageFor(p, v, vpn); break;
      case 'swap': st = mkState(K_SWAP, F_EXCLUSIVE); val = p.phys.newSwapSlot(); break;
      case 'migration': st = mkState(K_MIGRATION, (spec.write ? F_WRITE : 0) | F_EXCLUSIVE); val = pageFor(p, v, vpn); break;
      case 'device_private': {
        const d = p.deviceIndex(spec.device);
        const pfn = p.phys.allocDevice(d);
        if (pfn === undefined) throw new SimError(`set device_private: ${spec.device}'s memory is exhausted`);
        st = mkState(K_DEVICE_PRIVATE, (spec.write ? F_WRITE : 0) | F_EXCLUSIVE, d); val = pfn; break;
      }
      case 'device_exclusive': st = mkState(K_DEVICE_EXCLUSIVE, (v.write ? F_WRITE : 0) | F_EXCLUSIVE, p.deviceIndex(spec.device)); val = pageFor(p, v, vpn); break;
      case 'hwpoison': st = mkState(K_HWPOISON); val = pageFor(p, v, vpn); break;
      case 'marker': st = mkState(K_MARKER, 0, 0, markerCode(spec.marker)); break;
    }
    if (st === 0 && kindOf(p.pt.pteState(vpn)) === K_NONE) continue;
    p.pt.setPte(vpn, st, val);
  }
}

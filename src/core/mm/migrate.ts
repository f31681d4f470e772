/**
 * Device memory steps: migrate_vma to a device's private memory and back (lib/test_hmm.c dmirror_migrate_to_device /
 * dmirror_migrate_to_system), and make_device_exclusive (dmirror_exclusive).
 *
 * Modelled rules:
 *  - To a device: only private anonymous memory migrates (migrate_vma_setup refuses hugetlb and VM_SPECIAL mappings
 *    with -EINVAL; file and shared pages are skipped by migrate_vma_pages). Candidates (migrate_vma_collect_pmd):
 *    none PTEs and the zero page (the device page is writable iff the VMA has VM_WRITE, migrate_vma_insert_page),
 *    present normal pages (writable iff the PTE was). Swap, migration, other devices' pages, markers, hwpoison are
 *    skipped (MIGRATE_VMA_SELECT_SYSTEM only). A whole PMD-mapped THP, or a whole unpopulated PMD, becomes a
 *    device-private THP from ≈6.19 (MIGRATE_VMA_SELECT_COMPOUND); before, the THP is split first.
 *  - To `system`: device-private pages of every device in the range come back (one MIGRATE event per device).
 *  - Events: MMU_NOTIFY_MIGRATE over the whole range with owner = the device (migrate_vma_setup).
 */
import { doAccess } from './access';
import { SimError, type Process } from './process';
import {
  F_EXCLUSIVE, F_PROTNONE, F_SPECIAL, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_NONE, K_PRESENT, devOf, kindOf,
  mkLeaf, mkState,
} from './pte';
import { ZERO_PFN } from './phys';
import { splitPmd } from './thp';
import { isAnon, isSpecialVma } from './vma';

function requireMapped(p: Process, s: number, e: number, what: string): void {
  let cur = s;
  for (const v of p.vmas.range(s, e)) {
    if (v.start > cur) break;
    cur = v.end;
  }
  if (cur < e) throw new SimError(`${what}: ${p.addr(Math.max(cur, s))} is not mapped`);
}

export function doMigrate(p: Process, s: number, pages: number, to: string): void {
  const e = s + pages;
  requireMapped(p, s, e, `migrate to ${to}`);
  if (to === 'system') return migrateToSystem(p, s, e);
  const dev = p.deviceIndex(to);
  for (const v of p.vmas.range(s, e)) {
    if (v.hugetlbOrder || isSpecialVma(v)) {
      throw new SimError(`migrate to ${to}: migrate_vma_setup() refuses ${v.hugetlbOrder ? 'hugetlb' : 'VM_IO/VM_PFNMAP/VM_MIXEDMAP'} mappings (-EINVAL)`);
    }
  }
  p.invalidate('MIGRATE', s, e, `migrate_vma_setup to ${to}`, to);
  const g = p.g;
  const skipped: string[] = [];
  const ptThp: number[] = [];
  for (const v of p.vmas.range(s, e)) {
    const vs = Math.max(s, v.start);
    const ve = Math.min(e, v.end);
    if (!isAnon(v)) {
      skipped.push(`${p.addr(vs)}..${p.addr(ve)} (${v.shared ? 'shared' : 'file'} mapping: only private anonymous pages move to device-private memory)`);
      continue;
    }
    if (!v.anonVma) v.anonVma = p.vmas.newAnonVma();
    for (let a = Math.floor(vs / g.pmdPages) * g.pmdPages; a < ve; a += g.pmdPages) {
      const cs = Math.max(a, vs);
      const ce = Math.min(a + g.pmdPages, ve);
      const whole = cs === a && ce === a + g.pmdPages;
      const hit = p.pt.lookup(cs);
      if (hit.level === 'pmd-leaf') {
        const leaf = hit.leaf;
        if (leaf.kind === 'thp' && whole && p.b.deviceThpMigration) {
          const pfn = p.phys.allocDevice(dev, g.pmdOrder);
          if (pfn === undefined) throw new SimError(`migrate to ${to}: device memory exhausted`);
          p.pt.setPmdSlot(cs, mkLeaf('device_private', pfn, leaf.write, { exclusive: leaf.exclusive, dev }));
          continue;
        }
        if (leaf.kind === 'thp' || leaf.kind === 'huge_zero') {
          splitPmd(p, cs, `migrate to ${to}`);
          // migrate_vma_collect_pmd(): split_huge_page() (≈6.19: migrate_vma_split_folio()) — small pages from here on
          if (leaf.kind === 'thp') p.phys.splitFolio(leaf.pfn);
        } else continue;
      } else if ((hit.level === 'pmd-none' || hit.level === 'pud-none' || hit.level === 'pgd-none') && whole
        && p.b.deviceThpMigration) {
        const pfn = p.phys.allocDevice(dev, g.pmdOrder);
        if (pfn === undefined) throw new SimError(`migrate to ${to}: device memory exhausted`);
        p.pt.setPmdSlot(cs, mkLeaf('device_private', pfn, v.write, { dev }));
        continue;
      }
      for (let vpn = cs; vpn < ce; vpn++) {
        const [w, pfn] = p.pt.getPte(vpn);
        const k = kindOf(w);
        let write: boolean;
        let excl = F_EXCLUSIVE;
        if (k === K_NONE || (k === K_PRESENT && pfn === ZERO_PFN)) write = v.write;
        else if (k === K_PRESENT && !(w & F_SPECIAL)) {
          const folio = p.phys.folioOf(pfn);
          if (folio) {
            // a PTE-mapped THP: ≈6.19 migrate_vma_collect_pmd() splits the folio first (migrate_vma_split_folio());
            // before, migrate_vma_check_page() refuses compound pages and the page stays where it is
            if (!p.b.deviceThpMigration) { ptThp.push(vpn); continue; }
            p.phys.splitFolio(folio.head);
          }
          write = (w & F_WRITE) !== 0;
          excl = w & F_EXCLUSIVE;
          if (w & F_PROTNONE) write = (w & F_WRITE) !== 0;
        } else continue;
        const dpfn = p.phys.allocDevice(dev);
        if (dpfn === undefined) throw new SimError(`migrate to ${to}: device memory exhausted`);
        p.pt.setPte(vpn, mkState(K_DEVICE_PRIVATE, (write ? F_WRITE : 0) | excl, dev), dpfn);
      }
    }
  }
  for (const [a, b] of runsOf(ptThp)) {
    skipped.push(`${p.addr(a)}..${p.addr(b)} (pages of a THP mapped by PTEs: migrate_vma_check_page() refuses compound pages before v6.19)`);
  }
  if (skipped.length) throw new SimError(`migrate to ${to}: not migrated: ${skipped.join('; ')}`, 'warning');
}

/** Consecutive page numbers as [start, end) runs. */
function runsOf(vpns: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const v of vpns) {
    const last = runs[runs.length - 1];
    if (last && last[1] === v) last[1] = v + 1;
    else runs.push([v, v + 1]);
  }
  return runs;
}

function migrateToSystem(p: Process, s: number, e: number): void {
  const owners = new Set<number>();
  p.forEachPopulated(s, e, (t, _b, i0, i1) => {
    for (let i = i0; i < i1; i++) if (kindOf(t[2 * i]) === K_DEVICE_PRIVATE) owners.add(devOf(t[2 * i]));
  }, (leaf) => {
    if (leaf.kind === 'device_private') owners.add(leaf.dev ?? 0);
  });
  for (const d of [...owners].sort()) p.invalidate('MIGRATE', s, e, `migrate_vma_setup back to system memory (${p.deviceName(d)})`, p.deviceName(d));
  p.forEachPopulated(s, e, (t, _b, i0, i1) => {
    for (let i = i0; i < i1; i++) {
      const w = t[2 * i];
      if (kindOf(w) !== K_DEVICE_PRIVATE) continue;
      const pfn = p.phys.allocRam();
      if (pfn === undefined) throw new SimError('migrate to system: out of simulated memory');
      t[2 * i] = mkState(K_PRESENT, w & (F_WRITE | F_EXCLUSIVE));
      t[2 * i + 1] = pfn;
    }
  }, (leaf, level, start) => {
    if (leaf.kind !== 'device_private' || level !== 'pmd') return;
    const pfn = p.phys.allocThp(p.g.pmdOrder);
    if (pfn === undefined) throw new SimError('migrate to system: out of simulated memory');
    p.pt.setPmdSlot(start, mkLeaf('thp', pfn, leaf.write, { exclusive: leaf.exclusive }));
  });
}

/**
 * make_device_exclusive(): GUP for write (faults/COW-breaks each page, FOLL_SPLIT_PMD), then a device-exclusive
 * entry per page. 5.14–6.14 (make_device_exclusive_range()): a THP's tail pages are skipped, and its head page
 * turns every PTE of the folio into a device-exclusive entry, inside the range or not (exclusiveFolio()).
 */
export function doExclusive(p: Process, s: number, pages: number, device: string): void {
  if (!p.b.deviceExclusive) {
    throw new SimError(`exclusive: device-exclusive entries (make_device_exclusive_range) arrived in v5.14; kernel ${p.b.kernel.id} has none`);
  }
  const dev = p.deviceIndex(device);
  const e = s + pages;
  requireMapped(p, s, e, 'exclusive');
  for (const v of p.vmas.range(s, e)) {
    if (!isAnon(v) || v.hugetlbOrder) throw new SimError('exclusive: make_device_exclusive works on private anonymous pages only');
    if (!v.write) throw new SimError('exclusive: make_device_exclusive needs a writable mapping (it faults pages with FOLL_WRITE)');
  }
  doAccess(p, s, pages, true);
  for (let vpn = s; vpn < e; vpn++) if (p.pt.pmdLeaf(vpn)) splitPmd(p, vpn, 'make_device_exclusive (FOLL_SPLIT_PMD)');
  p.invalidate('EXCLUSIVE', s, e, `make_device_exclusive for ${device}`, device);
  const tails: number[] = [];
  const beyond: number[] = [];
  for (let vpn = s; vpn < e; vpn++) {
    const [w, pfn] = p.pt.getPte(vpn);
    if (kindOf(w) !== K_PRESENT) continue;
    const folio = p.b.exclusiveWholeFolio ? p.phys.folioOf(pfn) : undefined;
    if (!folio) {
      p.pt.setPte(vpn, mkState(K_DEVICE_EXCLUSIVE, w & (F_WRITE | F_EXCLUSIVE), dev), pfn);
      continue;
    }
    if (pfn !== folio.head) { tails.push(vpn); continue; }
    for (const v of exclusiveFolio(p, vpn, folio, dev, device)) if (v < s || v >= e) beyond.push(v);
  }
  const notes: string[] = [];
  if (tails.length) {
    notes.push(`${runsOf(tails).map(([a, b]) => `${p.addr(a)}..${p.addr(b)}`).join(', ')} not made exclusive: tail pages of a THP (make_device_exclusive_range() skips PageTail pages before v6.15)`);
  }
  if (beyond.length) {
    notes.push(`${runsOf(beyond).map(([a, b]) => `${p.addr(a)}..${p.addr(b)}`).join(', ')} made exclusive too: the THP's head page converts every PTE of its folio (rmap walk, before v6.15)`);
  }
  if (notes.length) throw new SimError(`exclusive: ${notes.join('; ')}`, 'warning');
}

/**
 * page_make_device_exclusive_one() over each VMA mapping the folio whose head page is mapped at headVpn (5.14–6.14):
 * every present PTE of the folio becomes a device-exclusive entry (writable as the PTE was), one MMU_NOTIFY_EXCLUSIVE
 * per VMA over the folio's span; the walk stops at a PTE of the folio that already is device-exclusive. Returns the
 * pages converted.
 */
function exclusiveFolio(p: Process, headVpn: number, folio: { head: number; order: number }, dev: number, device: string): number[] {
  const span = 2 ** folio.order;
  const done: number[] = [];
  for (const v of p.vmas.range(headVpn, headVpn + span)) {
    const a = Math.max(v.start, headVpn);
    const b = Math.min(v.end, headVpn + span);
    p.invalidate('EXCLUSIVE', a, b, `make_device_exclusive for ${device}: the rmap walk over the THP at ${p.addr(headVpn)}`, device);
    for (let vpn = a; vpn < b; vpn++) {
      const [w, pfn] = p.pt.getPte(vpn);
      if (pfn < folio.head || pfn >= folio.head + span) continue;
      if (kindOf(w) === K_DEVICE_EXCLUSIVE) return done;
      if (kindOf(w) !== K_PRESENT) continue;
      p.pt.setPte(vpn, mkState(K_DEVICE_EXCLUSIVE, w & (F_WRITE | F_EXCLUSIVE), dev), pfn);
      done.push(vpn);
    }
  }
  return done;
}

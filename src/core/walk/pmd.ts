/**
 * hmm_vma_walk_pmd(): one PMD entry's chunk [addr, end).
 *  - migration entry (THP migration): fault requested → wait, -EBUSY (re-walk from addr); else 0.
 *  - other non-present PMD: 6.18+ hmm_vma_handle_absent_pmd(): device-private THP of the caller → consecutive
 *    pfns | VALID (| WRITE) | order, never faulted; another owner's → fault (migrate back) if requested, else ERROR;
 *    anything else → -EFAULT if requested, else ERROR. Before 6.18: -EFAULT if requested, else ERROR.
 *  - THP / huge zero page (pmd_trans_huge): cpu = VALID (| WRITE) | PMD order, or 0 if protnone; the request is the
 *    OR over the chunk; fault the chunk, or store pfn + index.
 *  - bad PMD: -EFAULT if requested, else ERROR.
 *  - PTE table: the PTE loop (./pte.ts).
 */
import { handleMmFault } from '../mm/fault';
import { isLeaf, type PteTable } from '../mm/pagetable';
import type { Leaf } from '../mm/pte';
import type { Vma } from '../mm/vma';
import { CPU_DEVPRIV, CPU_VALID, CPU_WRITE } from './encode';
import { fill } from './hole';
import { walkPteTable } from './pte';
import { EBUSY, EFAULT, RESYNC, type WalkState } from './state';
import { hmmVmaFault } from './vma-fault';

const FN = 'hmm_vma_walk_pmd';

/** Stores a run of consecutive pfns in pieces so `during` steps run at the right page. */
export function storeRun(ws: WalkState, addr: number, end: number, pfn0: number, cpu: number, order: number,
  fn: string, state: string, rule: string, why: string): number {
  let a = addr;
  while (a < end) {
    const n = ws.room(end - a);
    if (n > 0) {
      const i0 = ws.idx(a);
      ws.enc.storeRun(ws.w32, i0, i0 + n, pfn0 + (a - addr), cpu, order);
      ws.event(fn, i0, i0 + n, state, rule, why, 'output');
      a += n;
    }
    if (ws.advance(n, a)) return RESYNC;
  }
  return 0;
}

export function hmmVmaWalkPmd(ws: WalkState, addr: number, end: number, vma: Vma, slot: PteTable | Leaf): number {
  const g = ws.p.g;
  const b = ws.b;
  const pmdStart = Math.floor(addr / g.pmdPages) * g.pmdPages;
  const i0 = ws.idx(addr);
  const i1 = ws.idx(end);
  if (!isLeaf(slot)) return walkPteTable(ws, vma, slot, pmdStart, addr, end);
  // (≤5.7: the caller moves `last` to `end` after a successful PMD callback)
  const leaf = slot;
  const order = g.pmdOrder;
  switch (leaf.kind) {
    case 'migration': {
      if (ws.rangeNeedFault(i0, i1, 0)) {
        ws.last = addr;
        ws.event(FN, i0, i1, 'pmd:migration', 'wait for migration, return -EBUSY',
          'a PMD migration entry and a fault was requested: pmd_migration_entry_wait(), then re-walk from here', 'restart');
        handleMmFault(ws.p, vma, addr, false);
        return -EBUSY;
      }
      return fill(ws, addr, end, 'none', 'pmd:migration', 'fill 0', 'a THP under migration: 0 without a fault request', FN);
    }
    case 'device_private': {
      const dev = ws.p.deviceName(leaf.dev ?? 0);
      const state = `pmd:device-private-${leaf.write ? 'rw' : 'ro'}(${dev})`;
      if (!b.absentPmdDevicePrivate) {
        if (ws.rangeNeedFault(i0, i1, 0)) {
          ws.event(FN, i0, i1, state, 'return -EFAULT', 'a non-present PMD before 6.18 cannot be handled: -EFAULT with a fault request', 'error');
          return -EFAULT;
        }
        return fill(ws, addr, end, 'error', state, 'fill ERROR', 'a non-present PMD before 6.18: ERROR', FN);
      }
      if (ws.owner !== undefined && dev === ws.owner) {
        const cpu = CPU_VALID | (leaf.write ? CPU_WRITE : 0) | (b.proposal && ws.enc.hasDevPrivFlag ? CPU_DEVPRIV : 0);
        // kernel quirk: the fill starts at the entry's head pfn for the first page of [addr, end), without adding
        // the offset of addr inside the PMD (hmm_vma_handle_pmd/pud/hugetlb do add it)
        const offset = addr - pmdStart;
        return storeRun(ws, addr, end, leaf.pfn, cpu, order, 'hmm_vma_handle_absent_pmd', state,
          `fill pfn|${ws.flagsText(cpu, order)}`,
          `device-private THP owned by ${dev}, the caller's dev_private_owner: every page reported with its device pfn and order ${order}, never faulted`
          + (offset ? `; the walk starts ${offset} pages into the THP, yet the first word carries the THP's head pfn (hmm_vma_handle_absent_pmd() does not add the offset)` : ''));
      }
      const req = ws.rangeNeedFault(i0, i1, 0);
      if (req) {
        return hmmVmaFault(ws, addr, end, req, vma, `device-private THP of ${dev}, caller is ${ws.owner ?? 'no device'}: fault it back (migrate_to_ram)`);
      }
      return fill(ws, addr, end, 'error', state, 'fill ERROR',
        `device-private THP of ${dev}, caller is ${ws.owner ?? 'no device'}: hmm_vma_handle_absent_pmd() reports ERROR (a PTE-mapped one would read 0)`, 'hmm_vma_handle_absent_pmd');
    }
    case 'bad': {
      if (ws.rangeNeedFault(i0, i1, 0)) {
        ws.event(FN, i0, i1, 'pmd:bad', 'return -EFAULT', 'a bad PMD and a fault was requested: -EFAULT', 'error');
        return -EFAULT;
      }
      return fill(ws, addr, end, 'error', 'pmd:bad', 'fill ERROR', 'a bad PMD (pmd_bad): ERROR', FN);
    }
    default: {
      const cpu = leaf.protnone ? 0 : CPU_VALID | (leaf.write ? CPU_WRITE : 0);
      const ord = leaf.protnone ? 0 : order;
      const req = ws.rangeNeedFault(i0, i1, cpu);
      if (req) {
        return hmmVmaFault(ws, addr, end, req, vma, `${leaf.kind === 'huge_zero' ? 'the huge zero page' : 'a THP'} does not give what the request asks`);
      }
      const tx = hugePmdTexts(ws, leaf, cpu, ord);
      return storeRun(ws, addr, end, leaf.pfn + (addr - pmdStart), cpu, ord, HANDLE_PMD, tx.state, tx.rule, tx.why);
    }
  }
}

const HANDLE_PMD = 'hmm_vma_handle_pmd';

/** hmm_vma_handle_pmd's trace texts for a THP / huge zero PMD: they depend only on these, so they are built once. */
function hugePmdTexts(ws: WalkState, leaf: Leaf, cpu: number, ord: number): { readonly state: string; readonly rule: string; readonly why: string } {
  const key = (leaf.kind === 'huge_zero' ? 1 : 0) | (leaf.protnone ? 2 : 0) | (leaf.write ? 4 : 0) | (ord << 3);
  let tx = ws.pmdTexts.get(key);
  if (!tx) {
    tx = {
      state: leaf.kind === 'huge_zero' ? 'pmd:huge-zero' : leaf.protnone ? 'pmd:thp-protnone' : `pmd:thp-${leaf.write ? 'rw' : 'ro'}`,
      rule: `fill pfn|${ws.flagsText(cpu, ord)}`,
      why: leaf.kind === 'huge_zero'
        ? `the huge zero page mapped by a PMD: VALID, read-only, order ${ord} (its pfn is not the 4 KiB zero page)`
        : `a THP mapped by a PMD: ${cpu & CPU_WRITE ? 'writable' : 'read-only'}${ord && ws.enc.orderHiShift >= 0 ? `, order ${ord}` : ''}`,
    };
    ws.pmdTexts.set(key, tx);
  }
  return tx;
}

/**
 * The huge PMDs that follow `first` (a THP or huge zero PMD just stored by hmmVmaWalkPmd) in the same PMD table,
 * from the PMD boundary `from` up to `end`: while each is a leaf of the same kind and write bit, hmmVmaWalkPmd
 * would store it the same way (a snapshot asks no fault; no `during` step is due), so store them in one loop and
 * extend the trace event the first one made (the per-PMD events would merge into it anyway). Returns where it
 * stopped (`from` when it did nothing); the caller walks on from there. test/unit/walk-batched.test.ts compares
 * it with the per-PMD path.
 */
export function hugePmdRun(ws: WalkState, from: number, end: number, first: Leaf): number {
  if (!ws.snapshot || ws.duringPending || first.protnone || (first.kind !== 'thp' && first.kind !== 'huge_zero')) return from;
  const g = ws.p.g;
  const table = ws.p.pt.pmdTable(from, false);
  if (!table) return from;
  const stop = Math.min(end, Math.floor(from / g.pudPages) * g.pudPages + g.pudPages);
  const cpu = CPU_VALID | (first.write ? CPU_WRITE : 0);
  const ord = g.pmdOrder;
  const enc = ws.enc;
  const w32 = ws.w32;
  let c = Math.floor(from / g.pmdPages) % g.entries;
  let a = from;
  while (a < stop) {
    const s = table.slots[c];
    if (!isLeaf(s) || s.kind !== first.kind || s.write !== first.write || s.protnone) break;
    const n = Math.min(g.pmdPages, stop - a);
    const i0 = ws.idx(a);
    enc.storeRun(w32, i0, i0 + n, s.pfn, cpu, ord);
    a += n;
    c++;
  }
  if (a > from) {
    const tx = hugePmdTexts(ws, first, cpu, ord);
    ws.event(HANDLE_PMD, ws.idx(from), ws.idx(a), tx.state, tx.rule, tx.why, 'output');
    ws.advance(a - from, a);
  }
  return a;
}


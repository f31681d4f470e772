/**
 * The PTE loop of hmm_vma_walk_pmd() and hmm_vma_handle_pte(), per release:
 *  - none-like (≤5.18 pte_none; 5.19–6.18 pte_none_mostly: any marker; ≈6.19 only the uffd-wp marker):
 *    fault if requested, else 0.
 *  - device-private of dev_private_owner: pfn | VALID (| WRITE), never faulted (5.7+). ≤5.6: every device-private
 *    page is reported with flags[DEVICE_PRIVATE], faulted only when that flag is requested.
 *  - other non-present: 0 without a request; with one: swap → fault, other owner's device-private → fault
 *    (≈6.0+; before: -EFAULT), device-exclusive → fault (5.14+), migration → wait and re-walk (-EBUSY),
 *    anything else (hwpoison, guard/poison markers on 6.19+) → -EFAULT.
 *  - present: fault if the request needs more than the PTE gives; special (no struct page, not the zero page) →
 *    -EFAULT when any fault is requested, else ERROR (5.7 legacy: values[SPECIAL]; ≤5.6: values[SPECIAL] and
 *    -EFAULT even in a snapshot); otherwise pfn | flags (protnone: the pfn without VALID).
 * A fault covers [this page, end of the PMD chunk) with this page's write-ness (hmm_vma_fault).
 */
import {
  F_PROTNONE, F_SPECIAL, F_WRITE, K_DEVICE_EXCLUSIVE, K_DEVICE_PRIVATE, K_HWPOISON, K_MARKER, K_MIGRATION, K_NONE,
  K_PRESENT, K_SWAP, M_UFFD_WP, devOf, markerName, markerOf,
} from '../mm/pte';
import { ZERO_PFN } from '../mm/phys';
import { handleMmFault } from '../mm/fault';
import type { Vma } from '../mm/vma';
import type { PteTable } from '../mm/pagetable';
import { CPU_DEVPRIV, CPU_VALID, CPU_WRITE } from './encode';
import { hmmVmaFault } from './vma-fault';
import { EBUSY, EFAULT, RESYNC, type WalkState } from './state';

const FN = 'hmm_vma_handle_pte';
/** PTE bits that decide the fast path and what it stores: kind, special, protnone, write */
const SAME_PATH_BITS = 0xf | F_SPECIAL | F_PROTNONE | F_WRITE;

/** Trace run bookkeeping for the loop: the current run's state and rule, flushed when they change. */
interface Run { state: string; rule: string; why: string; first: number; end: number }

function flush(ws: WalkState, r: Run): void {
  if (r.end > r.first) ws.event(FN, r.first, r.end, r.state, r.rule, r.why, 'output');
  r.first = r.end;
}

function note(ws: WalkState, r: Run, i: number, state: string, rule: string, why: string): void {
  if (state !== r.state || rule !== r.rule || i !== r.end) {
    flush(ws, r);
    r.state = state; r.rule = rule; r.why = why; r.first = i;
  }
  r.end = i + 1;
}

/** Walks PTEs [addr, end) of one PTE table (`base` = vpn of its slot 0). */
export function walkPteTable(ws: WalkState, vma: Vma, t: PteTable, base: number, addr: number, end: number): number {
  const enc = ws.enc;
  const w32 = ws.w32;
  const snap = ws.snapshot;
  const run: Run = { state: '', rule: '', why: '', first: ws.idx(addr), end: ws.idx(addr) };
  const owner = ws.owner;
  // modern layouts: VALID/WRITE live in the high half, the pfn (< 2^32 in the simulator) in the low half
  const modern = !enc.legacy && enc.validLo === 0 && enc.writeLo === 0 && enc.devLo === 0;
  const hiRO = enc.validHi;
  const hiRW = enc.validHi | enc.writeHi;
  const inLo = enc.inoutLo;
  const inHi = enc.inoutHi;
  const sticky = (inLo | inHi) !== 0;
  // a uniform request (no pfn_flags_mask): what a read-only / writable present PTE needs is the same on every page
  const uniform = !snap && ws.uniformRequest && addr < end;
  const needRO = uniform ? ws.needFault(ws.idx(addr), CPU_VALID) : -1;
  const needRW = uniform ? ws.needFault(ws.idx(addr), CPU_VALID | CPU_WRITE) : -1;
  /** the fast path's current run: -1 none, 0 zero page, else the cpu flags */
  let fastCode = -1;
  // (page numbers are doubles to V8, beyond 2^31: every typed-array index below is made an int32 first)
  for (let vpn = addr; vpn < end; vpn++) {
    const j = (2 * (vpn - base)) | 0;
    const w = t[j];
    const kind = w & 0xf;
    const i = (vpn - ws.start) | 0;
    const cpu = (w & F_WRITE) ? CPU_VALID | CPU_WRITE : CPU_VALID;
    // fast path: a present, normal PTE that needs no fault (a snapshot, or a request the PTE already satisfies;
    // a writable zero-page PTE in a faulting walk takes the general path, which names it as handlePte does)
    if (kind === K_PRESENT && !(w & (F_SPECIAL | F_PROTNONE))
      && (snap || ((uniform ? (cpu & CPU_WRITE ? needRW : needRO) : ws.needFault(i, cpu)) === 0
        && !(t[j + 1] === ZERO_PFN && (cpu & CPU_WRITE))))) {
      const pfn = t[j + 1];
      if (modern) {
        if (sticky) {
          w32[2 * i] = (pfn | (w32[2 * i] & inLo)) >>> 0;
          w32[2 * i + 1] = ((cpu & CPU_WRITE ? hiRW : hiRO) | (w32[2 * i + 1] & inHi)) >>> 0;
        } else {
          w32[2 * i] = pfn;
          w32[2 * i + 1] = cpu & CPU_WRITE ? hiRW : hiRO;
        }
      } else enc.storePfn(w32, i, pfn, cpu, 0);
      const code = pfn === ZERO_PFN ? 0 : cpu;
      if (code === fastCode && i === run.end) {
        run.end = i + 1;
      } else {
        fastCode = code;
        // (the snapshot path and handlePte word the reason differently; both are kept as they were)
        if (code === 0) note(ws, run, i, 'pte:zero-page', 'store pfn|VALID', 'the shared zero page: VALID, read-only, zero pfn');
        else if (cpu & CPU_WRITE) note(ws, run, i, 'pte:present-rw', ws.storePfnRule(cpu), snap ? 'present, writable PTE' : 'present PTE, writable');
        else note(ws, run, i, 'pte:present-ro', ws.storePfnRule(cpu), snap ? 'present, read-only PTE' : 'present PTE, read-only');
      }
      // the PTEs that follow with the same kind and flags (and zero page or not) take this same path: store them in
      // a tight loop (the per-page checks above would give the same answers; no `during` step can fall in between)
      if (modern && !sticky && (snap || uniform) && !ws.duringPending) {
        const same = w & SAME_PATH_BITS;
        const zero = pfn === ZERO_PFN;
        const hi = cpu & CPU_WRITE ? hiRW : hiRO;
        // offsets in the PTE table (o) and in the output (o + delta), as int32
        const delta = (base - ws.start) | 0;
        const oEnd = (end - base) | 0;
        let o = ((vpn - base) | 0) + 1;
        for (; o < oEnd; o++) {
          const j2 = 2 * o;
          const pfn2 = t[j2 + 1];
          if ((t[j2] & SAME_PATH_BITS) !== same || (pfn2 === ZERO_PFN) !== zero) break;
          const k = 2 * (o + delta);
          w32[k] = pfn2;
          w32[k + 1] = hi;
        }
        run.end = o + delta;
        vpn = base + o - 1;
      }
    } else {
      fastCode = -1;
      const r = handlePte(ws, vma, t, j, vpn, end, run, owner);
      if (r) {
        flush(ws, run);
        return r;
      }
    }
    if (ws.duringPending) {
      if (ws.due(1)) {
        flush(ws, run);
        ws.advance(1, vpn + 1);
        return RESYNC;
      }
      ws.written++;
    }
  }
  flush(ws, run);
  return 0;
}

/** The trace state of a non-present PTE that is not none-like. */
function nonPresentState(ws: WalkState, kind: number, w: number, marker: number): string {
  switch (kind) {
    case K_SWAP: return 'pte:swap';
    case K_MIGRATION: return (w & F_WRITE) ? 'pte:migration-rw' : 'pte:migration-ro';
    case K_DEVICE_PRIVATE: return `pte:device-private-${(w & F_WRITE) ? 'rw' : 'ro'}(${ws.p.deviceName(devOf(w))})`;
    case K_DEVICE_EXCLUSIVE: return `pte:device-exclusive(${ws.p.deviceName(devOf(w))})`;
    case K_HWPOISON: return 'pte:hwpoison';
    default: return `pte:marker-${markerName(marker)}`;
  }
}

/** A fault is needed at vpn: close the current trace run and fault [vpn, end) (hmm_vma_fault). */
function faultFrom(ws: WalkState, run: Run, vma: Vma, vpn: number, end: number, required: number, state: string,
  why: string): number {
  const i = vpn - ws.start;
  flush(ws, run);
  run.state = ''; run.first = run.end = i;
  ws.event(FN, i, i + 1, state, 'fault needed', why, 'fault');
  return hmmVmaFault(ws, vpn, end, required, vma, why);
}

function handlePte(ws: WalkState, vma: Vma, t: PteTable, j: number, vpn: number, end: number, run: Run,
  owner: string | undefined): number {
  const b = ws.b;
  const enc = ws.enc;
  const w32 = ws.w32;
  const w = t[j];
  const v = t[j + 1];
  const kind = w & 0xf;
  const i = vpn - ws.start;

  if (kind === K_PRESENT) {
    const protnone = (w & F_PROTNONE) !== 0;
    const cpu = protnone ? 0 : (w & F_WRITE) ? CPU_VALID | CPU_WRITE : CPU_VALID;
    const state = protnone ? 'pte:protnone' : (w & F_SPECIAL) ? 'pte:special' : v === ZERO_PFN ? 'pte:zero-page'
      : (w & F_WRITE) ? 'pte:present-rw' : 'pte:present-ro';
    const req = ws.needFault(i, cpu);
    if (req) {
      return faultFrom(ws, run, vma, vpn, end, req, state, protnone ? 'a NUMA-hinting (protnone) PTE does not count as present: the request needs a fault'
        : 'the PTE does not give what the request asks (REQ_WRITE on a read-only PTE)');
    }
    if ((w & F_SPECIAL) && v !== ZERO_PFN) {
      if (b.specialEfaultInSnapshot) {
        enc.storeSpecial(w32, i, i + 1);
        ws.last = vpn;
        flush(ws, run);
        ws.event(FN, i, i + 1, state, 'store values[SPECIAL], return -EFAULT',
          'a special PTE (pfn without struct page); up to 5.6 hmm_vma_handle_pte() fails with -EFAULT even in a snapshot', 'error');
        return -EFAULT;
      }
      if (ws.needFault(i, 0)) {
        flush(ws, run);
        ws.event(FN, i, i + 1, state, 'return -EFAULT',
          'a special PTE (vm_normal_page() finds no struct page) cannot be faulted: any REQ_FAULT gives -EFAULT', 'error');
        return -EFAULT;
      }
      if (enc.legacy && enc.hasSpecialValue) {
        enc.storeSpecial(w32, i, i + 1);
        note(ws, run, i, state, 'store values[SPECIAL]', 'a special PTE (pfn without struct page): 5.7 stores values[SPECIAL]');
      } else {
        enc.storeError(w32, i, i + 1);
        note(ws, run, i, state, 'store ERROR', 'a special PTE (vm_normal_page() finds no struct page, not the zero page): ERROR in a snapshot');
      }
      return 0;
    }
    enc.storePfn(w32, i, v, cpu, 0);
    note(ws, run, i, state, ws.storePfnRule(cpu), protnone
      ? 'a NUMA-hinting (protnone) PTE: hmm stores the pfn without VALID (drivers must test VALID first)'
      : v === ZERO_PFN ? 'the shared zero page: VALID, read-only, zero pfn' : `present PTE, ${cpu & CPU_WRITE ? 'writable' : 'read-only'}`);
    return 0;
  }

  const marker = kind === K_MARKER ? markerOf(w) : 0;
  const noneLike = kind === K_NONE || (kind === K_MARKER
    && (b.markersNoneLike === 'all' || (b.markersNoneLike === 'uffd-wp' && marker === M_UFFD_WP)));
  if (noneLike) {
    const state = kind === K_NONE ? 'pte:none' : `pte:marker-${markerName(marker)}`;
    const req = ws.needFault(i, 0);
    if (req) return faultFrom(ws, run, vma, vpn, end, req, state, kind === K_NONE ? 'an empty PTE and a fault was requested' : `a ${markerName(marker)} marker counts as pte_none here and a fault was requested`);
    enc.storeNone(w32, i, i + 1);
    note(ws, run, i, state, enc.legacy ? 'store values[NONE]' : 'store 0', kind === K_NONE
      ? 'nothing mapped: 0, a REQ_FAULT walk would fault it in'
      : `a ${markerName(marker)} PTE marker is treated like pte_none on this release: 0`);
    return 0;
  }

  if (kind === K_DEVICE_PRIVATE) {
    const dev = ws.p.deviceName(devOf(w));
    const cpuW = (w & F_WRITE) ? CPU_WRITE : 0;
    const state = `pte:device-private-${cpuW ? 'rw' : 'ro'}(${dev})`;
    if (b.devicePrivateFlag) {
      const cpu = CPU_VALID | cpuW | CPU_DEVPRIV;
      const req = ws.needFault(i, cpu);
      if (req) return faultFrom(ws, run, vma, vpn, end, req, state, 'a device-private page and the request asks for it to be faulted back (flags[DEVICE_PRIVATE])');
      enc.storePfn(w32, i, v, cpu, 0);
      note(ws, run, i, state, 'store pfn|VALID|DEVICE_PRIVATE', `${dev}'s device-private page: up to 5.6 every device-private page is reported, with flags[DEVICE_PRIVATE]`);
      return 0;
    }
    if (owner !== undefined && dev === owner) {
      const cpu = CPU_VALID | cpuW | (b.proposal && enc.hasDevPrivFlag ? CPU_DEVPRIV : 0);
      enc.storePfn(w32, i, v, cpu, 0);
      note(ws, run, i, state, ws.storePfnRule(cpu),
        `device-private page owned by ${dev}, the caller's dev_private_owner: reported with its device pfn and never faulted${cpuW ? '' : ' (even if REQ_WRITE asked for more)'}`);
      return 0;
    }
  }

  const everythingElse = kind === K_HWPOISON || (kind === K_MARKER) || (kind === K_DEVICE_EXCLUSIVE && !b.deviceExclusive);
  if (everythingElse && b.nonPresentErrorInSnapshot) {
    // ≤5.6: checked before the request — values[ERROR] and -EFAULT even in a snapshot
    enc.storeError(w32, i, i + 1);
    ws.last = vpn;
    flush(ws, run);
    ws.event(FN, i, i + 1, kind === K_HWPOISON ? 'pte:hwpoison' : 'pte:non-present', 'store values[ERROR], return -EFAULT',
      'a non-present entry that is neither swap, device-private nor migration: up to 5.6 hmm_vma_handle_pte() stores values[ERROR] and fails with -EFAULT, even in a snapshot', 'error');
    return -EFAULT;
  }
  const req = ws.needFault(i, 0);
  const state = nonPresentState(ws, kind, w, marker);
  if (!req) {
    enc.storeNone(w32, i, i + 1);
    let why = 'not present and no fault requested: 0';
    if (kind === K_DEVICE_PRIVATE) {
      why = `device-private page of ${ws.p.deviceName(devOf(w))}, caller is ${owner ?? 'no device'}: snapshot reports 0; a faulting walk would ${b.faultNonOwnerDevicePrivate ? 'migrate it back (migrate_to_ram)' : 'fail with -EFAULT on this release'}`;
    } else if (kind === K_SWAP) why = 'swapped out: 0; a REQ_FAULT walk would swap it in';
    else if (kind === K_MIGRATION) why = 'under migration: 0; a REQ_FAULT walk would wait for it';
    else if (kind === K_DEVICE_EXCLUSIVE) why = 'device-exclusive entry: 0; a REQ_FAULT walk would restore the mapping';
    else if (kind === K_HWPOISON) why = 'hardware-poisoned page: 0; a REQ_FAULT walk fails with -EFAULT';
    else if (kind === K_MARKER) why = `a ${markerName(marker)} marker is not none-like on this release: 0, a REQ_FAULT walk fails with -EFAULT`;
    note(ws, run, i, state, enc.legacy ? 'store values[NONE]' : 'store 0', why);
    return 0;
  }
  if (kind === K_SWAP) return faultFrom(ws, run, vma, vpn, end, req, state, 'a swap entry and a fault was requested: swap it in');
  if (kind === K_DEVICE_PRIVATE) {
    if (b.faultNonOwnerDevicePrivate) {
      return faultFrom(ws, run, vma, vpn, end, req, state, `device-private page of ${ws.p.deviceName(devOf(w))}, caller is ${owner ?? 'no device'}: fault it back to system memory (migrate_to_ram)`);
    }
    flush(ws, run);
    ws.event(FN, i, i + 1, state, 'return -EFAULT',
      `device-private page of another owner (${ws.p.deviceName(devOf(w))}); before the ≈6.0 fix hmm_vma_handle_pte() does not fault it and returns -EFAULT`, 'error');
    return -EFAULT;
  }
  if (kind === K_DEVICE_EXCLUSIVE && b.deviceExclusive) {
    return faultFrom(ws, run, vma, vpn, end, req, state, 'a device-exclusive entry and a fault was requested: the fault restores the original mapping');
  }
  if (kind === K_MIGRATION) {
    flush(ws, run);
    ws.last = vpn;
    ws.event(FN, i, i + 1, state, 'wait for migration, return -EBUSY',
      'a migration entry and a fault was requested: migration_entry_wait(), then re-walk from this page (last)', 'restart');
    handleMmFault(ws.p, vma, vpn, false);
    return -EBUSY;
  }
  flush(ws, run);
  if (b.storesErrorOnFailure) enc.storeError(w32, i, i + 1);
  ws.event(FN, i, i + 1, state, b.storesErrorOnFailure ? 'store values[ERROR], return -EFAULT' : 'return -EFAULT', kind === K_HWPOISON
    ? 'a hardware-poisoned page cannot be faulted in: -EFAULT'
    : `a ${markerName(marker)} marker is not none-like on this release and cannot be faulted: -EFAULT`, 'error');
  return -EFAULT;
}


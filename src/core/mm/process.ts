/**
 * The simulated process (one mm_struct): VMAs, page tables, physical memory, the mmu notifier and the behaviour
 * switches of the modelled kernel release. Operations live in ./ops.ts and ./fault.ts; this file is the state.
 */
import type { Behaviour } from '../behaviour';
import { MmuNotifier, type NotifyEvent } from './notifier';
import { Geometry, PageTable, isLeaf, type PteTable } from './pagetable';
import { PhysMem } from './phys';
import { type Leaf } from './pte';
import { VmaList } from './vma';

/** A failed operation: the runner turns it into a positioned diagnostic. Never escapes runScenario. */
export class SimError extends Error {
  constructor(message: string, readonly severity: 'error' | 'warning' = 'error') {
    super(message);
  }
}

/** Lowest address `mmap` without `at` uses (scenario format: 0x7f0000000000). */
export const MMAP_BASE = 0x7f0000000000;
/** End of the user address space (47-bit, x86-64 4-level paging). */
export const USER_END = 0x800000000000;

export class Process {
  readonly g: Geometry;
  readonly pt: PageTable;
  readonly vmas = new VmaList();
  readonly phys: PhysMem;
  readonly notifier = new MmuNotifier();
  /** set once fork() ran: a child shares the COW pages */
  forked = false;

  constructor(readonly pageSize: number, readonly devices: readonly string[], readonly b: Behaviour) {
    this.g = new Geometry(pageSize);
    this.pt = new PageTable(this.g);
    this.phys = new PhysMem(devices);
  }

  deviceIndex(name: string): number {
    const i = this.devices.indexOf(name);
    if (i < 0) {
      throw new SimError(`unknown device "${name}"; ${this.devices.length ? `devices declared: ${this.devices.join(', ')}` : 'the scenario declares no devices (devices: [gpu0])'}`);
    }
    return i;
  }

  deviceName(i: number): string {
    return this.devices[i] ?? `dev${i}`;
  }

  addr(vpn: number): string {
    return '0x' + (vpn * this.pageSize).toString(16);
  }

  invalidate(event: NotifyEvent, start: number, end: number, cause: string, owner?: string): void {
    this.notifier.invalidate({ event, start, end, cause, owner });
  }

  /**
   * Visits what is populated in [s, e): `onTable(table, firstVpnOfTable, i0, i1)` for the PTE slots i0..i1 of a PTE
   * table, `onLeaf(leaf, level, leafStartVpn)` for PMD/PUD leaves overlapping the range. Sparse: empty levels cost
   * nothing. Callbacks may modify the slot they are given.
   */
  forEachPopulated(s: number, e: number,
    onTable: (t: PteTable, base: number, i0: number, i1: number) => void,
    onLeaf: (leaf: Leaf, level: 'pmd' | 'pud', start: number) => void): void {
    const g = this.g;
    for (const [pgdNo, pud] of [...this.pt.pgd.entries()].sort((a, b) => a[0] - b[0])) {
      const pgdStart = pgdNo * g.pgdPages;
      if (pgdStart >= e || pgdStart + g.pgdPages <= s) continue;
      const b0 = Math.max(0, Math.floor((s - pgdStart) / g.pudPages));
      const b1 = Math.min(g.entries, Math.ceil((e - pgdStart) / g.pudPages));
      for (let b = b0; b < b1; b++) {
        const ps = pud.slots[b];
        if (!ps) continue;
        const pudStart = pgdStart + b * g.pudPages;
        if (isLeaf(ps)) { onLeaf(ps, 'pud', pudStart); continue; }
        const c0 = Math.max(0, Math.floor((s - pudStart) / g.pmdPages));
        const c1 = Math.min(g.entries, Math.ceil((e - pudStart) / g.pmdPages));
        for (let c = c0; c < c1; c++) {
          const slot = ps.slots[c];
          if (!slot) continue;
          const pmdStart = pudStart + c * g.pmdPages;
          if (isLeaf(slot)) { onLeaf(slot, 'pmd', pmdStart); continue; }
          const i0 = Math.max(0, s - pmdStart);
          const i1 = Math.min(g.entries, e - pmdStart);
          onTable(slot, pmdStart, i0, i1);
        }
      }
    }
  }
}

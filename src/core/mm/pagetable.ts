/**
 * The simulated page tables: PGD → (P4D folded) → PUD → PMD → PTE, indexed by virtual page number (vpn).
 *
 * What is modelled: four levels with the P4D folded into the PGD (x86-64 with 4-level paging, arm64 with 4 levels).
 * Every table has pageSize/8 entries, so the level sizes follow the page size:
 *   4 KiB pages:  512 entries,  PMD leaf 2 MiB,   PUD leaf 1 GiB
 *   16 KiB pages: 2048 entries, PMD leaf 32 MiB,  PUD leaf 64 GiB
 *   64 KiB pages: 8192 entries, PMD leaf 512 MiB, PUD leaf 4 TiB
 * Only populated tables are stored. A PTE table is a packed Uint32Array of (state, value) pairs (see ./pte.ts);
 * PMD and PUD tables are sparse arrays whose slots hold a lower table or a leaf object.
 */
import { type Leaf } from './pte';

export type PteTable = Uint32Array;
export interface PmdTable { readonly slots: (PteTable | Leaf | undefined)[]; }
export interface PudTable { readonly slots: (PmdTable | Leaf | undefined)[]; }

export class Geometry {
  readonly pageShift: number;
  /** entries per table */
  readonly entries: number;
  readonly levelBits: number;
  /** pages covered by one PMD entry (= one PTE table) */
  readonly pmdPages: number;
  /** pages covered by one PUD entry */
  readonly pudPages: number;
  /** pages covered by one PGD entry */
  readonly pgdPages: number;
  constructor(readonly pageSize: number) {
    this.pageShift = Math.log2(pageSize);
    this.entries = pageSize / 8;
    this.levelBits = Math.log2(this.entries);
    this.pmdPages = this.entries;
    this.pudPages = this.entries * this.entries;
    this.pgdPages = this.pudPages * this.entries;
  }
  /** order of a PMD leaf (PMD_SHIFT - PAGE_SHIFT) */
  get pmdOrder(): number { return this.levelBits; }
  /** order of a PUD leaf (PUD_SHIFT - PAGE_SHIFT) */
  get pudOrder(): number { return 2 * this.levelBits; }
}

export function isLeaf(x: unknown): x is Leaf {
  return typeof x === 'object' && x !== null && (x as Leaf).leaf === true;
}

/** Where the walk for one vpn stops: which level is missing or holds a leaf. */
export type LevelHit =
  | { readonly level: 'pgd-none' | 'pud-none' | 'pmd-none' }
  | { readonly level: 'pud-leaf'; readonly leaf: Leaf }
  | { readonly level: 'pmd-leaf'; readonly leaf: Leaf }
  | { readonly level: 'pte'; readonly table: PteTable };

export class PageTable {
  readonly pgd = new Map<number, PudTable>();
  constructor(readonly g: Geometry) {}

  // table indices of vpn at each level (no arrays: these run for every page of set/read/write steps)
  private pgdNo(vpn: number): number { return Math.floor(vpn / this.g.pgdPages); }
  private pudIdx(vpn: number): number { return Math.floor(vpn / this.g.pudPages) % this.g.entries; }
  private pmdIdx(vpn: number): number { return Math.floor(vpn / this.g.pmdPages) % this.g.entries; }

  lookup(vpn: number): LevelHit {
    const a = this.pgdNo(vpn); const b = this.pudIdx(vpn); const c = this.pmdIdx(vpn);
    const pud = this.pgd.get(a);
    if (!pud) return { level: 'pgd-none' };
    const ps = pud.slots[b];
    if (!ps) return { level: 'pud-none' };
    if (isLeaf(ps)) return { level: 'pud-leaf', leaf: ps };
    const s = ps.slots[c];
    if (!s) return { level: 'pmd-none' };
    if (isLeaf(s)) return { level: 'pmd-leaf', leaf: s };
    return { level: 'pte', table: s };
  }

  /** The PMD table covering vpn, created if asked (fails when a PUD leaf sits there). */
  pmdTable(vpn: number, create: boolean): PmdTable | undefined {
    const a = this.pgdNo(vpn); const b = this.pudIdx(vpn);
    let pud = this.pgd.get(a);
    if (!pud) {
      if (!create) return undefined;
      pud = { slots: [] };
      this.pgd.set(a, pud);
    }
    const ps = pud.slots[b];
    if (isLeaf(ps)) return undefined;
    if (ps) return ps;
    if (!create) return undefined;
    const t: PmdTable = { slots: [] };
    pud.slots[b] = t;
    return t;
  }

  /** The PUD table covering vpn, created if asked. */
  pudTable(vpn: number, create: boolean): PudTable | undefined {
    const a = this.pgdNo(vpn);
    let pud = this.pgd.get(a);
    if (!pud && create) {
      pud = { slots: [] };
      this.pgd.set(a, pud);
    }
    return pud;
  }

  pmdIndex(vpn: number): number { return this.pmdIdx(vpn); }
  pudIndex(vpn: number): number { return this.pudIdx(vpn); }

  /** The PTE table covering vpn; with `create`, allocates missing tables (never replaces a leaf: returns undefined). */
  pteTable(vpn: number, create: boolean): PteTable | undefined {
    const pmd = this.pmdTable(vpn, create);
    if (!pmd) return undefined;
    const c = this.pmdIndex(vpn);
    const s = pmd.slots[c];
    if (isLeaf(s)) return undefined;
    if (s) return s;
    if (!create) return undefined;
    const t = new Uint32Array(2 * this.g.entries);
    pmd.slots[c] = t;
    return t;
  }

  pmdLeaf(vpn: number): Leaf | undefined {
    const pmd = this.pmdTable(vpn, false);
    if (!pmd) return undefined;
    const s = pmd.slots[this.pmdIndex(vpn)];
    return isLeaf(s) ? s : undefined;
  }

  setPmdSlot(vpn: number, v: PteTable | Leaf | undefined): void {
    const pmd = this.pmdTable(vpn, true);
    if (!pmd) throw new Error('internal: PMD slot under a PUD leaf');
    pmd.slots[this.pmdIndex(vpn)] = v;
  }

  pudLeaf(vpn: number): Leaf | undefined {
    const pud = this.pudTable(vpn, false);
    const s = pud?.slots[this.pudIndex(vpn)];
    return isLeaf(s) ? s : undefined;
  }

  setPudSlot(vpn: number, v: PmdTable | Leaf | undefined): void {
    const pud = this.pudTable(vpn, true)!;
    pud.slots[this.pudIndex(vpn)] = v;
  }

  /** Read one PTE: [state, value]; [0, 0] where no PTE table exists. */
  getPte(vpn: number): [number, number] {
    const t = this.pteTable(vpn, false);
    if (!t) return [0, 0];
    const i = (vpn % this.g.entries) * 2;
    return [t[i], t[i + 1]];
  }

  /** The state word of one PTE; 0 where no PTE table exists (getPte's first half, without the pair). */
  pteState(vpn: number): number {
    const t = this.pteTable(vpn, false);
    return t ? t[(vpn % this.g.entries) * 2] : 0;
  }

  setPte(vpn: number, state: number, value: number): void {
    const t = this.pteTable(vpn, true);
    if (!t) throw new Error('internal: PTE store under a huge leaf');
    const i = (vpn % this.g.entries) * 2;
    t[i] = state;
    t[i + 1] = value;
  }

  /** Drops tables whose whole span is unused (free_pgtables after munmap); `inUse(startVpn, endVpn)` says if a VMA overlaps. */
  freeUnused(startVpn: number, endVpn: number, inUse: (s: number, e: number) => boolean): void {
    const g = this.g;
    for (let pmdStart = Math.floor(startVpn / g.pmdPages) * g.pmdPages; pmdStart < endVpn; pmdStart += g.pmdPages) {
      const pmd = this.pmdTable(pmdStart, false);
      if (pmd && pmd.slots[this.pmdIndex(pmdStart)] !== undefined && !inUse(pmdStart, pmdStart + g.pmdPages)) {
        pmd.slots[this.pmdIndex(pmdStart)] = undefined;
      }
    }
    for (let pudStart = Math.floor(startVpn / g.pudPages) * g.pudPages; pudStart < endVpn; pudStart += g.pudPages) {
      const pud = this.pudTable(pudStart, false);
      if (pud && pud.slots[this.pudIndex(pudStart)] !== undefined && !inUse(pudStart, pudStart + g.pudPages)) {
        pud.slots[this.pudIndex(pudStart)] = undefined;
      }
    }
    for (let pgdStart = Math.floor(startVpn / g.pgdPages) * g.pgdPages; pgdStart < endVpn; pgdStart += g.pgdPages) {
      const no = Math.floor(pgdStart / g.pgdPages);
      if (this.pgd.has(no) && !inUse(pgdStart, pgdStart + g.pgdPages)) this.pgd.delete(no);
    }
  }

  /** Number of PTE tables (for memory accounting in tests and benchmarks). */
  countTables(): { pte: number; pmd: number; pud: number; leaves: number } {
    let pte = 0; let pmd = 0; let leaves = 0;
    for (const pud of this.pgd.values()) {
      for (const s of pud.slots) {
        if (!s) continue;
        if (isLeaf(s)) { leaves++; continue; }
        pmd++;
        for (const t of s.slots) {
          if (!t) continue;
          if (isLeaf(t)) leaves++; else pte++;
        }
      }
    }
    return { pte, pmd, pud: this.pgd.size, leaves };
  }
}

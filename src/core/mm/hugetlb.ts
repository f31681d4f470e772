/**
 * hugetlb page sizes and where their entries live. A hugetlb page is mapped by one entry of the level its size
 * matches — a PMD or a PUD — or, on arm64, by a run of contiguous entries: 16 PTEs (64K) or 16 PMDs (32M) with 4 KiB
 * pages, 128 PTEs (2M) or 32 PMDs (1G) with 16 KiB pages, 32 PTEs (2M) or 32 PMDs (16G) with 64 KiB pages
 * (arch/arm64 arch_hugetlb_valid_size: CONT_PTE_SIZE, PMD_SIZE, CONT_PMD_SIZE, and PUD_SIZE only with 4 KiB pages).
 * hmm_vma_walk_hugetlb_entry() reports every size the same way: huge_page_order() in the order field.
 *
 * Storage: a PMD or PUD leaf object (a run of contiguous PMDs shares one leaf object); a contiguous-PTE page is its
 * PTEs, each holding its own pfn (head + offset), as the hardware sees it.
 */
import type { Process } from './process';
import { F_EXCLUSIVE, F_WRITE, K_PRESENT, kindOf, mkLeaf, mkState, type Leaf } from './pte';
import type { Vma } from './vma';

import type { HugePageSize } from '../scenario/ast';

export type { HugePageSize };
export const HUGE_PAGE_SIZES: readonly HugePageSize[] = ['64K', '2M', '32M', '512M', '1G', '16G'];

const BYTES: Readonly<Record<HugePageSize, number>> = {
  '64K': 2 ** 16, '2M': 2 ** 21, '32M': 2 ** 25, '512M': 2 ** 29, '1G': 2 ** 30, '16G': 2 ** 34,
};

export type HugetlbLevel = 'cont-pte' | 'pmd' | 'cont-pmd' | 'pud';

export interface HugetlbSize {
  readonly size: HugePageSize;
  /** log2(size / page size): what hmm reports as the map order */
  readonly order: number;
  readonly level: HugetlbLevel;
}

const LEVEL_TEXT: Readonly<Record<HugetlbLevel, (n: number) => string>> = {
  'cont-pte': (n) => `${n} contiguous PTEs`, pmd: () => 'a PMD', 'cont-pmd': (n) => `${n} contiguous PMDs`, pud: () => 'a PUD',
};

/** The hugetlb sizes a page size offers (x86-64 offers 2M and 1G of the 4 KiB list; arm64 all of it). */
export function hugetlbSizes(pageSize: number): HugetlbSize[] {
  const pmdOrder = Math.log2(pageSize / 8);
  const pudOrder = 2 * pmdOrder;
  const shift = Math.log2(pageSize);
  const contPte = pageSize === 4096 ? 4 : pageSize === 16384 ? 7 : 5;
  const contPmd = pageSize === 4096 ? 4 : 5;
  const out: HugetlbSize[] = [];
  for (const size of HUGE_PAGE_SIZES) {
    const order = Math.log2(BYTES[size]) - shift;
    const level: HugetlbLevel | undefined = order === contPte ? 'cont-pte' : order === pmdOrder ? 'pmd'
      : order === pmdOrder + contPmd ? 'cont-pmd' : order === pudOrder && pageSize === 4096 ? 'pud' : undefined;
    if (level) out.push({ size, order, level });
  }
  return out;
}

function describe(s: HugetlbSize, pageSize: number): string {
  const n = s.level === 'cont-pte' ? 2 ** s.order : s.level === 'cont-pmd' ? 2 ** (s.order - Math.log2(pageSize / 8)) : 1;
  return `${s.size} (${LEVEL_TEXT[s.level](n)})`;
}

/** The size's order and level at `pageSize`, or why it is not a hugetlb size there. */
export function hugetlbFor(pageSize: number, size: string): HugetlbSize | { error: string } {
  const sizes = hugetlbSizes(pageSize);
  const hit = sizes.find((s) => s.size === size);
  if (hit) return hit;
  const list = sizes.map((s) => describe(s, pageSize)).join(', ');
  const arch = pageSize === 4096 ? 'with 4 KiB pages, x86-64 offers 2M and 1G and arm64' : `arm64 with ${pageSize / 1024} KiB pages`;
  return { error: `huge_page ${size} is not a hugetlb page size with page_size ${pageSize}: ${arch} offers ${list}` };
}

export function levelOf(p: Process, order: number): HugetlbLevel {
  const g = p.g;
  if (order >= g.pudOrder) return 'pud';
  if (order === g.pmdOrder) return 'pmd';
  return order > g.pmdOrder ? 'cont-pmd' : 'cont-pte';
}

/**
 * The entry of the hugetlb page starting at `base` (hugetlb_walk): `slot` is false when the page table that would
 * hold it does not exist (the walk then takes the hole path); `leaf` is undefined or empty for an empty slot. A
 * contiguous-PTE entry is read as a leaf object (a copy: write it back with setHugetlbEntry).
 */
export function hugetlbEntry(p: Process, vma: Vma, base: number): { slot: boolean; leaf?: Leaf } {
  const pt = p.pt;
  switch (levelOf(p, vma.hugetlbOrder)) {
    case 'pud':
      return { slot: pt.pudTable(base, false) !== undefined, leaf: pt.pudLeaf(base) };
    case 'pmd': case 'cont-pmd':
      return { slot: pt.pmdTable(base, false) !== undefined, leaf: pt.pmdLeaf(base) };
    case 'cont-pte': {
      if (!pt.pteTable(base, false)) return { slot: false };
      const [w, pfn] = pt.getPte(base);
      if (kindOf(w) !== K_PRESENT) return { slot: true };
      return { slot: true, leaf: mkLeaf('hugetlb', pfn, (w & F_WRITE) !== 0, { exclusive: (w & F_EXCLUSIVE) !== 0 }) };
    }
  }
}

/** Maps the hugetlb page starting at `base` with `leaf` (every entry of a contiguous run). */
export function setHugetlbEntry(p: Process, vma: Vma, base: number, leaf: Leaf): void {
  const pt = p.pt;
  const span = 2 ** vma.hugetlbOrder;
  switch (levelOf(p, vma.hugetlbOrder)) {
    case 'pud':
      pt.setPudSlot(base, leaf);
      return;
    case 'pmd': case 'cont-pmd':
      for (let a = base; a < base + span; a += p.g.pmdPages) pt.setPmdSlot(a, leaf);
      return;
    case 'cont-pte': {
      const st = mkState(K_PRESENT, (leaf.write ? F_WRITE : 0) | (leaf.exclusive ? F_EXCLUSIVE : 0));
      for (let i = 0; i < span; i++) pt.setPte(base + i, st, leaf.pfn + i);
      return;
    }
  }
}

/**
 * What a map order in a pfn word can be. hmm_range_fault() reports the order of the CPU mapping behind a page
 * (v5.10+): PMD_SHIFT - PAGE_SHIFT for a huge PMD (THP, a DAX/devmap PMD), PUD_SHIFT - PAGE_SHIFT for a huge PUD
 * (a DAX/devmap PUD), and huge_page_order(hstate) for hugetlb — whose sizes depend on the architecture and page size
 * (arm64 contiguous PTEs/PMDs, ppc64 hash and radix, s390). The word alone never says which: the trace's state does.
 * One table for hovers, the CLI and the inspector, so each says the same about an order.
 */
import { formatSize } from './bits';

export interface OrderReading {
  /** e.g. 'PMD: THP, hugetlb 2 MiB or a DAX (devmap) PMD' */
  readonly what: string;
  /** where: 'x86-64, arm64, RISC-V' … */
  readonly where: string;
}

type Table = Record<number, readonly OrderReading[]>;

const ALL_4K = 'x86-64, arm64, RISC-V';
const TABLES: Record<number, Table> = {
  4096: {
    4: [{ what: 'hugetlb 64 KiB (contiguous PTEs)', where: 'arm64; RISC-V with Svnapot' }],
    8: [{ what: 'hugetlb 1 MiB', where: 's390' }],
    9: [{ what: 'PMD: THP, hugetlb 2 MiB or a DAX (devmap) PMD', where: ALL_4K }],
    12: [{ what: 'hugetlb 16 MiB', where: 'ppc64 (hash MMU)' }],
    13: [{ what: 'hugetlb 32 MiB (contiguous PMDs)', where: 'arm64' }],
    18: [{ what: 'PUD: hugetlb 1 GiB or a DAX (devmap) PUD', where: 'x86-64, arm64, RISC-V; a DAX PUD needs HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD, e.g. x86-64' }],
    19: [{ what: 'hugetlb 2 GiB', where: 's390' }],
    22: [{ what: 'hugetlb 16 GiB', where: 'ppc64 (hash MMU)' }],
  },
  16384: {
    7: [{ what: 'hugetlb 2 MiB (contiguous PTEs)', where: 'arm64' }],
    11: [{ what: 'PMD: THP, hugetlb 32 MiB or a DAX (devmap) PMD', where: 'arm64, LoongArch' }],
    16: [{ what: 'hugetlb 1 GiB (contiguous PMDs)', where: 'arm64' }],
  },
  65536: {
    5: [{ what: 'hugetlb 2 MiB (contiguous PTEs)', where: 'arm64' }, { what: 'PMD: THP or hugetlb 2 MiB', where: 'ppc64 (radix MMU)' }],
    8: [{ what: 'hugetlb 16 MiB', where: 'ppc64 (hash MMU)' }],
    13: [{ what: 'PMD: THP, hugetlb 512 MiB or a DAX (devmap) PMD', where: 'arm64' }],
    14: [{ what: 'PUD: hugetlb 1 GiB', where: 'ppc64 (radix MMU)' }],
    18: [{ what: 'hugetlb 16 GiB (contiguous PMDs)', where: 'arm64' }, { what: 'hugetlb 16 GiB', where: 'ppc64 (hash MMU)' }],
  },
};

export interface OrderMeaning {
  readonly order: number;
  /** bytes of the mapping: pageSize << order */
  readonly size: bigint;
  /** what the order can be with this page size (empty: no Linux configuration maps this size at once) */
  readonly readings: readonly OrderReading[];
  /** the same order under the other page sizes, when it means something there */
  readonly elsewhere: readonly { readonly pageSize: number; readonly readings: readonly OrderReading[] }[];
  /** one line: 'PUD-sized 1 GiB: hugetlb 1 GiB or a DAX (devmap) PUD (x86-64, arm64, RISC-V)' */
  readonly text: string;
}

/** What order `order` means with `pageSize`-byte pages (order 0: a single page). */
export function orderMeaning(order: number, pageSize = 4096): OrderMeaning {
  const size = BigInt(pageSize) << BigInt(Math.max(0, order));
  if (order <= 0) {
    return { order: 0, size, readings: [], elsewhere: [], text: `a single ${formatSize(size)} page (or a page of a mapping HMM reports page by page)` };
  }
  const readings = TABLES[pageSize]?.[order] ?? [];
  const elsewhere = Object.entries(TABLES).filter(([ps, t]) => Number(ps) !== pageSize && t[order])
    .map(([ps, t]) => ({ pageSize: Number(ps), readings: t[order] }));
  const list = (rs: readonly OrderReading[]) => rs.map((r) => `${r.what} (${r.where})`).join('; or ');
  let text: string;
  if (readings.length) text = `${formatSize(size)}: ${list(readings)}`;
  else {
    text = `${formatSize(size)}: no Linux configuration with ${formatSize(BigInt(pageSize))} pages maps this size at once`;
    if (elsewhere.length) {
      text += ` (with ${elsewhere.map((e) => `${formatSize(BigInt(e.pageSize))} pages it is ${list(e.readings)}`).join('; ')})`;
    }
  }
  return { order, size, readings, elsewhere, text };
}

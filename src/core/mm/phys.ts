/**
 * Simulated physical memory: deterministic pfn allocation, the shared zero page, the huge zero page, one
 * device-private pfn range per device, a page cache per file object, and swap slots.
 * Whether a forked child still maps a page (copy-on-write versus reuse) is the EXCLUSIVE bit of the entry
 * (PageAnonExclusive in the kernel), kept in the page table, not here.
 *
 * Fixed pfns (documented in the reference page):
 *   zero page 0x1000; huge zero page 0x2000 (aligned for every modelled page size);
 *   system RAM allocated upwards from 0x10000, aligned to the allocation's size; never reused, so runs are repeatable;
 *   device N's private memory at 0x4000000 + N * 0x1000000 (16M pages each).
 */

export const ZERO_PFN = 0x1000;
export const HUGE_ZERO_PFN = 0x2000;
export const RAM_BASE_PFN = 0x10000;
export const DEVICE_BASE_PFN = 0x4000000;
export const DEVICE_SPAN_PFNS = 0x1000000;

export interface FileObject {
  readonly id: number;
  /** shmem: MAP_SHARED|MAP_ANONYMOUS; otherwise a regular (tmpfs-like) file */
  readonly shmem: boolean;
  readonly pages: Map<number, number>;
}

export class PhysMem {
  private nextRam = RAM_BASE_PFN;
  private readonly nextDev: number[] = [];
  private nextFile = 1;
  private nextSwap = 1;
  /** Anonymous THPs still whole (large folios), head pfn → order, until split_huge_page() splits them. */
  private readonly folios = new Map<number, number>();
  private readonly folioOrders = new Set<number>();
  constructor(readonly devices: readonly string[]) {
    for (let i = 0; i < devices.length; i++) this.nextDev.push(DEVICE_BASE_PFN + i * DEVICE_SPAN_PFNS);
  }

  /** A RAM page (order 0) or a naturally aligned huge page; undefined when the model's RAM is exhausted (OOM). */
  allocRam(order = 0): number | undefined {
    const n = 2 ** order;
    const pfn = Math.ceil(this.nextRam / n) * n;
    if (pfn + n > DEVICE_BASE_PFN) return undefined;
    this.nextRam = pfn + n;
    return pfn;
  }

  /** A THP: a naturally aligned large folio that stays one folio after its PMD is split (PTE-mapped THP). */
  allocThp(order: number): number | undefined {
    const pfn = this.allocRam(order);
    if (pfn !== undefined && order > 0) {
      this.folios.set(pfn, order);
      this.folioOrders.add(order);
    }
    return pfn;
  }

  /** The large folio (THP) that RAM page `pfn` belongs to, while it is one; undefined for a small page. */
  folioOf(pfn: number): { readonly head: number; readonly order: number } | undefined {
    for (const order of this.folioOrders) {
      const head = pfn - (pfn % 2 ** order);
      if (this.folios.get(head) === order) return { head, order };
    }
    return undefined;
  }

  /** split_huge_page(): the folio's pages become small folios (the page table keeps mapping them). */
  splitFolio(head: number): void {
    this.folios.delete(head);
  }

  /** Device-private pages of device `dev` (index into devices). */
  allocDevice(dev: number, order = 0): number | undefined {
    const n = 2 ** order;
    const base = DEVICE_BASE_PFN + dev * DEVICE_SPAN_PFNS;
    const pfn = Math.ceil(this.nextDev[dev] / n) * n;
    if (pfn + n > base + DEVICE_SPAN_PFNS) return undefined;
    this.nextDev[dev] = pfn + n;
    return pfn;
  }

  deviceIndexOf(pfn: number): number {
    if (pfn < DEVICE_BASE_PFN) return -1;
    const d = Math.floor((pfn - DEVICE_BASE_PFN) / DEVICE_SPAN_PFNS);
    return d < this.devices.length ? d : -1;
  }

  deviceOf(pfn: number): string | undefined {
    const d = this.deviceIndexOf(pfn);
    return d < 0 ? undefined : this.devices[d];
  }

  newFile(shmem: boolean): FileObject {
    return { id: this.nextFile++, shmem, pages: new Map() };
  }

  /** The page-cache page of `file` at `pgoff`, allocated on first use (shared file pages keep their pfn). */
  pageCache(file: FileObject, pgoff: number): number | undefined {
    let pfn = file.pages.get(pgoff);
    if (pfn === undefined) {
      pfn = this.allocRam(0);
      if (pfn === undefined) return undefined;
      file.pages.set(pgoff, pfn);
    }
    return pfn;
  }

  newSwapSlot(): number {
    return this.nextSwap++;
  }
}

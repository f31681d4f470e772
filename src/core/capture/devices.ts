/**
 * Names for the devices that own device-private pages: /proc/iomem lists each device's private memory as a region
 * with the driver's name (request_free_mem_region). A pfn's region names its device; two regions with one name get
 * their start address as a suffix. Without root /proc/iomem shows no addresses: every page is "device0".
 */
import type { IomemRegion } from './procfs';

/** Devices owning device-private pfns, named after their /proc/iomem region (root only). */
export class DeviceNames {
  readonly names: string[] = [];
  private readonly byRegion = new Map<bigint, number>();
  constructor(private readonly regions: readonly IomemRegion[], private readonly ps: number, order: readonly IomemRegion[] = []) {
    for (const r of order) this.index(r);
  }

  of = (pfn: number): number => {
    const addr = BigInt(pfn) * BigInt(this.ps);
    let best: IomemRegion | undefined;
    for (const r of this.regions) {
      if (addr >= r.start && addr <= r.end && (!best || r.end - r.start < best.end - best.start)) best = r;
    }
    return this.index(best);
  };

  /** The device index of a region (undefined: no region), assigned on first use. */
  index(best: IomemRegion | undefined): number {
    const key = best ? best.start : -1n;
    let i = this.byRegion.get(key);
    if (i === undefined) {
      i = this.names.length;
      this.byRegion.set(key, i);
      let n = best ? best.name.replace(/[^A-Za-z0-9_.-]/g, '_') : 'device';
      if (!/^[A-Za-z_]/.test(n)) n = `_${n}`;
      if (n === 'system') n = 'system_';
      const same = this.regions.filter((r) => r.name === best?.name).length;
      this.names.push(best && same > 1 ? `${n}_${best.start.toString(16)}` : best ? n : `device${i}`);
    }
    return i;
  }
}


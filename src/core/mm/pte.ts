/**
 * Packed page-table entries. A PTE table is a Uint32Array of (state word, value) pairs: 8 bytes per slot, so a
 * populated 4 KiB page costs 8 bytes of table (plus the table's share of bookkeeping).
 *
 * State word:  bits 0..3 kind, bit 4 WRITE, bit 5 SPECIAL, bit 6 PROTNONE, bit 7 EXCLUSIVE (anon page / swap entry
 * not shared with a forked child), bits 8..9 marker kind, bits 16..23 device index.
 * Value word:  the pfn (present, migration, device-private, device-exclusive, hwpoison) or the swap slot.
 */

export const K_NONE = 0;
export const K_PRESENT = 1;
export const K_SWAP = 2;
export const K_MIGRATION = 3;
export const K_DEVICE_PRIVATE = 4;
export const K_DEVICE_EXCLUSIVE = 5;
export const K_HWPOISON = 6;
export const K_MARKER = 7;

export const F_WRITE = 1 << 4;
export const F_SPECIAL = 1 << 5;
export const F_PROTNONE = 1 << 6;
export const F_EXCLUSIVE = 1 << 7;

export const KIND_MASK = 0xf;
export const MARKER_SHIFT = 8;
export const M_GUARD = 1;
export const M_UFFD_WP = 2;
export const M_POISONED = 3;
export const DEV_SHIFT = 16;

export type MarkerKind = 'guard' | 'uffd_wp' | 'poisoned';

export function markerCode(k: MarkerKind): number {
  return k === 'guard' ? M_GUARD : k === 'uffd_wp' ? M_UFFD_WP : M_POISONED;
}
export function markerName(code: number): MarkerKind {
  return code === M_GUARD ? 'guard' : code === M_UFFD_WP ? 'uffd_wp' : 'poisoned';
}

export function kindOf(w: number): number {
  return w & KIND_MASK;
}
export function devOf(w: number): number {
  return (w >>> DEV_SHIFT) & 0xff;
}
export function markerOf(w: number): number {
  return (w >>> MARKER_SHIFT) & 3;
}
export function mkState(kind: number, flags = 0, dev = 0, marker = 0): number {
  return (kind | flags | (dev << DEV_SHIFT) | (marker << MARKER_SHIFT)) >>> 0;
}

/** Leaf entries above the PTE level (PMD or PUD): objects, since there are few of them. */
export type LeafKind = 'thp' | 'huge_zero' | 'hugetlb' | 'migration' | 'device_private' | 'bad' | 'dax';

export interface Leaf {
  readonly leaf: true;
  kind: LeafKind;
  /** first pfn of the huge page (aligned to its size); hugetlb: undefined when the slot exists but is empty */
  pfn: number;
  write: boolean;
  /** hugetlb entry with nothing mapped yet (the slot exists: hugetlb_entry is still called) */
  empty?: boolean;
  /** page not shared with a forked child */
  exclusive: boolean;
  protnone?: boolean;
  /** device index for device_private */
  dev?: number;
}

export function mkLeaf(kind: LeafKind, pfn: number, write: boolean, extra: Partial<Leaf> = {}): Leaf {
  return { leaf: true, kind, pfn, write, exclusive: true, ...extra };
}

/** Human name of a PTE state, for traces and diagnostics. */
export function describePte(w: number, deviceName: (i: number) => string, zeroPfn: number, pfn: number): string {
  const k = kindOf(w);
  const rw = (w & F_WRITE) ? 'rw' : 'ro';
  switch (k) {
    case K_NONE: return 'pte:none';
    case K_PRESENT:
      if (w & F_PROTNONE) return 'pte:protnone';
      if (w & F_SPECIAL) return 'pte:special';
      if (pfn === zeroPfn) return 'pte:zero-page';
      return `pte:present-${rw}`;
    case K_SWAP: return 'pte:swap';
    case K_MIGRATION: return `pte:migration-${rw}`;
    case K_DEVICE_PRIVATE: return `pte:device-private-${rw}(${deviceName(devOf(w))})`;
    case K_DEVICE_EXCLUSIVE: return `pte:device-exclusive(${deviceName(devOf(w))})`;
    case K_HWPOISON: return 'pte:hwpoison';
    case K_MARKER: return `pte:marker-${markerName(markerOf(w))}`;
    default: return 'pte:?';
  }
}

/**
 * Small u64 helpers shared by the layout modules. All values are bigint in [0, 2^64).
 */

export const U64_MASK = (1n << 64n) - 1n;

/** The single-bit mask `1 << n` as a u64. */
export function bit(n: number): bigint {
  return 1n << BigInt(n);
}

/** Bits [lo, lo+width) set. */
export function field(lo: number, width: number): bigint {
  return ((1n << BigInt(width)) - 1n) << BigInt(lo);
}

/** `0x…` lowercase hex without padding. */
export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** `0x…` padded to 16 hex digits with `_` between 4-digit groups: 0x8000_0000_0000_1234. */
export function hex64(v: bigint): string {
  const s = (v & U64_MASK).toString(16).padStart(16, '0');
  return '0x' + s.slice(0, 4) + '_' + s.slice(4, 8) + '_' + s.slice(8, 12) + '_' + s.slice(12);
}

/** Bit positions set in `v`, lowest first. */
export function bitPositions(v: bigint): number[] {
  const out: number[] = [];
  let x = v & U64_MASK;
  let i = 0;
  while (x !== 0n) {
    if (x & 1n) out.push(i);
    x >>= 1n;
    i++;
  }
  return out;
}

/** "bit 5", "bits 53..57", "bits 3, 7" — compact description of the positions in a mask. */
export function describeBits(v: bigint): string {
  const pos = bitPositions(v);
  if (pos.length === 0) return 'no bits';
  if (pos.length === 1) return `bit ${pos[0]}`;
  const runs: string[] = [];
  let start = pos[0];
  let prev = pos[0];
  for (let i = 1; i <= pos.length; i++) {
    const p = pos[i];
    if (p === prev + 1) { prev = p; continue; }
    runs.push(start === prev ? `${start}` : `${start}..${prev}`);
    start = p;
    prev = p;
  }
  return `bits ${runs.join(', ')}`;
}

/** Human size: 4 KiB, 2 MiB, 1 GiB, or bytes. */
export function formatSize(bytes: bigint): string {
  const units: [bigint, string][] = [[1n << 40n, 'TiB'], [1n << 30n, 'GiB'], [1n << 20n, 'MiB'], [1n << 10n, 'KiB']];
  for (const [u, name] of units) {
    if (bytes >= u && bytes % u === 0n) return `${bytes / u} ${name}`;
  }
  return `${bytes} bytes`;
}

/**
 * MAX_PHYSMEM_BITS of the widest 64-bit configurations (x86-64 with 5-level paging, arm64 with 52-bit PA).
 * A pfn whose physical address needs more bits cannot name real memory on any Linux machine.
 */
export const MAX_PHYS_ADDR_BITS = 52;

/** Largest CPU mapping Linux creates on any architecture (16 GiB hugetlb pages on ppc64 / arm64 64K cont-PMD). */
export const MAX_MAPPING_BYTES = 1n << 34n;

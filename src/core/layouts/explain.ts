/**
 * The text half of decodePfn: a word's one-line meaning and its problems. decodePfn computes the fields at once
 * and calls this only when a caller reads `meaning` or `problems` (most bulk callers never do).
 */
import type { PfnLayout } from './types';
import { describeBits, formatSize, hex, MAX_MAPPING_BYTES, MAX_PHYS_ADDR_BITS, U64_MASK } from './bits';
import { MODERN_LAYOUTS } from './modern';

export interface Explained {
  readonly meaning: string;
  readonly problems: string[];
}

function has(layout: PfnLayout, flags: readonly string[], name: string): boolean {
  return flags.includes(name) && layout.flags.some((f) => f.name === name);
}

function pageShiftOf(pageSize: number): number {
  return Math.round(Math.log2(pageSize));
}

/** Names of the fields that bits of `mask` are in other released modern layouts (hint for words from another era). */
function fieldsElsewhere(mask: bigint, self: PfnLayout): string[] {
  const hints: string[] = [];
  for (const l of MODERN_LAYOUTS) {
    if (l.id === self.id) continue;
    const names = l.flags.filter((f) => (f.mask & mask) !== 0n).map((f) => f.name);
    if (l.order) {
      const om = ((1n << BigInt(l.order.bits)) - 1n) << BigInt(l.order.shift);
      if ((om & mask) !== 0n) names.push('the map order field');
    }
    if (names.length > 0) hints.push(`${l.id}: ${names.join(', ')}`);
  }
  return hints;
}

function physProblem(pfn: bigint, pageSize: number, raw: bigint, pfnShiftInWord: number, layout: PfnLayout): string | undefined {
  const pfnBits = MAX_PHYS_ADDR_BITS - pageShiftOf(pageSize);
  const high = pfn >> BigInt(pfnBits);
  if (high === 0n) return undefined;
  const wordBits = (high << BigInt(pfnBits + pfnShiftInWord)) & U64_MASK & raw;
  let msg = `pfn ${hex(pfn)} is beyond the ${MAX_PHYS_ADDR_BITS}-bit physical address space: ${describeBits(wordBits)} of the word `
    + 'are set in positions no real pfn reaches';
  if (layout.era === 'modern') {
    const hints = fieldsElsewhere(wordBits, layout);
    if (hints.length > 0) msg += ` (in other layouts: ${hints.join('; ')} — is this word from another kernel?)`;
  }
  return msg;
}

function orderText(order: number, mappingSize: bigint): string {
  return order > 0 ? ` (in a ${formatSize(mappingSize)} CPU mapping, order ${order})` : '';
}

function explainLegacy(raw: bigint, layout: PfnLayout, pageSize: number, flags: readonly string[], problems: string[]): Explained {
  const v = layout.values ?? { ERROR: -1n, NONE: -1n };
  // hmm_device_entry_to_page(): whole-word values are compared first, in this order: NONE, ERROR, SPECIAL.
  const value = raw === v.NONE ? 'NONE' : raw === v.ERROR ? 'ERROR'
    : v.SPECIAL !== undefined && raw === v.SPECIAL ? 'SPECIAL' : undefined;
  if (value !== undefined) {
    let meaning: string;
    if (value === 'NONE') meaning = `NONE (values[NONE] = ${hex(v.NONE)}): nothing mapped or not reported — a walk requesting flags[VALID] would fault it in`;
    else if (value === 'ERROR') {
      meaning = `ERROR (values[ERROR] = ${hex(v.ERROR)}): the device must not access this page`;
      if (v.SPECIAL === v.ERROR) meaning += ' (SPECIAL has the same value in this profile, so it may also be a special pfn-map page)';
    } else meaning = `SPECIAL (values[SPECIAL] = ${hex(v.SPECIAL ?? 0n)}): a special PTE (pfn-map without struct page) — the device must not mirror it`;
    return { meaning, problems };
  }
  const shift = BigInt(layout.pfnShift);
  const pfn = (raw >> shift) & layout.pfnMask;
  const low = raw & ((1n << shift) - 1n);
  const stray = low & ~layout.flagsMask;
  const profile = layout.profile?.name ?? 'this';
  if (stray !== 0n) {
    const known = layout.flags.map((f) => `${f.name} ${hex(f.mask)}`).join(', ');
    const one = (stray & (stray - 1n)) === 0n;
    problems.push(`${describeBits(stray)} (${hex(stray)}) below pfn_shift ${layout.pfnShift} ${one ? 'is' : 'are'} no flag of the ${profile} profile (flags: ${known})`);
  }
  const valid = flags.includes('VALID');
  if (!valid) {
    problems.push('flags[VALID] clear and not a special value: HMM never writes such a word (it ORs flags[VALID] into every pfn entry); '
      + 'it can only be a request word the walk did not overwrite');
  }
  const pp = physProblem(pfn, pageSize, raw, layout.pfnShift, layout);
  if (pp) problems.push(pp);
  let meaning: string;
  const dev = flags.includes('DEVICE_PRIVATE') ? ' device-private (ZONE_DEVICE) page' : '';
  if (!valid) meaning = flags.includes('WRITE') ? 'WRITE without VALID: a write request without a fault request, not an output' : 'VALID clear: not a page the device may use';
  else if (flags.includes('WRITE')) meaning = `valid, writable${dev}: the device may read and write pfn ${hex(pfn)}`;
  else meaning = `valid but not writable${dev}: the device may read pfn ${hex(pfn)}; writing needs a fault with flags[WRITE]`;
  return { meaning, problems };
}

function explainModern(raw: bigint, layout: PfnLayout, pageSize: number, flags: readonly string[], problems: string[]): Explained {
  const size = BigInt(pageSize);
  const pfn = raw & layout.pfnMask;
  const order = layout.order ? Number((raw >> BigInt(layout.order.shift)) & ((1n << BigInt(layout.order.bits)) - 1n)) : 0;
  const mappingSize = size << BigInt(order);
  const valid = has(layout, flags, 'VALID');
  const write = has(layout, flags, 'WRITE');
  const error = has(layout, flags, 'ERROR');
  const sticky = layout.flags.filter((f) => f.direction === 'inout' && flags.includes(f.name)).map((f) => f.name);

  if (write && !valid) problems.push('WRITE without VALID: hmm_range_fault() never writes this (as a request, REQ_WRITE without REQ_FAULT is ignored)');
  if (error && valid) problems.push('ERROR with VALID: hmm_range_fault() writes ERROR alone, never with VALID');
  if (error && write && !valid) problems.push('ERROR with WRITE: hmm_range_fault() writes ERROR alone');
  if (error && (pfn !== 0n || order !== 0)) problems.push('ERROR with a pfn or order: the kernel stores HMM_PFN_ERROR without pfn or order bits');
  if (flags.includes('DEVICE_PRIVATE') && !valid) problems.push('DEVICE_PRIVATE without VALID: the proposal sets it only together with VALID');
  if (mappingSize > MAX_MAPPING_BYTES) {
    problems.push(`order ${order}: a ${formatSize(mappingSize)} mapping is larger than any CPU mapping Linux creates (16 GiB at most)`);
  }
  if (sticky.includes('P2PDMA') && sticky.includes('P2PDMA_BUS')) problems.push('P2PDMA with P2PDMA_BUS: hmm_dma_map_pfn() sets one or the other (host bridge vs bus address)');
  if (sticky.includes('P2PDMA_BUS') && !sticky.includes('DMA_MAPPED')) problems.push('P2PDMA_BUS without DMA_MAPPED: hmm_dma_map_pfn() sets both together');
  if (sticky.includes('P2PDMA') && !sticky.includes('DMA_MAPPED')) problems.push('P2PDMA without DMA_MAPPED: hmm_dma_map_pfn() clears P2PDMA again when the mapping fails');
  const pp = physProblem(pfn, pageSize, raw, 0, layout);
  if (pp) problems.push(pp);

  let meaning: string;
  const dev = flags.includes('DEVICE_PRIVATE') ? ' device-private page' : '';
  if (error) meaning = 'ERROR: the device must not access this page';
  else if (valid && write) meaning = `valid, writable${dev}: the device may read and write pfn ${hex(pfn)}${orderText(order, mappingSize)}`;
  else if (valid) meaning = `valid but not writable${dev}: the device may read pfn ${hex(pfn)}${orderText(order, mappingSize)}; writing needs a REQ_WRITE fault`;
  else if (write) meaning = 'WRITE without VALID: not a word hmm_range_fault() writes';
  else if (pfn === 0n && order === 0) meaning = '0: not present — faultable: a REQ_FAULT walk would fault it in';
  else meaning = `pfn with VALID clear: protnone or an empty hugetlb slot${order > 0 ? ` (order ${order})` : ''} — the device must not use it; a REQ_FAULT walk would fault it in`;
  if (sticky.length > 0) meaning += `; sticky ${sticky.join(' ')} kept from the input (the driver's DMA state)`;
  return { meaning, problems };
}

/**
 * Meaning and problems of `word` (already reduced to u64) under `layout`, with `flags` as decodePfn found them.
 * `problems` holds what decodePfn found about the input itself (out of range, odd page size) and is appended to.
 */
export function explainPfn(word: bigint, layout: PfnLayout, pageSize: number, flags: readonly string[], problems: string[]): Explained {
  return layout.era === 'legacy' ? explainLegacy(word, layout, pageSize, flags, problems)
    : explainModern(word, layout, pageSize, flags, problems);
}

/**
 * decodePfn: one u64 word → flags, legacy value, pfn, physical address, order, a one-line meaning and problems.
 *
 * pfn extraction:
 *  - modern (5.8+): `word & ~HMM_PFN_FLAGS`, as hmm_pfn_to_page()/hmm_pfn_to_phys() do. In 5.8–5.9 HMM_PFN_FLAGS is
 *    only the three top bits, so bits 56..60 (the 5.10+ order field) belong to the pfn there.
 *  - legacy (4.17–5.7): `word >> pfn_shift`, as hmm_device_entry_to_pfn() does: every bit above the shift, including
 *    any driver flag a custom profile put there. Bits below the shift that are no flag of the profile are reported.
 */
import type { DecodedPfn, PfnLayout } from './types';
import { describeBits, formatSize, hex, MAX_MAPPING_BYTES, MAX_PHYS_ADDR_BITS, U64_MASK } from './bits';
import { MODERN_LAYOUTS } from './modern';

function has(layout: PfnLayout, flags: readonly string[], name: string): boolean {
  return flags.includes(name) && layout.flags.some((f) => f.name === name);
}

function flagsOf(raw: bigint, layout: PfnLayout): string[] {
  const out: string[] = [];
  for (const f of layout.flags) {
    if (f.mask !== 0n && (raw & f.mask) === f.mask) out.push(f.name);
  }
  return out;
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

function decodeLegacy(raw: bigint, layout: PfnLayout, pageSize: number, problems: string[]): DecodedPfn {
  const v = layout.values ?? { ERROR: -1n, NONE: -1n };
  const size = BigInt(pageSize);
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
    return { raw, layout, flags: [], value, pfn: 0n, physAddr: 0n, order: 0, mappingSize: size, meaning, problems };
  }
  const flags = flagsOf(raw, layout);
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
  return { raw, layout, flags, pfn, physAddr: pfn * size, order: 0, mappingSize: size, meaning, problems };
}

function decodeModern(raw: bigint, layout: PfnLayout, pageSize: number, problems: string[]): DecodedPfn {
  const flags = flagsOf(raw, layout);
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
  return { raw, layout, flags, pfn, physAddr: pfn * size, order, mappingSize, meaning, problems };
}

/** Decode one u64 word with `layout`. `pageSize` (default 4096) gives the physical address and mapping size. */
export function decodePfn(raw: bigint, layout: PfnLayout, pageSize = 4096): DecodedPfn {
  const problems: string[] = [];
  let word = raw;
  if (raw < 0n || raw > U64_MASK) {
    problems.push(`${raw} does not fit in a u64; decoded its low 64 bits`);
    word = raw & U64_MASK;
  }
  if (!(pageSize > 0 && Number.isInteger(pageSize) && (pageSize & (pageSize - 1)) === 0)) {
    problems.push(`page size ${pageSize} is not a power of two; used 4096`);
    pageSize = 4096;
  }
  return layout.era === 'legacy' ? decodeLegacy(word, layout, pageSize, problems) : decodeModern(word, layout, pageSize, problems);
}

/** One line: `VALID WRITE pfn=0x1234 order=9 [layout v6.16]`; legacy values print as their name. */
export function formatDecoded(d: DecodedPfn): string {
  const parts: string[] = [];
  if (d.value) parts.push(d.value);
  else {
    parts.push(d.flags.length > 0 ? d.flags.join(' ') : '0');
    parts.push(`pfn=${hex(d.pfn)}`);
    if (d.order > 0) parts.push(`order=${d.order}`);
  }
  if (d.problems.length > 0) parts.push(`(${d.problems.length} problem${d.problems.length > 1 ? 's' : ''}: ${d.problems[0]})`);
  const p = d.layout.profile;
  const tag = p && p.source === 'default' ? `${d.layout.id}, default ${p.name} profile: no legacy profile given` : d.layout.id;
  parts.push(`[layout ${tag}]`);
  return parts.join(' ');
}


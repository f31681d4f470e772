/**
 * The fixed high-bit layouts of `unsigned long *hmm_pfns` (5.8 onwards), 64-bit positions.
 * Every position below follows include/linux/hmm.h `enum hmm_pfn_flags` of the release named in `since`.
 */
import type { FlagDef, PfnLayout } from './types';
import { bit, U64_MASK } from './bits';

const VALID: FlagDef = {
  name: 'VALID', mask: bit(63), direction: 'req+out', inputAlias: 'REQ_FAULT',
  doc: 'Output: the pfn field is a real pfn, at least readable (may be a device-private pfn of dev_private_owner). '
    + 'Input (REQ_FAULT): fault the page in so it is at least readable, or fail the call.',
};
const WRITE: FlagDef = {
  name: 'WRITE', mask: bit(62), direction: 'req+out', inputAlias: 'REQ_WRITE',
  doc: 'Output: the page may be written (only with VALID). Input (REQ_WRITE): fault for write; needs REQ_FAULT, alone it is ignored.',
};
const ERROR: FlagDef = {
  name: 'ERROR', mask: bit(61), direction: 'out',
  doc: 'Output only: the device must not access the page (no VMA, VM_IO/VM_PFNMAP, no VM_READ, special PTE, bad PMD …). '
    + 'Written only where no fault was requested.',
};
const DMA_MAPPED: FlagDef = {
  name: 'DMA_MAPPED', mask: bit(60), direction: 'inout',
  doc: 'Sticky (6.16+): carried from input to output by every store of hmm_range_fault(); set by hmm_dma_map_pfn() '
    + 'after a successful map, cleared by hmm_dma_unmap_pfn().',
};
const P2PDMA: FlagDef = {
  name: 'P2PDMA', mask: bit(59), direction: 'inout',
  doc: 'Sticky (6.16+): P2P page mapped through the host bridge (set by hmm_dma_map_pfn() together with DMA_MAPPED).',
};
const P2PDMA_BUS: FlagDef = {
  name: 'P2PDMA_BUS', mask: bit(58), direction: 'inout',
  doc: 'Sticky (6.16+): P2P page mapped by bus address (hmm_dma_map_pfn() sets it together with DMA_MAPPED).',
};

function modern(p: {
  id: string; title: string; since?: string; until?: string; flags: FlagDef[];
  order?: { shift: number; bits: number }; flagsMask: bigint; proposal?: string;
}): PfnLayout {
  const inoutMask = p.flags.filter((f) => f.direction === 'inout').reduce((a, f) => a | f.mask, 0n);
  return Object.freeze({
    id: p.id, title: p.title, since: p.since, until: p.until, era: 'modern' as const,
    flags: Object.freeze(p.flags.slice()), pfnShift: 0, pfnMask: ~p.flagsMask & U64_MASK, order: p.order,
    inoutMask, flagsMask: p.flagsMask, proposal: p.proposal,
  });
}

/** include/linux/hmm.h v5.8: VALID 63, WRITE 62, ERROR 61; HMM_PFN_FLAGS = VALID|WRITE|ERROR. */
export const LAYOUT_V5_8 = modern({
  id: 'v5.8', title: '5.8–5.9: fixed high-bit flags (VALID 63, WRITE 62, ERROR 61), no map order',
  since: 'v5.8', until: 'v5.9', flags: [VALID, WRITE, ERROR], flagsMask: bit(63) | bit(62) | bit(61),
});

/** include/linux/hmm.h v5.10: HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 8 (56); HMM_PFN_FLAGS = 0xFF << 56; order 5 bits. */
export const LAYOUT_V5_10 = modern({
  id: 'v5.10', title: '5.10–6.15: high-bit flags + map order at bits 56..60',
  since: 'v5.10', until: 'v6.15', flags: [VALID, WRITE, ERROR], order: { shift: 56, bits: 5 },
  flagsMask: 0xffn << 56n,
});

/**
 * include/linux/hmm.h v6.16: DMA_MAPPED = BITS_PER_LONG-4 (60), P2PDMA -5 (59), P2PDMA_BUS -6 (58),
 * HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 11 (53), HMM_PFN_FLAGS = ~((1 << 53) - 1). Unchanged through the newest
 * modelled release (mm tree header read at linux-mm 636388bc081c still has this layout).
 */
export const LAYOUT_V6_16 = modern({
  id: 'v6.16', title: '6.16+: sticky DMA_MAPPED/P2PDMA/P2PDMA_BUS at 60..58, map order at bits 53..57',
  since: 'v6.16', flags: [VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS], order: { shift: 53, bits: 5 },
  flagsMask: ~((1n << 53n) - 1n) & U64_MASK,
});

/** HMM_PFN_DEVICE_PRIVATE series (Niethe/Popple, v1–v3, 2025–2026): bit 57, ORDER_SHIFT BITS_PER_LONG-12 (52). */
export const LAYOUT_PROPOSAL_DEVICE_PRIVATE = modern({
  id: 'proposal:device-private',
  title: 'proposal (not merged): 6.16 layout + DEVICE_PRIVATE at bit 57, map order at bits 52..56',
  flags: [VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS, {
    name: 'DEVICE_PRIVATE', mask: bit(57), direction: 'out',
    doc: 'Proposal: set with VALID when the pfn is a device-private page owned by dev_private_owner (output only, not sticky).',
  }],
  order: { shift: 52, bits: 5 }, flagsMask: ~((1n << 52n) - 1n) & U64_MASK,
  proposal: 'HMM_PFN_DEVICE_PRIVATE series on linux-mm (v1–v3, late 2025 to Jan 2026); not in any release modelled here.',
});

/** HMM_PFN_MIGRATE / REQ_MIGRATE RFC (Aug 2025): bit 57, ORDER_SHIFT 52; collides with the DEVICE_PRIVATE proposal. */
export const LAYOUT_PROPOSAL_MIGRATE = modern({
  id: 'proposal:migrate',
  title: 'RFC (not merged): 6.16 layout + MIGRATE/REQ_MIGRATE at bit 57, map order at bits 52..56',
  flags: [VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS, {
    name: 'MIGRATE', mask: bit(57), direction: 'req+out', inputAlias: 'REQ_MIGRATE',
    doc: 'RFC: input asks the walk to install migration entries while faulting; output marks them.',
  }],
  order: { shift: 52, bits: 5 }, flagsMask: ~((1n << 52n) - 1n) & U64_MASK,
  proposal: 'HMM_PFN_REQ_MIGRATE RFC (Aug 2025); uses the same bit 57 as the DEVICE_PRIVATE proposal.',
});

export const MODERN_LAYOUTS: readonly PfnLayout[] = [LAYOUT_V5_8, LAYOUT_V5_10, LAYOUT_V6_16];
export const PROPOSAL_LAYOUTS: readonly PfnLayout[] = [LAYOUT_PROPOSAL_DEVICE_PRIVATE, LAYOUT_PROPOSAL_MIGRATE];

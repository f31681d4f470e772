/**
 * Values of the C names in include/linux/hmm.h per release, for editor hovers over `HMM_PFN_*`.
 * Before 5.8 HMM_PFN_VALID/WRITE/DEVICE_PRIVATE are indices into range->flags[] (enum hmm_pfn_flag_e) and
 * HMM_PFN_ERROR/NONE/SPECIAL indices into range->values[] (enum hmm_pfn_value_e); from 5.8 on they are bit masks.
 * 64-bit (BITS_PER_LONG = 64) values.
 */
import { isKernelError, parseKernelId, versionCode } from '../kernel-id';
import { bit, U64_MASK } from './bits';

export interface HmmConstant {
  readonly name: string;
  readonly value: bigint;
  readonly doc: string;
}

export interface ConstantEra extends HmmConstant {
  /** first release with this value, e.g. 'v5.10'; a proposal's id for proposals */
  readonly since: string;
  /** last release with this value (inclusive); undefined = still current */
  readonly until?: string;
  /** true for values only in proposed series */
  readonly proposal?: boolean;
}

interface Row { name: string; value: bigint; since: [number, number]; until?: [number, number]; doc: string }

const IDX = 'index into range->flags[] (enum hmm_pfn_flag_e); the driver\'s bit is range->flags[this]';
const VIDX = 'index into range->values[] (enum hmm_pfn_value_e); the driver\'s whole-word value is range->values[this]';

const ROWS: Row[] = [
  // 4.17–5.7: driver-defined encoding (include/linux/hmm.h enum hmm_pfn_flag_e / hmm_pfn_value_e)
  { name: 'HMM_PFN_VALID', value: 0n, since: [4, 17], until: [5, 7], doc: `${IDX}: valid, at least readable; on input, fault for read` },
  { name: 'HMM_PFN_WRITE', value: 1n, since: [4, 17], until: [5, 7], doc: `${IDX}: the CPU mapping is writable; on input, fault for write` },
  { name: 'HMM_PFN_DEVICE_PRIVATE', value: 2n, since: [4, 17], until: [5, 6], doc: `${IDX}: device-private (ZONE_DEVICE) page; on input, also fault such pages back (removed in 5.7)` },
  { name: 'HMM_PFN_FLAG_MAX', value: 3n, since: [4, 17], until: [5, 6], doc: 'size of range->flags[] (VALID, WRITE, DEVICE_PRIVATE)' },
  { name: 'HMM_PFN_FLAG_MAX', value: 2n, since: [5, 7], until: [5, 7], doc: 'size of range->flags[] (VALID, WRITE)' },
  { name: 'HMM_PFN_ERROR', value: 0n, since: [4, 17], until: [5, 7], doc: `${VIDX}: the device must not access the page` },
  { name: 'HMM_PFN_NONE', value: 1n, since: [4, 17], until: [5, 7], doc: `${VIDX}: nothing mapped (pte_none) or not reported` },
  { name: 'HMM_PFN_SPECIAL', value: 2n, since: [4, 17], until: [5, 7], doc: `${VIDX}: special PTE (pfn-map without struct page); removed in 5.8 (reported as ERROR)` },
  { name: 'HMM_PFN_VALUE_MAX', value: 3n, since: [4, 17], until: [5, 7], doc: 'size of range->values[] (ERROR, NONE, SPECIAL)' },
  // 5.8+: enum hmm_pfn_flags, fixed high bits of unsigned long
  { name: 'HMM_PFN_VALID', value: bit(63), since: [5, 8], doc: 'bit 63 (BITS_PER_LONG-1): output, the pfn is valid and at least readable; same bit as HMM_PFN_REQ_FAULT' },
  { name: 'HMM_PFN_WRITE', value: bit(62), since: [5, 8], doc: 'bit 62 (BITS_PER_LONG-2): output, writable (requires VALID); same bit as HMM_PFN_REQ_WRITE' },
  { name: 'HMM_PFN_ERROR', value: bit(61), since: [5, 8], doc: 'bit 61 (BITS_PER_LONG-3): output, the device must not access the page' },
  { name: 'HMM_PFN_REQ_FAULT', value: bit(63), since: [5, 8], doc: 'input, = HMM_PFN_VALID: the output must be VALID or hmm_range_fault() fails' },
  { name: 'HMM_PFN_REQ_WRITE', value: bit(62), since: [5, 8], doc: 'input, = HMM_PFN_WRITE: the output must be WRITE or the call fails; needs REQ_FAULT' },
  { name: 'HMM_PFN_FLAGS', value: bit(63) | bit(62) | bit(61), since: [5, 8], until: [5, 9], doc: 'VALID | WRITE | ERROR; hmm_pfn_to_page() uses word & ~HMM_PFN_FLAGS' },
  { name: 'HMM_PFN_ORDER_SHIFT', value: 56n, since: [5, 10], until: [6, 15], doc: 'BITS_PER_LONG-8: the 5-bit map order field is bits 56..60 (hmm_pfn_to_map_order)' },
  { name: 'HMM_PFN_FLAGS', value: 0xffn << 56n, since: [5, 10], until: [6, 15], doc: '0xFF << HMM_PFN_ORDER_SHIFT: flags and order, bits 56..63' },
  { name: 'HMM_PFN_DMA_MAPPED', value: bit(60), since: [6, 16], doc: 'bit 60 (BITS_PER_LONG-4): sticky in/out, the driver mapped this page for DMA (hmm_dma_map_pfn)' },
  { name: 'HMM_PFN_P2PDMA', value: bit(59), since: [6, 16], doc: 'bit 59 (BITS_PER_LONG-5): sticky in/out, P2P page mapped through the host bridge' },
  { name: 'HMM_PFN_P2PDMA_BUS', value: bit(58), since: [6, 16], doc: 'bit 58 (BITS_PER_LONG-6): sticky in/out, P2P page mapped by bus address' },
  { name: 'HMM_PFN_ORDER_SHIFT', value: 53n, since: [6, 16], doc: 'BITS_PER_LONG-11: the 5-bit map order field is bits 53..57' },
  { name: 'HMM_PFN_FLAGS', value: ~((1n << 53n) - 1n) & U64_MASK, since: [6, 16], doc: '~((1UL << HMM_PFN_ORDER_SHIFT) - 1): bits 53..63' },
  { name: 'HMM_PFN_INOUT_FLAGS', value: bit(60) | bit(59) | bit(58), since: [6, 16], doc: 'DMA_MAPPED | P2PDMA | P2PDMA_BUS, private to mm/hmm.c: every store keeps these input bits' },
  { name: 'HMM_RANGE_DEFAULT_TIMEOUT', value: 1000n, since: [5, 2], doc: 'milliseconds a driver loop waits on -EBUSY retries before giving up (Documentation/mm/hmm.rst)' },
];

interface ProposalRow { name: string; value: bigint; proposal: string; doc: string }

const PROPOSAL_ROWS: ProposalRow[] = [
  { name: 'HMM_PFN_DEVICE_PRIVATE', value: bit(57), proposal: 'proposal:device-private', doc: 'proposal (not merged): bit 57, output with VALID for a device-private pfn of dev_private_owner' },
  { name: 'HMM_PFN_ORDER_SHIFT', value: 52n, proposal: 'proposal:device-private', doc: 'proposal (not merged): BITS_PER_LONG-12' },
  { name: 'HMM_PFN_FLAGS', value: ~((1n << 52n) - 1n) & U64_MASK, proposal: 'proposal:device-private', doc: 'proposal (not merged): bits 52..63' },
  { name: 'HMM_PFN_MIGRATE', value: bit(57), proposal: 'proposal:migrate', doc: 'RFC (not merged): bit 57, migrate while faulting; collides with the DEVICE_PRIVATE proposal' },
  { name: 'HMM_PFN_REQ_MIGRATE', value: bit(57), proposal: 'proposal:migrate', doc: 'RFC (not merged): input alias of HMM_PFN_MIGRATE' },
  { name: 'HMM_PFN_ORDER_SHIFT', value: 52n, proposal: 'proposal:migrate', doc: 'RFC (not merged): BITS_PER_LONG-12' },
];

function vid(v: [number, number]): string {
  return `v${v[0]}.${v[1]}`;
}

function normalise(name: string): string {
  const n = name.trim().toUpperCase();
  return n.startsWith('HMM_') ? n : `HMM_PFN_${n}`;
}

/** Every C name this module knows, release rows first then proposal rows. */
export function constantNames(): string[] {
  return [...new Set([...ROWS.map((r) => r.name), ...PROPOSAL_ROWS.map((r) => r.name)])];
}

/**
 * The hmm.h constants of a kernel (`v5.6`, `v6.16`, `latest`) or of a proposal by its id, with their values there.
 * Unknown ids give an empty list.
 */
export function hmmConstants(kernel: string): HmmConstant[] {
  const id = kernel.trim();
  if (id.startsWith('proposal:')) {
    const rows = PROPOSAL_ROWS.filter((r) => r.proposal === id);
    if (rows.length === 0) return [];
    const base = hmmConstants('latest').filter((c) => !rows.some((r) => r.name === c.name));
    return [...base, ...rows.map((r) => ({ name: r.name, value: r.value, doc: r.doc }))];
  }
  const k = parseKernelId(id);
  if (isKernelError(k)) return [];
  return ROWS.filter((r) => k.code >= versionCode(...r.since) && (!r.until || k.code <= versionCode(...r.until)))
    .map((r) => ({ name: r.name, value: r.value, doc: r.doc }));
}

/** One constant's value at a kernel, or undefined when the name does not exist there. */
export function hmmConstant(name: string, kernel: string): HmmConstant | undefined {
  const n = normalise(name);
  return hmmConstants(kernel).find((c) => c.name === n);
}

/** The history of one name (`HMM_PFN_ORDER_SHIFT` or `ORDER_SHIFT`) across releases, oldest first, then proposals. */
export function constantHistory(name: string): ConstantEra[] {
  const n = normalise(name);
  const rel: ConstantEra[] = ROWS.filter((r) => r.name === n).map((r) => ({
    name: r.name, value: r.value, doc: r.doc, since: vid(r.since), until: r.until ? vid(r.until) : undefined,
  }));
  const prop: ConstantEra[] = PROPOSAL_ROWS.filter((r) => r.name === n).map((r) => ({
    name: r.name, value: r.value, doc: r.doc, since: r.proposal, proposal: true,
  }));
  return [...rel, ...prop];
}

/** Hover text lines: `v5.10–v6.15: 56 — BITS_PER_LONG-8 …`. */
export function formatConstantHistory(name: string): string[] {
  return constantHistory(name).map((e) => {
    const when = e.proposal ? e.since : e.until ? (e.until === e.since ? e.since : `${e.since}–${e.until}`) : `${e.since}+`;
    const v = e.value > 0xffffn ? '0x' + e.value.toString(16) : e.value.toString();
    return `${when}: ${v} — ${e.doc}`;
  });
}

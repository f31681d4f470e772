/**
 * The contract for u64 pfn layouts (one per kernel era). Implemented in ./registry.ts and friends.
 * Every decode names the layout it used.
 */
export interface FlagDef {
  /** HMM_PFN_ name without the prefix: VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS, DEVICE_PRIVATE … */
  readonly name: string;
  /** the bit value in the u64 word */
  readonly mask: bigint;
  /** 'out' written by the walk, 'in' request only, 'inout' sticky (kept across the walk), 'req+out' (VALID=REQ_FAULT) */
  readonly direction: 'out' | 'in' | 'inout' | 'req+out';
  /** input alias, e.g. REQ_FAULT for VALID */
  readonly inputAlias?: string;
  readonly doc: string;
}

export interface PfnLayout {
  /** stable id, e.g. 'legacy:amdgpu', 'v5.8', 'v5.10', 'v6.16' */
  readonly id: string;
  /** human title: "5.10–6.15: high-bit flags + map order at bit 56" */
  readonly title: string;
  /** first kernel release using it, e.g. 'v5.10'; undefined for proposals */
  readonly since?: string;
  /** last release using it (inclusive), undefined when current */
  readonly until?: string;
  /** 'legacy' = 4.17–5.7 flags/values/pfn_shift; 'modern' = 5.8+ fixed high bits */
  readonly era: 'legacy' | 'modern';
  readonly flags: readonly FlagDef[];
  /** legacy only: whole-word special values */
  readonly values?: { readonly ERROR: bigint; readonly NONE: bigint; readonly SPECIAL?: bigint };
  /** legacy: pfn_shift; modern: 0 */
  readonly pfnShift: number;
  /** mask of the pfn field after shifting down */
  readonly pfnMask: bigint;
  /** modern with map order: the shift and width of the order field */
  readonly order?: { readonly shift: number; readonly bits: number };
  /** bits preserved across a walk (HMM_PFN_INOUT_FLAGS), 0n when none */
  readonly inoutMask: bigint;
  /** HMM_PFN_FLAGS (modern); legacy: the OR of the profile's flag masks */
  readonly flagsMask: bigint;
  /** legacy only: which driver table this layout uses and where it came from ('default' = no profile was given) */
  readonly profile?: LegacyProfileInfo;
  /** proposals only: what the series is and why it is not a release (a proposal never maps from a release id) */
  readonly proposal?: string;
}

/** The driver table behind a legacy (4.17–5.7) layout. */
export interface LegacyProfileInfo {
  /** 'amdgpu', 'nouveau', 'test_hmm' or 'custom' */
  readonly name: string;
  /** 'builtin' = named in the scenario; 'custom' = tables written in the scenario; 'default' = none given */
  readonly source: 'builtin' | 'custom' | 'default';
  /** where the table comes from, e.g. "drivers/gpu/drm/amd/amdgpu/amdgpu_mn.c hmm_range_flags/hmm_range_values" */
  readonly doc: string;
}

export interface DecodedPfn {
  readonly raw: bigint;
  readonly layout: PfnLayout;
  /** names of the flags set (legacy special values appear as 'ERROR' / 'NONE' / 'SPECIAL' in `value`) */
  readonly flags: readonly string[];
  /** legacy whole-word value matched, if any */
  readonly value?: 'ERROR' | 'NONE' | 'SPECIAL';
  readonly pfn: bigint;
  /** physical address = pfn * page size */
  readonly physAddr: bigint;
  readonly order: number;
  /** bytes of the CPU mapping: pageSize << order */
  readonly mappingSize: bigint;
  /** one-line meaning for a driver ("valid, read-only: device may read", "faultable: a REQ_FAULT walk would fault it in") */
  readonly meaning: string;
  /** impossible combinations (WRITE without VALID, bits in reserved positions …) */
  readonly problems: readonly string[];
}

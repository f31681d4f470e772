/**
 * The driver-defined encoding of 4.17–5.7 (`uint64_t *pfns` with `range->flags[]`, `range->values[]`,
 * `range->pfn_shift`), as include/linux/hmm.h of those releases defines it:
 *   enum hmm_pfn_flag_e  { HMM_PFN_VALID = 0, HMM_PFN_WRITE, HMM_PFN_DEVICE_PRIVATE (removed in 5.7), HMM_PFN_FLAG_MAX }
 *   enum hmm_pfn_value_e { HMM_PFN_ERROR, HMM_PFN_NONE, HMM_PFN_SPECIAL, HMM_PFN_VALUE_MAX }  (all three up to 5.7)
 * A page word is `(pfn << pfn_shift) | flags[VALID] | cpu flags`; special words are whole values.
 */
import type { LegacyProfileSpec } from '../scenario/ast';
import type { FlagDef, PfnLayout } from './types';
import { hex, U64_MASK } from './bits';

export interface LegacyTables {
  readonly flags: { readonly VALID: bigint; readonly WRITE: bigint; readonly DEVICE_PRIVATE?: bigint };
  readonly values: { readonly ERROR: bigint; readonly NONE: bigint; readonly SPECIAL?: bigint };
  readonly pfnShift: number;
}

export interface BuiltinProfile extends LegacyTables {
  readonly name: string;
  readonly doc: string;
}

/** drivers/gpu/drm/amd/amdgpu/amdgpu_mn.c (moved to amdgpu_ttm.c in 5.6): hmm_range_flags / hmm_range_values. */
const AMDGPU: BuiltinProfile = {
  name: 'amdgpu',
  doc: 'amdgpu_mn.c / amdgpu_ttm.c hmm_range_flags {VALID 1<<0, WRITE 1<<1, DEVICE_PRIVATE 0}, hmm_range_values '
    + '{ERROR 0xfffffffffffffffe, NONE 0, SPECIAL 0xfffffffffffffffc}, pfn_shift PAGE_SHIFT (12)',
  flags: { VALID: 1n, WRITE: 2n, DEVICE_PRIVATE: 0n },
  values: { ERROR: 0xfffffffffffffffen, NONE: 0n, SPECIAL: 0xfffffffffffffffcn },
  pfnShift: 12,
};

/** drivers/gpu/drm/nouveau/nouveau_svm.c nouveau_svm_pfn_flags/values with NVIF_VMM_PFNMAP_V0_* (nvif/if000c.h). */
const NOUVEAU: BuiltinProfile = {
  name: 'nouveau',
  doc: 'nouveau_svm.c nouveau_svm_pfn_flags {VALID V=0x1, WRITE W=0x2, DEVICE_PRIVATE VRAM=0x10}, '
    + 'nouveau_svm_pfn_values {ERROR ~V, NONE 0, SPECIAL ~V}, pfn_shift NVIF_VMM_PFNMAP_V0_ADDR_SHIFT (12)',
  flags: { VALID: 0x1n, WRITE: 0x2n, DEVICE_PRIVATE: 0x10n },
  values: { ERROR: ~0x1n & U64_MASK, NONE: 0n, SPECIAL: ~0x1n & U64_MASK },
  pfnShift: 12,
};

/**
 * lib/test_hmm.c as posted before the 5.8 redesign (it never shipped in this form): DPT_VALID 1<<0, DPT_WRITE 1<<1,
 * DPT_DPAGE 1<<2 for DEVICE_PRIVATE (the 5.6-era postings; the 5.7-era posting dropped it), values NONE 0,
 * ERROR 0x10, SPECIAL 0x10, pfn_shift DPT_SHIFT = PAGE_SHIFT.
 */
const TEST_HMM: BuiltinProfile = {
  name: 'test_hmm',
  doc: 'pre-5.8 lib/test_hmm.c postings (unreleased): dmirror_hmm_flags {VALID 1<<0, WRITE 1<<1, DEVICE_PRIVATE 1<<2}, '
    + 'dmirror_hmm_values {ERROR 0x10, NONE 0, SPECIAL 0x10}, pfn_shift PAGE_SHIFT (12)',
  flags: { VALID: 0x1n, WRITE: 0x2n, DEVICE_PRIVATE: 0x4n },
  values: { ERROR: 0x10n, NONE: 0n, SPECIAL: 0x10n },
  pfnShift: 12,
};

export const BUILTIN_PROFILES: readonly BuiltinProfile[] = [AMDGPU, NOUVEAU, TEST_HMM];

/** The profile used when a legacy kernel is named without one: amdgpu, the driver that used the API longest. */
export const DEFAULT_PROFILE = AMDGPU;

export function builtinProfile(name: string): BuiltinProfile | undefined {
  return BUILTIN_PROFILES.find((p) => p.name === name.trim().toLowerCase());
}

/** Sub-era of the legacy API: '4.17' = 4.17–5.6 (DEVICE_PRIVATE flag exists), '5.7' = 5.7 (flag removed). */
export type LegacyEra = '4.17' | '5.7';

/** Build the layout for a driver table. `variant` picks DEVICE_PRIVATE (≤5.6) or not (5.7). */
export function legacyLayout(t: LegacyTables, profile: { name: string; source: 'builtin' | 'custom' | 'default'; doc: string },
  era: LegacyEra): PfnLayout {
  const flags: FlagDef[] = [
    { name: 'VALID', mask: t.flags.VALID, direction: 'req+out', inputAlias: 'REQ_FAULT',
      doc: `flags[HMM_PFN_VALID] = ${hex(t.flags.VALID)}: output, the pfn is valid and at least readable (always ORed `
        + 'into pfn words); input, fault so the page is readable.' },
    { name: 'WRITE', mask: t.flags.WRITE, direction: 'req+out', inputAlias: 'REQ_WRITE',
      doc: `flags[HMM_PFN_WRITE] = ${hex(t.flags.WRITE)}: output, the CPU mapping is writable; input (with VALID), fault for write.` },
  ];
  if (era === '4.17' && t.flags.DEVICE_PRIVATE !== undefined && t.flags.DEVICE_PRIVATE !== 0n) {
    flags.push({ name: 'DEVICE_PRIVATE', mask: t.flags.DEVICE_PRIVATE, direction: 'req+out',
      inputAlias: 'REQ_DEVICE_PRIVATE',
      doc: `flags[HMM_PFN_DEVICE_PRIVATE] = ${hex(t.flags.DEVICE_PRIVATE)} (up to 5.6): output, a device-private `
        + '(ZONE_DEVICE) page; input (with VALID), also fault device-private pages back to system memory.' });
  }
  const values = t.values.SPECIAL === undefined ? { ERROR: t.values.ERROR, NONE: t.values.NONE }
    : { ERROR: t.values.ERROR, NONE: t.values.NONE, SPECIAL: t.values.SPECIAL };
  const shift = t.pfnShift;
  const suffix = era === '5.7' ? '@v5.7' : '';
  const base = profile.source === 'custom' ? `custom-${tableHash(t)}` : profile.name;
  const range = era === '5.7' ? '5.7' : '4.17–5.6';
  const dflt = profile.source === 'default' ? ', default profile: no legacy profile given' : '';
  return Object.freeze({
    id: `legacy:${base}${suffix}`,
    title: `${range}: driver-defined flags/values/pfn_shift (${profile.source === 'custom' ? 'custom' : profile.name} profile${dflt})`,
    since: era === '5.7' ? 'v5.7' : 'v4.17',
    until: era === '5.7' ? 'v5.7' : 'v5.6',
    era: 'legacy' as const,
    flags: Object.freeze(flags),
    values: Object.freeze(values),
    pfnShift: shift,
    pfnMask: shift >= 64 ? 0n : (U64_MASK >> BigInt(shift)),
    inoutMask: 0n,
    flagsMask: flags.reduce((a, f) => a | f.mask, 0n),
    profile: Object.freeze({ ...profile }),
  });
}

/** FNV-1a (32-bit) of the canonical table text: distinct custom tables get distinct, stable layout ids. */
function tableHash(t: LegacyTables): string {
  const text = [t.flags.VALID, t.flags.WRITE, t.flags.DEVICE_PRIVATE ?? 'x', t.values.ERROR, t.values.NONE,
    t.values.SPECIAL ?? 'x', t.pfnShift].map(String).join(',');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export interface ProfileProblem { readonly severity: 'error' | 'warning'; readonly message: string }

const U64_MAX = U64_MASK;

function checkU64(name: string, v: bigint | undefined, out: ProfileProblem[]): void {
  if (v === undefined) return;
  if (v < 0n || v > U64_MAX) out.push({ severity: 'error', message: `${name} = ${v} does not fit in a u64 (0 .. 0xffffffffffffffff)` });
}

/**
 * Resolve a scenario's `legacy:` entry into tables, checking what the kernel header asks of a driver table
 * (VALID non-zero, NONE distinct from ERROR and SPECIAL, flags not overlapping each other or the pfn field).
 */
export function resolveLegacyTables(spec: LegacyProfileSpec | string | undefined, era: LegacyEra):
  { tables: LegacyTables; profile: { name: string; source: 'builtin' | 'custom' | 'default'; doc: string }; problems: ProfileProblem[] } {
  const problems: ProfileProblem[] = [];
  const allowed = BUILTIN_PROFILES.map((p) => p.name).join(', ');
  if (spec === undefined) {
    return { tables: DEFAULT_PROFILE, problems,
      profile: { name: DEFAULT_PROFILE.name, source: 'default', doc: DEFAULT_PROFILE.doc } };
  }
  const s: LegacyProfileSpec = typeof spec === 'string' ? { builtin: spec, pos: { line: 0, col: 0, endLine: 0, endCol: 0 } } : spec;
  let base: BuiltinProfile | undefined;
  if (s.builtin !== undefined) {
    base = builtinProfile(s.builtin);
    if (!base) {
      problems.push({ severity: 'error', message: `unknown legacy profile "${s.builtin}"; expected one of ${allowed}, `
        + 'or a table {flags: {VALID, WRITE, DEVICE_PRIVATE}, values: {ERROR, NONE, SPECIAL}, pfn_shift}' });
      base = DEFAULT_PROFILE;
    }
  }
  const custom = s.flags !== undefined || s.values !== undefined || s.pfnShift !== undefined;
  if (!custom && base) {
    return { tables: base, problems, profile: { name: base.name, source: 'builtin', doc: base.doc } };
  }
  if (!base && (s.flags === undefined || s.values === undefined)) {
    problems.push({ severity: 'error', message: 'a custom legacy profile needs both flags {VALID, WRITE} and values {ERROR, NONE}' });
  }
  const from = base ?? DEFAULT_PROFILE;
  const tables: LegacyTables = {
    flags: s.flags ?? from.flags,
    values: s.values ?? from.values,
    pfnShift: s.pfnShift ?? from.pfnShift,
  };
  checkLegacyTables(tables, era, problems);
  const doc = `custom table${base ? ` based on ${base.name}` : ''}: flags {VALID ${hex(tables.flags.VALID)}, WRITE `
    + `${hex(tables.flags.WRITE)}${tables.flags.DEVICE_PRIVATE !== undefined ? `, DEVICE_PRIVATE ${hex(tables.flags.DEVICE_PRIVATE)}` : ''}}, `
    + `values {ERROR ${hex(tables.values.ERROR)}, NONE ${hex(tables.values.NONE)}`
    + `${tables.values.SPECIAL !== undefined ? `, SPECIAL ${hex(tables.values.SPECIAL)}` : ''}}, pfn_shift ${tables.pfnShift}`;
  return { tables, problems, profile: { name: 'custom', source: 'custom', doc } };
}

/** Checks a driver table against the rules of include/linux/hmm.h (4.17–5.7). Appends to `out`. */
export function checkLegacyTables(t: LegacyTables, era: LegacyEra, out: ProfileProblem[]): void {
  checkU64('flags.VALID', t.flags.VALID, out);
  checkU64('flags.WRITE', t.flags.WRITE, out);
  checkU64('flags.DEVICE_PRIVATE', t.flags.DEVICE_PRIVATE, out);
  checkU64('values.ERROR', t.values.ERROR, out);
  checkU64('values.NONE', t.values.NONE, out);
  checkU64('values.SPECIAL', t.values.SPECIAL, out);
  if (!Number.isInteger(t.pfnShift) || t.pfnShift < 0 || t.pfnShift > 63) {
    out.push({ severity: 'error', message: `pfn_shift ${t.pfnShift} is not an integer in 0..63 (it is a uint8_t; the header says it should be <= PAGE_SHIFT)` });
    return;
  }
  if (t.flags.VALID === 0n) out.push({ severity: 'error', message: 'flags.VALID is 0: hmm_device_entry_to_page() tests entry & flags[VALID], so no entry could ever be valid' });
  if (t.values.NONE === t.values.ERROR) out.push({ severity: 'error', message: `values.NONE equals values.ERROR (${hex(t.values.NONE)}); the header allows ERROR and SPECIAL to alias, never NONE` });
  if (t.values.SPECIAL !== undefined && t.values.NONE === t.values.SPECIAL) out.push({ severity: 'error', message: `values.NONE equals values.SPECIAL (${hex(t.values.NONE)}); NONE must be distinct` });
  if (t.flags.VALID !== 0n && t.flags.VALID === t.flags.WRITE) out.push({ severity: 'error', message: `flags.VALID and flags.WRITE are the same bits (${hex(t.flags.VALID)})` });
  else if ((t.flags.VALID & t.flags.WRITE) !== 0n) out.push({ severity: 'warning', message: `flags.VALID (${hex(t.flags.VALID)}) and flags.WRITE (${hex(t.flags.WRITE)}) share bits` });
  const dp = t.flags.DEVICE_PRIVATE;
  if (era === '5.7' && dp !== undefined && dp !== 0n) {
    out.push({ severity: 'warning', message: 'flags.DEVICE_PRIVATE is ignored on v5.7: HMM_PFN_DEVICE_PRIVATE was removed from enum hmm_pfn_flag_e in 5.7 (dev_private_owner replaced it)' });
  }
  if (era === '4.17' && dp !== undefined && dp !== 0n && ((dp & (t.flags.VALID | t.flags.WRITE)) !== 0n)) {
    out.push({ severity: 'warning', message: `flags.DEVICE_PRIVATE (${hex(dp)}) shares bits with VALID or WRITE` });
  }
  const lowMask = (1n << BigInt(t.pfnShift)) - 1n;
  const check = [['VALID', t.flags.VALID], ['WRITE', t.flags.WRITE]] as [string, bigint][];
  if (era === '4.17' && dp !== undefined) check.push(['DEVICE_PRIVATE', dp]);
  for (const [name, m] of check) {
    if ((m & ~lowMask) !== 0n) {
      out.push({ severity: 'warning', message: `flags.${name} = ${hex(m)} lies at or above pfn_shift ${t.pfnShift}: the kernel's `
        + 'entry >> pfn_shift would carry it into the pfn' });
    }
  }
}

/**
 * Which layout a kernel id uses. One change per release where it was merged; an id between two changes behaves like
 * the older change; `latest` is the newest merged layout. Proposals are reachable only by their explicit names.
 */
import type { LegacyProfileSpec } from '../scenario/ast';
import { atLeast, isKernelError, parseKernelId, type KernelVersion } from '../kernel-id';
import type { PfnLayout } from './types';
import { LAYOUT_V5_10, LAYOUT_V5_8, LAYOUT_V6_16, MODERN_LAYOUTS, PROPOSAL_LAYOUTS } from './modern';
import { BUILTIN_PROFILES, DEFAULT_PROFILE, legacyLayout, resolveLegacyTables, type LegacyEra, type ProfileProblem } from './legacy';

const BUILTIN_LEGACY: readonly PfnLayout[] = BUILTIN_PROFILES.flatMap((p) => (['4.17', '5.7'] as LegacyEra[]).map((era) =>
  legacyLayout(p, { name: p.name, source: 'builtin', doc: p.doc }, era)));

const DEFAULT_LEGACY: Record<LegacyEra, PfnLayout> = {
  '4.17': legacyLayout(DEFAULT_PROFILE, { name: DEFAULT_PROFILE.name, source: 'default', doc: DEFAULT_PROFILE.doc }, '4.17'),
  '5.7': legacyLayout(DEFAULT_PROFILE, { name: DEFAULT_PROFILE.name, source: 'default', doc: DEFAULT_PROFILE.doc }, '5.7'),
};

const ALL: readonly PfnLayout[] = [...BUILTIN_LEGACY, ...MODERN_LAYOUTS, ...PROPOSAL_LAYOUTS];

/** Every built-in layout: legacy driver profiles (both sub-eras), the modern releases, then proposals. */
export function listLayouts(): PfnLayout[] {
  return ALL.slice();
}

/** A built-in layout by id ('v6.16', 'legacy:nouveau', 'legacy:amdgpu@v5.7', 'proposal:device-private'). */
export function getLayout(id: string): PfnLayout | undefined {
  return ALL.find((l) => l.id === id.trim());
}

/** The modern layout of a parsed release (5.8+). */
export function modernLayoutFor(k: KernelVersion): PfnLayout {
  if (atLeast(k, 6, 16)) return LAYOUT_V6_16;
  if (atLeast(k, 5, 10)) return LAYOUT_V5_10;
  return LAYOUT_V5_8;
}

/** Legacy sub-era of a parsed release below 5.8: 5.7 lost the DEVICE_PRIVATE flag. */
export function legacyEraFor(k: KernelVersion): LegacyEra {
  return atLeast(k, 5, 7) ? '5.7' : '4.17';
}

export interface ResolvedLayout {
  readonly layout?: PfnLayout;
  /** errors make `layout` undefined; warnings keep it */
  readonly problems: readonly ProfileProblem[];
}

/**
 * Non-throwing form for the scenario parser: the layout for `kernel` (a release id, `latest`, or a proposal's
 * explicit name) and the legacy profile, with every problem in the inputs.
 */
export function resolveLayout(kernel: string, legacy?: LegacyProfileSpec | string): ResolvedLayout {
  const name = kernel.trim();
  if (name.startsWith('proposal:')) {
    const p = PROPOSAL_LAYOUTS.find((l) => l.id === name);
    if (!p) {
      return { problems: [{ severity: 'error', message: `unknown proposal "${name}"; expected one of ${PROPOSAL_LAYOUTS.map((l) => l.id).join(', ')}` }] };
    }
    return { layout: p, problems: legacy === undefined ? [] : [{ severity: 'warning', message: `legacy profile ignored: ${name} uses the fixed high-bit layout` }] };
  }
  const k = parseKernelId(name);
  if (isKernelError(k)) return { problems: [{ severity: 'error', message: k.error }] };
  if (atLeast(k, 5, 8)) {
    const problems: ProfileProblem[] = legacy === undefined ? [] : [{ severity: 'warning',
      message: `legacy profile ignored: kernel ${k.id} (5.8 and newer) has the fixed high-bit layout, not driver flags/values` }];
    return { layout: modernLayoutFor(k), problems };
  }
  const era = legacyEraFor(k);
  if (legacy === undefined) return { layout: DEFAULT_LEGACY[era], problems: [] };
  const r = resolveLegacyTables(legacy, era);
  if (r.problems.some((p) => p.severity === 'error')) return { problems: r.problems };
  if (r.profile.source === 'builtin') {
    const id = `legacy:${r.profile.name}${era === '5.7' ? '@v5.7' : ''}`;
    return { layout: getLayout(id), problems: r.problems };
  }
  return { layout: legacyLayout(r.tables, r.profile, era), problems: r.problems };
}

/**
 * The layout for a kernel id (`v5.6`, `v6.16`, `latest`, or `proposal:…`) and, for 4.17–5.7, the driver's legacy
 * profile (a built-in name or a table; amdgpu by default, and the layout's title and profile say so).
 * Throws an Error with the reason when the id or the profile is invalid; use resolveLayout() to get messages instead.
 */
export function layoutForKernel(kernel: string, legacy?: LegacyProfileSpec | string): PfnLayout {
  const r = resolveLayout(kernel, legacy);
  if (!r.layout) throw new Error(r.problems.filter((p) => p.severity === 'error').map((p) => p.message).join('; '));
  return r.layout;
}

export { LAYOUT_V5_8, LAYOUT_V5_10, LAYOUT_V6_16 };

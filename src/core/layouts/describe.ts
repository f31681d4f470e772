/**
 * Plain-text description of a layout for hovers, the CLI and the inspector's legend: one line per field.
 */
import type { PfnLayout } from './types';
import { describeBits, hex } from './bits';

/** `v6.16 — 6.16+: … (v6.16 → latest)` then one line per flag, the order field, the pfn field and the values. */
export function describeLayout(layout: PfnLayout): string[] {
  const span = layout.proposal ? 'proposal, not in any release'
    : `${layout.since}${layout.until ? (layout.until === layout.since ? '' : ` → ${layout.until}`) : ' → latest'}`;
  const lines = [`${layout.id} — ${layout.title} (${span})`];
  for (const f of layout.flags) {
    const where = layout.era === 'legacy' ? `${hex(f.mask)}` : describeBits(f.mask);
    const alias = f.inputAlias ? ` (input: ${f.inputAlias})` : '';
    lines.push(`  ${f.name}${alias}: ${where}, ${f.direction} — ${f.doc}`);
  }
  if (layout.order) {
    const o = layout.order;
    lines.push(`  order: bits ${o.shift}..${o.shift + o.bits - 1} (HMM_PFN_ORDER_SHIFT ${o.shift}, ${o.bits} bits), output only`);
  }
  if (layout.era === 'legacy') {
    lines.push(`  pfn: word >> ${layout.pfnShift} (pfn_shift)`);
    const v = layout.values;
    if (v) {
      lines.push(`  values: ERROR ${hex(v.ERROR)}, NONE ${hex(v.NONE)}${v.SPECIAL !== undefined ? `, SPECIAL ${hex(v.SPECIAL)}` : ''} (whole words)`);
    }
    if (layout.profile) lines.push(`  profile: ${layout.profile.name} (${layout.profile.source}) — ${layout.profile.doc}`);
  } else {
    lines.push(`  pfn: word & ~HMM_PFN_FLAGS (${describeBits(layout.pfnMask)}); HMM_PFN_FLAGS = ${hex(layout.flagsMask)}`);
    if (layout.inoutMask !== 0n) lines.push(`  sticky in/out (HMM_PFN_INOUT_FLAGS): ${hex(layout.inoutMask)}`);
  }
  if (layout.proposal) lines.push(`  ${layout.proposal}`);
  return lines;
}

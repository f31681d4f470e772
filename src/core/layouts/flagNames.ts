/**
 * Flag names as scenario files, the walk and hovers spell them: input (request) names, output names, and the
 * lookup both share. Names are case-insensitive and may carry the C prefix `HMM_PFN_`.
 */
import type { FlagDef, PfnLayout } from './types';
import { hex } from './bits';

export interface InputFlagDef {
  /** the name to write on input: REQ_FAULT, REQ_WRITE, REQ_DEVICE_PRIVATE (legacy ≤5.6), DMA_MAPPED … */
  readonly name: string;
  readonly mask: bigint;
  /** the output flag with the same bits (VALID for REQ_FAULT), when there is one */
  readonly aliasOf?: string;
  readonly doc: string;
}

/** Normalise a written name: trim, upper-case, drop `HMM_PFN_`. */
export function normaliseFlagName(name: string): string {
  const n = name.trim().toUpperCase();
  return n.startsWith('HMM_PFN_') ? n.slice(8) : n;
}

/** The flag of `layout` called `name` (output name or input alias), if any. */
export function findFlag(layout: PfnLayout, name: string): FlagDef | undefined {
  const n = normaliseFlagName(name);
  return layout.flags.find((f) => f.name === n || f.inputAlias === n);
}

/** Request and sticky flags a caller may set on input, in layout order. */
export function inputFlagDefs(layout: PfnLayout): InputFlagDef[] {
  const out: InputFlagDef[] = [];
  for (const f of layout.flags) {
    if (f.direction === 'out') continue;
    if (f.direction === 'req+out' && f.inputAlias) out.push({ name: f.inputAlias, mask: f.mask, aliasOf: f.name, doc: f.doc });
    else out.push({ name: f.name, mask: f.mask, doc: f.doc });
  }
  return out;
}

/** Names accepted on input (REQ_FAULT, REQ_WRITE, plus REQ_DEVICE_PRIVATE ≤5.6 legacy, plus sticky names 6.16+). */
export function flagNamesForInput(layout: PfnLayout): string[] {
  return inputFlagDefs(layout).map((d) => d.name);
}

/** Flag names the walk may write on output (legacy whole-word values are separate: legacyValueNames). */
export function outputFlagNames(layout: PfnLayout): string[] {
  return layout.flags.map((f) => f.name);
}

/** Legacy whole-word value names of a layout (ERROR, NONE, SPECIAL when present); empty for modern layouts. */
export function legacyValueNames(layout: PfnLayout): string[] {
  if (!layout.values) return [];
  return ['ERROR', 'NONE', ...(layout.values.SPECIAL !== undefined ? ['SPECIAL'] : [])];
}

function whyUnknown(n: string, layout: PfnLayout): string {
  const sticky = ['DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS'];
  if (sticky.includes(n)) return `${n} is a sticky in/out flag from v6.16 on; layout ${layout.id} has none`;
  if (n === 'DEVICE_PRIVATE' || n === 'REQ_DEVICE_PRIVATE') {
    if (layout.era === 'legacy') {
      if (layout.until === 'v5.7') return 'HMM_PFN_DEVICE_PRIVATE was removed from enum hmm_pfn_flag_e in 5.7';
      return `profile ${layout.profile?.name ?? '?'} has flags[HMM_PFN_DEVICE_PRIVATE] = 0, so it cannot be requested`;
    }
    return 'DEVICE_PRIVATE is a legacy (4.17–5.6) request flag, or an output-only proposal; not an input of this layout';
  }
  if (n === 'ORDER' || n.startsWith('ORDER')) return 'the map order is an output field, not an input flag';
  return `unknown flag "${n}"`;
}

/**
 * Input flag names → the u64 request bits. Accepts the input names, the output names of request flags (VALID is the
 * same bit as REQ_FAULT) and `0`. Returns `{error}` naming what is wrong and what the layout allows.
 */
export function parseFlagNames(names: readonly string[], layout: PfnLayout): bigint | { error: string } {
  let v = 0n;
  for (const raw of names) {
    const n = normaliseFlagName(raw);
    if (n === '0' || n === 'NONE' || n === '') continue;
    const f = findFlag(layout, n);
    let reason: string | undefined;
    if (!f) reason = whyUnknown(n, layout);
    else if (f.direction === 'out') reason = `${f.name} is output-only (hmm_range_fault ignores it on input)`;
    if (reason) {
      return { error: `${reason}; input flags of layout ${layout.id}: ${flagNamesForInput(layout).join(', ')}` };
    }
    v |= f!.mask;
  }
  return v;
}

/** `REQ_FAULT REQ_WRITE` style text for a request word (names of the input flags whose bits are all set). */
export function formatInputFlags(word: bigint, layout: PfnLayout): string {
  const names = inputFlagDefs(layout).filter((d) => d.mask !== 0n && (word & d.mask) === d.mask).map((d) => d.name);
  const rest = word & ~inputFlagDefs(layout).reduce((a, d) => a | d.mask, 0n);
  if (rest !== 0n) names.push(hex(rest));
  return names.length > 0 ? names.join(' ') : '0';
}

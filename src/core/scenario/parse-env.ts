/** What step parsers need to know about the scenario being parsed. */
import type { PfnLayout } from '../layouts/types';
import type { FlagsExpr, SourcePos } from './ast';
import type { NameScope } from './address';
import type { EntryVocabulary } from './tokens';
import { isScalar, isSeq } from 'yaml';
import { clip, type ParseCtx, type YNode } from './parse-ctx';
import { didYouMean } from './suggest';
import { findFlag, flagNamesForInput, normaliseFlagName, parseFlagNames } from '../layouts';

export interface ScenarioEnv {
  readonly pageSize: number;
  readonly devices: readonly string[];
  readonly scope: NameScope;
  /** undefined when the kernel/legacy keys are invalid: flag names are then not checked */
  readonly layout?: PfnLayout;
  readonly vocab?: EntryVocabulary;
  /** steps parsed so far (with `during` steps), mmap steps so far, walks so far */
  counts: { steps: number; mappings: number; walks: number; expected: number };
  readonly walkNames: Map<string, SourcePos>;
}

/** Flag names usable in input words, default_flags and pfn_flags_mask (REQ_FAULT, REQ_WRITE, sticky flags …). */
export function inputFlagNames(layout: PfnLayout): string[] {
  return flagNamesForInput(layout);
}

export function inputFlagMask(layout: PfnLayout, name: string): bigint | undefined {
  return findFlag(layout, name)?.mask;
}

/**
 * Reads flags as written: a list of names, one string of names (separated by spaces, commas or `|`), or a whole
 * number. `only` restricts the names (sticky flags) with its own message.
 */
export function readFlags(ctx: ParseCtx, env: ScenarioEnv, node: YNode, what: string, at: SourcePos,
  only?: { names: readonly string[]; why: string }): FlagsExpr | undefined {
  const n = ctx.resolve(node);
  const pos = ctx.pos(n, at);
  if (n && isScalar(n) && (typeof n.value === 'bigint' || typeof n.value === 'number')) {
    const raw = ctx.bigint(n, what, at);
    if (raw === undefined) return undefined;
    if (raw < 0n || raw > 0xffffffffffffffffn) {
      ctx.error(pos, `${what} ${raw} does not fit in a u64 (0 .. 0xffffffffffffffff)`);
      return undefined;
    }
    if (only && env.layout) {
      const allowedMask = only.names.reduce((a, nm) => a | (inputFlagMask(env.layout as PfnLayout, nm) ?? 0n), 0n);
      if ((raw & ~allowedMask) !== 0n) {
        ctx.error(pos, `${what} 0x${raw.toString(16)} has bits outside ${only.why}`);
        return undefined;
      }
    }
    return { names: [], raw, pos };
  }
  const items: { text: string; pos: SourcePos }[] = [];
  if (n && isScalar(n) && typeof n.value === 'string') {
    for (const part of n.value.split(/[\s,|]+/).filter((s) => s.length > 0)) items.push({ text: part, pos });
  } else if (n && isSeq(n)) {
    for (const it of n.items as YNode[]) {
      const s = ctx.string(it, `a name in ${what}`, pos);
      if (s !== undefined) items.push({ text: s.trim(), pos: ctx.pos(ctx.resolve(it), pos) });
    }
  } else if (ctx.isNull(n)) {
    return { names: [], raw: 0n, pos };
  } else {
    ctx.error(pos, `${what} must be a list of flag names ([REQ_FAULT, REQ_WRITE]) or a number, got ${ctx.describe(n)}`);
    return undefined;
  }
  if (!env.layout) return { names: items.map((i) => i.text), pos };
  const allowed = only ? only.names : inputFlagNames(env.layout);
  const names: string[] = [];
  let ok = true;
  for (const it of items) {
    const name = normaliseFlagName(it.text);
    const r = parseFlagNames([name], env.layout);
    if (typeof r !== 'bigint') {
      ok = false;
      const known = findFlag(env.layout, name) !== undefined;
      ctx.error(it.pos, `${known ? '' : `unknown flag "${clip(it.text)}" in ${what}: `}${r.error}${known ? '' : didYouMean(name, allowed)}`);
      continue;
    }
    if (only && !only.names.includes(findFlag(env.layout, name)?.name ?? name) && name !== '0' && name !== 'NONE') {
      ok = false;
      ctx.error(it.pos, `${it.text} cannot be used in ${what}: ${only.why}`);
      continue;
    }
    if (names.includes(name)) {
      ctx.warn(it.pos, `flag ${it.text} is listed twice in ${what}`);
      continue;
    }
    if (name !== '0' && name !== 'NONE') names.push(name);
  }
  return ok ? { names, pos } : undefined;
}

/**
 * Expected pfn entries (`VALID WRITE order=9 *512`): the token grammar of `expect.pfns` items.
 *   flag names of the layout's output flags | NONE | 0 | order=N | pfn=0x… | zero | dev=NAME | *N (last)
 */
import type { PfnLayout } from '../layouts/types';
import type { SourcePos } from './ast';
import { parseBigIntText } from './parse-ctx';
import { didYouMean } from './suggest';

/** What an expected entry may name on one layout. */
export interface EntryVocabulary {
  readonly layoutId: string;
  /** output flag names (and, on legacy layouts, the whole-word values ERROR / SPECIAL) */
  readonly flagNames: readonly string[];
  /** legacy whole-word values (ERROR, NONE, SPECIAL) that exist on the layout */
  readonly valueNames: readonly string[];
  /** bits of the order field, undefined when the layout has none */
  readonly orderBits?: number;
  readonly pfnMask: bigint;
  readonly devices: readonly string[];
}

/** Names that may appear in an expected entry: every flag the walk can leave in a word (not request-only bits). */
export function outputFlagNames(layout: PfnLayout): string[] {
  const names = layout.flags.filter((f) => f.direction !== 'in').map((f) => f.name);
  if (layout.values) {
    for (const v of ['ERROR', 'SPECIAL'] as const) {
      if (layout.values[v] !== undefined && !names.includes(v)) names.push(v);
    }
  }
  return names;
}

export function vocabularyFor(layout: PfnLayout, devices: readonly string[]): EntryVocabulary {
  const valueNames = layout.values
    ? (['ERROR', 'NONE', 'SPECIAL'] as const).filter((v) => layout.values?.[v] !== undefined) : [];
  return { layoutId: layout.id, flagNames: outputFlagNames(layout), valueNames, orderBits: layout.order?.bits,
    pfnMask: layout.pfnMask, devices };
}

export interface ParsedEntry {
  readonly flags: string[];
  readonly order?: number;
  readonly pfn?: bigint;
  readonly zero?: boolean;
  readonly dev?: string;
  /** the entry without its `*N` */
  readonly text: string;
  readonly repeat: number;
}

export interface TokenError {
  readonly pos: SourcePos;
  readonly message: string;
}

/**
 * Parses one entry. `tokenPos(offset, length)` maps a character range of `text` to a source position.
 * Returns the entry or the errors (every bad token is reported).
 */
export function parseExpectedEntry(text: string, vocab: EntryVocabulary, maxRepeat: number,
  tokenPos: (offset: number, length: number) => SourcePos): { entry?: ParsedEntry; errors: TokenError[] } {
  const errors: TokenError[] = [];
  const tokens: { t: string; at: number }[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push({ t: m[0], at: m.index });
  if (tokens.length === 0) {
    return { errors: [{ pos: tokenPos(0, text.length), message: 'empty expected entry; write flag names (VALID WRITE …) or NONE' }] };
  }
  const flags: string[] = [];
  let none: { t: string; at: number } | undefined;
  let order: number | undefined;
  let pfn: bigint | undefined;
  let zero = false;
  let dev: string | undefined;
  let repeat = 1;
  let textEnd = text.length;
  const err = (tok: { t: string; at: number }, message: string) => errors.push({ pos: tokenPos(tok.at, tok.t.length), message });
  const allowedWords = [...vocab.flagNames, 'NONE', 'zero', 'order=N', 'pfn=0x…', 'dev=NAME', '*N'];

  tokens.forEach((tok, i) => {
    const t = tok.t;
    if (t.startsWith('*')) {
      if (i !== tokens.length - 1) { err(tok, `the repeat "${t}" must be the last token of the entry`); return; }
      const n = /^\*([0-9]+)$/.exec(t);
      const v = n ? Number(n[1]) : NaN;
      if (!n || !Number.isSafeInteger(v) || v < 1) { err(tok, `bad repeat "${t}"; expected *N with N a whole number ≥ 1`); return; }
      if (v > maxRepeat) { err(tok, `repeat ${t} is larger than the walk (${maxRepeat} pages)`); return; }
      repeat = v;
      textEnd = tok.at;
      return;
    }
    const eq = t.indexOf('=');
    if (eq > 0) {
      const key = t.slice(0, eq);
      const val = t.slice(eq + 1);
      if (key === 'order') {
        if (order !== undefined) { err(tok, 'order= is given twice'); return; }
        if (vocab.orderBits === undefined) { err(tok, `layout ${vocab.layoutId} has no map order field (kernels from v5.10 have one); remove "${t}"`); return; }
        const max = (1 << vocab.orderBits) - 1;
        const v = /^[0-9]+$/.test(val) ? Number(val) : NaN;
        if (!(v >= 0 && v <= max)) { err(tok, `bad order "${val}"; expected a whole number 0..${max} (the layout's order field has ${vocab.orderBits} bits)`); return; }
        order = v;
        return;
      }
      if (key === 'pfn') {
        if (pfn !== undefined) { err(tok, 'pfn= is given twice'); return; }
        const v = parseBigIntText(val);
        if (v === undefined || v < 0n) { err(tok, `bad pfn "${val}"; expected a whole number like pfn=0x1234`); return; }
        if ((v & ~vocab.pfnMask) !== 0n) { err(tok, `pfn ${val} does not fit the pfn field of layout ${vocab.layoutId} (mask 0x${vocab.pfnMask.toString(16)})`); return; }
        pfn = v;
        return;
      }
      if (key === 'dev') {
        if (dev !== undefined) { err(tok, 'dev= is given twice'); return; }
        if (!vocab.devices.includes(val)) {
          err(tok, vocab.devices.length === 0
            ? `unknown device "${val}"; declare it at the top: devices: [${val}]`
            : `unknown device "${val}"; declared devices: ${vocab.devices.join(', ')}${didYouMean(val, vocab.devices)}`);
          return;
        }
        dev = val;
        return;
      }
      err(tok, `unknown token "${t}"; expected order=N, pfn=0x… or dev=NAME${didYouMean(key + '=', ['order=', 'pfn=', 'dev='])}`);
      return;
    }
    if (t === 'zero') {
      if (zero) { err(tok, '"zero" is given twice'); return; }
      zero = true;
      return;
    }
    if (t === 'NONE' || t === '0') {
      if (none) { err(tok, `"${t}" is given twice`); return; }
      none = tok;
      return;
    }
    if (vocab.flagNames.includes(t)) {
      if (flags.includes(t)) { err(tok, `flag ${t} is given twice`); return; }
      flags.push(t);
      return;
    }
    err(tok, `unknown token "${t}"; expected flag names of layout ${vocab.layoutId} (${vocab.flagNames.join(', ')}), NONE, zero, order=N, pfn=0x…, dev=NAME or *N${didYouMean(t, allowedWords)}`);
  });

  if (none && flags.length > 0) err(none, `"${none.t}" means no flag at all and cannot be combined with ${flags.join(' ')}`);
  const values = flags.filter((f) => vocab.valueNames.includes(f));
  if (values.length > 0 && flags.length > 1) {
    const tok = tokens.find((x) => x.t === values[0]) ?? tokens[0];
    err(tok, `${values[0]} is a whole-word value on layout ${vocab.layoutId}, not a flag; it cannot be combined with ${flags.filter((f) => f !== values[0]).join(' ')}`);
  }
  if (zero && dev !== undefined) err(tokens.find((x) => x.t === 'zero') ?? tokens[0], '"zero" and "dev=" contradict each other: the zero page is not device memory');
  if (zero && pfn !== undefined) err(tokens.find((x) => x.t === 'zero') ?? tokens[0], '"zero" and "pfn=" both fix the pfn; write one of them');
  if (errors.length > 0) return { errors };
  const entryText = text.slice(0, textEnd).trim();
  const entry: ParsedEntry = { flags, text: entryText, repeat,
    ...(order !== undefined ? { order } : {}), ...(pfn !== undefined ? { pfn } : {}),
    ...(zero ? { zero } : {}), ...(dev !== undefined ? { dev } : {}) };
  return { entry, errors };
}

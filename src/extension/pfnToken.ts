/**
 * The u64 pfn value under the cursor or in an input: the core's scanner (src/core/layouts/scan.ts: `0x…` with C
 * suffixes and `_` separators, bare 16-digit hex words) applied to one bounded word, so a 10 MB line costs the
 * same as a short one. No vscode import: unit-testable in Node.
 */
import { scanPfnValues } from '../core/layouts/scan';

/** How far from the cursor a token may reach (a u64 literal with separators and suffix is well below this). */
const WINDOW = 48;

export interface PfnToken {
  /** 0-based start and end (exclusive) character offsets in the line */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly value: bigint;
}

const U64_MAX = (1n << 64n) - 1n;
const DECIMAL = /^[0-9]{1,20}$/;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 /* _ */;
}

/** The word (letters, digits, `_`) at `character`, or undefined when there is none or it is longer than the window. */
function wordAt(line: string, character: number): { start: number; end: number } | undefined {
  if (character < 0 || character > line.length) return undefined;
  const lo = Math.max(0, character - WINDOW);
  const hi = Math.min(line.length, character + WINDOW);
  let s = character;
  while (s > lo && isWordChar(line.charCodeAt(s - 1))) s--;
  let e = character;
  while (e < hi && isWordChar(line.charCodeAt(e))) e++;
  if (e === s) return undefined;
  if (s === lo && s > 0 && isWordChar(line.charCodeAt(s - 1))) return undefined;
  if (e === hi && e < line.length && isWordChar(line.charCodeAt(e))) return undefined;
  return { start: s, end: e };
}

/** The whole of `text` as one value literal, or undefined. */
function wholeLiteral(text: string): bigint | undefined {
  const r = scanPfnValues(text, { maxResults: 1 });
  return r.length === 1 && r[0].index === 0 && r[0].length === text.length ? r[0].value : undefined;
}

/**
 * Parse a value as typed in the input box or selected in an editor: `0x…` (C suffixes, `_` separators), a bare
 * 16-digit hex word, or (unless `decimal: false`) a decimal number below 2^64.
 */
export function parsePfnValue(text: string, opts: { decimal?: boolean } = {}): bigint | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 64) return undefined;
  const lit = wholeLiteral(t);
  if (lit !== undefined) return lit;
  if (opts.decimal !== false && DECIMAL.test(t)) {
    const v = BigInt(t);
    return v <= U64_MAX ? v : undefined;
  }
  return undefined;
}

/** The pfn value literal at `character` in `line`, if any. */
export function pfnTokenAt(line: string, character: number): PfnToken | undefined {
  const w = wordAt(line, character);
  if (!w) return undefined;
  const text = line.slice(w.start, w.end);
  const value = wholeLiteral(text);
  return value === undefined ? undefined : { start: w.start, end: w.end, text, value };
}

/** The HMM_* identifier at `character` (HMM_PFN_VALID, HMM_PFN_ORDER_SHIFT, …), bounded like pfnTokenAt. */
export function hmmIdentifierAt(line: string, character: number): { start: number; end: number; name: string } | undefined {
  const w = wordAt(line, character);
  if (!w) return undefined;
  const name = line.slice(w.start, w.end);
  return /^HMM_[A-Z0-9_]+$/.test(name) ? { start: w.start, end: w.end, name } : undefined;
}

/** `0x` + 16 lower-case hex digits. */
export function hex64(v: bigint): string {
  return '0x' + v.toString(16).padStart(16, '0');
}

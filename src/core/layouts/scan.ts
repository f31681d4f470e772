/**
 * Find pfn-like u64 values in log text: `0x…` literals (optionally with C suffixes u/l/ul/lu/ull/llu, and `_`
 * between digits as HMM Lens prints them) and bare 16-hex-digit words (`%016lx` in dmesg).
 *
 * A value is a whole word (bounded by non-word characters, `\w` = [0-9A-Za-z_]) that is either
 *  - `0x`/`0X`, 1–16 hex digits (single `_` allowed between digits), an optional C suffix, or
 *  - exactly 16 hex digits.
 * Hits never overlap and come in text order. Two cursors find them and are merged by position:
 *  - `0x` literals: a regular expression without alternation or backtracking (`0[xX][0-9a-fA-F]`, a linear search
 *    V8 runs at memchr-like speed), then the literal is read with charCode loops;
 *  - bare words: every 16th character is probed; only a hex digit there can be part of a 16-digit run, so the scan
 *    reads about one character in 16 of ordinary text and each character at most a few times in any text.
 * Digits are accumulated as two 32-bit halves and the bigint is made once per hit. Linear in the text length,
 * whatever the input (a 10 MB single line of digits included).
 */

export interface ScannedValue {
  /** offset of the literal's first character in the text */
  readonly index: number;
  /** characters covered, suffix included */
  readonly length: number;
  readonly value: bigint;
}

export interface ScanOptions {
  /** stop after this many values (default 100000) */
  readonly maxResults?: number;
}

/** ASCII character classes: 0 other, 1 word character that is no hex digit, 2 hex digit. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const hexDigit = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
  const word = hexDigit || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  CLASS[c] = hexDigit ? 2 : word ? 1 : 0;
}

function isHex(c: number): boolean {
  return c < 128 && CLASS[c] === 2;
}

function isWord(c: number): boolean {
  return c < 128 && CLASS[c] !== 0;
}

/** The value of a hex digit character (the caller knows it is one). */
function digitValue(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}

/** Length of a C integer suffix at `i` (u, l, ul, lu, ll, ull, llu; any case), 0 if none. */
function suffixLength(text: string, i: number): number {
  const n = text.length;
  const U = 117, L = 108;
  const c0 = i < n ? text.charCodeAt(i) | 0x20 : 0;
  if (c0 === U) {
    if ((i + 1 < n ? text.charCodeAt(i + 1) | 0x20 : 0) !== L) return 1;
    return (i + 2 < n ? text.charCodeAt(i + 2) | 0x20 : 0) === L ? 3 : 2;
  }
  if (c0 !== L) return 0;
  const k = (i + 1 < n ? text.charCodeAt(i + 1) | 0x20 : 0) === L ? 2 : 1;
  return (i + k < n ? text.charCodeAt(i + k) | 0x20 : 0) === U ? k + 1 : k;
}

/** Scratch for making a u64 bigint from two 32-bit halves in one step. */
const WORD = new BigUint64Array(1);
const HALVES = new Uint32Array(WORD.buffer);
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** Where the next `0x` literal may start: `0`, `x` or `X`, a hex digit (no alternation, no backtracking). */
const HEX_PREFIX = /0[xX][0-9a-fA-F]/g;

/** A cursor over the text's hits of one kind; `index` is -1 when there are no more. */
interface Cursor {
  index: number;
  length: number;
  lo: number;
  hi: number;
}

/** Advance `cur` to the next `0x` literal at or after `re.lastIndex`. */
function nextLiteral(text: string, re: RegExp, cur: Cursor): void {
  const n = text.length;
  while (re.test(text)) {
    const i = re.lastIndex - 3;
    if (i > 0 && isWord(text.charCodeAt(i - 1))) continue; // inside a word: not a value
    let lo = 0, hi = 0, digits = 0;
    let j = i + 2;
    while (j < n) {
      const d = text.charCodeAt(j);
      if (isHex(d)) {
        if (++digits > 16) break;
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | digitValue(d);
        j++;
        continue;
      }
      if (d === 95 && j + 1 < n && isHex(text.charCodeAt(j + 1))) { j++; continue; }
      break;
    }
    if (digits > 16) continue; // too long for a u64, or leading zeros beyond 16 digits
    const end = j + suffixLength(text, j);
    if (end < n && isWord(text.charCodeAt(end))) continue; // more word follows: not a value
    re.lastIndex = end;
    cur.index = i;
    cur.length = end - i;
    cur.lo = lo >>> 0;
    cur.hi = hi >>> 0;
    return;
  }
  cur.index = -1;
}

/**
 * Advance `cur` to the next bare 16-digit word, probing from position `from`; returns the next probe position.
 * Probes are 16 apart, so every window of 16 characters after the scan point contains exactly one of them.
 */
function nextBare(text: string, cur: Cursor, from: number): number {
  const n = text.length;
  let p = from;
  while (p < n) {
    if (!isHex(text.charCodeAt(p))) { p += 16; continue; }
    // the run of hex digits around p: [s, e); the previous probe was no hex digit or lay before a non-hex char
    let s = p;
    while (s > 0 && p - s < 16 && isHex(text.charCodeAt(s - 1))) s--;
    let e = p + 1;
    while (e < n && isHex(text.charCodeAt(e))) e++;
    if (e - s === 16 && (s === 0 || !isWord(text.charCodeAt(s - 1))) && (e === n || !isWord(text.charCodeAt(e)))) {
      let lo = 0, hi = 0;
      for (let k = s; k < e; k++) {
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | digitValue(text.charCodeAt(k));
      }
      cur.index = s;
      cur.length = 16;
      cur.lo = lo >>> 0;
      cur.hi = hi >>> 0;
      return e + 16;
    }
    p = e + 16; // the next window must start after e, a non-hex character
  }
  cur.index = -1;
  return n;
}

/** Scan `text` for u64 values; results are in text order and never overlap. */
export function scanPfnValues(text: string, opts: ScanOptions = {}): ScannedValue[] {
  const max = opts.maxResults ?? 100000;
  const out: ScannedValue[] = [];
  if (max <= 0) return out;
  const re = HEX_PREFIX;
  re.lastIndex = 0;
  const lit: Cursor = { index: -1, length: 0, lo: 0, hi: 0 };
  const bare: Cursor = { index: -1, length: 0, lo: 0, hi: 0 };
  nextLiteral(text, re, lit);
  let probe = nextBare(text, bare, 15);
  while (lit.index >= 0 || bare.index >= 0) {
    const takeLit = bare.index < 0 || (lit.index >= 0 && lit.index < bare.index);
    const cur = takeLit ? lit : bare;
    HALVES[LO] = cur.lo;
    HALVES[HI] = cur.hi;
    out.push({ index: cur.index, length: cur.length, value: WORD[0] });
    if (out.length >= max) break;
    if (takeLit) nextLiteral(text, re, lit);
    else probe = nextBare(text, bare, probe);
  }
  re.lastIndex = 0;
  return out;
}

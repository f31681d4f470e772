/**
 * Find pfn-like u64 values in log text: `0x…` literals (optionally with C suffixes u/l/ul/lu/ull/llu, and `_`
 * between digits as HMM Lens prints them) and bare 16-hex-digit words (`%016lx` in dmesg).
 *
 * A value is a whole word (bounded by non-word characters, `\w` = [0-9A-Za-z_]) that is either
 *  - `0x`/`0X`, 1–16 hex digits (single `_` allowed between digits), an optional C suffix, or
 *  - exactly 16 hex digits.
 * Hits never overlap and come in text order. One pass:
 *  - `0x` literals: found with a fixed-length regular expression (`0[xX][0-9a-fA-F]`: no alternation, nothing to
 *    backtrack, a linear search V8 runs natively), then read with charCode loops;
 *  - bare words, in the stretch before each literal: every 16th character is probed; only a hex digit there can be
 *    part of a 16-digit run, so ordinary text is read about one character in 16 and any text a few times at most.
 * Digits are accumulated as two 32-bit halves. One loop (`scanInto`) serves both APIs through a sink: `scanPfnWords`
 * writes the halves straight into typed arrays (no object and no bigint per hit; decode with decodeFlagsBulk),
 * `scanPfnValues` makes one bigint and one object per hit. Linear in the text length, whatever the input (a 10 MB
 * single line of digits included).
 */

export interface ScannedValue {
  /** offset of the literal's first character in the text */
  readonly index: number;
  /** characters covered, suffix included */
  readonly length: number;
  readonly value: bigint;
}

/** Every hit of one scan in struct-of-arrays form; entry k (k < count) is the k-th hit in text order. */
export interface ScannedWords {
  /** offset of each literal's first character in the text */
  readonly index: Uint32Array;
  /** characters covered, suffix included (at most 2 + 16 digits + 15 `_` + 3 suffix = 36) */
  readonly length: Uint8Array;
  /** the u64 values, ready for decodeFlagsBulk */
  readonly words: BigUint64Array;
  readonly count: number;
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

/** ASCII hex digit values, -1 for every other character. */
const DIGIT = new Int8Array(128).fill(-1);
for (let c = 0; c < 128; c++) if (CLASS[c] === 2) DIGIT[c] = c <= 57 ? c - 48 : (c | 0x20) - 87;

function isHex(c: number): boolean {
  return c < 128 && DIGIT[c] >= 0;
}

function isWord(c: number): boolean {
  return c < 128 && CLASS[c] !== 0;
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

const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** Scratch for making a u64 bigint from two 32-bit halves in one step. */
const WORD = new BigUint64Array(1);
const HALVES = new Uint32Array(WORD.buffer);

/** Where the next `0x` literal may start: `0`, `x` or `X`, a hex digit (no alternation, no backtracking). */
const HEX_PREFIX = /0[xX][0-9a-fA-F]/g;

/**
 * Where the scanning loop puts its hits: `ScannedValue` objects (one bigint each, for scanPfnValues) when `objects`
 * is given, else a growable struct-of-arrays (`halves` views the `words` buffer as u32 pairs). One class for both, so
 * the loop's call site stays monomorphic whichever API ran first.
 */
class HitSink {
  count = 0;
  index: Uint32Array;
  length: Uint8Array;
  words: BigUint64Array;
  halves: Uint32Array;
  constructor(capacity: number, readonly objects: ScannedValue[] | null) {
    this.index = new Uint32Array(capacity);
    this.length = new Uint8Array(capacity);
    this.words = new BigUint64Array(capacity);
    this.halves = new Uint32Array(this.words.buffer);
  }

  /** Append a hit of `length` characters at `index` whose digits were read as the halves `lo`, `hi`. */
  push(index: number, length: number, lo: number, hi: number): void {
    const k = this.count;
    this.count = k + 1;
    if (this.objects !== null) {
      HALVES[LO] = lo;
      HALVES[HI] = hi;
      this.objects.push({ index, length, value: WORD[0] });
      return;
    }
    if (k === this.index.length) this.grow();
    this.index[k] = index;
    this.length[k] = length;
    this.halves[2 * k + LO] = lo;
    this.halves[2 * k + HI] = hi;
  }

  private grow(): void {
    const cap = Math.max(16, this.index.length * 2);
    const index = new Uint32Array(cap); index.set(this.index); this.index = index;
    const length = new Uint8Array(cap); length.set(this.length); this.length = length;
    const words = new BigUint64Array(cap); words.set(this.words); this.words = words;
    this.halves = new Uint32Array(words.buffer);
  }
}

/**
 * Bare 16-digit words in the stretch [from, limit) (no `0x` literal starts inside it), pushed to `out` until it holds
 * `max` hits. Probes lie 16 apart, so every window of 16 characters in the stretch contains one; a probe that is no
 * hex digit rules out every window around it, so ordinary text is read about one character in 16.
 */
function bareWords(text: string, from: number, limit: number, out: HitSink, max: number): void {
  const n = text.length;
  let p = from + 15;
  while (p < limit && out.count < max) {
    if (!isHex(text.charCodeAt(p))) { p += 16; continue; }
    // the run of hex digits around p: [s, e); a run longer than 16 is never a value, so look back at most 16
    let s = p;
    while (s > 0 && p - s < 16 && isHex(text.charCodeAt(s - 1))) s--;
    let e = p + 1;
    while (e < n && e - s <= 16 && isHex(text.charCodeAt(e))) e++;
    if (e - s === 16 && (s === 0 || !isWord(text.charCodeAt(s - 1))) && (e === n || !isWord(text.charCodeAt(e)))) {
      let lo = 0, hi = 0;
      for (let k = s; k < e; k++) {
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | DIGIT[text.charCodeAt(k)];
      }
      out.push(s, 16, lo >>> 0, hi >>> 0);
    }
    // every window around p is done: the next one starts after p (e.g. after a run longer than 16, at most 16 on)
    p = e - s > 16 ? p + 16 : e + 16;
  }
}

/** The one scanning loop: every hit of `text` (at most `max`) appended to `out` in text order. */
function scanInto(text: string, max: number, out: HitSink): void {
  const n = text.length;
  const re = HEX_PREFIX;
  re.lastIndex = 0;
  let pos = 0; // every value before pos is found
  while (out.count < max) {
    const found = re.test(text);
    const i = found ? re.lastIndex - 3 : n;
    bareWords(text, pos, i, out, max);
    if (!found || out.count >= max) break;
    pos = i + 2; // after the `x`: no run of hex digits reaches back over it
    if (i > 0 && isWord(text.charCodeAt(i - 1))) continue; // inside a word: not a value
    let lo = 0, hi = 0, digits = 0;
    let j = i + 2;
    while (j < n) {
      const d = text.charCodeAt(j);
      const v = d < 128 ? DIGIT[d] : -1;
      if (v >= 0) {
        if (++digits > 16) break;
        hi = (hi << 4) | (lo >>> 28);
        lo = (lo << 4) | v;
        j++;
        continue;
      }
      if (d === 95 && j + 1 < n && isHex(text.charCodeAt(j + 1))) { j++; continue; }
      break;
    }
    if (digits > 16) continue; // too long for a u64, or leading zeros beyond 16 digits
    const end = j + suffixLength(text, j);
    if (end < n && isWord(text.charCodeAt(end))) continue; // more word follows: not a value
    out.push(i, end - i, lo >>> 0, hi >>> 0);
    pos = end;
    re.lastIndex = end;
  }
  re.lastIndex = 0;
}

function maxResults(opts: ScanOptions): number {
  const max = opts.maxResults ?? 100000;
  return max > 0 ? max : 0;
}

/**
 * Scan `text` for u64 values in bulk: the same hits as `scanPfnValues`, as typed arrays (views of length `count`).
 * Decode them all with `decodeFlagsBulk(r.words, layout)`.
 */
export function scanPfnWords(text: string, opts: ScanOptions = {}): ScannedWords {
  const max = maxResults(opts);
  // start at one slot per 64 characters (at most 65536) and double as hits come
  const out = new HitSink(Math.max(16, Math.min(max, Math.ceil(text.length / 64), 1 << 16)), null);
  scanInto(text, max, out);
  const n = out.count;
  return { index: out.index.subarray(0, n), length: out.length.subarray(0, n), words: out.words.subarray(0, n), count: n };
}

/** Scan `text` for u64 values; results are in text order and never overlap. */
export function scanPfnValues(text: string, opts: ScanOptions = {}): ScannedValue[] {
  const out: ScannedValue[] = [];
  scanInto(text, maxResults(opts), new HitSink(0, out));
  return out;
}

/**
 * Find pfn-like u64 values in log text: `0x…` literals (optionally with C suffixes u/l/ul/lu/ull/llu, and `_`
 * between digits as HMM Lens prints them) and bare 16-hex-digit words (`%016lx` in dmesg).
 * One left-to-right pass, no regular expressions: linear in the text length, whatever the input.
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

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** Length of a C integer suffix at `i` (u, l, ul, lu, ll, ull, llu; any case), 0 if none. */
function suffixLength(text: string, i: number): number {
  const at = (k: number) => (i + k < text.length ? text.charCodeAt(i + k) | 0x20 : 0);
  const U = 117, L = 108;
  let k = 0;
  if (at(0) === U) {
    k = 1;
    if (at(1) === L) k = at(2) === L ? 3 : 2;
  } else if (at(0) === L) {
    k = at(1) === L ? 2 : 1;
    if (at(k) === U) k++;
  }
  return k;
}

/** Scan `text` for u64 values; results are in text order and never overlap. */
export function scanPfnValues(text: string, opts: ScanOptions = {}): ScannedValue[] {
  const max = opts.maxResults ?? 100000;
  const out: ScannedValue[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && out.length < max) {
    const c = text.charCodeAt(i);
    const prevWord = i > 0 && isWord(text.charCodeAt(i - 1));
    if (prevWord || !isHex(c)) { i++; continue; }
    // 0x literal
    if (c === 48 && i + 1 < n && (text.charCodeAt(i + 1) | 0x20) === 120 && i + 2 < n && isHex(text.charCodeAt(i + 2))) {
      let j = i + 2;
      let digits = '';
      while (j < n) {
        const d = text.charCodeAt(j);
        if (isHex(d)) { digits += text[j]; j++; if (digits.length > 16) break; continue; }
        if (d === 95 && j + 1 < n && isHex(text.charCodeAt(j + 1))) { j++; continue; }
        break;
      }
      if (digits.length > 16) {
        // too long for a u64, or leading zeros beyond 16 digits: skip the whole run
        while (j < n && (isHex(text.charCodeAt(j)) || text.charCodeAt(j) === 95)) j++;
        i = j;
        continue;
      }
      const sfx = suffixLength(text, j);
      const end = j + sfx;
      if (end < n && isWord(text.charCodeAt(end))) {
        while (i < n && isWord(text.charCodeAt(i))) i++;
        continue;
      }
      out.push({ index: i, length: end - i, value: BigInt('0x' + digits) });
      i = end;
      continue;
    }
    // bare word: exactly 16 hex digits bounded by non-word characters
    let j = i;
    while (j < n && j - i <= 16 && isHex(text.charCodeAt(j))) j++;
    if (j - i === 16 && (j >= n || !isWord(text.charCodeAt(j)))) {
      out.push({ index: i, length: 16, value: BigInt('0x' + text.slice(i, j)) });
      i = j;
      continue;
    }
    // not a value: skip this word entirely
    while (i < n && isWord(text.charCodeAt(i))) i++;
  }
  return out;
}

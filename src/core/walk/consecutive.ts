/**
 * Storing a run of consecutive words `(hi << 32) | (lo0 + k)`, k = 0 … n-1, with one 8-byte store per word instead of
 * two 4-byte halves. A THP, PUD or hugetlb mapping (and a device-private THP) fills its whole chunk this way: the
 * pfn goes up by one per page and every flag stays the same.
 *
 * How: the output buffer is also viewed as a Float64Array. This view never holds the u64's *value* as a number
 * (that would lose bits above 2^53); it holds the word's exact bit pattern, and a Float64Array store writes a
 * non-NaN double's IEEE-754 bits exactly (ECMAScript NumericToRawBytes). While `hi` is fixed, the sign and the
 * 11-bit exponent of every word in the run are fixed too, and its low 52 bits are the mantissa: within one binade
 * the doubles are evenly spaced, so word k is the double `d0 + k·step` with step = d(1) − d(0), and every sum is
 * exactly representable (no rounding). The path is taken only when it is exact:
 *  - `lo0 + n − 1` stays below 2^32 (no carry into the high half, whose bits hold flags);
 *  - the exponent bits of `hi` are not all ones (those patterns are ±Infinity and NaNs; a NaN's bits need not
 *    survive a store).
 * Otherwise the caller stores 32-bit halves. test/unit/consecutive.test.ts compares both paths word for word.
 */

const MIN_RUN = 16;
const scratch = new Float64Array(1);
const scratchHalves = new Uint32Array(scratch.buffer);

/**
 * The double whose bit pattern is (hi << 32) | lo (little-endian halves, as the walk's buffers are). Only for
 * patterns whose exponent bits are not all ones (no NaN: a NaN's payload need not survive a store).
 */
export function wordAsDouble(lo: number, hi: number): number {
  scratchHalves[0] = lo;
  scratchHalves[1] = hi;
  return scratch[0];
}

/**
 * Writes words (hi << 32) | (lo0 + k) at f[i0 + k] for i0 ≤ i0 + k < i1. Returns false (and writes nothing) when the
 * run is too short to be worth it or the double path would not be exact; the caller then stores halves.
 */
export function storeConsecutiveWords(f: Float64Array, i0: number, i1: number, lo0: number, hi: number): boolean {
  const n = i1 - i0;
  if (n < MIN_RUN) return false;
  lo0 >>>= 0; hi >>>= 0;
  if (lo0 + n - 1 > 0xffffffff) return false;
  if ((hi & 0x7ff00000) === 0x7ff00000) return false;
  const d0 = wordAsDouble(lo0, hi);
  const step = wordAsDouble(lo0 + 1, hi) - d0;
  // step·k for k < 8 is exact (a power of two times a small integer), and so is every d + step·k in the binade
  const s2 = step * 2; const s3 = step * 3; const s4 = step * 4;
  const s5 = step * 5; const s6 = step * 6; const s7 = step * 7; const s8 = step * 8;
  // int32 indices: callers compute i0/i1 from page numbers beyond 2^31 (as doubles), and a loop counter that V8
  // sees as a double turns every store into a checked conversion (3× slower here)
  let i = i0 | 0;
  const end = i1 | 0;
  let d = d0;
  for (; i + 8 <= end; i += 8) {
    f[i] = d; f[i + 1] = d + step; f[i + 2] = d + s2; f[i + 3] = d + s3;
    f[i + 4] = d + s4; f[i + 5] = d + s5; f[i + 6] = d + s6; f[i + 7] = d + s7;
    d += s8;
  }
  for (; i < end; i++) { f[i] = d; d += step; }
  return true;
}

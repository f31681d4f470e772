/**
 * Floors: the cheapest code that does the same amount of memory traffic as a workload, measured in the same
 * process run. A workload's figure is reported as a ratio to its floor, so the targets do not depend on the machine.
 */
import { measure, type Timing } from './timing';

/**
 * BigUint64Array.fill over `n` output entries: the cost of producing the output array once. The array is allocated
 * in every run, as every walk allocates its output (the first touch of fresh memory is part of the cost).
 */
export function fillFloor(n: number): Timing {
  return measure(fillSample(n), { warmup: 10, minRuns: 15, maxRuns: 15, budgetMs: 3000 });
}

/**
 * Packed page-table words for the packed-loop floor: x86-64-style PTEs (bit 0 present, bit 1 writable, pfn in
 * bits 12..51), all present, alternating writable and read-only so the branch is not free.
 */
export function packedPtes(n: number): Uint32Array {
  const words = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const pfn = 0x100000 + i;
    words[2 * i] = ((pfn << 12) | 1 | ((i & 1) << 1)) >>> 0;
    words[2 * i + 1] = pfn >>> 20;
  }
  return words;
}

/**
 * The minimal loop a page-table walk must at least do: read a packed PTE word, and write `pfn | VALID | WRITE?`
 * (flags in the high bits, as on 5.8+ layouts) to the output. It uses 32-bit halves, as the brief allows in hot
 * loops; a model that does the same work per page with bigint arithmetic will be several times slower.
 */
export function packedLoop(ptes: Uint32Array, out: Uint32Array, n: number): number {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const lo = ptes[2 * i];
    const hi = ptes[2 * i + 1];
    if ((lo & 1) === 0) {
      out[2 * i] = 0;
      out[2 * i + 1] = 0;
      continue;
    }
    const pfnLo = ((lo >>> 12) | ((hi & 0xfff) << 20)) >>> 0;
    const pfnHi = (hi >>> 12) & 0xff;
    const flags = (lo & 2) !== 0 ? 0xc0000000 : 0x80000000;
    out[2 * i] = pfnLo;
    out[2 * i + 1] = (pfnHi | flags) >>> 0;
    acc += pfnLo & 1;
  }
  return acc;
}

/**
 * One sample of a floor's work, for pairing with a workload's runs (./pairing.ts): allocate the output and fill it.
 * The caller keeps the returned array alive as long as the workload keeps its output alive.
 */
export function fillSample(n: number): () => BigUint64Array {
  let v = 0n;
  return () => {
    v ^= 0x8000000000000000n;
    return new BigUint64Array(n).fill(v);
  };
}

/** One sample of the packed loop over `n` entries into a freshly allocated output (see fillSample). */
export function packedSample(n: number): () => BigUint64Array {
  const ptes = packedPtes(n);
  return () => {
    const out = new BigUint64Array(n);
    packedLoop(ptes, new Uint32Array(out.buffer), n);
    return out;
  };
}

/** The bare regex the log floor uses: every 0x-prefixed hex number of 1..16 digits. */
export const BARE_HEX_RE = /0x[0-9a-fA-F]{1,16}\b/g;

/** One bare regex scan of `text`, counting every hex number: the work of the log scanner's floor. */
export function countRegex(text: string): number {
  const re = new RegExp(BARE_HEX_RE.source, 'g');
  let count = 0;
  while (re.exec(text) !== null) count++;
  return count;
}

/** The bare regex scan timed on its own: the floor of the log rows other than log.scan (which pairs its runs). */
export function regexFloor(text: string): Timing {
  return measure(() => countRegex(text), { warmup: 1, minRuns: 3, maxRuns: 5 });
}

/**
 * Not a floor: the fastest JS we know for a THP snapshot's output (consecutive pfns, flags and order in the high
 * half, written as 32-bit halves into a fresh array). Reported next to the THP row to show what the target allows.
 */
export function thpIdealLoop(n: number): Timing {
  return measure(() => {
    const o = new BigUint64Array(n);
    const w = new Uint32Array(o.buffer);
    for (let p = 0; p < n; p += 512) {
      const base = 0x100000 + p;
      const end = Math.min(512, n - p);
      for (let i = 0; i < end; i++) {
        w[2 * (p + i)] = base + i;
        w[2 * (p + i) + 1] = 0xc1200000;
      }
    }
    return o;
  }, { warmup: 10, minRuns: 15, maxRuns: 15, budgetMs: 3000 });
}

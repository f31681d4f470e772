/**
 * decodePfn: one u64 word → flags, legacy value, pfn, physical address, order, a one-line meaning and problems.
 *
 * pfn extraction:
 *  - modern (5.8+): `word & ~HMM_PFN_FLAGS`, as hmm_pfn_to_page()/hmm_pfn_to_phys() do. In 5.8–5.9 HMM_PFN_FLAGS is
 *    only the three top bits, so bits 56..60 (the 5.10+ order field) belong to the pfn there.
 *  - legacy (4.17–5.7): `word >> pfn_shift`, as hmm_device_entry_to_pfn() does: every bit above the shift, including
 *    any driver flag a custom profile put there. Bits below the shift that are no flag of the profile are reported.
 *
 * Speed: a decode reads the word as two 32-bit halves against per-layout tables (./decodeTables.ts), returns a shared
 * frozen `flags` array per flag combination, and computes `pfn`, `physAddr`, `mappingSize`, `meaning` and
 * `problems` only when they are read (getters; the text comes from ./explain.ts). Bulk callers that never read the
 * text pay for flags and order only.
 */
import type { DecodedPfn, PfnLayout } from './types';
import { hex, U64_MASK } from './bits';
import { decodeTables, flagCode, flagNames, type DecodeTables } from './decodeTables';
import { explainPfn, type Explained } from './explain';

type LegacyValue = 'ERROR' | 'NONE' | 'SPECIAL';

/** Scratch for splitting a u64 bigint into halves without bigint arithmetic. */
const WORD = new BigUint64Array(1);
const HALVES = new Int32Array(WORD.buffer);
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;

/** The result of decodePfn: fields read at once, the rest computed on first access (same values as plain fields). */
class DecodedWord implements DecodedPfn {
  readonly raw: bigint;
  readonly layout: PfnLayout;
  readonly flags: readonly string[];
  readonly value: LegacyValue | undefined;
  readonly order: number;
  readonly #pageSize: number;
  /** problems about the input itself (out of range, odd page size); undefined when none */
  readonly #inputProblems: string[] | undefined;
  #pfn: bigint | undefined;
  #text: Explained | undefined;

  constructor(raw: bigint, layout: PfnLayout, flags: readonly string[], value: LegacyValue | undefined, order: number,
    pageSize: number, inputProblems: string[] | undefined) {
    this.raw = raw;
    this.layout = layout;
    this.flags = flags;
    this.value = value;
    this.order = order;
    this.#pageSize = pageSize;
    this.#inputProblems = inputProblems;
    this.#pfn = undefined;
    this.#text = undefined;
  }

  get pfn(): bigint {
    let p = this.#pfn;
    if (p === undefined) {
      const l = this.layout;
      p = this.value !== undefined ? 0n : l.era === 'legacy' ? (this.raw >> BigInt(l.pfnShift)) & l.pfnMask : this.raw & l.pfnMask;
      this.#pfn = p;
    }
    return p;
  }

  get physAddr(): bigint {
    return this.value !== undefined ? 0n : this.pfn * BigInt(this.#pageSize);
  }

  get mappingSize(): bigint {
    return BigInt(this.#pageSize) << BigInt(this.order);
  }

  get meaning(): string {
    return this.#explained().meaning;
  }

  get problems(): readonly string[] {
    return this.#explained().problems;
  }

  #explained(): Explained {
    let t = this.#text;
    if (t === undefined) {
      t = explainPfn(this.raw, this.layout, this.#pageSize, this.flags, this.#inputProblems ? this.#inputProblems.slice() : []);
      this.#text = t;
    }
    return t;
  }

  /** Every field as a plain object (JSON.stringify, logging): the getters do not survive a copy otherwise. */
  toJSON(): DecodedPfn {
    const { raw, layout, flags, value, pfn, physAddr, order, mappingSize, meaning, problems } = this;
    return value !== undefined
      ? { raw, layout, flags, value, pfn, physAddr, order, mappingSize, meaning, problems }
      : { raw, layout, flags, pfn, physAddr, order, mappingSize, meaning, problems };
  }
}

function isPageSize(pageSize: number): boolean {
  return pageSize > 0 && Number.isInteger(pageSize) && (pageSize & (pageSize - 1)) === 0;
}

/** Flags of a word for layouts with more flags than a combination code holds (custom layouts only). */
function flagsSlow(word: bigint, layout: PfnLayout): string[] {
  const out: string[] = [];
  for (const f of layout.flags) if (f.mask !== 0n && (word & f.mask) === f.mask) out.push(f.name);
  return out;
}

function legacyValueOf(t: DecodeTables, lo: number, hi: number): LegacyValue | undefined {
  // hmm_device_entry_to_page(): whole-word values are compared first, in this order: NONE, ERROR, SPECIAL.
  const n = t.none, e = t.error, s = t.special;
  if (n !== undefined && n.lo === lo && n.hi === hi) return 'NONE';
  if (e !== undefined && e.lo === lo && e.hi === hi) return 'ERROR';
  if (s !== undefined && s.lo === lo && s.hi === hi) return 'SPECIAL';
  return undefined;
}

const NO_FLAGS: readonly string[] = Object.freeze([]);

/** Side results of readWord (module scratch, so a decode allocates no tuple). */
let wordValue: LegacyValue | undefined;
let wordOrder = 0;

/** Flags of a u64 `word`; its legacy value and order are left in wordValue / wordOrder. */
function readWord(word: bigint, layout: PfnLayout): readonly string[] {
  const t = decodeTables(layout);
  WORD[0] = word;
  const lo = HALVES[LO], hi = HALVES[HI];
  wordValue = undefined;
  wordOrder = 0;
  if (t.legacy) {
    const value = legacyValueOf(t, lo, hi);
    if (value !== undefined) {
      wordValue = value;
      return NO_FLAGS;
    }
  } else if (t.orderShiftHi >= 0) {
    wordOrder = (hi >>> t.orderShiftHi) & t.orderMask;
  } else if (t.orderSlow) {
    const o = layout.order!;
    wordOrder = Number((word >> BigInt(o.shift)) & ((1n << BigInt(o.bits)) - 1n));
  }
  const w = t.window;
  if (w !== undefined) return w.table[((w.high ? hi : lo) >>> w.shift) & w.mask];
  return t.count <= 30 ? flagNames(t, flagCode(t, lo, hi)) : flagsSlow(word, layout);
}

/** Decode one u64 word with `layout`. `pageSize` (default 4096) gives the physical address and mapping size. */
export function decodePfn(raw: bigint, layout: PfnLayout, pageSize = 4096): DecodedPfn {
  let inputProblems: string[] | undefined;
  let word = raw;
  if (raw < 0n || raw > U64_MASK) {
    inputProblems = [`${raw} does not fit in a u64; decoded its low 64 bits`];
    word = raw & U64_MASK;
  }
  if (pageSize !== 4096 && !isPageSize(pageSize)) {
    (inputProblems ??= []).push(`page size ${pageSize} is not a power of two; used 4096`);
    pageSize = 4096;
  }
  const flags = readWord(word, layout);
  return new DecodedWord(word, layout, flags, wordValue, wordOrder, pageSize, inputProblems);
}

/** The fields of a decode without the text (for bulk callers): flags, legacy value, pfn and order of a u64 word. */
export interface PfnWordFields {
  readonly flags: readonly string[];
  readonly value?: LegacyValue;
  readonly pfn: bigint;
  readonly order: number;
}

/**
 * Flags, legacy value, pfn and order of `raw` (reduced to u64) under `layout`: the same values as decodePfn's fields,
 * as a plain object, with no meaning or problems. The flags array is shared between words: do not mutate it.
 */
export function decodeFields(raw: bigint, layout: PfnLayout): PfnWordFields {
  const word = raw < 0n || raw > U64_MASK ? raw & U64_MASK : raw;
  const flags = readWord(word, layout);
  if (wordValue !== undefined) return { flags, value: wordValue, pfn: 0n, order: 0 };
  const pfn = layout.era === 'legacy' ? (word >> BigInt(layout.pfnShift)) & layout.pfnMask : word & layout.pfnMask;
  return { flags, pfn, order: wordOrder };
}

/** One line: `VALID WRITE pfn=0x1234 order=9 [layout v6.16]`; legacy values print as their name. */
export function formatDecoded(d: DecodedPfn): string {
  const parts: string[] = [];
  if (d.value) parts.push(d.value);
  else {
    parts.push(d.flags.length > 0 ? d.flags.join(' ') : '0');
    parts.push(`pfn=${hex(d.pfn)}`);
    if (d.order > 0) parts.push(`order=${d.order}`);
  }
  if (d.problems.length > 0) parts.push(`(${d.problems.length} problem${d.problems.length > 1 ? 's' : ''}: ${d.problems[0]})`);
  const p = d.layout.profile;
  const tag = p && p.source === 'default' ? `${d.layout.id}, default ${p.name} profile: no legacy profile given` : d.layout.id;
  parts.push(`[layout ${tag}]`);
  return parts.join(' ');
}


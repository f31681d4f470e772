/**
 * checkExpect's fast path (src/core/scenario/expect-fast.ts): pages are tested on raw words with a mask/value pair
 * per distinct entry and decoded only on mismatch. Pinned here: the result (ok, every mismatch and its message) is
 * identical to comparing every page exactly, on every layout, for random entries and words near and far from
 * matching; and a 262,144-page check is fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkExpect, compareEntry, entryTextOf, MAX_LISTED_MISMATCHES, type PfnInfo } from '../../src/core/scenario/expect';
import { fastEntry, pagesToCompare } from '../../src/core/scenario/expect-fast';
import { decodePfn, encodePfn, formatDecoded, listLayouts, resolveLayout, type PfnLayout } from '../../src/core/layouts';
import type { ExpectedEntry, WalkStep } from '../../src/core/scenario/ast';
import type { WalkMismatch, WalkResult } from '../../src/core/scenario/result';
import { HUGE_ZERO_PFN, ZERO_PFN } from '../../src/core/mm/phys';
import { runScenarioText } from '../../src/core/index';

const START = 0x7f0000000000n;
const POS = { line: 3, col: 5, endLine: 3, endCol: 9 };
const U64 = (1n << 64n) - 1n;
const info: PfnInfo = { zeroPfn: BigInt(ZERO_PFN),
  deviceOf: (p) => (p >= 0x4000000n && p < 0x5000000n ? 'gpu0' : p >= 0x5000000n && p < 0x6000000n ? 'gpu1' : undefined) };

/** Custom legacy tables the fast path must not get wrong: flags inside the pfn field, multi-bit masks, values that look like flags. */
function customLayout(spec: { flags: { VALID: bigint; WRITE: bigint; DEVICE_PRIVATE?: bigint }; values: { ERROR: bigint; NONE: bigint; SPECIAL?: bigint }; pfnShift: number }): PfnLayout {
  const r = resolveLayout('v5.6', { ...spec, pos: POS });
  assert.ok(r.layout, r.problems.map((p) => p.message).join('; '));
  return r.layout;
}
const LAYOUTS: PfnLayout[] = [
  ...listLayouts(),
  customLayout({ flags: { VALID: 1n, WRITE: 2n, DEVICE_PRIVATE: 4n }, values: { ERROR: 3n, NONE: 0n, SPECIAL: 1n << 63n }, pfnShift: 3 }),
  customLayout({ flags: { VALID: 3n, WRITE: 4n }, values: { ERROR: 0xffn, NONE: 8n }, pfnShift: 6 }),
  customLayout({ flags: { VALID: 1n << 40n, WRITE: 2n }, values: { ERROR: U64, NONE: 0n, SPECIAL: 5n }, pfnShift: 2 }),
  // masks that share bits (VALID's contains WRITE's) and flags inside the pfn field: accepted with warnings
  customLayout({ flags: { VALID: 3n, WRITE: 2n }, values: { ERROR: 0x10n, NONE: 0n }, pfnShift: 6 }),
  customLayout({ flags: { VALID: 1n, WRITE: 2n }, values: { ERROR: 0x10n, NONE: 4n }, pfnShift: 0 }),
  // a two-bit WRITE: a word with one of its bits shows VALID alone, though (word & F) !== M
  customLayout({ flags: { VALID: 1n, WRITE: 6n }, values: { ERROR: 0x10n, NONE: 0n }, pfnShift: 4 }),
];

/** The comparison before the fast path: every page decoded and compared (the reference). */
function exactCheck(entries: readonly ExpectedEntry[], pfns: BigUint64Array, layout: PfnLayout): WalkResult['expect'] {
  const mismatches: WalkMismatch[] = [];
  let more = 0;
  for (let i = 0; i < pfns.length; i++) {
    const e = entries[i];
    const address = START + BigInt(i) * 4096n;
    const d = decodePfn(pfns[i], layout, 4096);
    const why = compareEntry(e, pfns[i], d, layout, info);
    if (why.length === 0) continue;
    if (mismatches.length >= MAX_LISTED_MISMATCHES) { more++; continue; }
    const actual = entryTextOf(d, info, e.pfn !== undefined);
    const actualDecoded = formatDecoded(d);
    mismatches.push({ index: i, address, expected: e.text, actual, actualDecoded, pos: e.pos,
      message: `page ${i} at 0x${address.toString(16)}: expected ${e.text}, got ${actual} (${actualDecoded}): ${why.join('; ')}`, why: why.join('; ') });
  }
  if (more > 0) {
    const last = mismatches[mismatches.length - 1];
    mismatches[mismatches.length - 1] = { ...last,
      message: `${last.message}; ${more} more page${more === 1 ? '' : 's'} mismatch (only the first ${MAX_LISTED_MISMATCHES} are listed)` };
  }
  return { ok: mismatches.length === 0, retOk: true, mismatches, ...(more > 0 ? { total: mismatches.length + more } : {}) };
}

function walkOf(entries: readonly ExpectedEntry[]): WalkStep {
  return { op: 'walk', pos: POS, name: 'w', at: { kind: 'abs', value: START, pos: POS } as unknown as WalkStep['at'],
    pages: entries.length, mode: 'snapshot', input: [], sticky: [], retry: true, refill: false, during: [], expect: { pfns: entries, pos: POS } };
}

const PFNS = [0n, 1n, BigInt(ZERO_PFN), BigInt(HUGE_ZERO_PFN), 0x10000n, 0x4000005n, 0x5000000n, 0xfffffffffffffn, 1n << 60n];

/** An entry drawn from the layout's names, plus now and then a name it lacks or fields that cannot match. */
function entryArb(layout: PfnLayout): fc.Arbitrary<ExpectedEntry> {
  const names = [...layout.flags.map((f) => f.name), ...(layout.values ? ['ERROR', 'NONE', 'SPECIAL'] : []), 'DEVICE_PRIVATE', 'BOGUS'];
  return fc.record({
    flags: fc.uniqueArray(fc.constantFrom(...names), { maxLength: 3 }),
    order: fc.option(fc.oneof(fc.constantFrom(0, 9, 18), fc.nat({ max: 40 })), { nil: undefined }),
    pfn: fc.option(fc.oneof(fc.constantFrom(...PFNS), fc.bigInt({ min: 0n, max: (1n << 56n) })), { nil: undefined, freq: 3 }),
    zero: fc.option(fc.boolean(), { nil: undefined, freq: 3 }),
    dev: fc.option(fc.constantFrom('gpu0', 'gpu1'), { nil: undefined, freq: 3 }),
  }).map((r) => {
    const text = [...r.flags, ...(r.order !== undefined ? [`order=${r.order}`] : []), ...(r.pfn !== undefined ? [`pfn=0x${r.pfn.toString(16)}`] : []),
      ...(r.zero ? ['zero'] : []), ...(r.dev ? [`dev=${r.dev}`] : [])].join(' ') || 'NONE';
    const e: ExpectedEntry = { flags: r.flags, text, pos: POS, ...(r.order !== undefined ? { order: r.order } : {}),
      ...(r.pfn !== undefined ? { pfn: r.pfn } : {}), ...(r.zero ? { zero: true } : {}), ...(r.dev ? { dev: r.dev } : {}) };
    return e;
  });
}

/** A word for an entry: encoded to match it (when it can be), then maybe disturbed; or any word; or a legacy value. */
function wordFor(e: ExpectedEntry, layout: PfnLayout, how: number, bit: number, other: bigint): bigint {
  if (how === 0) return other & U64;
  if (how === 1 && layout.values) return [layout.values.NONE, layout.values.ERROR, layout.values.SPECIAL ?? 0n][bit % 3];
  const flags = e.flags.filter((f) => layout.flags.some((d) => d.name === f));
  const value = e.flags.find((f) => f === 'ERROR' || f === 'NONE' || f === 'SPECIAL') as 'ERROR' | 'NONE' | 'SPECIAL' | undefined;
  let pfn = e.pfn ?? (e.zero ? info.zeroPfn : e.dev === 'gpu0' ? 0x4000007n : e.dev === 'gpu1' ? 0x5000001n : other & 0xffffn);
  pfn &= layout.pfnMask;
  let w: bigint;
  try {
    const order = layout.order ? (e.order ?? 0) & ((1 << layout.order.bits) - 1) : 0;
    w = encodePfn({ flags, pfn, order, ...(layout.era === 'legacy' && value ? { value } : {}) }, layout);
  } catch {
    w = other & U64;
  }
  if (how === 2) w ^= 1n << BigInt(bit); // one bit off
  return w & U64;
}

test('fast path = exact comparison: same ok, mismatches and messages on every layout (property)', () => {
  fc.assert(fc.property(
    fc.nat({ max: LAYOUTS.length - 1 }).chain((li) => fc.tuple(fc.constant(li),
      fc.array(entryArb(LAYOUTS[li]), { minLength: 1, maxLength: 4 }),
      fc.array(fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 7 }), fc.nat({ max: 63 }), fc.bigInt({ min: 0n, max: U64 })), { minLength: 1, maxLength: 40 }))),
    ([li, distinct, pages]) => {
      const layout = LAYOUTS[li];
      // pages share entry objects, as `*N` repeats do
      const entries = pages.map(([k]) => distinct[k % distinct.length]);
      const words = BigUint64Array.from(pages.map(([k, how, bit, other]) => wordFor(distinct[k % distinct.length], layout, how > 3 ? 3 : how, bit, other)));
      const got = checkExpect(walkOf(entries), 0, words, START, 4096, layout, info);
      assert.deepEqual(got, exactCheck(entries, words, layout));
    }), { seed: 20261125, numRuns: 3000 });
});

test('a word the fast test accepts matches, one it is sure about mismatches (per entry, against compareEntry)', () => {
  fc.assert(fc.property(
    fc.nat({ max: LAYOUTS.length - 1 }).chain((li) => fc.tuple(fc.constant(li), entryArb(LAYOUTS[li]), fc.nat({ max: 3 }), fc.nat({ max: 63 }), fc.bigInt({ min: 0n, max: U64 }))),
    ([li, e, how, bit, other]) => {
      const layout = LAYOUTS[li];
      const base = wordFor(e, layout, how === 2 ? 3 : how, bit, other);
      // the word and each of its 64 one-bit neighbours
      const words = BigUint64Array.from([base, ...Array.from({ length: 64 }, (_, b) => base ^ (1n << BigInt(b)))]);
      const r = pagesToCompare(Array.from(words, () => e), words, layout, info);
      const sure = new Map(r.index.map((i, k) => [i, r.sure[k]]));
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        const why = compareEntry(e, w, decodePfn(w, layout), layout, info);
        if (!sure.has(i)) assert.deepEqual(why, [], `${layout.id} ${e.text} 0x${w.toString(16)}: accepted, but mismatches`);
        if (sure.get(i)) assert.notDeepEqual(why, [], `${layout.id} ${e.text} 0x${w.toString(16)}: sure to mismatch, but matches`);
      }
    }), { seed: 7, numRuns: 1500 });
});

test('common entries take the fast path (they are not all sent to the exact comparison)', () => {
  const v616 = LAYOUTS.find((l) => l.id === 'v6.16')!;
  const amd = LAYOUTS.find((l) => l.id === 'legacy:amdgpu')!;
  const e = (text: string, extra: Partial<ExpectedEntry> = {}): ExpectedEntry => ({ flags: text ? text.split(' ') : [], text: text || 'NONE', pos: POS, ...extra });
  for (const [layout, entry] of [[v616, e('VALID WRITE')], [v616, e('')], [v616, e('VALID', { zero: true })], [v616, e('VALID', { order: 9 })],
    [v616, e('VALID WRITE', { pfn: 0x1234n })], [v616, e('VALID WRITE', { dev: 'gpu0' })], [v616, e('ERROR')],
    [amd, e('VALID WRITE')], [amd, e('NONE')], [amd, e('ERROR')], [amd, e('VALID', { zero: true })]] as const) {
    assert.equal(fastEntry(entry, layout, info).slow, false, `${layout.id} ${entry.text}`);
  }
  // a flag the layout does not have can never match: compared exactly (and reported)
  assert.equal(fastEntry(e('VALID DEVICE_PRIVATE'), v616, info).slow, true);
});

test('`zero` is the 4 KiB zero page only: a huge zero page pfn is not `zero` (test_hmm dmirror_mkentry uses is_zero_pfn)', () => {
  const v616 = LAYOUTS.find((l) => l.id === 'v6.16')!;
  const V = 1n << 63n;
  const entry: ExpectedEntry = { flags: ['VALID'], zero: true, text: 'VALID zero', pos: POS };
  const ok = checkExpect(walkOf([entry]), 0, BigUint64Array.of(V | BigInt(ZERO_PFN)), START, 4096, v616, info);
  assert.deepEqual(ok, { ok: true, retOk: true, mismatches: [] });
  const huge = checkExpect(walkOf([entry]), 0, BigUint64Array.of(V | BigInt(HUGE_ZERO_PFN)), START, 4096, v616, info);
  assert.equal(huge?.ok, false);
  assert.equal(huge?.mismatches[0].message,
    `page 0 at 0x7f0000000000: expected VALID zero, got VALID (VALID pfn=0x${HUGE_ZERO_PFN.toString(16)} [layout v6.16]): pfn 0x${HUGE_ZERO_PFN.toString(16)} is not the zero page (0x${ZERO_PFN.toString(16)})`);
});

test('262,144 matching pages (entries repeated with *N) are checked in well under a second', () => {
  const v616 = LAYOUTS.find((l) => l.id === 'v6.16')!;
  const n = 262_144;
  const V = 1n << 63n;
  const W = 1n << 62n;
  const rw: ExpectedEntry = { flags: ['VALID', 'WRITE'], text: 'VALID WRITE', pos: POS };
  const zero: ExpectedEntry = { flags: ['VALID'], zero: true, text: 'VALID zero', pos: POS };
  const entries = Array.from({ length: n }, (_, i) => (i % 2 ? zero : rw));
  const words = new BigUint64Array(n);
  for (let i = 0; i < n; i++) words[i] = i % 2 ? V | BigInt(ZERO_PFN) : V | W | BigInt(0x10000 + i);
  words[1000] = V | 0x10000n; // one mismatch (the zero entry)
  const w = walkOf(entries);
  checkExpect(w, 0, words, START, 4096, v616, info); // warm up
  const r = checkExpect(w, 0, words, START, 4096, v616, info);
  assert.equal(r?.mismatches.length, 1);
  assert.equal(r?.mismatches[0].index, 1000);
});

test('through the runner: `zero` matches 4 KiB zero-page reads, not a huge zero page PMD (pfn 0x2000 + i)', () => {
  const text = `hmm: 1
kernel: v6.16
steps:
  - mmap: { name: h, at: 0x7f0000000000, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - read: { at: h }
  - mmap: { name: s, at: 0x7f0000400000, pages: 2, prot: rw }
  - read: { at: s, pages: 2 }
  - walk: { name: huge-as-zero, at: h, pages: 512, expect: { pfns: [VALID zero order=9 *512] } }
  - walk: { name: huge-by-pfn, at: h, pages: 512, expect: { pfns: ["VALID order=9 pfn=0x${HUGE_ZERO_PFN.toString(16)}", VALID order=9 *511] } }
  - walk: { name: small, at: s, pages: 2, expect: { pfns: [VALID zero *2] } }
`;
  const r = runScenarioText(text, 'z.hmm.yaml');
  assert.deepEqual(r.diagnostics, []);
  const [huge, byPfn, small] = r.result!.walks;
  assert.equal(huge.expect?.ok, false);
  assert.equal(huge.expect?.mismatches.length, 512);
  assert.equal(huge.expect?.mismatches[1].message, 'page 1 at 0x7f0000001000: expected VALID zero order=9, got VALID order=9 '
    + `(VALID pfn=0x${(HUGE_ZERO_PFN + 1).toString(16)} order=9 [layout v6.16]): pfn 0x${(HUGE_ZERO_PFN + 1).toString(16)} is not the zero page (0x${ZERO_PFN.toString(16)})`);
  assert.equal(byPfn.expect?.ok, true);
  assert.equal(small.expect?.ok, true);
});

test('more than 1000 mismatching pages: the same list and "N more" count as the exact comparison, on every layout', () => {
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
  for (const layout of LAYOUTS) {
    const entries = fc.sample(entryArb(layout), { numRuns: 6, seed: 99 });
    const n = 3000;
    const pageEntries = Array.from({ length: n }, (_, i) => entries[i % entries.length]);
    const words = BigUint64Array.from(pageEntries.map((e, i) =>
      wordFor(e, layout, rnd() % 4, rnd() % 64, (BigInt(rnd()) << 33n) ^ BigInt(rnd()) ^ BigInt(i))));
    assert.deepEqual(checkExpect(walkOf(pageEntries), 0, words, START, 4096, layout, info), exactCheck(pageEntries, words, layout), layout.id);
  }
});

test('262,144 mismatching pages: the first 1000 are decoded, the rest only counted', () => {
  const v616 = LAYOUTS.find((l) => l.id === 'v6.16')!;
  const n = 262_144;
  const rw: ExpectedEntry = { flags: ['VALID', 'WRITE'], text: 'VALID WRITE', pos: POS };
  const entries = new Array<ExpectedEntry>(n).fill(rw);
  const words = new BigUint64Array(n).fill((1n << 63n) | 0x10000n); // read-only: WRITE missing everywhere
  checkExpect(walkOf(entries.slice(0, 2000)), 0, words.subarray(0, 2000), START, 4096, v616, info); // warm up
  const r = checkExpect(walkOf(entries), 0, words, START, 4096, v616, info);
  assert.equal(r?.mismatches.length, MAX_LISTED_MISMATCHES);
  assert.match(r!.mismatches[MAX_LISTED_MISMATCHES - 1].message, new RegExp(`; ${n - MAX_LISTED_MISMATCHES} more pages mismatch \\(only the first 1000 are listed\\)$`));
});

/**
 * Property tests (fast-check, fixed seed) for every layout:
 *   encode(decode(x)) == x for well-formed words x (words hmm_range_fault or the hmm_dma_* helpers can leave),
 *   decode(encode(f)) == f for all fields that fit the layout,
 *   decodeFlagsBulk agrees with decodePfn on arbitrary u64 words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodePfn, encodePfn, listLayouts, legacyLayout, decodeFlagsBulk, bulkCodeFlags, bulkCodeOrder, findFlag,
  type PfnLayout,
} from '../../src/core/layouts/index';

const SEED = 20261125;
const RUNS = 400;
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** pfns a 52-bit physical address space can hold with 4 KiB pages */
const realPfn = fc.bigInt({ min: 0n, max: (1n << 40n) - 1n });

function bitOf(l: PfnLayout, name: string): bigint {
  return findFlag(l, name)?.mask ?? 0n;
}

/** Well-formed words of a modern layout. */
function modernWords(l: PfnLayout): fc.Arbitrary<bigint> {
  const V = bitOf(l, 'VALID'), W = bitOf(l, 'WRITE'), E = bitOf(l, 'ERROR');
  const D = bitOf(l, 'DMA_MAPPED'), P = bitOf(l, 'P2PDMA'), PB = bitOf(l, 'P2PDMA_BUS'), DP = bitOf(l, 'DEVICE_PRIVATE');
  const sticky = D === 0n ? fc.constant(0n) : fc.constantFrom(0n, D, D | P, D | PB);
  const maxOrder = l.order ? 22 : 0; // 4 KiB << 22 = 16 GiB, the largest Linux mapping
  const order = fc.integer({ min: 0, max: maxOrder }).map((o) => (l.order ? BigInt(o) << BigInt(l.order.shift) : 0n));
  const valid = fc.tuple(realPfn, fc.boolean(), fc.boolean(), order, sticky)
    .map(([pfn, w, dp, o, s]) => V | (w ? W : 0n) | (dp ? DP : 0n) | pfn | o | s);
  const notValid = fc.tuple(realPfn, order, sticky).map(([pfn, o, s]) => pfn | o | s); // 0, protnone, empty hugetlb
  const error = sticky.map((s) => E | s);
  return fc.oneof(valid, notValid, error);
}

/** Well-formed words of a legacy layout: its values, or VALID page words with known flags. */
function legacyWords(l: PfnLayout): fc.Arbitrary<bigint> {
  const vals = Object.values(l.values ?? {}) as bigint[];
  const others = l.flags.filter((f) => f.name !== 'VALID').map((f) => f.mask);
  const page = fc.tuple(realPfn, fc.subarray(others)).map(([pfn, fl]) =>
    (pfn << BigInt(l.pfnShift)) | bitOf(l, 'VALID') | fl.reduce((a, m) => a | m, 0n));
  return fc.oneof(fc.constantFrom(...vals), page);
}

function fieldsOf(x: bigint, l: PfnLayout) {
  const d = decodePfn(x, l);
  return { d, f: { flags: d.flags, pfn: d.pfn, order: d.order, value: d.value } };
}

const layouts = listLayouts();

for (const l of layouts) {
  test(`${l.id}: encode(decode(x)) == x for well-formed words, with no problems reported`, () => {
    const words = l.era === 'modern' ? modernWords(l) : legacyWords(l);
    fc.assert(fc.property(words, (x) => {
      const { d, f } = fieldsOf(x, l);
      assert.deepEqual(d.problems, [], `0x${x.toString(16)}: ${d.problems.join('; ')}`);
      assert.equal(encodePfn(f, l), x);
    }), { seed: SEED, numRuns: RUNS });
  });

  test(`${l.id}: decode(encode(f)) == f for every field combination that fits`, () => {
    const maxOrder = l.order ? (1 << l.order.bits) - 1 : 0;
    const nonValue = l.era === 'legacy'
      // legacy page words always carry flags[VALID] (hmm_device_entry_from_pfn), which keeps them off the values
      ? fc.tuple(fc.subarray(l.flags.filter((f) => f.name !== 'VALID').map((f) => f.name)), fc.bigInt({ min: 0n, max: l.pfnMask }))
        .map(([fl, pfn]) => ({ flags: ['VALID', ...fl], pfn, order: 0 }))
      : fc.tuple(fc.subarray(l.flags.map((f) => f.name)), fc.bigInt({ min: 0n, max: l.pfnMask }), fc.integer({ min: 0, max: maxOrder }))
        .map(([flags, pfn, order]) => ({ flags, pfn, order }));
    fc.assert(fc.property(nonValue, (f) => {
      const x = encodePfn(f, l);
      const d = decodePfn(x, l);
      const ordered = l.flags.map((g) => g.name).filter((n) => f.flags.includes(n));
      assert.deepEqual({ flags: d.flags, pfn: d.pfn, order: d.order, value: d.value },
        { flags: ordered, pfn: f.pfn, order: f.order, value: undefined });
    }), { seed: SEED, numRuns: RUNS });
  });

  test(`${l.id}: decodeFlagsBulk agrees with decodePfn on any u64`, () => {
    fc.assert(fc.property(fc.array(u64, { minLength: 1, maxLength: 40 }), (xs) => {
      const arr = BigUint64Array.from(xs);
      const codes = decodeFlagsBulk(arr, l);
      xs.forEach((x, i) => {
        const d = decodePfn(x, l);
        assert.deepEqual(bulkCodeFlags(codes[i], l), d.value ? [d.value] : d.flags, `0x${x.toString(16)}`);
        assert.equal(bulkCodeOrder(codes[i]), d.order);
      });
    }), { seed: SEED, numRuns: 100 });
  });
}

test('custom legacy profiles round-trip too (random single-bit tables below pfn_shift)', () => {
  const table = fc.tuple(fc.integer({ min: 4, max: 16 }), fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }))
    .map(([shift, [v, w, dp]]) => ({ shift, v: 1n << BigInt(v), w: 1n << BigInt(w), dp: 1n << BigInt(dp) }));
  fc.assert(fc.property(table, realPfn, fc.boolean(), fc.boolean(), (t, pfn, wr, dpriv) => {
    // values with VALID clear so page words cannot collide with them
    const l = legacyLayout({ flags: { VALID: t.v, WRITE: t.w, DEVICE_PRIVATE: t.dp },
      values: { ERROR: (1n << 64n) - 1n - t.v, NONE: 0n, SPECIAL: (1n << 64n) - 1n - t.v }, pfnShift: t.shift },
    { name: 'custom', source: 'custom', doc: 'test' }, '4.17');
    const f = { flags: ['VALID', ...(wr ? ['WRITE'] : []), ...(dpriv ? ['DEVICE_PRIVATE'] : [])], pfn, order: 0 };
    const x = encodePfn(f, l);
    const d = decodePfn(x, l);
    assert.deepEqual(d.problems, []);
    assert.deepEqual({ flags: d.flags, pfn: d.pfn }, { flags: f.flags, pfn });
    assert.equal(encodePfn({ flags: d.flags, pfn: d.pfn }, l), x);
  }), { seed: SEED, numRuns: RUNS });
});

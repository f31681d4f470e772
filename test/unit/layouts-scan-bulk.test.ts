/**
 * scanPfnWords (bulk scanner: typed arrays, no object or bigint per hit) finds exactly the hits of scanPfnValues,
 * and both agree with an independent oracle written from the documented rules: a hit is a maximal run of word
 * characters ([0-9A-Za-z_]) that is `0x`/`0X` + 1–16 hex digits (single `_` between digits) + an optional C suffix,
 * or exactly 16 hex digits. Speed is measured by `npm run bench -- log`, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFlagsBulk, decodePfn, bulkCodeFlags, layoutForKernel, scanPfnValues, scanPfnWords } from '../../src/core/layouts';

interface Hit { index: number; length: number; value: bigint }

const LITERAL = /^0x[0-9a-f](?:_?[0-9a-f])*(?:u|l|ul|lu|ll|ull|llu)?$/i;
const BARE = /^[0-9a-f]{16}$/i;

/** The rules, read naively: split into maximal word runs and test each whole run. */
function oracle(text: string, max = 100000): Hit[] {
  const out: Hit[] = [];
  for (const m of text.matchAll(/[0-9A-Za-z_]+/g)) {
    if (out.length >= max) break;
    const w = m[0];
    let digits: string | undefined;
    if (BARE.test(w)) digits = w;
    else if (LITERAL.test(w)) {
      digits = w.slice(2).replace(/_/g, '').replace(/[ul]+$/i, '');
      if (digits.length > 16) digits = undefined;
    }
    if (digits !== undefined) out.push({ index: m.index, length: w.length, value: BigInt('0x' + digits) });
  }
  return out;
}

function wordsAsHits(text: string, max?: number): Hit[] {
  const r = scanPfnWords(text, max === undefined ? {} : { maxResults: max });
  assert.equal(r.index.length, r.count);
  assert.equal(r.length.length, r.count);
  assert.equal(r.words.length, r.count);
  const out: Hit[] = [];
  for (let k = 0; k < r.count; k++) out.push({ index: r.index[k], length: r.length[k], value: r.words[k] });
  return out;
}

function objectsAsHits(text: string, max?: number): Hit[] {
  return scanPfnValues(text, max === undefined ? {} : { maxResults: max }).map(({ index, length, value }) => ({ index, length, value }));
}

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Log-like fragments heavy in the characters the rules care about. */
const fragment = fc.oneof(
  fc.constantFrom('0x', '0X', 'x', '_', 'u', 'l', 'U', 'L', 'll', 'ull', 'LLU', 'g', 'z', ' ', ' ', '=', ',', '[', ']',
    '\n', ':', 'é', '\u{1F600}', 'pfn', 'hmm_range_fault', '0'),
  hexDigit,
  u64.map((v) => '0x' + v.toString(16)),
  u64.map((v) => ' 0x' + v.toString(16).padStart(16, '0') + 'UL '),
  u64.map((v) => ' ' + v.toString(16).padStart(16, '0') + ' '),
  u64.map((v) => '0x' + v.toString(16).padStart(16, '0').replace(/(....)(?=.)/g, '$1_')),
  fc.array(hexDigit, { minLength: 14, maxLength: 18 }).map((a) => a.join('')),
);
const logText = fc.array(fragment, { maxLength: 120 }).map((a) => a.join(''));

test('scanPfnWords = scanPfnValues = the rules, on random log-like text (fixed seed)', () => {
  fc.assert(fc.property(logText, (text) => {
    const expected = oracle(text);
    assert.deepEqual(wordsAsHits(text), expected);
    assert.deepEqual(objectsAsHits(text), expected);
  }), { seed: 0x5ca2b01c, numRuns: 3000 });
});

test('scanPfnWords with maxResults: the first hits only, same as scanPfnValues', () => {
  fc.assert(fc.property(logText, fc.integer({ min: 0, max: 12 }), (text, max) => {
    const expected = oracle(text, max);
    assert.deepEqual(wordsAsHits(text, max), expected);
    assert.deepEqual(objectsAsHits(text, max), expected);
  }), { seed: 0x6d6178, numRuns: 1000 });
});

test('scanPfnWords edge cases: suffixes, underscores, 16-digit words, word boundaries, u64 extremes', () => {
  const text = 'hmm: pfns[0]=0x8000000000001234UL, [1]=0x4000_0000_0000_0001 err=0x2000000000000000ull '
    + 'dump c120000000001234 id=abc0x12 0x1g 0x12345678901234567 deadbeefdeadbeefz 0X1f LLU=0x5llu '
    + 'ffffffffffffffff 0xffffffffffffffffLu 0x0000000000000000 0x1_ 0x_1 0x1__2 0x1u_ 0x7lul 0x9Ull 0x3lL '
    + '123456789abcdef 123456789abcdef01 _0123456789abcdef 0123456789abcdef_ é0123456789ABCDEFé';
  const got = wordsAsHits(text).map((h) => [text.slice(h.index, h.index + h.length), h.value]);
  assert.deepEqual(got, [
    ['0x8000000000001234UL', 0x8000000000001234n],
    ['0x4000_0000_0000_0001', 0x4000000000000001n],
    ['0x2000000000000000ull', 0x2000000000000000n],
    ['c120000000001234', 0xc120000000001234n],
    ['0X1f', 0x1fn],
    ['0x5llu', 5n],
    ['ffffffffffffffff', 0xffffffffffffffffn],
    ['0xffffffffffffffffLu', 0xffffffffffffffffn],
    ['0x0000000000000000', 0n],
    ['0x9Ull', 9n],
    ['0x3lL', 3n],
    ['0123456789ABCDEF', 0x0123456789abcdefn],
  ]);
  assert.deepEqual(wordsAsHits(text), objectsAsHits(text));
  assert.deepEqual(wordsAsHits(text), oracle(text));
  // the text's edges count as boundaries
  assert.deepEqual(wordsAsHits('0123456789abcdef'), [{ index: 0, length: 16, value: 0x0123456789abcdefn }]);
  assert.deepEqual(wordsAsHits('0x1'), [{ index: 0, length: 3, value: 1n }]);
  assert.deepEqual(wordsAsHits(''), []);
  const empty = scanPfnWords('no values here');
  assert.equal(empty.count, 0);
  assert.equal(empty.words.length, 0);
});

test('scanPfnWords: maxResults 0 and the default cap of 100000; growth past the first buffer', () => {
  const many = ' 0x1'.repeat(100_010);
  assert.equal(scanPfnWords(many, { maxResults: 0 }).count, 0);
  const capped = scanPfnWords(many);
  assert.equal(capped.count, 100_000);
  assert.equal(capped.index[99_999], 4 * 99_999 + 1);
  const all = scanPfnWords(many, { maxResults: Number.MAX_SAFE_INTEGER });
  assert.equal(all.count, 100_010);
  assert.ok(all.words.every((w) => w === 1n));
  assert.deepEqual(scanPfnWords(many, { maxResults: 3 }).count, 3);
});

test('scanPfnWords + decodeFlagsBulk decode every hit as decodePfn does', () => {
  const layout = layoutForKernel('latest');
  const text = fc.sample(logText, { seed: 42, numRuns: 200 }).join('\n');
  const r = scanPfnWords(text, { maxResults: Number.MAX_SAFE_INTEGER });
  assert.ok(r.count > 100);
  const codes = decodeFlagsBulk(r.words, layout);
  assert.equal(codes.length, r.count);
  for (let k = 0; k < r.count; k++) {
    const d = decodePfn(r.words[k], layout);
    assert.deepEqual(bulkCodeFlags(codes[k], layout), d.flags.filter((f) => layout.flags.some((g) => g.name === f)));
  }
});

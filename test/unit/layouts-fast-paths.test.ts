/**
 * The fast paths of the layouts module against plain reference code:
 *  - decodePfn's lazily computed fields and decodeFields agree with bigint arithmetic on any u64, every layout;
 *  - scanPfnValues (regex prefix search + probing every 16th character) finds exactly what a one-character-at-a-time
 *    reference scanner finds, on log-like text heavy in hex digits, `0x`, `_` and C suffixes.
 * Speed is measured by `npm run bench -- decode log`, not here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeFields, decodePfn, listLayouts, scanPfnValues, type DecodedPfn } from '../../src/core/layouts/index';

const SEED = 20261125;
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

function referenceFlags(x: bigint, l: DecodedPfn['layout']): string[] {
  return l.flags.filter((f) => f.mask !== 0n && (x & f.mask) === f.mask).map((f) => f.name);
}

for (const l of listLayouts()) {
  test(`${l.id}: decodePfn fields and decodeFields agree with bigint arithmetic on any u64`, () => {
    const v = l.values;
    const special = v ? [v.NONE, v.ERROR, ...(v.SPECIAL !== undefined ? [v.SPECIAL] : [])] : [];
    fc.assert(fc.property(fc.oneof(u64, ...(special.length ? [fc.constantFrom(...special)] : [])), (x) => {
      const d = decodePfn(x, l, 65536);
      const value = v ? (x === v.NONE ? 'NONE' : x === v.ERROR ? 'ERROR' : x === v.SPECIAL ? 'SPECIAL' : undefined) : undefined;
      const pfn = value ? 0n : l.era === 'legacy' ? (x >> BigInt(l.pfnShift)) & l.pfnMask : x & l.pfnMask;
      const order = l.order && !value ? Number((x >> BigInt(l.order.shift)) & ((1n << BigInt(l.order.bits)) - 1n)) : 0;
      assert.equal(d.value, value);
      assert.deepEqual(d.flags, value ? [] : referenceFlags(x, l));
      assert.equal(d.pfn, pfn);
      assert.equal(d.order, order);
      assert.equal(d.physAddr, pfn * 65536n);
      assert.equal(d.mappingSize, 65536n << BigInt(order));
      assert.equal(d.problems, d.problems, 'problems are computed once');
      const f = decodeFields(x, l);
      assert.deepEqual([f.flags, f.value, f.pfn, f.order], [d.flags, d.value, d.pfn, d.order]);
    }), { seed: SEED, numRuns: 2000 });
  });
}

test('decodePfn: flags arrays are shared per combination and frozen; toJSON carries every field', () => {
  const l = listLayouts().find((x) => x.id === 'v6.16')!;
  const a = decodePfn(0xc000000000001234n, l), b = decodePfn(0xc000000000005678n, l);
  assert.equal(a.flags, b.flags);
  assert.ok(Object.isFrozen(a.flags));
  const j = (a as unknown as { toJSON(): DecodedPfn }).toJSON();
  assert.deepEqual(Object.keys(j).sort(), ['flags', 'layout', 'mappingSize', 'meaning', 'order', 'pfn', 'physAddr', 'problems', 'raw']);
  assert.equal(j.meaning, a.meaning);
  assert.equal(j.pfn, 0x1234n);
  // input problems come first and survive the lazy text
  const big = decodePfn((1n << 64n) | 0x8000000000000001n, l, 3000);
  assert.equal(big.raw, 0x8000000000000001n);
  assert.match(big.problems[0], /does not fit in a u64; decoded its low 64 bits/);
  assert.match(big.problems[1], /page size 3000 is not a power of two; used 4096/);
  assert.equal(big.physAddr, 4096n);
});

/** The scanner's specification, one character at a time (the module's first implementation). */
function referenceScan(text: string, max = 100000): { index: number; length: number; value: bigint }[] {
  const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
  const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
  const at = (i: number) => (i < text.length ? text.charCodeAt(i) : -1);
  const suffix = (i: number) => {
    const lc = (k: number) => (at(i + k) < 0 ? 0 : at(i + k) | 0x20);
    if (lc(0) === 117) return lc(1) === 108 ? (lc(2) === 108 ? 3 : 2) : 1;
    if (lc(0) !== 108) return 0;
    const k = lc(1) === 108 ? 2 : 1;
    return lc(k) === 117 ? k + 1 : k;
  };
  const out: { index: number; length: number; value: bigint }[] = [];
  const n = text.length;
  let i = 0;
  while (i < n && out.length < max) {
    if ((i > 0 && isWord(at(i - 1))) || !isHex(at(i))) { i++; continue; }
    if (at(i) === 48 && (at(i + 1) | 0x20) === 120 && isHex(at(i + 2))) {
      let j = i + 2;
      let digits = '';
      while (j < n && digits.length <= 16) {
        if (isHex(at(j))) digits += text[j++];
        else if (at(j) === 95 && isHex(at(j + 1))) j++;
        else break;
      }
      if (digits.length > 16) {
        while (j < n && (isHex(at(j)) || at(j) === 95)) j++;
        i = j;
        continue;
      }
      const end = j + suffix(j);
      if (end < n && isWord(at(end))) {
        while (i < n && isWord(at(i))) i++;
        continue;
      }
      out.push({ index: i, length: end - i, value: BigInt('0x' + digits) });
      i = end;
      continue;
    }
    let j = i;
    while (j < n && j - i <= 16 && isHex(at(j))) j++;
    if (j - i === 16 && !isWord(at(j))) {
      out.push({ index: i, length: 16, value: BigInt('0x' + text.slice(i, j)) });
      i = j;
      continue;
    }
    while (i < n && isWord(at(i))) i++;
  }
  return out;
}

const piece = fc.constantFrom('0x', '0X', '_', 'u', 'L', 'l', 'U', 'ull', 'LLU', ' ', '\n', 'g', 'x', '0', 'f', 'A', '9',
  '1234567890abcdef', 'deadbeefdeadbeef', 'c120000000001234', '0000', 'é', '-', '.', 'z', '[', '=');
const logText = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 }), fc.constantFrom(...'0123456789abcdefABCDEFx_ ')), { maxLength: 80 })
  .map((a) => a.join(''));

test('scanPfnValues finds exactly what the one-character-at-a-time reference finds (any text, any maxResults)', () => {
  fc.assert(fc.property(logText, fc.integer({ min: 0, max: 6 }), (t, m) => {
    assert.deepEqual(scanPfnValues(t), referenceScan(t), JSON.stringify(t));
    assert.deepEqual(scanPfnValues(t, { maxResults: m }), referenceScan(t, m), JSON.stringify(t));
  }), { seed: SEED, numRuns: 20000 });
});

test('scanPfnValues on long runs: 16-digit words next to longer runs, literals inside words, digits across probes', () => {
  const t = ['', 'a'.repeat(15), '1'.repeat(17), 'deadbeefdeadbeef', 'x0x1', '0x' + '0'.repeat(16), '0x' + '0'.repeat(17),
    'ffffffffffffffff_', '0x1_', 'abc0x12', '0x12345678_9abcdef0ul'].join(' ').repeat(50);
  assert.deepEqual(scanPfnValues(t), referenceScan(t));
  for (let shift = 0; shift < 20; shift++) {
    const s = ' '.repeat(shift) + 'deadbeefdeadbeef 1234 0123456789abcdef;c120000000001234';
    assert.deepEqual(scanPfnValues(s), referenceScan(s), `shift ${shift}`);
  }
});

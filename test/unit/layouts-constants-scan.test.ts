/**
 * hmm.h constants per release (hover values), constantHistory, the bulk decoder's speed, and the log scanner.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  hmmConstants, hmmConstant, constantHistory, formatConstantHistory, decodeFlagsBulk, getLayout, scanPfnValues,
  bulkCodeFlags, bulkCodeOrder, BULK_VALUE_ERROR, layoutForKernel, listLayouts, findFlag,
} from '../../src/core/layouts/index';

const val = (name: string, k: string) => hmmConstant(name, k)?.value;

test('legacy enum indices: hmm_pfn_flag_e / hmm_pfn_value_e (include/linux/hmm.h 4.17–5.7)', () => {
  assert.equal(val('HMM_PFN_VALID', 'v5.6'), 0n);
  assert.equal(val('HMM_PFN_WRITE', 'v5.6'), 1n);
  assert.equal(val('HMM_PFN_DEVICE_PRIVATE', 'v5.6'), 2n);
  assert.equal(val('HMM_PFN_FLAG_MAX', 'v5.6'), 3n);
  assert.equal(val('HMM_PFN_DEVICE_PRIVATE', 'v5.7'), undefined, 'removed in 5.7');
  assert.equal(val('HMM_PFN_FLAG_MAX', 'v5.7'), 2n);
  assert.equal(val('HMM_PFN_ERROR', 'v4.17'), 0n);
  assert.equal(val('HMM_PFN_NONE', 'v5.7'), 1n);
  assert.equal(val('HMM_PFN_SPECIAL', 'v5.7'), 2n);
  assert.equal(val('HMM_PFN_SPECIAL', 'v5.8'), undefined, 'removed in 5.8');
  assert.equal(val('HMM_PFN_REQ_FAULT', 'v5.7'), undefined);
});

test('modern masks per release: 5.8, 5.10 (ORDER_SHIFT 56), 6.16 (ORDER_SHIFT 53, sticky, INOUT)', () => {
  assert.equal(val('HMM_PFN_VALID', 'v5.8'), 1n << 63n);
  assert.equal(val('HMM_PFN_REQ_FAULT', 'latest'), 1n << 63n);
  assert.equal(val('HMM_PFN_REQ_WRITE', 'v6.1'), 1n << 62n);
  assert.equal(val('HMM_PFN_ERROR', 'v6.16'), 1n << 61n);
  assert.equal(val('HMM_PFN_FLAGS', 'v5.9'), 0xe000000000000000n);
  assert.equal(val('HMM_PFN_ORDER_SHIFT', 'v5.9'), undefined);
  assert.equal(val('HMM_PFN_ORDER_SHIFT', 'v5.10'), 56n);
  assert.equal(val('HMM_PFN_FLAGS', 'v6.15'), 0xff00000000000000n);
  assert.equal(val('ORDER_SHIFT', 'v6.16'), 53n);
  assert.equal(val('HMM_PFN_FLAGS', 'v6.16'), 0xffe0000000000000n);
  assert.equal(val('HMM_PFN_DMA_MAPPED', 'v6.16'), 1n << 60n);
  assert.equal(val('HMM_PFN_P2PDMA', 'v6.16'), 1n << 59n);
  assert.equal(val('HMM_PFN_P2PDMA_BUS', 'v6.16'), 1n << 58n);
  assert.equal(val('HMM_PFN_DMA_MAPPED', 'v6.15'), undefined);
  assert.equal(val('HMM_PFN_INOUT_FLAGS', 'latest'), 0x1c00000000000000n);
  assert.ok(hmmConstants('v6.16').every((c) => c.doc.length > 10));
  assert.deepEqual(hmmConstants('nonsense'), []);
});

test('hmmConstants agree with the layouts module for every release', () => {
  for (const k of ['v5.8', 'v5.10', 'v6.16', 'latest']) {
    const l = layoutForKernel(k);
    for (const f of l.flags) assert.equal(val(`HMM_PFN_${f.name}`, k), f.mask, `${k} ${f.name}`);
    assert.equal(val('HMM_PFN_FLAGS', k), l.flagsMask);
    assert.equal(val('HMM_PFN_ORDER_SHIFT', k), l.order ? BigInt(l.order.shift) : undefined);
  }
  for (const l of listLayouts().filter((x) => x.proposal)) {
    const c = hmmConstants(l.id);
    assert.equal(c.find((x) => x.name === 'HMM_PFN_ORDER_SHIFT')?.value, BigInt(l.order!.shift));
  }
  assert.equal(hmmConstants('proposal:device-private').find((c) => c.name === 'HMM_PFN_DEVICE_PRIVATE')?.value,
    findFlag(getLayout('proposal:device-private')!, 'DEVICE_PRIVATE')!.mask);
});

test('constantHistory: one name across versions, oldest first, proposals last', () => {
  const h = constantHistory('HMM_PFN_ORDER_SHIFT');
  assert.deepEqual(h.map((e) => [e.since, e.until, e.value]), [
    ['v5.10', 'v6.15', 56n], ['v6.16', undefined, 53n], ['proposal:device-private', undefined, 52n], ['proposal:migrate', undefined, 52n],
  ]);
  const v = constantHistory('VALID');
  assert.deepEqual(v.map((e) => [e.since, e.until, e.value]), [['v4.17', 'v5.7', 0n], ['v5.8', undefined, 1n << 63n]]);
  assert.deepEqual(constantHistory('HMM_PFN_NOPE'), []);
  const lines = formatConstantHistory('HMM_PFN_FLAGS');
  assert.match(lines[0], /^v5\.8–v5\.9: 0xe000000000000000 — /);
  assert.match(lines[2], /^v6\.16\+: 0xffe0000000000000 — /);
});

/** flags of the i-th generated word below */
const i3 = (i: number) => (i % 3 === 0 ? ['VALID', 'WRITE'] : i % 3 === 1 ? ['ERROR'] : []);

test('decodeFlagsBulk: 1M words into a Uint32Array of codes (speed is measured by npm run bench)', () => {
  const n = 1 << 20;
  const words = new BigUint64Array(n);
  const l = getLayout('v6.16')!;
  for (let i = 0; i < n; i++) words[i] = (i % 3 === 0 ? 0xc120000000000000n : i % 3 === 1 ? 1n << 61n : 0n) | BigInt(i);
  const out = new Uint32Array(n);
  decodeFlagsBulk(words.subarray(0, 1000), l, out); // warm up
  decodeFlagsBulk(words, l, out);
  assert.deepEqual(bulkCodeFlags(out[n - 1], l), i3(n - 1));
  assert.deepEqual(bulkCodeFlags(out[3], l), ['VALID', 'WRITE']);
  assert.equal(bulkCodeOrder(out[3]), 9);
  assert.deepEqual(bulkCodeFlags(out[4], l), ['ERROR']);
  // a subarray with a byte offset reads the right words
  const sub = decodeFlagsBulk(words.subarray(4, 6), l);
  assert.deepEqual(bulkCodeFlags(sub[0], l), ['ERROR']);
  // legacy values are whole-word matches
  const a = getLayout('legacy:amdgpu')!;
  const lc = decodeFlagsBulk(BigUint64Array.from([0xfffffffffffffffen, 0x1234003n]), a);
  assert.equal(lc[0], BULK_VALUE_ERROR);
  assert.deepEqual(bulkCodeFlags(lc[1], a), ['VALID', 'WRITE']);
});

test('scanPfnValues: 0x literals with C suffixes, underscores, bare 16-digit words; word boundaries', () => {
  const text = 'hmm: pfns[0]=0x8000000000001234UL, [1]=0x4000_0000_0000_0001 err=0x2000000000000000ull '
    + 'dump c120000000001234 id=abc0x12 0x1g 0x12345678901234567 deadbeefdeadbeefz 0X1f LLU=0x5llu';
  const r = scanPfnValues(text);
  const got = r.map((v) => [text.slice(v.index, v.index + v.length), v.value]);
  assert.deepEqual(got, [
    ['0x8000000000001234UL', 0x8000000000001234n],
    ['0x4000_0000_0000_0001', 0x4000000000000001n],
    ['0x2000000000000000ull', 0x2000000000000000n],
    ['c120000000001234', 0xc120000000001234n],
    ['0X1f', 0x1fn],
    ['0x5llu', 5n],
  ]);
});

test('scanPfnValues on a 10 MB single line: bounded output, no pathological backtracking input (speed: npm run bench)', () => {
  const big = '0x'.repeat(1_000_000) + 'a'.repeat(3_000_000) + ' 0x1 '.repeat(1_000_000).slice(0, 3_000_000) + '1'.repeat(3_000_000);
  assert.ok(big.length >= 10_000_000);
  const r = scanPfnValues(big, { maxResults: 1000 });
  assert.equal(r.length, 1000);
  assert.equal(r[0].value, 1n);
  const pathological = '0'.repeat(10_000_000);
  assert.deepEqual(scanPfnValues(pathological), []);
});

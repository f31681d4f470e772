/** checkExpect: ret and per-page comparison, decoded mismatch messages, legacy whole-word values. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpect, entryTextOf, MAX_LISTED_MISMATCHES, type PfnInfo } from '../../src/core/scenario/expect';
import { parseScenario, walksOf } from '../../src/core/scenario/parse';
import { decodePfn, getLayout, LAYOUT_V5_8, LAYOUT_V6_16, resolveLayout, type PfnLayout } from '../../src/core/layouts';
import type { WalkStep } from '../../src/core/scenario/ast';

const START = 0x7f0000000000n;
const V = 1n << 63n;
const W = 1n << 62n;
const E = 1n << 61n;
const DMA = 1n << 60n;
const ORDER9_616 = 9n << 53n;
const info: PfnInfo = { zeroPfn: 0x500n, deviceOf: (p) => (p >= 0x100000n && p < 0x110000n ? 'gpu0' : p >= 0x110000n && p < 0x120000n ? 'gpu1' : undefined) };

function walk(kernel: string, pages: number, entries: string, ret = '', extra = ''): { w: WalkStep; layout: PfnLayout } {
  const text = `hmm: 1\nkernel: ${kernel}\n${extra}devices: [gpu0, gpu1]\nsteps:\n  - mmap: { name: b, pages: 8, prot: rw }\n`
    + `  - walk:\n      at: b\n      pages: ${pages}\n      expect:\n${ret ? `        ret: ${ret}\n` : ''}        pfns: [${entries}]\n`;
  const r = parseScenario(text, 'e.hmm.yaml');
  assert.ok(r.scenario, r.diagnostics.map((d) => d.message).join('\n'));
  const layout = resolveLayout(r.scenario.kernel, r.scenario.legacy).layout;
  assert.ok(layout);
  return { w: walksOf(r.scenario)[0], layout };
}

function run(kernel: string, entries: string, words: bigint[], ret = 0, expectRet = '', extra = '') {
  const { w, layout } = walk(kernel, words.length, entries, expectRet, extra);
  return checkExpect(w, ret, BigUint64Array.from(words), START, 4096, layout, info);
}

test('no expect block: undefined', () => {
  const r = parseScenario('hmm: 1\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - walk: { at: b, pages: 1 }\n', 'x');
  const w = walksOf(r.scenario!)[0];
  assert.equal(checkExpect(w, 0, new BigUint64Array(1), START, 4096, LAYOUT_V6_16, info), undefined);
});

test('matching pages: flags, NONE, zero, dev=, pfn=, order', () => {
  const r = run('v6.16', 'VALID WRITE, NONE, VALID zero, VALID WRITE dev=gpu0, ERROR, "VALID pfn=0x1234", VALID order=9 *2',
    [V | W | 0x42n, 0n, V | 0x500n, V | W | 0x100005n, E, V | 0x1234n, V | ORDER9_616 | 0x2000n, V | ORDER9_616 | 0x2001n]);
  assert.deepEqual(r, { ok: true, retOk: true, mismatches: [] });
});

test('NONE ignores the pfn bits but not the flags (conformance: VALID clear, pfn not checked)', () => {
  assert.equal(run('v6.16', 'NONE', [0x1234n])?.ok, true);
  assert.equal(run('v6.16', 'NONE', [DMA])?.ok, false);
});

test('a flag mismatch reports page, address, expected, actual (decoded) and the entry position', () => {
  const r = run('v6.16', 'VALID WRITE, VALID WRITE', [V | W | 7n, V | 0x500n]);
  assert.equal(r?.ok, false);
  assert.equal(r?.mismatches.length, 1);
  const m = r!.mismatches[0];
  assert.equal(m.index, 1);
  assert.equal(m.address, START + 4096n);
  assert.equal(m.expected, 'VALID WRITE');
  assert.equal(m.actual, 'VALID zero');
  assert.equal(m.actualDecoded, 'VALID pfn=0x500 [layout v6.16]');
  assert.deepEqual([m.pos.line, m.pos.col], [10, 29]);
  assert.equal(m.message, 'page 1 at 0x7f0000001000: expected VALID WRITE, got VALID zero (VALID pfn=0x500 [layout v6.16]): WRITE missing');
});

test('order is checked always on layouts with an order field (default 0)', () => {
  const r = run('v6.16', 'VALID WRITE', [V | W | ORDER9_616]);
  assert.equal(r?.mismatches[0].message.endsWith('order 9, expected 0'), true);
  assert.equal(r?.mismatches[0].actual, 'VALID WRITE order=9');
  assert.equal(run('v6.16', 'VALID WRITE order=9', [V | W])?.mismatches[0].message.endsWith('order 0, expected 9'), true);
  // v5.8 has no order field: bits 56..60 are pfn bits there, nothing to compare
  assert.equal(run('v5.8', 'VALID', [V | (9n << 56n)])?.ok, true);
});

test('pfn=, zero and dev= are checked only when written', () => {
  assert.equal(run('v6.16', 'VALID', [V | 0x100000n])?.ok, true);
  const pfn = run('v6.16', '"VALID pfn=0x10"', [V | 0x11n]);
  assert.match(pfn!.mismatches[0].message, /pfn 0x11, expected 0x10$/);
  assert.equal(pfn!.mismatches[0].actual, 'VALID pfn=0x11');
  assert.match(run('v6.16', 'VALID zero', [V | 0x501n])!.mismatches[0].message, /pfn 0x501 is not the zero page \(0x500\)$/);
  assert.match(run('v6.16', 'VALID dev=gpu0', [V | 0x110001n])!.mismatches[0].message, /pfn 0x110001 is device-private memory of gpu1, expected gpu0's$/);
  assert.match(run('v6.16', 'VALID dev=gpu0', [V | 0x42n])!.mismatches[0].message, /pfn 0x42 is not device-private memory, expected gpu0's$/);
});

test('extra flags are mismatches (sticky bits too)', () => {
  const r = run('v6.16', 'VALID WRITE', [V | W | DMA]);
  assert.match(r!.mismatches[0].message, /: DMA_MAPPED not expected$/);
  assert.equal(run('v6.16', 'VALID WRITE DMA_MAPPED', [V | W | DMA])?.ok, true);
});

test('ret: checked when written, retOk separate from the pages', () => {
  const a = run('v6.16', 'VALID', [V], -16, '0');
  assert.deepEqual(a, { ok: false, retOk: false, mismatches: [] });
  const b = run('v6.16', 'VALID', [V], -16, '-EBUSY');
  assert.deepEqual(b, { ok: true, retOk: true, mismatches: [] });
  const c = run('v6.16', 'VALID', [V], 7); // no ret written: any return value
  assert.equal(c?.ok, true);
});

test('legacy layouts compare whole-word values exactly', () => {
  const amd = resolveLayout('v5.7', 'amdgpu').layout!;
  const words = [0xfffffffffffffffen, 0n, (0x500n << 12n) | 1n, (0x42n << 12n) | 3n];
  assert.equal(run('v5.7', 'ERROR, NONE, VALID zero, VALID WRITE', words, 0, '', 'legacy: amdgpu\n')?.ok, true);
  // NONE is the whole word values[NONE], not "no flag"
  const r = run('v5.7', 'NONE', [0x1000n], 0, '', 'legacy: amdgpu\n');
  assert.match(r!.mismatches[0].message, /expected the whole word NONE = 0x0, got 0x1000$/);
  // ERROR has the WRITE bit set: a flag test would say "WRITE"; the comparison is by value
  const e = run('v5.7', 'VALID WRITE', [0xfffffffffffffffen], 0, '', 'legacy: amdgpu\n');
  assert.equal(e!.mismatches[0].actual, 'ERROR');
  assert.equal(decodePfn(0xfffffffffffffffen, amd).value, 'ERROR');
  // nouveau: ERROR and SPECIAL are the same word, either name matches it
  const n = resolveLayout('v5.7', 'nouveau').layout!;
  const special = n.values!.SPECIAL!;
  assert.equal(run('v5.7', 'SPECIAL, ERROR', [special, special], 0, '', 'legacy: nouveau\n')?.ok, true);
});

test('the number of listed mismatches is bounded, the rest is counted in the last message', () => {
  const pages = MAX_LISTED_MISMATCHES + 5;
  const r = parseScenario(`hmm: 1\nsteps:\n  - mmap: { name: b, pages: ${pages}, prot: rw }\n  - walk: { at: b, pages: ${pages}, expect: { pfns: [VALID *${pages}] } }\n`, 'x');
  const w = walksOf(r.scenario!)[0];
  const res = checkExpect(w, 0, new BigUint64Array(pages), START, 4096, getLayout('v6.16')!, info)!;
  assert.equal(res.mismatches.length, MAX_LISTED_MISMATCHES);
  assert.match(res.mismatches[MAX_LISTED_MISMATCHES - 1].message, /; 5 more pages mismatch \(only the first 1000 are listed\)$/);
});

test('entryTextOf writes an actual word the way an expectation is written', () => {
  assert.equal(entryTextOf(decodePfn(V | W | 0x100001n, LAYOUT_V6_16), info), 'VALID WRITE dev=gpu0');
  assert.equal(entryTextOf(decodePfn(0n, LAYOUT_V6_16), info), 'NONE');
  assert.equal(entryTextOf(decodePfn(V | ORDER9_616 | 0x500n, LAYOUT_V6_16), info, true), 'VALID order=9 pfn=0x500 zero');
  assert.equal(entryTextOf(decodePfn(E, LAYOUT_V5_8), info), 'ERROR');
});

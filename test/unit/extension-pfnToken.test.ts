// The extension's pure helpers: the value under the cursor, input parsing, runs of equal state, result texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hmmIdentifierAt, parsePfnValue, pfnTokenAt } from '../../src/extension/pfnToken';
import { pfnRuns, runStateText } from '../../src/extension/tree/pfnRuns';
import { LAYOUT_V5_10, LAYOUT_V6_16 } from '../../src/core/layouts/index';
import { parseScenario } from '../../src/core/scenario/parse';
import { runScenario } from '../../src/core/scenario/run';
import { spaceOf } from '../../src/extension/tree/space';

test('pfnTokenAt finds 0x literals with C suffixes and bare 16-digit words, anywhere inside the token', () => {
  const line = 'x = 0xc000000000001234ULL, y = 8000000000000005; z = 0x1234_5678ul;';
  for (let c = 4; c < 25; c++) assert.equal(pfnTokenAt(line, c)?.value, 0xc000000000001234n, `col ${c}`);
  const t = pfnTokenAt(line, 40);
  assert.deepEqual(t && { start: t.start, end: t.end, value: t.value }, { start: 31, end: 47, value: 0x8000000000000005n });
  assert.equal(pfnTokenAt(line, 55)?.value, 0x12345678n);
});

test('pfnTokenAt refuses what is no u64 literal', () => {
  assert.equal(pfnTokenAt('0x12345678901234567', 3), undefined, '17 digits');
  assert.equal(pfnTokenAt('deadbeefdeadbeef0', 3), undefined, '17 bare digits');
  assert.equal(pfnTokenAt('deadbeefdeadbee', 3), undefined, '15 bare digits');
  assert.equal(pfnTokenAt('x0xc000000000001234', 5), undefined, 'inside a longer word');
  assert.equal(pfnTokenAt('0xzz', 1), undefined);
  assert.equal(pfnTokenAt('', 0), undefined);
  assert.equal(pfnTokenAt('0x10', 99), undefined, 'past the end');
});

test('pfnTokenAt is bounded: a word longer than the window around the cursor is not scanned', () => {
  const long = 'a'.repeat(5_000_000);
  assert.equal(pfnTokenAt(long, 2_500_000), undefined);
  const line = `${long} 0x8000000000000001 ${long}`;
  assert.equal(pfnTokenAt(line, 5_000_004)?.value, 0x8000000000000001n);
});

test('parsePfnValue accepts hex, suffixes, separators, 16-digit words and decimals below 2^64', () => {
  assert.equal(parsePfnValue(' 0xC000000000001234ull '), 0xc000000000001234n);
  assert.equal(parsePfnValue('0x8000_0000_0000_0001'), 0x8000000000000001n);
  assert.equal(parsePfnValue('8000000000000001'), 0x8000000000000001n);
  assert.equal(parsePfnValue('4660'), 4660n);
  assert.equal(parsePfnValue('18446744073709551615'), (1n << 64n) - 1n);
  assert.equal(parsePfnValue('18446744073709551616'), undefined);
  assert.equal(parsePfnValue('0x'), undefined);
  assert.equal(parsePfnValue('12 34'), undefined);
  assert.equal(parsePfnValue('4660', { decimal: false }), undefined);
});

test('hmmIdentifierAt finds HMM_* names only', () => {
  assert.equal(hmmIdentifierAt('x >> HMM_PFN_ORDER_SHIFT;', 10)?.name, 'HMM_PFN_ORDER_SHIFT');
  assert.equal(hmmIdentifierAt('x >> MY_HMM_PFN;', 8), undefined);
});

test('pfnRuns groups equal flags and order; runStateText names them', () => {
  const v = (flags: bigint, order = 0n) => flags | (order << 53n);
  const VALID = 1n << 63n; const WRITE = 1n << 62n;
  const words = BigUint64Array.from([v(VALID | WRITE, 9n), v(VALID | WRITE, 9n) | 0x200n, v(VALID), 0n, 0n, v(VALID | WRITE)]);
  const runs = pfnRuns(words, LAYOUT_V6_16);
  assert.deepEqual(runs.map((r) => [r.first, r.count, runStateText(r)]),
    [[0, 2, 'VALID WRITE order=9'], [2, 1, 'VALID'], [3, 2, 'NONE'], [5, 1, 'VALID WRITE']]);
  // the same words under 5.10: order 9 << 53 sets bits 53 and 56; only bit 56 is in 5.10's order field (56..60)
  assert.equal(pfnRuns(words, LAYOUT_V5_10)[0].order, 1);
  assert.equal(pfnRuns(words, LAYOUT_V6_16, 2).length, 2, 'capped');
});

test('pfnRuns over 4M entries groups them into runs', () => {
  const words = new BigUint64Array(1 << 22).fill(1n << 63n);
  words[123456] = 0n;
  const runs = pfnRuns(words, LAYOUT_V6_16);
  assert.equal(runs.length, 3);
});

test('spaceOf lists the VMAs the walks met with the page-table states of the last walk over each', () => {
  const text = `hmm: 1
steps:
  - mmap: { name: buf, pages: 4, prot: rw }
  - mprotect: { at: buf+1, pages: 1, prot: r }
  - read: { at: buf+1 }
  - munmap: { at: buf+2, pages: 1 }
  - write: { at: buf+3 }
  - walk: { at: buf, pages: 4, mode: snapshot }
`;
  const p = parseScenario(text, 'space.hmm.yaml');
  assert.ok(p.scenario, JSON.stringify(p.diagnostics));
  const space = spaceOf(runScenario(p.scenario));
  assert.ok(space && !space.derived);
  assert.deepEqual(space.vmas.map((v) => [v.name, v.prot, v.flags.join('|')]),
    [['buf', 'rw-', 'VM_READ|VM_WRITE'], [undefined, 'r--', 'VM_READ'], [undefined, 'rw-', 'VM_READ|VM_WRITE']]);
  assert.deepEqual(space.ptes.map((runs) => runs.map((r) => `${r.pages} ${r.state}`)), [['1 none'], ['1 zero-page'], ['1 present-rw']]);
});

/**
 * Modern layouts (5.8+): bit positions, kernel-id mapping, decode meanings and problems, input flag names.
 * Bit positions follow include/linux/hmm.h `enum hmm_pfn_flags` of the release named in each test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodePfn, encodePfn, formatDecoded, getLayout, layoutForKernel, listLayouts, resolveLayout, parseFlagNames,
  flagNamesForInput, outputFlagNames, findFlag, type PfnLayout,
} from '../../src/core/layouts/index';

const B = (n: number) => 1n << BigInt(n);
const mask = (l: PfnLayout, name: string) => findFlag(l, name)!.mask;

test('include/linux/hmm.h v5.8: VALID = 1UL << (BITS_PER_LONG-1) = bit 63, WRITE bit 62, ERROR bit 61; FLAGS = VALID|WRITE|ERROR', () => {
  const l = layoutForKernel('v5.8');
  assert.equal(l.id, 'v5.8');
  assert.equal(mask(l, 'VALID'), B(63));
  assert.equal(mask(l, 'WRITE'), B(62));
  assert.equal(mask(l, 'ERROR'), B(61));
  assert.equal(l.flagsMask, 0xe000000000000000n);
  assert.equal(l.pfnMask, 0x1fffffffffffffffn);
  assert.equal(l.order, undefined);
  assert.equal(l.inoutMask, 0n);
  assert.deepEqual(l.flags.map((f) => f.name), ['VALID', 'WRITE', 'ERROR']);
});

test('include/linux/hmm.h v5.10: HMM_PFN_ORDER_SHIFT = BITS_PER_LONG - 8 = 56, 5 bits; HMM_PFN_FLAGS = 0xFF << 56', () => {
  const l = layoutForKernel('v5.10');
  assert.equal(l.id, 'v5.10');
  assert.deepEqual(l.order, { shift: 56, bits: 5 });
  assert.equal(l.flagsMask, 0xff00000000000000n);
  assert.equal(l.pfnMask, 0x00ffffffffffffffn);
  assert.equal(mask(l, 'ERROR'), B(61));
});

test('include/linux/hmm.h v6.16: DMA_MAPPED = BITS_PER_LONG-4 (60), P2PDMA -5 (59), P2PDMA_BUS -6 (58), ORDER_SHIFT = BITS_PER_LONG - 11 (53)', () => {
  const l = layoutForKernel('v6.16');
  assert.equal(l.id, 'v6.16');
  assert.equal(mask(l, 'DMA_MAPPED'), B(60));
  assert.equal(mask(l, 'P2PDMA'), B(59));
  assert.equal(mask(l, 'P2PDMA_BUS'), B(58));
  assert.deepEqual(l.order, { shift: 53, bits: 5 });
  // HMM_PFN_FLAGS = ~((1UL << HMM_PFN_ORDER_SHIFT) - 1)
  assert.equal(l.flagsMask, 0xffe0000000000000n);
  // HMM_PFN_INOUT_FLAGS (mm/hmm.c) = DMA_MAPPED | P2PDMA | P2PDMA_BUS
  assert.equal(l.inoutMask, 0x1c00000000000000n);
  assert.equal(l.pfnMask, 0x001fffffffffffffn);
  for (const n of ['DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS']) assert.equal(findFlag(l, n)!.direction, 'inout');
});

test('masks of every layout are disjoint: pfn field, order field and flags never overlap, and cover flagsMask', () => {
  for (const l of listLayouts()) {
    let seen = 0n;
    for (const f of l.flags) {
      assert.equal(seen & f.mask, 0n, `${l.id}: ${f.name} overlaps another flag`);
      seen |= f.mask;
    }
    if (l.era === 'modern') {
      const orderMask = l.order ? ((1n << BigInt(l.order.bits)) - 1n) << BigInt(l.order.shift) : 0n;
      assert.equal(seen & orderMask, 0n, `${l.id}: order overlaps flags`);
      assert.equal((seen | orderMask) & l.pfnMask, 0n, `${l.id}: pfn overlaps`);
      assert.equal(l.pfnMask | l.flagsMask, (1n << 64n) - 1n, `${l.id}: pfn+flags cover the word`);
    }
  }
});

test('kernel ids map to the change at or before them; latest is the newest merged layout (6.16)', () => {
  const cases: [string, string][] = [
    ['v5.8', 'v5.8'], ['v5.9', 'v5.8'], ['v5.9.16', 'v5.8'], ['v5.10', 'v5.10'], ['v6.1', 'v5.10'], ['v6.15', 'v5.10'],
    ['v6.16', 'v6.16'], ['v6.17', 'v6.16'], ['v6.19', 'v6.16'], ['latest', 'v6.16'], ['5.15', 'v5.10'],
    ['v4.17', 'legacy:amdgpu'], ['v5.6', 'legacy:amdgpu'], ['v5.7', 'legacy:amdgpu@v5.7'],
  ];
  for (const [k, id] of cases) assert.equal(layoutForKernel(k).id, id, k);
  // proposals are reachable by their explicit names only
  assert.equal(layoutForKernel('proposal:device-private').id, 'proposal:device-private');
  for (const l of listLayouts()) if (l.proposal) assert.equal(l.since, undefined);
});

test('bad kernel ids and proposal names give messages, not crashes', () => {
  assert.throws(() => layoutForKernel('v4.14'), /older than v4.17/);
  assert.throws(() => layoutForKernel('v7.3'), /newer than/);
  assert.throws(() => layoutForKernel('linux-6'), /expected a release id/);
  const r = resolveLayout('proposal:nope');
  assert.equal(r.layout, undefined);
  assert.match(r.problems[0].message, /proposal:device-private/);
  const w = resolveLayout('v6.16', 'amdgpu');
  assert.equal(w.layout?.id, 'v6.16');
  assert.match(w.problems[0].message, /legacy profile ignored/);
  assert.equal(getLayout('v6.16'), layoutForKernel('latest'));
});

test('decode v6.16: VALID WRITE order 9 pfn 0x1234', () => {
  const l = getLayout('v6.16')!;
  const d = decodePfn(B(63) | B(62) | (9n << 53n) | 0x1234n, l);
  assert.deepEqual(d.flags, ['VALID', 'WRITE']);
  assert.equal(d.pfn, 0x1234n);
  assert.equal(d.order, 9);
  assert.equal(d.mappingSize, 2n << 20n);
  assert.equal(d.physAddr, 0x1234000n);
  assert.deepEqual(d.problems, []);
  assert.equal(d.meaning, 'valid, writable: the device may read and write pfn 0x1234 (in a 2 MiB CPU mapping, order 9)');
  assert.equal(formatDecoded(d), 'VALID WRITE pfn=0x1234 order=9 [layout v6.16]');
});

test('the same order-9 word means something else on v5.10 (order bits 56..60) and v5.8 (no order)', () => {
  const w = B(63) | (9n << 56n) | 0x1234n;
  const d10 = decodePfn(w, getLayout('v5.10')!);
  assert.equal(d10.order, 9);
  assert.equal(d10.pfn, 0x1234n);
  const d8 = decodePfn(w, getLayout('v5.8')!);
  assert.equal(d8.order, 0);
  assert.equal(d8.pfn, (9n << 56n) | 0x1234n);
  assert.match(d8.problems.join('\n'), /beyond the 52-bit physical address space.*v5\.10: the map order field/);
});

test('decode meanings: 0, ERROR, read-only, protnone/hugetlb empty, page size', () => {
  const l = getLayout('v5.10')!;
  assert.equal(decodePfn(0n, l).meaning, '0: not present — faultable: a REQ_FAULT walk would fault it in');
  assert.equal(decodePfn(B(61), l).meaning, 'ERROR: the device must not access this page');
  assert.match(decodePfn(B(63) | 0x42n, l).meaning, /^valid but not writable: the device may read pfn 0x42/);
  // hmm_vma_walk_hugetlb_entry() stores pfn | order even when the huge PTE is not present (VALID clear)
  const empty = decodePfn((9n << 56n) | 0x3n, l);
  assert.match(empty.meaning, /^pfn with VALID clear: protnone or an empty hugetlb slot \(order 9\)/);
  assert.deepEqual(empty.problems, []);
  const d = decodePfn(B(63) | 0x10n, l, 65536);
  assert.equal(d.physAddr, 0x100000n);
  assert.equal(d.mappingSize, 65536n);
});

test('problems: WRITE without VALID, ERROR with VALID, ERROR with pfn, huge order, sticky combinations', () => {
  const l = getLayout('v6.16')!;
  assert.match(decodePfn(B(62) | 5n, l).problems[0], /^WRITE without VALID/);
  assert.ok(decodePfn(B(61) | B(63), l).problems.some((p) => p.startsWith('ERROR with VALID')));
  assert.ok(decodePfn(B(61) | 7n, l).problems.some((p) => p.startsWith('ERROR with a pfn')));
  assert.ok(decodePfn(B(63) | (31n << 53n), l).problems.some((p) => /order 31/.test(p)));
  assert.deepEqual(decodePfn(B(63) | (18n << 53n), l).problems, [], 'PUD order 18 (1 GiB) is fine');
  assert.ok(decodePfn(B(59) | B(58) | B(60), l).problems.some((p) => /P2PDMA with P2PDMA_BUS/.test(p)));
  assert.ok(decodePfn(B(58), l).problems.some((p) => /P2PDMA_BUS without DMA_MAPPED/.test(p)));
  assert.deepEqual(decodePfn(B(60) | B(58), l).problems, [], 'BUS_ADDR mapping: P2PDMA_BUS | DMA_MAPPED');
  // an ERROR fill keeps the sticky bits of the input (6.16 mm/hmm.c stores (old & INOUT) | HMM_PFN_ERROR)
  const e = decodePfn(B(61) | B(60), l);
  assert.deepEqual(e.problems, []);
  assert.match(e.meaning, /sticky DMA_MAPPED kept from the input/);
});

test('sticky bit positions on a v5.10 layout are order bits; on v5.8 they are out-of-range pfn bits', () => {
  const w = B(63) | B(60);
  assert.equal(decodePfn(w, getLayout('v5.10')!).order, 16);
  assert.match(decodePfn(w, getLayout('v5.8')!).problems.join(), /v6\.16: DMA_MAPPED/);
});

test('u64 range is enforced in decode', () => {
  const d = decodePfn(1n << 64n | 1n, getLayout('v6.16')!);
  assert.match(d.problems[0], /does not fit in a u64/);
  assert.equal(d.pfn, 1n);
});

test('encodePfn modern: fields → word, errors for unknown flags, order beyond the field, order on 5.8', () => {
  const l = getLayout('v6.16')!;
  assert.equal(encodePfn({ flags: ['VALID', 'WRITE'], pfn: 0x1234n, order: 9 }, l), 0xc120000000001234n);
  assert.equal(encodePfn({ flags: ['REQ_FAULT'], pfn: 0n }, l), B(63));
  assert.equal(encodePfn({ flags: ['DMA_MAPPED'], pfn: 0n, value: 'ERROR' }, l), B(61) | B(60));
  assert.equal(encodePfn({ flags: [], pfn: 0n, value: 'NONE' }, l), 0n);
  assert.throws(() => encodePfn({ flags: ['BOGUS'], pfn: 0n }, l), /flag "BOGUS" does not exist in layout v6.16/);
  assert.throws(() => encodePfn({ flags: [], pfn: 0n, order: 32 }, l), /does not fit the 5-bit order field/);
  assert.throws(() => encodePfn({ flags: [], pfn: 0n, order: 9 }, getLayout('v5.8')!), /no map order field/);
  assert.throws(() => encodePfn({ flags: [], pfn: 1n << 53n }, l), /does not fit the pfn field/);
  assert.throws(() => encodePfn({ flags: [], pfn: 0n, value: 'SPECIAL' }, l), /removed in 5.8/);
});

test('input flag names: REQ_FAULT/REQ_WRITE everywhere, sticky names only from 6.16, ERROR is output-only', () => {
  const l58 = getLayout('v5.8')!;
  const l616 = getLayout('v6.16')!;
  assert.deepEqual(flagNamesForInput(l58), ['REQ_FAULT', 'REQ_WRITE']);
  assert.deepEqual(flagNamesForInput(l616), ['REQ_FAULT', 'REQ_WRITE', 'DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS']);
  assert.deepEqual(outputFlagNames(l616), ['VALID', 'WRITE', 'ERROR', 'DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS']);
  assert.equal(parseFlagNames(['REQ_FAULT', 'REQ_WRITE'], l58), B(63) | B(62));
  assert.equal(parseFlagNames(['hmm_pfn_req_fault', 'VALID'], l58), B(63));
  assert.equal(parseFlagNames([], l58), 0n);
  assert.equal(parseFlagNames(['REQ_FAULT', 'DMA_MAPPED'], l616), B(63) | B(60));
  const e1 = parseFlagNames(['DMA_MAPPED'], getLayout('v5.10')!);
  assert.deepEqual(e1, { error: 'DMA_MAPPED is a sticky in/out flag from v6.16 on; layout v5.10 has none; input flags of layout v5.10: REQ_FAULT, REQ_WRITE' });
  const e2 = parseFlagNames(['ERROR'], l616);
  assert.ok(typeof e2 === 'object' && /ERROR is output-only/.test(e2.error));
  const e3 = parseFlagNames(['REQ_FALT'], l616);
  assert.ok(typeof e3 === 'object' && /unknown flag "REQ_FALT".*REQ_FAULT, REQ_WRITE, DMA_MAPPED/.test(e3.error));
});

test('proposal:device-private: DEVICE_PRIVATE at bit 57 (BITS_PER_LONG-7), ORDER_SHIFT BITS_PER_LONG-12 = 52', () => {
  const l = getLayout('proposal:device-private')!;
  assert.equal(mask(l, 'DEVICE_PRIVATE'), B(57));
  assert.deepEqual(l.order, { shift: 52, bits: 5 });
  assert.equal(l.flagsMask, 0xfff0000000000000n);
  assert.ok(l.proposal && l.since === undefined);
  const d = decodePfn(B(63) | B(57) | 0x99n, l);
  assert.deepEqual(d.flags, ['VALID', 'DEVICE_PRIVATE']);
  assert.match(d.meaning, /valid but not writable device-private page/);
  assert.ok(decodePfn(B(57), l).problems.some((p) => /DEVICE_PRIVATE without VALID/.test(p)));
});

test('layoutWords/pageWord/storeWord: the stores mm/hmm.c makes, per layout', async () => {
  const { layoutWords, pageWord, storeWord } = await import('../../src/core/layouts/index');
  const w616 = layoutWords(getLayout('v6.16')!);
  assert.equal(layoutWords(getLayout('v6.16')!), w616, 'cached per layout');
  // THP PMD, writable: pfn | VALID | WRITE | order 9 << 53
  assert.equal(pageWord(w616, 0x1234n, w616.valid | w616.write, 9), 0xc120000000001234n);
  // 6.16: (old & HMM_PFN_INOUT_FLAGS) | new — sticky DMA_MAPPED survives an ERROR fill, REQ_FAULT does not
  assert.equal(storeWord(w616, B(63) | B(60), w616.error), B(61) | B(60));
  const w510 = layoutWords(getLayout('v5.10')!);
  assert.equal(storeWord(w510, B(63) | B(60), w510.none), 0n, '5.10 overwrites the whole word');
  assert.equal(w510.special, B(61), 'special PTEs are ERROR from 5.8');
  // 5.8 has no order field: the order is dropped
  const w58 = layoutWords(getLayout('v5.8')!);
  assert.equal(pageWord(w58, 0x10n, w58.valid, 9), B(63) | 0x10n);
  // legacy: flags[VALID] is always ORed in (protnone PTE: cpu flags 0)
  const wa = layoutWords(getLayout('legacy:amdgpu')!);
  assert.equal(pageWord(wa, 0x1234n, 0n), 0x1234001n);
  assert.equal(pageWord(wa, 0x1234n, wa.write), 0x1234003n);
  assert.equal(wa.none, 0n);
  assert.equal(wa.error, 0xfffffffffffffffen);
  assert.equal(wa.special, 0xfffffffffffffffcn);
  const wn = layoutWords(getLayout('legacy:nouveau')!);
  assert.equal(pageWord(wn, 0x1234n, wn.write | wn.devicePrivate), 0x1234013n);
});

test('describeLayout: one line per field, with bit positions and the release span', async () => {
  const { describeLayout } = await import('../../src/core/layouts/index');
  const d = describeLayout(getLayout('v6.16')!);
  assert.match(d[0], /^v6\.16 — .*\(v6\.16 → latest\)$/);
  assert.ok(d.some((l) => /^ {2}DMA_MAPPED: bit 60, inout/.test(l)));
  assert.ok(d.some((l) => l.startsWith('  order: bits 53..57 (HMM_PFN_ORDER_SHIFT 53, 5 bits)')));
  assert.ok(d.some((l) => l.includes('bits 0..52') && l.includes('0xffe0000000000000')));
  const n = describeLayout(getLayout('legacy:nouveau')!);
  assert.match(n[0], /\(v4\.17 → v5\.6\)$/);
  assert.ok(n.some((l) => l.startsWith('  DEVICE_PRIVATE (input: REQ_DEVICE_PRIVATE): 0x10')));
  assert.ok(n.some((l) => l.startsWith('  pfn: word >> 12')));
  assert.match(describeLayout(getLayout('proposal:migrate')!)[0], /proposal, not in any release/);
});

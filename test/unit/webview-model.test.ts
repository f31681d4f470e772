// Pure helpers of the inspector webview: decoding through 32-bit halves (checked against core's decodePfn), page
// kinds, binning, filters, copy formats, trace replay, aligned comparison, jumps, the scaled scrollbar and the CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodePfn } from '../../src/core/layouts';
import { layoutToDto, resultToView } from '../../src/protocol/convert';
import { FastLayout, toHalves, wordHex } from '../../src/webview/model/fastLayout';
import { classifyState, computeKinds, Devices, Kind, KIND_COUNT, KIND_ORDER, kindOfOutput } from '../../src/webview/model/pageKinds';
import { binCount, binKinds, binOf, binStart, stackHeights } from '../../src/webview/model/bins';
import { applyFilter, rowOfIndex, type FilterInput } from '../../src/webview/model/filter';
import { copyC, copyHex, copyMarkdown, describeWord } from '../../src/webview/model/copyFormats';
import { EntryStatus, findStep, lastWriters, markers, statusAt } from '../../src/webview/model/replay';
import { align, canonical, diffRows } from '../../src/webview/model/compare';
import { parseJump } from '../../src/webview/model/address';
import { fromBase64, toBase64 } from '../../src/webview/model/persist';
import { WalkData } from '../../src/webview/model/walkData';
import { layoutColumns, MAX_SCROLL_PX, scrollForTopRow, scrollGeometry, topRowForScroll, type Column } from '../../src/webview/ui/virtualGrid';
import { inspectorCsp, inspectorHtml, makeNonce } from '../../src/extension/inspector/html';
import { AMDGPU, LAYOUTS, V5_10, V6_16 } from '../e2e/fixtures/inspector/layouts';
import { faultWalk, retryResult, snapshotWalk } from '../e2e/fixtures/inspector/results';
import type { TraceEventDto } from '../../src/protocol/messages';

const fast = (l: typeof V6_16) => new FastLayout(layoutToDto(l));
const words = (a: BigUint64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

test('halves decoding agrees with core decodePfn on flags, pfn and order for every layout', () => {
  for (const l of LAYOUTS) {
    const f = fast(l);
    fc.assert(fc.property(u64, (raw) => {
      const [lo, hi] = toHalves(raw);
      const d = decodePfn(raw, l);
      assert.equal(f.value(lo, hi), d.value, `value of ${raw.toString(16)} in ${l.id}`);
      if (!d.value) assert.deepEqual(f.flagNames(f.flagBits(lo, hi)).sort(), [...d.flags].sort(), `flags ${raw.toString(16)} ${l.id}`);
      const [plo, phi] = f.pfnHalves(lo, hi);
      if (!d.value) assert.equal((BigInt(phi) << 32n) | BigInt(plo), d.pfn, `pfn ${raw.toString(16)} ${l.id}`);
      assert.equal(f.order(lo, hi), d.order, `order ${raw.toString(16)} ${l.id}`);
    }), { seed: 1234, numRuns: 3000 });
  }
  assert.equal(wordHex(0x1234, 0xc0000000), '0xc000000000001234');
});

test('trace states classify into page kinds, devices get their own kind', () => {
  const d = new Devices();
  const cases: [string, number | undefined][] = [
    ['pte:present-rw', Kind.PresentRW], ['pte:present-ro', Kind.PresentRO], ['pte:none', Kind.None],
    ['hole:no-vma', Kind.Error], ['vma:VM_IO', Kind.Error], ['pte:swap', Kind.Swap], ['pte:migration', Kind.Migration],
    ['pmd:migration', Kind.Migration], ['pte:zero', Kind.Zero], ['pmd:thp-ro', Kind.Thp], ['pmd:huge-zero', Kind.Zero],
    ['hugetlb:present-rw', Kind.Hugetlb], ['hugetlb:none', Kind.None], ['pte:hwpoison', Kind.Hwpoison],
    ['pte:special', Kind.Special], ['pte:device-exclusive', Kind.Exclusive], ['vma:VM_READ VM_WRITE prot=rw-', undefined],
    ['pte:device-private:gpu0', Kind.DevicePrivate], ['pte:device-private:gpu1', Kind.DevicePrivate + 1],
    ['pte:device_private@gpu0', Kind.DevicePrivate], ['seq=3', undefined],
    // the runner's vocabulary (src/core/scenario/run.ts)
    ['pte:device-private-rw(gpu1)', Kind.DevicePrivate + 1], ['pte:device-private-ro(gpu2)', Kind.DevicePrivate + 2],
    ['pte:zero-page', Kind.Zero], ['pmd:thp-rw', Kind.Thp], ['vma:0', undefined], ['fault:write', undefined],
    ['fault:read', undefined], ['notifier:MIGRATE', undefined], ['driver:retry', undefined], ['done', undefined],
  ];
  for (const [s, k] of cases) assert.equal(classifyState(s, d), k, s);
  assert.deepEqual(d.names, ['gpu0', 'gpu1', 'gpu2']);
  const f = fast(AMDGPU);
  assert.equal(kindOfOutput(f, 0xfffffffe, 0xffffffff, d), Kind.Error, 'legacy ERROR value');
  assert.equal(kindOfOutput(f, 0xfffffffc, 0xffffffff, d), Kind.Special, 'legacy SPECIAL value');
  assert.equal(kindOfOutput(f, 0x1234003, 0, d), Kind.PresentRW);
  const m = fast(V5_10);
  // an order says how big the mapping is, never whether it is THP, hugetlb or DAX: the word alone is "huge"
  assert.equal(kindOfOutput(m, 0, 0xc1000000 | (9 << 24), d), Kind.Huge, 'order 9 at bit 56');
  assert.equal(kindOfOutput(fast(V6_16), 0, 0xc0000000 | (18 << 21), d), Kind.Huge, 'order 18 is not hugetlb for sure');
  assert.equal(kindOfOutput(fast(V6_16), 0, 0xc0000000 | (16 << 21), d), Kind.Huge, 'nor is order 16');
});

test('page kinds from output words: the run cache by flag bits gives what classifying each word gives', () => {
  for (const l of LAYOUTS) {
    const f = fast(l);
    fc.assert(fc.property(fc.array(fc.oneof(u64, fc.constantFrom(0n, 0xfffffffffffffffen, 0xfffffffffffffffcn,
      0xc000000000001000n, 0xc000000000001001n, 0x8000000000001000n)), { maxLength: 40 }), (vals) => {
      const a = new BigUint64Array(vals);
      const d1 = new Devices();
      const k = computeKinds(a.length, words(a), f, [], d1);
      const d2 = new Devices();
      const w = words(a);
      for (let i = 0; i < a.length; i++) assert.equal(k[i], kindOfOutput(f, w[2 * i], w[2 * i + 1], d2), `${l.id} ${a[i].toString(16)}`);
    }), { seed: 5, numRuns: 300 });
  }
});

test('page kinds: trace states override the output word, later events win', () => {
  const w = faultWalk();
  const view = resultToView(retryResult(), 0, LAYOUTS);
  const k = computeKinds(16, words(w.pfns), fast(V6_16), view.walks[0].trace, new Devices());
  assert.equal(k[4], Kind.DevicePrivate, 'gpu0 owns 4-7: reported, never faulted');
  assert.equal(k[8], Kind.PresentRW, 'the zero page was copied on write: final state present writable');
  assert.equal(k[10], Kind.PresentRW, 'swapped in');
  assert.equal(k[12], Kind.Error, 'VM_IO VMA');
  assert.equal(k[14], Kind.PresentRO);
  const early = computeKinds(16, words(w.pfns), fast(V6_16), view.walks[0].trace, new Devices(), 5);
  assert.equal(early[8], Kind.Zero, 'after 5 events page 8 is still the zero page');
});

test('binning: 8 pages get 8 bins, 16M pages on 1000 px keep counts exact and a lone ERROR visible', () => {
  const small = new Uint8Array([1, 1, 2, 2, 11, 0, 0, 3]);
  const b8 = binKinds(small, binCount(8, 800));
  assert.equal(b8.count, 8);
  assert.equal(b8.counts[4 * KIND_COUNT + 11], 1);
  const n = 1 << 24;
  const big = new Uint8Array(n).fill(Kind.PresentRW);
  big[12_345_678] = Kind.Error;
  const bins = binCount(n, 1000);
  const b = binKinds(big, bins);
  let total = 0;
  for (const c of b.counts) total += c;
  assert.equal(total, n);
  const eb = binOf(12_345_678, n, bins);
  assert.equal(b.counts[eb * KIND_COUNT + Kind.Error], 1);
  assert.ok(binStart(eb, n, bins) <= 12_345_678 && 12_345_678 < binStart(eb + 1, n, bins));
  const seg = stackHeights(b.counts, eb, KIND_ORDER, 28);
  const err = seg.find((s) => s.kind === Kind.Error)!;
  assert.ok(err.px >= 2, 'one page among 16K keeps 2 px');
  assert.ok(Math.abs(seg.reduce((a, s) => a + s.px, 0) - 28) < 1e-9);
});

test('filters by flag, state, change and mismatch; rowOfIndex finds the next shown row', () => {
  const w = faultWalk();
  const f = fast(V6_16);
  const view = resultToView(retryResult(), 0, LAYOUTS);
  const kinds = computeKinds(16, words(w.pfns), f, view.walks[0].trace, new Devices());
  const d: FilterInput = { pages: 16, output: words(w.pfns), input: words(w.input ?? new BigUint64Array(w.pages)), layout: f, kinds, mismatches: [14, 14] };
  assert.deepEqual([...applyFilter({ kind: 'flag', name: 'ERROR' }, d)!], [12, 13]);
  assert.deepEqual([...applyFilter({ kind: 'flag', name: 'WRITE' }, d)!], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.deepEqual([...applyFilter({ kind: 'state', pageKind: Kind.DevicePrivate }, d)!], [4, 5, 6, 7]);
  assert.deepEqual([...applyFilter({ kind: 'state', pageKind: Kind.PresentRO }, d)!], [14, 15]);
  assert.deepEqual([...applyFilter({ kind: 'mismatch' }, d)!], [14]);
  assert.equal(applyFilter({ kind: 'changed' }, d)!.length, 16);
  assert.equal(applyFilter({ kind: 'all' }, d), undefined);
  assert.equal(applyFilter({ kind: 'flag', name: 'NOPE' }, d)!.length, 0);
  const rows = Uint32Array.from([2, 5, 9]);
  assert.deepEqual([0, 2, 3, 9, 10].map((i) => rowOfIndex(rows, i)), [0, 0, 1, 2, 3]);
});

test('a walk sent without input words reads as an all-zero input: ready with its output, "changed" = nonzero output', () => {
  const r = retryResult();
  const view = resultToView(r, 1, LAYOUTS);
  const dto = view.walks[1];
  assert.equal(dto.hasInput, false);
  const w = new WalkData(dto, fast(LAYOUTS.find((l) => l.id === dto.layoutId)!));
  assert.equal(w.ready, false, 'not ready before its output arrives');
  assert.ok(w.input && w.inW, 'a zero input stands in');
  assert.equal(w.input.length, dto.pages);
  assert.ok(w.input.every((x) => x === 0n));
  w.setArray('pfns', r.walks[1].pfns);
  assert.equal(w.ready, true);
  const d: FilterInput = { pages: w.pages, output: w.outW!, input: w.inW, layout: w.layout, kinds: w.kinds, mismatches: [] };
  const nonzero = [...r.walks[1].pfns].flatMap((x, i) => (x !== 0n ? [i] : []));
  assert.deepEqual([...applyFilter({ kind: 'changed' }, d)!], nonzero);
});

test('copy formats: hex lines, a C initializer with decoded comments, an escaped Markdown table', () => {
  const w = faultWalk();
  const src = { words: words(w.pfns), layout: fast(V6_16), start: w.start, pageSize: 4096, name: 'fault */ all' };
  assert.equal(copyHex(src, [0, 12]), '0xc000000000010000\n0x2000000000000000\n');
  const c = copyC(src, [0, 7]);
  assert.match(c, /static const uint64_t fault____all\[2\] = \{/);
  assert.match(c, /0xc000000000010000ULL, \/\* \[0\] 0x7f0000000000 VALID WRITE pfn=0x10000 \*\//);
  assert.ok(!c.slice(2, -4).includes('*/ all'), 'a name cannot close the comment early');
  const md = copyMarkdown({ ...src, layout: fast(AMDGPU), words: words(new BigUint64Array([0xfffffffffffffffen, 0x1234003n])) }, [0, 1]);
  assert.equal(md.split('\n')[2], '| 0 | 0x7f0000000000 | `0xfffffffffffffffe` | ERROR |');
  assert.equal(md.split('\n')[3], '| 1 | 0x7f0000001000 | `0x0000000001234003` | VALID WRITE pfn=0x1234 |');
  assert.equal(describeWord(fast(V6_16), 0, 0xc0000000 | (9 << 21)), 'VALID WRITE order=9');
});

test('trace replay: input before the write, final when it is the last write, superseded when rewritten later', () => {
  const view = resultToView(retryResult(), 0, LAYOUTS);
  const trace = view.walks[0].trace;
  const last = lastWriters(16, trace);
  // events 1-2 write 0-7 in call 1; the driver's retry (call 2) rewrites them in events 14-15, 8-11 in 16
  assert.equal(trace[12].kind, 'retry');
  assert.equal(last[0], 14);
  assert.equal(last[7], 15);
  assert.equal(last[8], 16);
  assert.equal(last[12], 17, 'hmm_vma_walk_test fills the VM_IO entries');
  let st = statusAt(1, trace, last, 0, 16);
  assert.deepEqual([...st.slice(0, 5)], [EntryStatus.Superseded, 2, 2, 2, EntryStatus.Input]);
  st = statusAt(14, trace, last, 0, 16);
  assert.deepEqual([...st.slice(0, 9)], [1, 1, 1, 1, 2, 2, 2, 2, EntryStatus.Input]);
  st = statusAt(trace.length - 1, trace, last, 0, 16);
  assert.ok(st.every((s) => s === EntryStatus.Final));
  st = statusAt(-1, trace, last, 3, 6);
  assert.deepEqual([...st], [0, 0, 0]);
  const m = markers(trace);
  assert.deepEqual(m.map((x) => x.kind),
    ['fault', 'fault', 'notifier', 'fault', 'fault', 'fault', 'restart', 'retry', 'error', 'retry']);
  assert.equal(findStep(trace, 0, 1, ['retry']), 10, 'mmu_interval_check_retry sees the moved sequence');
  assert.equal(findStep(trace, 10, 1, ['retry']), 12, 'the driver loop retries');
  assert.equal(findStep(trace, 12, -1, ['fault']), 8);
  assert.equal(findStep(trace, 12, 1, ['retry']), -1);
});

test('replay matches a brute-force replay on random traces', () => {
  const ev = fc.record({ first: fc.nat(20), len: fc.nat(6), out: fc.boolean() });
  fc.assert(fc.property(fc.array(ev, { maxLength: 25 }), fc.nat(30), (evs, stepRaw) => {
    const trace: TraceEventDto[] = evs.map((e) => ({ attempt: 1, fn: 'f', first: Math.min(e.first, 20),
      end: Math.min(20, e.first + e.len), state: '', rule: '', why: '', kind: e.out ? 'output' : 'info' }));
    const step = trace.length ? stepRaw % trace.length : -1;
    const last = lastWriters(20, trace);
    const st = statusAt(step, trace, last, 0, 20);
    for (let i = 0; i < 20; i++) {
      if (step >= trace.length - 1) { assert.equal(st[i], EntryStatus.Final); continue; }
      let w = -1;
      for (let k = 0; k <= step; k++) if (trace[k].kind === 'output' && trace[k].first <= i && i < trace[k].end) w = k;
      let lw = -1;
      for (let k = 0; k < trace.length; k++) if (trace[k].kind === 'output' && trace[k].first <= i && i < trace[k].end) lw = k;
      assert.equal(st[i], w < 0 ? EntryStatus.Input : w === lw ? EntryStatus.Final : EntryStatus.Superseded);
    }
  }), { seed: 99, numRuns: 500 });
});

test('compare: addresses aligned, each side decoded under its own layout', () => {
  const a = snapshotWalk('v5.10');
  const b = snapshotWalk('v6.16');
  const side = (w: typeof a, l: typeof V6_16) => ({ start: w.start, pages: w.pages, pageSize: 4096, words: words(w.pfns), layout: fast(l) });
  const al = align(side(a, V5_10), side(b, V6_16));
  assert.deepEqual([al.rows, al.offA, al.offB], [16, 0, 0]);
  assert.equal(diffRows(side(a, V5_10), side(b, V6_16), al).length, 0, 'same states under two encodings: no difference');
  const thp510 = (1n << 63n) | (9n << 56n) | 0x200n;
  const thp616 = (1n << 63n) | (9n << 53n) | 0x200n;
  assert.equal(canonical(fast(V5_10), ...toHalves(thp510)), canonical(fast(V6_16), ...toHalves(thp616)),
    'order 9 at bit 56 (5.10) and at bit 53 (6.16) is the same page state');
  assert.notEqual(canonical(fast(V5_10), ...toHalves(thp510)), canonical(fast(V6_16), ...toHalves(thp510)),
    'the 5.10 word read under 6.16 is a different state');
  const fault = faultWalk();
  const diff = diffRows(side(a, V5_10), side(fault, V6_16), al);
  assert.deepEqual([...diff], [8, 9, 10, 11], 'zero page, swap and none in the snapshot; written after the write fault');
  const shifted = { ...side(fault, V6_16), start: fault.start + 4n * 4096n };
  const al2 = align(side(a, V5_10), shifted);
  assert.deepEqual([al2.rows, al2.offA, al2.offB], [20, 0, 4]);
  const d2 = diffRows(side(a, V5_10), shifted, al2);
  assert.ok(d2.includes(0) && d2.includes(19), 'rows outside one side always differ');
  assert.equal(canonical(fast(AMDGPU), 0, 0), 'NONE');
});

test('jump: hex and decimal addresses, #index, out-of-range messages', () => {
  const s = 0x7f0000000000n;
  assert.deepEqual(parseJump('0x7f0000003000', s, 4096, 16), { ok: true, index: 3 });
  assert.deepEqual(parseJump('7f0000003fff', s, 4096, 16), { ok: true, index: 3 });
  assert.deepEqual(parseJump('#15', s, 4096, 16), { ok: true, index: 15 });
  assert.deepEqual(parseJump(' [2] ', s, 4096, 16), { ok: true, index: 2 });
  assert.deepEqual(parseJump('12', null, 4096, 16), { ok: true, index: 12 });
  assert.match((parseJump('0x7f0000010000', s, 4096, 16) as { error: string }).error, /outside the walk/);
  assert.match((parseJump('#16', s, 4096, 16) as { error: string }).error, /past the last entry/);
  assert.match((parseJump('zz', s, 4096, 16) as { error: string }).error, /not an address/);
  assert.equal(parseJump('', s, 4096, 16).ok, false);
});

test('scaled scrollbar: 16M rows stay under Chromium\'s layout limit and every row is reachable', () => {
  const rows = 1 << 24;
  const g = scrollGeometry(rows, 22, 600);
  assert.ok(g.spacerPx <= MAX_SCROLL_PX && MAX_SCROLL_PX < 33_554_432);
  assert.equal(topRowForScroll(g.scrollRangePx, g), rows - Math.floor(600 / 22));
  assert.equal(topRowForScroll(0, g), 0);
  for (const top of [0, 1, 12345, 8_000_000, g.maxTopRow]) {
    assert.ok(Math.abs(topRowForScroll(scrollForTopRow(top, g), g) - top) <= 1, `round trip ${top}`);
  }
  const small = scrollGeometry(100, 22, 600);
  assert.equal(small.spacerPx, 2200, 'small grids scroll natively, unscaled');
  assert.equal(topRowForScroll(scrollForTopRow(40, small), small), 40);
});

test('persisted arrays survive base64', () => {
  const a = new BigUint64Array([0n, 0xffffffffffffffffn, 0x8000000000001234n]);
  assert.deepEqual([...fromBase64(toBase64(a))], [...a]);
});

test('webview HTML: strict CSP with a nonce, no inline script or style, codicon link with the nonce', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(nonce, makeNonce());
  const html = inspectorHtml({ cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x/main.js',
    styleUri: 'https://x/main.css', codiconUri: 'https://x/codicon.css' });
  const csp = inspectorCsp('https://x.vscode-cdn.net', nonce);
  assert.equal(csp, `default-src 'none'; img-src https://x.vscode-cdn.net blob: data:; font-src https://x.vscode-cdn.net; style-src https://x.vscode-cdn.net; script-src 'nonce-${nonce}'`);
  assert.ok(html.includes(`content="${csp.replace(/'/g, "'")}"`));
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  assert.match(html, new RegExp(`<link rel="stylesheet" href="https://x/codicon.css" id="vscode-codicon-stylesheet" nonce="${nonce}">`));
  assert.equal((html.match(/<script /g) ?? []).length, 1);
  assert.match(html, new RegExp(`<script nonce="${nonce}" src="https://x/main.js"></script>`));
  assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script body');
  assert.doesNotMatch(html, /<style|style="/, 'no inline style');
  assert.throws(() => inspectorHtml({ cspSource: 'x', nonce: 'short', scriptUri: '', styleUri: '', codiconUri: '' }), /nonce/);
});

test('column layout: one whole-pixel width per column for header and rows; too narrow hides by priority, never the essential ones', () => {
  const cols: Column[] = [
    { id: 'i', title: '#', minCh: 8 }, { id: 'a', title: 'A', minCh: 16 },
    { id: 'in', title: 'in', minCh: 19, priority: 5 }, { id: 'out', title: 'out', minCh: 19 },
    { id: 'pfn', title: 'pfn', minCh: 14, priority: 3 }, { id: 'st', title: 'st', minCh: 10, grow: 1, priority: 2 },
  ];
  const base = { columns: cols, chPx: 8, gapPx: 10, userHidden: new Set<string>(), userShown: new Set<string>(),
    userWidth: new Map<string, number>(), contentPx: new Map<string, number>() };
  const wide = layoutColumns({ ...base, availablePx: 2000 });
  assert.deepEqual(wide.shown, [true, true, true, true, true, true]);
  assert.ok(wide.widths.every((w) => Number.isInteger(w)), 'whole pixels: header and body cells share exact edges');
  assert.equal(wide.totalPx, 2000, 'the growing column takes the spare width');
  assert.equal(wide.widths[5], 2000 - 8 * (8 + 16 + 19 + 19 + 14) - 50);
  const mid = layoutColumns({ ...base, availablePx: 8 * (8 + 16 + 19 + 14 + 10) + 40 });
  assert.deepEqual(mid.shown, [true, true, false, true, true, true]);
  assert.deepEqual(mid.autoHidden, ['in'], 'the chooser lists what the width hid');
  const narrow = layoutColumns({ ...base, availablePx: 400 });
  assert.deepEqual(narrow.shown, [true, true, false, true, false, false]);
  assert.deepEqual(narrow.autoHidden, ['in', 'pfn', 'st'], 'in column order');
  const tiny = layoutColumns({ ...base, availablePx: 10 });
  assert.deepEqual(tiny.shown, [true, true, false, true, false, false], 'priority-1 columns stay');
  assert.ok(tiny.totalPx > 10, 'wider than the panel: the grid scrolls sideways instead of clipping');
  // content wider than the minimum widens the column; a dragged width wins; the user can show or hide any column
  const content = layoutColumns({ ...base, availablePx: 2000, contentPx: new Map([['a', 300]]) });
  assert.equal(content.widths[1], 300);
  const dragged = layoutColumns({ ...base, availablePx: 2000, userWidth: new Map([['a', 90]]), contentPx: new Map([['a', 300]]) });
  assert.equal(dragged.widths[1], 90);
  const chosen = layoutColumns({ ...base, availablePx: 400, userShown: new Set(['in']), userHidden: new Set(['a']) });
  assert.equal(chosen.shown[2], true, 'a column the user asked for is never hidden for width');
  assert.equal(chosen.shown[1], false);
});

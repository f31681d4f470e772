// The inspector's state as of a trace step, the words a step stored, runs, word problems, kernel-source links and the
// readings of a word under every layout — the models behind issue #13's points 1, 2, 4, 5, 6 and 7.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { runScenarioText } from '../../src/core';
import { decodePfn, listLayouts, orderMeaning } from '../../src/core/layouts';
import { layoutFromDto, layoutToDto, resultToView } from '../../src/protocol/convert';
import { KERNEL_SOURCE_URL_RE, type TraceEventDto } from '../../src/protocol/messages';
import { FastLayout, toHalves } from '../../src/webview/model/fastLayout';
import { classifyState, Kind } from '../../src/webview/model/pageKinds';
import { changesPages } from '../../src/webview/model/stepKinds';
import { sameAsFinal, storedRuns, storedRunText, storedStatus } from '../../src/webview/model/stored';
import { entryRuns, RunRows } from '../../src/webview/model/entryRuns';
import { ProblemCheck } from '../../src/webview/model/wordProblems';
import { isKernelFunction, kernelIdentUrl, kernelRelease } from '../../src/webview/model/kernelSource';
import { lastWriters } from '../../src/webview/model/replay';
import { WalkData } from '../../src/webview/model/walkData';
import { readingsOf } from '../../src/webview/ui/detailPane';
import { LAYOUTS, V6_16 } from '../e2e/fixtures/inspector/layouts';
import { retryResult, TRICKY_WORDS } from '../e2e/fixtures/inspector/results';
import type { ScenarioResult } from '../../src/core/scenario/result';

const fast = (l: typeof V6_16) => new FastLayout(layoutToDto(l));
const words = (a: BigUint64Array) => new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

function example(file: string): ScenarioResult {
  const r = runScenarioText(readFileSync(`examples/${file}`, 'utf8'), `examples/${file}`, {});
  assert.ok(r.result, `${file} runs`);
  return r.result;
}

/** A walk as the webview holds it (the DTO through the protocol, its arrays). */
function walkData(r: ScenarioResult, i: number): WalkData {
  const layouts = [...new Set(r.walks.map((w) => w.layoutId))].map((id) => listLayouts().find((l) => l.id === id)!);
  const view = resultToView(r, i, layouts);
  const dto = view.walks[i];
  const w = new WalkData(dto, new FastLayout(view.layouts.find((l) => l.id === dto.layoutId)!));
  if (r.walks[i].input) w.setArray('input', r.walks[i].input!);
  w.setArray('pfns', r.walks[i].pfns);
  return w;
}

/** The state each page shows at step k, the slow way: the last named state up to k, else the pre-walk state. */
function bruteKinds(w: WalkData, k: number): number[] {
  const trace = w.dto.trace;
  if (k >= trace.length - 1) return [...w.kinds];
  const dev = w.devices;
  const out: number[] = [];
  for (let i = 0; i < w.pages; i++) {
    let kind: number | undefined;
    for (let j = 0; j <= k; j++) {
      const e = trace[j];
      if (e.first <= i && i < e.end && e.end > e.first) { const c = classifyState(e.state, dev); if (c !== undefined) kind = c; }
    }
    if (kind === undefined) {
      // before the walk: the first state recorded, unless something changed the page before that record
      let changed = false;
      for (const e of trace) {
        const ch = changesPages(e);
        const covers = e.first <= i && i < e.end && e.end > e.first;
        if (covers && classifyState(e.state, dev) !== undefined) { kind = changed ? Kind.NotSeen : classifyState(e.state, dev); break; }
        if (ch === 'all' || (ch === 'range' && covers)) changed = true;
      }
      if (kind === undefined) kind = changed ? Kind.NotSeen : w.steps.before[i];
    }
    out.push(kind);
  }
  return out;
}

test('page states as of each step: another device\'s device-private pages (examples/04, a faulting walk of two calls)', () => {
  const r = example('04-two-gpus-device-private.hmm.yaml');
  const w = walkData(r, 3);
  const trace = w.dto.trace;
  assert.ok(w.dto.attempts === 2 && trace.some((e) => e.kind === 'retry'), 'two calls: the state changes between them');
  const gpu1 = w.devices.kindOf('gpu1');
  const gpu0 = w.devices.kindOf('gpu0');
  // step 3 (index 2): hmm_vma_handle_pte sees gpu1's device-private page 4 and needs a fault
  assert.equal(trace[2].state, 'pte:device-private-rw(gpu1)');
  const at2 = w.steps.at(2);
  assert.equal(at2[4], gpu1, 'the map shows what the trace says at this step, not the final "present RW"');
  assert.equal(w.kinds[4], Kind.PresentRW, 'finally the page is back in system memory');
  assert.deepEqual([...at2.subarray(0, 4)], [gpu0, gpu0, gpu0, gpu0]);
  assert.deepEqual([...at2.subarray(5, 8)], [Kind.NotSeen, Kind.NotSeen, Kind.NotSeen],
    'pages 5-7 were migrated by the fault of [4, 8) before the walk looked at them: their state before is not recorded');
  // every step of every attempt: each event's pages show its state; stepping back restores exactly
  for (let k = 0; k < trace.length; k++) {
    const now = [...w.steps.at(k)];
    assert.deepEqual(now, bruteKinds(w, k), `step ${k + 1}`);
    const e = trace[k];
    const named = w.steps.namedKind(k);
    if (named !== undefined && k < trace.length - 1) for (let i = e.first; i < e.end; i++) assert.equal(now[i], named, `step ${k + 1} page ${i}`);
  }
  for (let k = trace.length - 1; k >= 0; k--) assert.deepEqual([...w.steps.at(k)], bruteKinds(w, k), `back to step ${k + 1}`);
  assert.deepEqual([...w.steps.at(trace.length - 1)], [...w.kinds]);
});

test('page states as of each step: a write fault over pages shared with a forked child (examples/03: COW, -EBUSY, retry)', () => {
  const r = example('03-fork-cow-ebusy.hmm.yaml');
  const w = walkData(r, 3);
  const trace = w.dto.trace;
  assert.ok(w.dto.attempts >= 2);
  const first = trace.findIndex((e) => e.kind === 'fault');
  assert.match(trace[first].state, /present-ro/);
  const before = w.steps.at(first);
  assert.equal(before[trace[first].first], Kind.PresentRO, 'the COW page is read-only where the walk faults it');
  assert.equal(w.kinds[trace[first].first], Kind.PresentRW, 'after the copy it is writable');
  for (let k = 0; k < trace.length; k++) assert.deepEqual([...w.steps.at(k)], bruteKinds(w, k), `step ${k + 1}`);
  for (let k = trace.length - 1; k >= -1; k--) assert.deepEqual([...w.steps.at(k)], k < 0 ? [...w.steps.before] : bruteKinds(w, k), `back to ${k + 1}`);
});

test('page states as of a step match the slow reading on random traces', () => {
  const states = ['pte:present-rw', 'pte:present-ro', 'pte:zero-page', 'pte:swap', 'fault:ok', 'notifier:CLEAR', 'done',
    'pte:device-private-rw(gpu1)'];
  const ev = fc.record({ first: fc.nat(11), len: fc.nat(5), state: fc.constantFrom(...states),
    kind: fc.constantFrom('output', 'fault', 'notifier', 'info', 'during'), fn: fc.constantFrom('hmm_vma_handle_pte', 'handle_mm_fault') });
  fc.assert(fc.property(fc.array(ev, { minLength: 1, maxLength: 20 }), (evs) => {
    const trace: TraceEventDto[] = evs.map((e) => ({ attempt: 1, fn: e.fn, first: Math.min(e.first, 12), end: Math.min(12, e.first + e.len),
      state: e.state, rule: 'r', why: '', kind: e.kind as TraceEventDto['kind'] }));
    const pfns = new BigUint64Array(12).fill(0xc000000000001000n);
    const dto = { name: 'w', line: 1, col: 1, start: '0x7f0000000000', pages: 12, pageSize: 4096, ret: 0, attempts: 1, layoutId: 'v6.16',
      trace, hasInput: false, vmas: [] };
    const w = new WalkData(dto, fast(V6_16));
    w.setArray('pfns', pfns);
    const order = [...trace.keys(), ...[...trace.keys()].reverse()];
    for (const k of order) assert.deepEqual([...w.steps.at(k)], bruteKinds(w, k), `step ${k}`);
  }), { seed: 13, numRuns: 300 });
});

test('the words a step stored: exact when last written, the final word when rewritten unchanged, else not recorded', () => {
  const view = resultToView(retryResult(), 0, LAYOUTS);
  const trace = view.walks[0].trace;
  const r = retryResult().walks[0];
  const lw = lastWriters(16, trace);
  const w32 = words(r.pfns);
  // event index 1 (step 2) wrote 0-3 in call 1; the retry rewrote them (step 15) reading the same PTEs: unchanged
  assert.deepEqual([...storedStatus(1, trace, () => lw)], [1, 1, 1, 1]);
  const s2 = storedRuns(1, trace, () => lw, w32, 1);
  assert.deepEqual(s2.runs.map((x) => [x.first, x.count, x.status, x.stride]), [[0, 4, 'unchanged', 1]]);
  assert.equal(storedRunText(s2.runs[0], trace[1].rule), '#0–#3  0xc000000000010000 … 0xc000000000010003 ×4 pfn+1  (= final word: rewritten later, unchanged)');
  // step 17 wrote 8-11 after the COW and swap-in: the last write, exact
  const s17 = storedRuns(16, trace, () => lw, w32, 1);
  assert.deepEqual(s17.runs.map((x) => [x.first, x.count, x.status]), [[8, 4, 'exact']]);
  // the VM_IO fill: two equal ERROR words
  const s18 = storedRuns(17, trace, () => lw, w32, 1);
  assert.deepEqual(s18.runs.map((x) => [x.first, x.count, x.status, x.stride, x.hi.toString(16)]), [[12, 2, 'exact', 0, '20000000']]);
  assert.equal(storedRuns(4, trace, () => lw, w32, 1).runs.length, 0, 'a fault event stores nothing');
  // a write rewritten after a fault of its page: the earlier value is not recorded
  const t2: TraceEventDto[] = [
    { attempt: 1, fn: 'hmm_vma_handle_pte', first: 0, end: 2, state: 'pte:present-ro', rule: 'store pfn|VALID', why: '', kind: 'output' },
    { attempt: 1, fn: 'handle_mm_fault', first: 1, end: 2, state: 'fault:ok', rule: 'x', why: '', kind: 'fault' },
    { attempt: 2, fn: 'hmm_vma_handle_pte', first: 0, end: 2, state: 'pte:present-ro', rule: 'store pfn|VALID', why: '', kind: 'output' },
  ];
  const lw2 = lastWriters(2, t2);
  assert.deepEqual([...storedStatus(0, t2, () => lw2)], [1, 2], 'page 0 untouched in between, page 1 faulted');
  assert.equal(sameAsFinal(0, 0, 2, t2), true);
  assert.equal(sameAsFinal(1, 0, 2, t2), false);
  let asked = false;
  storedRuns(2, t2, () => { asked = true; return lw2; }, words(new BigUint64Array(2)), 1);
  assert.equal(asked, false, 'the last write needs no whole-array index');
});

test('runs of equal state: the grid as runs, expandable; rows map to runs and entries', () => {
  const r = retryResult();
  const w = walkData(r, 0);
  const starts = entryRuns(w.outW!, w.pages, w.layout, w.kinds);
  assert.deepEqual([...starts], [0, 4, 8, 12, 14, 16], 'RW RAM, device-private, RW (copied/faulted), ERROR, RO');
  const rr = new RunRows(starts);
  assert.equal(rr.rowCount, 5);
  rr.toggle(1);
  rr.toggle(3);
  assert.equal(rr.rowCount, 5 + 4 + 2);
  const rows = Array.from({ length: rr.rowCount }, (_, i) => rr.at(i));
  assert.deepEqual(rows.map((x) => (x.entry < 0 ? `r${x.run}` : `e${x.entry}`)),
    ['r0', 'r1', 'e4', 'e5', 'e6', 'e7', 'r2', 'r3', 'e12', 'e13', 'r4']);
  assert.equal(rr.rowOfRun(3), 7);
  assert.equal(rr.runOf(13), 3);
  rr.toggle(1);
  assert.equal(rr.rowCount, 7);
  assert.equal(rr.at(2).run, 2);
  // random runs and expansions against a flat list
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 12 }), fc.array(fc.nat(11)), (sizes, toggles) => {
    const st = [0];
    for (const n of sizes) st.push(st[st.length - 1] + n);
    const x = new RunRows(Uint32Array.from(st));
    const open = new Set<number>();
    for (const t of toggles) {
      if (t >= sizes.length || sizes[t] <= 1) continue;
      x.toggle(t);
      if (open.has(t)) open.delete(t); else open.add(t);
    }
    const flat: string[] = [];
    sizes.forEach((n, i) => { flat.push(`r${i}`); if (open.has(i)) for (let k = 0; k < n; k++) flat.push(`e${st[i] + k}`); });
    assert.equal(x.rowCount, flat.length);
    flat.forEach((f, row) => { const a = x.at(row); assert.equal(a.entry < 0 ? `r${a.run}` : `e${a.entry}`, f); });
  }), { seed: 3, numRuns: 300 });
});

test('word problems in the grid are the core\'s decodePfn problems (the hover\'s), word by word, under every layout', () => {
  const v616 = new ProblemCheck(fast(V6_16), 4096);
  for (const raw of TRICKY_WORDS) {
    const [lo, hi] = toHalves(raw);
    assert.deepEqual(v616.of(lo, hi), decodePfn(raw, V6_16, 4096).problems, `0x${raw.toString(16)}`);
  }
  const [lo, hi] = toHalves(0xe000000000401000n);
  assert.equal(v616.of(lo, hi).length, 2, 'VALID|WRITE|ERROR: ERROR with VALID, ERROR with a pfn');
  for (const l of listLayouts()) {
    const chk = new ProblemCheck(new FastLayout(layoutToDto(l)), 4096);
    fc.assert(fc.property(u64, fc.constantFrom(...TRICKY_WORDS), fc.boolean(), (r, t, pick) => {
      const raw = pick ? t : r;
      const [a, b] = toHalves(raw);
      assert.deepEqual(chk.of(a, b), decodePfn(raw, l, 4096).problems, `${l.id} 0x${raw.toString(16)}`);
    }), { seed: 21, numRuns: 400 });
  }
  // the scan over a whole array lists exactly the entries with problems, in runs
  const arr = BigUint64Array.from([...TRICKY_WORDS, ...TRICKY_WORDS]);
  const scan = v616.scan(words(arr), arr.length);
  const flagged = scan.runs.flatMap((x) => Array.from({ length: x.end - x.first }, (_, k) => x.first + k));
  const expected = [...arr].flatMap((x, i) => (decodePfn(x, V6_16).problems.length ? [i] : []));
  assert.deepEqual(flagged, expected);
  assert.equal(scan.entries, expected.length);
});

test('a layout survives its DTO: the webview decodes with the core\'s own layout', () => {
  // the same fields with the same values (a field absent on one side is undefined on the other)
  const clean = (o: object): unknown => JSON.parse(JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  for (const l of listLayouts()) {
    const back = layoutFromDto(layoutToDto(l));
    assert.deepEqual(clean(back), clean(l), l.id);
    for (const raw of TRICKY_WORDS) assert.deepEqual(decodePfn(raw, back).problems, decodePfn(raw, l).problems, `${l.id} ${raw}`);
  }
});

test('orders say what they can be, per page size: order 18 and 16 are not "hugetlb" for sure', () => {
  const o18 = orderMeaning(18, 4096);
  assert.match(o18.text, /^1 GiB: PUD: hugetlb 1 GiB or a DAX \(devmap\) PUD/);
  assert.ok(o18.readings.length > 0);
  const o16 = orderMeaning(16, 4096);
  assert.equal(o16.readings.length, 0, 'no 256 MiB mapping with 4 KiB pages');
  assert.match(o16.text, /no Linux configuration with 4 KiB pages maps this size at once \(with 16 KiB pages it is hugetlb 1 GiB \(contiguous PMDs\) \(arm64\)/);
  assert.match(orderMeaning(16, 16384).text, /^1 GiB: hugetlb 1 GiB \(contiguous PMDs\) \(arm64\)/);
  assert.match(orderMeaning(9, 4096).text, /THP, hugetlb 2 MiB or a DAX \(devmap\) PMD/);
  assert.match(orderMeaning(13, 65536).text, /512 MiB: PMD/);
  // the detail pane's readings: plausible where the core finds no problem and some mapping has the order
  const own = readingsOf(0xc000000000040000n | (18n << 53n), V6_16, 4096);
  assert.equal(own[0].layout.id, 'v6.16');
  assert.equal(own[0].plausible, true);
  assert.equal(readingsOf(0xc000000000040000n | (16n << 53n), V6_16, 4096)[0].plausible, false);
  assert.equal(readingsOf(0xc000000000040000n | (16n << 53n), V6_16, 16384)[0].plausible, true);
  const bad = readingsOf(0xe000000000401000n, V6_16, 4096);
  assert.equal(bad[0].plausible, false);
  assert.deepEqual(bad[0].problems, decodePfn(0xe000000000401000n, V6_16).problems);
  assert.equal(bad.length, listLayouts().length, 'every kernel layout, the walk\'s first');
  // a v5.10 THP word is plausible under v5.10 and not under v6.16 (bits 56.. are pfn there)
  const thp510 = (1n << 63n) | (9n << 56n) | 0x200n;
  const r510 = readingsOf(thp510, listLayouts().find((l) => l.id === 'v5.10')!, 4096);
  assert.equal(r510.find((x) => x.layout.id === 'v5.10')!.plausible, true);
  assert.equal(r510.find((x) => x.layout.id === 'v6.16')!.plausible, false);
});

test('kernel functions link to the modelled release in Elixir; the driver loop does not', () => {
  assert.equal(kernelRelease('v6.12'), 'v6.12');
  assert.equal(kernelRelease('v5.10.3'), 'v5.10');
  assert.match(kernelRelease('latest'), /^v6\.\d+$/);
  assert.match(kernelRelease('proposal:device-private'), /^v6\.\d+$/);
  assert.match(kernelRelease(undefined), /^v6\.\d+$/);
  assert.equal(kernelIdentUrl('hmm_vma_walk_test', 'v6.12'), 'https://elixir.bootlin.com/linux/v6.12/C/ident/hmm_vma_walk_test');
  for (const fn of ['hmm_vma_handle_pte', 'handle_mm_fault', 'mmu_interval_read_begin', 'mmu_notifier_invalidate', 'hmm_range_fault']) {
    assert.ok(isKernelFunction(fn), fn);
    assert.match(kernelIdentUrl(fn, 'v6.16') ?? '', KERNEL_SOURCE_URL_RE);
  }
  for (const fn of ['driver', 'trace', 'during', 'x', '<img src=x>', 'hmm_vma_walk_test(', '../etc/passwd']) {
    assert.equal(kernelIdentUrl(fn, 'v6.16'), undefined, fn);
  }
});

// The inspector protocol: validators reject malformed messages in both directions; conversion and chunking keep
// every u64 exact and never ship more than a tight copy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateHostMessage, validateWebviewMessage } from '../../src/protocol/validate';
import {
  ArrayAssembler, chunkArray, compareToView, layoutToDto, resultToView, toHex, valuesToView, viewMessages, vmaToDto,
} from '../../src/protocol/convert';
import { CHUNK_ENTRIES, MAX_COPY_CHARS } from '../../src/protocol/messages';
import { LAYOUTS, V6_16 } from '../e2e/fixtures/inspector/layouts';
import { faultWalk, retryResult, snapshotWalk } from '../e2e/fixtures/inspector/results';

test('webview messages: well-formed ones pass', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'select', walkIndex: 0, first: 3, end: 9 },
    { type: 'copy', format: 'c', text: 'static const uint64_t x[1] = { 0 };' },
    { type: 'openSource', line: 4, col: 1 },
    { type: 'error', message: 'boom' },
    { type: 'painted', session: 3, ms: 12.5 },
  ]) {
    const v = validateWebviewMessage(m);
    assert.ok(v.ok, JSON.stringify(v));
    assert.deepEqual(v.message, m);
  }
});

test('webview messages: malformed ones are rejected with the field named', () => {
  const bad: [unknown, RegExp][] = [
    [null, /expected an object/],
    ['ready', /expected an object/],
    [[], /expected an object/],
    [{}, /message\.type/],
    [{ type: 'launchMissiles' }, /message\.type: expected one of/],
    [{ type: 'ready', extra: 1 }, /unexpected field "extra"/],
    [{ type: 'select', walkIndex: 0, first: 5, end: 2 }, /select\.end/],
    [{ type: 'select', walkIndex: -1, first: 0, end: 1 }, /select\.walkIndex/],
    [{ type: 'select', walkIndex: 0, first: 0.5, end: 1 }, /select\.first: expected an integer/],
    [{ type: 'select', walkIndex: 0, first: '0', end: 1 }, /select\.first/],
    [{ type: 'select', walkIndex: 0, first: 0, end: Number.POSITIVE_INFINITY }, /select\.end/],
    [{ type: 'copy', format: 'html', text: 'x' }, /copy\.format/],
    [{ type: 'copy', format: 'hex', text: 'x'.repeat(MAX_COPY_CHARS + 1) }, /copy\.text: string longer/],
    [{ type: 'copy', format: 'hex' }, /copy\.text: expected a string/],
    [{ type: 'openSource', line: 0, col: 1 }, /openSource\.line/],
    [{ type: 'error', message: { toString: 1 } }, /error\.message/],
    [{ type: 'painted', session: 1, ms: Number.NaN }, /painted\.ms/],
    [{ type: 'painted', session: 1, ms: -1 }, /painted\.ms/],
  ];
  for (const [m, re] of bad) {
    const v = validateWebviewMessage(m);
    assert.equal(v.ok, false, `accepted ${JSON.stringify(m)?.slice(0, 80)}`);
    if (!v.ok) assert.match(v.error, re);
  }
});

test('webview messages: arbitrary junk never throws and is never accepted as something else', () => {
  fc.assert(fc.property(fc.anything(), (x) => {
    const v = validateWebviewMessage(x);
    if (v.ok) assert.ok(['ready', 'select', 'copy', 'openSource', 'error', 'painted'].includes(v.message.type));
  }), { seed: 42, numRuns: 2000 });
});

test('host messages: a real view passes; bad hex, ranges and layouts are rejected', () => {
  const r = retryResult();
  const view = resultToView(r, 0, LAYOUTS);
  const ok = validateHostMessage({ type: 'view', session: 1, view });
  assert.ok(ok.ok, ok.ok ? '' : ok.error);
  const clone = () => JSON.parse(JSON.stringify(view));
  let v = clone(); v.walks[0].start = '0X7F';
  assert.match(String((validateHostMessage({ type: 'view', session: 1, view: v }) as { error: string }).error), /walks\[0\]\.start/);
  v = clone(); v.walks[0].start = '0x' + 'f'.repeat(17);
  assert.equal(validateHostMessage({ type: 'view', session: 1, view: v }).ok, false);
  v = clone(); v.walks[0].trace[2].end = 17;
  assert.match(String((validateHostMessage({ type: 'view', session: 1, view: v }) as { error: string }).error), /trace\[2\]\.end/);
  v = clone(); v.walks[0].layoutId = 'v9.99';
  assert.match(String((validateHostMessage({ type: 'view', session: 1, view: v }) as { error: string }).error), /layout "v9\.99" not in layouts/);
  v = clone(); v.kind = 'compare';
  assert.equal(validateHostMessage({ type: 'view', session: 1, view: v }).ok, true, 'two walks make a valid compare');
  v.walks.push(v.walks[0]);
  assert.match(String((validateHostMessage({ type: 'view', session: 1, view: v }) as { error: string }).error), /exactly 2 walks/);
  v = clone(); v.walks[0].trace[0].kind = 'explode';
  assert.equal(validateHostMessage({ type: 'view', session: 1, view: v }).ok, false);
});

test('host data messages: buffer must be an ArrayBuffer of whole u64s inside the array', () => {
  const good = { type: 'data', session: 1, walk: 0, array: 'pfns', offset: 2, total: 4, buffer: new ArrayBuffer(16) };
  assert.ok(validateHostMessage(good).ok);
  assert.match((validateHostMessage({ ...good, buffer: new ArrayBuffer(12) }) as { error: string }).error, /multiple of 8/);
  assert.match((validateHostMessage({ ...good, buffer: new ArrayBuffer(24) }) as { error: string }).error, /past the array end/);
  assert.match((validateHostMessage({ ...good, buffer: [1, 2] }) as { error: string }).error, /ArrayBuffer/);
  assert.match((validateHostMessage({ ...good, array: 'other' }) as { error: string }).error, /data\.array/);
  assert.match((validateHostMessage({ ...good, offset: 5 }) as { error: string }).error, /data\.offset/);
  assert.match((validateHostMessage({ ...good, x: 1 }) as { error: string }).error, /unexpected field/);
  assert.match((validateHostMessage({ type: 'data', session: 1, walk: 0, array: 'pfns', offset: 0, total: CHUNK_ENTRIES + 1,
    buffer: new ArrayBuffer((CHUNK_ENTRIES + 1) * 8) }) as { error: string }).error, /more than/);
});

test('layouts and u64 scalars cross as lower-case hex strings, exactly', () => {
  const d = layoutToDto(V6_16);
  assert.equal(d.flags[0].mask, '0x8000000000000000');
  assert.equal(d.flagsMask, '0xffe0000000000000');
  assert.equal(d.pfnMask, '0x1fffffffffffff');
  assert.equal(toHex(-1n), '0xffffffffffffffff');
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (x) => BigInt(toHex(x)) === x), { seed: 7 });
});

test('chunking: tight copies, offsets cover the array, reassembly is exact', () => {
  const pool = new BigUint64Array(1000);
  for (let i = 0; i < pool.length; i++) pool[i] = (BigInt(i) << 40n) | 0xc000000000000000n | BigInt(i);
  const part = pool.subarray(100, 350); // a view into a bigger buffer: only 250 entries must travel
  const chunks = [...chunkArray(3, 1, 'input', part, 64)];
  assert.deepEqual(chunks.map((c) => c.offset), [0, 64, 128, 192]);
  assert.deepEqual(chunks.map((c) => c.buffer.byteLength), [512, 512, 512, 58 * 8]);
  for (const c of chunks) assert.ok(validateHostMessage(c).ok);
  const asm = new ArrayAssembler(250);
  for (const c of chunks.reverse()) asm.add(c.offset, c.buffer);
  assert.ok(asm.complete);
  assert.deepEqual([...asm.values], [...part]);
  const empty = [...chunkArray(1, 0, 'pfns', new BigUint64Array(0))];
  assert.equal(empty.length, 1);
  assert.equal(empty[0].total, 0);
});

test('viewMessages sends the view, then the current walk first, output before input (first rows paint sooner); no input array for a walk without one', () => {
  const r = retryResult();
  const view = resultToView(r, 1, LAYOUTS);
  // walk 0 has per-page input words; walk 1 has none (its result carries no input array)
  assert.ok(r.walks[0].input instanceof BigUint64Array);
  assert.equal(r.walks[1].input, undefined);
  assert.deepEqual(view.walks.map((w) => w.hasInput), [true, false]);
  const msgs = [...viewMessages(9, view, r.walks.map((w) => ({ input: w.input, pfns: w.pfns })))];
  assert.equal(msgs[0].type, 'view');
  const data = msgs.slice(1).map((m) => (m.type === 'data' ? `${m.walk}:${m.array}` : m.type));
  assert.deepEqual(data, ['1:pfns', '0:pfns', '0:input']);
  const vals = [...viewMessages(1, valuesToView(new BigUint64Array([1n]), V6_16, 't'), [{ pfns: new BigUint64Array([1n]) }])];
  assert.deepEqual(vals.map((m) => (m.type === 'data' ? m.array : m.type)), ['view', 'pfns']);
});

test('the runner\'s VMAs cross as hex bounds with their flags split, prot, backing and name', () => {
  const w = resultToView(retryResult(), 0, LAYOUTS).walks[0];
  assert.deepEqual(w.vmas.map((v) => [v.start, v.end, v.prot, v.flags.join('|'), v.backing, v.name]), [
    ['0x7f0000000000', '0x7f000000c000', 'rw-', 'VM_READ|VM_WRITE', 'private anonymous', 'heap'],
    ['0x7f000000c000', '0x7f000000e000', 'rw-', 'VM_READ|VM_WRITE|VM_SHARED|VM_IO|VM_PFNMAP', 'file (shared)', 'mmio'],
    ['0x7f000000e000', '0x7f0000010000', 'r--', 'VM_READ', 'private anonymous', 'ro'],
  ]);
  // a VMA with no flag ('0' in the core's text), no name, above 2^63: exact, and no name key at all
  const d = vmaToDto({ start: 0xffff800000000000n, end: 0xffff800000200000n, prot: '---', flags: '0', backing: 'hugetlb 2M' });
  assert.deepEqual(d, { start: '0xffff800000000000', end: '0xffff800000200000', prot: '---', flags: [], backing: 'hugetlb 2M' });
  assert.equal(valuesToView(new BigUint64Array(1), V6_16, 'x').walks[0].vmas.length, 0);
});

test('host messages: malformed VMAs are rejected with the field named', () => {
  const view = resultToView(retryResult(), 0, LAYOUTS);
  const check = (edit: (vmas: Record<string, unknown>[]) => void, re: RegExp) => {
    const v = JSON.parse(JSON.stringify(view));
    edit(v.walks[0].vmas);
    const r = validateHostMessage({ type: 'view', session: 1, view: v });
    assert.equal(r.ok, false, `accepted ${JSON.stringify(v.walks[0].vmas).slice(0, 200)}`);
    if (!r.ok) assert.match(r.error, re);
  };
  check((m) => { m[0].start = 139637976727552; }, /walks\[0\]\.vmas\[0\]\.start: expected a string/);
  check((m) => { m[0].end = '0x7F000000C000'; }, /vmas\[0\]\.end: expected a u64/);
  check((m) => { m[0].end = m[0].start; }, /vmas\[0\]\.end: expected an address above start/);
  check((m) => { m[1].start = '0x7f0000008000'; }, /vmas\[1\]\.start: VMAs must be in address order/);
  check((m) => { m[0].prot = 'rwz'; }, /vmas\[0\]\.prot/);
  check((m) => { m[0].prot = 'rw-x'; }, /vmas\[0\]\.prot: string longer/);
  check((m) => { m[0].flags = 'VM_READ|VM_WRITE'; }, /vmas\[0\]\.flags: expected an array/);
  check((m) => { m[0].flags = ['VM_READ', '<b>']; }, /vmas\[0\]\.flags\[1\]: expected a VM_\* flag/);
  check((m) => { delete m[2].backing; }, /vmas\[2\]\.backing: expected a string/);
  check((m) => { m[0].name = 7; }, /vmas\[0\]\.name/);
  check((m) => { m[0].derived = true; }, /vmas\[0\]: unexpected field "derived"/);
  const v = JSON.parse(JSON.stringify(view));
  delete v.walks[0].vmas;
  assert.match((validateHostMessage({ type: 'view', session: 1, view: v }) as { error: string }).error, /vmas: expected an array/);
});

test('compare view carries both walks with their own layouts; the XSS name stays data', () => {
  const v = compareToView(snapshotWalk('v5.10'), faultWalk(), 'a <b> c', LAYOUTS);
  assert.equal(v.kind, 'compare');
  assert.deepEqual(v.walks.map((w) => w.layoutId), ['v5.10', 'v6.16']);
  assert.ok(validateHostMessage({ type: 'view', session: 0, view: v }).ok);
  const r = resultToView(retryResult(), 0, LAYOUTS);
  assert.equal(r.title, '<img src=x onerror=alert(1)>');
});

test('openExternal: only kernel-source pages on elixir.bootlin.com for a release, nothing else', () => {
  for (const url of ['https://elixir.bootlin.com/linux/v6.16/C/ident/hmm_vma_walk_test',
    'https://elixir.bootlin.com/linux/v5.10.3/source/mm/hmm.c', 'https://elixir.bootlin.com/linux/v6.12/source/mm/hmm.c#L412']) {
    const v = validateWebviewMessage({ type: 'openExternal', url });
    assert.ok(v.ok, `${url}: ${JSON.stringify(v)}`);
    assert.deepEqual(v.message, { type: 'openExternal', url });
  }
  for (const url of ['https://evil.example/linux/v6.16/C/ident/x', 'http://elixir.bootlin.com/linux/v6.16/C/ident/hmm_range_fault',
    'https://elixir.bootlin.com.evil.example/linux/v6.16/C/ident/x', 'https://elixir.bootlin.com/linux/latest/C/ident/x',
    'https://elixir.bootlin.com/linux/v6.16/source/../../../etc', 'https://elixir.bootlin.com/linux/v6.16//evil',
    'javascript:alert(1)', 'command:workbench.action.terminal.new', 'https://elixir.bootlin.com/linux/v6.16/C/ident/a b',
    'https://elixir.bootlin.com/linux/v6.16/C/ident/x?y=1', 'x'.repeat(500), 42, undefined]) {
    const v = validateWebviewMessage({ type: 'openExternal', url });
    assert.equal(v.ok, false, `accepted ${String(url).slice(0, 80)}`);
  }
  assert.equal(validateWebviewMessage({ type: 'openExternal', url: 'https://elixir.bootlin.com/linux/v6.16/C/ident/x', extra: 1 }).ok, false);
});

test('host source and reveal messages: the file\'s state after a run, a reveal that opens the detail pane', () => {
  for (const m of [{ type: 'source', session: 3, state: 'changed' }, { type: 'source', session: 3, state: 'invalid', detail: 'line 4: bad' },
    { type: 'source', session: 1, state: 'current' }, { type: 'source', session: 1, state: 'deleted' },
    { type: 'reveal', walkIndex: 0, pageIndex: 5, detail: true }, { type: 'reveal', walkIndex: 1, pageIndex: 0 }]) {
    const v = validateHostMessage(m);
    assert.ok(v.ok, JSON.stringify(v));
    assert.deepEqual(v.message, m);
  }
  for (const m of [{ type: 'source', session: 3, state: 'stale?' }, { type: 'source', state: 'changed' },
    { type: 'source', session: 3, state: 'changed', detail: 5 }, { type: 'reveal', walkIndex: 0, pageIndex: 1, detail: 'yes' },
    { type: 'reveal', walkIndex: 0, pageIndex: 1, html: '<b>' }]) {
    assert.equal(validateHostMessage(m).ok, false, JSON.stringify(m));
  }
});

test('layouts cross with their release span and legacy profile; values keep the page size they were decoded with', () => {
  const amd = LAYOUTS.find((l) => l.id === 'legacy:amdgpu')!;
  const dto = layoutToDto(amd);
  assert.deepEqual(dto.profile, { name: 'amdgpu', source: 'builtin', doc: amd.profile!.doc });
  assert.equal(dto.since, amd.since);
  const view = valuesToView(new BigUint64Array([1n]), V6_16, 'one', 16384);
  assert.equal(view.walks[0].pageSize, 16384);
  const v = validateHostMessage({ type: 'view', session: 1, view });
  assert.ok(v.ok);
  const bad = { ...layoutToDto(V6_16), profile: { name: 'x', source: 'elsewhere', doc: '' } };
  assert.equal(validateHostMessage({ type: 'view', session: 1, view: { ...view, layouts: [bad] } }).ok, false);
});

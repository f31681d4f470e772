/**
 * groupMismatches: a walk's expect mismatches as runs of consecutive pages with the same difference, each with the
 * cause from the walk trace; the mode override of a run applies to the walks it selects only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarioText } from '../../src/core/index';
import { causeOf, differText, groupLine, groupMismatches } from '../../src/core/scenario/mismatchGroups';
import type { TraceEvent, WalkMismatch, WalkResult } from '../../src/core/scenario/result';

const DEVPRIV = `hmm: 1
kernel: v6.16
devices: [gpu0, gpu1]
steps:
  - mmap: { name: buf, pages: 1024, prot: rw }
  - write: { at: buf, pages: 1024 }
  - migrate: { at: buf, pages: 512, to: gpu1 }
  - walk:
      device: gpu0
      at: buf
      pages: 1024
      expect:
        pfns: [VALID WRITE dev=gpu0 *512, VALID WRITE *500, VALID *12]
`;

function walkOf(text: string, i = 0): WalkResult {
  const r = runScenarioText(text, 'g.hmm.yaml');
  assert.ok(r.result, JSON.stringify(r.diagnostics));
  return r.result.walks[i];
}

test('512 pages with the same difference are one group, with the cause the trace gives', () => {
  const w = walkOf(DEVPRIV);
  assert.equal(w.expect?.mismatches.length, 524);
  const g = groupMismatches(w);
  assert.equal(g.total, 524);
  assert.equal(g.unlisted, 0);
  assert.deepEqual(g.groups.map((x) => [x.first, x.end, x.expected, x.actual]),
    [[0, 512, 'VALID WRITE dev=gpu0', 'NONE'], [1012, 1024, 'VALID', 'VALID WRITE']]);
  assert.equal(g.groups[0].cause, 'hmm_vma_handle_pte: device-private page of gpu1, caller is gpu0: snapshot reports 0; a faulting walk would migrate it back (migrate_to_ram)');
  assert.equal(g.groups[0].why, 'VALID WRITE missing; pfn 0x0 is not device-private memory, expected gpu0\'s');
  assert.equal(g.groups[0].mismatches.length, 512);
  assert.equal(g.groups[1].cause, 'hmm_vma_handle_pte: present, writable PTE');
  assert.equal(groupLine(g.groups[1]),
    'pages 1012–1023 at 0x7f00003f4000 (12 pages): expected VALID, got VALID WRITE (WRITE not expected) — the walk: hmm_vma_handle_pte: present, writable PTE');
});

function mm(index: number, expected: string, actual: string): WalkMismatch {
  return { index, address: 0x1000n * BigInt(index), expected, actual, actualDecoded: actual, why: `${expected} vs ${actual}`,
    pos: { line: 1, col: 1, endLine: 1, endCol: 2 }, message: `page ${index}` };
}

test('a gap or another difference starts a new group; pages come in any order', () => {
  const w = { trace: [], expect: { ok: false, retOk: true, mismatches: [mm(5, 'A', 'B'), mm(0, 'A', 'B'), mm(1, 'A', 'B'), mm(2, 'A', 'C'), mm(3, 'A', 'C')] } };
  const g = groupMismatches(w);
  assert.deepEqual(g.groups.map((x) => `${x.first}-${x.end}:${x.actual}`), ['0-2:B', '2-4:C', '5-6:B']);
  assert.equal(g.groups[0].cause, undefined, 'no trace, no cause');
});

test('pages past the listed 1000 are counted as unlisted', () => {
  const mismatches = Array.from({ length: 1000 }, (_, i) => mm(i, 'A', 'B'));
  const g = groupMismatches({ trace: [], expect: { ok: false, retOk: true, mismatches, total: 4096 } });
  assert.equal(g.groups.length, 1);
  assert.equal(g.total, 4096);
  assert.equal(g.unlisted, 3096);
});

test('checkExpect counts every mismatching page beyond the listed ones', () => {
  const w = walkOf(`hmm: 1
kernel: v6.16
steps:
  - mmap: { name: buf, pages: 3000, prot: rw }
  - walk: { at: buf, pages: 3000, expect: { pfns: [VALID *3000] } }
`);
  assert.equal(w.expect?.mismatches.length, 1000);
  assert.equal(w.expect?.total, 3000);
  assert.equal(groupMismatches(w).unlisted, 2000);
});

test('the cause comes from the last pass over the pages, output events first', () => {
  const ev = (attempt: number, first: number, end: number, kind: TraceEvent['kind'], why: string): TraceEvent =>
    ({ attempt, fn: 'f', first, end, state: '', rule: '', why, kind });
  const trace = [ev(1, 0, 8, 'output', 'old'), ev(2, 0, 4, 'fault', 'faulted'), ev(2, 0, 4, 'output', 'new'), ev(2, 4, 8, 'output', 'other')];
  assert.equal(causeOf(trace, 0, 2), 'f: new');
  assert.equal(causeOf(trace, 2, 6), 'f: new; f: other');
  assert.equal(causeOf(trace, 9, 10), undefined);
});

test('differText', () => {
  assert.equal(differText(1), '1 page differs');
  assert.equal(differText(1234), '1,234 pages differ');
});

test('a mode override applies to the walks a run selects; the others run as written', () => {
  const text = `hmm: 1
kernel: v6.16
steps:
  - mmap: { name: buf, pages: 2, prot: rw }
  - walk: { name: faults, at: buf, pages: 2, mode: fault }
  - walk: { name: looks, at: buf, pages: 2, expect: { pfns: [VALID zero *2] } }
`;
  const r = runScenarioText(text, 'o.hmm.yaml', { mode: 'snapshot', walks: (_w, i) => i === 1 });
  assert.equal(r.result?.walks.length, 1);
  assert.equal(r.result?.walks[0].expect?.ok, true, 'the fault before it still faulted the zero page in');
});

/**
 * Kernel-fidelity review: the request and fault rules of hmm_range_fault() (mm/hmm.c).
 *
 * Each test names the kernel function and the releases whose behaviour it pins. The expected values come from
 * reading mm/hmm.c (v5.2, v6.16/6.17, v6.18 and mm-new trees), not from the simulator: when a test fails, the model
 * disagrees with the kernel. Words are decoded here with the modern bit positions (VALID 63, WRITE 62, ERROR 61)
 * on purpose, independently of src/core/layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZERO_PFN, runScenarioText } from '../../src/core/index';
import { bumps, faultedPages, kinds, pfn53 as pfnOf, run } from './fidelity-helpers';

test('hmm_pte_need_fault, v5.8+: REQ_WRITE without REQ_FAULT requests nothing (default_flags and per-page input)', () => {
  const [a, b] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - read: { at: buf, pages: 2 }
  - walk: { at: buf, pages: 4, default_flags: [REQ_WRITE] }
  - walk: { at: buf, pages: 4, pfn_flags_mask: [REQ_FAULT, REQ_WRITE], input: { buf: [REQ_WRITE], buf+3: [REQ_WRITE] } }
`);
  for (const w of [a, b]) {
    assert.equal(w.ret, 0);
    assert.deepEqual(kinds(w), ['V', 'V', '0', '0'], 'read-only zero pages stay read-only, holes stay 0');
    assert.equal(pfnOf(w.pfns[0]), BigInt(ZERO_PFN));
    assert.deepEqual(faultedPages(w), [], 'no handle_mm_fault call at all');
  }
});

test('hmm_pte_need_fault: the per-page word counts only through pfn_flags_mask (mask 0: input REQ_FAULT is ignored)', () => {
  const [masked, unmasked] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - walk: { at: buf, pages: 4, input: { buf+1: [REQ_FAULT] } }
  - walk: { at: buf, pages: 4, pfn_flags_mask: [REQ_FAULT], input: { buf+1: [REQ_FAULT] } }
`);
  assert.equal(masked.ret, 0);
  assert.deepEqual(kinds(masked), ['0', '0', '0', '0']);
  assert.deepEqual(faultedPages(masked), []);
  assert.equal(unmasked.ret, 0);
  assert.ok(faultedPages(unmasked).length > 0);
});

test('hmm_vma_walk_hole: the request is the OR over the whole hole and the fault covers the whole hole', () => {
  // No page table below the PMD: one pte_hole call for all 8 pages. Only page 5 asks for a fault, yet
  // hmm_vma_fault(hole start, hole end) faults all of them, so every page ends up VALID (zero page).
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - walk: { at: buf, pages: 8, pfn_flags_mask: [REQ_FAULT], input: { buf+5: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), Array(8).fill('V'));
  assert.deepEqual([...new Set(faultedPages(w))].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7]);
});

test('hmm_vma_handle_pte + hmm_vma_fault: a PTE fault covers [this page, end of the PMD chunk); earlier pages are not faulted', () => {
  // Page 0 is written so a PTE table exists. Page 5 asks for a read fault: pages 5..7 are faulted (6 and 7
  // asked for nothing), pages 1..4 are none and stay 0.
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf }
  - walk: { at: buf, pages: 8, pfn_flags_mask: [REQ_FAULT], input: { buf+5: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', '0', '0', '0', '0', 'V', 'V', 'V']);
  assert.deepEqual([...new Set(faultedPages(w))].sort((x, y) => x - y), [5, 6, 7]);
});

test('hmm_vma_fault: the whole PTE chunk is faulted with the FIRST needing page\'s write-ness', () => {
  // Page 2 asks for read, page 5 for write. Pass 1: page 2 (none) -> read faults on 2..7 (zero pages, also for
  // 3, 4, 6, 7 that asked nothing). Pass 2 restarts at page 2: 2..4 are read-only zero pages and VALID; page 5
  // needs a write -> write faults on 5..7 (COW of the zero page, also for 6 and 7 that asked nothing).
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf }
  - walk:
      at: buf
      pages: 8
      pfn_flags_mask: [REQ_FAULT, REQ_WRITE]
      input: { buf+2: [REQ_FAULT], buf+5: [REQ_FAULT, REQ_WRITE] }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', '0', 'V', 'V', 'V', 'VW', 'VW', 'VW']);
  for (const i of [2, 3, 4]) assert.equal(pfnOf(w.pfns[i]), BigInt(ZERO_PFN), `page ${i} is the zero page`);
  const writeFaults = w.trace.filter((e) => e.fn === 'hmm_vma_fault' && e.state === 'fault:write');
  assert.ok(writeFaults.some((e) => e.first === 5 && e.end === 8), 'one write fault over [5, 8)');
  assert.ok(!writeFaults.some((e) => e.first < 5), 'no write fault before page 5');
});

test('hmm_vma_fault with FAULT_FLAG_WRITE COW-breaks later read-only pages that asked for nothing; the COW breaks bump the notifier', () => {
  // After fork every page is a read-only COW page. Only page 2 asks for write, but the fault covers 2..7 with the
  // write flag: all six are copied (wp_page_copy -> MMU_NOTIFY_CLEAR), so the call returns -EBUSY and the driver
  // loop calls again. Pages 0 and 1 stay read-only.
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf, pages: 8 }
  - fork: {}
  - walk:
      at: buf
      pages: 8
      pfn_flags_mask: [REQ_FAULT, REQ_WRITE]
      input: { buf+2: [REQ_FAULT, REQ_WRITE] }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['V', 'V', 'VW', 'VW', 'VW', 'VW', 'VW', 'VW']);
  assert.equal(w.attempts, 2, 'the COW breaks invalidate the range: -EBUSY, then a second call');
  assert.ok(bumps(w) >= 1);
});

test('hmm_vma_fault, v5.7+: -EPERM is returned before any page is faulted (PTE path)', () => {
  // A read-only VMA: page 0 is the zero page (read), pages 1..7 none. A write request on page 0 needs a write
  // fault, the VMA has no VM_WRITE: -EPERM before handle_mm_fault runs, so pages 1..7 stay unpopulated and
  // every entry (from `last` = page 0 on) still holds its input word.
  const [w, after] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: r }
  - read: { at: buf }
  - walk: { at: buf, pages: 8, mode: fault_write, input: { buf+3: 0x4000 } }
  - walk: { at: buf, pages: 8, mode: snapshot }
`);
  assert.equal(w.ret, -1);
  assert.deepEqual(faultedPages(w), []);
  assert.deepEqual([...w.pfns], [...w.input!], 'no entry written');
  assert.equal(w.pfns[3], 0x4000n);
  assert.deepEqual(kinds(after), ['V', '0', '0', '0', '0', '0', '0', '0'], 'nothing was faulted in');
});

test('hmm_vma_walk_hole -> hmm_vma_fault: -EPERM for a write request over an unpopulated read-only VMA, nothing faulted', () => {
  const [w, after] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: r }
  - walk: { at: buf, pages: 4, mode: fault_write }
  - walk: { at: buf, pages: 4, mode: snapshot }
`);
  assert.equal(w.ret, -1);
  assert.deepEqual(faultedPages(w), []);
  assert.deepEqual(kinds(after), ['0', '0', '0', '0']);
});

test('hmm_vma_walk_hole, v5.7+: a requested page without a VMA is -EFAULT; pages before it hold outputs, the rest their inputs', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - walk: { at: buf, pages: 6, mode: snapshot }
  - walk: { at: buf, pages: 6, mode: fault, input: { buf+4: 0x4000, buf+5: 0x5000 } }
`);
  assert.deepEqual(kinds(snap), ['0', '0', '0', '0', 'E', 'E'], 'snapshot: 0 inside the VMA, ERROR outside');
  assert.equal(w.ret, -14);
  assert.deepEqual(kinds(w).slice(0, 4), ['V', 'V', 'V', 'V']);
  assert.equal(w.pfns[4], 0x4000n, 'failing page keeps its input');
  assert.equal(w.pfns[5], 0x5000n, 'later page keeps its input');
});

test('hmm_vma_handle_pte: a hwpoison entry is 0 in a snapshot and -EFAULT with REQ_FAULT', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf, pages: 4 }
  - madvise: { at: buf+1, pages: 1, advice: hwpoison }
  - walk: { at: buf, pages: 4, mode: snapshot }
  - walk: { at: buf, pages: 4, mode: fault, input: { buf+2: 0x2000 } }
`);
  assert.deepEqual(kinds(snap), ['VW', '0', 'VW', 'VW']);
  assert.equal(w.ret, -14);
  assert.deepEqual(kinds(w)[0], 'VW');
  assert.equal(w.pfns[1], 0n);
  assert.equal(w.pfns[2], 0x2000n);
});

test('hmm_vma_handle_pte: a special PTE is ERROR in a snapshot; ANY REQ_FAULT is -EFAULT even if the PTE already satisfies it (v5.17+ mixedmap)', () => {
  // A read request is satisfied by the present special PTE's cpu flags, so no fault is taken; then
  // vm_normal_page() finds no struct page (and it is not the zero pfn): the request alone gives -EFAULT.
  const [snap, w] = run('latest', `
  - mmap: { name: drv, pages: 2, prot: rw, flags: [shared, mixedmap] }
  - set: { at: drv, pte: special }
  - walk: { at: drv, pages: 2, mode: snapshot }
  - walk: { at: drv, pages: 1, mode: fault }
`);
  assert.deepEqual(kinds(snap), ['E', '0']);
  assert.equal(w.ret, -14);
  assert.deepEqual(faultedPages(w), []);
});

test('hmm_vma_walk_test, v5.7+: an excluded VMA is filled with ERROR and the walk goes on to the next VMA; with a request it is -EFAULT', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: regs, at: 0x7f0000000000, pages: 2, prot: rw, flags: [shared, pfnmap, io] }
  - mmap: { name: buf, at: 0x7f0000002000, pages: 2, prot: rw }
  - mmap: { name: pn, at: 0x7f0000004000, pages: 2, prot: none }
  - mmap: { name: tail, at: 0x7f0000006000, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - walk: { at: regs, pages: 8, mode: snapshot }
  - walk: { at: buf, pages: 6, mode: fault, input: { pn: 0x7000 } }
`);
  assert.equal(snap.ret, 0);
  assert.deepEqual(kinds(snap), ['E', 'E', 'VW', 'VW', 'E', 'E', '0', '0']);
  assert.equal(w.ret, -14, 'PROT_NONE VMA with REQ_FAULT');
  assert.deepEqual(kinds(w).slice(0, 2), ['VW', 'VW']);
  assert.equal(w.pfns[2], 0x7000n, 'the excluded VMA was not filled');
});

test('hmm_vma_walk_test: VM_MIXEDMAP is excluded before v5.17 (ERROR) and walked from v5.17 (none PTE -> 0)', () => {
  const body = `
  - mmap: { name: drv, pages: 2, prot: rw, flags: [shared, mixedmap] }
  - walk: { at: drv, pages: 2, mode: snapshot }
`;
  const [old] = run('v5.16', body);
  assert.deepEqual(kinds(old), ['E', 'E']);
  const [neu] = run('v5.17', body);
  assert.deepEqual(kinds(neu), ['0', '0']);
});

test('walk_page_range: an empty range is -EINVAL (or the scenario refuses pages: 0 with a positioned error)', () => {
  const text = 'hmm: 1\nkernel: latest\nsteps:\n  - mmap: { name: buf, pages: 2, prot: rw }\n  - walk: { at: buf, pages: 0, mode: fault }\n';
  const r = runScenarioText(text, 'empty.hmm.yaml');
  const walk = r.result?.walks[0];
  if (walk) assert.equal(walk.ret, -22, 'hmm_range_fault on start == end returns -EINVAL from walk_page_range');
  else assert.ok(r.diagnostics.some((d) => d.severity === 'error' && d.pos.line === 5 && /pages/.test(d.message)));
});

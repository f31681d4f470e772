/**
 * Kernel-fidelity review: device-private, device-exclusive and migration entries, the mmu interval notifier
 * (what bumps the sequence) and the restart rules of hmm_range_fault() (mm/hmm.c, mm/mmu_notifier.c,
 * lib/test_hmm.c's invalidate policy). Each test names the kernel function and releases it follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bumps, faultedPages, kinds, order53 as order, pfn53, run, runAll } from './fidelity-helpers';

const HUGE = `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
`;

test('hmm_vma_handle_pte, v5.7+: a device-private PTE is reported (device pfn, VALID|WRITE) only to its owner; others read 0', () => {
  const [own, other, nobody] = run('latest', `
  - mmap: { name: buf, pages: 3, prot: rw }
  - write: { at: buf, pages: 3 }
  - migrate: { at: buf+1, pages: 1, to: gpu0 }
  - walk: { device: gpu0, at: buf, pages: 3, mode: snapshot }
  - walk: { device: gpu1, at: buf, pages: 3, mode: snapshot }
  - walk: { at: buf, pages: 3, mode: snapshot }
`);
  assert.deepEqual(kinds(own), ['VW', 'VW', 'VW']);
  assert.deepEqual(kinds(other), ['VW', '0', 'VW']);
  assert.deepEqual(kinds(nobody), ['VW', '0', 'VW'], 'dev_private_owner NULL never equals a pgmap owner');
  assert.notEqual(pfn53(own.pfns[1]), pfn53(own.pfns[0]));
});

test('hmm_vma_handle_pte, v5.7+: the owner\'s device-private page is never faulted, even when REQ_WRITE asks more than a read-only entry gives', () => {
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - set: { at: buf+1, pte: { state: device_private, device: gpu0, write: false } }
  - walk: { device: gpu0, at: buf, pages: 2, mode: fault_write }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'V'], 'VALID without WRITE although REQ_WRITE was asked');
  assert.deepEqual(faultedPages(w), []);
});

test('hmm_vma_handle_pte, ≈v6.0+: another device\'s device-private PTE is faulted back (migrate_to_ram) when REQ_FAULT is set; before: -EFAULT', () => {
  const body = `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - migrate: { at: buf+1, pages: 1, to: gpu0 }
  - walk: { device: gpu1, at: buf, pages: 2, mode: fault }
`;
  const [neu] = run('v6.1', body);
  assert.equal(neu.ret, 0);
  assert.deepEqual(kinds(neu), ['VW', 'VW']);
  assert.ok(faultedPages(neu).includes(1));
  // migrate_to_ram invalidates with MMU_NOTIFY_MIGRATE owned by gpu0: gpu1's interval is bumped -> a second call
  assert.equal(neu.attempts, 2);
  assert.ok(bumps(neu) >= 1);
  const [old] = run('v5.18', body);
  assert.equal(old.ret, -14);
  assert.deepEqual(faultedPages(old), []);
});

test('hmm_vma_handle_absent_pmd, v6.18+: a device-private PMD reads ERROR x512 for a non-owner snapshot, VALID|WRITE order 9 for its owner', () => {
  const [own, other] = run('latest', `${HUGE}
  - write: { at: h, pages: 512 }
  - migrate: { at: h, pages: 512, to: gpu0 }
  - walk: { device: gpu0, at: h, pages: 512, mode: snapshot }
  - walk: { device: gpu1, at: h, pages: 512, mode: snapshot }
`);
  assert.equal(own.ret, 0);
  assert.ok(kinds(own).every((k) => k === 'VW'));
  assert.ok([...own.pfns].every((x) => order(x) === 9));
  for (let i = 1; i < 512; i++) assert.equal(pfn53(own.pfns[i]) - pfn53(own.pfns[i - 1]), 1n);
  assert.equal(other.ret, 0);
  assert.ok(kinds(other).every((k) => k === 'E'), 'non-owner PMD: ERROR (a non-owner PTE would read 0)');
});

test('hmm_vma_handle_absent_pmd, v6.18+ (through mm-new): the owner fill starts at the entry\'s head pfn, NOT offset by where the chunk starts', () => {
  // The kernel takes the pfn of the device-private PMD entry (the head page) and stores it for the first page of
  // [start, end), adding 1 per page — unlike hmm_vma_handle_pmd/pud/hugetlb, which add the offset of `start`
  // inside the huge mapping. A walk that starts 3 pages into the device THP therefore reports the head pfn for
  // page 3. (Kernel quirk, present in every tree read: 6.18, 6.19-era softleaf and mm-new.)
  const [full, mid] = run('latest', `${HUGE}
  - write: { at: h, pages: 512 }
  - migrate: { at: h, pages: 512, to: gpu0 }
  - walk: { device: gpu0, at: h, pages: 512, mode: snapshot }
  - walk: { device: gpu0, at: h+3, pages: 2, mode: snapshot }
`);
  assert.equal(mid.ret, 0);
  assert.deepEqual(kinds(mid), ['VW', 'VW']);
  assert.equal(pfn53(mid.pfns[0]), pfn53(full.pfns[0]), 'page h+3 reported with the head pfn');
  assert.equal(pfn53(mid.pfns[1]), pfn53(full.pfns[1]));
});

test('hmm_vma_handle_pte, v5.14+: a device-exclusive entry reads 0 (even for its device) and a fault restores it, which invalidates', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - exclusive: { at: buf+1, pages: 1, device: gpu0 }
  - walk: { device: gpu0, at: buf, pages: 2, mode: snapshot }
  - walk: { device: gpu0, at: buf, pages: 2, mode: fault }
`);
  assert.deepEqual(kinds(snap), ['VW', '0']);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'VW']);
  assert.ok(faultedPages(w).includes(1));
  // restoring the entry invalidates (MMU_NOTIFY_EXCLUSIVE, no owner): test_hmm's callback bumps its interval
  assert.equal(w.attempts, 2);
});

test('hmm_vma_handle_pte: a migration entry waits and re-walks from that page (internal -EBUSY), with no notifier bump', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf, pages: 4 }
  - set: { at: buf+2, pte: { state: migration, write: true } }
  - walk: { at: buf, pages: 4, mode: snapshot }
  - walk: { at: buf, pages: 4, mode: fault }
`);
  assert.deepEqual(kinds(snap), ['VW', 'VW', '0', 'VW']);
  assert.equal(w.ret, 0);
  assert.equal(w.attempts, 1, 'one hmm_range_fault() call: the restart is internal');
  assert.ok(kinds(w).every((k) => k.startsWith('V')));
  assert.ok(w.trace.some((e) => e.fn === 'hmm_vma_handle_pte' && e.first === 2 && e.kind === 'restart'));
});

test('hmm_range_fault: after an internal -EBUSY the walk restarts at `last`; pages below it are not walked again', () => {
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf, pages: 2 }
  - walk: { at: buf, pages: 8, pfn_flags_mask: [REQ_FAULT], input: { buf+4: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'VW', '0', '0', 'V', 'V', 'V', 'V']);
  const done = w.trace.findIndex((e) => e.fn === 'hmm_vma_fault' && e.state === 'fault:done');
  assert.ok(done > 0);
  const later = w.trace.slice(done + 1).filter((e) => e.kind === 'output');
  assert.ok(later.length > 0);
  assert.ok(later.every((e) => e.first >= 4), 'the second pass starts at page 4 (last)');
});

test('hmm_range_fault: -EBUSY (notifier changed, no driver retry) leaves outputs below `last` and untouched inputs from `last` on', () => {
  // Pages 0..3 present, 4..7 none. After 3 pages are stored a munmap of page 6 invalidates the range. The walk
  // goes on (the seq is only checked between passes), stores page 3, faults [4, 6) and on the next check sees the
  // changed sequence: -EBUSY with last = page 4.
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf, pages: 4 }
  - walk:
      at: buf
      pages: 8
      mode: fault
      retry: false
      input: { buf+4: 0x4000, buf+7: 0x7000 }
      during:
        - after_pages: 3
          step: { munmap: { at: buf+6, pages: 1 } }
`);
  assert.equal(w.ret, -16);
  assert.equal(w.attempts, 1);
  assert.deepEqual(kinds(w).slice(0, 4), ['VW', 'VW', 'VW', 'VW']);
  assert.deepEqual([...w.pfns.slice(4)], [0x4000n, 0n, 0n, 0x7000n]);
});

test('mmu notifier (§5): populating none entries (PTE, THP, hugetlb), swap-in and NUMA restore do not bump the interval', () => {
  const [anon, swap, numa, thp, huge] = run('latest', `
  - mmap: { name: a, pages: 4, prot: rw }
  - walk: { at: a, pages: 4, mode: fault_write }
  - mmap: { name: s, pages: 4, prot: rw }
  - write: { at: s, pages: 4 }
  - madvise: { at: s, pages: 4, advice: pageout }
  - walk: { at: s, pages: 4, mode: fault_write }
  - mmap: { name: n, pages: 2, prot: rw }
  - write: { at: n, pages: 2 }
  - set: { at: n+1, pte: protnone }
  - walk: { at: n, pages: 2, mode: fault }
  - mmap: { name: t, pages: 512, prot: rw }
  - madvise: { at: t, pages: 512, advice: hugepage }
  - walk: { at: t, pages: 512, mode: fault_write }
  - mmap: { name: hp, pages: 512, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - walk: { at: hp, pages: 512, mode: fault_write }
`);
  for (const [name, w] of [['anon none', anon], ['swap-in', swap], ['protnone', numa], ['THP none PMD', thp], ['hugetlb_no_page', huge]] as const) {
    assert.equal(w.ret, 0, name);
    assert.ok(kinds(w).every((k) => k === 'VW'), `${name}: ${kinds(w).slice(0, 4)}`);
    assert.equal(bumps(w), 0, `${name}: no invalidation`);
    assert.equal(w.attempts, 1, name);
  }
  assert.ok([...thp.pfns].every((x) => order(x) === 9), 'THP write fault maps order 9');
});

test('mmu notifier (§5): a write fault that reuses an exclusive anonymous page does not invalidate (v5.18: RO after mprotect)', () => {
  const [w] = run('v5.18', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - mprotect: { at: buf, pages: 2, prot: r }
  - mprotect: { at: buf, pages: 2, prot: rw }
  - walk: { at: buf, pages: 2, mode: fault_write }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'VW']);
  assert.equal(bumps(w), 0);
  assert.equal(w.attempts, 1);
});

test('hmm_vma_fault: a fault chunk that starts at an earlier page runs handle_mm_fault on the owner\'s device-private page too, which migrates it back (do_swap_page -> migrate_to_ram)', () => {
  // hmm never faults the caller's device-private page by itself, but page 1 (none, REQ_FAULT) starts a fault
  // chunk [1, 4): handle_mm_fault() on page 2 finds a device-private entry and calls the pgmap's migrate_to_ram.
  // test_hmm's invalidate callback ignores MIGRATE events of its own device, so the walk is not restarted by the
  // driver, and the re-walk from page 1 reports page 2 as a system page.
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf }
  - write: { at: buf+2 }
  - migrate: { at: buf+2, pages: 1, to: gpu0 }
  - walk: { device: gpu0, at: buf, pages: 4, pfn_flags_mask: [REQ_FAULT], input: { buf+1: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'V', 'VW', 'V']);
  assert.ok(faultedPages(w).includes(2), 'handle_mm_fault ran on the device-private page');
  assert.ok(pfn53(w.pfns[2]) < 0x4000000n, 'page 2 is back in system memory (not a device pfn)');
  assert.equal(w.attempts, 1, 'its own MIGRATE event does not bump gpu0\'s interval');
});

test('hmm_vma_handle_absent_pmd, v6.18+: another device\'s device-private PMD is faulted (migrated back) over the chunk when a page asks for it', () => {
  const [w] = run('latest', `${HUGE}
  - write: { at: h, pages: 512 }
  - migrate: { at: h, pages: 512, to: gpu0 }
  - walk: { device: gpu1, at: h+8, pages: 8, pfn_flags_mask: [REQ_FAULT], input: { h+12: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.ok(kinds(w).every((k) => k.startsWith('V')), 'the whole chunk [h+8, h+16) is faulted and VALID');
  assert.ok([...w.pfns].every((x) => pfn53(x) < 0x4000000n));
});

test('hmm_range_fault: a fault that invalidates its own range (COW) makes the next check return -EBUSY; outputs below `last`, inputs from it', () => {
  // Without the driver's retry loop the caller sees the -EBUSY of the check that follows the internal restart:
  // pages 0-1 were stored in pass 1, page 2 is `last` (where the write fault started), so 2..7 hold their inputs.
  const [w] = run('latest', `
  - mmap: { name: buf, pages: 8, prot: rw }
  - write: { at: buf, pages: 8 }
  - fork: {}
  - walk:
      at: buf
      pages: 8
      retry: false
      pfn_flags_mask: [REQ_FAULT, REQ_WRITE]
      input: { buf+2: [REQ_FAULT, REQ_WRITE], buf+5: 0x5000 }
`);
  assert.equal(w.ret, -16);
  assert.equal(w.attempts, 1);
  assert.deepEqual(kinds(w).slice(0, 2), ['V', 'V']);
  assert.deepEqual([...w.pfns.slice(2)], [...w.input!.slice(2)]);
  assert.equal(w.pfns[5], 0x5000n);
});

test('walk_page_range + hmm_vma_fault: the PTE fault chunk ends at the VMA end, never in the next VMA of the same PMD', () => {
  const [w] = run('latest', `
  - mmap: { name: a, at: 0x7f0000000000, pages: 4, prot: rw }
  - mmap: { name: b, at: 0x7f0000004000, pages: 4, prot: r }
  - write: { at: a }
  - read: { at: b+3 }
  - walk: { at: a, pages: 8, pfn_flags_mask: [REQ_FAULT], input: { a+1: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'V', 'V', 'V', '0', '0', '0', 'V']);
});

// make_device_exclusive on a THP mapped by PTEs. Measured on the devpriv-6.1 kernel (conformance
// exclusive_thp_folio_v6.1 agrees word for word); v6.15 follows "mm/rmap: implement make_device_exclusive() using
// folio_walk instead of rmap walk".
const THP_EXCL = (at: string, pages: number) => `
  - mmap: { name: h, pages: 1024, prot: rw }
  - madvise: { at: h, pages: 1024, advice: hugepage }
  - write: { at: h, pages: 1024 }
  - exclusive: { at: ${at}, pages: ${pages}, device: gpu0 }
  - walk: { device: gpu0, at: h, pages: 1024, mode: snapshot }
`;
const zeros = (w: { pfns: BigUint64Array }) => [...w.pfns].flatMap((x, i) => (x === 0n ? [i] : []));
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

test('make_device_exclusive_range, v5.14-v6.14: the head page of a PTE-mapped THP makes the whole folio device-exclusive; tails are skipped', () => {
  const [head] = run('v6.1', THP_EXCL('h', 1));
  assert.deepEqual(zeros(head), range(0, 512), 'all 512 PTEs of the folio, not only the page asked');
  const [tail] = run('v5.14', THP_EXCL('h+3', 2));
  assert.deepEqual(zeros(tail), [], 'PageTail pages are not converted');
  const [both] = run('v6.14', THP_EXCL('h+510', 4));
  assert.deepEqual(zeros(both), range(512, 1024), 'the first THP keeps its tails; the second head converts its folio');
  const diags = runAll('v6.1', THP_EXCL('h+510', 4)).diagnostics.map((d) => d.message);
  assert.ok(diags.some((m) => /not made exclusive: tail pages of a THP/.test(m) && /made exclusive too/.test(m)), diags.join('\n'));
});

test('make_device_exclusive, v6.15+: exactly the pages asked become device-exclusive, head or tail', () => {
  const [head] = run('v6.15', THP_EXCL('h', 1));
  assert.deepEqual(zeros(head), [0]);
  const [cross] = run('latest', THP_EXCL('h+510', 4));
  assert.deepEqual(zeros(cross), range(510, 514));
  assert.deepEqual(runAll('v6.15', THP_EXCL('h+510', 4)).diagnostics, []);
});

test('migrate_vma_check_page, before v6.19: pages of a THP mapped by PTEs are not migrated (the step warns); v6.19 splits the folio first', () => {
  const body = `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h, pages: 512 }
  - mprotect: { at: h+256, pages: 256, prot: r }
  - migrate: { at: h, pages: 2, to: gpu0 }
  - walk: { device: gpu1, at: h, pages: 4, mode: snapshot }
`;
  const [old] = run('v6.1', body);
  assert.deepEqual(kinds(old), ['VW', 'VW', 'VW', 'VW'], 'still in system memory: gpu1 sees the RAM pages');
  assert.ok(runAll('v6.1', body).diagnostics.some((d) => d.severity === 'warning' && /refuses compound pages/.test(d.message)));
  const [now] = run('v6.19', body);
  assert.deepEqual(kinds(now), ['0', '0', 'VW', 'VW'], 'migrated to gpu0: another device reads 0');
});

test('migrate_vma_collect_pmd, before v6.19: a PMD-mapped THP is split whole (split_huge_page), so its other pages are small afterwards', () => {
  const [w] = run('v6.1', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h, pages: 512 }
  - migrate: { at: h, pages: 1, to: gpu0 }
  - exclusive: { at: h+1, pages: 1, device: gpu0 }
  - walk: { device: gpu0, at: h, pages: 4, mode: snapshot }
`);
  assert.deepEqual(kinds(w), ['VW', '0', 'VW', 'VW'], 'page 1 is a small page now: converted alone');
});

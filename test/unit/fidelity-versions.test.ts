/**
 * Kernel-fidelity review: behaviour that changes with the kernel release — PTE markers, protnone, THP / huge zero
 * page, hugetlb, the map order field, the sticky INOUT flags and the pre-5.8 driver-defined encoding.
 * Each test names the kernel function and the releases it pins. Bit positions are written out here on purpose
 * (VALID 63, WRITE 62, ERROR 61; order at 56 for 5.10–6.15 and at 53 for 6.16+; DMA_MAPPED 60, P2PDMA 59,
 * P2PDMA_BUS 58), independently of src/core/layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZERO_PFN, formatDiagnostic } from '../../src/core/index';
import {
  DMA_MAPPED, FLAGS3, P2PDMA, P2PDMA_BUS, VALID, WRITE, faultedPages, kinds, order53, order56, pfn53, run, runAll,
} from './fidelity-helpers';

const MARKERS = `
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf, pages: 4 }
  - set: { at: buf+1, pte: { state: marker, kind: guard } }
  - set: { at: buf+2, pte: { state: marker, kind: poisoned } }
  - set: { at: buf+3, pte: { state: marker, kind: uffd_wp } }
  - walk: { at: buf, pages: 4, mode: snapshot }
  - walk: { at: buf+1, pages: 1, mode: fault }
  - walk: { at: buf+2, pages: 1, mode: fault }
  - walk: { at: buf+3, pages: 1, mode: fault }
`;

test('hmm_vma_handle_pte, v5.19–v6.18 (pte_none_mostly): every marker is "none": 0 in a snapshot; a fault goes through handle_mm_fault', () => {
  const [snap, guard, poison, uffd] = run('v6.18', MARKERS);
  assert.deepEqual(kinds(snap), ['VW', '0', '0', '0']);
  assert.equal(guard.ret, -14, 'guard marker: handle_mm_fault gives VM_FAULT_SIGSEGV');
  assert.deepEqual(faultedPages(guard), [0]);
  assert.equal(poison.ret, -14, 'poison marker: VM_FAULT_HWPOISON');
  assert.deepEqual(faultedPages(poison), [0]);
  assert.equal(uffd.ret, 0, 'uffd-wp marker in a VMA without userfaultfd: populated like a none PTE');
  assert.ok(kinds(uffd)[0].startsWith('V'));
});

test('hmm_vma_handle_pte, ≈v6.19 (softleaf): only the uffd-wp marker is "none"; guard/poison markers are -EFAULT without any fault', () => {
  const [snap, guard, poison, uffd] = run('v6.19', MARKERS);
  assert.deepEqual(kinds(snap), ['VW', '0', '0', '0']);
  assert.equal(guard.ret, -14);
  assert.deepEqual(faultedPages(guard), [], 'no handle_mm_fault: the non-present path returns -EFAULT directly');
  assert.equal(poison.ret, -14);
  assert.deepEqual(faultedPages(poison), []);
  assert.equal(uffd.ret, 0);
  assert.ok(kinds(uffd)[0].startsWith('V'));
});

test('hmm_vma_fault: a guard marker AFTER the first faulting page fails the call although it asked for nothing (all releases with guard markers)', () => {
  // Page 1 is none and asks for a read; the fault chunk is [1, 4), so handle_mm_fault also runs on page 2, the
  // guard marker: VM_FAULT_SIGSEGV -> -EFAULT. Page 0 was stored before; pages 1.. keep their inputs.
  const body = `
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf }
  - set: { at: buf+2, pte: { state: marker, kind: guard } }
  - walk: { at: buf, pages: 4, pfn_flags_mask: [REQ_FAULT], input: { buf+1: [REQ_FAULT], buf+3: 0x3000 } }
`;
  for (const k of ['v6.13', 'v6.18', 'v6.19']) {
    const [w] = run(k, body);
    assert.equal(w.ret, -14, k);
    assert.deepEqual(kinds(w)[0], 'VW', k);
    assert.equal(w.pfns[3], 0x3000n, `${k}: unwritten entry keeps its input`);
    assert.ok(faultedPages(w).includes(2), `${k}: handle_mm_fault reached the guard page`);
  }
});

test('PTE markers do not exist before v5.19 (uffd-wp), ≈v6.2 (poisoned), v6.13 (guard): setting one is a positioned error', () => {
  const r = runAll('v5.18', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }
`);
  assert.ok(r.diagnostics.some((d) => d.severity === 'error' && /v5\.19/.test(d.message)), r.diagnostics.map(formatDiagnostic).join('\n'));
  const g = runAll('v6.12', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - set: { at: buf, pte: { state: marker, kind: guard } }
`);
  assert.ok(g.diagnostics.some((d) => d.severity === 'error' && /v6\.13/.test(d.message)));
});

test('uffd-wp markers: shmem from v5.19, private anonymous memory only from v6.4 (UFFD_FEATURE_WP_UNPOPULATED)', () => {
  // v5.19–v6.3: pte_install_uffd_wp_if_needed() and change_pte_range() install markers only where
  // !vma_is_anonymous(); "mm/uffd: UFFD_FEATURE_WP_UNPOPULATED" (v6.4) lets anonymous VMAs have them. The real
  // kernels agree (test/kernel: Debian 6.1 leaves no marker in anonymous memory, Debian 6.12 does)
  const anon = (k: string) => runAll(k, `
  - mmap: { name: buf, pages: 1, prot: rw }
  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }
`);
  const e = anon('v6.3').diagnostics.find((d) => d.severity === 'error');
  assert.match(e?.message ?? '', /uffd-wp markers exist in private anonymous memory from v6\.4 \(UFFD_FEATURE_WP_UNPOPULATED\); on v6\.3 only shmem/);
  assert.deepEqual(anon('v6.4').diagnostics.filter((d) => d.severity === 'error'), []);
  const shmem = runAll('v5.19', `
  - mmap: { name: buf, pages: 1, prot: rw, flags: [shared, anonymous] }
  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }
`);
  assert.deepEqual(shmem.diagnostics.filter((d) => d.severity === 'error'), []);
});

// ------------------------------------------------------------------------------------------ protnone / zero

test('hmm_vma_handle_pte, v5.8+: a protnone (NUMA hint) PTE is stored as its pfn with no flag at all; a fault restores it', () => {
  // (`set` installs a fresh page in the protnone state, so the pfn is compared with the one the fault keeps:
  // do_numa_page restores the protection of the same page.)
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - set: { at: buf+1, pte: protnone }
  - walk: { at: buf, pages: 2, mode: snapshot }
  - walk: { at: buf, pages: 2, mode: fault }
`);
  assert.equal(snap.pfns[1] >> 53n, 0n, 'no VALID, WRITE, ERROR or order');
  assert.notEqual(snap.pfns[1], 0n, 'the pfn is reported');
  assert.notEqual(snap.pfns[1], BigInt(ZERO_PFN));
  assert.equal(w.ret, 0);
  assert.ok(kinds(w)[1].startsWith('V'));
  assert.equal(pfn53(w.pfns[1]), snap.pfns[1], 'same page after the NUMA fault');
  assert.equal(w.attempts, 1, 'do_numa_page does not invalidate');
});

test('hmm_vma_handle_pte: the shared zero page is a normal read-only VALID page; a write request COW-breaks it', () => {
  const [snap, w] = run('latest', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - read: { at: buf, pages: 2 }
  - walk: { at: buf, pages: 2, mode: snapshot }
  - walk: { at: buf, pages: 2, mode: fault_write }
`);
  assert.deepEqual(kinds(snap), ['V', 'V']);
  assert.equal(pfn53(snap.pfns[0]), BigInt(ZERO_PFN));
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'VW']);
  assert.notEqual(pfn53(w.pfns[0]), BigInt(ZERO_PFN));
});

// ---------------------------------------------------------------------------------------- THP / order field

test('hmm_vma_handle_pmd: THP -> order 9 (v5.10+ at bit 56, v6.16+ at bit 53), no order field on v5.8', () => {
  const body = `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - walk: { at: h, pages: 512, mode: snapshot }
`;
  const [v58] = run('v5.8', body);
  assert.ok(kinds(v58).every((k) => k === 'VW'));
  assert.ok([...v58.pfns].every((x) => ((x >> 56n) & 31n) === 0n), 'v5.8 has no order field');
  const [v510] = run('v5.10', body);
  assert.ok([...v510.pfns].every((x) => order56(x) === 9));
  const [v616] = run('v6.16', body);
  assert.ok([...v616.pfns].every((x) => order53(x) === 9));
  for (let i = 1; i < 512; i++) assert.equal(pfn53(v616.pfns[i]) - pfn53(v616.pfns[i - 1]), 1n);
});

test('hmm_vma_handle_pmd: the huge zero page is VALID, read-only, order 9, with the huge zero pfn (not the 4K zero pfn)', () => {
  const [w] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - read: { at: h }
  - walk: { at: h+10, pages: 4, mode: snapshot }
`);
  assert.deepEqual(kinds(w), ['V', 'V', 'V', 'V']);
  assert.ok([...w.pfns].every((x) => order53(x) === 9));
  assert.notEqual(pfn53(w.pfns[0]), BigInt(ZERO_PFN));
  assert.equal(pfn53(w.pfns[1]) - pfn53(w.pfns[0]), 1n, 'pfn + offset inside the PMD');
});

test('hmm_vma_handle_pte: PTE-mapped pages of a split THP carry order 0', () => {
  const [w] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - munmap: { at: h+511, pages: 1 }
  - walk: { at: h, pages: 511, mode: snapshot }
`);
  assert.equal(w.ret, 0);
  assert.ok(kinds(w).every((k) => k === 'VW'));
  assert.ok([...w.pfns].every((x) => order53(x) === 0));
});

// ----------------------------------------------------------------------------------------------- hugetlb

const HUGETLB = `
  - mmap: { name: h, pages: 1024, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - write: { at: h+512 }
`;

test('hmm_vma_walk_hugetlb_entry, v5.10+: an existing but empty slot is stored as offset | order with VALID clear', () => {
  const [w] = run('latest', `${HUGETLB}
  - walk: { at: h, pages: 4, mode: snapshot }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual([...w.pfns].map((x) => x >> 61n), [0n, 0n, 0n, 0n]);
  assert.deepEqual([...w.pfns].map(order53), [9, 9, 9, 9]);
  assert.deepEqual([...w.pfns].map(pfn53), [0n, 1n, 2n, 3n]);
});

test('hmm_vma_walk_hugetlb_entry: only the FIRST page\'s input counts — a request on a later page of the huge page is ignored (ret 0, not VALID)', () => {
  const [w] = run('latest', `${HUGETLB}
  - walk: { at: h, pages: 512, pfn_flags_mask: [REQ_FAULT], input: { h+5: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.equal(w.pfns[5] & VALID, 0n, 'page 5 asked for a fault and is still not VALID');
  assert.equal(order53(w.pfns[5]), 9);
  assert.deepEqual(faultedPages(w), []);
});

test('hmm_vma_walk_hugetlb_entry: when the walk starts inside a huge page, the first entry of the chunk is the walk\'s first page', () => {
  const [w] = run('latest', `${HUGETLB}
  - walk: { at: h+5, pages: 4, pfn_flags_mask: [REQ_FAULT], input: { h+5: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.ok(kinds(w).every((k) => k.startsWith('V')), 'the whole chunk [h+5, h+9) is faulted and reported VALID');
  assert.deepEqual([...w.pfns].map(order53), [9, 9, 9, 9]);
});

test('hmm_vma_walk_hugetlb_entry: a 1 GiB hugetlb page reports order 18', () => {
  const [w] = run('latest', `
  - mmap: { name: g, pages: 262144, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 1G }
  - write: { at: g }
  - walk: { at: g+7, pages: 3, mode: snapshot }
`);
  assert.deepEqual(kinds(w), ['VW', 'VW', 'VW']);
  assert.deepEqual([...w.pfns].map(order53), [18, 18, 18]);
});

// ----------------------------------------------------------------------------------------- INOUT flags

test('HMM_PFN_INOUT_FLAGS, v6.16+: sticky bits survive every kind of store (PTE, THP, hugetlb, hole, no-VMA, excluded VMA)', () => {
  const [pte, thp, huge] = run('v6.16', `
  - mmap: { name: buf, at: 0x7f0000000000, pages: 2, prot: rw }
  - mmap: { name: pn, at: 0x7f0000003000, pages: 1, prot: none }
  - write: { at: buf }
  - walk:
      at: buf
      pages: 4
      mode: snapshot
      sticky: { buf: [DMA_MAPPED], buf+1: [P2PDMA], buf+2: [P2PDMA_BUS], pn: [DMA_MAPPED, P2PDMA] }
  - mmap: { name: h, at: 0x7f0000200000, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - walk: { at: h+1, pages: 2, mode: snapshot, sticky: { h+2: [DMA_MAPPED] } }
  - mmap: { name: t, at: 0x7f0000400000, pages: 512, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - write: { at: t }
  - walk: { at: t, pages: 2, mode: snapshot, sticky: { t+1: [P2PDMA_BUS] } }
`);
  const inout = (x: bigint) => x & (DMA_MAPPED | P2PDMA | P2PDMA_BUS);
  assert.deepEqual([...pte.pfns].map(inout), [DMA_MAPPED, P2PDMA, P2PDMA_BUS, DMA_MAPPED | P2PDMA]);
  assert.deepEqual(kinds(pte), ['VW', '0', 'E', 'E']);
  assert.deepEqual([...thp.pfns].map(inout), [0n, DMA_MAPPED]);
  assert.deepEqual([...thp.pfns].map(order53), [9, 9]);
  assert.deepEqual([...huge.pfns].map(inout), [0n, P2PDMA_BUS]);
  assert.deepEqual(kinds(huge), ['VW', 'VW']);
});

test('hmm_vma_handle_pte, v5.8–v6.15: every store overwrites the whole word (bit 60 of the input does not survive)', () => {
  const [w] = run('v6.15', `
  - mmap: { name: buf, pages: 3, prot: rw }
  - write: { at: buf }
  - walk: { at: buf, pages: 3, mode: snapshot, input: { buf: 0x1000000000000000, buf+1: 0x1000000000000000 } }
`);
  assert.equal(w.ret, 0);
  assert.equal(order56(w.pfns[0]), 0, 'bit 60 (order field top bit on this layout) cleared on the PTE store');
  assert.equal(w.pfns[1], 0n, 'a none PTE stores 0');
});

// ----------------------------------------------------------------------------- pre-5.8 encoding (legacy)

const TABLE = `legacy:
  flags: { VALID: 0x1, WRITE: 0x2 }
  values: { ERROR: 0xfffffffffffffffe, NONE: 0x8, SPECIAL: 0xfffffffffffffffc }
  pfn_shift: 12
`;

test('hmm_device_entry_from_pfn, v5.7: flags[VALID] is ORed into every page word (protnone and empty hugetlb slots look VALID)', () => {
  const [snap, huge] = run('v5.7', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - write: { at: buf, pages: 2 }
  - set: { at: buf+1, pte: protnone }
  - walk: { at: buf, pages: 2, mode: snapshot }
  - mmap: { name: h, pages: 1024, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - write: { at: h+512 }
  - walk: { at: h, pages: 2, mode: snapshot }
`, TABLE);
  assert.equal(snap.pfns[0] & 0xfffn, 0x3n, 'present RW: VALID|WRITE');
  assert.equal(snap.pfns[1] & 0xfffn, 0x1n, 'protnone: VALID although the page is not accessible');
  assert.notEqual(snap.pfns[1] >> 12n, 0n);
  assert.deepEqual([...huge.pfns], [0x1n, (1n << 12n) | 0x1n], 'empty hugetlb slot: (offset << shift) | VALID');
});

test('hmm_vma_walk_hole / hmm_vma_walk_test, v5.7: values[NONE] inside a VMA, values[ERROR] without a VMA; no clearing on error', () => {
  const [snap, w] = run('v5.7', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - walk: { at: buf, pages: 4, mode: snapshot }
  - walk: { at: buf, pages: 4, mode: fault, input: { buf+3: 0x5000 } }
`, TABLE);
  assert.deepEqual([...snap.pfns], [0x8n, 0x8n, 0xfffffffffffffffen, 0xfffffffffffffffen]);
  assert.equal(w.ret, -14);
  assert.equal(w.pfns[0] & 0x1n, 0x1n);
  assert.equal(w.pfns[2], 0n, 'failing entry keeps its input (5.7 no longer clears to values[NONE])');
  assert.equal(w.pfns[3], 0x5000n);
});

test('hmm_vma_walk_hole, ≤v5.6: a snapshot hole without a VMA is values[NONE] (5.7 made it values[ERROR])', () => {
  const [w] = run('v5.6', `
  - mmap: { name: buf, pages: 1, prot: rw }
  - walk: { at: buf, pages: 2, mode: snapshot }
`, TABLE);
  assert.deepEqual([...w.pfns], [0x8n, 0x8n]);
});

test('hmm_pte_need_fault, ≤v5.6: device-private pages are reported to every caller with flags[DEVICE_PRIVATE] and faulted only on request', () => {
  const table = TABLE.replace('{ VALID: 0x1, WRITE: 0x2 }', '{ VALID: 0x1, WRITE: 0x2, DEVICE_PRIVATE: 0x4 }');
  const [snap, plain, dp] = run('v5.6', `
  - mmap: { name: buf, pages: 1, prot: rw }
  - write: { at: buf }
  - migrate: { at: buf, pages: 1, to: gpu0 }
  - walk: { device: gpu1, at: buf, pages: 1, mode: snapshot }
  - walk: { device: gpu1, at: buf, pages: 1, mode: fault }
  - walk: { device: gpu1, at: buf, pages: 1, mode: fault, pfn_flags_mask: 0x4, input: { buf: 0x4 } }
`, table);
  assert.equal(snap.pfns[0] & 0x7n, 0x7n, 'VALID|WRITE|DEVICE_PRIVATE');
  assert.equal(plain.ret >= 0, true);
  assert.equal(plain.pfns[0] & 0x4n, 0x4n, 'REQ_FAULT alone does not migrate a device page back');
  assert.deepEqual(faultedPages(plain), []);
  assert.ok(dp.ret >= 0);
  assert.equal(dp.pfns[0] & 0x4n, 0n, 'with flags[DEVICE_PRIVATE] requested it is faulted back to system memory');
});

test('walk_hugetlb_range -> hmm_vma_walk_hole: with no page table for the slot the hole rule applies (OR over the chunk), not the first-entry rule', () => {
  // Nothing else maps this 1 GiB region, so hugetlb_walk() finds no PMD table: pte_hole is called for the huge
  // page, the request of page 5 counts, and the whole huge page is faulted.
  const [w] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - walk: { at: h, pages: 512, pfn_flags_mask: [REQ_FAULT], input: { h+5: [REQ_FAULT] } }
`);
  assert.equal(w.ret, 0);
  assert.ok(kinds(w).every((k) => k.startsWith('V')));
  assert.ok([...w.pfns].every((x) => order53(x) === 9));
});

test('hmm_vma_handle_pmd: a write request on part of a read-only (shared after fork) THP faults that part; the PMD is split and the pages become order 0', () => {
  const [w] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - fork: {}
  - walk: { at: h+10, pages: 4, mode: fault_write }
  - walk: { at: h+8, pages: 8, mode: snapshot }
`);
  assert.equal(w.ret, 0);
  assert.deepEqual(kinds(w), ['VW', 'VW', 'VW', 'VW']);
  assert.deepEqual([...w.pfns].map(order53), [0, 0, 0, 0]);
  assert.ok(w.attempts >= 2, 'the split and the COW breaks invalidate');
});

test('hmm_vma_fault: -EPERM is decided per fault chunk — a writable VMA before the read-only one is faulted and stored first', () => {
  const [w] = run('latest', `
  - mmap: { name: a, at: 0x7f0000000000, pages: 2, prot: rw }
  - mmap: { name: b, at: 0x7f0000002000, pages: 2, prot: r }
  - walk: { at: a, pages: 4, mode: fault_write, input: { b+1: 0x9000 } }
`);
  assert.equal(w.ret, -1);
  assert.deepEqual(kinds(w).slice(0, 2), ['VW', 'VW']);
  assert.deepEqual([...w.pfns.slice(2)], [0n, 0x9000n]);
});

test('hmm_vma_walk_test, ≤v5.6: VM_PFNMAP/VM_IO VMAs fail with -EFAULT even in a snapshot; a VMA without VM_READ fills values[NONE]', () => {
  const r = run('v5.6', `
  - mmap: { name: regs, pages: 2, prot: rw, flags: [shared, pfnmap, io] }
  - walk: { at: regs, pages: 2, mode: snapshot }
  - mmap: { name: pn, pages: 2, prot: none }
  - walk: { at: pn, pages: 2, mode: snapshot }
`, TABLE);
  assert.equal(r[0].ret, -14);
  assert.deepEqual([...r[1].pfns], [0x8n, 0x8n]);
});

// v5.5–v5.6 (walk_page_range + test_walk, HMM_FAULT_SNAPSHOT, interval notifier). Read from a v5.5/5.6-era
// mm/hmm.c: hmm_range_fault() loops walk_page_range() from `last` and, on error, returns the errno as is — the
// [last, end) clearing (hmm_pfns_clear) was removed with the per-VMA loop ("mm/hmm: make full use of
// walk_page_range()", Nov 2019). Entries are written one by one: hmm_vma_walk_hole_() stores values[NONE] in a
// page right before faulting it and values[ERROR] when that fault fails (also when there is no VMA).

test('hmm_vma_walk_hole_ / hmm_range_fault, v5.6: a failed fault writes values[ERROR] into the failing page only; later entries keep their inputs', () => {
  const [w] = run('v5.6', `
  - mmap: { name: buf, pages: 2, prot: rw }
  - walk: { at: buf, pages: 4, mode: fault, input: { buf+3: 0x5000 } }
`, TABLE);
  assert.equal(w.ret, -14);
  assert.equal(w.pfns[0] & 0x1n, 0x1n);
  assert.equal(w.pfns[2], 0xfffffffffffffffen, 'no VMA: hmm_vma_do_fault stores values[ERROR]');
  assert.equal(w.pfns[3], 0x5000n, 'not cleared to values[NONE]');
});

test('hmm_vma_handle_pte, v5.6: a non-present entry that is not swap/device-private/migration (hwpoison) is values[ERROR] and -EFAULT even in a snapshot', () => {
  const [w] = run('v5.6', `
  - mmap: { name: buf, pages: 3, prot: rw }
  - write: { at: buf, pages: 3 }
  - madvise: { at: buf+1, pages: 1, advice: hwpoison }
  - walk: { at: buf, pages: 3, mode: snapshot, input: { buf+2: 0x5000 } }
`, TABLE);
  assert.equal(w.ret, -14);
  assert.equal(w.pfns[0] & 0x3n, 0x3n);
  assert.equal(w.pfns[1], 0xfffffffffffffffen);
  assert.equal(w.pfns[2], 0x5000n);
});

test('hmm_range_fault, ≤v5.4 (per-VMA loop): a VMA without VM_READ clears the WHOLE range to values[NONE] and returns -EPERM, in a snapshot too', () => {
  // v5.4's hmm_range_fault() checks each VMA before walking it: !(vm_flags & VM_READ) → hmm_pfns_clear(range,
  // range->pfns, range->start, range->end); return -EPERM. Removed in 5.5 by "mm/hmm: make full use of
  // walk_page_range()", which moved the check into hmm_vma_walk_test (5.5/5.6: values[NONE] fill, walk goes on)
  const body = `
  - mmap: { name: a, pages: 2, prot: rw }
  - mmap: { name: b, at: a+2, pages: 2, prot: none }
  - mmap: { name: c, at: a+4, pages: 2, prot: rw }
  - write: { at: a, pages: 2 }
  - write: { at: c, pages: 2 }
  - walk: { at: a, pages: 6, mode: snapshot, pfn_flags_mask: 0xffffffffffffffff, input: { c: 0x5000 } }
  - walk: { at: a, pages: 6, mode: fault }
`;
  const [snap, fault] = run('v5.4', body, TABLE);
  assert.equal(snap.ret, -1);
  assert.deepEqual([...snap.pfns], [8n, 8n, 8n, 8n, 8n, 8n], 'every entry, the stored ones before the VMA and the inputs after it');
  assert.equal(fault.ret, -1);
  assert.deepEqual([...fault.pfns], [8n, 8n, 8n, 8n, 8n, 8n]);
  // v5.5 walks on: values[NONE] over the PROT_NONE VMA only, the others are stored
  const [snap55] = run('v5.5', body, TABLE);
  assert.equal(snap55.ret, 6);
  assert.deepEqual([...snap55.pfns].map((w) => w & 0x3n), [3n, 3n, 0n, 0n, 3n, 3n]);
  assert.deepEqual([...snap55.pfns].slice(2, 4), [8n, 8n]);
});

test('hmm_range_fault, ≤v5.4 (per-VMA loop): a VM_IO/VM_PFNMAP VMA is -EFAULT before it is walked; nothing is cleared', () => {
  const [w] = run('v5.4', `
  - mmap: { name: a, pages: 2, prot: rw }
  - mmap: { name: d, at: a+2, pages: 2, prot: rw, flags: [shared, file, io, pfnmap] }
  - write: { at: a, pages: 2 }
  - walk: { at: a, pages: 4, mode: snapshot, pfn_flags_mask: 0xffffffffffffffff, input: { d+1: 0x5000 } }
`, TABLE);
  assert.equal(w.ret, -14);
  assert.deepEqual([...w.pfns].slice(0, 2).map((x) => x & 0x3n), [3n, 3n], 'the pages of the VMA before it keep their outputs');
  assert.deepEqual([...w.pfns].slice(2), [0n, 0x5000n], 'the device VMA\'s entries keep their inputs');
});

test('hmm_vma_handle_pte, v5.7: a fault that fails on a hwpoison entry leaves the failing word as its input (no values[ERROR] store)', () => {
  // "mm/hmm: do not set pfns when returning an error code" (Jason Gunthorpe, in the hmm pull for 5.7) removed the
  // values[ERROR] store that v5.6 makes before returning -EFAULT; v5.7 also checks the request first (a snapshot
  // reads the hwpoison entry as values[NONE])
  const [fault, snap] = run('v5.7', `
  - mmap: { name: buf, pages: 3, prot: rw }
  - write: { at: buf, pages: 3 }
  - madvise: { at: buf+1, pages: 1, advice: hwpoison }
  - walk: { at: buf, pages: 3, mode: fault, pfn_flags_mask: 0xffffffffffffffff, input: { buf+1: 0x5003, buf+2: 0x5000 } }
  - walk: { at: buf, pages: 3, mode: snapshot }
`, TABLE);
  assert.equal(fault.ret, -14);
  assert.equal(fault.pfns[1], 0x5003n, 'the failing word keeps its input');
  assert.equal(fault.pfns[2], 0x5000n);
  assert.equal(snap.ret, 3);
  assert.equal(snap.pfns[1], 0x8n, 'values[NONE] of the table: no request, no error');
});

test('hmm_range_fault, v5.5–v5.7: success returns (last - start) >> PAGE_SHIFT, with `last` moved by the stores', () => {
  // Both v5.6 (read directly) and v5.7 (the file the 5.8 "return 0 or -errno" patch was made against) move `last`
  // to the end of every PTE loop, PMD/PUD/hugetlb fill and excluded-VMA fill, to the START of a hole stored
  // without a fault, and to the fault address in hmm_vma_fault()/hmm_vma_walk_hole_(). So:
  //  a) 4 populated pages -> 4;  b) an unpopulated VMA (one pte_hole) -> 0;
  //  c) page 0 populated, pages 1-3 none inside the same PTE table -> 4 (the PTE loop covers them);
  //  d) fault over an unpopulated VMA: fault, re-walk through the new PTE table -> 4.
  const body = `
  - mmap: { name: a, pages: 4, prot: rw }
  - write: { at: a, pages: 4 }
  - walk: { at: a, pages: 4, mode: snapshot }
  - mmap: { name: b, pages: 4, prot: rw }
  - walk: { at: b, pages: 4, mode: snapshot }
  - mmap: { name: c, pages: 4, prot: rw }
  - write: { at: c }
  - walk: { at: c, pages: 4, mode: snapshot }
  - mmap: { name: d, pages: 4, prot: rw }
  - walk: { at: d, pages: 4, mode: fault }
`;
  for (const k of ['v5.6', 'v5.7']) {
    const walks = run(k, body, TABLE);
    assert.deepEqual(walks.map((w) => w.ret), [4, 0, 4, 4], k);
  }
});

test('hmm_vma_handle_pmd: a THP fault covers the whole chunk from its START (OR of the requests), unlike the PTE path', () => {
  // Only page 100 asks for write on a read-only (forked) THP; the PMD chunk [0, 512) is faulted for write from
  // page 0, so pages 0..99 are COW-copied too (after the split): every page ends VALID|WRITE at order 0.
  const [w] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - fork: {}
  - walk: { at: h, pages: 512, pfn_flags_mask: [REQ_FAULT, REQ_WRITE], input: { h+100: [REQ_FAULT, REQ_WRITE] } }
`);
  assert.equal(w.ret, 0);
  assert.ok(kinds(w).every((k) => k === 'VW'), kinds(w).slice(0, 4).join());
  assert.ok([...w.pfns].every((x) => order53(x) === 0));
});

test('hmm_vma_handle_pmd: a walk that starts inside a THP gets pmd_pfn + the offset of its start', () => {
  const [full, mid] = run('latest', `
  - mmap: { name: h, pages: 512, prot: rw }
  - madvise: { at: h, pages: 512, advice: hugepage }
  - write: { at: h }
  - walk: { at: h, pages: 512, mode: snapshot }
  - walk: { at: h+37, pages: 3, mode: snapshot }
`);
  assert.deepEqual([...mid.pfns], [...full.pfns.slice(37, 40)]);
});

test('hmm_range_fault ≤v5.7 returns (last - start) pages; hmm_vma_handle_pmd sets last = end after its stores, so a `during` step due right after the last THP page does not shorten the count', () => {
  for (const kernel of ['v5.6', 'v5.7']) {
    const [w] = run(kernel, '  - mmap: { name: buf, pages: 1024, prot: rw }\n  - madvise: { at: buf, pages: 1024, advice: hugepage }\n'
      + '  - write: { at: buf, pages: 1024 }\n  - mmap: { name: other, pages: 1, prot: rw }\n'
      + '  - walk: { at: buf, pages: 1024, mode: snapshot, during: [{ after_pages: 1024, step: { read: { at: other } } }] }\n', 'legacy: test_hmm\n');
    assert.equal(w.ret, 1024, `${kernel}: every page counted`);
    assert.ok(w.trace.some((e) => e.kind === 'during'), `${kernel}: the during step ran`);
  }
});

test('do_huge_pmd_wp_page: a write to the huge zero page splits it up to v6.12; from v6.13 do_huge_zero_wp_pmd installs a THP', () => {
  // "mm: allocate THP on hugezeropage wp-fault" (commit 1ced09e0331f, v6.13). Debian's 6.1 and 6.12 kernels split
  // (test/conformance/versions/huge_zero_write_v6.12 agrees with them in test/kernel)
  const body = `
  - mmap: { name: buf, pages: 512, prot: rw }
  - madvise: { at: buf, pages: 512, advice: hugepage }
  - read: { at: buf }
  - write: { at: buf+3 }
  - walk: { at: buf, pages: 512, mode: snapshot }
`;
  const [old] = run('v6.12', body);
  assert.deepEqual(kinds(old).slice(0, 5), ['V', 'V', 'V', 'VW', 'V']);
  assert.equal(order56(old.pfns[3]), 0);
  assert.equal(old.pfns[0] & ((1n << 52n) - 1n), BigInt(ZERO_PFN));
  const [neu] = run('v6.13', body);
  assert.ok([...neu.pfns].every((w) => (w & FLAGS3) === (VALID | WRITE) && order56(w) === 9), 'VALID WRITE order=9 on every page');
  assert.equal(neu.pfns[1] - neu.pfns[0], 1n, 'one THP: consecutive pfns');
});

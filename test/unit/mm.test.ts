/**
 * The simulated process: VMAs (split/merge), page tables, physical memory, CPU faults and the mmu notifier.
 * Comments name the kernel function each rule follows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { behaviourForKernel, type Behaviour } from '../../src/core/behaviour';
import { Process, SimError } from '../../src/core/mm/process';
import { doMmap, doMprotect, doMunmap } from '../../src/core/mm/mmap';
import { doAccess, doFork } from '../../src/core/mm/access';
import { doMadvise } from '../../src/core/mm/madvise';
import { doMigrate, doExclusive } from '../../src/core/mm/migrate';
import { doSet } from '../../src/core/mm/set';
import { F_WRITE, K_DEVICE_PRIVATE, K_HWPOISON, K_NONE, K_PRESENT, K_SWAP, kindOf } from '../../src/core/mm/pte';
import { ZERO_PFN } from '../../src/core/mm/phys';
import type { MmapFlags, Prot } from '../../src/core/scenario/ast';

const ANON: MmapFlags = { shared: false, file: false, pfnmap: false, io: false, mixedmap: false, populate: false };

function proc(kernel = 'v6.19', devices = ['gpu0', 'gpu1'], pageSize = 4096): Process {
  const b = behaviourForKernel(kernel) as Behaviour;
  return new Process(pageSize, devices, b);
}

function map(p: Process, pages: number, prot: Prot = 'rw', flags: Partial<MmapFlags> = {}, start?: number): number {
  return doMmap(p, { pages, prot, flags: { ...ANON, ...flags }, start });
}

function events(p: Process): string[] {
  return p.notifier.history.map((h) => h.event);
}

test('mmap without `at`: lowest free 2 MiB-aligned address at or above 0x7f0000000000', () => {
  const p = proc();
  const a = map(p, 3);
  const b = map(p, 600);
  const c = map(p, 1);
  assert.equal(a * 4096, 0x7f0000000000);
  assert.equal(b * 4096, 0x7f0000200000);
  assert.equal(c * 4096, 0x7f0000600000, 'after the 600-page mapping, next 2 MiB boundary');
});

test('vma_merge / split_vma: mprotect splits a VMA and mprotect back merges it again', () => {
  const p = proc();
  const s = map(p, 8);
  doAccess(p, s, 8, true);
  doMprotect(p, s + 2, 2, 'r');
  assert.equal(p.vmas.list.length, 3);
  doMprotect(p, s + 2, 2, 'rw');
  assert.equal(p.vmas.list.length, 1);
  // two faulted anonymous mappings have different anon_vmas: adjacent, same flags, still two VMAs
  const p2 = proc();
  const x = map(p2, 4, 'rw', {}, 0x7f0000000);
  doAccess(p2, x, 1, true);
  const y = map(p2, 4, 'rw', {}, 0x7f0000004);
  assert.equal(p2.vmas.list.length, 1, 'the new mapping has no anon_vma yet: merged');
  doMunmap(p2, y, 4);
  assert.equal(p2.vmas.list.length, 1);
});

test('munmap removes the page tables nobody uses any more (free_pgtables)', () => {
  const p = proc();
  const s = map(p, 1024);
  doAccess(p, s, 1024, true);
  assert.equal(p.pt.countTables().pte, 2);
  doMunmap(p, s, 512);
  assert.equal(p.pt.countTables().pte, 1);
  doMunmap(p, s + 512, 512);
  assert.equal(p.pt.pgd.size, 0);
});

test('do_anonymous_page: first read maps the zero page, a write maps a new page; neither invalidates', () => {
  const p = proc();
  const s = map(p, 2);
  doAccess(p, s, 1, false);
  doAccess(p, s + 1, 1, true);
  assert.deepEqual(p.pt.getPte(s), [K_PRESENT, ZERO_PFN]);
  const [w, pfn] = p.pt.getPte(s + 1);
  assert.equal(kindOf(w), K_PRESENT);
  assert.ok(w & F_WRITE);
  assert.ok(pfn >= 0x10000);
  assert.deepEqual(events(p), []);
});

test('wp_page_copy vs wp_page_reuse: a write after fork copies (CLEAR), an exclusive read-only page is reused', () => {
  const p = proc();
  const s = map(p, 2);
  doAccess(p, s, 2, true);
  const before = p.pt.getPte(s)[1];
  doFork(p);
  assert.deepEqual(events(p), ['PROTECTION_PAGE']);
  doAccess(p, s, 1, true);
  assert.notEqual(p.pt.getPte(s)[1], before, 'copied');
  assert.deepEqual(events(p), ['PROTECTION_PAGE', 'CLEAR']);
  // exclusive page made read-only by mprotect on a kernel without the mprotect upgrade: the write reuses it
  const q = proc('v5.18');
  const t = map(q, 1);
  doAccess(q, t, 1, true);
  const pfn = q.pt.getPte(t)[1];
  doMprotect(q, t, 1, 'r');
  doMprotect(q, t, 1, 'rw');
  assert.equal(q.pt.getPte(t)[0] & F_WRITE, 0, '5.18: still read-only after mprotect(rw)');
  const n = q.notifier.history.length;
  doAccess(q, t, 1, true);
  assert.equal(q.pt.getPte(t)[1], pfn, 'reused in place');
  assert.equal(q.notifier.history.length, n, 'no invalidation');
});

test('change_pte_range (5.19+): mprotect(PROT_WRITE) makes exclusive anonymous pages writable at once', () => {
  const p = proc('v5.19');
  const s = map(p, 1);
  doAccess(p, s, 1, true);
  doMprotect(p, s, 1, 'r');
  doMprotect(p, s, 1, 'rw');
  assert.ok(p.pt.getPte(s)[0] & F_WRITE);
});

test('change_protection: the PROTECTION_VMA invalidation starts lazily at the first populated entry', () => {
  const p = proc('v6.1');
  const s = map(p, 2048);
  doMprotect(p, s, 2048, 'r');
  assert.deepEqual(events(p), [], 'no page tables: no invalidation');
  doMprotect(p, s, 2048, 'rw');
  doAccess(p, s + 1536, 1, true);
  doMprotect(p, s, 2048, 'r');
  const inv = p.notifier.history.at(-1)!;
  assert.equal(inv.event, 'PROTECTION_VMA');
  assert.equal(inv.start, s + 1536, 'from the first non-none PMD');
  assert.equal(inv.end, s + 2048);
});

test('do_swap_page: pageout leaves swap entries; swap-in does not invalidate', () => {
  const p = proc();
  const s = map(p, 2);
  doAccess(p, s, 2, true);
  doMadvise(p, s, 2, 'pageout');
  assert.equal(kindOf(p.pt.getPte(s)[0]), K_SWAP);
  const n = p.notifier.history.length;
  doAccess(p, s, 2, false);
  assert.equal(kindOf(p.pt.getPte(s)[0]), K_PRESENT);
  assert.ok(p.pt.getPte(s)[0] & F_WRITE, '6.11+ maps an exclusive swapped-in page writable in a VM_WRITE VMA');
  assert.equal(p.notifier.history.length, n);
  const q = proc('v6.10');
  const t = map(q, 1);
  doAccess(q, t, 1, true);
  doMadvise(q, t, 1, 'pageout');
  doAccess(q, t, 1, false);
  assert.equal(q.pt.getPte(t)[0] & F_WRITE, 0, 'before 6.11 a read swap-in maps the page read-only');
});

test('shared file pages keep their pfn across MADV_DONTNEED and refault', () => {
  const p = proc();
  const s = map(p, 2, 'rw', { shared: true, file: true });
  doAccess(p, s, 1, false);
  const pfn = p.pt.getPte(s)[1];
  doMadvise(p, s, 1, 'dontneed');
  assert.equal(kindOf(p.pt.getPte(s)[0]), K_NONE);
  doAccess(p, s, 1, true);
  assert.equal(p.pt.getPte(s)[1], pfn);
});

test('private file mapping: read maps the page-cache page, write copies it (do_cow_fault / wp_page_copy)', () => {
  const p = proc();
  const s = map(p, 2, 'rw', { file: true });
  doAccess(p, s, 1, false);
  const cache = p.pt.getPte(s)[1];
  doAccess(p, s, 1, true);
  assert.notEqual(p.pt.getPte(s)[1], cache);
  assert.equal(p.notifier.history.at(-1)!.event, 'CLEAR');
});

test('migrate to a device and back: MIGRATE events carry the device as owner', () => {
  const p = proc();
  const s = map(p, 2);
  doAccess(p, s, 2, true);
  doMigrate(p, s, 2, 'gpu0');
  assert.equal(kindOf(p.pt.getPte(s)[0]), K_DEVICE_PRIVATE);
  assert.equal(p.phys.deviceOf(p.pt.getPte(s)[1]), 'gpu0');
  doAccess(p, s, 1, false);
  assert.equal(kindOf(p.pt.getPte(s)[0]), K_PRESENT, 'CPU access: migrate_to_ram');
  const migr = p.notifier.history.filter((h) => h.event === 'MIGRATE');
  assert.deepEqual(migr.map((m) => m.owner), ['gpu0', 'gpu0']);
  doMigrate(p, s, 2, 'system');
  assert.equal(kindOf(p.pt.getPte(s + 1)[0]), K_PRESENT);
});

test('migrate_vma_insert_page: an empty page in a VM_WRITE VMA becomes a writable device-private entry', () => {
  const p = proc();
  const s = map(p, 1);
  doMigrate(p, s, 1, 'gpu1');
  const [w] = p.pt.getPte(s);
  assert.equal(kindOf(w), K_DEVICE_PRIVATE);
  assert.ok(w & F_WRITE);
});

test('migrate refuses hugetlb (-EINVAL) and skips shared memory with a warning', () => {
  const p = proc();
  const h = map(p, 512, 'rw', { hugetlb: '2M' });
  assert.throws(() => doMigrate(p, h, 512, 'gpu0'), (e: unknown) => e instanceof SimError && e.severity === 'error');
  const s = map(p, 2, 'rw', { shared: true });
  assert.throws(() => doMigrate(p, s, 2, 'gpu0'), (e: unknown) => e instanceof SimError && e.severity === 'warning');
  assert.throws(() => doMigrate(p, s, 2, 'gpu7'), /unknown device "gpu7"/);
});

test('THP (madvise mode): a write on an aligned MADV_HUGEPAGE range maps a PMD; a read maps the huge zero page', () => {
  const p = proc();
  const s = map(p, 1024);
  doMadvise(p, s, 512, 'hugepage');
  doAccess(p, s + 3, 1, true);
  assert.equal(p.pt.pmdLeaf(s)?.kind, 'thp');
  doAccess(p, s + 512, 1, true);
  assert.equal(p.pt.pmdLeaf(s + 512), undefined, 'not MADV_HUGEPAGE: PTE-mapped');
  const r = map(p, 512, 'r');
  doMadvise(p, r, 512, 'hugepage');
  doAccess(p, r, 1, false);
  assert.equal(p.pt.pmdLeaf(r)?.kind, 'huge_zero');
  // partial munmap of the THP splits it (CLEAR over the PMD)
  doMunmap(p, s + 511, 1);
  assert.equal(p.pt.pmdLeaf(s), undefined);
  assert.ok(p.notifier.history.some((h) => h.event === 'CLEAR' && /split/.test(h.cause)));
});

test('hugetlb: the slot of an unpopulated huge page exists once its page-table level exists', () => {
  const p = proc();
  const s = map(p, 1024, 'rw', { hugetlb: '2M' });
  assert.equal(p.pt.pmdTable(s, false), undefined);
  doAccess(p, s, 1, true);
  assert.ok(p.pt.pmdLeaf(s));
  assert.ok(p.pt.pmdTable(s + 512, false), 'the PMD table (slot for the second huge page) exists');
  assert.throws(() => doMunmap(p, s + 1, 1), /whole/);
});

test('CPU access errors: SIGSEGV on a read-only write, a guard marker, an unmapped address; SIGBUS on hwpoison', () => {
  const p = proc();
  const s = map(p, 4, 'r');
  assert.throws(() => doAccess(p, s, 1, true), /read-only.*SIGSEGV/);
  assert.throws(() => doAccess(p, s + 100, 1, false), /no mapping.*SIGSEGV/);
  const w = map(p, 4);
  doSet(p, w, 1, { state: 'marker', marker: 'guard' });
  assert.throws(() => doAccess(p, w, 1, false), /SIGSEGV/);
  doAccess(p, w + 1, 1, true);
  doMadvise(p, w + 1, 1, 'hwpoison');
  assert.equal(kindOf(p.pt.getPte(w + 1)[0]), K_HWPOISON);
  assert.throws(() => doAccess(p, w + 1, 1, false), /SIGBUS/);
});

test('set: states a VMA cannot hold are refused with the reason', () => {
  const p = proc('v6.19');
  const s = map(p, 2, 'r');
  assert.throws(() => doSet(p, s, 1, { state: 'present', write: true }), /VM_WRITE/);
  assert.throws(() => doSet(p, s, 1, { state: 'special' }), /driver mapping/);
  assert.throws(() => doSet(p, s, 1, { state: 'device_private', device: 'nope', write: false }), /unknown device/);
  const sh = map(p, 1, 'rw', { shared: true });
  assert.throws(() => doSet(p, sh, 1, { state: 'swap' }), /page cache/);
});

test('fork: device-private entries become read-only; a CPU write then migrates back and copies', () => {
  const p = proc();
  const s = map(p, 1);
  doAccess(p, s, 1, true);
  doMigrate(p, s, 1, 'gpu0');
  doFork(p);
  assert.equal(p.pt.getPte(s)[0] & F_WRITE, 0);
  doAccess(p, s, 1, true);
  const [w] = p.pt.getPte(s);
  assert.equal(kindOf(w), K_PRESENT);
  assert.ok(w & F_WRITE);
  assert.deepEqual(p.notifier.history.slice(-2).map((h) => h.event), ['MIGRATE', 'CLEAR']);
});

test('make_device_exclusive (5.14+): entries keep the page; a CPU access restores them with an EXCLUSIVE invalidation', () => {
  const p = proc('v5.14');
  const s = map(p, 1);
  doAccess(p, s, 1, true);
  const pfn = p.pt.getPte(s)[1];
  doExclusive(p, s, 1, 'gpu0');
  doAccess(p, s, 1, false);
  assert.equal(p.pt.getPte(s)[1], pfn);
  assert.equal(p.notifier.history.at(-1)!.event, 'EXCLUSIVE');
  assert.throws(() => doExclusive(proc('v5.13'), 0, 1, 'gpu0'), /5\.14/);
});

test('memory: a populated 4 KiB page costs at most 16 bytes of page table', () => {
  const p = proc();
  const n = 65536;
  const s = map(p, n);
  doAccess(p, s, n, true);
  const t = p.pt.countTables();
  const bytes = t.pte * 4096 * 2;
  assert.ok(bytes / n <= 16, `${bytes / n} bytes per page`);
});

test('page sizes: 16 KiB and 64 KiB pages have 2048/8192-entry tables (PMD leaf 32 MiB / 512 MiB)', () => {
  const p = proc('v6.19', [], 16384);
  assert.equal(p.g.pmdPages, 2048);
  assert.equal(p.g.pmdOrder, 11);
  const q = proc('v6.19', [], 65536);
  assert.equal(q.g.pmdPages, 8192);
  const s = map(q, 4);
  doAccess(q, s, 4, true);
  assert.equal(q.pt.countTables().pte, 1);
  // 2M with 16 KiB pages is an arm64 contiguous-PTE hugetlb size (128 PTEs); 1G with 64 KiB pages is no size at all
  assert.doesNotThrow(() => map(p, 128, 'rw', { hugetlb: '2M' }));
  assert.throws(() => map(q, 16384, 'rw', { hugetlb: '1G' }),
    /huge_page 1G is not a hugetlb page size with page_size 65536: arm64 with 64 KiB pages offers 2M \(32 contiguous PTEs\), 512M \(a PMD\), 16G \(32 contiguous PMDs\)/);
});

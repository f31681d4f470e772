/**
 * hugetlb page sizes per page size (arm64's arch_hugetlb_valid_size: contiguous PTEs, a PMD, contiguous PMDs, a PUD
 * with 4 KiB pages only; x86-64: 2M and 1G) and how hmm_vma_walk_hugetlb_entry() reports them: every page of a huge
 * page with VALID (| WRITE), its pfn (head + offset) and huge_page_order() in the order field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hugetlbSizes } from '../../src/core/mm/hugetlb';
import { FLAGS3, VALID, WRITE, kinds, order53, run, runAll } from './fidelity-helpers';

const PFN = (1n << 53n) - 1n; // v6.16+: the order field starts at bit 53

test('hugetlb sizes: 4 KiB pages offer 64K, 2M, 32M, 1G; 16 KiB pages 2M, 32M, 1G; 64 KiB pages 2M, 512M, 16G', () => {
  const show = (ps: number) => hugetlbSizes(ps).map((s) => `${s.size}:${s.order}:${s.level}`);
  assert.deepEqual(show(4096), ['64K:4:cont-pte', '2M:9:pmd', '32M:13:cont-pmd', '1G:18:pud']);
  assert.deepEqual(show(16384), ['2M:7:cont-pte', '32M:11:pmd', '1G:16:cont-pmd']);
  assert.deepEqual(show(65536), ['2M:5:cont-pte', '512M:13:pmd', '16G:18:cont-pmd']);
});

function checkHuge(pageSize: number, size: string, order: number) {
  const span = 2 ** order;
  const w = run('v6.19', `
  - mmap: { name: h, pages: ${2 * span}, prot: rw, flags: [private, anonymous, hugetlb], huge_page: ${size} }
  - write: { at: h+${span + 1} }
  - walk: { at: h, pages: ${2 * span}, mode: snapshot }
`, `page_size: ${pageSize}\n`)[0];
  // the first huge page is an empty slot only where its page table exists (the second page's fault made it)
  const first = w.pfns.slice(0, span);
  const second = w.pfns.slice(span);
  assert.ok([...second].every((x) => (x & FLAGS3) === (VALID | WRITE) && order53(x) === order), `${size} @ ${pageSize}: VALID WRITE order=${order}`);
  assert.equal((second[span - 1] & PFN) - (second[0] & PFN), BigInt(span - 1), 'consecutive pfns');
  assert.equal((second[0] & PFN) % BigInt(span), 0n, 'the head pfn is aligned to the huge page');
  return first;
}

test('hmm_vma_walk_hugetlb_entry: contiguous-PTE hugetlb pages (64K @ 4K, 2M @ 16K, 2M @ 64K) report their order', () => {
  for (const [ps, size, order] of [[4096, '64K', 4], [16384, '2M', 7], [65536, '2M', 5]] as const) {
    const first = checkHuge(ps, size, order);
    // same PTE table: the neighbouring huge page is an empty slot: offset | order, VALID clear
    assert.ok([...first].every((x, i) => (x & FLAGS3) === 0n && order53(x) === order && (x & PFN) === BigInt(i)), `${size} @ ${ps}: empty slot`);
  }
});

test('hmm_vma_walk_hugetlb_entry: PMD and contiguous-PMD hugetlb pages (32M @ 4K, 32M and 1G @ 16K, 512M @ 64K)', () => {
  for (const [ps, size, order] of [[4096, '32M', 13], [16384, '32M', 11], [16384, '1G', 16], [65536, '512M', 13]] as const) {
    checkHuge(ps, size, order);
  }
});

test('contiguous-PTE hugetlb: a private page is COW-shared after fork and copied on a write; mprotect keeps it read-only', () => {
  const [before, afterFork, afterWrite, ro, rw] = run('v6.19', `
  - mmap: { name: h, pages: 16, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 64K }
  - write: { at: h }
  - walk: { name: before, at: h, pages: 16 }
  - fork: {}
  - walk: { name: after fork, at: h, pages: 16 }
  - walk: { name: write, at: h, pages: 16, mode: fault_write }
  - mprotect: { at: h, pages: 16, prot: r }
  - walk: { name: r, at: h, pages: 16 }
  - mprotect: { at: h, pages: 16, prot: rw }
  - walk: { name: rw again, at: h, pages: 16 }
`);
  assert.deepEqual(kinds(before), Array(16).fill('VW'));
  assert.deepEqual(kinds(afterFork), Array(16).fill('V'));
  assert.deepEqual(kinds(afterWrite), Array(16).fill('VW'));
  assert.equal(afterWrite.attempts, 2, 'the copy (hugetlb_wp) invalidates the range: one -EBUSY round');
  assert.notEqual(afterWrite.pfns[0] & PFN, before.pfns[0] & PFN, 'a new huge page');
  assert.deepEqual(kinds(ro), Array(16).fill('V'));
  assert.deepEqual(kinds(rw), Array(16).fill('V'), 'a private hugetlb page stays read-only after mprotect(rw) until written');
});

test('hugetlb sizes a page size does not offer are refused with the sizes it does offer', () => {
  const r = runAll('v6.19', `
  - mmap: { name: h, pages: 16384, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 1G }
`, 'page_size: 65536\n');
  const e = r.diagnostics.find((d) => d.severity === 'error');
  assert.match(e?.message ?? '', /^huge_page 1G is not a hugetlb page size with page_size 65536: arm64 with 64 KiB pages offers 2M \(32 contiguous PTEs\), 512M \(a PMD\), 16G \(32 contiguous PMDs\)$/);
  const x86 = runAll('v6.19', `
  - mmap: { name: h, pages: 8192, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 512M }
`);
  assert.match(x86.diagnostics.find((d) => d.severity === 'error')?.message ?? '', /with 4 KiB pages, x86-64 offers 2M and 1G and arm64 offers 64K \(16 contiguous PTEs\), 2M \(a PMD\), 32M \(16 contiguous PMDs\), 1G \(a PUD\)/);
});

/**
 * hmm_range_fault() rules, one test per rule. Each comment names the kernel function and the release it pins.
 * Scenarios are YAML text run through runScenarioText; words are checked decoded (flags, pfn, order) or raw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenarioText, decodePfn, formatDiagnostic, getLayout, type WalkResult, type ScenarioResult } from '../../src/core/index';
import { HUGE_ZERO_PFN, ZERO_PFN } from '../../src/core/mm/phys';

function run(body: string, kernel = 'v6.19', extra = ''): ScenarioResult {
  const text = `hmm: 1\nkernel: ${kernel}\ndevices: [gpu0, gpu1]\n${extra}steps:\n${body}`;
  const r = runScenarioText(text, 't.hmm.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map(formatDiagnostic), [], 'unexpected diagnostics');
  assert.ok(r.result);
  return r.result;
}

/** Decoded words of a walk: 'VALID WRITE', 'ERROR', '0' …, plus order when non-zero. */
function words(w: WalkResult): string[] {
  const layout = getLayout(w.layoutId)!;
  return [...w.pfns].map((raw) => {
    const d = decodePfn(raw, layout);
    const f = d.value ? (d.value === 'NONE' ? [] : [d.value]) : [...d.flags];
    if (d.order) f.push(`order=${d.order}`);
    return f.join(' ') || '0';
  });
}

function pfnOf(w: WalkResult, i: number): bigint {
  return decodePfn(w.pfns[i], getLayout(w.layoutId)!).pfn;
}

const walk = (name: string, pages: number, mode: string, more = '') =>
  `  - walk: { name: ${name}, device: gpu0, at: buf, pages: ${pages}, mode: ${mode}${more} }\n`;

test('hmm_vma_walk_hole (5.7+): empty VMA range gives 0, a gap without VMA gives ERROR in a snapshot', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - munmap: { at: buf+2, pages: 1 }\n' + walk('s', 4, 'snapshot'));
  assert.deepEqual(words(r.walks[0]), ['0', '0', 'ERROR', '0']);
  assert.equal(r.walks[0].ret, 0);
});

test('hmm_vma_walk_hole (≤5.6): a snapshot hole without VMA is values[NONE]', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - munmap: { at: buf+2, pages: 1 }\n' + walk('s', 4, 'snapshot'), 'v5.6', 'legacy: amdgpu\n');
  assert.deepEqual([...r.walks[0].pfns], [0n, 0n, 0n, 0n]);
});

test('hmm_vma_walk_hole (5.7+): REQ_FAULT on a gap without VMA gives -EFAULT', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - munmap: { at: buf+2, pages: 1 }\n' + walk('f', 4, 'fault'));
  assert.equal(r.walks[0].ret, -14);
});

test('hmm_pte_need_fault (5.8+): REQ_WRITE without REQ_FAULT requests nothing', () => {
  const r = run('  - mmap: { name: buf, pages: 2, prot: rw }\n'
    + '  - walk: { name: w, at: buf, pages: 2, mode: snapshot, default_flags: [REQ_WRITE] }\n');
  assert.deepEqual(words(r.walks[0]), ['0', '0']);
  assert.equal(r.walks[0].attempts, 1);
});

test('hmm_range_need_fault: a hole is faulted as a whole when any page of it requests a fault', () => {
  // per-page request on the last page only (pfn_flags_mask = REQ_FAULT), empty PMD: the whole hole is faulted
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n'
    + '  - walk: { name: w, at: buf, pages: 4, mode: snapshot, default_flags: 0, pfn_flags_mask: [REQ_FAULT], input: { buf+3: [REQ_FAULT] } }\n'
    + walk('after', 4, 'snapshot'));
  assert.deepEqual(words(r.walks[0]), ['VALID', 'VALID', 'VALID', 'VALID']);
  assert.deepEqual(words(r.walks[1]), ['VALID', 'VALID', 'VALID', 'VALID']);
  for (let i = 0; i < 4; i++) assert.equal(pfnOf(r.walks[1], i), BigInt(ZERO_PFN));
});

test('hmm_vma_fault: -EPERM when a write is needed and the VMA lacks VM_WRITE, before anything is faulted', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: r }\n' + walk('w', 4, 'fault_write') + walk('after', 4, 'snapshot'));
  assert.equal(r.walks[0].ret, -1);
  assert.deepEqual(words(r.walks[1]), ['0', '0', '0', '0'], 'nothing was faulted in');
});

test('hmm_vma_handle_pte → hmm_vma_fault: the first PTE needing a fault faults the rest of the PMD chunk with its write-ness', () => {
  // after fork every page is read-only; only page 0 asks for write, pages 1-3 only for read, yet all are COW-broken
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n  - fork: {}\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 4, mode: fault, pfn_flags_mask: [REQ_WRITE], input: { buf: [REQ_WRITE] } }\n'
    + walk('after', 4, 'snapshot'));
  assert.equal(r.walks[0].ret, 0);
  assert.deepEqual(words(r.walks[1]), ['VALID WRITE', 'VALID WRITE', 'VALID WRITE', 'VALID WRITE']);
});

test('hmm_range_fault: -EBUSY leaves outputs before last and the input words from last on', () => {
  // fork: the write fault COW-breaks (MMU_NOTIFY_CLEAR), so the call that faulted returns -EBUSY
  const r = run('  - mmap: { name: buf, pages: 1024, prot: rw }\n  - write: { at: buf, pages: 1024 }\n  - fork: {}\n'
    + '  - walk: { name: w, device: gpu0, at: buf+510, pages: 4, mode: fault, pfn_flags_mask: [REQ_WRITE], input: { buf+511: [REQ_WRITE], buf+513: [REQ_WRITE] }, retry: false }\n');
  const w = r.walks[0];
  assert.equal(w.ret, -16);
  assert.equal(w.attempts, 1);
  // page 0 (buf+510) was stored before the fault at buf+511; buf+511.. still hold their inputs
  assert.deepEqual(words(w)[0], 'VALID');
  assert.equal(w.pfns[1], w.input![1]);
  assert.equal(w.pfns[2], w.input![2]);
  assert.equal(w.pfns[3], w.input![3]);
  assert.ok(w.trace.some((e) => e.fn === 'mmu_interval_check_retry' && e.first === 1), 'the -EBUSY names last = page 1');
});

test('hmm_range_fault: the notifier is checked before the first walk (during after_pages: 0)', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 4, mode: snapshot, retry: false, during: [ { after_pages: 0, step: { madvise: { at: buf+3, pages: 1, advice: dontneed } } } ] }\n');
  // the walk itself ran on the changed tables and returned 0, but the driver's read_retry sees the bump: without a
  // retry loop the call's own 0 is reported, marked stale (Documentation/mm/hmm.rst: the driver must not use it)
  assert.equal(r.walks[0].ret, 0);
  assert.equal(r.walks[0].stale, true);
  assert.equal(r.walks[0].attempts, 1);
});

test('driver loop (Documentation/mm/hmm.rst): an invalidation during a walk is retried and the retry sees the new state', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 4, mode: snapshot, during: [ { after_pages: 1, step: { madvise: { at: buf+3, pages: 1, advice: dontneed } } } ] }\n');
  assert.equal(r.walks[0].ret, 0);
  assert.equal(r.walks[0].attempts, 2);
  assert.deepEqual(words(r.walks[0]), ['VALID WRITE', 'VALID WRITE', 'VALID WRITE', '0']);
});

test('test_hmm policy: the walking device\'s own MIGRATE events do not invalidate its interval', () => {
  const own = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 4, mode: snapshot, retry: false, during: [ { after_pages: 1, step: { migrate: { at: buf+3, pages: 1, to: gpu0 } } } ] }\n');
  assert.equal(own.walks[0].ret, 0);
  assert.equal(own.walks[0].stale, undefined);
  const other = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - walk: { name: w, device: gpu0, at: buf, pages: 4, mode: snapshot, retry: false, during: [ { after_pages: 1, step: { migrate: { at: buf+3, pages: 1, to: gpu1 } } } ] }\n');
  assert.equal(other.walks[0].ret, 0);
  assert.equal(other.walks[0].stale, true);
});

test('walk_page_range: an empty range returns -EINVAL', async () => {
  const { driverWalk } = await import('../../src/core/walk/driver-loop');
  const { Process } = await import('../../src/core/mm/process');
  const { behaviourForKernel } = await import('../../src/core/behaviour');
  const b = behaviourForKernel('v6.19');
  assert.ok(!('error' in b));
  const p = new Process(4096, [], b);
  const out = driverWalk(p, b, getLayout('v6.16')!, { start: 0x7f0000000, pages: 0, defaultFlags: 0n, pfnFlagsMask: 0n,
    input: new BigUint64Array(0), retry: true, during: [] });
  assert.equal(out.ret, -22);
});

test('hmm_vma_walk_test: PROT_NONE, VM_IO, VM_PFNMAP give ERROR in a snapshot and -EFAULT with REQ_FAULT', () => {
  for (const flags of ['[private, anonymous]', '[shared, file, io]', '[shared, file, pfnmap]']) {
    const prot = flags.includes('anonymous') ? 'none' : 'rw';
    const r = run(`  - mmap: { name: buf, pages: 2, prot: ${prot}, flags: ${flags} }\n` + walk('s', 2, 'snapshot') + walk('f', 2, 'fault'));
    assert.deepEqual(words(r.walks[0]), ['ERROR', 'ERROR'], flags);
    assert.equal(r.walks[1].ret, -14, flags);
  }
});

test('hmm_vma_walk_test (<5.17): VM_MIXEDMAP is excluded; 5.17+ walks it and a special PTE is ERROR', () => {
  const body = '  - mmap: { name: buf, pages: 2, prot: rw, flags: [shared, file, mixedmap] }\n'
    + '  - set: { at: buf, pte: { state: present, write: false } }\n  - set: { at: buf+1, pte: special }\n' + walk('s', 2, 'snapshot');
  assert.deepEqual(words(run(body, 'v5.16').walks[0]), ['ERROR', 'ERROR']);
  assert.deepEqual(words(run(body, 'v5.17').walks[0]), ['VALID', 'ERROR']);
});

test('hmm_vma_handle_pte: a special PTE with any REQ_FAULT gives -EFAULT (5.8+)', () => {
  const r = run('  - mmap: { name: buf, pages: 1, prot: rw, flags: [shared, file, mixedmap] }\n  - set: { at: buf, pte: special }\n' + walk('f', 1, 'fault'));
  assert.equal(r.walks[0].ret, -14);
});

test('hmm_vma_walk_test (5.5–5.6): a VM_MIXEDMAP VMA fails even a snapshot; the array is not cleared', () => {
  const r = run('  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf, pages: 2 }\n'
    + '  - mmap: { name: drv, at: buf+2, pages: 2, prot: rw, flags: [shared, file, mixedmap] }\n' + walk('s', 4, 'snapshot'), 'v5.6', 'legacy: amdgpu\n');
  assert.equal(r.walks[0].ret, -14);
  assert.equal(r.walks[0].pfns[0] & 3n, 3n, 'page 0 holds its output');
  assert.equal(r.walks[0].pfns[2], 0n, 'input word kept (0)');
});

test('hmm_range_fault per-VMA loop (≤5.4): an error inside a VMA clears [last, end) to values[NONE]', () => {
  // a hwpoison entry fails the walk of the VMA (≤5.6: values[ERROR] and -EFAULT even in a snapshot); v5.4's loop then
  // clears from last (the failing page) to the end (hmm_pfns_clear); 5.5+ leaves the inputs
  const body = '  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + '  - madvise: { at: buf+2, pages: 1, advice: hwpoison }\n'
    + '  - walk: { name: f, at: buf, pages: 4, mode: snapshot, default_flags: 0, pfn_flags_mask: 0xffffffffffffffff, input: { buf: 1, buf+1: 1, buf+2: 1, buf+3: 1 } }\n';
  const old = run(body, 'v5.4', 'legacy: nouveau\n').walks[0];
  assert.equal(old.ret, -14);
  assert.deepEqual([...old.pfns].map((x) => x & 3n), [3n, 3n, 0n, 0n], 'pages 2-3 cleared to values[NONE] = 0');
  const v56 = run(body, 'v5.6', 'legacy: nouveau\n').walks[0];
  assert.deepEqual([...v56.pfns].slice(2), [0xfffffffffffffffen, 1n], '5.5+: values[ERROR] at the failing page, the input after it');
});

test('hmm_vma_walk_test (5.7): the same VM_MIXEDMAP VMA is values[ERROR] in a snapshot (special PTEs are unreachable before 5.17)', () => {
  const r = run('  - mmap: { name: buf, pages: 1, prot: rw, flags: [shared, file, mixedmap] }\n  - set: { at: buf, pte: special }\n' + walk('s', 1, 'snapshot'), 'v5.7', 'legacy: amdgpu\n');
  assert.equal(r.walks[0].pfns[0], 0xfffffffffffffffen);
});

test('hmm_vma_handle_pte: device-private page of the caller is VALID with its device pfn and never faulted, even for write', () => {
  const r = run('  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf, pages: 2 }\n  - mprotect: { at: buf, pages: 2, prot: r }\n'
    + '  - mprotect: { at: buf, pages: 2, prot: rw }\n  - migrate: { at: buf, pages: 2, to: gpu0 }\n  - fork: {}\n'
    + walk('w', 2, 'fault_write'));
  assert.equal(r.walks[0].ret, 0);
  assert.deepEqual(words(r.walks[0]), ['VALID', 'VALID']);
  assert.ok(pfnOf(r.walks[0], 0) >= 0x4000000n, 'device pfn');
  assert.equal(r.walks[0].attempts, 1);
});

test('hmm_vma_handle_pte (<≈6.0): a non-owner device-private page with REQ_FAULT gives -EFAULT; 6.0+ migrates it back', () => {
  const body = '  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf, pages: 2 }\n  - migrate: { at: buf, pages: 2, to: gpu1 }\n' + walk('s', 2, 'snapshot') + walk('f', 2, 'fault');
  const old = run(body, 'v5.19');
  assert.deepEqual(words(old.walks[0]), ['0', '0']);
  assert.equal(old.walks[1].ret, -14);
  const nw = run(body, 'v6.0');
  assert.equal(nw.walks[1].ret, 0);
  assert.deepEqual(words(nw.walks[1]), ['VALID WRITE', 'VALID WRITE']);
  assert.equal(nw.walks[1].attempts, 2, 'migrate_to_ram invalidates (MIGRATE from gpu1): one -EBUSY round');
});

test('hmm_vma_handle_absent_pmd (6.18+) with device THP migration (≈6.19): VALID order 9 for the owner, ERROR for others; 6.18 migration splits the THP', () => {
  const body = '  - mmap: { name: buf, pages: 512, prot: rw }\n  - madvise: { at: buf, pages: 512, advice: hugepage }\n'
    + '  - write: { at: buf }\n  - migrate: { at: buf, pages: 512, to: gpu0 }\n'
    + '  - walk: { name: own, device: gpu0, at: buf, pages: 512, mode: snapshot }\n'
    + '  - walk: { name: other, device: gpu1, at: buf, pages: 512, mode: snapshot }\n';
  const r = run(body, 'v6.19');
  assert.deepEqual(new Set(words(r.walks[0])), new Set(['VALID WRITE order=9']));
  assert.deepEqual(new Set(words(r.walks[1])), new Set(['ERROR']));
  const old = run(body, 'v6.18');
  assert.deepEqual(new Set(words(old.walks[0])), new Set(['VALID WRITE']));
  assert.deepEqual(new Set(words(old.walks[1])), new Set(['0']));
});

test('hmm_vma_handle_pte markers: 5.19–6.18 any marker is none-like; 6.19 only uffd-wp (guard fails directly)', () => {
  const body = '  - mmap: { name: buf, pages: 2, prot: rw }\n  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }\n'
    + '  - set: { at: buf+1, pte: { state: marker, kind: guard } }\n' + walk('s', 2, 'snapshot')
    + '  - walk: { name: r0, device: gpu0, at: buf, pages: 1, mode: fault }\n'
    + '  - walk: { name: g, device: gpu0, at: buf+1, pages: 1, mode: fault }\n';
  for (const k of ['v6.13', 'v6.19']) {
    const r = run(body, k);
    assert.deepEqual(words(r.walks[0]), ['0', '0'], k);
    assert.equal(r.walks[1].ret, 0, `${k}: a read fault on a uffd-wp marker populates it`);
    assert.equal(r.walks[2].ret, -14, k);
    const how = r.walks[2].trace.find((e) => e.kind === 'error');
    assert.ok(how);
    // 6.13 (pte_none_mostly) reaches -EFAULT through the failing fault; 6.19 directly in hmm_vma_handle_pte
    assert.equal(how.fn, k === 'v6.13' ? 'handle_mm_fault' : 'hmm_vma_handle_pte', k);
  }
});

test('PTE markers do not exist before 5.19: `set marker` is a positioned error', () => {
  const r = runScenarioText('hmm: 1\nkernel: v5.18\nsteps:\n  - mmap: { name: buf, pages: 1, prot: rw }\n  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }\n', 'm.hmm.yaml');
  const e = r.diagnostics.find((d) => d.severity === 'error');
  assert.ok(e);
  assert.equal(e.pos.line, 5);
  assert.match(e.message, /5\.19/);
});

test('hmm_vma_handle_pte (5.14+): a device-exclusive entry reads 0; a fault restores it (EXCLUSIVE invalidation, one retry)', () => {
  const r = run('  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf, pages: 2 }\n  - exclusive: { at: buf, pages: 2, device: gpu0 }\n'
    + walk('s', 2, 'snapshot') + walk('f', 2, 'fault'), 'v5.14');
  assert.deepEqual(words(r.walks[0]), ['0', '0']);
  assert.equal(r.walks[1].ret, 0);
  assert.equal(r.walks[1].attempts, 2);
  assert.deepEqual(words(r.walks[1]), ['VALID WRITE', 'VALID WRITE']);
  const before = runScenarioText('hmm: 1\nkernel: v5.13\ndevices: [gpu0]\nsteps:\n  - mmap: { name: buf, pages: 1, prot: rw }\n  - exclusive: { at: buf, pages: 1, device: gpu0 }\n', 'e.hmm.yaml');
  assert.ok(before.diagnostics.some((d) => d.severity === 'error' && /5\.14/.test(d.message)));
});

test('hmm_vma_handle_pte: a migration entry reads 0; with REQ_FAULT the walk waits and re-walks (internal -EBUSY)', () => {
  const r = run('  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf }\n  - set: { at: buf+1, pte: { state: migration, write: true } }\n'
    + walk('s', 2, 'snapshot') + walk('f', 2, 'fault'));
  assert.deepEqual(words(r.walks[0]), ['VALID WRITE', '0']);
  assert.equal(r.walks[1].ret, 0);
  assert.equal(r.walks[1].attempts, 1, 'migration completion does not invalidate');
  assert.deepEqual(words(r.walks[1]), ['VALID WRITE', 'VALID WRITE']);
  assert.ok(r.walks[1].trace.some((e) => e.rule.startsWith('wait for migration')));
});

test('hmm_vma_handle_pte: protnone gives the pfn without VALID (5.8+); legacy 5.7 ORs flags[VALID] in', () => {
  const body = '  - mmap: { name: buf, pages: 1, prot: rw }\n  - write: { at: buf }\n  - set: { at: buf, pte: protnone }\n' + walk('s', 1, 'snapshot');
  const m = run(body, 'v6.19');
  const d = decodePfn(m.walks[0].pfns[0], getLayout(m.walks[0].layoutId)!);
  assert.deepEqual([...d.flags], []);
  assert.ok(d.pfn >= 0x10000n);
  const l = run(body, 'v5.7', 'legacy: amdgpu\n');
  assert.equal(l.walks[0].pfns[0] & 3n, 1n, 'flags[VALID] without flags[WRITE]');
});

test('hmm_vma_walk_hugetlb_entry: only the first page of the chunk decides the fault; an empty slot gives offset|order without VALID', () => {
  const body = '  - mmap: { name: buf, pages: 1024, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }\n  - write: { at: buf }\n'
    + '  - walk: { name: notfirst, device: gpu0, at: buf+512, pages: 4, mode: snapshot, pfn_flags_mask: [REQ_FAULT], input: { buf+513: [REQ_FAULT] } }\n'
    + '  - walk: { name: first, device: gpu0, at: buf+512, pages: 4, mode: snapshot, pfn_flags_mask: [REQ_FAULT], input: { buf+512: [REQ_FAULT] } }\n';
  const r = run(body);
  assert.deepEqual(words(r.walks[0]), ['order=9', 'order=9', 'order=9', 'order=9']);
  assert.equal(pfnOf(r.walks[0], 3), 3n, 'pfn field = 0 + page offset');
  assert.deepEqual(words(r.walks[1]), ['VALID order=9', 'VALID order=9', 'VALID order=9', 'VALID order=9']);
});

test('map order (5.10+, hmm_pfn_flags_order): THP order 9, 1 GiB hugetlb order 18; none before 5.10; moved to bit 53 in 6.16', () => {
  const body = '  - mmap: { name: buf, pages: 512, prot: rw }\n  - madvise: { at: buf, pages: 512, advice: hugepage }\n  - write: { at: buf }\n' + walk('s', 1, 'snapshot');
  assert.deepEqual(words(run(body, 'v5.8').walks[0]), ['VALID WRITE']);
  const a = run(body, 'v5.10').walks[0];
  assert.equal(a.pfns[0] >> 56n, 0xc0n | 9n);
  const b = run(body, 'v6.16').walks[0];
  assert.equal((b.pfns[0] >> 53n) & 0x1fn, 9n);
});

test('huge zero page: VALID order 9 with the huge-zero pfn, not the 4 KiB zero page', () => {
  const r = run('  - mmap: { name: buf, pages: 512, prot: r }\n  - madvise: { at: buf, pages: 512, advice: hugepage }\n  - read: { at: buf }\n' + walk('s', 2, 'snapshot'));
  assert.deepEqual(words(r.walks[0]), ['VALID order=9', 'VALID order=9']);
  assert.equal(pfnOf(r.walks[0], 1), BigInt(HUGE_ZERO_PFN + 1));
});

test('6.16 HMM_PFN_INOUT_FLAGS are kept on every store; 6.15 overwrites the word', () => {
  const body = '  - mmap: { name: buf, pages: 2, prot: rw }\n  - write: { at: buf }\n'
    + '  - walk: { name: s, at: buf, pages: 2, mode: snapshot, input: { buf: 0x1000000000000000, buf+1: 0x1000000000000000 } }\n';
  const n = run(body, 'v6.16').walks[0];
  assert.equal(n.pfns[0] >> 60n, 0xdn, 'VALID|WRITE|DMA_MAPPED');
  assert.equal(n.pfns[1], 0x1000000000000000n, '0 plus the sticky bit');
  const o = run(body, 'v6.15').walks[0];
  assert.equal(o.pfns[1], 0n);
});

test('legacy ≤5.6: device-private pages carry flags[DEVICE_PRIVATE] for every device, faulted only on request (nouveau)', () => {
  const body = '  - mmap: { name: buf, pages: 1, prot: rw }\n  - write: { at: buf }\n  - set: { at: buf, pte: { state: device_private, device: gpu1, write: true } }\n'
    + walk('s', 1, 'snapshot') + walk('f', 1, 'fault') + walk('after', 1, 'snapshot');
  const r = run(body, 'v5.6', 'legacy: nouveau\n');
  assert.equal(r.walks[0].pfns[0] & 0x13n, 0x13n, 'V|W|VRAM');
  assert.equal(r.walks[1].pfns[0] & 0x13n, 0x13n, 'REQ_FAULT alone does not migrate it back');
  assert.equal(r.walks[2].pfns[0] & 0x10n, 0x10n);
});

test('hmm_range_fault (≤5.7): the success count is (last - start) >> PAGE_SHIFT; last stays at the start of an unfaulted hole', () => {
  const r = run('  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 2 }\n' + walk('f', 4, 'fault')
    + '  - mmap: { name: e, pages: 4, prot: rw }\n  - walk: { at: e, pages: 4, mode: snapshot }\n'
    + '  - walk: { at: buf, pages: 8, mode: snapshot }\n', 'v5.7', 'legacy: amdgpu\n');
  assert.equal(r.walks[0].ret, 4, 'the re-walk stores through the whole PTE table');
  assert.equal(r.walks[1].ret, 0, 'one pte_hole stored without a fault: last stays at its start');
  assert.ok(r.walks[2].ret >= 0);
  const m = run('  - mmap: { name: buf, pages: 4, prot: rw }\n' + walk('s', 4, 'snapshot'), 'v5.8');
  assert.equal(m.walks[0].ret, 0, '5.8+: 0 or -errno');
});

test('write fault on a THP shared after fork splits it: the result has order 0', () => {
  const r = run('  - mmap: { name: buf, pages: 512, prot: rw }\n  - madvise: { at: buf, pages: 512, advice: hugepage }\n  - write: { at: buf }\n  - fork: {}\n'
    + walk('w', 512, 'fault_write'));
  assert.equal(r.walks[0].ret, 0);
  assert.deepEqual(new Set(words(r.walks[0])), new Set(['VALID WRITE']));
});

test('trace: runs are compressed, and each event names a kernel function and says why', () => {
  const r = run('  - mmap: { name: buf, pages: 4096, prot: rw }\n  - write: { at: buf, pages: 4096 }\n  - migrate: { at: buf+100, pages: 1, to: gpu1 }\n' + walk('s', 4096, 'snapshot'));
  const t = r.walks[0].trace.filter((e) => e.fn === 'hmm_vma_handle_pte');
  assert.equal(t.length, 3, 'present run, the device-private page, present run');
  const dp = t[1];
  assert.equal(dp.first, 100);
  assert.match(dp.why, /gpu1.*caller is gpu0.*migrate it back/);
});

/** Leaves no scenario step produces (DAX PUDs, bad PMDs, PMD migration entries), put into the page table directly. */
async function rawWalk(setup: (p: import('../../src/core/mm/process').Process, s: number) => void, mode: 'snapshot' | 'fault', pages: number) {
  const { driverWalk } = await import('../../src/core/walk/driver-loop');
  const { Process } = await import('../../src/core/mm/process');
  const { doMmap } = await import('../../src/core/mm/mmap');
  const { behaviourForKernel } = await import('../../src/core/behaviour');
  const b = behaviourForKernel('v6.19');
  assert.ok(!('error' in b));
  const p = new Process(4096, ['gpu0'], b);
  const s = doMmap(p, { start: 0x7f0000000 - (0x7f0000000 % 262144) + 262144, pages: 262144, prot: 'rw',
    flags: { shared: true, file: true, pfnmap: false, io: false, mixedmap: false, populate: false } });
  setup(p, s);
  const layout = getLayout('v6.16')!;
  const out = driverWalk(p, b, layout, { start: s, pages, defaultFlags: mode === 'fault' ? 1n << 63n : 0n, pfnFlagsMask: 0n,
    input: new BigUint64Array(pages), retry: false, during: [] });
  return { out, layout, p, s };
}

test('hmm_vma_walk_pud: a PUD leaf (DAX) gives consecutive pfns with order 18', async () => {
  const { mkLeaf } = await import('../../src/core/mm/pte');
  const { out, layout } = await rawWalk((p, s) => p.pt.setPudSlot(s, mkLeaf('dax', 0x40000, true)), 'snapshot', 3);
  assert.equal(out.ret, 0);
  const d = decodePfn(out.pfns[2], layout);
  assert.deepEqual([...d.flags], ['VALID', 'WRITE']);
  assert.equal(d.order, 18);
  assert.equal(d.pfn, 0x40002n);
});

test('hmm_vma_walk_pmd: a bad PMD is ERROR in a snapshot and -EFAULT with REQ_FAULT', async () => {
  const { mkLeaf } = await import('../../src/core/mm/pte');
  const set = (p: import('../../src/core/mm/process').Process, s: number) => p.pt.setPmdSlot(s, mkLeaf('bad', 0, false));
  const snap = await rawWalk(set, 'snapshot', 2);
  assert.deepEqual([...snap.out.pfns], [1n << 61n, 1n << 61n]);
  const f = await rawWalk(set, 'fault', 2);
  assert.equal(f.out.ret, -14);
});

test('hmm_vma_walk_pmd: a PMD migration entry is 0 in a snapshot; a fault waits and re-walks', async () => {
  const { mkLeaf } = await import('../../src/core/mm/pte');
  const set = (p: import('../../src/core/mm/process').Process, s: number) => p.pt.setPmdSlot(s, mkLeaf('migration', 0x80000, true));
  const snap = await rawWalk(set, 'snapshot', 2);
  assert.deepEqual([...snap.out.pfns], [0n, 0n]);
  const f = await rawWalk(set, 'fault', 2);
  assert.equal(f.out.ret, 0);
  assert.deepEqual(decodePfn(f.out.pfns[0], f.layout).flags, ['VALID', 'WRITE']);
  assert.ok(f.out.trace.some((e) => e.state === 'pmd:migration' && e.kind === 'restart'));
});

test('COW after fork: each driver call gets one PMD chunk further (one -EBUSY per chunk); the trace follows runs, not pages', () => {
  const r = run('  - mmap: { name: buf, pages: 65536, prot: rw }\n  - write: { at: buf, pages: 65536 }\n  - fork: {}\n' + walk('w', 65536, 'fault_write'));
  const w = r.walks[0];
  assert.equal(w.ret, 0);
  assert.equal(w.attempts, 65536 / 512 + 1);
  assert.ok(w.trace.length < (65536 / 512) * 12, `${w.trace.length} events`);
  assert.ok(!w.trace.some((e) => e.state === 'trace:truncated'));
});

test('driver loop (Documentation/mm/hmm.rst): a retry reads the previous call\'s outputs as requests; refill: true restores the inputs', () => {
  // call 1 stores pages 0-1 (VALID WRITE), then a fork write-protects them and the invalidation makes the walk
  // return -EBUSY. The documented loop sets hmm_pfns once: on call 2 page 0's output VALID|WRITE passes the mask as
  // REQ_FAULT|REQ_WRITE, so the now write-protected page is write-faulted (a COW copy). A driver that refills its
  // inputs asks only REQ_FAULT again: the page stays read-only, shared with the child.
  const body = (refill: boolean) => '  - mmap: { name: buf, pages: 4, prot: rw }\n  - write: { at: buf, pages: 4 }\n'
    + `  - walk: { name: w, device: gpu0, at: buf, pages: 4, refill: ${refill}, default_flags: 0, pfn_flags_mask: [REQ_FAULT, REQ_WRITE],`
    + ' input: { buf: [REQ_FAULT], buf+1: [REQ_FAULT], buf+2: [REQ_FAULT], buf+3: [REQ_FAULT] },'
    + ' during: [ { after_pages: 2, step: { fork: {} } } ] }\n';
  const documented = run(body(false)).walks[0];
  assert.equal(documented.ret, 0);
  // call 2 write-faults from page 0 to the end of the PTE chunk (hmm_vma_fault takes the OR of the requests over
  // [addr, end)): all four pages are copied, and the copies invalidate the range: a third call finds them writable
  assert.equal(documented.attempts, 3);
  assert.deepEqual(words(documented), ['VALID WRITE', 'VALID WRITE', 'VALID WRITE', 'VALID WRITE']);
  const refilled = run(body(true)).walks[0];
  assert.equal(refilled.attempts, 2);
  assert.deepEqual(words(refilled), ['VALID', 'VALID', 'VALID', 'VALID']);
});

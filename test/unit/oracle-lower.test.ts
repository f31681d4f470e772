/**
 * The real-kernel lowering (src/core/oracle/lower.ts): which scenario steps become which system calls and probe
 * ioctls, and which walks are not expressible on a kernel, with the reason.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lowerScenario } from '../../src/core/oracle/lower';
import { programText } from '../../src/core/oracle/program';
import { VM_TARGETS, hostTarget, releaseOfUname } from '../../src/core/oracle/targets';
import { parseScenario } from '../../src/core/scenario/parse';

function lower(body: string, target: keyof typeof VM_TARGETS = 'debian-6.1', head = 'kernel: v6.19\ndevices: [gpu0, gpu1, gpu2]\n') {
  const p = parseScenario(`hmm: 1\n${head}steps:\n${body}`, 's.hmm.yaml');
  assert.ok(p.scenario, p.diagnostics.map((d) => d.message).join('; '));
  const l = lowerScenario(p.scenario!, VM_TARGETS[target]);
  return { l, text: programText('t', l.ops).text.split('\n').slice(1, -1) };
}

test('lower: mmap at the simulator\'s addresses, accesses and a walk with its resolved flags', () => {
  const { l, text } = lower('  - mmap: { name: a, pages: 4, prot: rw }\n  - mmap: { name: b, pages: 2, prot: r, flags: [shared, file] }\n'
    + '  - write: { at: a+1, pages: 2 }\n  - read: { at: b }\n'
    + '  - walk: { device: gpu1, at: a, pages: 4, mode: fault_write, input: { a+3: [REQ_FAULT] }, pfn_flags_mask: [REQ_FAULT] }\n');
  assert.deepEqual(text, [
    'mmap 0x7f0000000000 4 rw private anon',
    'mmap 0x7f0000200000 2 r shared file',
    'write 0x7f0000001000 2',
    'read 0x7f0000200000 1',
    'walk 0 0x7f0000000000 4 0xc000000000000000 0x8000000000000000 1 retry',
    'in 3 1 0x8000000000000000',
    'go',
  ]);
  assert.equal(l.walks.length, 1);
  assert.equal(l.walks[0].expressible, true);
  assert.equal(l.walks[0].sim?.pages, 4);
});

test('lower: the scenario runs at the target\'s release, its legacy profile ignored', () => {
  const { l, text } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - walk: { at: a, pages: 1, mode: fault }\n', 'debian-6.12',
    'kernel: v5.6\nlegacy: nouveau\n');
  assert.equal(l.layout?.id, 'v5.10');
  assert.equal(l.walks[0].expressible, true);
  assert.match(text[1], /^walk 0 0x7f0000000000 1 0x8000000000000000 0x0 -1 retry$/);
  // v5.6 would return the page count; as v6.12 the simulator returns 0
  assert.equal(l.walks[0].sim?.ret, 0);
});

test('lower: retry false and refill map to the probe\'s modes', () => {
  const { text } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - walk: { at: a, pages: 1, retry: false }\n'
    + '  - walk: { at: a, pages: 1, refill: true }\n');
  assert.match(text[1], / once$/);
  assert.match(text[3], / retry-refill$/);
});

test('lower: migrate and exclusive need device-private memory: not expressible on Debian, expressible on devpriv-6.1', () => {
  const body = '  - mmap: { name: a, pages: 2, prot: rw }\n  - write: { at: a, pages: 2 }\n  - walk: { name: before, at: a, pages: 2 }\n'
    + '  - migrate: { at: a, pages: 1, to: gpu0 }\n  - exclusive: { at: a+1, pages: 1, device: gpu1 }\n  - walk: { name: after, device: gpu0, at: a, pages: 2 }\n';
  const deb = lower(body, 'debian-6.1').l;
  assert.equal(deb.walks[0].expressible, true);
  assert.equal(deb.walks[1].expressible, false);
  assert.match(deb.walks[1].reason!, /^after line 8 \(migrate\): migrate_vma to device-private memory needs device-private memory \(CONFIG_DEVICE_PRIVATE\), which Linux 6\.1 \(Debian, VM\) lacks; run on devpriv-6\.1$/);
  const dp = lower(body, 'devpriv-6.1');
  assert.equal(dp.l.walks[1].expressible, true);
  assert.deepEqual(dp.text.slice(4, 6), ['migrate 0x7f0000000000 1 0', 'exclusive 0x7f0000001000 1 1']);
});

test('lower: a third device is not expressible (the probe owns two)', () => {
  const { l } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - walk: { device: gpu2, at: a, pages: 1 }\n'
    + '  - walk: { device: gpu0, at: a, pages: 1 }\n', 'devpriv-6.1');
  assert.equal(l.walks[0].expressible, false);
  assert.match(l.walks[0].reason!, /device gpu2 is the scenario's device number 3/);
  // a snapshot changes nothing: the next walk is still expressible
  assert.equal(l.walks[1].expressible, true);
});

test('lower: a during step makes its walk and every later walk not expressible', () => {
  const { l } = lower('  - mmap: { name: a, pages: 2, prot: rw }\n'
    + '  - walk: { at: a, pages: 2, mode: fault, during: [ { after_pages: 1, step: { munmap: { at: a+1, pages: 1 } } } ] }\n'
    + '  - walk: { at: a, pages: 1 }\n');
  assert.equal(l.walks[0].expressible, false);
  assert.match(l.walks[0].reason!, /a `during` step \(line 6\) happens in the middle of the walk/);
  assert.equal(l.walks[1].expressible, false);
  assert.match(l.walks[1].reason!, /its `during` steps changed the address space/);
});

test('lower: set becomes the system calls that produce the state, checked in the simulator', () => {
  const { l, text } = lower('  - mmap: { name: a, pages: 8, prot: rw }\n'
    + '  - set: { at: a, pte: zero }\n  - set: { at: a+1, pte: { state: present, write: true } }\n'
    + '  - set: { at: a+2, pte: swap }\n  - set: { at: a+3, pte: hwpoison }\n  - set: { at: a+1, pte: none }\n'
    + '  - walk: { at: a, pages: 8 }\n');
  assert.deepEqual(text.slice(1, 8), [
    'read 0x7f0000000000 1', 'write 0x7f0000001000 1', 'write 0x7f0000002000 1', 'madvise 0x7f0000002000 1 pageout',
    'write 0x7f0000003000 1', 'madvise 0x7f0000003000 1 hwpoison', 'madvise 0x7f0000001000 1 dontneed',
  ]);
  assert.equal(l.walks[0].expressible, true, l.walks[0].reason);
});

test('lower: a set whose real system calls give another state is caught by the simulator check', () => {
  // present read-only in private anonymous memory: a read maps the zero page instead
  const { l } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - set: { at: a, pte: { state: present, write: false } }\n'
    + '  - walk: { at: a, pages: 1 }\n');
  assert.equal(l.walks[0].expressible, false);
  assert.match(l.walks[0].reason!, /do not reproduce its state in the simulator \(page 0: the simulator shows an ordinary page, the kernel the shared zero page\)/);
});

test('lower: PTE states no system call produces make the walks after them not expressible', () => {
  for (const [pte, why] of [
    ['protnone', /NUMA hinting/], ['{ state: migration, write: true }', /migration entry exists only while/],
    ['{ state: marker, kind: poisoned }', /swap-in error/],
  ] as const) {
    const { l } = lower(`  - mmap: { name: a, pages: 1, prot: rw }\n  - write: { at: a }\n  - set: { at: a, pte: ${pte} }\n  - walk: { at: a, pages: 1 }\n`);
    assert.equal(l.walks[0].expressible, false, pte);
    assert.match(l.walks[0].reason!, why);
    assert.match(l.walks[0].reason!, /^after line 7 \(set\): /);
  }
});

test('lower: uffd-wp markers: shmem from 5.19, private anonymous memory from 6.4 (UFFD_FEATURE_WP_UNPOPULATED)', () => {
  const anon = '  - mmap: { name: a, pages: 1, prot: rw }\n  - set: { at: a, pte: { state: marker, kind: uffd_wp } }\n  - walk: { at: a, pages: 1 }\n';
  assert.match(lower(anon, 'debian-6.1').l.walks[0].reason!, /UFFD_FEATURE_WP_UNPOPULATED \(6\.4\)/);
  const on612 = lower(anon, 'debian-6.12');
  assert.equal(on612.l.walks[0].expressible, true, on612.l.walks[0].reason);
  assert.equal(on612.text[1], 'uffd-wp 0x7f0000000000 1');
  const shm = lower('  - mmap: { name: a, pages: 1, prot: rw, flags: [shared, anonymous] }\n  - set: { at: a, pte: { state: marker, kind: uffd_wp } }\n  - walk: { at: a, pages: 1 }\n', 'debian-6.1');
  assert.equal(shm.l.walks[0].expressible, true, shm.l.walks[0].reason);
});

test('lower: guard markers need MADV_GUARD_INSTALL (6.13)', () => {
  const { l } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - set: { at: a, pte: { state: marker, kind: guard } }\n  - walk: { at: a, pages: 1 }\n', 'debian-6.12');
  assert.match(l.walks[0].reason!, /guard markers need MADV_GUARD_INSTALL \(6\.13\); Linux 6\.12 \(Debian, VM\) has none/);
});

test('lower: driver mappings: the probe\'s device file, pages inserted as a driver does', () => {
  const { l, text } = lower('  - mmap: { name: d, pages: 2, prot: rw, flags: [private, file, mixedmap] }\n'
    + '  - set: { at: d, pte: { state: present, write: false } }\n  - set: { at: d+1, pte: special }\n'
    + '  - mmap: { name: p, pages: 1, prot: rw, flags: [shared, file, pfnmap, io] }\n'
    + '  - walk: { at: d, pages: 2 }\n');
  assert.deepEqual(text.slice(0, 4), ['mmap 0x7f0000000000 2 rw private dev:mixedmap', 'insert 0x7f0000000000 1 page',
    'insert 0x7f0000001000 1 special', 'mmap 0x7f0000200000 1 rw shared dev:pfnmap,io']);
  assert.equal(l.walks[0].expressible, true, l.walks[0].reason);
  // vm_insert_page() uses the mapping's protection: a shared writable mapping holds a read-only page only with write
  // notification, which the lowering asks the probe for when a later set wants one
  const rw = lower('  - mmap: { name: d, pages: 2, prot: rw, flags: [shared, file, mixedmap] }\n'
    + '  - set: { at: d, pte: { state: present, write: false } }\n  - set: { at: d+1, pte: special }\n  - walk: { at: d, pages: 2 }\n');
  assert.equal(rw.text[0], 'mmap 0x7f0000000000 2 rw shared dev:mixedmap,wrnotify');
  assert.equal(rw.l.walks[0].expressible, true, rw.l.walks[0].reason);
  const both = lower('  - mmap: { name: d, pages: 2, prot: rw, flags: [shared, file, mixedmap] }\n'
    + '  - set: { at: d, pte: { state: present, write: false } }\n  - set: { at: d+1, pte: { state: present, write: true } }\n  - walk: { at: d, pages: 2 }\n').l;
  assert.match(both.walks[0].reason!, /read-only in a mapping with write notification \(chosen because a later set wants a read-only page there\), not writable/);
});

test('lower: mmap over an existing mapping unmaps it first (MAP_FIXED replaces, the executor maps with MAP_FIXED_NOREPLACE)', () => {
  const { text } = lower('  - mmap: { name: a, pages: 4, prot: rw }\n  - mmap: { at: a+1, pages: 1, prot: r }\n  - walk: { at: a, pages: 4 }\n');
  assert.deepEqual(text.slice(0, 3), ['mmap 0x7f0000000000 4 rw private anon', 'munmap 0x7f0000001000 1', 'mmap 0x7f0000001000 1 r private anon']);
});

test('lower: flags the release does not have make that walk not expressible (sticky DMA_MAPPED on 6.1)', () => {
  const { l } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - walk: { at: a, pages: 1, sticky: { a: [DMA_MAPPED] } }\n'
    + '  - walk: { at: a, pages: 1 }\n', 'debian-6.1', 'kernel: v6.16\n');
  assert.equal(l.walks[0].expressible, false);
  assert.match(l.walks[0].reason!, /^at v6\.1: sticky: DMA_MAPPED is a sticky in\/out flag from v6\.16 on/);
  assert.equal(l.walks[1].expressible, true);
});

test('lower: 16 KiB and 64 KiB page sizes are not expressible on x86-64', () => {
  const { l } = lower('  - mmap: { name: a, pages: 1, prot: rw }\n  - walk: { at: a, pages: 1 }\n', 'debian-6.1', 'page_size: 16384\n');
  assert.equal(l.empty, true);
  assert.match(l.walks[0].reason!, /page_size 16384/);
});

test('targets: uname releases map to the simulator\'s kernel ids', () => {
  assert.equal(releaseOfUname('6.1.0-57-amd64'), 'v6.1');
  assert.equal(releaseOfUname('6.12.118+deb12-amd64'), 'v6.12');
  assert.equal(releaseOfUname('7.3.0'), 'latest');
  assert.equal(releaseOfUname('weird'), undefined);
  const h = hostTarget('6.18.44-fc', false);
  assert.ok(!('error' in h));
  assert.equal(h.release, 'v6.18');
  assert.equal(h.uffdWpAnon, true);
  assert.equal(h.guardMarkers, true);
});

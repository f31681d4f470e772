/**
 * The executor's proc snapshot (kernel/executor/PROGRAM.md `proc-snapshot`): the console lines (recorded on
 * devpriv-6.1: test/fixtures/capture/console-devpriv-6.1.txt), what src/core/oracle/output.ts keeps of them, the
 * capture src/core/capture/snapshot.ts makes, and how the oracle's programs get their snapshot lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLASS_TEXT, classOf, deviceOfCode } from '../../src/core/capture/classify';
import { generateScenario } from '../../src/core/capture/generate';
import { snapshotRange, withProcSnapshots } from '../../src/core/capture/oracle';
import { captureFromSnapshot } from '../../src/core/capture/snapshot';
import { readConsole } from '../../src/core/oracle/output';
import { programText, type ProgramOp } from '../../src/core/oracle/program';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const text = readFileSync(join(root, 'test/fixtures/capture/console-devpriv-6.1.txt'), 'utf8');
const probeRegions = (rs: readonly { name: string; start: bigint; end: bigint }[]) =>
  rs.filter((r) => r.name === 'hmm_probe').sort((a, b) => (a.start > b.start ? -1 : 1));

test('the console reader keeps each proc snapshot of a program: its fields, smaps, mounts, iomem, pagemap and kpageflags lines', () => {
  const r = readConsole(text);
  assert.deepEqual(r.malformed, []);
  const thp = r.programs.get('000-capture')!.procs!.get(3)!;
  assert.equal(thp.complete, true);
  assert.deepEqual(thp.info, { release: '6.1.192', page_size: '4096', thp: 'madvise', kpf: '1', start: '0x7f0000000000', pages: '1536' });
  assert.ok(thp.smaps.some((l) => l === '7f0000000000-7f0000600000 rw-p 00000000 00:00 0 '));
  assert.ok(thp.smaps.some((l) => /^AnonHugePages:\s+2048 kB$/.test(l)));
  assert.ok(thp.mounts.some((l) => / \/tmp .* - tmpfs /.test(l)));
  assert.deepEqual(thp.pm[3], ['0x7f0000200000', '1024', '8100000000181400', '1']);
  assert.equal(thp.kpf.length, 6);
  const dev = r.programs.get('001-capture')!.procs!.get(0)!;
  assert.ok(dev.iomem.some((l) => /hmm_probe$/.test(l)), 'device pfns among the entries: /proc/iomem is included');
  assert.deepEqual(dev.kpf, [], 'device memory lies above max_pfn: no kpageflags line');
});

test('malformed and incomplete snapshot lines are reported, never guessed at', () => {
  const r = readConsole('@hmm begin p\n@hmm pm 0x1000 1\n@hmm kpf\n@hmm proc-smaps outside\n@hmm proc-begin 1 kpf=1\n@hmm pm 0x1000 1 8000000000000001 0\n@hmm end p failed\n');
  assert.deepEqual(r.malformed, ['@hmm pm 0x1000 1', '@hmm kpf', '@hmm proc-smaps outside']);
  const s = r.programs.get('p')!.procs!.get(1)!;
  assert.equal(s.complete, false);
  assert.match((captureFromSnapshot(s) as { error: string }).error, /proc snapshot 1 is incomplete/);
  const bad = readConsole('@hmm begin p\n@hmm proc-begin 2 kpf=1 start=0x1000 pages=1\n@hmm proc-smaps 00001000-00002000 rw-p 00000000 00:00 0\n@hmm pm 0x1000 1 zz 0\n@hmm proc-end 2\n');
  assert.match((captureFromSnapshot(bad.programs.get('p')!.procs!.get(2)!) as { error: string }).error, /pm 0x1000 1 zz 0: not ADDR COUNT WORD DELTA/);
});

test('a snapshot on devpriv-6.1 as a capture: device-private entries by device (iomem), read-only ones by their swap type', () => {
  const r = readConsole(text);
  const dev = r.programs.get('001-capture')!.procs!.get(0)!;
  const c = captureFromSnapshot(dev, { range: { start: 0x7f0000000000n, end: 0x7f0000004000n }, deviceRegions: probeRegions });
  assert.ok(!('error' in c));
  assert.equal(c.capture.root, true);
  assert.deepEqual(c.capture.devices, ['hmm_probe_fff8000000', 'hmm_probe_fff0000000']);
  const runs = [...c.capture.mappings[0].pages!.runs.entries()].map(([, n, code]) => `${n} ${CLASS_TEXT[classOf(code)]} dev${deviceOfCode(code)}`);
  // the scenario migrated four pages to gpu0 and made them read-only (mprotect r): type 27 = SWP_DEVICE_READ on 6.1
  assert.deepEqual(runs.slice(0, 1), ['4 device-private, read-only dev0']);
  const g = generateScenario({ ...c.capture, kernel: 'v6.1' }, { walks: [{ name: 'owner snapshot', start: 0x7f0000000000n, pages: 4, defaultFlags: 0n, mask: 0n, device: 'hmm_probe_fff8000000', retry: true, refill: false }] });
  assert.match(g.text, /set: \{ at: anon, pages: 4, pte: \{ state: device_private, device: hmm_probe_fff8000000, write: false \} \}/);
  assert.match(g.text, /walk: \{ name: "owner snapshot", at: 0x7f0000000000, pages: 4, default_flags: 0x0, pfn_flags_mask: 0x0, device: hmm_probe_fff8000000, retry: true, refill: false \}/);
});

test('a snapshot with two THP-looking blocks and one PMD mapping: the block split into PTEs (tails anon-exclusive) is 4 KiB pages', () => {
  const r = readConsole(text);
  const s = r.programs.get('000-capture')!.procs!.get(3)!;
  const c = captureFromSnapshot(s, { range: { start: 0x7f0000200000n, end: 0x7f0000208000n } });
  assert.ok(!('error' in c));
  const runs = [...c.capture.mappings[0].pages!.runs.entries()].map(([, n, code]) => `${n} ${CLASS_TEXT[classOf(code)]}`);
  assert.deepEqual(runs, ['10 device-exclusive', '11 private anonymous, written', '491 device-exclusive', '512 private anonymous, written', '512 PMD-mapped THP']);
});

test('the oracle\'s programs: proc-snapshot before every walk line, over the walk\'s VMAs in whole 2 MiB blocks; the line map follows', () => {
  const ops: ProgramOp[] = [
    { op: 'mmap', addr: 0x7f0000000000n, pages: 16, prot: 'rw', shared: false, backing: { kind: 'anon' }, populate: false },
    { op: 'walk', id: 0, addr: 0x7f0000003000n, pages: 2, defaultFlags: 0n, mask: 0n, owner: -1, mode: 'retry', input: [{ first: 0, count: 1, word: 1n }] },
  ];
  const p = programText('prog', ops);
  const w = withProcSnapshots(p.text, p.lineOp, ops, 4096, () => [{ start: 0x7f0000000000n, end: 0x7f0000010000n }]);
  assert.deepEqual(w.text.split('\n'), ['hmm-exec 1 prog', 'mmap 0x7f0000000000 16 rw private anon', 'proc-snapshot 0 0x7f0000000000 512',
    'walk 0 0x7f0000003000 2 0x0 0x0 -1 retry', 'in 0 1 0x1', 'go', '']);
  assert.deepEqual(w.lineOp, [-1, 0, 1, 1, 1, 1]);
  // a VMA larger than the executor reads at once: the walk's own blocks only
  assert.deepEqual(snapshotRange(ops[1] as Extract<ProgramOp, { op: 'walk' }>, 4096, [{ start: 0n, end: 1n << 40n }]), { addr: 0x7f0000000000n, pages: 512 });
});

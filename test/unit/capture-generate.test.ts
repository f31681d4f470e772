/**
 * From pagemap entries to a scenario (src/core/capture/scan.ts, classify.ts, generate.ts) on hand-written /proc
 * fixtures: every page state a capture distinguishes, with and without root, is written as steps that the
 * simulator turns back into that state — the snapshot walk of the generated scenario shows it — and every state it
 * cannot express is named in the file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLASS_TEXT, PC, classOf, deviceSwapTypes } from '../../src/core/capture/classify';
import { DeviceNames } from '../../src/core/capture/devices';
import { CaptureError, generateScenario, type Capture } from '../../src/core/capture/generate';
import { KPF, parseIomem, parseSmaps, PM_HI_EXCLUSIVE, PM_HI_FILE, PM_HI_GUARD, PM_HI_PRESENT, PM_HI_SWAP, PM_HI_UFFD_WP } from '../../src/core/capture/procfs';
import { RunList } from '../../src/core/capture/runs';
import { scanPages, type PagemapSource } from '../../src/core/capture/scan';
import { decodePfn, resolveLayout } from '../../src/core/layouts';
import { ZERO_PFN } from '../../src/core/mm/phys';
import { parseScenario } from '../../src/core/scenario/parse';
import type { ScenarioResult } from '../../src/core/scenario/result';
import { runScenario } from '../../src/core/scenario/run';

type Entry = [lo: number, hi: number];

const present = (pfn: number, o: { excl?: boolean; file?: boolean; uffd?: boolean } = {}): Entry =>
  [pfn >>> 0, PM_HI_PRESENT | (o.excl === false ? 0 : PM_HI_EXCLUSIVE) | (o.file ? PM_HI_FILE : 0) | (o.uffd ? PM_HI_UFFD_WP : 0) | Math.floor(pfn / 2 ** 32)];
/** a swap-like entry: frame = type | offset << 5 */
const swapEntry = (type: number, offset: number, o: { excl?: boolean; uffd?: boolean } = {}): Entry => {
  const frame = type + offset * 32;
  return [frame >>> 0, PM_HI_SWAP | (o.excl ? PM_HI_EXCLUSIVE : 0) | (o.uffd ? PM_HI_UFFD_WP : 0) | Math.floor(frame / 2 ** 32)];
};
const guard: Entry = [0, PM_HI_GUARD | PM_HI_SWAP];

/** An in-memory pagemap and kpageflags. */
class Fake implements PagemapSource {
  constructor(readonly pm: Map<number, Entry>, readonly kpf?: Map<number, number>) {}
  readPagemap(vpn: number, n: number, words: Uint32Array): number {
    for (let i = 0; i < n; i++) {
      const e = this.pm.get(vpn + i);
      words[2 * i] = e ? e[0] : 0;
      words[2 * i + 1] = e ? e[1] : 0;
    }
    return n;
  }
  readKpageflags(pfn: number, n: number, out: Uint32Array): boolean {
    if (!this.kpf) return false;
    for (let i = 0; i < n; i++) out[i] = this.kpf.get(pfn + i) ?? KPF.NOPAGE;
    return true;
  }
}

const A = 0x7f0000000000n;
const vpnOf = (addr: bigint) => Number(addr / 4096n);
const ANON = KPF.ANON | KPF.MMAP | KPF.UPTODATE | KPF.SWAPBACKED;

function capture(smaps: string, src: Fake, o: { root?: boolean; release?: string; iomem?: string; range?: { start: bigint; end: bigint } } = {}): Capture {
  const parsed = parseSmaps(smaps);
  assert.deepEqual(parsed.problems, []);
  const devices = new DeviceNames(parseIomem(o.iomem ?? ''), 4096);
  const it = scanPages(parsed.vmas, src, { pageSize: 4096, root: o.root ?? true, release: o.release ?? '6.12.0', deviceOfPfn: devices.of,
    range: o.range, fsOf: () => 'ext4' });
  let r = it.next();
  while (!r.done) r = it.next();
  return {
    pid: 42, comm: 'unit', release: o.release ?? '6.12.0', time: '2026-01-01T00:00:00.000Z', pageSize: 4096, root: o.root ?? true,
    ...(o.range ? { range: o.range } : {}), mappings: r.value.mappings, devices: devices.names, notes: r.value.notes,
  };
}

function run(text: string): ScenarioResult {
  const p = parseScenario(text, 'gen.hmm.yaml');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos.line}: ${d.message}`), [], text);
  const r = runScenario(p.scenario!);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.pos.line}: ${d.message}`), [], text);
  return r;
}

/** The snapshot's entries, as `VALID WRITE order=9 zero`, for the pages of the first snapshot walk. */
function entries(r: ScenarioResult, walk = 0): string[] {
  const w = r.walks.filter((x) => x.name.startsWith('snapshot'))[walk];
  const layout = resolveLayout(r.kernel).layout!;
  return Array.from(w.pfns, (word) => {
    const d = decodePfn(word, layout);
    const f = d.flags.filter((x) => ['VALID', 'WRITE', 'ERROR'].includes(x));
    return [...(f.length ? f : ['NONE']), ...(d.order ? [`order=${d.order}`] : []),
      ...(f.includes('VALID') && d.pfn === BigInt(ZERO_PFN) ? ['zero'] : []), ...(f.includes('VALID') && d.pfn >= 0x4000000n ? ['dev'] : [])].join(' ');
  });
}

const classesOf = (c: Capture, m = 0) => [...c.mappings[m].pages!.runs.entries()].map(([, n, code]) => `${n} ${CLASS_TEXT[classOf(code)]}`);

test('private anonymous memory, as root: written, zero, swapped, fork-shared, guard, hwpoison, KSM (only where mergeable)', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>([
    [v, present(0x1000)], [v + 1, present(0x1001)],
    [v + 2, present(0x5, { excl: false })],           // the zero page (pfn 5, KPF_ZERO_PAGE)
    [v + 3, swapEntry(0, 0x1234)],                     // a swap entry in swap area 0
    [v + 4, present(0x2000, { excl: false })],        // shared with a forked child
    [v + 5, guard],
    [v + 6, swapEntry(23, 0x3000, { excl: true })],    // a pfn entry to a poisoned page
    [v + 7, present(0x4000, { excl: false })],        // KPF_KSM, but not a VM_MERGEABLE VMA
  ]);
  const kpf = new Map([[0x1000, ANON], [0x1001, ANON], [0x5, KPF.ZERO_PAGE], [0x2000, ANON], [0x3000, KPF.HWPOISON], [0x4000, ANON | KPF.KSM]]);
  const c = capture(`7f0000000000-7f0000010000 rw-p 00000000 00:00 0\nRss: 24 kB\nVmFlags: rd wr mr mw me ac\n`, new Fake(pm, kpf), { release: '6.13.0' });
  assert.deepEqual(classesOf(c), ['2 private anonymous, written', '1 the shared zero page', '1 swapped out',
    '1 private anonymous, shared with a forked child (copy-on-write)', '1 guard marker', '1 hwpoison entry',
    '1 private anonymous, shared with a forked child (copy-on-write)', '8 not mapped (pte_none)']);
  const g = generateScenario(c);
  // the page shared with the child is written before the fork, the others after it
  const lines = g.text.split('\n');
  const fork = lines.findIndex((l) => l.includes('- fork: {}'));
  assert.ok(fork > 0 && lines.findIndex((l) => l.includes('write: { at: anon+4, pages: 1 }')) < fork);
  assert.ok(lines.findIndex((l) => l.includes('write: { at: anon, pages: 2 }')) > fork);
  assert.match(g.text, /madvise: \{ at: anon\+3, pages: 1, advice: pageout \}/);
  assert.match(g.text, /madvise: \{ at: anon\+6, pages: 1, advice: hwpoison \}/);
  assert.match(g.text, /set: \{ at: anon\+5, pages: 1, pte: \{ state: marker, kind: guard \} \}/);
  assert.match(g.text, /^kernel: v6\.13$/m);
  const r = run(g.text);
  assert.deepEqual(entries(r).slice(0, 8), ['VALID WRITE', 'VALID WRITE', 'VALID zero', 'NONE', 'VALID', 'NONE', 'NONE', 'VALID']);
  // the faulting walk: the fork-shared pages are read-faulted in place; the guard marker and the poison stop it
  const fault = r.walks.find((w) => w.name.startsWith('fault'))!;
  assert.equal(fault.ret, -14);
  // a KSM page in a VM_MERGEABLE VMA is a KSM page
  const ksm = capture(`7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss: 4 kB\nVmFlags: rd wr mr mw me ac mg\n`,
    new Fake(new Map([[v, present(0x4000, { excl: false })]]), kpf));
  assert.deepEqual(classesOf(ksm), ['1 KSM-merged']);
  assert.match(generateScenario(ksm).text, /set exactly .*KSM-merged page/);
});

test('THPs: a whole aligned block of consecutive THP pfns is PMD-mapped as far as smaps\' AnonHugePages counts; a split one is not', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>();
  const kpf = new Map<number, number>();
  // two blocks: the first split into PTEs (tails carry PG_anon_exclusive, kpageflags bit 34), the second PMD-mapped
  for (let b = 0; b < 2; b++) {
    for (let i = 0; i < 512; i++) {
      pm.set(v + b * 512 + i, present(0x200000 + b * 512 + i));
      kpf.set(0x200000 + b * 512 + i, ANON | KPF.THP | (i ? KPF.COMPOUND_TAIL : KPF.COMPOUND_HEAD));
    }
  }
  const src = new Fake(pm, kpf);
  const readKpf = src.readKpageflags.bind(src);
  src.readKpageflags = (pfn, n, out) => {
    const ok = readKpf(pfn, n, out);
    for (let i = 0; i < n; i++) if (pfn + i >= 0x200001 && pfn + i < 0x200200) out[i] |= 1 << 27;
    return ok;
  };
  const smaps = (huge: number) => `7f0000000000-7f0000400000 rw-p 00000000 00:00 0\nRss: 4096 kB\nAnonHugePages: ${huge} kB\nVmFlags: rd wr mr mw me ac hg\n`;
  const one = capture(smaps(2048), src);
  assert.deepEqual(classesOf(one), ['512 private anonymous, written', '512 PMD-mapped THP']);
  const r = run(generateScenario(one).text);
  const e = entries(r);
  assert.deepEqual([...new Set(e.slice(0, 512))], ['VALID WRITE']);
  assert.deepEqual([...new Set(e.slice(512))], ['VALID WRITE order=9']);
  // no PMD mapping at all: 4 KiB pages (THPs mapped by PTEs); both PMD-mapped: both THPs
  assert.deepEqual(classesOf(capture(smaps(0), src)), ['1024 private anonymous, written']);
  assert.deepEqual(classesOf(capture(smaps(4096), src)), ['1024 PMD-mapped THP']);
  // the 4 KiB pages come before MADV_HUGEPAGE: their faults must not make THPs
  const text = generateScenario(one).text;
  assert.ok(text.indexOf('write: { at: anon, pages: 512 }') < text.indexOf('advice: hugepage'));
  assert.ok(text.indexOf('advice: hugepage') < text.indexOf('write: { at: anon+512, pages: 512 }'));
});

test('without root: the zero page and fork-shared pages are told apart by smaps\' Rss; THPs by whole blocks and AnonHugePages', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>([[v, present(0, { excl: true })], [v + 1, present(0, { excl: false })], [v + 2, present(0, { excl: false })]]);
  const base = '7f0000000000-7f0000004000 rw-p 00000000 00:00 0\n';
  // Rss counts only the exclusive page: the other two are the zero page (never counted)
  const zero = capture(`${base}Rss: 4 kB\nVmFlags: rd wr mr mw me ac\n`, new Fake(pm), { root: false });
  assert.deepEqual(classesOf(zero), ['1 private anonymous, written', '2 the shared zero page', '1 not mapped (pte_none)']);
  // Rss counts all three: shared with a forked child
  const shared = capture(`${base}Rss: 12 kB\nVmFlags: rd wr mr mw me ac\n`, new Fake(pm), { root: false });
  assert.deepEqual(classesOf(shared), ['1 private anonymous, written', '2 private anonymous, shared with a forked child (copy-on-write)', '1 not mapped (pte_none)']);
  // both: a guess, and the file says so
  const mixed = capture(`${base}Rss: 8 kB\nVmFlags: rd wr mr mw me ac\n`, new Fake(pm), { root: false });
  assert.match(mixed.notes.join('\n'), /smaps' Rss says about 1 of them are the zero page and 1 are shared/);
  const g = generateScenario(mixed);
  assert.match(g.text, /# Read WITHOUT CAP_SYS_ADMIN/);
  assert.match(g.text, /# {3}- 0x7f0000000000-0x7f0000004000: 2 present pages are not exclusively mapped/);
  // a whole block of present exclusive pages in a VMA whose smaps counts one PMD-mapped THP: a THP
  const thp = new Map<number, Entry>();
  for (let i = 0; i < 512; i++) thp.set(v + i, present(0));
  const c = capture('7f0000000000-7f0000200000 rw-p 00000000 00:00 0\nRss: 2048 kB\nAnonHugePages: 2048 kB\nVmFlags: rd wr mr mw me ac hg\n', new Fake(thp), { root: false });
  assert.deepEqual(classesOf(c), ['512 PMD-mapped THP']);
  assert.deepEqual([...new Set(entries(run(generateScenario(c).text)))], ['VALID WRITE order=9']);
  // without root a swap-like entry is a swap entry, or a uffd-wp marker in shmem
  const sw = capture(`${base}Rss: 0 kB\nSwap: 4 kB\nVmFlags: rd wr mr mw me ac\n`, new Fake(new Map([[v, swapEntry(0, 0)]])), { root: false });
  assert.deepEqual(classesOf(sw), ['1 swapped out', '3 not mapped (pte_none)']);
  const wp = capture('7f0000000000-7f0000004000 rw-s 00000000 00:01 7 /dev/zero (deleted)\nRss: 0 kB\nVmFlags: rd wr sh mr mw me ms uw\n',
    new Fake(new Map([[v, swapEntry(0, 0, { uffd: true })]])), { root: false });
  assert.deepEqual(classesOf(wp), ['1 uffd-wp marker', '3 not mapped (pte_none)']);
});

test('device-private entries: the device from /proc/iomem, read-only entries by their swap type, fork-shared ones before a fork', () => {
  const v = vpnOf(A);
  const types = deviceSwapTypes('6.1.0')!;
  assert.deepEqual(types, { write: 26, read: 27 });
  assert.deepEqual(deviceSwapTypes('6.12.118+deb12-amd64'), { write: 27, read: 28 });
  assert.equal(deviceSwapTypes('6.16.0'), undefined);
  const pm = new Map<number, Entry>([
    [v, swapEntry(types.write, 0xfff8003, { excl: true })],
    [v + 1, swapEntry(types.read, 0xfff8002, { excl: true })],
    [v + 2, swapEntry(types.write, 0xfff0000, { excl: false })],
    [v + 3, swapEntry(31, 1, { uffd: true })],           // a uffd-wp marker
  ]);
  const iomem = 'fff0000000-fff7ffffff : gpu\nfff8000000-ffffffffff : gpu\n';
  const c = capture('7f0000000000-7f0000004000 rw-p 00000000 00:00 0\nRss: 12 kB\nVmFlags: rd wr mr mw me ac\n', new Fake(pm, new Map()), { release: '6.1.0', iomem });
  assert.deepEqual(c.devices, ['gpu_fff8000000', 'gpu_fff0000000']);
  assert.deepEqual(classesOf(c), ['1 device-private', '1 device-private, read-only', '1 device-private, shared with a forked child', '1 uffd-wp marker']);
  const g = generateScenario(c);
  assert.match(g.text, /^devices: \[gpu_fff8000000, gpu_fff0000000\]$/m);
  assert.match(g.text, /migrate: \{ at: anon, pages: 1, to: gpu_fff8000000 \}/);
  assert.match(g.text, /set: \{ at: anon\+1, pages: 1, pte: \{ state: device_private, device: gpu_fff8000000, write: false \} \}/);
  // the uffd-wp marker needs v6.4+ in private anonymous memory: at v6.1 the simulator refuses it, and says so
  const p = parseScenario(g.text, 'dev.hmm.yaml');
  const res = runScenario(p.scenario!);
  assert.match(res.diagnostics.map((d) => d.message).join('\n'), /uffd-wp markers exist in private anonymous memory from v6\.4/);
  const at612 = capture('7f0000000000-7f0000004000 rw-p 00000000 00:00 0\nRss: 12 kB\nVmFlags: rd wr mr mw me ac\n',
    new Fake(new Map([...pm].filter(([k]) => k !== v + 3)), new Map()), { release: '6.1.0', iomem });
  const r = run(generateScenario({ ...at612, kernel: 'v6.12' }).text);
  // the snapshot walks without an owner: device-private pages read as not present
  assert.deepEqual(entries(r), ['NONE', 'NONE', 'NONE', 'NONE']);
});

test('file mappings: dirty pages are written, clean ones read; ext4 keeps read pages read-only (write notification), tmpfs does not', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>([[v, present(0x10, { file: true })], [v + 1, present(0x11, { file: true })]]);
  const kpf = new Map([[0x10, KPF.DIRTY | KPF.UPTODATE | KPF.MMAP], [0x11, KPF.UPTODATE | KPF.MMAP]]);
  const ext4 = capture('7f0000000000-7f0000002000 rw-s 00000000 fe:00 77 /data/buf.bin\nRss: 8 kB\nVmFlags: rd wr sh mr mw me ms\n', new Fake(pm, kpf));
  const g = generateScenario(ext4);
  assert.match(g.text, /flags: \[shared, file\], fs: ext4 \}/);
  assert.deepEqual(entries(run(g.text)), ['VALID WRITE', 'VALID']);
  const tmp = generateScenario({ ...ext4, mappings: ext4.mappings.map((m) => ({ ...m, fs: 'tmpfs' })) });
  assert.doesNotMatch(tmp.text, /fs: /);
  assert.deepEqual(entries(run(tmp.text)), ['VALID WRITE', 'VALID WRITE']);
  // a private mapping: the page cache shows through read-only, a written page is a private copy
  const priv = capture('7f0000000000-7f0000002000 rw-p 00000000 fe:00 77 /data/buf.bin\nRss: 8 kB\nVmFlags: rd wr mr mw me\n',
    new Fake(new Map([[v, present(0x12)], [v + 1, present(0x11, { file: true, excl: false })]]), new Map([[0x12, ANON], [0x11, KPF.MMAP]])));
  assert.deepEqual(entries(run(generateScenario(priv).text)), ['VALID WRITE', 'VALID']);
});

test('driver mappings, hugetlb and read-only mappings: special PTEs, inserted pages, whole huge pages, mprotect at the end', () => {
  const v = vpnOf(A);
  const mixed = capture('7f0000000000-7f0000002000 rw-s 00000000 00:06 12 /dev/gpu0\nVmFlags: rd wr sh mr mw me ms mm de dd\n',
    new Fake(new Map([[v, present(0x50, { file: true })], [v + 1, present(0x51, { excl: false })]]), new Map()));
  assert.deepEqual(classesOf(mixed), ['1 driver-inserted page', '1 special PTE (no struct page)']);
  const gm = generateScenario(mixed);
  assert.match(gm.text, /flags: \[shared, mixedmap\]/);
  assert.match(gm.text, /set: \{ at: gpu0\+1, pages: 1, pte: special \}/);
  const huge = new Map<number, Entry>();
  for (let i = 0; i < 512; i++) huge.set(v + i, present(0x400000 + i));
  const h = capture('7f0000000000-7f0000400000 rw-p 00000000 00:0f 40 /anon_hugepage (deleted)\nKernelPageSize: 2048 kB\nRss: 2048 kB\nVmFlags: rd wr mr mw me de ht\n', new Fake(huge, new Map()));
  const gh = generateScenario(h);
  assert.match(gh.text, /flags: \[private, anonymous, hugetlb\], huge_page: 2M \}/);
  const eh = entries(run(gh.text));
  assert.deepEqual([...new Set(eh.slice(0, 512))], ['VALID WRITE order=9']);
  assert.deepEqual([...new Set(eh.slice(512))], ['NONE order=9']);
  // a read-only private mapping with written (anonymous) pages: mapped writable for the write, then mprotect r
  const ro = capture('7f0000000000-7f0000001000 r--p 00000000 00:00 0\nRss: 4 kB\nVmFlags: rd mr mw me ac\n', new Fake(new Map([[v, present(0x60)]]), new Map([[0x60, ANON]])));
  const gr = generateScenario(ro);
  assert.match(gr.text, /mmap: \{ name: anon, at: 0x7f0000000000, pages: 1, prot: rw,/);
  assert.match(gr.text, /mprotect: \{ at: anon, pages: 1, prot: r \}/);
  assert.deepEqual(entries(run(gr.text)), ['VALID']);
});

test('what cannot be captured is said: the vsyscall page, unread VMAs, unknown entries, a capture with nothing to model', () => {
  const v = vpnOf(A);
  const c = capture('7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nRss: 4 kB\nVmFlags: rd wr mr mw me ac\n'
    + 'ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\nVmFlags: ex\n',
  new Fake(new Map([[v, swapEntry(25, 0x777, { excl: true })]]), new Map([[0x777, ANON | KPF.LOCKED]])));
  const g = generateScenario(c);
  assert.match(g.text, /\[vsyscall\]: above the 47-bit user address space the simulator models/);
  assert.match(g.text, /set exactly .*a migration entry/);
  assert.throws(() => generateScenario({ ...c, mappings: c.mappings.slice(1) }), (e: unknown) => e instanceof CaptureError
    && /the process has no mapping the simulator can model/.test(e.message));
  assert.throws(() => generateScenario({ ...c, range: { start: A, end: A + (1n << 40n) } }), (e: unknown) => e instanceof CaptureError
    && /the range is 268,435,456 pages; one walk covers at most 16,777,216 pages/.test(e.message));
  assert.throws(() => generateScenario({ ...c, pageSize: 8192 }), /page size 8192/);
  // a release HMM Lens does not model: latest, and the file says so
  assert.match(generateScenario({ ...c, release: '3.10.0-1160.el7.x86_64' }).text, /not one HMM Lens models .* "latest"/);
});

test('the step limit: short runs are merged into their neighbours and the file says APPROXIMATE; with too many mappings, a clear error', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>();
  const kpf = new Map<number, number>();
  // 3000 pages alternating written / zero page: 3000 runs
  for (let i = 0; i < 3000; i++) {
    pm.set(v + i, i % 2 ? present(5, { excl: false }) : present(0x1000 + i));
    kpf.set(0x1000 + i, ANON);
  }
  kpf.set(5, KPF.ZERO_PAGE);
  const c = capture('7f0000000000-7f0000c00000 rw-p 00000000 00:00 0\nRss: 6000 kB\nVmFlags: rd wr mr mw me ac\n', new Fake(pm, kpf));
  const g = generateScenario(c, { maxSteps: 500 });
  assert.ok(g.steps <= 500, `${g.steps} steps`);
  assert.match(g.text, /APPROXIMATE: [\d,]+ pages in short runs were given the state of the run before them/);
  run(g.text);
  const exact = generateScenario(c);
  assert.equal((exact.text.match(/^ {2}- (write|read):/gm) ?? []).length, 3000);
  const many = new RunList();
  many.push(PC.NONE, 1);
  const mappings = Array.from({ length: 600 }, (_x, i) => ({
    vma: parseSmaps(`${(0x7f0000000000 + i * 0x2000).toString(16)}-${(0x7f0000001000 + i * 0x2000).toString(16)} rw-p 00000000 00:00 0\nVmFlags: rd wr\n`).vmas[0],
    pages: { firstVpn: v + i * 2, runs: many },
  }));
  assert.throws(() => generateScenario({ ...c, mappings }, { maxSteps: 500 }), /the capture needs [\d,]+ steps \(600 mappings\); a scenario has at most 500: capture a part of the address space with --range/);
});

test('a range capture: VMAs whole, pages inside the range (widened to whole 2 MiB blocks), one snapshot and one faulting walk', () => {
  const v = vpnOf(A);
  const pm = new Map<number, Entry>();
  const kpf = new Map<number, number>();
  for (let i = 0; i < 1024; i++) { pm.set(v + i, present(0x1000 + i)); kpf.set(0x1000 + i, ANON); }
  const range = { start: A + 600n * 4096n, end: A + 610n * 4096n };
  const c = capture('7f0000000000-7f0000400000 rw-p 00000000 00:00 0\nRss: 4096 kB\nVmFlags: rd wr mr mw me ac\n', new Fake(pm, kpf), { range });
  assert.equal(c.mappings[0].pages!.firstVpn, v + 512);
  assert.equal(c.mappings[0].pages!.runs.pages, 512);
  const g = generateScenario(c);
  assert.match(g.text, /mmap: \{ name: anon, at: 0x7f0000000000, pages: 1024,/);
  assert.deepEqual(g.walks.map((w) => [w.name, w.pages]), [['snapshot of the range', 10], ['fault of the range', 10]]);
  assert.deepEqual(entries(run(g.text)), Array(10).fill('VALID WRITE'));
});

/** parseScenario on valid input: every step, walk field and expected-entry token lands in the AST as documented. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, walkAt, walksOf } from '../../src/core/scenario/parse';
import { formatDiagnostic, type Scenario, type Step, type WalkStep } from '../../src/core/scenario/ast';

function ok(text: string): Scenario {
  const r = parseScenario(text, 's.hmm.yaml');
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map(formatDiagnostic), []);
  assert.ok(r.scenario, 'no scenario');
  return r.scenario;
}

function steps(body: string, head = 'devices: [gpu0, gpu1]'): readonly Step[] {
  return ok(`hmm: 1\n${head}\nsteps:\n${body}`).steps;
}

const BUF = '  - mmap: { name: buf, pages: 8, prot: rw }\n';

test('top level: defaults and explicit values', () => {
  const s = ok('hmm: 1\nsteps: []\n');
  assert.equal(s.version, 1);
  assert.equal(s.kernel, 'latest');
  assert.equal(s.pageSize, 4096);
  assert.deepEqual(s.devices, []);
  assert.equal(s.name, undefined);
  const t = ok('hmm: 1\nname: N\ndescription: D\nkernel: v6.16\npage_size: 65536\ndevices: [a, b]\nsteps: []\n');
  assert.equal(t.name, 'N');
  assert.equal(t.description, 'D');
  assert.equal(t.kernel, 'v6.16');
  assert.equal(t.pageSize, 65536);
  assert.deepEqual(t.devices, ['a', 'b']);
  assert.equal(ok('hmm: 1\npage_size: 16K\nsteps: []\n').pageSize, 16384);
  // YAML reads 5.10 as the float 5.1; the source text is what counts
  assert.equal(ok('hmm: 1\nkernel: 5.10\nsteps: []\n').kernel, '5.10');
});

test('mmap: name, at, pages, prot, flags and defaults', () => {
  const [a, b, c, d] = steps(`  - mmap: { name: buf, pages: 7, prot: none }
  - mmap: { at: 0x7f0000200000, pages: 512, prot: rwx, flags: [shared, file, populate] }
  - mmap: { name: h, pages: 1024, prot: rw, flags: [private, anonymous, hugetlb], huge_page: 2M }
  - mmap: { name: io, pages: 2, prot: r, flags: [pfnmap, io] }
`);
  assert.deepEqual(a, { op: 'mmap', pos: a.pos, name: 'buf', pages: 7, prot: 'none',
    flags: { shared: false, file: false, pfnmap: false, io: false, mixedmap: false, populate: false } });
  assert.equal(a.pos.line, 4);
  assert.equal(a.pos.col, 5);
  assert.ok(b.op === 'mmap' && b.at?.kind === 'abs' && b.at.value === 0x7f0000200000n);
  assert.ok(b.op === 'mmap' && b.flags.shared && b.flags.file && b.flags.populate && b.prot === 'rwx');
  assert.ok(c.op === 'mmap' && c.flags.hugetlb === '2M');
  // pfnmap/io without anonymous/file imply a device file mapping
  assert.ok(d.op === 'mmap' && d.flags.file && d.flags.pfnmap && d.flags.io && !d.flags.shared);
  const [e] = steps('  - mmap: { pages: 512, prot: rw, flags: [hugetlb] }\n');
  assert.ok(e.op === 'mmap' && e.flags.hugetlb === '2M', 'hugetlb without huge_page defaults to 2M');
});

test('address forms: number, name, name+offset (decimal and hex)', () => {
  const s = steps(`${BUF}  - munmap: { at: buf+3, pages: 1 }
  - munmap: { at: buf, pages: 1 }
  - munmap: { at: 0x7f0000000000, pages: 1 }
  - munmap: { at: "buf + 0x2", pages: 1 }
  - munmap: { at: 139637976727552, pages: 1 }
`);
  const ats = s.slice(1).map((x) => (x.op === 'munmap' ? x.at : undefined));
  assert.deepEqual(ats.map((a) => (a?.kind === 'name' ? `${a.name}+${a.offsetPages}` : a?.value)),
    ['buf+3', 'buf+0', 0x7f0000000000n, 'buf+2', 139637976727552n]);
  assert.deepEqual(ats[0]?.pos, { line: 5, col: 19, endLine: 5, endCol: 24 });
});

test('addresses beyond 2^53 keep full precision', () => {
  const [m] = steps('  - mmap: { at: 0x7ffffffff000, pages: 1, prot: r }\n');
  assert.ok(m.op === 'mmap' && m.at?.kind === 'abs' && m.at.value === 0x7ffffffff000n);
  const [, w] = steps(`${BUF}  - walk: { at: buf, pages: 1, input: { buf: 0x8000000000000001 } }\n`);
  assert.ok(w.op === 'walk');
  assert.equal(w.input[0].flags.raw, 0x8000000000000001n);
});

test('munmap, mprotect, read, write, fork, madvise, migrate, exclusive', () => {
  const s = steps(`${BUF}  - mprotect: { at: buf, pages: 2, prot: r }
  - read: { at: buf+2 }
  - write: { at: buf+3, pages: 4 }
  - fork: {}
  - fork
  - fork:
  - madvise: { at: buf, pages: 8, advice: pageout }
  - migrate: { at: buf, pages: 2, to: gpu1 }
  - migrate: { at: buf, pages: 2, to: system }
  - exclusive: { at: buf+4, pages: 1, device: gpu0 }
  - munmap: { at: buf+7, pages: 1 }
`);
  const ops = s.map((x) => x.op);
  assert.deepEqual(ops, ['mmap', 'mprotect', 'read', 'write', 'fork', 'fork', 'fork', 'madvise', 'migrate', 'migrate', 'exclusive', 'munmap']);
  assert.ok(s[1].op === 'mprotect' && s[1].prot === 'r' && s[1].pages === 2);
  assert.ok(s[2].op === 'read' && s[2].pages === 1, 'read pages defaults to 1');
  assert.ok(s[3].op === 'write' && s[3].pages === 4);
  assert.ok(s[7].op === 'madvise' && s[7].advice === 'pageout');
  assert.ok(s[8].op === 'migrate' && s[8].to === 'gpu1');
  assert.ok(s[9].op === 'migrate' && s[9].to === 'system');
  assert.ok(s[10].op === 'exclusive' && s[10].device === 'gpu0');
});

test('set: every pte state, short and long forms', () => {
  const s = steps(`${BUF}  - set: { at: buf, pte: none }
  - set: { at: buf, pte: zero }
  - set: { at: buf, pte: present }
  - set: { at: buf, pte: { state: present, write: true } }
  - set: { at: buf, pte: swap }
  - set: { at: buf, pte: { state: migration, write: true } }
  - set: { at: buf, pages: 2, pte: { state: device_private, device: gpu1, write: true } }
  - set: { at: buf, pte: { state: device_exclusive, device: gpu0 } }
  - set: { at: buf, pte: hwpoison }
  - set: { at: buf, pte: protnone }
  - set: { at: buf, pte: special }
  - set: { at: buf, pte: { state: marker, kind: guard } }
  - set: { at: buf, pte: { state: marker, kind: uffd_wp } }
  - set: { at: buf, pte: { state: marker, kind: poisoned } }
`).slice(1);
  const ptes = s.map((x) => (x.op === 'set' ? x.pte : undefined));
  assert.deepEqual(ptes, [
    { state: 'none' }, { state: 'zero' }, { state: 'present', write: false }, { state: 'present', write: true },
    { state: 'swap' }, { state: 'migration', write: true }, { state: 'device_private', device: 'gpu1', write: true },
    { state: 'device_exclusive', device: 'gpu0' }, { state: 'hwpoison' }, { state: 'protnone' }, { state: 'special' },
    { state: 'marker', marker: 'guard' }, { state: 'marker', marker: 'uffd_wp' }, { state: 'marker', marker: 'poisoned' },
  ]);
  assert.ok(s[6].op === 'set' && s[6].pages === 2);
  assert.ok(s[0].op === 'set' && s[0].pages === 1, 'set pages defaults to 1');
});

test('walk: defaults (name "walk N", snapshot, retry true) and every field', () => {
  const s = ok(`hmm: 1
kernel: v6.16
devices: [gpu0]
steps:
${BUF}  - walk: { at: buf, pages: 8 }
  - walk:
      name: snap
      device: gpu0
      at: buf+1
      pages: 4
      mode: fault_write
      default_flags: [REQ_FAULT]
      pfn_flags_mask: 0
      input: { buf+2: [REQ_FAULT, REQ_WRITE] }
      sticky: { buf+3: [DMA_MAPPED, P2PDMA] }
      retry: false
      during:
        - after_pages: 3
          step: { munmap: { at: buf+5, pages: 1 } }
      expect:
        ret: -EBUSY
        pfns: [VALID WRITE, NONE *2, ERROR]
`);
  const [w1, w2] = walksOf(s);
  assert.equal(w1.name, 'walk 1');
  assert.equal(w1.mode, 'snapshot');
  assert.equal(w1.retry, true);
  assert.deepEqual(w1.input, []);
  assert.deepEqual(w1.during, []);
  assert.equal(w1.expect, undefined);
  assert.equal(w2.name, 'snap');
  assert.equal(w2.device, 'gpu0');
  assert.ok(w2.at.kind === 'name' && w2.at.offsetPages === 1);
  assert.equal(w2.mode, 'fault_write');
  assert.deepEqual(w2.defaultFlags?.names, ['REQ_FAULT']);
  assert.equal(w2.pfnFlagsMask?.raw, 0n);
  assert.deepEqual(w2.input[0].flags.names, ['REQ_FAULT', 'REQ_WRITE']);
  assert.deepEqual(w2.sticky[0].flags.names, ['DMA_MAPPED', 'P2PDMA']);
  assert.equal(w2.retry, false);
  assert.equal(w2.during[0].afterPages, 3);
  assert.equal(w2.during[0].step.op, 'munmap');
  assert.equal(w2.expect?.ret, -16);
  assert.equal(w2.expect?.pfns?.length, 4);
  assert.equal(w2.pos.line, 7);
  assert.equal(walkAt(s, 12)?.name, 'snap');
  assert.equal(walkAt(s, 6)?.name, 'walk 1');
  assert.equal(walkAt(s, 5), undefined);
});

test('flags as one string, names with |, and numbers', () => {
  const [, w] = steps(`${BUF}  - walk: { at: buf, pages: 1, default_flags: "REQ_FAULT | REQ_WRITE", pfn_flags_mask: 0xc000000000000000 }\n`);
  const walk = w as WalkStep;
  assert.deepEqual(walk.defaultFlags?.names, ['REQ_FAULT', 'REQ_WRITE']);
  assert.equal(walk.pfnFlagsMask?.raw, 0xc000000000000000n);
});

test('expected entries: every token, *N expansion, positions of the items', () => {
  const s = ok(`hmm: 1
kernel: v6.16
devices: [gpu0]
steps:
${BUF}  - walk:
      at: buf
      pages: 8
      expect:
        pfns: [VALID WRITE order=9 *2, NONE, 0, VALID zero, VALID dev=gpu0, "ERROR pfn=0x1234", DMA_MAPPED order=0]
`);
  const pf = walksOf(s)[0].expect?.pfns ?? [];
  assert.equal(pf.length, 8);
  assert.deepEqual(pf.map((e) => ({ flags: e.flags, order: e.order, pfn: e.pfn, zero: e.zero, dev: e.dev, text: e.text })), [
    { flags: ['VALID', 'WRITE'], order: 9, pfn: undefined, zero: undefined, dev: undefined, text: 'VALID WRITE order=9' },
    { flags: ['VALID', 'WRITE'], order: 9, pfn: undefined, zero: undefined, dev: undefined, text: 'VALID WRITE order=9' },
    { flags: [], order: undefined, pfn: undefined, zero: undefined, dev: undefined, text: 'NONE' },
    { flags: [], order: undefined, pfn: undefined, zero: undefined, dev: undefined, text: '0' },
    { flags: ['VALID'], order: undefined, pfn: undefined, zero: true, dev: undefined, text: 'VALID zero' },
    { flags: ['VALID'], order: undefined, pfn: undefined, zero: undefined, dev: 'gpu0', text: 'VALID dev=gpu0' },
    { flags: ['ERROR'], order: undefined, pfn: 0x1234n, zero: undefined, dev: undefined, text: 'ERROR pfn=0x1234' },
    { flags: ['DMA_MAPPED'], order: 0, pfn: undefined, zero: undefined, dev: undefined, text: 'DMA_MAPPED order=0' },
  ]);
  assert.equal(pf[0].pos.line, 10);
  assert.equal(pf[0].pos.col, 16);
  assert.equal(pf[2].pos.col, 40);
});

test('legacy: built-in profile, custom table, values as expected entries', () => {
  const a = ok('hmm: 1\nkernel: v5.7\nlegacy: nouveau\nsteps:\n  - mmap: { name: b, pages: 2, prot: rw }\n  - walk: { at: b, pages: 2, expect: { pfns: [ERROR, NONE] } }\n');
  assert.equal(a.legacy?.builtin, 'nouveau');
  const b = ok(`hmm: 1
kernel: v5.6
legacy:
  flags: { VALID: 0x1, WRITE: 0x2, DEVICE_PRIVATE: 0x4 }
  values: { ERROR: 0xfffffffffffffffe, NONE: 0, SPECIAL: 0xfffffffffffffffc }
  pfn_shift: 12
steps:
  - mmap: { name: b, pages: 1, prot: rw }
  - walk: { at: b, pages: 1, expect: { pfns: [VALID DEVICE_PRIVATE] } }
`);
  assert.equal(b.legacy?.flags?.DEVICE_PRIVATE, 4n);
  assert.equal(b.legacy?.values?.ERROR, 0xfffffffffffffffen);
  assert.equal(b.legacy?.pfnShift, 12);
});

test('a missing legacy profile is a warning naming the default', () => {
  const r = parseScenario('hmm: 1\nkernel: v5.7\nsteps: [fork]\n', 'x.hmm.yaml');
  assert.ok(r.scenario);
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].severity, 'warning');
  assert.match(r.diagnostics[0].message, /default amdgpu profile/);
  assert.deepEqual([r.diagnostics[0].pos.line, r.diagnostics[0].pos.col], [2, 9]);
});

test('JSON text with the same structure gives the same AST (positions aside)', () => {
  const yaml = ok(`hmm: 1\ndevices: [gpu0]\nsteps:\n  - mmap: { name: b, pages: 2, prot: rw }\n  - walk: { name: w, device: gpu0, at: b, pages: 2, mode: fault, expect: { ret: 0, pfns: [VALID *2] } }\n`);
  const json = parseScenario(JSON.stringify({ hmm: 1, devices: ['gpu0'], steps: [
    { mmap: { name: 'b', pages: 2, prot: 'rw' } },
    { walk: { name: 'w', device: 'gpu0', at: 'b', pages: 2, mode: 'fault', expect: { ret: 0, pfns: ['VALID *2'] } } }] }, null, 2), 's.hmm.json');
  assert.ok(json.scenario);
  const strip = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (k, x) => (k === 'pos' || k === 'file' ? undefined : typeof x === 'bigint' ? `${x}n` : x)));
  assert.deepEqual(strip(json.scenario), strip(yaml));
  assert.equal(json.scenario.steps[1].pos.line, 15);
});

test('a BOM is ignored and columns on line 1 stay editor columns', () => {
  const r = parseScenario('\uFEFFhmm: 2\nsteps: [fork]\n', 'b.hmm.yaml');
  assert.deepEqual(r.diagnostics.map((d) => [d.pos.line, d.pos.col]), [[1, 6]]);
});

/** Every scenario the project ships parses without errors. */
test('every example and conformance scenario parses without errors', () => {
  const root = join(import.meta.dirname ?? __dirname, '..', '..');
  const files: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.hmm.yaml') || n.endsWith('.hmm.json')) files.push(p);
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'test', 'conformance'));
  assert.ok(files.length >= 10);
  const problems: string[] = [];
  for (const f of files) {
    const r = parseScenario(readFileSync(f, 'utf8'), f);
    problems.push(...r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic));
    if (!r.scenario) problems.push(`${f}: no scenario`);
  }
  assert.deepEqual(problems, []);
});

/**
 * parseScenario on bad input: every kind of error is reported with file, line and column, what is wrong and what
 * is allowed, all errors are collected, and no scenario is returned.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { formatDiagnostic } from '../../src/core/scenario/ast';

const HEAD = 'hmm: 1\nkernel: v6.16\ndevices: [gpu0]\nsteps:\n  - mmap: { name: buf, pages: 8, prot: rw }\n';

/** Formatted errors of `text` (file s.hmm.yaml). Asserts there is no scenario when errors exist. */
function errors(text: string): string[] {
  const r = parseScenario(text, 's.hmm.yaml');
  const errs = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (errs.length > 0) assert.equal(r.scenario, undefined, 'a scenario despite errors');
  return errs;
}

function only(text: string): string {
  const e = errors(text);
  assert.equal(e.length, 1, `expected one error, got:\n${e.join('\n')}`);
  return e[0];
}

/** [what, body after HEAD (line 6 on), the one expected error] */
const CASES: [string, string, string][] = [
  ['unknown prot', '  - mprotect: { at: buf, pages: 1, prot: rwz }\n',
    's.hmm.yaml:6:42: error: unknown prot "rwz"; expected none, r, rw, rx, rwx; did you mean "rw"?'],
  ['unknown step', '  - mmapp: { pages: 1, prot: r }\n',
    's.hmm.yaml:6:5: error: unknown step "mmapp"; expected mmap, munmap, mprotect, read, write, fork, madvise, migrate, exclusive, set, walk; did you mean "mmap"?'],
  ['unknown key in a step', '  - munmap: { at: buf, pages: 1, page: 2 }\n',
    's.hmm.yaml:6:34: error: unknown key "page" in munmap; expected at, pages; did you mean "pages"?'],
  ['missing required field', '  - munmap: { at: buf }\n',
    's.hmm.yaml:6:5: error: munmap needs "pages"'],
  ['step fields not indented under the op', '  - mmap:\n    pages: 2\n    prot: r\n',
    's.hmm.yaml:7:5: error: a step has 3 keys (mmap, pages, prot); a step is a map with a single key, the operation; pages, prot look like fields of mmap: indent them under "mmap:"'],
  ['a step that is not a map', '  - 42\n',
    's.hmm.yaml:6:5: error: a step must be a map with one key, the operation (mmap, munmap, mprotect, read, write, fork, madvise, migrate, exclusive, set, walk); got the number 42'],
  ['pages of the wrong type', '  - munmap: { at: buf, pages: two }\n',
    's.hmm.yaml:6:31: error: munmap pages must be a whole number (decimal or 0x hex), got the string "two"'],
  ['pages zero', '  - munmap: { at: buf, pages: 0 }\n',
    's.hmm.yaml:6:31: error: munmap pages must be at least 1, got 0'],
  ['pages fractional', '  - munmap: { at: buf, pages: 1.5 }\n',
    's.hmm.yaml:6:31: error: munmap pages must be a whole number, got the number 1.5'],
  ['negative address', '  - munmap: { at: -0x1000, pages: 1 }\n',
    's.hmm.yaml:6:19: error: munmap at -0x1000 is negative; addresses are between 0 and 0x800000000000'],
  ['unaligned address', '  - munmap: { at: 0x7f0000000010, pages: 1 }\n',
    's.hmm.yaml:6:19: error: munmap at 0x7f0000000010 is not aligned to the page size 4096 (0x1000); the nearest page is 0x7f0000000000'],
  ['address above user space', '  - munmap: { at: 0xffffffffffff0000, pages: 1 }\n',
    's.hmm.yaml:6:19: error: munmap at 0xffffffffffff0000 is above the user address space (addresses are below 0x800000000000)'],
  ['range past user space', '  - munmap: { at: 0x7ffffffff000, pages: 2 }\n',
    's.hmm.yaml:6:19: error: munmap: 2 pages from 0x7ffffffff000 end at 0x800000001000, above the user address space (0x800000000000)'],
  ['unknown mapping name', '  - munmap: { at: bfu+1, pages: 1 }\n',
    's.hmm.yaml:6:19: error: munmap at: unknown mapping "bfu"; mappings named so far: buf; did you mean "buf"?'],
  ['mapping used before its mmap', '  - munmap: { at: late, pages: 1 }\n  - mmap: { name: late, pages: 1, prot: r }\n',
    's.hmm.yaml:6:19: error: munmap at: mapping "late" is used before the mmap step that names it (line 7)'],
  ['duplicate mapping name', '  - mmap: { name: buf, pages: 1, prot: r }\n',
    's.hmm.yaml:6:19: error: mapping name "buf" is already used by the mmap step at line 5; names must be unique'],
  ['bad address text', '  - munmap: { at: "buf-1", pages: 1 }\n',
    's.hmm.yaml:6:19: error: munmap at: unknown mapping "buf-1"; mappings named so far: buf; did you mean "buf"?'],
  ['unknown mmap flag', '  - mmap: { pages: 1, prot: r, flags: [private, anonymus] }\n',
    's.hmm.yaml:6:49: error: unknown mmap flag "anonymus"; expected private, shared, anonymous, file, hugetlb, pfnmap, io, mixedmap, populate; did you mean "anonymous"?'],
  ['contradicting mmap flags', '  - mmap: { pages: 1, prot: r, flags: [private, shared] }\n',
    's.hmm.yaml:6:39: error: mmap flags private and shared exclude each other'],
  ['huge_page without hugetlb', '  - mmap: { pages: 512, prot: r, huge_page: 2M }\n',
    's.hmm.yaml:6:34: error: huge_page needs the hugetlb flag (flags: [private, anonymous, hugetlb])'],
  ['hugetlb size multiple', '  - mmap: { pages: 100, prot: r, flags: [hugetlb] }\n',
    's.hmm.yaml:6:20: error: a hugetlb mapping of 2M pages must be a multiple of 512 pages (2M / 4096), got 100'],
  ['unknown huge_page', '  - mmap: { pages: 512, prot: r, flags: [hugetlb], huge_page: 4M }\n',
    's.hmm.yaml:6:63: error: unknown huge_page "4M"; expected 64K, 2M, 32M, 512M, 1G, 16G; did you mean "2M"?'],
  ['unknown advice', '  - madvise: { at: buf, pages: 1, advice: hugepages }\n',
    's.hmm.yaml:6:43: error: unknown advice "hugepages"; expected hugepage, nohugepage, dontneed, pageout, hwpoison; did you mean "hugepage"?'],
  ['unknown device in migrate', '  - migrate: { at: buf, pages: 1, to: gpu9 }\n',
    's.hmm.yaml:6:39: error: unknown device "gpu9"; expected gpu0, system; did you mean "gpu0"?'],
  ['unknown pte state', '  - set: { at: buf, pte: presnt }\n',
    's.hmm.yaml:6:26: error: unknown pte state "presnt"; expected none, zero, present, swap, migration, device_private, device_exclusive, hwpoison, protnone, special, marker; did you mean "present"?'],
  ['pte field the state does not take', '  - set: { at: buf, pte: { state: swap, write: true } }\n',
    's.hmm.yaml:6:41: error: pte state swap has no "write"'],
  ['marker without kind', '  - set: { at: buf, pte: { state: marker } }\n',
    's.hmm.yaml:6:26: error: pte state marker needs "kind"'],
  ['unknown marker kind', '  - set: { at: buf, pte: { state: marker, kind: uffd } }\n',
    's.hmm.yaml:6:49: error: unknown marker kind "uffd"; expected guard, uffd_wp, poisoned; did you mean "uffd_wp"?'],
  ['pte write not a bool', '  - set: { at: buf, pte: { state: present, write: yes } }\n',
    's.hmm.yaml:6:51: error: pte write must be true or false, got the string "yes"'],
  ['fork with fields', '  - fork: { child: 1 }\n',
    's.hmm.yaml:6:11: error: fork takes no fields; write "- fork: {}", got a map'],
  ['unknown walk key', '  - walk: { at: buf, pages: 1, retyr: false }\n',
    's.hmm.yaml:6:32: error: unknown key "retyr" in walk; expected name, device, at, pages, mode, default_flags, pfn_flags_mask, input, sticky, retry, refill, during, expect; did you mean "retry"?'],
  ['unknown walk mode', '  - walk: { at: buf, pages: 1, mode: snap }\n',
    's.hmm.yaml:6:38: error: unknown walk mode "snap"; expected snapshot, fault, fault_write; did you mean "snapshot"?'],
  ['undeclared walk device', '  - walk: { at: buf, pages: 1, device: gpu1 }\n',
    's.hmm.yaml:6:40: error: unknown device "gpu1"; expected gpu0; did you mean "gpu0"?'],
  ['retry not a bool', '  - walk: { at: buf, pages: 1, retry: 1 }\n',
    's.hmm.yaml:6:39: error: retry must be true or false, got the number 1'],
  ['walk pages over the limit', '  - walk: { at: buf, pages: 99999999999999999999 }\n',
    's.hmm.yaml:6:29: error: a walk of 99999999999999999999 pages exceeds the limit of 16777216 pages per walk; raise it with the hmm.maxPages setting or `hmm-lens run --max-pages N`'],
  ['unknown default flag', '  - walk: { at: buf, pages: 1, default_flags: [REQ_FALT] }\n',
    's.hmm.yaml:6:48: error: unknown flag "REQ_FALT" in default_flags: unknown flag "REQ_FALT"; input flags of layout v6.16: REQ_FAULT, REQ_WRITE, DMA_MAPPED, P2PDMA, P2PDMA_BUS; did you mean "REQ_FAULT"?'],
  ['output-only flag on input', '  - walk: { at: buf, pages: 1, input: { buf: [ERROR] } }\n',
    's.hmm.yaml:6:47: error: ERROR is output-only (hmm_range_fault ignores it on input); input flags of layout v6.16: REQ_FAULT, REQ_WRITE, DMA_MAPPED, P2PDMA, P2PDMA_BUS'],
  ['sticky flag that is not sticky', '  - walk: { at: buf, pages: 1, sticky: { buf: [REQ_FAULT] } }\n',
    's.hmm.yaml:6:48: error: REQ_FAULT cannot be used in sticky flags: sticky takes the layout\'s in/out flags: DMA_MAPPED, P2PDMA, P2PDMA_BUS'],
  ['input page outside the walk', '  - walk: { at: buf, pages: 2, input: { buf+2: [REQ_FAULT] } }\n',
    's.hmm.yaml:6:41: error: input page buf+2 is outside the walk (2 pages from buf)'],
  ['same input page twice', '  - walk: { at: buf, pages: 2, input: { buf: [REQ_FAULT], buf+0: [REQ_WRITE] } }\n',
    's.hmm.yaml:6:59: error: input names the same page twice (first at line 6)'],
  ['walk during a walk', '  - walk: { at: buf, pages: 2, during: [{ after_pages: 1, step: { walk: { at: buf, pages: 1 } } }] }\n',
    's.hmm.yaml:6:67: error: a walk cannot run during another walk; during takes address-space steps (munmap, mprotect, migrate, …)'],
  ['after_pages past the walk', '  - walk: { at: buf, pages: 2, during: [{ after_pages: 3, step: { fork: {} } }] }\n',
    's.hmm.yaml:6:56: error: after_pages must be at most 2, got 3'],
  ['unknown ret', '  - walk: { at: buf, pages: 1, expect: { ret: -EBUZY } }\n',
    's.hmm.yaml:6:47: error: unknown ret "-EBUZY"; expected 0, -EPERM, -EINTR, -EAGAIN, -ENOMEM, -EFAULT, -EBUSY, -EINVAL or a number; did you mean "-EBUSY"?'],
  ['expected entry count mismatch', '  - walk: { at: buf, pages: 3, expect: { pfns: [VALID *2] } }\n',
    's.hmm.yaml:6:48: error: expect pfns has 2 entries after expanding *N, but the walk has 3 pages; there must be exactly one entry per page'],
  ['unknown token in an entry', '  - walk: { at: buf, pages: 1, expect: { pfns: [VALID WRTE] } }\n',
    's.hmm.yaml:6:55: error: unknown token "WRTE"; expected flag names of layout v6.16 (VALID, WRITE, ERROR, DMA_MAPPED, P2PDMA, P2PDMA_BUS), NONE, zero, order=N, pfn=0x…, dev=NAME or *N; did you mean "WRITE"?'],
  ['repeat not last', '  - walk: { at: buf, pages: 2, expect: { pfns: [VALID *2 WRITE] } }\n',
    's.hmm.yaml:6:55: error: the repeat "*2" must be the last token of the entry'],
  ['bad repeat', '  - walk: { at: buf, pages: 2, expect: { pfns: [VALID *0, VALID *2] } }\n',
    's.hmm.yaml:6:55: error: bad repeat "*0"; expected *N with N a whole number ≥ 1'],
  ['order out of range', '  - walk: { at: buf, pages: 1, expect: { pfns: [VALID order=32] } }\n',
    's.hmm.yaml:6:55: error: bad order "32"; expected a whole number 0..31 (the layout\'s order field has 5 bits)'],
  ['pfn outside the pfn field', '  - walk: { at: buf, pages: 1, expect: { pfns: ["VALID pfn=0x40000000000000"] } }\n',
    's.hmm.yaml:6:56: error: pfn 0x40000000000000 does not fit the pfn field of layout v6.16 (mask 0x1fffffffffffff)'],
  ['undeclared dev=', '  - walk: { at: buf, pages: 1, expect: { pfns: [VALID dev=gpu3] } }\n',
    's.hmm.yaml:6:55: error: unknown device "gpu3"; declared devices: gpu0; did you mean "gpu0"?'],
  ['NONE with flags', '  - walk: { at: buf, pages: 1, expect: { pfns: [NONE VALID] } }\n',
    's.hmm.yaml:6:49: error: "NONE" means no flag at all and cannot be combined with VALID'],
  ['flag twice', '  - walk: { at: buf, pages: 1, expect: { pfns: [VALID VALID] } }\n',
    's.hmm.yaml:6:55: error: flag VALID is given twice'],
  ['zero with dev=', '  - walk: { at: buf, pages: 1, expect: { pfns: [VALID zero dev=gpu0] } }\n',
    's.hmm.yaml:6:55: error: "zero" and "dev=" contradict each other: the zero page is not device memory'],
  ['number entry other than 0', '  - walk: { at: buf, pages: 1, expect: { pfns: [5] } }\n',
    's.hmm.yaml:6:49: error: a number entry must be 0 (NONE), got the number 5; write an entry with flag names (VALID WRITE pfn=0x1234)'],
  ['entry of the wrong type', '  - walk: { at: buf, pages: 1, expect: { pfns: [[VALID]] } }\n',
    's.hmm.yaml:6:49: error: an expected entry must be a string of tokens (VALID WRITE order=9 *512), got a list'],
  ['unknown expect key', '  - walk: { at: buf, pages: 1, expect: { pfn: [VALID] } }\n',
    's.hmm.yaml:6:42: error: unknown key "pfn" in expect; expected ret, pfns; did you mean "pfns"?'],
];

for (const [what, body, expected] of CASES) {
  test(`error: ${what}`, () => {
    assert.equal(only(HEAD + body), expected);
  });
}

test('error: unknown top-level key with did-you-mean', () => {
  assert.equal(only('hmm: 1\ndevice: [gpu0]\nsteps: []\n'),
    's.hmm.yaml:2:1: error: unknown key "device" in the scenario; expected hmm, name, description, kernel, legacy, page_size, devices, steps; did you mean "devices"?');
});

test('error: YAML merge keys are named as such', () => {
  assert.equal(only('hmm: 1\n<<: { name: x }\nsteps: []\n'),
    's.hmm.yaml:2:1: error: YAML merge keys (<<) are not supported in the scenario (YAML 1.2 has none); write the keys out');
});

test('error: missing hmm and steps', () => {
  assert.deepEqual(errors('name: x\n'), [
    's.hmm.yaml:1:1: error: missing "hmm: 1" (the format version) at the top level',
    's.hmm.yaml:1:1: error: missing "steps:" — the list of operations (mmap, walk, …)',
  ]);
});

test('error: format version, page size, kernel id, legacy profile', () => {
  assert.deepEqual(errors('hmm: 2\npage_size: 8192\nkernel: v9.1\nsteps: []\n'), [
    's.hmm.yaml:1:6: error: unsupported format version 2; expected hmm: 1 (the number)',
    's.hmm.yaml:2:12: error: unsupported page_size 8192; expected 4096, 16384 or 65536',
    's.hmm.yaml:3:9: error: kernel v9.1 is newer than the newest modelled release v6.19; use latest',
  ]);
  assert.equal(only('hmm: "1"\nsteps: []\n'), 's.hmm.yaml:1:6: error: unsupported format version the string "1"; expected hmm: 1 (the number)');
  assert.equal(only('hmm: 1\nkernel: linux-6\nsteps: []\n'),
    's.hmm.yaml:2:9: error: unknown kernel id "linux-6"; expected a release id like v5.7, v5.8, v6.16, or latest');
  assert.match(only('hmm: 1\nkernel: v5.7\nlegacy: radeon\nsteps: []\n'), /^s\.hmm\.yaml:3:9: error: unknown legacy profile "radeon"; expected one of amdgpu, nouveau, test_hmm/);
  assert.deepEqual(errors('hmm: 1\nkernel: v5.7\nlegacy: { flags: { VALID: 1 } }\nsteps: []\n'), [
    's.hmm.yaml:3:11: error: legacy flags needs WRITE',
    's.hmm.yaml:3:9: error: a legacy table needs values {ERROR, NONE} (or profile: amdgpu, nouveau or test_hmm to start from)',
  ]);
});

test('error: devices', () => {
  assert.deepEqual(errors('hmm: 1\ndevices: [gpu0, gpu0, system, "9x"]\nsteps: []\n'), [
    's.hmm.yaml:2:17: error: device "gpu0" is declared twice',
    's.hmm.yaml:2:23: error: "system" is reserved (migrate to: system: back to system RAM); choose another device name',
    's.hmm.yaml:2:31: error: device name "9x" must start with a letter or _ and use letters, digits, _, . or -',
  ]);
});

test('error: sticky flags on a layout without them names the release', () => {
  assert.equal(only('hmm: 1\nkernel: v6.15\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - walk: { at: b, pages: 1, sticky: { b: [DMA_MAPPED] } }\n'),
    's.hmm.yaml:5:30: error: layout v5.10 has no sticky (in/out) flags; sticky needs a kernel with HMM_PFN_INOUT_FLAGS (v6.16 and newer)');
});

test('error: order= on a layout without an order field', () => {
  assert.equal(only('hmm: 1\nkernel: v5.8\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - walk: { at: b, pages: 1, expect: { pfns: [VALID order=9] } }\n'),
    's.hmm.yaml:5:53: error: layout v5.8 has no map order field (kernels from v5.10 have one); remove "order=9"');
});

test('error: legacy whole-word values cannot be combined with flags', () => {
  assert.equal(only('hmm: 1\nkernel: v5.7\nlegacy: amdgpu\nsteps:\n  - mmap: { name: b, pages: 1, prot: r }\n  - walk: { at: b, pages: 1, expect: { pfns: [ERROR WRITE] } }\n'),
    's.hmm.yaml:6:47: error: ERROR is a whole-word value on layout legacy:amdgpu@v5.7, not a flag; it cannot be combined with WRITE');
});

test('YAML syntax errors are positioned and stop the parse', () => {
  assert.deepEqual(errors('hmm: 1\nsteps: [fork\n'), ['s.hmm.yaml:3:1: error: YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]']);
  assert.deepEqual(errors('hmm: 1\n\tsteps: []\n'), ['s.hmm.yaml:2:1: error: YAML syntax: Tabs are not allowed as indentation']);
  assert.deepEqual(errors('hmm: 1\nsteps: []\n---\nhmm: 1\n'), ['s.hmm.yaml:3:1: error: a scenario file holds one YAML document; remove the second "---" document']);
});

test('duplicate keys are errors and parsing goes on', () => {
  assert.deepEqual(errors('hmm: 1\nhmm: 1\nsteps: [frok]\n'), [
    's.hmm.yaml:2:1: error: duplicate key: each key may appear once in a map',
    's.hmm.yaml:3:9: error: a step must be a map with one key, the operation (mmap, munmap, mprotect, read, write, fork, madvise, migrate, exclusive, set, walk); got the string "frok"',
  ]);
});

test('every error of a file is collected, not only the first', () => {
  const e = errors(`${HEAD}  - mprotect: { at: buf, pages: 1, prot: rwz }\n  - walk: { at: nope, pages: 1, mode: fast, expect: { pfns: [VALID, VALID] } }\n  - set: { at: buf, pte: weird }\n`);
  assert.deepEqual(e.map((x) => x.split(': error: ')[0]), ['s.hmm.yaml:6:42', 's.hmm.yaml:7:17', 's.hmm.yaml:7:39', 's.hmm.yaml:7:61', 's.hmm.yaml:8:26']);
});

test('wrong shapes: the root, steps, a walk body', () => {
  assert.deepEqual(errors('- 1\n- 2\n'), ['s.hmm.yaml:1:1: error: the scenario must be a map, got a list']);
  assert.deepEqual(errors('hmm: 1\nsteps: { mmap: {} }\n'), ['s.hmm.yaml:2:8: error: steps must be a list, got a map']);
  assert.deepEqual(errors('hmm: 1\nsteps:\n  - walk: [1]\n'), ['s.hmm.yaml:3:11: error: walk must be a map, got a list']);
  assert.deepEqual(errors(''), ['s.hmm.yaml:1:1: error: empty scenario; a scenario needs at least "hmm: 1" and "steps:"']);
});

test('non-UTF-8 bytes (replacement characters) are reported as a warning at their position', () => {
  const r = parseScenario('hmm: 1\nname: caf\uFFFD\nsteps: []\n', 's.hmm.yaml');
  assert.ok(r.scenario);
  assert.deepEqual(r.diagnostics.filter((d) => /UTF-8/.test(d.message)).map(formatDiagnostic),
    ['s.hmm.yaml:2:10: warning: the file is not valid UTF-8 here (a byte sequence was replaced by U+FFFD); save it as UTF-8']);
});

test('limits: file size, steps, nesting, aliases', () => {
  const big = `hmm: 1\nsteps: []\n# ${'x'.repeat(4 * 1024 * 1024)}\n`;
  assert.match(only(big), /^s\.hmm\.yaml:1:1: error: the file \(\d+ characters\) exceeds the limit of 4194304 bytes; split the scenario/);
  const many = `hmm: 1\nsteps:\n${'  - fork\n'.repeat(10_001)}`;
  assert.equal(only(many), 's.hmm.yaml:10003:5: error: 10001 steps exceeds the limit of 10000 steps per file; split the scenario');
  const deep = `hmm: 1\nname: ${'['.repeat(100)}${']'.repeat(100)}\nsteps: []\n`;
  assert.match(only(deep), /^s\.hmm\.yaml:2:\d+: error: the file nests collections more than 64 levels deep$/);
  const laughs = ['hmm: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) laughs.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  laughs.push('steps: [*a7]');
  const r = parseScenario(laughs.join('\n'), 's.hmm.yaml');
  assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
  const walkLimit = parseScenario(`${HEAD}  - walk: { at: buf, pages: 5 }\n`, 's.hmm.yaml', { limits: { maxWalkPages: 4 } });
  assert.deepEqual(walkLimit.diagnostics.map(formatDiagnostic),
    ['s.hmm.yaml:6:29: error: a walk of 5 pages exceeds the limit of 4 pages per walk; raise it with the hmm.maxPages setting or `hmm-lens run --max-pages N`']);
});

test('huge numbers never lose precision or crash', () => {
  assert.equal(only(`${HEAD}  - munmap: { at: 0x1${'0'.repeat(40)}, pages: 1 }\n`),
    `s.hmm.yaml:6:19: error: munmap at 0x1${'0'.repeat(40)} is above the user address space (addresses are below 0x800000000000)`);
  assert.equal(only(`${HEAD}  - munmap: { at: buf, pages: 1e400 }\n`),
    's.hmm.yaml:6:31: error: munmap pages must be a whole number, got the number 1e400');
});

test('limits: expected entries per file bound the memory of *N expansion', () => {
  const walks = Array.from({ length: 3 }, () => '  - walk: { at: buf, pages: 8, expect: { pfns: [NONE *8] } }\n').join('');
  const r = parseScenario(HEAD + walks, 's.hmm.yaml', { limits: { maxExpectedEntries: 16, maxWalkPages: 8 } });
  assert.deepEqual(r.diagnostics.map(formatDiagnostic),
    ['s.hmm.yaml:8:48: error: 24 expected pfn entries in this file exceeds the limit of 16 entries per file; split the walks into several files']);
});

test('a problem inside an anchored node reused through an alias: reported once, naming where the alias uses it', () => {
  const text = HEAD + '  - walk: &w { name: a, at: buf, pages: 0, mode: snapshot }\n  - read: { at: buf }\n  - walk: *w\n';
  assert.deepEqual(errors(text), ['s.hmm.yaml:6:41: error: walk pages must be at least 1, got 0 (inside &w, reused through *w at 8:11)']);
  // a problem outside any reused anchor keeps its plain message
  assert.deepEqual(errors(HEAD + '  - walk: &w { name: a, at: buf, pages: 1, mode: snapshot }\n  - walk: { at: buf, pages: 0, mode: snapshot }\n  - walk: *w\n'),
    ['s.hmm.yaml:7:29: error: walk pages must be at least 1, got 0']);
});

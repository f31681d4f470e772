// The pieces of the hover classifier: names before a value, the flag pattern per layout, scenario keys, the address
// hover's text, and where a scenario's mappings lie.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelBefore } from '../../src/extension/hover/hexLabel';
import { plausiblePfnWord } from '../../src/extension/hover/pfnPlausible';
import { scenarioHexKind, scenarioKeyPath } from '../../src/extension/hover/scenarioKey';
import { classifyHex } from '../../src/extension/hover/classifyHex';
import { addressHoverMarkdown } from '../../src/extension/hover/addressMarkdown';
import { pfnTokenAt } from '../../src/extension/pfnToken';
import { layoutForKernel } from '../../src/core/layouts/index';
import { parseScenario } from '../../src/core/scenario/parse';
import { mappingAt, scenarioMappings } from '../../src/core/scenario/mappings';
import { runScenario } from '../../src/core/scenario/run';

const at = (line: string, needle: string) => line.indexOf(needle);

test('labelBefore names a value by what it is assigned to, indexed from or listed under', () => {
  const cases: [string, string, string | undefined, string[]?][] = [
    ['\trange->hmm_pfns[i] = 0x8000000000001000;', '0x8000', 'range->hmm_pfns'],
    ['[ 1.0] hmm_pfns[0]=c000000000010000 hmm_pfns[1]=8000000000001000', '8000000000001000', 'hmm_pfns'],
    ['pfns: 8000000000010000 c000000000010001 0000000000000000', '0000000000000000', 'pfns'],
    ['"pfns":["0x2000000000000000","0x0"]', '0x0"', 'pfns'],
    ['#define HMM_PFN_VALID 0x8000000000000000ULL', '0x8000', 'HMM_PFN_VALID'],
    ['\treturn (pfn >> HMM_PFN_ORDER_SHIFT) & 0x1f;', '0x1f', undefined],
    ['\tu64 x = (u64)0xc000000000001234ULL;', '0xc000', 'x'],
    ['[mem 0x383ff0000000-0x383ff7ffffff 64bit pref]', '0x383ff7', 'mem'],
    ['VRAM: 16368M 0x0000008000000000 - 0x00000083FEFFFFFF', '0x00000083', 'VRAM'],
    ['\t0x8000000000000005UL,\t/* VALID */', '0x8000', 'expected_pfns', ['\t0xc000000000001234ULL,\t/* VALID | WRITE */', 'static const unsigned long expected_pfns[] = {']],
  ];
  for (const [line, needle, chain, above] of cases) {
    assert.equal(labelBefore(line, at(line, needle), above ?? []).chain, chain, line);
  }
  const inComment = labelBefore('\t/* the buffer is filled with 0x11 bytes */', 29, []);
  assert.equal(inComment.inComment, true);
  assert.equal(inComment.chain, 'with');
  // a list continues upwards only while lines end in `,` `{` `[`
  assert.equal(labelBefore('\t0x1,', 1, ['}', 'int pfns[] = {']).chain, undefined);
});

test('plausiblePfnWord: the flag pattern of each layout, strict and on a driver line', () => {
  const v616 = layoutForKernel('v6.16');
  const v510 = layoutForKernel('v5.10');
  const v58 = layoutForKernel('v5.8');
  const legacy = layoutForKernel('v5.4');
  assert.ok(plausiblePfnWord(0xc000000000001234n, v616));
  assert.ok(plausiblePfnWord(0x2000000000000000n, v616), 'ERROR alone');
  assert.ok(plausiblePfnWord(0xd120000000312600n, v616), 'VALID WRITE DMA_MAPPED order 9');
  assert.ok(plausiblePfnWord(0x8900000000200000n, v510), 'order 9 at bit 56 in 5.10');
  assert.ok(!plausiblePfnWord(0x8900000000200000n, v58), '5.8 has no order field');
  for (const v of [0xffff888104c71800n, 0xdead000000000100n, 0x8000000000000000n, 0xc000000000000000n,
    0x4000000000000005n, 0x1000000000000000n, 0xa000000000001000n, 0x0000000123456003n]) {
    assert.ok(!plausiblePfnWord(v, v616), v.toString(16));
  }
  // on a driver's debug line: pfn 0, WRITE without VALID, sticky-only input words pass; pointers still do not
  assert.ok(plausiblePfnWord(0x8000000000000000n, v616, true));
  assert.ok(plausiblePfnWord(0x4000000000000005n, v616, true));
  assert.ok(plausiblePfnWord(0x1000000000312600n, v616, true));
  assert.ok(!plausiblePfnWord(0xffff888104c71800n, v616, true));
  // legacy (amdgpu table): VALID in bit 0, pfn from bit 12; the whole-word ERROR value
  assert.ok(plausiblePfnWord(0x0000000123456003n, legacy));
  assert.ok(plausiblePfnWord(0xfffffffffffffffen, legacy));
  assert.ok(!plausiblePfnWord(0x0000000123456ff3n, legacy), 'bits between the flags and pfn_shift');
  assert.ok(!plausiblePfnWord(0xc000000000001234n, legacy), 'a modern word is no legacy word');
});

test('scenario keys decide: at: and input keys are addresses, input words and flags are pfn words, pages and pfn= neither', () => {
  const above = ['      input:', '      pages: 4', '      at: buf', '  - walk:', 'steps:'];
  assert.deepEqual(scenarioKeyPath('        0x7f0000002000: [REQ_FAULT]', 8, 22, above).path, ['steps', 'walk', 'input']);
  assert.equal(scenarioHexKind('        0x7f0000002000: [REQ_FAULT]', 8, 22, above)?.kind, 'address');
  assert.equal(scenarioHexKind('        buf+1: 0xc000000000000000', 15, 33, above)?.kind, 'pfn');
  const walk = ['  - walk:', 'steps:'];
  assert.equal(scenarioHexKind('      at: 0x7f0000000000', 10, 24, walk)?.kind, 'address');
  assert.equal(scenarioHexKind('      pages: 0x10', 13, 17, walk)?.kind, 'none');
  assert.equal(scenarioHexKind('      default_flags: 0x8000000000000000', 21, 39, walk)?.kind, 'pfn');
  const expect = ['      expect:', ...walk];
  assert.equal(scenarioHexKind('        pfns: [VALID pfn=0x1000, NONE]', 25, 31, expect)?.kind, 'none');
  assert.equal(scenarioHexKind('        ret: 0x0', 13, 16, expect)?.kind, 'none');
  assert.equal(scenarioHexKind('  - mmap: { name: b, at: 0x7f0000400000, pages: 4 }', 25, 39, ['steps:'])?.kind, 'address');
  assert.equal(scenarioHexKind('  # a word 0x8000000000001000 in a comment', 11, 29, []), undefined, 'comments read as text');
  assert.equal(scenarioHexKind('  legacy: { values: { ERROR: 0xfffffffffffffffe } }', 29, 47, [])?.kind, 'pfn');
});

test('classifyHex: a register offset and a selftest byte are quiet, an Output-trace address is an address', () => {
  const layout = layoutForKernel('latest');
  const kind = (line: string, needle: string, above: string[] = []) => {
    const tok = pfnTokenAt(line, at(line, needle) + 1);
    assert.ok(tok, needle);
    return classifyHex({ ...tok, line, above, scenario: false, layout }).kind;
  };
  assert.equal(kind('#define SVM_FAULT_STATUS_OFFSET\t0x1c40', '0x1c40'), 'none');
  assert.equal(kind(' * with 0x11 bytes first, so a page read back as 0x00 was never faulted', '0x11'), 'none');
  assert.equal(kind('  walk "snap" (line 12) 0x7f0000200000: ret 0 · 4 pages — expect ok', '0x7f0000200000'), 'address');
  assert.equal(kind('[ 1.0] amdgpu: svm: hmm_pfns[3]=0000000000000000', '0000000000000000'), 'pfn');
  assert.equal(kind('static u64 bar = 0x0000383ffc000000ULL;', '0x0000383f'), 'none');
});

test('the address hover names the mapping and page, else says it is in none of this scenario', () => {
  const md = addressHoverMarkdown(0x7f0000202000n, 4096, [{ file: 'a.hmm.yaml', where: 'this file', mapping: 'buf', line: 6, page: 2, pages: 8 }],
    { scenarioDoc: true });
  assert.match(md, /\*\*User virtual address\*\* `0x7f0000202000`/);
  assert.match(md, /\| page \| `0x7f0000202` \(4 KiB pages\), offset `0x0` \|/);
  assert.match(md, /In mapping \*\*buf\*\* of `a\.hmm\.yaml` \(this file\): page 2 of 8 — `buf\+2`, mmap at line 6/);
  assert.match(md, /command:hmm\.decodePfn/);
  assert.doesNotMatch(md, /aligned to/);
  const pmd = addressHoverMarkdown(0x7f0000200000n, 4096, [], { scenarioDoc: true });
  assert.match(pmd, /aligned to \| 2 MiB/);
  assert.match(pmd, /Not in any mapping of this scenario/);
  const plain = addressHoverMarkdown(0x7f0040000000n, 4096, [], { scenarioDoc: false });
  assert.match(plain, /aligned to \| 1 GiB/);
  assert.doesNotMatch(plain, /Not in any mapping/);
});

test('scenarioMappings places mmaps as the runner does (2 MiB-aligned from 0x7f0000000000, `at`, munmap)', () => {
  const { scenario } = parseScenario([
    'hmm: 1', 'kernel: v6.16', 'steps:',
    '  - mmap: { name: a, pages: 4, prot: rw }',
    '  - mmap: { name: b, pages: 600, prot: rw, flags: [private, anonymous, populate] }',
    '  - mmap: { name: c, at: 0x7f1000000000, pages: 2, prot: r }',
    '  - munmap: { at: b+1, pages: 1 }',
    '  - mmap: { at: a+1, pages: 1, prot: r }',
    '  - walk: { at: b, pages: 4 }',
  ].join('\n'), 't.hmm.yaml');
  assert.ok(scenario);
  const m = scenarioMappings(scenario);
  assert.deepEqual(m.mappings.map((x) => [x.name, x.start.toString(16), x.pages, x.line]),
    [['a', '7f0000000000', 4, 4], ['b', '7f0000200000', 600, 5], ['c', '7f1000000000', 2, 6], [undefined, '7f0000001000', 1, 8]]);
  // the runner puts them in the same places
  const run = runScenario(scenario);
  assert.deepEqual(run.walks[0].vmas.map((v) => [v.name, v.start.toString(16)]), [['b', '7f0000200000'], [undefined, '7f0000202000']]);
  assert.deepEqual({ ...mappingAt(m, 0x7f0000203010n), mapping: undefined }, { mapping: undefined, page: 3, offset: 0x10n });
  assert.equal(mappingAt(m, 0x7f0000203010n)?.mapping.name, 'b');
  assert.equal(mappingAt(m, 0x7f0000201000n)?.unmappedAtLine, 7);
  assert.equal(mappingAt(m, 0x7f1000001000n)?.mapping.name, 'c');
  assert.equal(mappingAt(m, 0x7f0000001000n)?.mapping.name, undefined, 'the latest mmap covering it: the unnamed one');
  assert.equal(mappingAt(m, 0x7f0000002000n)?.mapping.name, 'a');
  assert.equal(mappingAt(m, 0x7f2000000000n), undefined);
});

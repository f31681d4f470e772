/**
 * Authoring help for scenario files, from the format itself: completion at each kind of place, hover documentation
 * of keys and tokens, the outline, mapping names (definition, references, rename) and the "did you mean" fixes —
 * every fix applied makes its diagnostic go away.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeAt, kernelIds } from '../../src/core/authoring/completions';
import { docHoverAt } from '../../src/core/authoring/hoverDocs';
import { didYouMeanFix } from '../../src/core/authoring/quickFix';
import { mappingOccurrences, occurrencesAt, outline, renameMapping } from '../../src/core/authoring/symbols';
import { parseScenario } from '../../src/core/scenario/parse';

/** Completion labels at the `|` of `text`. */
function labels(text: string): string[] {
  const at = text.indexOf('|');
  return completeAt(text.replace('|', ''), at)?.items.map((i) => i.label) ?? [];
}

const HEAD = 'hmm: 1\nkernel: v6.16\ndevices: [gpu0, gpu1]\nsteps:\n  - mmap: { name: buf, pages: 4, prot: rw }\n';

test('step names where a step goes, as snippets', () => {
  assert.deepEqual(labels(HEAD + '  - |\n'), ['mmap', 'munmap', 'mprotect', 'read', 'write', 'fork', 'madvise', 'migrate', 'exclusive', 'set', 'walk']);
  const walk = completeAt(HEAD + '  - \n', (HEAD + '  - ').length)!.items.find((i) => i.label === 'walk')!;
  assert.ok(walk.snippet);
  assert.match(walk.insert!, /^walk:\n {4}name: \$\{1:snap\}\n {4}device: gpu0\n {4}at: \$\{2:buf\}\n {4}pages: \$\{3:4\}/);
});

test('the keys a map takes, without those already written', () => {
  assert.deepEqual(labels('hmm: 1\n|\n'), ['name', 'description', 'kernel', 'legacy', 'page_size', 'devices', 'steps']);
  assert.deepEqual(labels(HEAD + '  - munmap: { at: buf, | }\n'), ['pages']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      at: buf\n      |\n      pages: 4\n'),
    ['name', 'device', 'mode', 'default_flags', 'pfn_flags_mask', 'input', 'sticky', 'retry', 'refill', 'during', 'expect']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      at: buf\n      expect:\n        |\n'), ['ret', 'pfns']);
  assert.deepEqual(labels(HEAD + '  - set: { at: buf, pte: { state: present, | } }\n'), ['write', 'device', 'kind']);
});

test('enum values: prot, mmap flags, advice, mode, pte states, marker kinds, fs, ret', () => {
  assert.deepEqual(labels(HEAD + '  - mprotect: { at: buf, pages: 1, prot: | }\n'), ['none', 'r', 'rw', 'rx', 'rwx']);
  assert.deepEqual(labels(HEAD + '  - mmap: { name: b, pages: 1, prot: r, flags: [shared, |] }\n'),
    ['private', 'anonymous', 'file', 'hugetlb', 'pfnmap', 'io', 'mixedmap', 'populate']);
  assert.deepEqual(labels(HEAD + '  - madvise: { at: buf, pages: 1, advice: | }\n'), ['hugepage', 'nohugepage', 'dontneed', 'pageout', 'hwpoison']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      mode: f|\n'), ['snapshot', 'fault', 'fault_write']);
  assert.ok(labels(HEAD + '  - set: { at: buf, pte: | }\n').includes('device_private'));
  assert.deepEqual(labels(HEAD + '  - set: { at: buf, pte: { state: marker, kind: | } }\n'), ['guard', 'uffd_wp', 'poisoned']);
  assert.ok(labels(HEAD + '  - walk:\n      expect:\n        ret: |\n').includes('-EBUSY'));
});

test('flag names and entry tokens of the file\'s own layout', () => {
  const modern = labels(HEAD + '  - walk:\n      expect:\n        pfns: [VALID WRITE, VALID |]\n');
  assert.deepEqual(modern, ['WRITE', 'ERROR', 'DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS', 'zero', 'order=', 'dev=gpu0', 'dev=gpu1', 'pfn=', '*N']);
  // v5.8 has no order field and no sticky flags; a legacy layout has DEVICE_PRIVATE and whole-word values
  assert.deepEqual(labels('hmm: 1\nkernel: v5.8\nsteps:\n  - walk:\n      expect:\n        pfns: [|]\n'), ['VALID', 'WRITE', 'ERROR', 'NONE', 'zero', 'pfn=']);
  assert.ok(labels('hmm: 1\nkernel: v5.6\nlegacy: nouveau\nsteps:\n  - walk:\n      expect:\n        pfns: [|]\n').includes('DEVICE_PRIVATE'));
  assert.deepEqual(labels(HEAD + '  - walk:\n      expect:\n        pfns: [VALID dev=|]\n'), ['dev=gpu0', 'dev=gpu1']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      default_flags: [REQ_FAULT, |]\n'), ['REQ_WRITE', 'DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      sticky: { buf+1: [|] }\n'), ['DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS']);
});

test('mapping names defined before the step, declared devices, kernel ids', () => {
  assert.deepEqual(labels(HEAD + '  - read: { at: | }\n  - mmap: { name: later, pages: 1, prot: r }\n'), ['buf']);
  assert.deepEqual(labels(HEAD + '  - migrate: { at: buf, pages: 1, to: | }\n'), ['gpu0', 'gpu1', 'system']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      device: |\n'), ['gpu0', 'gpu1']);
  assert.deepEqual(labels(HEAD + '  - walk:\n      input: { | }\n'), ['buf']);
  const ids = labels('hmm: 1\nkernel: |\n');
  assert.equal(ids[0], 'latest');
  assert.ok(ids.includes('v6.16') && ids.includes('v5.10') && ids.includes('v4.17') && ids.includes('proposal:device-private'));
  assert.deepEqual(ids, kernelIds());
  for (const id of ids) assert.ok(parseScenario(`hmm: 1\nkernel: ${id}\nlegacy: amdgpu\nsteps: []\n`, 'k').scenario, `${id} parses`);
});

test('no completion inside a comment', () => {
  assert.equal(completeAt('hmm: 1 # the ', 13), undefined);
});

test('hover documents keys where they are, steps, values and tokens — never numbers', () => {
  const t = `${HEAD}  - walk:\n      name: snap\n      device: gpu0\n      at: buf+1\n      pages: 3\n      expect:\n        ret: -EBUSY\n        pfns: [ERROR, VALID WRITE dev=gpu0 order=9 pfn=0x1234, NONE *1]\n`;
  const at = (w: string, n = 1) => docHoverAt(t, t.indexOf(w) + n);
  assert.match(at('pages: 4')!.markdown, /^\*\*pages\*\* \(mmap\) — The mapping's size in pages/);
  assert.match(at('pages: 3')!.markdown, /^\*\*pages\*\* \(walk\) — How many pages: the hmm_pfns array/);
  assert.match(at('mmap:')!.markdown, /^\*\*mmap\*\* \(step\) — mmap\(2\)/);
  assert.match(at('ERROR')!.markdown, /^\*\*ERROR\*\* — /);
  const dev = at('dev=gpu0')!;
  assert.match(dev.markdown, /device-private memory of device `gpu0`/);
  assert.equal(t.slice(dev.start, dev.end), 'dev=gpu0');
  assert.match(at('order=9')!.markdown, /map order field.*`order=9`: a mapping of PAGE_SIZE << 9 = 2 MiB/);
  assert.match(at('*1')!.markdown, /repeat this entry 1 times/);
  assert.match(at('-EBUSY')!.markdown, /invalidated/);
  assert.match(at('buf+1', 2)!.markdown, /the mapping `buf` \(mmap step 1, 4 pages\), plus 1 page/);
  assert.match(at('pfn=0x1234')!.markdown, /the exact pfn/);
  assert.equal(at('pfn=0x1234', 7), undefined, 'the number is the pfn hover\'s');
  assert.equal(at('3\n'), undefined);
});

test('outline: top-level keys, steps, walks with their expect', () => {
  const t = `${HEAD}  - fork: {}\n  - walk:\n      name: snap\n      at: buf\n      pages: 4\n      expect: { ret: 0, pfns: [NONE *4] }\n`;
  const o = outline(t);
  assert.deepEqual(o.map((s) => s.name), ['hmm', 'kernel', 'devices', 'steps']);
  const steps = o[3];
  assert.equal(steps.detail, '3 steps · 1 walk');
  assert.deepEqual(steps.children.map((c) => `${c.name} (${c.detail})`), ['mmap buf (4 pages · rw)', 'fork ()', 'walk: snap (snapshot · 4 pages · at buf)']);
  assert.deepEqual(steps.children[2].children.map((c) => `${c.name} (${c.detail})`), ['expect (ret 0 · 1 entries)']);
  assert.equal(t.slice(steps.children[2].selStart, steps.children[2].selEnd), 'walk');
});

test('mapping names: definition, references, rename (quoted names and input keys too)', () => {
  const t = `${HEAD}  - mmap: { name: "gap", pages: 1, prot: r }\n  - write: { at: buf + 1 }\n  - walk: { at: buf, pages: 2, input: { buf+1: [REQ_FAULT] } }\n  - read: { at: gap }\n`;
  const occ = mappingOccurrences(t);
  assert.deepEqual(occ.map((o) => `${t.slice(o.start, o.end)}${o.definition ? '*' : ''}`), ['buf*', 'gap*', 'buf', 'buf', 'buf', 'gap']);
  const found = occurrencesAt(t, t.indexOf('buf + 1') + 1)!;
  assert.equal(found.name, 'buf');
  assert.equal(found.all.length, 4);
  const r = renameMapping(t, t.indexOf('buf+1'), 'data');
  assert.ok('edits' in r);
  let out = t;
  for (const e of [...r.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  assert.match(out, /name: data,.*\n.*name: "gap".*\n.*at: data \+ 1.*\n.*at: data, pages: 2, input: \{ data\+1:/);
  assert.ok(parseScenario(out, 'r').scenario, 'the renamed file parses');
  assert.deepEqual(renameMapping(t, t.indexOf('buf'), 'gap'), { error: 'a mapping is already named "gap"' });
  assert.equal(occurrencesAt(t, t.indexOf('pages')), undefined);
});

/** Applies the fix of every "did you mean" diagnostic of `text`; returns the fixed text and how many there were. */
function fixAll(text: string): { text: string; fixed: number; unfixed: string[] } {
  const r = parseScenario(text, 'f.hmm.yaml');
  const lines = text.split('\n');
  const off = (l: number, c: number) => lines.slice(0, l - 1).reduce((a, x) => a + x.length + 1, 0) + c - 1;
  const edits: { start: number; end: number; text: string }[] = [];
  const unfixed: string[] = [];
  for (const d of r.diagnostics.filter((x) => /did you mean/.test(x.message))) {
    const s = off(d.pos.line, d.pos.col);
    const f = didYouMeanFix(d.message, text.slice(s, off(d.pos.endLine, d.pos.endCol)));
    if (f) edits.push({ start: s + f.start, end: s + f.end, text: f.text }); else unfixed.push(d.message);
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return { text: out, fixed: edits.length, unfixed };
}

test('every "did you mean" diagnostic has a fix, and the fixes make the file valid', () => {
  const typos = `hmm: 1
kernl: v6.16
devices: [gpu0, gpu1]
steps:
  - mmap: { name: buf, pages: 4, prot: rwz, flags: [privat, anonymous], fz: tmpfs }
  - mmap: { name: f, pages: 1, prot: rw, flags: [shared, file], fs: ext }
  - mmpa: { name: x, pages: 1, prot: r }
  - madvise: { at: buf, pages: 1, advice: dontned }
  - migrate: { at: bfu+1, pages: 1, to: gpu3 }
  - exclusive: { at: buf+3, pages: 1, device: gpu7 }
  - set: { at: buf+2, pte: swpa }
  - set: { at: buf+2, pte: { state: marker, knd: guard } }
  - set: { at: buf+2, pte: { state: marker, kind: gaurd } }
  - walk:
      at: buf
      pages: 4
      mode: fualt
      devcie: gpu0
      default_flags: [REQ_FALT]
      input: { buf+1: [REQ_WRTE] }
      expect:
        ret: EFALT
        pfns: [VALD, VALID dev=gpu2 ordr=0, NONE, NONE]
        pnfs: []
`;
  const { text, fixed, unfixed } = fixAll(typos);
  assert.deepEqual(unfixed, []);
  assert.ok(fixed >= 19, `${fixed} fixes`);
  const after = parseScenario(text, 'f.hmm.yaml');
  const still = after.diagnostics.filter((d) => /did you mean/.test(d.message)).map((d) => d.message);
  assert.deepEqual(still, []);
  assert.match(text, /kernel: v6\.16/);
  assert.match(text, /pfns: \[VALID, VALID dev=gpu0 order=0, NONE, NONE\]/);
});

test('a fix replaces only the bad word inside its range', () => {
  assert.deepEqual(didYouMeanFix('migrate at: unknown mapping "bfu"; mappings named so far: buf; did you mean "buf"?', 'bfu+1'),
    { title: 'Change "bfu" to "buf"', start: 0, end: 3, text: 'buf' });
  assert.deepEqual(didYouMeanFix('unknown device "gpu2"; declared devices: gpu0; did you mean "gpu0"?', 'dev=gpu2'),
    { title: 'Change "gpu2" to "gpu0"', start: 4, end: 8, text: 'gpu0' });
  assert.equal(didYouMeanFix('unknown prot "rwz"; expected none, r, rw, rx, rwx', 'rwz'), undefined);
});

// The `auto` hover classifier against the labelled corpus of driver C and kernel logs (fixtures/hover-corpus, labels
// `«p»` pfn word, `«a»` user virtual address, `«-»` neither, after every hex value the hover looks at): precision and
// recall of pfn words and of addresses hold at 95% or better; `always` (the old behaviour) decodes every value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classifyHex, type HexKind, type HoverMode } from '../../src/extension/hover/classifyHex';
import { pfnTokenAt } from '../../src/extension/pfnToken';
import { layoutForKernel } from '../../src/core/layouts/index';

const root = resolve(import.meta.dirname, '../..');
const dir = join(root, 'test/unit/fixtures/hover-corpus');
const KIND: Record<string, HexKind> = { p: 'pfn', a: 'address', '-': 'none' };

interface Labelled {
  readonly where: string;
  readonly text: string;
  readonly expected: HexKind;
  readonly classify: (mode: HoverMode) => { kind: HexKind; why: string };
}

function loadCorpus(): { tokens: Labelled[]; files: string[] } {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { files: { file: string; kernel: string; scenario?: boolean }[] };
  const tokens: Labelled[] = [];
  for (const { file, kernel, scenario = false } of index.files) {
    const layout = layoutForKernel(kernel);
    const clean: string[] = [];
    const raw = readFileSync(join(dir, file), 'utf8').split('\n');
    raw.forEach((rawLine, n) => {
      const labels = new Map<number, HexKind>();
      let line = '';
      let last = 0;
      for (const m of rawLine.matchAll(/«([pa-])»/g)) {
        line += rawLine.slice(last, m.index);
        labels.set(line.length, KIND[m[1]]);
        last = m.index + m[0].length;
      }
      line += rawLine.slice(last);
      assert.ok(!/[«»]/.test(line), `${file}:${n + 1}: a marker that is none of «p» «a» «-»`);
      const above = clean.slice(-60).reverse();
      clean.push(line);
      const seen = new Set<number>();
      for (const w of line.matchAll(/[A-Za-z0-9_]+/g)) {
        const tok = pfnTokenAt(line, w.index);
        if (!tok || tok.start !== w.index || seen.has(tok.start)) continue;
        seen.add(tok.start);
        const expected = labels.get(tok.end);
        const where = `${file}:${n + 1}:${tok.start + 1}`;
        assert.ok(expected, `${where}: ${tok.text} has no label`);
        labels.delete(tok.end);
        tokens.push({ where, text: tok.text, expected,
          classify: (mode) => classifyHex({ ...tok, line, above, scenario, layout }, mode) });
      }
      assert.deepEqual([...labels.keys()], [], `${file}:${n + 1}: labels after no value at columns ${[...labels.keys()].map((c) => c + 1)}`);
    });
  }
  return { tokens, files: index.files.map((f) => f.file) };
}

interface Scores { precision: number; recall: number; predicted: number; actual: number; correct: number }

function scores(results: { expected: HexKind; actual: HexKind }[], kind: HexKind): Scores {
  const predicted = results.filter((r) => r.actual === kind).length;
  const actual = results.filter((r) => r.expected === kind).length;
  const correct = results.filter((r) => r.actual === kind && r.expected === kind).length;
  return { precision: predicted ? correct / predicted : 1, recall: actual ? correct / actual : 1, predicted, actual, correct };
}

let loaded: ReturnType<typeof loadCorpus> | undefined;
const corpusOnce = () => (loaded ??= loadCorpus());

test('the corpus is honest: every hex value labelled, several driver styles, hundreds of values, hard negatives', () => {
  const { tokens, files } = corpusOnce();
  assert.ok(files.length >= 12, `${files.length} files`);
  assert.ok(tokens.length >= 400, `${tokens.length} labelled values`);
  const count = (k: HexKind) => tokens.filter((t) => t.expected === k).length;
  assert.ok(count('pfn') >= 100, `${count('pfn')} pfn words`);
  assert.ok(count('address') >= 60, `${count('address')} addresses`);
  assert.ok(count('none') >= 150, `${count('none')} values that are neither`);
  // hard negatives: 16-digit values that are no pfn word (pointers, PTEs, physical/DMA addresses, magic numbers)
  const wide = tokens.filter((t) => t.expected === 'none' && t.text.replace(/^0x/i, '').replace(/[uUlL]+$/, '').length === 16);
  assert.ok(wide.length >= 60, `${wide.length} 16-digit values that are neither`);
  for (const f of files) assert.ok(tokens.some((t) => t.where.startsWith(f + ':')), `${f} has labelled values`);
});

test('auto: precision and recall of pfn words and of addresses are 95% or better on the corpus', () => {
  const results = corpusOnce().tokens.map((t) => ({ ...t, ...{ actual: t.classify('auto').kind, why: t.classify('auto').why } }));
  const pfn = scores(results, 'pfn');
  const address = scores(results, 'address');
  const wrong = results.filter((r) => r.actual !== r.expected)
    .map((r) => `${r.where} ${r.text}: labelled ${r.expected}, classified ${r.actual} (${r.why})`);
  const out = join(root, 'test-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'hover-corpus.json'), JSON.stringify({ values: results.length, pfn, address, wrong }, null, 2));
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const summary = `${results.length} values — pfn: precision ${pct(pfn.precision)}, recall ${pct(pfn.recall)} `
    + `(${pfn.correct}/${pfn.predicted} predicted, ${pfn.correct}/${pfn.actual} labelled); address: precision `
    + `${pct(address.precision)}, recall ${pct(address.recall)}\n  ${wrong.join('\n  ')}`;
  console.log(summary);
  assert.ok(pfn.precision >= 0.95, summary);
  assert.ok(pfn.recall >= 0.95, summary);
  assert.ok(address.precision >= 0.95, summary);
  assert.ok(address.recall >= 0.95, summary);
});

test('always (the old behaviour) decodes every value as a pfn word: precision falls to the share of pfn words', () => {
  const results = corpusOnce().tokens.map((t) => ({ expected: t.expected, actual: t.classify('always').kind }));
  const pfn = scores(results, 'pfn');
  assert.equal(pfn.predicted, results.length);
  assert.ok(pfn.precision < 0.5, `always: pfn precision ${pfn.precision}`);
  assert.equal(scores(results, 'address').predicted, 0);
  assert.ok(corpusOnce().tokens.every((t) => t.classify('off').kind === 'none'), 'off decodes nothing');
});

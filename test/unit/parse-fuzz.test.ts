/** parseScenario never throws and always positions its diagnostics, whatever the input (fixed-seed property tests). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../src/core/scenario/parse';

const SEED = 20261125;
const root = join(import.meta.dirname ?? __dirname, '..', '..');
const sample = readFileSync(join(root, 'examples', '01-first-snapshot.hmm.yaml'), 'utf8');

function wellFormed(text: string): void {
  const r = parseScenario(text, 'f.hmm.yaml');
  const lines = text.split('\n').length + 1;
  for (const d of r.diagnostics) {
    assert.equal(d.file, 'f.hmm.yaml');
    assert.ok(d.pos.line >= 1 && d.pos.line <= lines, `line ${d.pos.line} of ${lines}: ${d.message}`);
    assert.ok(d.pos.col >= 1, `col ${d.pos.col}`);
    assert.ok(d.message.length > 0);
  }
  if (r.diagnostics.some((d) => d.severity === 'error')) assert.equal(r.scenario, undefined);
  else assert.ok(r.scenario, 'no scenario and no error');
}

test('arbitrary text', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => { wellFormed(s); }), { seed: SEED, numRuns: 300 });
});

test('arbitrary JSON values as scenario text', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => { wellFormed(JSON.stringify(v)); }), { seed: SEED, numRuns: 300 });
});

const word = fc.constantFrom('hmm', 'steps', 'mmap', 'walk', 'at', 'pages', 'prot', 'buf', 'buf+3', 'expect', 'pfns',
  'ret', 'VALID', 'WRITE *3', 'rw', '0x7f0000000000', '-1', '1e99', '99999999999999999999999', 'set', 'pte', 'marker',
  'devices', 'gpu0', 'null', '~', '&a', '*a', '[', ']', '{', '}', ':', '- ', '\n', '  ', '"', "'", '#', '\t', '\uFFFD');

test('scenario-like token soup', () => {
  fc.assert(fc.property(fc.array(word, { maxLength: 80 }), (ws) => { wellFormed(`hmm: 1\n${ws.join(' ')}`); }),
    { seed: SEED, numRuns: 400 });
});

test('mutations of a real example (deletions, insertions, replacements)', () => {
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(sample.length), fc.nat(6), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 5 }),
    (edits) => {
      let t = sample;
      for (const [at, del, ins] of edits) t = t.slice(0, at) + ins + t.slice(at + del);
      wellFormed(t);
    }), { seed: SEED, numRuns: 400 });
});

/** resultToJson / `hmm-lens run --json`: the documented shape, hex u64 strings, byte-identical on every run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resultToJson, resultToJsonValue } from '../../src/core/scenario/json';
import { runScenarioText } from '../../src/core/index';
import { runCli } from '../../src/cli/cli';
import { nodeIo, type CliIo } from '../../src/cli/io';
import { runScenario } from '../../src/core/scenario/run';
import type { ScenarioResult } from '../../src/core/scenario/result';

const root = join(import.meta.dirname ?? __dirname, '..', '..');
const examples = ['01-first-snapshot.hmm.yaml', '03-fork-cow-ebusy.hmm.yaml', '06a-legacy-5.7-amdgpu.hmm.yaml', '07-dma-sticky-6.16.hmm.yaml']
  .map((n) => `examples/${n}`);

function results(): ScenarioResult[] {
  return examples.map((f) => {
    const r = runScenarioText(readFileSync(join(root, f), 'utf8'), f);
    assert.ok(r.result, r.diagnostics.map((d) => d.message).join('\n'));
    return r.result;
  });
}

interface JsonWalk {
  name: string; line: number; col: number; start: string; pages: number; ret: number; attempts: number; stale: boolean; layout: string;
  pfns: string[]; decoded: { flags: string[]; pfn: string; order: number; value?: string }[];
  expect: { ok: boolean; retOk: boolean; mismatches: { index: number; address: string; expected: string; actual: string; line: number; col: number }[] } | null;
}
interface JsonDoc { files: { file: string; kernel: string; layout: string; diagnostics: unknown[]; walks: JsonWalk[] }[] }

test('the document has the documented shape', () => {
  const doc = JSON.parse(resultToJson(results())) as JsonDoc;
  assert.deepEqual(doc.files.map((f) => f.file), examples);
  const first = doc.files[0];
  assert.deepEqual(Object.keys(first), ['file', 'name', 'kernel', 'layout', 'diagnostics', 'walks']);
  assert.equal(first.kernel, 'latest');
  assert.equal(first.layout, 'v6.16');
  const w = first.walks[0];
  assert.deepEqual(Object.keys(w), ['name', 'line', 'col', 'start', 'pages', 'pageSize', 'layout', 'ret', 'attempts', 'stale', 'pfns', 'decoded', 'expect']);
  assert.equal(w.stale, false);
  assert.equal(w.name, 'snapshot by gpu0');
  assert.equal(w.line, 41);
  assert.equal(w.start, '0x7f0000000000');
  assert.equal(w.pfns.length, 7);
  for (const p of w.pfns) assert.match(p, /^0x[0-9a-f]+$/);
  assert.equal(w.pfns[0], '0x2000000000000000');
  assert.deepEqual(w.decoded[0], { flags: ['ERROR'], pfn: '0x0', order: 0 });
  assert.deepEqual(w.expect, { ok: true, retOk: true, mismatches: [] });
  // legacy whole-word values are decoded by name
  const legacy = doc.files[2].walks[0];
  assert.equal(doc.files[2].layout, 'legacy:amdgpu@v5.7');
  assert.equal(legacy.pfns[0], '0xfffffffffffffffe');
  assert.equal(legacy.decoded[0].value, 'ERROR');
});

test('byte-identical on every run (fresh simulations, same text)', () => {
  const a = resultToJson(results());
  const b = resultToJson(results());
  assert.equal(a, b);
  assert.ok(a.endsWith('}\n'));
  assert.equal(a.indexOf('\n'), a.length - 1, 'compact: one line');
  assert.equal(resultToJson(results(), { indent: 2 }), `${JSON.stringify(JSON.parse(a), null, 2)}\n`);
});

test('mismatches carry index, hex address, expected, actual and the entry position', () => {
  const text = readFileSync(join(root, examples[0]), 'utf8').replace('- VALID WRITE dev=gpu0     # 5', '- VALID dev=gpu0           # 5');
  const r = runScenarioText(text, 'x.hmm.yaml');
  const doc = resultToJsonValue([r.result!]) as unknown as JsonDoc;
  const e = doc.files[0].walks[0].expect!;
  assert.equal(e.ok, false);
  assert.deepEqual({ ...e.mismatches[0], message: undefined, actualDecoded: undefined },
    { index: 5, address: '0x7f0000005000', expected: 'VALID dev=gpu0', actual: 'VALID WRITE dev=gpu0', actualDecoded: undefined,
      line: 55, col: 13, message: undefined });
});

test('trace only on request; custom legacy layouts through layoutFor', () => {
  const plain = resultToJsonValue(results().slice(0, 1)) as unknown as JsonDoc;
  assert.equal('trace' in plain.files[0].walks[0], false);
  const traced = resultToJsonValue(results().slice(0, 1), { trace: true }) as unknown as { files: { walks: { trace: { fn: string }[] }[] }[] };
  assert.ok(traced.files[0].walks[0].trace.length > 0);
  const noLayout = resultToJsonValue(results().slice(0, 1), { layoutFor: () => undefined }) as unknown as JsonDoc;
  assert.deepEqual(noLayout.files[0].walks[0].decoded, []);
});

test('hmm-lens run --json: one document on stdout, identical across runs, invalid files listed with diagnostics', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmm-lens-json-'));
  const bad = join(tmp, 'bad.hmm.yaml');
  writeFileSync(bad, 'hmm: 1\nsteps:\n  - mmap: { pages: 1, prot: rwz }\n');
  const once = () => {
    let out = '';
    const io: CliIo = { ...nodeIo, out: (t) => { out += t; }, err: () => {} };
    const code = runCli(['run', '--json', join(root, examples[0]), bad], io, runScenario, '0');
    return { code, out };
  };
  const a = once();
  const b = once();
  assert.equal(a.code, 2);
  assert.equal(a.out, b.out);
  const doc = JSON.parse(a.out) as { files: { file: string; walks: unknown[]; diagnostics: { line: number; col: number; message: string }[] }[] };
  assert.equal(doc.files.length, 2);
  assert.deepEqual(doc.files[1].walks, []);
  assert.deepEqual([doc.files[1].diagnostics[0].line, doc.files[1].diagnostics[0].col], [3, 29]);
  const spawned = () => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'run', '--json', examples[1]],
    { cwd: root, encoding: 'utf8' });
  const s1 = spawned();
  const s2 = spawned();
  assert.equal(s1.status, 0, s1.stderr);
  assert.equal(s1.stdout, s2.stdout);
  assert.equal((JSON.parse(s1.stdout) as JsonDoc).files[0].walks.length, 4);
});

/**
 * schemas/hmm-scenario.schema.json (for editors) stays honest: every shipped scenario validates against it, and on a
 * set of valid and invalid samples the schema and parseScenario agree. The validator below implements exactly the
 * JSON Schema keywords the schema uses and fails on any other keyword, so the schema cannot drift into keywords
 * nothing checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseScenario } from '../../src/core/scenario/parse';

type Schema = Record<string, unknown> | boolean;
const root = join(import.meta.dirname ?? __dirname, '..', '..');
const schema = JSON.parse(readFileSync(join(root, 'schemas', 'hmm-scenario.schema.json'), 'utf8')) as Record<string, unknown>;

const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'examples', 'defaultSnippets', 'definitions']);
const KEYWORDS = new Set(['$ref', 'type', 'enum', 'const', 'anyOf', 'not', 'properties', 'required', 'additionalProperties',
  'propertyNames', 'items', 'uniqueItems', 'maxItems', 'minimum', 'maximum', 'pattern']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
}

function same(a: unknown, b: unknown): boolean {
  return canon(a) === canon(b);
}

/** Errors of `v` against `s` (empty = valid). */
function validate(v: unknown, s: Schema, path = '$'): string[] {
  if (s === true) return [];
  if (s === false) return [`${path}: not allowed`];
  for (const k of Object.keys(s)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`schema keyword "${k}" is not implemented by the test validator`);
  }
  if (typeof s.$ref === 'string') {
    const name = s.$ref.replace('#/definitions/', '');
    return validate(v, (schema.definitions as Record<string, Schema>)[name], path);
  }
  const errs: string[] = [];
  const t = typeOf(v);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type as string[] : [s.type as string];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${path}: ${t} is not ${types.join('|')}`];
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => same(e, v))) errs.push(`${path}: not in enum`);
  if (s.const !== undefined && !same(s.const, v)) errs.push(`${path}: not ${JSON.stringify(s.const)}`);
  if (s.anyOf !== undefined) {
    const all = (s.anyOf as Schema[]).map((x) => validate(v, x, path));
    if (!all.some((e) => e.length === 0)) errs.push(`${path}: matches no alternative (${all.map((e) => e[0]).join(' / ')})`);
  }
  if (s.not !== undefined && validate(v, s.not as Schema, path).length === 0) errs.push(`${path}: matches "not"`);
  if (t === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v as string)) errs.push(`${path}: does not match ${s.pattern}`);
  }
  if (t === 'integer' || t === 'number') {
    const n = Number(v);
    if (typeof s.minimum === 'number' && n < s.minimum) errs.push(`${path}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && n > s.maximum) errs.push(`${path}: above ${s.maximum}`);
  }
  if (t === 'array') {
    const a = v as unknown[];
    if (typeof s.maxItems === 'number' && a.length > s.maxItems) errs.push(`${path}: more than ${s.maxItems} items`);
    if (s.uniqueItems === true && new Set(a.map(canon)).size !== a.length) errs.push(`${path}: items not unique`);
    if (s.items !== undefined) a.forEach((x, i) => errs.push(...validate(x, s.items as Schema, `${path}[${i}]`)));
  }
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) errs.push(`${path}: missing ${r}`);
    for (const [k, x] of Object.entries(o)) {
      if (s.propertyNames !== undefined) errs.push(...validate(k, s.propertyNames as Schema, `${path}.${k}(name)`));
      if (k in props) errs.push(...validate(x, props[k], `${path}.${k}`));
      else if (s.additionalProperties !== undefined) errs.push(...validate(x, s.additionalProperties as Schema, `${path}.${k}`));
    }
  }
  return errs;
}

function schemaErrors(text: string): string[] {
  return validate(parseYaml(text, { intAsBigInt: true }), schema);
}

function parserErrors(text: string): string[] {
  return parseScenario(text, 's.hmm.yaml').diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
}

function shipped(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.hmm\.(yaml|json)$/.test(n)) out.push(p);
    }
  };
  walk(join(root, 'examples'));
  walk(join(root, 'test', 'conformance'));
  return out.sort();
}

test('the schema is draft-07 with descriptions on the top-level keys', () => {
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  for (const [k, v] of Object.entries(schema.properties as Record<string, Record<string, unknown>>)) {
    assert.equal(typeof v.description, 'string', `${k} has no description`);
  }
});

test('every example and conformance scenario validates against the schema', () => {
  const files = shipped();
  assert.ok(files.length >= 10);
  const problems = files.flatMap((f) => schemaErrors(readFileSync(f, 'utf8')).map((e) => `${f}: ${e}`));
  assert.deepEqual(problems, []);
});

const HEAD = 'hmm: 1\nkernel: v6.16\ndevices: [gpu0]\nsteps:\n  - mmap: { name: buf, pages: 8, prot: rw }\n';

const VALID: string[] = [
  'hmm: 1\nsteps: []\n',
  'hmm: 1\npage_size: 16K\nkernel: v5.10\nsteps: [fork]\n',
  'hmm: 1\nkernel: v5.7\nlegacy: nouveau\nsteps: []\n',
  'hmm: 1\nkernel: v5.6\nlegacy: { flags: { VALID: 1, WRITE: 2 }, values: { ERROR: 0xfffffffffffffffe, NONE: 0 }, pfn_shift: 12 }\nsteps: []\n',
  `${HEAD}  - set: { at: buf+1, pte: { state: device_private, device: gpu0, write: true } }\n  - set: { at: buf, pte: special }\n`,
  `${HEAD}  - walk: { at: buf, pages: 2, mode: fault, retry: false, input: { buf+1: [REQ_FAULT] }, sticky: { buf: DMA_MAPPED }, expect: { ret: -EBUSY, pfns: [VALID WRITE order=9 *2] } }\n`,
  `${HEAD}  - walk: { at: buf, pages: 2, during: [{ after_pages: 1, step: { munmap: { at: buf+1, pages: 1 } } }], expect: { pfns: [0, "NONE pfn=0x0"] } }\n`,
  `${HEAD}  - mmap: { pages: 512, prot: r, flags: [shared, file, hugetlb], huge_page: 2M }\n  - madvise: { at: buf, pages: 8, advice: hugepage }\n  - migrate: { at: buf, pages: 1, to: system }\n  - exclusive: { at: buf, pages: 1, device: gpu0 }\n`,
  JSON.stringify({ hmm: 1, steps: [{ mmap: { name: 'b', pages: 1, prot: 'r' } }, { walk: { at: 'b', pages: 1, expect: { pfns: ['VALID'] } } }] }),
];

/** Structural mistakes both must reject. */
const INVALID: [string, string][] = [
  ['unknown top-level key', 'hmm: 1\ndevice: [gpu0]\nsteps: []\n'],
  ['format version', 'hmm: 2\nsteps: []\n'],
  ['missing steps', 'hmm: 1\n'],
  ['missing hmm', 'steps: []\n'],
  ['page size', 'hmm: 1\npage_size: 8192\nsteps: []\n'],
  ['device declared twice', 'hmm: 1\ndevices: [a, a]\nsteps: []\n'],
  ['device named system', 'hmm: 1\ndevices: [system]\nsteps: []\n'],
  ['unknown legacy profile', 'hmm: 1\nkernel: v5.7\nlegacy: radeon\nsteps: []\n'],
  ['legacy table without WRITE', 'hmm: 1\nkernel: v5.7\nlegacy: { flags: { VALID: 1 }, values: { ERROR: 1, NONE: 0 } }\nsteps: []\n'],
  ['unknown step', `${HEAD}  - mmapp: { pages: 1, prot: r }\n`],
  ['two keys in a step', `${HEAD}  - mmap:\n    pages: 1\n`],
  ['unknown prot', `${HEAD}  - mprotect: { at: buf, pages: 1, prot: rwz }\n`],
  ['unknown mmap flag', `${HEAD}  - mmap: { pages: 1, prot: r, flags: [privat] }\n`],
  ['unknown huge page', `${HEAD}  - mmap: { pages: 512, prot: r, flags: [hugetlb], huge_page: 4M }\n`],
  ['missing pages', `${HEAD}  - munmap: { at: buf }\n`],
  ['pages zero', `${HEAD}  - munmap: { at: buf, pages: 0 }\n`],
  ['pages of the wrong type', `${HEAD}  - munmap: { at: buf, pages: [1] }\n`],
  ['address of the wrong type', `${HEAD}  - munmap: { at: [buf], pages: 1 }\n`],
  ['bad address text', `${HEAD}  - munmap: { at: "buf + x", pages: 1 }\n`],
  ['negative address', `${HEAD}  - munmap: { at: -4096, pages: 1 }\n`],
  ['unknown advice', `${HEAD}  - madvise: { at: buf, pages: 1, advice: cold }\n`],
  ['unknown pte state', `${HEAD}  - set: { at: buf, pte: presnt }\n`],
  ['pte field unknown', `${HEAD}  - set: { at: buf, pte: { state: present, dirty: true } }\n`],
  ['marker kind', `${HEAD}  - set: { at: buf, pte: { state: marker, kind: uffd } }\n`],
  ['fork with fields', `${HEAD}  - fork: { child: 1 }\n`],
  ['unknown walk key', `${HEAD}  - walk: { at: buf, pages: 1, retyr: false }\n`],
  ['walk without pages', `${HEAD}  - walk: { at: buf }\n`],
  ['unknown walk mode', `${HEAD}  - walk: { at: buf, pages: 1, mode: snap }\n`],
  ['retry not a bool', `${HEAD}  - walk: { at: buf, pages: 1, retry: 1 }\n`],
  ['unknown expect key', `${HEAD}  - walk: { at: buf, pages: 1, expect: { pfn: [VALID] } }\n`],
  ['unknown ret', `${HEAD}  - walk: { at: buf, pages: 1, expect: { ret: -EBUZY } }\n`],
  ['lower-case token', `${HEAD}  - walk: { at: buf, pages: 1, expect: { pfns: [valid] } }\n`],
  ['entry of the wrong type', `${HEAD}  - walk: { at: buf, pages: 1, expect: { pfns: [[VALID]] } }\n`],
  ['number entry other than 0', `${HEAD}  - walk: { at: buf, pages: 1, expect: { pfns: [5] } }\n`],
  ['walk during a walk', `${HEAD}  - walk: { at: buf, pages: 1, during: [{ after_pages: 0, step: { walk: { at: buf, pages: 1 } } }] }\n`],
  ['during item without step', `${HEAD}  - walk: { at: buf, pages: 1, during: [{ after_pages: 0 }] }\n`],
  ['input page key not an address', `${HEAD}  - walk: { at: buf, pages: 1, input: { "b u f": [REQ_FAULT] } }\n`],
];

test('valid samples: the parser and the schema both accept', () => {
  for (const text of VALID) {
    assert.deepEqual(parserErrors(text), [], text);
    assert.deepEqual(schemaErrors(text), [], text);
  }
});

for (const [what, text] of INVALID) {
  test(`invalid sample, both reject: ${what}`, () => {
    assert.notDeepEqual(parserErrors(text), [], 'the parser accepts it');
    assert.notDeepEqual(schemaErrors(text), [], 'the schema accepts it');
  });
}

test('the validator rejects what it should (self-check)', () => {
  assert.deepEqual(validate(3n, { type: 'integer', minimum: 1 }), []);
  assert.notDeepEqual(validate(0, { type: 'integer', minimum: 1 }), []);
  assert.notDeepEqual(validate({ a: 1 }, { type: 'object', additionalProperties: false }), []);
  assert.throws(() => validate(1, { oneOf: [] }), /not implemented/);
});

test('the reference page documents every key, step, field, state, token and CLI option', async () => {
  const doc = readFileSync(join(root, 'docs', 'scenario-reference.md'), 'utf8');
  const { TOP_LEVEL_KEYS } = await import('../../src/core/scenario/parse');
  const { STEP_OPS, STEP_FIELDS, PTE_STATES, MARKER_KINDS, ADVICES, MMAP_FLAGS, PROTS } = await import('../../src/core/scenario/parse-steps');
  const { WALK_FIELDS, WALK_MODES } = await import('../../src/core/scenario/parse-walk');
  const { RUN_OPTIONS, DECODE_OPTIONS } = await import('../../src/cli/help');
  const words = [...TOP_LEVEL_KEYS, ...STEP_OPS, ...Object.values(STEP_FIELDS).flat(), ...PTE_STATES, ...MARKER_KINDS,
    ...ADVICES, ...MMAP_FLAGS, ...PROTS, ...WALK_FIELDS, ...WALK_MODES, 'order=N', 'pfn=0x…', 'zero', 'dev=NAME', '*N', 'NONE',
    'after_pages', 'huge_page', 'hmm-lens run FILE|DIR... [options]', 'hmm-lens decode VALUE... [options]', 'hmm-lens layouts [--json]'];
  const missing = [...new Set(words)].filter((w) => !doc.includes(`\`${w}\``) && !doc.includes(`\`${w}:`) && !doc.includes(`\`- ${w}`));
  assert.deepEqual(missing, []);
  const opts = [...RUN_OPTIONS, ...DECODE_OPTIONS].filter((o) => o.name !== 'help').map((o) => `--${o.name}`);
  assert.deepEqual(opts.filter((o) => !doc.includes(`\`${o}`)), []);
  assert.ok(doc.includes('](layouts.md)'), 'links docs/layouts.md');
});

/**
 * fast-check arbitraries for the fuzzers: scenario documents that are valid or nearly so (small page counts,
 * every step kind, walks with input/sticky/during/expect), the same documents with wrong shapes, wrong types,
 * huge and negative numbers, unaligned addresses, overlapping mappings, unknown devices, deep nesting and text
 * damage (invalid UTF-8 decoded as text, control characters, truncation), and arbitrary text.
 */
import fc from 'fast-check';
import { tolerated } from './check';
import { block, flow, Raw, type YValue } from './yamlText';

export const KERNELS = ['latest', 'v4.17', 'v5.2', 'v5.6', 'v5.7', 'v5.8', 'v5.10', 'v5.16', 'v5.17', 'v6.1', 'v6.15', 'v6.16', 'v6.18', 'v6.19'] as const;
export const LEGACY = ['amdgpu', 'nouveau', 'test_hmm'] as const;
const PROTS = ['none', 'r', 'rw', 'rx', 'rwx'] as const;
const ADVICE = ['hugepage', 'nohugepage', 'dontneed', 'pageout', 'hwpoison'] as const;
const MODES = ['snapshot', 'fault', 'fault_write'] as const;
const FLAG_NAMES = ['REQ_FAULT', 'REQ_WRITE', 'VALID', 'WRITE', 'ERROR', 'DMA_MAPPED', 'P2PDMA', 'P2PDMA_BUS', 'DEVICE_PRIVATE', 'BOGUS'] as const;
const RETS = ['0', '-EFAULT', '-EPERM', '-EBUSY', '-ENOMEM', '-14', '-1', '-16'] as const;

/** Numbers the parser must bound: zero, negative, fractional, beyond 2^31, 2^53, 2^64, NaN/inf. */
export const hugeNumber: fc.Arbitrary<YValue> = fc.oneof(
  fc.constantFrom<YValue>(0, -1, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 36, 2 ** 36 + 1, 2 ** 53, 2 ** 53 + 2, Infinity, -Infinity, NaN,
    new Raw('0x' + 'f'.repeat(17)), new Raw('1' + '0'.repeat(40)), new Raw('0o777'), new Raw('0b101'), new Raw('1_000'), new Raw('+12'),
    new Raw('.5'), new Raw('0x'), new Raw('-0x1000'), 2n ** 64n, 2n ** 63n, 2n ** 56n, (2n ** 56n) - 4096n, 0x7f0000000001n),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.bigInt({ min: 0n, max: 2n ** 64n + 1n }),
);

/** A value of the wrong type for whatever field it lands in. */
export const wrongValue: fc.Arbitrary<YValue> = fc.oneof(
  hugeNumber,
  fc.constantFrom<YValue>(null, true, false, '', 'buf', 'nope+3', 'buf+-1', 'buf+999999999999', 'buf+0x10', '+', '0x7f0000000000', [], {}, [1, 2], { a: 1 },
    new Raw('!!binary aGVsbG8='), new Raw('!custom tag'), new Raw('&a [1, *a]'), new Raw('*undefined_alias'), new Raw('"\\x00\\uD800"'), new Raw('|\n  text')),
  fc.string({ maxLength: 12 }),
);

export interface GenDoc {
  /** the document as a JS value (before rendering) */
  readonly value: { [k: string]: YValue };
  /** names of mappings defined by the document, for address expressions */
  readonly names: readonly string[];
}

const name = fc.constantFrom('buf', 'a', 'b', 'c', 'big');

/** Generation mode: `strict` aims at documents the parser accepts; `loose` mixes in unknown names and wrong combos. */
export type Strictness = 'strict' | 'loose';

interface Env {
  readonly names: readonly string[];
  readonly devices: readonly string[];
  readonly maxOff: number;
  readonly legacy: boolean;
  /** the layout has sticky flags (6.16+) */
  readonly sticky: boolean;
  /** the layout has a map order field (5.10+) */
  readonly order: boolean;
  readonly mode: Strictness;
}

function addrOf(env: Env): fc.Arbitrary<YValue> {
  const n = env.names.length ? env.names : ['buf'];
  const named = fc.tuple(fc.constantFrom(...n), fc.integer({ min: 0, max: Math.max(0, env.maxOff - 1) })).map(([m, o]) => (o ? `${m}+${o}` : m));
  if (env.mode === 'strict') return named;
  return fc.oneof(
    { weight: 6, arbitrary: named },
    { weight: 1, arbitrary: fc.bigInt({ min: 0x7f0000000000n, max: 0x7f0000400000n }).map((a) => a - (a % 4096n)) },
    { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 0x7f0000400000n }) }, // unaligned, low, anywhere
    { weight: 1, arbitrary: fc.constantFrom(...n).map((m) => `${m}+${env.maxOff + 7}`) }, // past the end
  );
}

const smallPages = fc.integer({ min: 1, max: 48 });
const pagesOf = (env: Env) => (env.mode === 'strict' ? fc.integer({ min: 1, max: 8 })
  : fc.oneof({ weight: 8, arbitrary: smallPages }, { weight: 1, arbitrary: fc.constantFrom(512, 1024) }));

function flagsList(env: Env): fc.Arbitrary<YValue> {
  if (env.mode === 'strict') {
    return env.legacy ? fc.constant([]) : fc.subarray(['REQ_FAULT', 'REQ_WRITE']);
  }
  return fc.oneof({ weight: 4, arbitrary: fc.subarray([...FLAG_NAMES], { maxLength: 3 }) }, { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) });
}

function deviceOf(env: Env): fc.Arbitrary<string> {
  if (env.mode === 'strict') return fc.constantFrom(...(env.devices.length ? env.devices : ['gpu0']));
  return fc.constantFrom(...env.devices, 'gpu9', 'system');
}

const pteState = (env: Env): fc.Arbitrary<YValue> => fc.oneof(
  fc.constantFrom<YValue>({ state: 'none' }, { state: 'zero' }, { state: 'swap' }, { state: 'hwpoison' }, { state: 'protnone' }, { state: 'special' }),
  fc.record({ state: fc.constantFrom('present', 'migration'), write: fc.boolean() }),
  fc.record({ state: fc.constant('device_private'), device: deviceOf(env), write: fc.boolean() }),
  fc.record({ state: fc.constant('device_exclusive'), device: deviceOf(env) }),
  fc.record({ state: fc.constant('marker'), kind: env.mode === 'strict' ? fc.constantFrom('guard', 'uffd_wp', 'poisoned') : fc.constantFrom('guard', 'uffd_wp', 'poisoned', 'other') }),
);

function mmapFlags(mode: Strictness): fc.Arbitrary<YValue> {
  const strict: fc.Arbitrary<YValue> = fc.tuple(fc.constantFrom('private', 'shared'), fc.constantFrom('anonymous', 'file'), fc.subarray(['populate']))
    .map(([a, b, c]): YValue => [a, b, ...c]);
  if (mode === 'strict') return fc.oneof({ weight: 5, arbitrary: fc.constant<YValue>(['private', 'anonymous']) }, { weight: 3, arbitrary: strict });
  return fc.oneof(
    { weight: 5, arbitrary: strict },
    { weight: 2, arbitrary: fc.subarray(['shared', 'file', 'populate', 'pfnmap', 'io', 'mixedmap', 'private', 'anonymous']) },
    { weight: 1, arbitrary: fc.constant<YValue>(['hugetlb', 'private']) },
  );
}

function stepArb(env: Env): fc.Arbitrary<YValue> {
  const at = addrOf(env);
  const pages = pagesOf(env);
  const req = env.mode === 'strict' ? ['at', 'pages'] as const : undefined;
  const to = env.mode === 'strict' ? fc.constantFrom(...env.devices, 'system') : fc.constantFrom(...env.devices, 'system', 'gpu9');
  const steps: fc.Arbitrary<YValue>[] = [
    fc.record({ munmap: fc.record({ at: at, pages: pages }) }),
    fc.record({ mprotect: fc.record({ at: at, pages: pages, prot: fc.constantFrom(...PROTS) }) }),
    fc.record({ read: fc.record({ at: at, pages: pages }, { requiredKeys: ['at'] }) }),
    fc.record({ write: fc.record({ at: at, pages: pages }, { requiredKeys: ['at'] }) }),
    fc.constant({ fork: {} }),
    fc.record({ madvise: fc.record({ at: at, pages: pages, advice: fc.constantFrom(...ADVICE) }) }),
    fc.record({ migrate: fc.record({ at: at, pages: pages, to: to }) }),
    fc.record({ set: fc.record({ at: at, pages: pages, pte: pteState(env) }, { requiredKeys: req ? ['at', 'pte'] : ['at', 'pte'] }) }),
  ];
  if (env.devices.length || env.mode === 'loose') steps.push(fc.record({ exclusive: fc.record({ at: at, pages: pages, device: deviceOf(env) }) }));
  if (env.mode === 'loose') {
    steps.push(fc.record({ mmap: fc.record({ name: name, at: at, pages: pages, prot: fc.constantFrom(...PROTS), flags: mmapFlags('loose') }, { requiredKeys: ['pages', 'prot'] }) }));
  } else {
    // a second mapping placed by the kernel rule (no name clash with the first ones)
    steps.push(fc.record({ mmap: fc.record({ pages: pages, prot: fc.constantFrom(...PROTS), flags: mmapFlags('strict') }) }));
  }
  return fc.oneof(...steps);
}

function expectArb(env: Env, pages: number): fc.Arbitrary<YValue> {
  if (env.mode === 'strict') {
    const entry = fc.constantFrom(...(env.legacy ? ['VALID', 'VALID WRITE', 'NONE'] : ['VALID', 'VALID WRITE', 'ERROR', 'NONE', 'VALID zero']));
    return fc.record({ ret: fc.constantFrom<YValue>(0, '-EFAULT', '-EPERM', '-EBUSY'),
      pfns: fc.array(entry, { minLength: 1, maxLength: 3 }).map((es) => {
        const out: string[] = es.slice(0, Math.min(es.length, pages) - 1);
        out.push(`${es[es.length - 1]} *${pages - out.length}`);
        return out;
      }) }, { requiredKeys: [] });
  }
  const entry = fc.tuple(fc.subarray(['VALID', 'WRITE', 'ERROR', 'NONE', 'zero', 'order=9', 'dev=gpu0', 'pfn=0x1000', 'DMA_MAPPED', 'XYZ']),
    fc.option(fc.integer({ min: 0, max: 600 }), { nil: undefined }))
    .map(([toks, rep]) => (toks.length ? toks.join(' ') : 'NONE') + (rep !== undefined ? ` *${rep}` : ''));
  return fc.record({ ret: fc.constantFrom(...RETS).map((r) => new Raw(r)), pfns: fc.array(entry, { maxLength: 6 }) }, { requiredKeys: [] });
}

function walkArb(env: Env): fc.Arbitrary<YValue> {
  const strict = env.mode === 'strict';
  const n = env.names.length ? env.names : ['buf'];
  return fc.tuple(pagesOf(env), addrOf(env)).chain(([pages, start]) => fc.record({
    walk: fc.record({
      name: fc.constantFrom('w', 'snap', 'fault it', 'w: colon'),
      ...(env.devices.length || !strict ? { device: deviceOf(env) } : {}),
      at: fc.constant(start),
      pages: fc.constant(pages),
      mode: fc.constantFrom(...MODES),
      default_flags: flagsList(env),
      pfn_flags_mask: flagsList(env),
      input: fc.dictionary(strict ? fc.constant(String(start)) : fc.constantFrom(...n, 'buf+1', 'buf+2'), flagsList(env), { maxKeys: 2 }),
      ...(env.sticky || !strict ? { sticky: fc.dictionary(strict ? fc.constant(String(start)) : fc.constantFrom(...n), strict ? fc.subarray(['DMA_MAPPED']) : flagsList(env), { maxKeys: 2 }) } : {}),
      retry: fc.boolean(),
      during: fc.array(fc.record({ after_pages: fc.integer({ min: 0, max: strict ? pages : 40 }), step: stepArb(env) }), { maxLength: 2 }),
      expect: expectArb(env, pages),
    }, { requiredKeys: ['at', 'pages'] }),
  }));
}

const LEGACY_KERNELS = new Set(['v4.17', 'v5.2', 'v5.6', 'v5.7']);

function docArb(mode: Strictness): fc.Arbitrary<GenDoc> {
  return fc.record({
    kernel: fc.constantFrom(...KERNELS),
    legacy: fc.constantFrom(...LEGACY),
    pageSize: fc.constantFrom(undefined, undefined, undefined, 4096, 16384, 65536),
    devices: fc.subarray(['gpu0', 'gpu1']),
    maps: fc.uniqueArray(fc.tuple(fc.constantFrom('buf', 'a', 'b', 'c'), fc.integer({ min: 1, max: mode === 'strict' ? 16 : 48 }), fc.constantFrom(...PROTS), mmapFlags(mode)),
      { minLength: 1, maxLength: 3, selector: (t) => t[0] }),
  }).chain((d) => {
    const legacy = LEGACY_KERNELS.has(d.kernel);
    const code = d.kernel === 'latest' ? 6019 : Number(d.kernel.slice(1).split('.')[0]) * 1000 + Number(d.kernel.split('.')[1]);
    const env: Env = { names: d.maps.map((m) => m[0]), devices: d.devices, maxOff: Math.min(...d.maps.map((m) => m[1])), legacy,
      sticky: code >= 6016, order: code >= 5010, mode };
    const steps = fc.array(fc.oneof({ weight: 2, arbitrary: stepArb(env) }, { weight: 2, arbitrary: walkArb(env) }), { minLength: 1, maxLength: 6 });
    return steps.map((rest) => {
      const doc: { [k: string]: YValue } = { hmm: 1, name: 'fuzz', kernel: d.kernel };
      if (legacy) doc.legacy = d.legacy;
      if (d.pageSize) doc.page_size = d.pageSize;
      if (d.devices.length) doc.devices = d.devices;
      const mmaps: YValue[] = d.maps.map(([n, p, prot, flags]) => ({ mmap: { name: n, pages: p, prot, flags } }));
      doc.steps = [...mmaps, ...rest];
      return { value: doc, names: env.names };
    });
  });
}

/** A scenario document the parser should accept (small, every step kind, names and devices that exist). */
export const scenarioDoc: fc.Arbitrary<GenDoc> = docArb('strict');
/** Close to valid, with unknown devices, out-of-range and unaligned addresses, wrong flag names and combinations. */
export const looseDoc: fc.Arbitrary<GenDoc> = docArb('loose');

/** Replace, delete or add a node somewhere in the document: wrong shapes and wrong types. */
function mutateValue(v: YValue, rnd: () => number, repl: YValue, extraKey: string): YValue {
  if (Array.isArray(v)) {
    if (v.length === 0 || rnd() < 0.2) return rnd() < 0.5 ? repl : [...v, repl];
    const i = Math.floor(rnd() * v.length);
    const out = v.slice();
    if (rnd() < 0.15) out.splice(i, 1);
    else out[i] = mutateValue(v[i], rnd, repl, extraKey);
    return out;
  }
  if (v !== null && typeof v === 'object' && !(v instanceof Raw)) {
    const keys = Object.keys(v);
    if (keys.length === 0 || rnd() < 0.2) {
      const r = rnd();
      if (r < 0.4) return repl;
      if (r < 0.7) return { ...v, [extraKey]: repl };
      const out = { ...v };
      if (keys.length) delete out[keys[Math.floor(rnd() * keys.length)]];
      return out;
    }
    const k = keys[Math.floor(rnd() * keys.length)];
    return { ...v, [k]: mutateValue(v[k], rnd, repl, extraKey) };
  }
  return repl;
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

export type Render = 'block' | 'flow' | 'json';

export function render(v: YValue, how: Render): string {
  if (how === 'json') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x instanceof Raw ? x.text : x), 1);
  if (how === 'flow') return flow(v) + '\n';
  return block(v, 0, 3);
}

/** A scenario as text (plus the file name: JSON documents go to `*.hmm.json`). */
export interface FuzzText {
  readonly file: string;
  readonly text: string;
}

const renderArb = fc.constantFrom<Render>('block', 'block', 'block', 'flow', 'json');

export const validText: fc.Arbitrary<FuzzText> = fc.tuple(scenarioDoc, renderArb).map(([d, how]) => ({
  file: how === 'json' ? 'fuzz.hmm.json' : 'fuzz.hmm.yaml', text: render(d.value, how),
}));

/** The same documents with 1..3 structural mutations (wrong shapes/types, huge numbers, unknown keys). */
export const looseText: fc.Arbitrary<FuzzText> = fc.tuple(looseDoc, renderArb).map(([d, how]) => ({
  file: how === 'json' ? 'fuzz.hmm.json' : 'fuzz.hmm.yaml', text: render(d.value, how),
}));

export const mutatedText: fc.Arbitrary<FuzzText> = fc.tuple(fc.oneof(scenarioDoc, looseDoc), fc.array(fc.tuple(fc.integer(), wrongValue, fc.constantFrom('extra', 'pages', 'at', 'steps', 'hmm', 'walk', 'unknown_key')), { minLength: 1, maxLength: 3 }), renderArb)
  .map(([d, muts, how]) => {
    let v: YValue = d.value;
    for (const [seed, repl, key] of muts) v = mutateValue(v, lcg(seed), repl, key);
    return { file: how === 'json' ? 'fuzz.hmm.json' : 'fuzz.hmm.yaml', text: how === 'json' ? render(v, 'json') : how === 'flow' ? flow(v) + '\n' : block(v, 0, 3) };
  });

/** Text damage: cut, splice, duplicate lines, tabs, CR, BOM, NUL, invalid UTF-8 decoded as text. */
export const damagedText: fc.Arbitrary<FuzzText> = fc.tuple(fc.oneof(validText, mutatedText), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 9 }), fc.uint8Array({ minLength: 1, maxLength: 8 })), { minLength: 1, maxLength: 3 }))
  .map(([t, ops]) => {
    let s = t.text;
    for (const [a, b, kind, bytes] of ops) {
      const i = s.length ? a % (s.length + 1) : 0;
      const j = Math.min(s.length, i + (b % 40));
      switch (kind) {
        case 0: s = s.slice(0, i); break; // truncate
        case 1: s = s.slice(0, i) + s.slice(j); break; // delete
        case 2: s = s.slice(0, i) + new TextDecoder('utf-8').decode(bytes) + s.slice(i); break; // invalid UTF-8 as text
        case 3: s = s.slice(0, i) + '\t' + s.slice(i); break;
        case 4: s = s.replace(/\n/g, '\r\n'); break;
        case 5: s = '\uFEFF' + s; break;
        case 6: s = s.slice(0, i) + '\u0000\uD800\uDFFF\u2028' + s.slice(i); break;
        case 7: s = s.slice(0, i) + s.slice(i, j) + s.slice(i); break; // duplicate a stretch (duplicate keys, repeated steps)
        case 8: s = s.slice(0, i) + '\n---\n' + s.slice(i); break; // second document
        default: s = s.slice(0, i) + String.fromCharCode(...bytes) + s.slice(i); break; // Latin-1 bytes as text
      }
    }
    return { file: t.file, text: s };
  });

/** Deep nesting, alias bombs, enormous keys: inputs aimed at the YAML layer's limits. */
export const hostileText: fc.Arbitrary<FuzzText> = fc.oneof(
  fc.integer({ min: 10, max: 5000 }).map((n) => ({ file: 'deep.hmm.yaml', text: 'hmm: 1\nsteps: ' + '['.repeat(n) + ']'.repeat(n) + '\n' })),
  fc.integer({ min: 10, max: 5000 }).map((n) => ({ file: 'deep.hmm.yaml', text: 'hmm: 1\nsteps:\n' + Array.from({ length: Math.min(n, 300) }, (_, i) => ' '.repeat(2 + i) + '- ').join('\n') + 'x\n' })),
  fc.integer({ min: 10, max: 5000 }).map((n) => ({ file: 'deep.hmm.json', text: '{"hmm":1,"steps":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}' })),
  fc.integer({ min: 2, max: 9 }).map((n) => {
    let t = 'hmm: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i <= n; i++) t += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    return { file: 'laughs.hmm.yaml', text: t + `steps: *a${n}\n` };
  }),
  fc.integer({ min: 1, max: 20_000 }).map((n) => ({ file: 'long.hmm.yaml', text: `hmm: 1\nname: ${'x'.repeat(n)}\nsteps: [{ fork: {} }]\n` })),
  fc.integer({ min: 1, max: 1500 }).map((n) => ({ file: 'many.hmm.yaml', text: 'hmm: 1\nsteps:\n  - mmap: { name: buf, pages: 4, prot: rw }\n' + '  - write: { at: buf }\n'.repeat(n) })),
  fc.constantFrom<FuzzText>(
    { file: 'x.hmm.yaml', text: '' }, { file: 'x.hmm.yaml', text: '\n\n\n' }, { file: 'x.hmm.yaml', text: '---' }, { file: 'x.hmm.yaml', text: '- 1\n- 2' },
    { file: 'x.hmm.yaml', text: '"just a string"' }, { file: 'x.hmm.json', text: '{' }, { file: 'x.hmm.json', text: '[1,2' }, { file: 'x.hmm.json', text: 'null' },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nsteps: []\n' }, { file: 'x.hmm.yaml', text: 'hmm: 2\nsteps: [{fork: {}}]\n' },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nhmm: 1\nsteps: [{fork: {}}]\n' }, { file: 'x.hmm.yaml', text: '? [a, b]\n: c\n' },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nsteps: [{ mmap: { name: buf, pages: 68719476736, prot: rw } }, { write: { at: buf, pages: 68719476736 } }]\n' },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nsteps: [{ mmap: { name: buf, pages: 68719476736, prot: rw } }, { walk: { at: buf, pages: 16777216, mode: fault_write } }]\n' },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nsteps: [{ mmap: { at: 0xfffffffffffff000, pages: 16, prot: rw } }]\n' },
    { file: 'limit.hmm.yaml', text: 'hmm: 1\nsteps:\n' + '  - fork: {}\n'.repeat(10_001) },
    { file: 'x.hmm.yaml', text: 'hmm: 1\nsteps: [{ mmap: { name: a, at: 0x7f0000000000, pages: 16, prot: rw } }, { mmap: { name: b, at: 0x7f0000004000, pages: 16, prot: r } }, { walk: { at: a, pages: 20 } }]\n' },
  ),
);

/**
 * Huge page counts on steps that touch memory: the runner must bound its work by the limits (maxStepPages for
 * address-space steps, maxPages for walks) and stay proportional to the runs of states, not to the pages.
 */
export const bigCountText: fc.Arbitrary<FuzzText> = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 10, max: 17 }) }, { weight: 1, arbitrary: fc.integer({ min: 18, max: 36 }) }),
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 8, max: 17 }) }, { weight: 1, arbitrary: fc.integer({ min: 18, max: 36 }) }),
  fc.constantFrom('write', 'read', 'madvise', 'set', 'migrate', 'mprotect', 'munmap', 'exclusive', 'fork', 'walk'),
  fc.constantFrom('snapshot', 'fault', 'fault_write'),
).map(([mapLog, opLog, op, mode]) => {
  const map = 2 ** mapLog;
  // FUZZ_TOLERATE=populate: keep steps that populate page by page (write, read, set, exclusive) at 2^20 pages
  const perPage = ['write', 'read', 'set', 'exclusive'].includes(op) && tolerated('populate');
  const n = Math.min(map, 2 ** (perPage ? Math.min(opLog, 20) : opLog));
  const body: Record<string, string> = {
    write: `write: { at: buf, pages: ${n} }`, read: `read: { at: buf, pages: ${n} }`,
    madvise: `madvise: { at: buf, pages: ${n}, advice: hugepage }`, set: `set: { at: buf, pages: ${n}, pte: { state: swap } }`,
    migrate: `migrate: { at: buf, pages: ${n}, to: gpu0 }`, mprotect: `mprotect: { at: buf, pages: ${n}, prot: r }`,
    munmap: `munmap: { at: buf+1, pages: ${n - 1 || 1} }`, exclusive: `exclusive: { at: buf, pages: ${n}, device: gpu0 }`,
    fork: 'fork: {}', walk: `walk: { at: buf, pages: ${n}, mode: ${mode} }`,
  };
  const text = `hmm: 1\ndevices: [gpu0]\nsteps:\n  - mmap: { name: buf, pages: ${map}, prot: rw }\n  - ${body[op]}\n`
    + `  - walk: { at: buf+${Math.max(0, n - 2)}, pages: 4, mode: ${mode} }\n`;
  return { file: 'big.hmm.yaml', text };
});

/** Any text at all: random strings and random bytes decoded as UTF-8. */
export const randomText: fc.Arbitrary<FuzzText> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ file: 'r.hmm.yaml', text })),
  fc.uint8Array({ maxLength: 300 }).map((b) => ({ file: 'r.hmm.yaml', text: new TextDecoder().decode(b) })),
  fc.string({ unit: fc.constantFrom(...'{}[]:,-? &*!|>\'"#%@`\n \t0x1fhmsteps'.split('')), maxLength: 200 }).map((text) => ({ file: 'r.hmm.yaml', text })),
);

/** Everything the parse target sees. */
export const anyScenarioText: fc.Arbitrary<FuzzText> = fc.oneof(
  { weight: 3, arbitrary: validText }, { weight: 2, arbitrary: looseText }, { weight: 3, arbitrary: mutatedText }, { weight: 2, arbitrary: damagedText },
  { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: hostileText }, { weight: 3, arbitrary: randomText }) }, { weight: 2, arbitrary: randomText },
);

/**
 * The fuzz targets: what each feeds to the core and what it checks. Used by test/fuzz/run.ts (100,000+ cases per
 * target) and by the CI budget in test/unit/fuzz.test.ts (10,000 per target, fixed seed).
 */
import fc from 'fast-check';
import { decodePfn, encodePfn, formatDecoded, listLayouts, layoutForKernel } from '../../src/core/layouts/index';
import { scanPfnValues } from '../../src/core/layouts/scan';
import type { PfnLayout } from '../../src/core/layouts/types';
import { parseScenario } from '../../src/core/scenario/parse';
import { runScenario } from '../../src/core/scenario/run';
import { resultToJson } from '../../src/core/scenario/json';
import { anyScenarioText, bigCountText, damagedText, looseText, mutatedText, validText, type FuzzText } from './arbitraries';
import { checkDiagnostics, fail, inTime, noThrow } from './check';

/**
 * Limits for the run target: small enough that 10,000 cases run in seconds (the brief: bound page counts with the
 * limits). FUZZ_REAL_LIMITS=1 uses the parser's defaults instead, to look for steps whose cost the defaults do not
 * bound (npm run fuzz -- --real-limits).
 */
export const FUZZ_MAX_WALK_PAGES = 4096;
export const FUZZ_MAX_STEP_PAGES = 16_384;
const realLimits = () => (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.FUZZ_REAL_LIMITS === '1';
/** Per-case time limits (ms): beyond these a case is reported as a hang in the making. */
export const PARSE_MS = 2000;
export const RUN_MS = 3000;

export interface FuzzTarget<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  readonly check: (input: T, stats: Record<string, number>) => void;
  /** one-line description of a failing input for the report */
  readonly show: (input: T) => string;
}

const bump = (stats: Record<string, number>, k: string) => { stats[k] = (stats[k] ?? 0) + 1; };

const showText = (t: FuzzText) => `${t.file} (${t.text.length} chars): ${JSON.stringify(t.text.length > 600 ? t.text.slice(0, 300) + ' … ' + t.text.slice(-200) : t.text)}`;

/** parseScenario on anything: a scenario or positioned errors; never a throw, never a crash message. */
export const parseTarget: FuzzTarget<FuzzText> = {
  name: 'parse',
  arbitrary: anyScenarioText,
  show: showText,
  check(t, stats) {
    const r = inTime('parseScenario', PARSE_MS, () => noThrow('parseScenario', () => parseScenario(t.text, t.file)));
    if (!r || typeof r !== 'object') fail('parseScenario returned no object');
    checkDiagnostics(r.diagnostics, t.text, t.file, 'parseScenario', stats);
    const errors = r.diagnostics.filter((d) => d.severity === 'error').length;
    if (!r.scenario && errors === 0) fail('no scenario and no error diagnostic');
    if (r.scenario && errors > 0) bump(stats, 'scenario with errors');
    bump(stats, r.scenario ? 'scenario' : 'rejected');
  },
};

/** Number of walk steps in a scenario (during steps cannot be walks). */
function walkCount(steps: readonly { op: string }[]): number {
  return steps.filter((s) => s.op === 'walk').length;
}

/** Errnos hmm_range_fault() returns in some release: -EPERM, -EINTR, -EAGAIN, -ENOMEM, -EFAULT, -EBUSY, -EINVAL. */
const ERRNOS = new Set([-1, -4, -11, -12, -14, -16, -22]);

/** parse + runScenario (twice: byte-identical JSON) on valid and mutated documents that parse. */
export const runTarget: FuzzTarget<FuzzText> = {
  name: 'run',
  arbitrary: fc.oneof({ weight: 6, arbitrary: validText }, { weight: 3, arbitrary: looseText }, { weight: 2, arbitrary: mutatedText }, { weight: 1, arbitrary: damagedText },
    { weight: 1, arbitrary: fc.oneof({ weight: 1, arbitrary: bigCountText }, { weight: 3, arbitrary: validText }) }),
  show: showText,
  check(t, stats) {
    const limits = realLimits() ? {} : { maxWalkPages: FUZZ_MAX_WALK_PAGES, maxStepPages: FUZZ_MAX_STEP_PAGES };
    const p = noThrow('parseScenario', () => parseScenario(t.text, t.file, { limits }));
    checkDiagnostics(p.diagnostics, t.text, t.file, 'parseScenario', stats);
    if (!p.scenario) {
      bump(stats, 'rejected by parse');
      return;
    }
    const s = p.scenario;
    const r1 = inTime('runScenario', RUN_MS, () => noThrow('runScenario', () => runScenario(s, { maxPages: FUZZ_MAX_WALK_PAGES })));
    checkDiagnostics(r1.diagnostics, t.text, t.file, 'runScenario', stats);
    if (r1.walks.length > walkCount(s.steps)) fail(`${r1.walks.length} walk results for ${walkCount(s.steps)} walks`);
    for (const w of r1.walks) {
      if (!(w.pfns instanceof BigUint64Array) || (w.input !== undefined && !(w.input instanceof BigUint64Array))) fail(`walk "${w.name}": pfns/input are not BigUint64Array`);
      if (w.pfns.length !== w.pages || (w.input !== undefined && w.input.length !== w.pages)) fail(`walk "${w.name}": ${w.pfns.length} outputs, ${w.input?.length ?? 'no'} inputs for ${w.pages} pages`);
      // 5.2–5.6 returned the number of valid pages; errnos in every release
      if (!Number.isInteger(w.ret) || !(ERRNOS.has(w.ret) || (w.ret >= 0 && w.ret <= w.pages))) fail(`walk "${w.name}": ret ${w.ret} is neither a page count nor an errno of hmm_range_fault()`);
      if (!(w.attempts >= 1)) fail(`walk "${w.name}": ${w.attempts} attempts`);
      for (const e of w.trace) {
        if (!(e.first >= 0 && e.first <= e.end && e.end <= w.pages)) fail(`walk "${w.name}": trace event ${e.fn} range [${e.first}, ${e.end}) outside 0..${w.pages}`);
      }
      bump(stats, `ret ${w.ret}`);
      if (w.expect) bump(stats, w.expect.ok ? 'expect ok' : 'expect failed');
    }
    bump(stats, r1.diagnostics.some((d) => d.severity === 'error') ? 'run with errors' : 'run clean');
    const j1 = noThrow('resultToJson', () => resultToJson([r1], { trace: true }));
    const r2 = noThrow('runScenario (second run)', () => runScenario(s, { maxPages: FUZZ_MAX_WALK_PAGES }));
    const j2 = noThrow('resultToJson', () => resultToJson([r2], { trace: true }));
    if (j1 !== j2) {
      let i = 0;
      while (i < j1.length && j1[i] === j2[i]) i++;
      fail(`not deterministic: JSON differs at offset ${i}: ${JSON.stringify(j1.slice(Math.max(0, i - 60), i + 60))} vs ${JSON.stringify(j2.slice(Math.max(0, i - 60), i + 60))}`);
    }
  },
};

const LAYOUTS: readonly PfnLayout[] = [...listLayouts(), ...['v5.8', 'v5.10', 'v6.16', 'latest'].map((k) => layoutForKernel(k))];
const U64 = (1n << 64n) - 1n;

export interface DecodeCase {
  readonly layout: number;
  readonly raw: bigint;
  readonly pageSize: number;
  /** fields for the round trip */
  readonly flags: readonly number[];
  readonly pfn: bigint;
  readonly order: number;
}

/** decodePfn on any u64 (and out-of-range bigints, odd page sizes) under every layout; encode → decode round trip. */
export const decodeTarget: FuzzTarget<DecodeCase> = {
  name: 'decode',
  arbitrary: fc.record({
    layout: fc.nat({ max: LAYOUTS.length - 1 }),
    raw: fc.oneof({ weight: 8, arbitrary: fc.bigInt({ min: 0n, max: U64 }) }, { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }) },
      { weight: 1, arbitrary: fc.constantFrom(0n, U64, 1n << 63n, 0xfffffffffffffffen, 0xfffffffffffffffdn, 2n, 1n) }),
    pageSize: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(4096, 16384, 65536) }, { weight: 1, arbitrary: fc.integer({ min: -10, max: 1 << 30 }) }),
    flags: fc.uniqueArray(fc.nat({ max: 7 }), { maxLength: 4 }),
    pfn: fc.bigInt({ min: 0n, max: (1n << 52n) - 1n }),
    order: fc.nat({ max: 31 }),
  }),
  show: (c) => `layout ${LAYOUTS[c.layout].id} raw 0x${c.raw.toString(16)} pageSize ${c.pageSize} flags [${c.flags}] pfn 0x${c.pfn.toString(16)} order ${c.order}`,
  check(c, stats) {
    const layout = LAYOUTS[c.layout];
    const d = noThrow('decodePfn', () => decodePfn(c.raw, layout, c.pageSize));
    if (d.raw !== c.raw && !(c.raw < 0n || c.raw > U64)) fail(`decoded raw 0x${d.raw.toString(16)} differs from the input`);
    if ((c.raw < 0n || c.raw > U64) && d.problems.length === 0) fail('a value outside u64 decoded without a problem');
    const names = new Set(layout.flags.map((f) => f.name));
    for (const f of d.flags) if (!names.has(f)) fail(`flag ${f} is not a flag of layout ${layout.id}`);
    if (d.pfn < 0n || d.pfn > layout.pfnMask) fail(`pfn 0x${d.pfn.toString(16)} outside the layout's pfn mask`);
    if (!Number.isInteger(d.order) || d.order < 0 || d.order > 31) fail(`order ${d.order}`);
    const line = noThrow('formatDecoded', () => formatDecoded(d));
    if (typeof line !== 'string' || /\n/.test(line) || line.length === 0) fail(`formatDecoded gave ${JSON.stringify(line)}`);
    if (typeof d.meaning !== 'string' || d.meaning.length === 0) fail('no meaning');
    if (d.problems.length) bump(stats, 'with problems');

    // round trip: fields within the layout → word → the same fields
    const flags = c.flags.filter((i) => i < layout.flags.length).map((i) => layout.flags[i].name);
    const pfn = c.pfn & layout.pfnMask;
    const order = layout.order ? c.order & ((1 << layout.order.bits) - 1) : 0;
    let word: bigint;
    try {
      word = encodePfn({ flags, pfn, order }, layout);
    } catch (e) {
      return fail(`encodePfn rejected well-formed fields (${flags.join(' ')} pfn 0x${pfn.toString(16)} order ${order}): ${e instanceof Error ? e.message : String(e)}`);
    }
    if (word < 0n || word > U64) fail(`encodePfn gave a value outside u64: ${word}`);
    const back = noThrow('decodePfn', () => decodePfn(word, layout));
    if (back.value !== undefined) {
      bump(stats, 'round trip hit a legacy value');
      return;
    }
    const want = layout.flags.filter((f) => f.mask !== 0n && (word & f.mask) === f.mask).map((f) => f.name).sort();
    const got = [...back.flags].sort();
    if (want.join() !== got.join() || !flags.every((f) => got.includes(f))) fail(`round trip flags: encoded [${flags}] decoded [${got}]`);
    if (back.pfn !== pfn) fail(`round trip pfn: encoded 0x${pfn.toString(16)} decoded 0x${back.pfn.toString(16)}`);
    if (back.order !== order) fail(`round trip order: encoded ${order} decoded ${back.order}`);
    bump(stats, 'round trips');
  },
};

/** Text for the scanner: log-like alphabet heavy in hex digits, 0x, underscores and C suffixes, plus planted values. */
export interface ScanCase {
  readonly text: string;
  /** values planted between spaces: the scanner must find each one */
  readonly planted: readonly bigint[];
}

const scanAlphabet = fc.constantFrom(...'0123456789abcdefABCDEFxXuUlL_ =:[](),.-\n\tpfnzg'.split(''));

export const scanTarget: FuzzTarget<ScanCase> = {
  name: 'scan',
  arbitrary: fc.tuple(
    fc.array(fc.oneof({ weight: 3, arbitrary: fc.string({ unit: scanAlphabet, maxLength: 40 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) }), { maxLength: 8 }),
    fc.array(fc.tuple(fc.bigInt({ min: 0n, max: U64 }), fc.constantFrom('0x', '0X', 'bare16')), { maxLength: 4 }),
  ).map(([chunks, vals]) => {
    const planted: bigint[] = [];
    let text = '';
    for (let i = 0; i < Math.max(chunks.length, vals.length); i++) {
      if (i < chunks.length) text += chunks[i];
      if (i < vals.length) {
        const [v, how] = vals[i];
        text += ' ' + (how === 'bare16' ? v.toString(16).padStart(16, '0') : how + v.toString(16)) + ' ';
        planted.push(v);
      }
    }
    return { text, planted };
  }),
  show: (c) => `${JSON.stringify(c.text)} planted [${c.planted.map((v) => '0x' + v.toString(16))}]`,
  check(c, stats) {
    const hits = inTime('scanPfnValues', 1000, () => noThrow('scanPfnValues', () => scanPfnValues(c.text, { maxResults: 1_000_000 })));
    let prevEnd = 0;
    for (const h of hits) {
      if (!(Number.isInteger(h.index) && Number.isInteger(h.length) && h.index >= prevEnd && h.length > 0 && h.index + h.length <= c.text.length)) {
        fail(`hit at ${h.index}+${h.length} overlaps or leaves the text (previous end ${prevEnd}, text ${c.text.length})`);
      }
      prevEnd = h.index + h.length;
      if (typeof h.value !== 'bigint' || h.value < 0n || h.value > U64) fail(`hit value ${String(h.value)} is not a u64`);
      const lit = c.text.slice(h.index, h.index + h.length).replace(/_/g, '').replace(/[uUlL]+$/, '');
      const digits = lit.replace(/^0[xX]/, '');
      if (!/^[0-9a-fA-F]{1,16}$/.test(digits) || BigInt('0x' + digits) !== h.value) fail(`hit "${c.text.slice(h.index, h.index + h.length)}" does not read as ${h.value}`);
    }
    const found = new Set(hits.map((h) => h.value));
    for (const v of c.planted) if (!found.has(v)) fail(`planted value 0x${v.toString(16)} (between spaces) was not found`);
    bump(stats, hits.length ? 'with hits' : 'no hits');
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTarget = FuzzTarget<any>;
export const TARGETS: readonly AnyTarget[] = [parseTarget, runTarget, decodeTarget, scanTarget];

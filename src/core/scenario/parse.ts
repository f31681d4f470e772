/**
 * parseScenario: scenario text (`*.hmm.yaml`, or the same structure as JSON in `*.hmm.json`) → the Scenario AST
 * of ./ast.ts, with a positioned diagnostic for every problem. Never throws. Format: docs/scenario-reference.md.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { resolveLayout } from '../layouts';
import type { LegacyProfileSpec, Scenario, ScenarioDiagnostic, SourcePos, Step, WalkStep } from './ast';
import { NAME_RE, type NameScope } from './address';
import { limitMessage, withLimits, type ScenarioLimits } from './limits';
import { clip, ParseCtx, type YNode } from './parse-ctx';
import { LineTable, yamlLineBreaks } from './parse-lines';
import { HARD_MAX_DEPTH, readYaml } from './parse-yaml';
import type { ScenarioEnv } from './parse-env';
import { parseSpaceStep, stepHead } from './parse-steps';
import { parseWalk } from './parse-walk';
import { didYouMean } from './suggest';
import { vocabularyFor } from './tokens';

export const TOP_LEVEL_KEYS = ['hmm', 'name', 'description', 'kernel', 'legacy', 'page_size', 'devices', 'steps'] as const;
export const PAGE_SIZES = [4096, 16384, 65536] as const;
const PAGE_SIZE_WORDS: Record<string, 4096 | 16384 | 65536> = { '4K': 4096, '16K': 16384, '64K': 65536 };

export interface ParseOptions {
  /** limit overrides (e.g. maxWalkPages from the hmm.maxPages setting) */
  readonly limits?: Partial<ScenarioLimits>;
}

export interface ParseOutcome {
  readonly scenario?: Scenario;
  readonly diagnostics: ScenarioDiagnostic[];
}

const START: SourcePos = { line: 1, col: 1, endLine: 1, endCol: 1 };

export function parseScenario(text: string, file: string, opts: ParseOptions = {}): ParseOutcome {
  const limits = withLimits(opts.limits);
  try {
    return parseUnsafe(typeof text === 'string' ? text : String(text), file, limits);
  } catch (e) {
    // not expected: the YAML reader bounds nesting before anything recursive runs (./parse-yaml.ts)
    const deep = e instanceof RangeError;
    return { diagnostics: [{ file, pos: START, severity: 'error',
      message: deep ? `the file nests collections too deeply to read (at most ${nestingLimit(limits)} levels)`
        : `internal error while reading the file: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}

/** The nesting depth the parser enforces: limits.maxDepth, never above HARD_MAX_DEPTH. */
function nestingLimit(limits: ScenarioLimits): number {
  return Math.min(limits.maxDepth, HARD_MAX_DEPTH);
}

function nestingMessage(limits: ScenarioLimits): string {
  return `the file nests collections more than ${nestingLimit(limits)} levels deep`;
}

/** Deepest nesting of collections below `node` (stops counting at `limit`). */
function depthOf(node: unknown, limit: number, d = 0): { depth: number; at?: Node } {
  if (d > limit) return { depth: d, at: node as Node };
  if (isMap(node) || isSeq(node)) {
    let best: { depth: number; at?: Node } = { depth: d };
    for (const it of node.items as unknown[]) {
      const children = isMap(node) ? [(it as { key: unknown }).key, (it as { value: unknown }).value] : [it];
      for (const c of children) {
        const r = depthOf(c, limit, d + 1);
        if (r.depth > best.depth) best = r;
        if (best.depth > limit) return best;
      }
    }
    return best;
  }
  return { depth: d };
}

function yamlMessage(m: string): string {
  return m.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '').trim();
}

function parseUnsafe(input: string, file: string, limits: ScenarioLimits): ParseOutcome {
  const diagnostics: ScenarioDiagnostic[] = [];
  if (input.length > limits.maxFileBytes) {
    diagnostics.push({ file, pos: START, severity: 'error',
      message: limitMessage('maxFileBytes', `the file (${input.length} characters)`, limits.maxFileBytes, 'bytes') + '; split the scenario into several files' });
    return { diagnostics };
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = new LineTable(text);
  const read = readYaml(yamlLineBreaks(text), nestingLimit(limits));
  if (!read.doc) {
    const at = lines.linePos(read.tooDeepAt);
    diagnostics.push({ file, pos: { line: at.line, col: at.col, endLine: at.line, endCol: at.col }, severity: 'error', message: nestingMessage(limits) });
    return { diagnostics };
  }
  const doc = read.doc;
  const ctx = new ParseCtx(file, lines, doc, limits);

  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    ctx.warn(ctx.posOf(bad, bad + 1), 'the file is not valid UTF-8 here (a byte sequence was replaced by U+FFFD); save it as UTF-8');
  }
  let fatal = false;
  for (const e of doc.errors) {
    const p = ctx.posOf(e.pos[0], e.pos[1]);
    const msg = e.code === 'DUPLICATE_KEY'
      ? 'duplicate key: each key may appear once in a map'
      : e.code === 'MULTIPLE_DOCS' ? 'a scenario file holds one YAML document; remove the second "---" document'
        : e.code === 'RESOURCE_EXHAUSTION' ? nestingMessage(limits)
          : `YAML syntax: ${yamlMessage(e.message)}`;
    if (e.code !== 'DUPLICATE_KEY') fatal = true;
    ctx.error(p, msg);
  }
  for (const w of doc.warnings) {
    const p = ctx.posOf(w.pos[0], w.pos[0]);
    ctx.warn(p, `YAML: ${yamlMessage(w.message)}`);
  }
  if (fatal) return { diagnostics: ctx.finish() };
  const deep = depthOf(doc.contents, nestingLimit(limits));
  if (deep.depth > nestingLimit(limits)) {
    ctx.error(ctx.pos(deep.at as YNode), nestingMessage(limits));
    return { diagnostics: ctx.finish() };
  }
  const root = doc.contents as YNode;
  if (ctx.isNull(root)) {
    ctx.error(START, 'empty scenario; a scenario needs at least "hmm: 1" and "steps:"');
    return { diagnostics: ctx.finish() };
  }
  const top = ctx.map(root, 'the scenario', TOP_LEVEL_KEYS, START);
  if (!top) return { diagnostics: ctx.finish() };
  const rootPos = ctx.pos(root);
  const atTop: SourcePos = { line: rootPos.line, col: rootPos.col, endLine: rootPos.line, endCol: rootPos.col };

  // hmm: 1
  const he = top.get('hmm');
  if (!he) ctx.error(atTop, 'missing "hmm: 1" (the format version) at the top level');
  else {
    const v = ctx.resolve(he.value);
    if (!(v && isScalar(v) && (v.value === 1n || v.value === 1))) {
      const bad = v && isScalar(v) && (typeof v.value === 'bigint' || typeof v.value === 'number')
        ? clip(String(v.source ?? v.value)) : ctx.describe(v);
      ctx.error(ctx.pos(v, he.pos), `unsupported format version ${bad}; expected hmm: 1 (the number)`);
    }
  }
  const name = top.get('name') ? ctx.string(top.get('name')?.value, 'name', top.get('name')?.pos) : undefined;
  const description = top.get('description') ? ctx.string(top.get('description')?.value, 'description', top.get('description')?.pos) : undefined;

  // page_size
  let pageSize: 4096 | 16384 | 65536 = 4096;
  const pse = top.get('page_size');
  if (pse) {
    const n = ctx.resolve(pse.value);
    const s = n && isScalar(n) ? String(n.value) : '';
    if (PAGE_SIZE_WORDS[s.toUpperCase()]) pageSize = PAGE_SIZE_WORDS[s.toUpperCase()];
    else if ((PAGE_SIZES as readonly number[]).map(String).includes(s) && !(n && isScalar(n) && typeof n.value === 'string' && /^0/.test(s))) pageSize = Number(s) as 4096;
    else ctx.error(ctx.pos(n, pse.pos), `unsupported page_size ${n && isScalar(n) ? clip(String(n.source ?? n.value)) : ctx.describe(n)}; expected 4096, 16384 or 65536`);
  }

  // devices
  const devices: string[] = [];
  const de = top.get('devices');
  if (de && !ctx.isNull(de.value)) {
    const items = ctx.seq(de.value, 'devices', de.pos) ?? [];
    if (items.length > limits.maxDevices) ctx.error(de.pos, limitMessage('maxDevices', `${items.length} devices`, limits.maxDevices, 'devices'));
    for (const it of items.slice(0, limits.maxDevices)) {
      const s = ctx.string(it, 'a device name', de.pos);
      const p = ctx.pos(ctx.resolve(it), de.pos);
      if (s === undefined) continue;
      if (!NAME_RE.test(s)) ctx.error(p, `device name "${clip(s)}" must start with a letter or _ and use letters, digits, _, . or -`);
      else if (s === 'system') ctx.error(p, '"system" is reserved (migrate to: system: back to system RAM); choose another device name');
      else if (devices.includes(s)) ctx.error(p, `device "${s}" is declared twice`);
      else devices.push(s);
    }
  }

  // kernel + legacy → layout
  let kernel = 'latest';
  const ke = top.get('kernel');
  if (ke) {
    const s = ctx.string(ke.value, 'kernel', ke.pos);
    if (s !== undefined) kernel = s.trim() || 'latest';
  }
  const le = top.get('legacy');
  const legacy = le ? readLegacy(ctx, le.value, le.pos) : undefined;
  const resolved = resolveLayout(kernel, legacy);
  const kpos = ke ? ctx.pos(ctx.resolve(ke.value), ke.pos) : atTop;
  for (const p of resolved.problems) {
    const isKernel = /kernel|proposal/.test(p.message) && !/legacy profile ignored/.test(p.message);
    const where = isKernel || !le ? kpos : ctx.pos(ctx.resolve(le.value), le.pos);
    if (p.severity === 'error') ctx.error(where, p.message);
    else ctx.warn(where, p.message);
  }
  const layout = resolved.layout;
  if (layout && layout.era === 'legacy' && !le) {
    ctx.warn(kpos, `kernel ${kernel} uses the driver-defined (legacy) encoding and no "legacy:" profile is given; `
      + `the default ${layout.profile?.name ?? 'amdgpu'} profile is used (write legacy: amdgpu, nouveau, test_hmm or a table)`);
  }

  // steps
  const names = collectNames(ctx, top.get('steps')?.value);
  const scope: NameScope = { defined: new Map(), all: names.all, invalid: names.malformed };
  const env: ScenarioEnv = { pageSize, devices, scope, layout, vocab: layout ? vocabularyFor(layout, devices) : undefined,
    counts: { steps: 0, mappings: 0, walks: 0, expected: 0 }, walkNames: new Map() };
  const steps: Step[] = [];
  const se = top.get('steps');
  if (!se) ctx.error(atTop, 'missing "steps:" — the list of operations (mmap, walk, …)');
  else {
    const items = ctx.seq(se.value, 'steps', se.pos);
    if (items) {
      if (items.length === 0) ctx.warn(se.pos, 'steps is empty: nothing to run');
      for (const it of items) {
        env.counts.steps++;
        if (env.counts.steps > limits.maxSteps) {
          ctx.error(ctx.pos(ctx.resolve(it), se.pos), limitMessage('maxSteps', `${items.length} steps`, limits.maxSteps, 'steps per file') + '; split the scenario');
          break;
        }
        const head = stepHead(ctx, it, 'a step');
        if (!head) continue;
        const step = head.op === 'walk' ? parseWalk(ctx, env, head.body, head.pos)
          : parseSpaceStep(ctx, env, head.op as Exclude<typeof head.op, 'walk'>, head.body, head.pos);
        if (step) steps.push(step);
      }
    }
  }
  const diags = ctx.finish();
  if (diags.some((d) => d.severity === 'error') || !layout) return { diagnostics: diags };
  const scenario: Scenario = { file, version: 1, ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}), kernel, ...(legacy ? { legacy } : {}), pageSize, devices, steps };
  return { scenario, diagnostics: diags };
}

/** Names given by mmap steps anywhere in the file (for "used before it is defined" messages). */
/**
 * The mapping names of every mmap step, for "used before the mmap step that names it"; and (`malformed`) the names of
 * mmap steps written with their fields beside `mmap:` instead of under it (`- mmap:\n  name: buf`), which the
 * step parser rejects: a later reference to such a name is no new error.
 */
function collectNames(ctx: ParseCtx, steps: YNode): { all: Map<string, SourcePos>; malformed: Map<string, SourcePos> } {
  const all = new Map<string, SourcePos>();
  const malformed = new Map<string, SourcePos>();
  const n = ctx.resolve(steps);
  if (!n || !isSeq(n)) return { all, malformed };
  const nameOf = (items: readonly { key: unknown; value: unknown }[]): { name: string; pos: SourcePos } | undefined => {
    for (const q of items) {
      const qk = q.key as YNode;
      const qv = q.value as YNode;
      if (qk && isScalar(qk) && qk.value === 'name' && qv && isScalar(qv) && typeof qv.value === 'string') return { name: qv.value, pos: ctx.pos(qv) };
    }
    return undefined;
  };
  for (const it of n.items as YNode[]) {
    if (!it || !isMap(it)) continue;
    const isMmap = (p: { key: unknown }) => { const k = p.key as YNode; return !!k && isScalar(k) && k.value === 'mmap'; };
    if (it.items.length !== 1) {
      const named = it.items.some(isMmap) ? nameOf(it.items) : undefined;
      if (named && !malformed.has(named.name)) malformed.set(named.name, named.pos);
      continue;
    }
    const p = it.items[0];
    if (!isMmap(p) || !isMap(p.value)) continue;
    const named = nameOf(p.value.items);
    if (named && !all.has(named.name)) all.set(named.name, named.pos);
  }
  return { all, malformed };
}

const LEGACY_FLAG_KEYS = ['VALID', 'WRITE', 'DEVICE_PRIVATE'] as const;
const LEGACY_VALUE_KEYS = ['ERROR', 'NONE', 'SPECIAL'] as const;

/** `legacy: amdgpu` or `{ profile?, flags: {VALID, WRITE, DEVICE_PRIVATE?}, values: {ERROR, NONE, SPECIAL?}, pfn_shift }`. */
function readLegacy(ctx: ParseCtx, node: YNode, at: SourcePos): LegacyProfileSpec | undefined {
  const n = ctx.resolve(node);
  const pos = ctx.pos(n, at);
  if (n && isScalar(n) && typeof n.value === 'string') return { builtin: n.value.trim(), pos };
  const m = ctx.map(n, 'legacy', ['profile', 'flags', 'values', 'pfn_shift'], at);
  if (!m) return undefined;
  let ok = true;
  const u64 = (e: { value: YNode; pos: SourcePos }, what: string): bigint | undefined => {
    const v = ctx.bigint(e.value, what, e.pos);
    if (v !== undefined && (v < 0n || v > 0xffffffffffffffffn)) {
      ctx.error(ctx.pos(ctx.resolve(e.value), e.pos), `${what} ${v} does not fit in a u64 (0 .. 0xffffffffffffffff)`);
      return undefined;
    }
    return v;
  };
  const table = <K extends string>(key: string, keys: readonly K[], required: readonly K[]): Partial<Record<K, bigint>> | undefined => {
    const e = m.get(key);
    if (!e) return undefined;
    const t = ctx.map(e.value, `legacy ${key}`, keys, e.pos);
    if (!t) { ok = false; return undefined; }
    const out: Partial<Record<K, bigint>> = {};
    for (const k of keys) {
      const ke = t.get(k);
      if (!ke) {
        if (required.includes(k)) { ctx.error(e.pos, `legacy ${key} needs ${k}`); ok = false; }
        continue;
      }
      const v = u64(ke, `legacy ${key} ${k}`);
      if (v === undefined) ok = false; else out[k] = v;
    }
    return out;
  };
  let builtin: string | undefined;
  const pe = m.get('profile');
  if (pe) builtin = ctx.string(pe.value, 'legacy profile', pe.pos);
  const flags = table('flags', LEGACY_FLAG_KEYS, ['VALID', 'WRITE']);
  const values = table('values', LEGACY_VALUE_KEYS, ['ERROR', 'NONE']);
  let pfnShift: number | undefined;
  const se = m.get('pfn_shift');
  if (se) { pfnShift = ctx.int(se.value, 'legacy pfn_shift', 0, 63, se.pos); if (pfnShift === undefined) ok = false; }
  const missing = [...(m.has('flags') ? [] : ['flags {VALID, WRITE}']), ...(m.has('values') ? [] : ['values {ERROR, NONE}'])];
  if (!builtin && missing.length > 0) {
    ctx.error(pos, `a legacy table needs ${missing.join(' and ')} (or profile: amdgpu, nouveau or test_hmm to start from)`);
    ok = false;
  }
  if (!ok) return undefined;
  return { ...(builtin !== undefined ? { builtin } : {}),
    ...(flags ? { flags: flags as { VALID: bigint; WRITE: bigint; DEVICE_PRIVATE?: bigint } } : {}),
    ...(values ? { values: values as { ERROR: bigint; NONE: bigint; SPECIAL?: bigint } } : {}),
    ...(pfnShift !== undefined ? { pfnShift } : {}), pos };
}

/** The walk step whose source lines contain `line` (1-based), for CodeLens and "run walk at cursor". */
export function walkAt(scenario: Scenario, line: number): WalkStep | undefined {
  return scenario.steps.find((s): s is WalkStep => s.op === 'walk' && s.pos.line <= line && line <= s.pos.endLine);
}

/** Every walk step, in file order. */
export function walksOf(scenario: Scenario): WalkStep[] {
  return scenario.steps.filter((s): s is WalkStep => s.op === 'walk');
}

export { didYouMean };

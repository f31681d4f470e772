/** The `walk` step: one hmm_range_fault() call (or the driver's retry loop) and its expectations. */
import { isMap, isScalar, isSeq, type Scalar } from 'yaml';
import type { AddressExpr, DuringStep, ExpectedEntry, FlagsExpr, SourcePos, Step, WalkExpect, WalkMode, WalkStep } from './ast';
import { checkRangeEnd, parseAddressText, checkAddress, readAddress } from './address';
import { limitMessage } from './limits';
import { clip, scalarText, type Entry, type ParseCtx, type YNode } from './parse-ctx';
import { readFlags, type ScenarioEnv } from './parse-env';
import { parseSpaceStep, stepHead } from './parse-steps';
import { didYouMean } from './suggest';
import { parseExpectedEntry } from './tokens';

export const WALK_FIELDS = ['name', 'device', 'at', 'pages', 'mode', 'default_flags', 'pfn_flags_mask', 'input', 'sticky',
  'retry', 'refill', 'during', 'expect'] as const;
export const WALK_MODES: readonly WalkMode[] = ['snapshot', 'fault', 'fault_write'];

/** errno names a walk may return, as `expect.ret` accepts them. */
export const ERRNOS: Readonly<Record<string, number>> = {
  EPERM: -1, EINTR: -4, EAGAIN: -11, ENOMEM: -12, EFAULT: -14, EBUSY: -16, EINVAL: -22,
};

export function errnoName(ret: number): string {
  const e = Object.entries(ERRNOS).find(([, v]) => v === ret);
  return e ? `-${e[0]}` : String(ret);
}

function readRet(ctx: ParseCtx, e: Entry): number | undefined {
  const n = ctx.resolve(e.value);
  const pos = ctx.pos(n, e.pos);
  const allowed = ['0', ...Object.keys(ERRNOS).map((k) => `-${k}`)];
  if (n && isScalar(n) && typeof n.value === 'string') {
    const s = n.value.trim();
    const m = /^-?([A-Z]+)$/.exec(s);
    if (m && ERRNOS[m[1]] !== undefined) return ERRNOS[m[1]];
    ctx.error(pos, `unknown ret "${clip(s)}"; expected ${allowed.join(', ')} or a number${didYouMean(s, allowed)}`);
    return undefined;
  }
  return ctx.int(n, 'expect ret', -4095, 2 ** 31 - 1, e.pos);
}

/** Position of `text[offset, offset+len)` inside a scalar, when the scalar is written on one line. */
function tokenPosFn(ctx: ParseCtx, node: Scalar, fallback: SourcePos): (offset: number, len: number) => SourcePos {
  const r = node.range;
  const src = node.source;
  if (!r || (node.type !== 'PLAIN' && node.type !== 'QUOTE_SINGLE' && node.type !== 'QUOTE_DOUBLE')) return () => fallback;
  const quote = node.type === 'PLAIN' ? 0 : 1;
  const raw = typeof src === 'string' ? src : String(node.value);
  if (raw.includes('\n') || raw.includes('\\') || raw.includes("''")) return () => ctx.pos(node, fallback);
  return (offset, len) => ctx.posOf(r[0] + quote + offset, r[0] + quote + offset + len);
}

function readExpectedPfns(ctx: ParseCtx, env: ScenarioEnv, e: Entry, pages: number | undefined): ExpectedEntry[] | undefined {
  const n = ctx.resolve(e.value);
  const listPos = ctx.pos(n, e.pos);
  let items: YNode[];
  if (n && isSeq(n)) items = n.items as YNode[];
  else if (n && isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'bigint' || typeof n.value === 'number')) items = [n];
  else {
    ctx.error(listPos, `expect pfns must be a list of entries ([VALID WRITE, NONE *3]), got ${ctx.describe(n)}`);
    return undefined;
  }
  const maxRepeat = pages ?? ctx.limits.maxWalkPages;
  const parsed: { entry: ExpectedEntry; repeat: number }[] = [];
  let ok = true;
  for (const raw of items) {
    const it = ctx.resolve(raw);
    const pos = ctx.pos(it, listPos);
    let text: string;
    let tokenPos: (o: number, l: number) => SourcePos = () => pos;
    if (it && isScalar(it) && typeof it.value === 'string') {
      text = it.value;
      tokenPos = tokenPosFn(ctx, it, pos);
    } else if (it && isScalar(it) && (typeof it.value === 'bigint' || typeof it.value === 'number')) {
      if (it.value !== 0n && it.value !== 0) {
        ctx.error(pos, `a number entry must be 0 (NONE), got ${ctx.describe(it)}; write an entry with flag names (VALID WRITE pfn=0x1234)`);
        ok = false;
        continue;
      }
      text = '0';
    } else {
      ctx.error(pos, `an expected entry must be a string of tokens (VALID WRITE order=9 *512), got ${ctx.describe(it)}`);
      ok = false;
      continue;
    }
    if (!env.vocab) { ok = false; continue; }
    const r = parseExpectedEntry(text, env.vocab, maxRepeat, tokenPos);
    for (const er of r.errors) ctx.error(er.pos, er.message);
    if (!r.entry) { ok = false; continue; }
    const { repeat, ...rest } = r.entry;
    parsed.push({ entry: { ...rest, pos }, repeat });
  }
  if (!ok) return undefined;
  const total = parsed.reduce((a, p) => a + p.repeat, 0);
  if (pages !== undefined && total !== pages) {
    ctx.error(listPos, `expect pfns has ${total} entr${total === 1 ? 'y' : 'ies'} after expanding *N, but the walk has ${pages} page${pages === 1 ? '' : 's'}; there must be exactly one entry per page`);
    return undefined;
  }
  if (pages === undefined) return undefined;
  const maxEntries = Math.max(ctx.limits.maxExpectedEntries, ctx.limits.maxWalkPages);
  env.counts.expected += total;
  if (env.counts.expected > maxEntries) {
    ctx.error(listPos, limitMessage('maxExpectedEntries', `${env.counts.expected} expected pfn entries in this file`, maxEntries, 'entries per file') + '; split the walks into several files');
    return undefined;
  }
  const out: ExpectedEntry[] = new Array(total);
  let i = 0;
  for (const p of parsed) for (let k = 0; k < p.repeat; k++) out[i++] = p.entry;
  return out;
}

function readExpect(ctx: ParseCtx, env: ScenarioEnv, e: Entry, pages: number | undefined): WalkExpect | undefined {
  const m = ctx.map(e.value, 'expect', ['ret', 'pfns'], e.pos);
  if (!m) return undefined;
  const pos = e.pos;
  const re = m.get('ret');
  const pe = m.get('pfns');
  const ret = re ? readRet(ctx, re) : undefined;
  const pfns = pe ? readExpectedPfns(ctx, env, pe, pages) : undefined;
  if (!re && !pe) ctx.warn(pos, 'expect has neither ret nor pfns: nothing is checked');
  if ((re && ret === undefined) || (pe && pfns === undefined)) return undefined;
  return { ...(ret !== undefined ? { ret } : {}), ...(pfns ? { pfns } : {}), pos };
}

/** Same mapping (or both absolute): the page index of `a` in the walk starting at `start`, else undefined. */
function pageIndexIn(a: AddressExpr, start: AddressExpr | undefined, pageSize: number): number | undefined {
  if (!start) return undefined;
  if (a.kind === 'name' && start.kind === 'name' && a.name === start.name) return a.offsetPages - start.offsetPages;
  if (a.kind === 'abs' && start.kind === 'abs') {
    const d = a.value - start.value;
    return Number(d / BigInt(pageSize));
  }
  return undefined;
}

function readPerPage(ctx: ParseCtx, env: ScenarioEnv, e: Entry, what: 'input' | 'sticky', start: AddressExpr | undefined,
  pages: number | undefined): { at: AddressExpr; flags: FlagsExpr }[] | undefined {
  const n = ctx.resolve(e.value);
  if (!n || !isMap(n)) {
    ctx.error(ctx.pos(n, e.pos), `${what} must be a map from page address to flags ({ buf+3: [REQ_FAULT, REQ_WRITE] }), got ${ctx.describe(n)}`);
    return undefined;
  }
  let only: { names: readonly string[]; why: string } | undefined;
  if (what === 'sticky' && env.layout) {
    const sticky = env.layout.flags.filter((f) => f.direction === 'inout').map((f) => f.name);
    if (sticky.length === 0) {
      ctx.error(e.pos, `layout ${env.layout.id} has no sticky (in/out) flags; sticky needs a kernel with HMM_PFN_INOUT_FLAGS (v6.16 and newer)`);
      return undefined;
    }
    only = { names: sticky, why: `sticky takes the layout's in/out flags: ${sticky.join(', ')}` };
  }
  const out: { at: AddressExpr; flags: FlagsExpr }[] = [];
  const seen = new Map<string, SourcePos>();
  let ok = true;
  for (const pair of n.items) {
    const k = ctx.resolve(pair.key as YNode);
    const kpos = ctx.pos(k, e.pos);
    let at: AddressExpr | undefined;
    if (k && isScalar(k) && typeof k.value === 'string') {
      const p = parseAddressText(k.value);
      if (!p) ctx.error(kpos, `${what}: "${clip(k.value)}" is not a page address; expected a number or a mapping name plus pages (buf+3)`);
      else at = checkAddress(ctx, p, `${what} page`, env.pageSize, env.scope, kpos);
    } else {
      at = readAddress(ctx, k, `${what} page`, env.pageSize, env.scope, kpos);
    }
    const flags = readFlags(ctx, env, pair.value as YNode, `${what} flags`, kpos, only);
    if (!at || !flags) { ok = false; continue; }
    const idx = pageIndexIn(at, start, env.pageSize);
    if (idx !== undefined && pages !== undefined && (idx < 0 || idx >= pages)) {
      ctx.error(kpos, `${what} page ${clip(scalarText(k as Scalar))} is outside the walk (${pages} page${pages === 1 ? '' : 's'} from ${start?.kind === 'name' ? `${start.name}${start.offsetPages ? `+${start.offsetPages}` : ''}` : `0x${start?.kind === 'abs' ? start.value.toString(16) : ''}`})`);
      ok = false;
      continue;
    }
    const key = at.kind === 'abs' ? `abs:${at.value}` : `${at.name}+${at.offsetPages}`;
    const prev = seen.get(key);
    if (prev) {
      ctx.error(kpos, `${what} names the same page twice (first at line ${prev.line})`);
      ok = false;
      continue;
    }
    seen.set(key, kpos);
    out.push({ at, flags });
  }
  return ok ? out : undefined;
}

function readDuring(ctx: ParseCtx, env: ScenarioEnv, e: Entry, pages: number | undefined): DuringStep[] | undefined {
  const items = ctx.seq(e.value, 'during', e.pos);
  if (!items) return undefined;
  const out: DuringStep[] = [];
  let ok = true;
  for (const it of items) {
    const n = ctx.resolve(it);
    const pos = ctx.pos(n, e.pos);
    const m = ctx.map(n, 'a during item', ['after_pages', 'step'], e.pos);
    if (!m) { ok = false; continue; }
    const ae = ctx.required(m, 'after_pages', 'a during item', pos);
    const after = ae ? ctx.int(ae.value, 'after_pages', 0, pages ?? ctx.limits.maxWalkPages, ae.pos) : undefined;
    const se = ctx.required(m, 'step', 'a during item', pos);
    let step: Step | undefined;
    if (se) {
      const head = stepHead(ctx, se.value, 'a during step');
      if (head && head.op === 'walk') {
        ctx.error(head.keyPos, 'a walk cannot run during another walk; during takes address-space steps (munmap, mprotect, migrate, …)');
      } else if (head) {
        env.counts.steps++;
        step = parseSpaceStep(ctx, env, head.op as Exclude<typeof head.op, 'walk'>, head.body, head.pos);
      }
    }
    if (after === undefined || !step || step.op === 'walk') { ok = false; continue; }
    out.push({ afterPages: after, step, pos });
  }
  return ok ? out : undefined;
}

export function parseWalk(ctx: ParseCtx, env: ScenarioEnv, body: YNode, pos: SourcePos): WalkStep | undefined {
  env.counts.walks++;
  const m = ctx.map(body, 'walk', WALK_FIELDS, pos);
  if (!m) return undefined;
  const before = ctx.errorCount;
  let name = `walk ${env.counts.walks}`;
  const ne = m.get('name');
  if (ne) {
    const s = ctx.string(ne.value, 'walk name', ne.pos);
    if (s !== undefined && s.trim() !== '') name = s.trim();
    else if (s !== undefined) ctx.error(ne.pos, 'walk name is empty; remove it to get the default name');
  }
  const prevName = env.walkNames.get(name);
  if (prevName) ctx.warn(ne?.pos ?? pos, `walk name "${clip(name)}" is also used by the walk at line ${prevName.line}; results and tests are easier to tell apart with unique names`);
  else env.walkNames.set(name, pos);
  const de = m.get('device');
  let device: string | undefined;
  if (de && !ctx.isNull(de.value)) {
    const s = ctx.string(de.value, 'walk device', de.pos);
    if (s !== undefined) {
      if (env.devices.includes(s)) device = s;
      else ctx.error(ctx.pos(ctx.resolve(de.value), de.pos), env.devices.length === 0
        ? `unknown device "${clip(s)}"; declare it at the top level: devices: [${clip(s)}]`
        : `unknown device "${clip(s)}"; expected ${env.devices.join(', ')}${didYouMean(s, env.devices)}`);
    }
  }
  const ate = ctx.required(m, 'at', 'walk', pos);
  const at = ate ? readAddress(ctx, ate.value, 'walk at', env.pageSize, env.scope, ate.pos) : undefined;
  const pe = ctx.required(m, 'pages', 'walk', pos);
  const pages = pe ? ctx.int(pe.value, 'walk pages', 1, ctx.limits.maxWalkPages, pe.pos,
    { key: 'maxWalkPages', message: (v) => limitMessage('maxWalkPages', `a walk of ${v} pages`, ctx.limits.maxWalkPages, 'pages per walk') }) : undefined;
  checkRangeEnd(ctx, at, pages, env.pageSize, 'walk');
  const me = m.get('mode');
  const mode = me ? ctx.enumOf(me.value, 'walk mode', WALK_MODES, me.pos) : 'snapshot';
  const dfe = m.get('default_flags');
  const defaultFlags = dfe ? readFlags(ctx, env, dfe.value, 'default_flags', dfe.pos) : undefined;
  const pme = m.get('pfn_flags_mask');
  const pfnFlagsMask = pme ? readFlags(ctx, env, pme.value, 'pfn_flags_mask', pme.pos) : undefined;
  const ie = m.get('input');
  const input = ie ? readPerPage(ctx, env, ie, 'input', at, pages) : [];
  const ste = m.get('sticky');
  const sticky = ste ? readPerPage(ctx, env, ste, 'sticky', at, pages) : [];
  const re = m.get('retry');
  const retry = re ? ctx.bool(re.value, 'retry', re.pos) : true;
  const rfe = m.get('refill');
  const refill = rfe ? ctx.bool(rfe.value, 'refill', rfe.pos) : false;
  if (rfe && refill && retry === false) {
    ctx.warn(rfe.pos, 'refill has no effect with retry: false (one call, nothing to restore the input words for)');
  }
  const due = m.get('during');
  const during = due ? readDuring(ctx, env, due, pages) : [];
  const ee = m.get('expect');
  const expect = ee ? readExpect(ctx, env, ee, pages) : undefined;
  if (ctx.errorCount > before || !at || pages === undefined || !mode || !input || !sticky || retry === undefined || refill === undefined || !during
    || (dfe && !defaultFlags) || (pme && !pfnFlagsMask) || (ee && !expect)) return undefined;
  return { op: 'walk', pos, name, ...(device !== undefined ? { device } : {}), at, pages, mode,
    ...(defaultFlags ? { defaultFlags } : {}), ...(pfnFlagsMask ? { pfnFlagsMask } : {}),
    input, sticky, retry, refill, during, ...(expect ? { expect } : {}) };
}

/**
 * Steps that change the address space (mmap, munmap, mprotect, read, write, fork, madvise, migrate, exclusive,
 * set). Each step is a map with a single key, the operation. Walks are in ./parse-walk.ts.
 */
import { isMap, isScalar } from 'yaml';
import type { AddressExpr, FileSystemKind, HugePageSize, MmapFlags, Prot, PteStateSpec, SourcePos, Step } from './ast';
import { checkRangeEnd, NAME_RE, readAddress } from './address';
import { limitMessage } from './limits';
import { clip, scalarText, type Entry, type ParseCtx, type YNode } from './parse-ctx';
import type { ScenarioEnv } from './parse-env';
import { HUGE_PAGE_SIZES, hugetlbFor } from '../mm/hugetlb';
import { didYouMean } from './suggest';

export const PROTS: readonly Prot[] = ['none', 'r', 'rw', 'rx', 'rwx'];
export const FILE_SYSTEMS: readonly FileSystemKind[] = ['tmpfs', 'ext4', 'xfs', 'btrfs'];
export const MMAP_FLAGS = ['private', 'shared', 'anonymous', 'file', 'hugetlb', 'pfnmap', 'io', 'mixedmap', 'populate'] as const;
export const HUGE_PAGES = HUGE_PAGE_SIZES;
export const ADVICES = ['hugepage', 'nohugepage', 'dontneed', 'pageout', 'hwpoison'] as const;
export const PTE_STATES = ['none', 'zero', 'present', 'swap', 'migration', 'device_private', 'device_exclusive',
  'hwpoison', 'protnone', 'special', 'marker'] as const;
export const MARKER_KINDS = ['guard', 'uffd_wp', 'poisoned'] as const;
export const STEP_OPS = ['mmap', 'munmap', 'mprotect', 'read', 'write', 'fork', 'madvise', 'migrate', 'exclusive',
  'set', 'walk'] as const;
export type StepOp = typeof STEP_OPS[number];

/** Fields of each step (walk fields are in parse-walk.ts). */
export const STEP_FIELDS: Record<Exclude<StepOp, 'walk'>, readonly string[]> = {
  mmap: ['name', 'at', 'pages', 'prot', 'flags', 'huge_page', 'fs'],
  munmap: ['at', 'pages'],
  mprotect: ['at', 'pages', 'prot'],
  read: ['at', 'pages'],
  write: ['at', 'pages'],
  fork: [],
  madvise: ['at', 'pages', 'advice'],
  migrate: ['at', 'pages', 'to'],
  exclusive: ['at', 'pages', 'device'],
  set: ['at', 'pages', 'pte'],
};

/** Splits a step item into its operation and body; reports items that are not a single-key map. */
export function stepHead(ctx: ParseCtx, item: YNode, where: string): { op: StepOp; body: YNode; pos: SourcePos; keyPos: SourcePos } | undefined {
  const n = ctx.resolve(item);
  const pos = ctx.pos(n);
  if (n && isScalar(n) && n.value === 'fork') return { op: 'fork', body: null, pos, keyPos: pos };
  if (!n || !isMap(n)) {
    ctx.error(pos, `${where} must be a map with one key, the operation (${STEP_OPS.join(', ')}); got ${ctx.describe(n)}`);
    return undefined;
  }
  if (n.items.length === 0) {
    ctx.error(pos, `${where} is empty; expected one of ${STEP_OPS.join(', ')}`);
    return undefined;
  }
  const keys = n.items.map((p) => ctx.resolve(p.key as YNode));
  const names = keys.map((k) => (k && isScalar(k) ? scalarText(k) : '?'));
  const ops = names.filter((k) => (STEP_OPS as readonly string[]).includes(k));
  if (n.items.length > 1) {
    const stray = names.filter((k) => !(STEP_OPS as readonly string[]).includes(k));
    const hint = ops.length === 1 && stray.length > 0
      ? `; ${stray.join(', ')} look like fields of ${ops[0]}: indent them under "${ops[0]}:"` : '';
    ctx.error(ctx.pos(keys[1] ?? n), `${where} has ${n.items.length} keys (${names.join(', ')}); a step is a map with a single key, the operation${hint}`);
    return undefined;
  }
  const k = keys[0];
  const op = names[0];
  if (!(STEP_OPS as readonly string[]).includes(op)) {
    ctx.error(ctx.pos(k), `unknown step "${clip(op)}"; expected ${STEP_OPS.join(', ')}${didYouMean(op, STEP_OPS)}`);
    return undefined;
  }
  return { op: op as StepOp, body: n.items[0].value as YNode, pos: ctx.pos(n.items[0]), keyPos: ctx.pos(k) };
}

/** `prot`: one of PROTS; a write-only protection gets its own explanation. */
export function readProt(ctx: ParseCtx, e: Entry): Prot | undefined {
  const n = ctx.resolve(e.value);
  const text = n && isScalar(n) ? scalarText(n) : undefined;
  if (text === 'w' || text === 'wx') {
    ctx.error(ctx.pos(n, e.pos), `prot "${text}": there is no write-only protection here (on x86-64 PROT_WRITE implies PROT_READ, and hmm_range_fault() treats a VMA without VM_READ as unmirrorable); use ${text === 'w' ? 'rw' : 'rwx'}`);
    return undefined;
  }
  return ctx.enumOf(e.value, 'prot', PROTS, e.pos);
}

/** `pages`: a whole number ≥ 1 within the step limit. */
export function readPages(ctx: ParseCtx, e: Entry | undefined, what: string): number | undefined {
  if (!e) return undefined;
  return ctx.int(e.value, what, 1, ctx.limits.maxStepPages, e.pos,
    { key: 'maxStepPages', message: (v) => limitMessage('maxStepPages', `${what} ${v}`, ctx.limits.maxStepPages, 'pages per step') });
}

function addr(ctx: ParseCtx, env: ScenarioEnv, m: Map<string, Entry>, op: string, pos: SourcePos, required: boolean): AddressExpr | undefined {
  const e = m.get('at');
  if (!e) {
    if (required) ctx.error(pos, `${op} needs "at": an address or a mapping name`);
    return undefined;
  }
  return readAddress(ctx, e.value, `${op} at`, env.pageSize, env.scope, e.pos);
}

function device(ctx: ParseCtx, env: ScenarioEnv, e: Entry | undefined, what: string, extra: readonly string[] = []): string | undefined {
  if (!e) return undefined;
  const s = ctx.string(e.value, what, e.pos);
  if (s === undefined) return undefined;
  const allowed = [...env.devices, ...extra];
  if (allowed.includes(s)) return s;
  const p = ctx.pos(ctx.resolve(e.value), e.pos);
  if (env.devices.length === 0) {
    ctx.error(p, `unknown device "${clip(s)}"; declare it at the top level: devices: [${clip(s)}]${extra.length ? ` (or use ${extra.join(', ')})` : ''}`);
  } else {
    ctx.error(p, `unknown device "${clip(s)}"; expected ${allowed.join(', ')}${didYouMean(s, allowed)}`);
  }
  return undefined;
}

function mmapFlags(ctx: ParseCtx, env: ScenarioEnv, m: Map<string, Entry>, pages: number | undefined, at: AddressExpr | undefined,
  pos: SourcePos): MmapFlags | undefined {
  const e = m.get('flags');
  const set = new Set<string>();
  let ok = true;
  if (e && !ctx.isNull(e.value)) {
    const n = ctx.resolve(e.value);
    const items: YNode[] = n && isScalar(n) && typeof n.value === 'string'
      ? [n] : (ctx.seq(n, 'mmap flags', e.pos) ?? []);
    for (const it of items) {
      const s = ctx.string(it, 'an mmap flag', e.pos);
      if (s === undefined) { ok = false; continue; }
      const p = ctx.pos(ctx.resolve(it), e.pos);
      for (const w of s.split(/[\s,|]+/).filter((x) => x)) {
        if (!(MMAP_FLAGS as readonly string[]).includes(w)) {
          ctx.error(p, `unknown mmap flag "${clip(w)}"; expected ${MMAP_FLAGS.join(', ')}${didYouMean(w, MMAP_FLAGS)}`);
          ok = false;
        } else set.add(w);
      }
    }
  }
  const fpos = e ? ctx.pos(ctx.resolve(e.value), e.pos) : pos;
  if (set.has('private') && set.has('shared')) { ctx.error(fpos, 'mmap flags private and shared exclude each other'); ok = false; }
  if (set.has('anonymous') && set.has('file')) { ctx.error(fpos, 'mmap flags anonymous and file exclude each other'); ok = false; }
  const special = ['pfnmap', 'io', 'mixedmap'].filter((f) => set.has(f));
  if (special.length > 0 && set.has('anonymous')) {
    ctx.error(fpos, `${special.join(', ')} VMAs come from a driver's mmap of a device file, not anonymous memory; use file`);
    ok = false;
  }
  if (special.length > 0 && set.has('hugetlb')) {
    ctx.error(fpos, `hugetlb cannot be combined with ${special.join(', ')}`);
    ok = false;
  }
  const hp = m.get('huge_page');
  let huge: HugePageSize | undefined;
  if (hp) {
    huge = ctx.enumOf(hp.value, 'huge_page', HUGE_PAGES, hp.pos);
    if (!set.has('hugetlb')) { ctx.error(hp.pos, 'huge_page needs the hugetlb flag (flags: [private, anonymous, hugetlb])'); ok = false; }
    if (huge === undefined) ok = false;
  } else if (set.has('hugetlb')) huge = '2M';
  const sized = huge ? hugetlbFor(env.pageSize, huge) : undefined;
  if (sized && 'error' in sized) {
    ctx.error(hp ? ctx.pos(ctx.resolve(hp.value), hp.pos) : fpos, sized.error);
    ok = false;
  } else if (huge && pages !== undefined) {
    const per = 2 ** (sized as { order: number }).order;
    if (pages % per !== 0) {
      ctx.error(ctx.pos(ctx.resolve(m.get('pages')?.value), pos), `a hugetlb mapping of ${huge} pages must be a multiple of ${per} pages (${huge} / ${env.pageSize}), got ${pages}`);
      ok = false;
    }
    if (at && at.kind === 'abs' && at.value % BigInt(per * env.pageSize) !== 0n) {
      ctx.error(at.pos, `a hugetlb mapping of ${huge} pages must start on a ${huge} boundary, 0x${at.value.toString(16)} is not`);
      ok = false;
    }
  }
  const fe = m.get('fs');
  let fs: FileSystemKind | undefined;
  if (fe) {
    fs = ctx.enumOf(fe.value, 'fs', FILE_SYSTEMS, fe.pos);
    if (fs === undefined) ok = false;
    else if (!set.has('file') || special.length > 0 || set.has('hugetlb')) {
      ctx.error(fe.pos, 'fs names the filesystem of a regular file mapping: it needs the file flag (flags: [shared, file]) and no hugetlb, pfnmap, io or mixedmap');
      ok = false;
    }
  }
  if (!ok) return undefined;
  const file = set.has('file') || (special.length > 0 && !set.has('anonymous'));
  return { shared: set.has('shared'), file, ...(huge ? { hugetlb: huge } : {}), pfnmap: set.has('pfnmap'),
    io: set.has('io'), mixedmap: set.has('mixedmap'), populate: set.has('populate'), ...(fs ? { fs } : {}) };
}

function pteState(ctx: ParseCtx, env: ScenarioEnv, e: Entry): PteStateSpec | undefined {
  const n = ctx.resolve(e.value);
  if (n && isScalar(n)) {
    const st = ctx.enumOf(n, 'pte state', PTE_STATES, e.pos);
    if (st === undefined) return undefined;
    switch (st) {
      case 'present': case 'migration': return { state: st, write: false };
      case 'device_private': case 'device_exclusive': case 'marker':
        ctx.error(ctx.pos(n), `pte state ${st} needs ${st === 'marker' ? 'kind' : 'device'}: write pte: { state: ${st}, ${st === 'marker' ? 'kind: guard' : `device: ${env.devices[0] ?? 'gpu0'}`} }`);
        return undefined;
      default: return { state: st };
    }
  }
  const m = ctx.map(n, 'pte', ['state', 'write', 'device', 'kind'], e.pos);
  if (!m) return undefined;
  const pos = ctx.pos(n, e.pos);
  const se = ctx.required(m, 'state', 'pte', pos);
  if (!se) return undefined;
  const st = ctx.enumOf(se.value, 'pte state', PTE_STATES, se.pos);
  if (st === undefined) return undefined;
  const fieldsFor: Record<typeof PTE_STATES[number], readonly string[]> = {
    none: [], zero: [], swap: [], hwpoison: [], protnone: [], special: [],
    present: ['write'], migration: ['write'], device_private: ['device', 'write'], device_exclusive: ['device'], marker: ['kind'],
  };
  let ok = true;
  for (const k of ['write', 'device', 'kind']) {
    const f = m.get(k);
    if (f && !fieldsFor[st].includes(k)) {
      ctx.error(f.pos, `pte state ${st} has no "${k}"${fieldsFor[st].length ? `; it takes ${fieldsFor[st].join(', ')}` : ''}`);
      ok = false;
    }
  }
  const we = m.get('write');
  const write = we ? ctx.bool(we.value, 'pte write', we.pos) : false;
  if (write === undefined) ok = false;
  if (!ok) return undefined;
  switch (st) {
    case 'present': case 'migration': return { state: st, write: write as boolean };
    case 'device_private': case 'device_exclusive': {
      const de = ctx.required(m, 'device', `pte state ${st}`, pos);
      const dev = device(ctx, env, de, 'pte device');
      if (dev === undefined) return undefined;
      return st === 'device_private' ? { state: st, device: dev, write: write as boolean } : { state: st, device: dev };
    }
    case 'marker': {
      const ke = ctx.required(m, 'kind', 'pte state marker', pos);
      const kind = ke ? ctx.enumOf(ke.value, 'marker kind', MARKER_KINDS, ke.pos) : undefined;
      return kind ? { state: 'marker', marker: kind } : undefined;
    }
    default: return { state: st };
  }
}

/** Parses one non-walk step (op and body from stepHead). Returns undefined after reporting errors. */
export function parseSpaceStep(ctx: ParseCtx, env: ScenarioEnv, op: Exclude<StepOp, 'walk'>, body: YNode, pos: SourcePos): Step | undefined {
  if (op === 'fork') {
    const n = ctx.resolve(body);
    if (!ctx.isNull(n) && !(n && isMap(n) && n.items.length === 0)) {
      ctx.error(ctx.pos(n, pos), `fork takes no fields; write "- fork: {}", got ${ctx.describe(n)}`);
      return undefined;
    }
    return { op: 'fork', pos };
  }
  const m = ctx.map(body, op, STEP_FIELDS[op], pos);
  if (!m) return undefined;
  const before = ctx.errorCount;
  switch (op) {
    case 'mmap': {
      const ne = m.get('name');
      let name: string | undefined;
      if (ne) {
        name = ctx.string(ne.value, 'mmap name', ne.pos);
        const np = ctx.pos(ctx.resolve(ne.value), ne.pos);
        if (name !== undefined && !NAME_RE.test(name)) {
          ctx.error(np, `mapping name "${clip(name)}" must start with a letter or _ and use letters, digits, _, . or - (it is used in addresses like ${'buf+3'})`);
          name = undefined;
        } else if (name !== undefined && env.scope.defined.has(name)) {
          ctx.error(np, `mapping name "${name}" is already used by the mmap step at line ${env.scope.defined.get(name)?.pos.line}; names must be unique`);
          name = undefined;
        } else if (name === 'system') {
          ctx.error(np, '"system" is reserved (migrate to: system); choose another mapping name');
          name = undefined;
        }
      }
      const at = addr(ctx, env, m, 'mmap', pos, false);
      const pages = readPages(ctx, ctx.required(m, 'pages', 'mmap', pos), 'mmap pages');
      const pe = ctx.required(m, 'prot', 'mmap', pos);
      const prot = pe ? readProt(ctx, pe) : undefined;
      const flags = mmapFlags(ctx, env, m, pages, at, pos);
      checkRangeEnd(ctx, at, pages, env.pageSize, 'mmap');
      env.counts.mappings++;
      if (env.counts.mappings === ctx.limits.maxMappings + 1) {
        ctx.error(pos, limitMessage('maxMappings', `mmap step number ${env.counts.mappings}`, ctx.limits.maxMappings, 'mappings (the kernel\'s default vm.max_map_count)'));
      }
      if (name !== undefined && pages !== undefined) env.scope.defined.set(name, { pages, pos });
      else if (name !== undefined) env.scope.invalid.set(name, pos);
      if (ctx.errorCount > before || pages === undefined || prot === undefined || !flags) return undefined;
      return { op, pos, ...(name !== undefined ? { name } : {}), ...(at ? { at } : {}), pages, prot, flags };
    }
    case 'munmap': case 'mprotect': case 'madvise': case 'migrate': case 'exclusive': case 'read': case 'write': case 'set': {
      const at = addr(ctx, env, m, op, pos, true);
      const optionalPages = op === 'read' || op === 'write' || op === 'set';
      const pe = optionalPages ? m.get('pages') : ctx.required(m, 'pages', op, pos);
      const pages = pe ? readPages(ctx, pe, `${op} pages`) : (optionalPages ? 1 : undefined);
      checkRangeEnd(ctx, at, pages, env.pageSize, op);
      let step: Step | undefined;
      if (at && pages !== undefined) {
        if (op === 'munmap' || op === 'read' || op === 'write') step = { op, pos, at, pages };
        else if (op === 'mprotect') {
          const prE = ctx.required(m, 'prot', 'mprotect', pos);
          const prot = prE ? readProt(ctx, prE) : undefined;
          if (prot) step = { op, pos, at, pages, prot };
        } else if (op === 'madvise') {
          const ae = ctx.required(m, 'advice', 'madvise', pos);
          const advice = ae ? ctx.enumOf(ae.value, 'advice', ADVICES, ae.pos) : undefined;
          if (advice) step = { op, pos, at, pages, advice };
        } else if (op === 'migrate') {
          const to = device(ctx, env, ctx.required(m, 'to', 'migrate', pos), 'migrate to', ['system']);
          if (to) step = { op, pos, at, pages, to };
        } else if (op === 'exclusive') {
          const dev = device(ctx, env, ctx.required(m, 'device', 'exclusive', pos), 'exclusive device');
          if (dev) step = { op, pos, at, pages, device: dev };
        } else {
          const te = ctx.required(m, 'pte', 'set', pos);
          const pte = te ? pteState(ctx, env, te) : undefined;
          if (pte) step = { op: 'set', pos, at, pages, pte };
        }
      } else {
        // still check the remaining fields so every error is reported at once
        if (op === 'mprotect' && m.get('prot')) readProt(ctx, m.get('prot')!);
        if (op === 'madvise' && m.get('advice')) ctx.enumOf(m.get('advice')?.value, 'advice', ADVICES, pos);
        if (op === 'migrate') device(ctx, env, ctx.required(m, 'to', 'migrate', pos), 'migrate to', ['system']);
        if (op === 'exclusive') device(ctx, env, ctx.required(m, 'device', 'exclusive', pos), 'exclusive device');
        if (op === 'set') { const te = ctx.required(m, 'pte', 'set', pos); if (te) pteState(ctx, env, te); }
      }
      return ctx.errorCount > before ? undefined : step;
    }
  }
}

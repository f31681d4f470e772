/**
 * Runtime validators for every protocol message. The host acts on a webview message only after
 * `validateWebviewMessage` accepted it; the webview checks host messages with `validateHostMessage`.
 * Each returns `{ ok: true, message }` or `{ ok: false, error }` with a sentence naming the bad field.
 */
import {
  CHUNK_ENTRIES, KERNEL_SOURCE_URL_RE, MAX_COPY_CHARS, MAX_ENTRIES,
  type DataMessage, type HostMessage, type LayoutDto, type TraceEventDto, type ViewDto, type VmaDto, type WalkDto,
  type WebviewMessage,
} from './messages';

export type Validated<T> = { ok: true; message: T } | { ok: false; error: string };

class Invalid extends Error {}

function fail(path: string, what: string): never {
  throw new Invalid(`${path}: ${what}`);
}

function obj(v: unknown, path: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'expected an object');
  return v as Record<string, unknown>;
}

function str(v: unknown, path: string, max = 4096): string {
  if (typeof v !== 'string') fail(path, 'expected a string');
  if (v.length > max) fail(path, `string longer than ${max} characters`);
  return v;
}

function optStr(v: unknown, path: string, max = 4096): string | undefined {
  return v === undefined ? undefined : str(v, path, max);
}

function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, 'expected an integer');
  if (v < min || v > max) fail(path, `expected ${min}..${max}, got ${v}`);
  return v;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'expected a boolean');
  return v;
}

const HEX_RE = /^0x[0-9a-f]{1,16}$/;
function hex(v: unknown, path: string): string {
  const s = str(v, path, 18);
  if (!HEX_RE.test(s)) fail(path, `expected a u64 as a lower-case hex string like 0x1f, got ${JSON.stringify(s)}`);
  return s;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(path, `expected one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function arr(v: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(v)) fail(path, 'expected an array');
  if (v.length > max) fail(path, `more than ${max} items`);
  return v;
}

function onlyKeys(o: Record<string, unknown>, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(path, `unexpected field "${k}"`);
}

const TRACE_KINDS = ['output', 'fault', 'restart', 'retry', 'error', 'notifier', 'during', 'info'] as const;

function traceEvent(v: unknown, path: string, pages: number): TraceEventDto {
  const o = obj(v, path);
  const first = int(o.first, `${path}.first`, 0, pages);
  const end = int(o.end, `${path}.end`, first, pages);
  return {
    attempt: int(o.attempt, `${path}.attempt`, 0, 1e9), fn: str(o.fn, `${path}.fn`, 200), first, end,
    state: str(o.state, `${path}.state`, 500), rule: str(o.rule, `${path}.rule`, 1000),
    why: str(o.why, `${path}.why`, 4000), kind: oneOf(o.kind, `${path}.kind`, TRACE_KINDS),
  };
}

function layout(v: unknown, path: string): LayoutDto {
  const o = obj(v, path);
  const flags = arr(o.flags, `${path}.flags`, 64).map((f, i) => {
    const fo = obj(f, `${path}.flags[${i}]`);
    return {
      name: str(fo.name, `${path}.flags[${i}].name`, 64), mask: hex(fo.mask, `${path}.flags[${i}].mask`),
      direction: oneOf(fo.direction, `${path}.flags[${i}].direction`, ['out', 'in', 'inout', 'req+out'] as const),
      inputAlias: optStr(fo.inputAlias, `${path}.flags[${i}].inputAlias`, 64), doc: str(fo.doc, `${path}.flags[${i}].doc`),
    };
  });
  let values: LayoutDto['values'];
  if (o.values !== undefined) {
    const vo = obj(o.values, `${path}.values`);
    values = { ERROR: hex(vo.ERROR, `${path}.values.ERROR`), NONE: hex(vo.NONE, `${path}.values.NONE`),
      SPECIAL: vo.SPECIAL === undefined ? undefined : hex(vo.SPECIAL, `${path}.values.SPECIAL`) };
  }
  let order: LayoutDto['order'];
  if (o.order !== undefined) {
    const oo = obj(o.order, `${path}.order`);
    order = { shift: int(oo.shift, `${path}.order.shift`, 0, 63), bits: int(oo.bits, `${path}.order.bits`, 1, 8) };
  }
  let profile: LayoutDto['profile'];
  if (o.profile !== undefined) {
    const po = obj(o.profile, `${path}.profile`);
    profile = { name: str(po.name, `${path}.profile.name`, 100),
      source: oneOf(po.source, `${path}.profile.source`, ['builtin', 'custom', 'default'] as const), doc: str(po.doc, `${path}.profile.doc`) };
  }
  const since = optStr(o.since, `${path}.since`, 32);
  const until = optStr(o.until, `${path}.until`, 32);
  const proposal = optStr(o.proposal, `${path}.proposal`);
  return {
    id: str(o.id, `${path}.id`, 100), title: str(o.title, `${path}.title`, 500),
    era: oneOf(o.era, `${path}.era`, ['legacy', 'modern'] as const), flags, values,
    pfnShift: int(o.pfnShift, `${path}.pfnShift`, 0, 63), pfnMask: hex(o.pfnMask, `${path}.pfnMask`), order,
    inoutMask: hex(o.inoutMask, `${path}.inoutMask`), flagsMask: hex(o.flagsMask, `${path}.flagsMask`),
    ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}),
    ...(proposal !== undefined ? { proposal } : {}), ...(profile ? { profile } : {}),
  };
}

const PROT_RE = /^[r-][w-][x-]$/;
const VM_FLAG_RE = /^VM_[A-Z0-9_]+$/;

/** VMAs: hex bounds with start < end, in address order without overlap; prot like `rw-`; flags VM_*. */
function vmas(v: unknown, path: string): VmaDto[] {
  let prevEnd = -1n;
  return arr(v, path, 1e5).map((m, i) => {
    const p = `${path}[${i}]`;
    const mo = obj(m, p);
    onlyKeys(mo, p, ['start', 'end', 'prot', 'flags', 'backing', 'name']);
    const start = hex(mo.start, `${p}.start`);
    const end = hex(mo.end, `${p}.end`);
    if (BigInt(end) <= BigInt(start)) fail(`${p}.end`, `expected an address above start ${start}, got ${end}`);
    if (BigInt(start) < prevEnd) fail(`${p}.start`, 'VMAs must be in address order without overlap');
    prevEnd = BigInt(end);
    const prot = str(mo.prot, `${p}.prot`, 3);
    if (!PROT_RE.test(prot)) fail(`${p}.prot`, `expected r/-, w/-, x/- like "rw-", got ${JSON.stringify(prot)}`);
    const flags = arr(mo.flags, `${p}.flags`, 64).map((f, j) => {
      const s = str(f, `${p}.flags[${j}]`, 64);
      if (!VM_FLAG_RE.test(s)) fail(`${p}.flags[${j}]`, `expected a VM_* flag name, got ${JSON.stringify(s)}`);
      return s;
    });
    const name = optStr(mo.name, `${p}.name`, 1000);
    return { start, end, prot, flags, backing: str(mo.backing, `${p}.backing`, 200), ...(name !== undefined ? { name } : {}) };
  });
}

function walk(v: unknown, path: string): WalkDto {
  const o = obj(v, path);
  const pages = int(o.pages, `${path}.pages`, 0, MAX_ENTRIES);
  let expect: WalkDto['expect'];
  if (o.expect !== undefined) {
    const e = obj(o.expect, `${path}.expect`);
    expect = {
      ok: bool(e.ok, `${path}.expect.ok`), retOk: bool(e.retOk, `${path}.expect.retOk`),
      mismatches: arr(e.mismatches, `${path}.expect.mismatches`, 1e6).map((m, i) => {
        const p = `${path}.expect.mismatches[${i}]`;
        const mo = obj(m, p);
        return {
          index: int(mo.index, `${p}.index`, 0, MAX_ENTRIES), address: hex(mo.address, `${p}.address`),
          expected: str(mo.expected, `${p}.expected`), actual: str(mo.actual, `${p}.actual`),
          actualDecoded: str(mo.actualDecoded, `${p}.actualDecoded`), line: int(mo.line, `${p}.line`, 0, 1e9),
          col: int(mo.col, `${p}.col`, 0, 1e9), message: str(mo.message, `${p}.message`),
        };
      }),
    };
  }
  return {
    name: str(o.name, `${path}.name`, 1000), line: int(o.line, `${path}.line`, 0, 1e9), col: int(o.col, `${path}.col`, 0, 1e9),
    start: o.start === null ? null : hex(o.start, `${path}.start`), pages,
    pageSize: int(o.pageSize, `${path}.pageSize`, 1, 1 << 30), ret: int(o.ret, `${path}.ret`, -4096, 4096),
    attempts: int(o.attempts, `${path}.attempts`, 0, 1e9), layoutId: str(o.layoutId, `${path}.layoutId`, 100),
    trace: arr(o.trace, `${path}.trace`, 1e7).map((t, i) => traceEvent(t, `${path}.trace[${i}]`, pages)),
    expect, ...(o.stale !== undefined ? { stale: bool(o.stale, `${path}.stale`) } : {}), hasInput: bool(o.hasInput, `${path}.hasInput`),
    vmas: vmas(o.vmas, `${path}.vmas`),
  };
}

function view(v: unknown, path: string): ViewDto {
  const o = obj(v, path);
  const kind = oneOf(o.kind, `${path}.kind`, ['result', 'values', 'compare'] as const);
  const walks = arr(o.walks, `${path}.walks`, 10000).map((w, i) => walk(w, `${path}.walks[${i}]`));
  const layouts = arr(o.layouts, `${path}.layouts`, 100).map((l, i) => layout(l, `${path}.layouts[${i}]`));
  for (const [i, w] of walks.entries()) {
    if (!layouts.some((l) => l.id === w.layoutId)) fail(`${path}.walks[${i}].layoutId`, `layout "${w.layoutId}" not in layouts`);
  }
  if (kind === 'compare' && walks.length !== 2) fail(`${path}.walks`, 'a compare view needs exactly 2 walks');
  let kernelCompare: ViewDto['kernelCompare'];
  if (o.kernelCompare !== undefined) {
    if (kind !== 'compare') fail(`${path}.kernelCompare`, 'only a compare view compares with a kernel');
    const kc = obj(o.kernelCompare, `${path}.kernelCompare`);
    const pages = walks[0].pages;
    kernelCompare = {
      differing: arr(kc.differing, `${path}.kernelCompare.differing`, MAX_ENTRIES).map((x, i) => int(x, `${path}.kernelCompare.differing[${i}]`, 0, Math.max(0, pages - 1))),
      total: int(kc.total, `${path}.kernelCompare.total`, 0, MAX_ENTRIES),
      status: oneOf(kc.status, `${path}.kernelCompare.status`, ['agree', 'disagree'] as const),
      notes: arr(kc.notes, `${path}.kernelCompare.notes`, 100).map((x, i) => str(x, `${path}.kernelCompare.notes[${i}]`, 4000)),
    };
  }
  return {
    ...(kernelCompare ? { kernelCompare } : {}),
    kind, title: str(o.title, `${path}.title`, 2000), file: optStr(o.file, `${path}.file`), kernel: optStr(o.kernel, `${path}.kernel`, 100),
    walks, walkIndex: int(o.walkIndex, `${path}.walkIndex`, 0, Math.max(0, walks.length - 1)), layouts,
    diagnostics: arr(o.diagnostics, `${path}.diagnostics`, 10000).map((d, i) => {
      const p = `${path}.diagnostics[${i}]`;
      const dd = obj(d, p);
      return { line: int(dd.line, `${p}.line`, 0, 1e9), col: int(dd.col, `${p}.col`, 0, 1e9),
        severity: oneOf(dd.severity, `${p}.severity`, ['error', 'warning'] as const), message: str(dd.message, `${p}.message`) };
    }),
  };
}

function data(o: Record<string, unknown>): DataMessage {
  onlyKeys(o, 'data', ['type', 'session', 'walk', 'array', 'offset', 'total', 'buffer']);
  const total = int(o.total, 'data.total', 0, MAX_ENTRIES);
  const offset = int(o.offset, 'data.offset', 0, total);
  if (!(o.buffer instanceof ArrayBuffer)) fail('data.buffer', 'expected an ArrayBuffer');
  const bytes = o.buffer.byteLength;
  if (bytes % 8 !== 0) fail('data.buffer', `byte length ${bytes} is not a multiple of 8`);
  if (bytes / 8 > CHUNK_ENTRIES) fail('data.buffer', `more than ${CHUNK_ENTRIES} entries in one chunk`);
  if (offset + bytes / 8 > total) fail('data.buffer', 'chunk runs past the array end');
  return { type: 'data', session: int(o.session, 'data.session', 0, Number.MAX_SAFE_INTEGER),
    walk: int(o.walk, 'data.walk', 0, 9999), array: oneOf(o.array, 'data.array', ['input', 'pfns'] as const),
    offset, total, buffer: o.buffer };
}

function guard<T>(f: () => T): Validated<T> {
  try {
    return { ok: true, message: f() };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    return { ok: false, error: `malformed message: ${String(e)}` };
  }
}

/** Validate a message that arrived from the webview (untrusted). */
export function validateWebviewMessage(v: unknown): Validated<WebviewMessage> {
  return guard(() => {
    const o = obj(v, 'message');
    const type = oneOf(o.type, 'message.type', ['ready', 'select', 'copy', 'openSource', 'error', 'painted', 'openExternal'] as const);
    switch (type) {
      case 'ready':
        onlyKeys(o, 'ready', ['type']);
        return { type };
      case 'select': {
        onlyKeys(o, 'select', ['type', 'walkIndex', 'first', 'end']);
        const first = int(o.first, 'select.first', 0, MAX_ENTRIES);
        return { type, walkIndex: int(o.walkIndex, 'select.walkIndex', 0, 9999), first,
          end: int(o.end, 'select.end', first, MAX_ENTRIES) };
      }
      case 'copy':
        onlyKeys(o, 'copy', ['type', 'format', 'text']);
        return { type, format: oneOf(o.format, 'copy.format', ['hex', 'c', 'markdown'] as const),
          text: str(o.text, 'copy.text', MAX_COPY_CHARS) };
      case 'openSource':
        onlyKeys(o, 'openSource', ['type', 'line', 'col']);
        return { type, line: int(o.line, 'openSource.line', 1, 1e9), col: int(o.col, 'openSource.col', 1, 1e9) };
      case 'error':
        onlyKeys(o, 'error', ['type', 'message']);
        return { type, message: str(o.message, 'error.message', 10000) };
      case 'painted': {
        onlyKeys(o, 'painted', ['type', 'session', 'ms']);
        if (typeof o.ms !== 'number' || !Number.isFinite(o.ms) || o.ms < 0) fail('painted.ms', 'expected a finite number >= 0');
        return { type, session: int(o.session, 'painted.session', -1, Number.MAX_SAFE_INTEGER), ms: o.ms };
      }
      case 'openExternal': {
        onlyKeys(o, 'openExternal', ['type', 'url']);
        const url = str(o.url, 'openExternal.url', 400);
        if (!KERNEL_SOURCE_URL_RE.test(url) || url.includes('..') || url.includes('//', 8)) {
          fail('openExternal.url', `only kernel source pages on https://elixir.bootlin.com/linux/ may be opened, got ${JSON.stringify(url.slice(0, 120))}`);
        }
        return { type, url };
      }
    }
  });
}

/** Validate a message that arrived from the host. */
export function validateHostMessage(v: unknown): Validated<HostMessage> {
  return guard((): HostMessage => {
    const o = obj(v, 'message');
    const type = oneOf(o.type, 'message.type', ['view', 'data', 'reveal', 'source'] as const);
    switch (type) {
      case 'view':
        return { type, session: int(o.session, 'view.session', 0, Number.MAX_SAFE_INTEGER), view: view(o.view, 'view.view') };
      case 'data':
        return data(o);
      case 'reveal':
        onlyKeys(o, 'reveal', ['type', 'walkIndex', 'pageIndex', 'detail']);
        return { type, walkIndex: int(o.walkIndex, 'reveal.walkIndex', 0, 9999),
          pageIndex: int(o.pageIndex, 'reveal.pageIndex', 0, MAX_ENTRIES), ...(o.detail !== undefined ? { detail: bool(o.detail, 'reveal.detail') } : {}) };
      case 'source': {
        onlyKeys(o, 'source', ['type', 'session', 'state', 'detail']);
        const detail = optStr(o.detail, 'source.detail', 1000);
        return { type, session: int(o.session, 'source.session', 0, Number.MAX_SAFE_INTEGER),
          state: oneOf(o.state, 'source.state', ['current', 'changed', 'invalid', 'deleted'] as const), ...(detail !== undefined ? { detail } : {}) };
      }
    }
  });
}

/** Exposed for the webview state restore path. */
export function validateView(v: unknown): Validated<ViewDto> {
  return guard(() => view(v, 'view'));
}

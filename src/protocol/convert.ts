/**
 * Turning core results into protocol DTOs and binary chunks (host side), and chunks back into arrays (webview side).
 * Pure: no vscode, no Node built-ins.
 */
import type { PfnLayout } from '../core/layouts/types';
import type { ScenarioResult, WalkResult, TraceEvent, VmaInfo } from '../core/scenario/result';
import {
  CHUNK_ENTRIES, type ArrayName, type DataMessage, type Hex, type KernelCompareDto, type LayoutDto, type VmaDto, type ViewDto, type ViewMessage,
  type WalkDto,
} from './messages';

export function toHex(v: bigint): Hex {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

export function fromHex(h: Hex): bigint {
  return BigInt(h);
}

export function layoutToDto(l: PfnLayout): LayoutDto {
  return {
    id: l.id, title: l.title, era: l.era,
    flags: l.flags.map((f) => ({ name: f.name, mask: toHex(f.mask), direction: f.direction,
      ...(f.inputAlias !== undefined ? { inputAlias: f.inputAlias } : {}), doc: f.doc })),
    ...(l.values ? { values: { ERROR: toHex(l.values.ERROR), NONE: toHex(l.values.NONE),
      ...(l.values.SPECIAL !== undefined ? { SPECIAL: toHex(l.values.SPECIAL) } : {}) } } : {}),
    pfnShift: l.pfnShift, pfnMask: toHex(l.pfnMask),
    ...(l.order ? { order: { shift: l.order.shift, bits: l.order.bits } } : {}),
    inoutMask: toHex(l.inoutMask), flagsMask: toHex(l.flagsMask),
    ...(l.since !== undefined ? { since: l.since } : {}), ...(l.until !== undefined ? { until: l.until } : {}),
    ...(l.proposal !== undefined ? { proposal: l.proposal } : {}),
    ...(l.profile ? { profile: { name: l.profile.name, source: l.profile.source, doc: l.profile.doc } } : {}),
  };
}

/**
 * The core's PfnLayout back from its DTO (the webview decodes with the core's decodePfn, so its problems are the
 * hover's and the CLI's).
 */
export function layoutFromDto(d: LayoutDto): PfnLayout {
  return {
    id: d.id, title: d.title, era: d.era,
    flags: d.flags.map((f) => ({ name: f.name, mask: fromHex(f.mask), direction: f.direction,
      ...(f.inputAlias !== undefined ? { inputAlias: f.inputAlias } : {}), doc: f.doc })),
    ...(d.values ? { values: { ERROR: fromHex(d.values.ERROR), NONE: fromHex(d.values.NONE),
      ...(d.values.SPECIAL !== undefined ? { SPECIAL: fromHex(d.values.SPECIAL) } : {}) } } : {}),
    pfnShift: d.pfnShift, pfnMask: fromHex(d.pfnMask), ...(d.order ? { order: { shift: d.order.shift, bits: d.order.bits } } : {}),
    inoutMask: fromHex(d.inoutMask), flagsMask: fromHex(d.flagsMask),
    ...(d.since !== undefined ? { since: d.since } : {}), ...(d.until !== undefined ? { until: d.until } : {}),
    ...(d.proposal !== undefined ? { proposal: d.proposal } : {}), ...(d.profile ? { profile: { ...d.profile } } : {}),
  };
}

/** The core's VmaInfo with bigints as hex and its `VM_READ|VM_WRITE` flag text as a list ('0' = no flag). */
export function vmaToDto(v: VmaInfo): VmaDto {
  return { start: toHex(v.start), end: toHex(v.end), prot: v.prot,
    flags: v.flags.split('|').map((f) => f.trim()).filter((f) => f !== '' && f !== '0'), backing: v.backing,
    ...(v.name !== undefined ? { name: v.name } : {}) };
}

function traceToDto(t: readonly TraceEvent[]): WalkDto['trace'] {
  return t.map((e) => ({ attempt: e.attempt, fn: e.fn, first: e.first, end: e.end, state: e.state, rule: e.rule,
    why: e.why, kind: e.kind }));
}

export function walkToDto(w: WalkResult): WalkDto {
  return {
    name: w.name, line: w.pos.line, col: w.pos.col, start: toHex(w.start), pages: w.pages, pageSize: w.pageSize,
    ret: w.ret, attempts: w.attempts, ...(w.stale ? { stale: true } : {}), layoutId: w.layoutId, trace: traceToDto(w.trace),
    ...(w.expect ? { expect: { ok: w.expect.ok, retOk: w.expect.retOk, mismatches: w.expect.mismatches.map((m) => ({
      index: m.index, address: toHex(m.address), expected: m.expected, actual: m.actual,
      actualDecoded: m.actualDecoded, line: m.pos.line, col: m.pos.col, message: m.message })) } } : {}),
    hasInput: w.input !== undefined, vmas: (w.vmas ?? []).map(vmaToDto),
  };
}

export function resultToView(r: ScenarioResult, walkIndex: number, layouts: readonly PfnLayout[]): ViewDto {
  return {
    kind: 'result', title: r.name ?? r.file, file: r.file, kernel: r.kernel, walks: r.walks.map(walkToDto),
    walkIndex: Math.max(0, Math.min(walkIndex, r.walks.length - 1)), layouts: layouts.map(layoutToDto),
    diagnostics: r.diagnostics.map((d) => ({ line: d.pos.line, col: d.pos.col, severity: d.severity, message: d.message })),
  };
}

export function compareToView(a: WalkResult, b: WalkResult, title: string, layouts: readonly PfnLayout[],
  kernelCompare?: KernelCompareDto): ViewDto {
  return { kind: 'compare', title, walks: [walkToDto(a), walkToDto(b)], walkIndex: 0,
    layouts: layouts.map(layoutToDto), diagnostics: [], ...(kernelCompare ? { kernelCompare } : {}) };
}

export function valuesToView(values: BigUint64Array, layout: PfnLayout, title: string, pageSize = 4096): ViewDto {
  return {
    kind: 'values', title, walks: [{ name: title, line: 0, col: 0, start: null, pages: values.length, pageSize,
      ret: 0, attempts: 0, layoutId: layout.id, trace: [], hasInput: false, vmas: [] }],
    walkIndex: 0, layouts: [layoutToDto(layout)], diagnostics: [],
  };
}

/**
 * Split an array into data messages, each a tight copy (never the backing buffer of a larger pool, which would
 * make the whole pool travel).
 */
export function* chunkArray(session: number, walk: number, array: ArrayName, values: BigUint64Array,
  chunkEntries = CHUNK_ENTRIES): Generator<DataMessage> {
  const total = values.length;
  if (total === 0) {
    yield { type: 'data', session, walk, array, offset: 0, total: 0, buffer: new ArrayBuffer(0) };
    return;
  }
  for (let offset = 0; offset < total; offset += chunkEntries) {
    const n = Math.min(chunkEntries, total - offset);
    const copy = new BigUint64Array(n);
    copy.set(values.subarray(offset, offset + n));
    yield { type: 'data', session, walk, array, offset, total, buffer: copy.buffer };
  }
}

/** Reassembles chunks; `complete` once every entry arrived. */
export class ArrayAssembler {
  readonly values: BigUint64Array;
  private received = 0;
  constructor(readonly total: number) {
    this.values = new BigUint64Array(total);
  }
  /** entries [0, contiguous) have arrived (chunks come in order; an out-of-order one waits in `pending`) */
  private contig = 0;
  private readonly pending = new Map<number, number>();
  add(offset: number, buffer: ArrayBuffer): void {
    const part = new BigUint64Array(buffer);
    if (offset + part.length > this.total) throw new Error(`chunk at ${offset} runs past ${this.total} entries`);
    this.values.set(part, offset);
    this.received += part.length;
    this.pending.set(offset, part.length);
    for (let n = this.pending.get(this.contig); n !== undefined; n = this.pending.get(this.contig)) {
      this.pending.delete(this.contig);
      this.contig += n;
      if (n === 0) break;
    }
  }
  /** how many entries from the start have arrived (the rows a first paint can show) */
  get contiguous(): number {
    return this.contig;
  }
  get complete(): boolean {
    return this.received >= this.total;
  }
  /** entries received so far */
  get receivedCount(): number {
    return this.received;
  }
}

/**
 * Every message that delivers a view: the view, then each walk's arrays in chunks (the current walk first, its output
 * before its input, so the inspector can paint its first rows before the rest arrives).
 */
export function* viewMessages(session: number, view: ViewDto,
  arrays: readonly { readonly input?: BigUint64Array; readonly pfns: BigUint64Array }[]): Generator<ViewMessage | DataMessage> {
  yield { type: 'view', session, view };
  const order = arrays.map((_, i) => i);
  if (view.kind !== 'compare' && view.walkIndex < order.length) {
    order.splice(view.walkIndex, 1);
    order.unshift(view.walkIndex);
  }
  for (const i of order) {
    // the output first: the inspector paints its first rows as soon as they arrive, the input follows
    const a = arrays[i];
    yield* chunkArray(session, i, 'pfns', a.pfns);
    if (a.input && view.walks[i]?.hasInput) yield* chunkArray(session, i, 'input', a.input);
  }
}

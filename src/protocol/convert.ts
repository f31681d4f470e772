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

export function valuesToView(values: BigUint64Array, layout: PfnLayout, title: string): ViewDto {
  return {
    kind: 'values', title, walks: [{ name: title, line: 0, col: 0, start: null, pages: values.length, pageSize: 4096,
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
  add(offset: number, buffer: ArrayBuffer): void {
    const part = new BigUint64Array(buffer);
    if (offset + part.length > this.total) throw new Error(`chunk at ${offset} runs past ${this.total} entries`);
    this.values.set(part, offset);
    this.received += part.length;
  }
  get complete(): boolean {
    return this.received >= this.total;
  }
}

/**
 * Every message that delivers a view: the view, then each walk's arrays in chunks (the current walk first, so the
 * inspector can paint before the other walks arrive).
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
    const a = arrays[i];
    if (a.input && view.walks[i]?.hasInput) yield* chunkArray(session, i, 'input', a.input);
    yield* chunkArray(session, i, 'pfns', a.pfns);
  }
}

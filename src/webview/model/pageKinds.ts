/**
 * Page states for the address-space map. The CPU state of a page comes from the trace (each event names the entry
 * state it saw over [first, end), e.g. 'pte:swap', 'pmd:thp-ro', 'pte:device-private:gpu0'); where the trace says
 * nothing, the state is read from the output word. Kinds are small integers so a 16M-page walk is a Uint8Array.
 */
import type { TraceEventDto } from '../../protocol/messages';
import type { FastLayout } from './fastLayout';

export const enum Kind {
  None = 0,
  PresentRO = 1,
  PresentRW = 2,
  Zero = 3,
  Thp = 4,
  Hugetlb = 5,
  Swap = 6,
  Migration = 7,
  Exclusive = 8,
  Hwpoison = 9,
  Special = 10,
  Error = 11,
  /** not written by the walk (past the point where it stopped) */
  NotWalked = 12,
  /** at this step: the walk has not looked at the page yet, and the trace does not say what it was before */
  NotSeen = 13,
  /** a huge mapping known only by the order in its word (THP, hugetlb or DAX: the word does not say which) */
  Huge = 14,
  /** the word has not arrived yet (a large result shown while it loads) */
  Loading = 15,
  /** a device-private page: DevicePrivate + device index (0..15) */
  DevicePrivate = 16,
}

export const KIND_COUNT = 32;

export const KIND_NAMES: Record<number, string> = {
  [Kind.None]: 'none', [Kind.PresentRO]: 'present RO', [Kind.PresentRW]: 'present RW', [Kind.Zero]: 'zero page',
  [Kind.Thp]: 'THP', [Kind.Hugetlb]: 'hugetlb', [Kind.Swap]: 'swap', [Kind.Migration]: 'migration',
  [Kind.Exclusive]: 'device-exclusive', [Kind.Hwpoison]: 'hwpoison', [Kind.Special]: 'special / pfnmap',
  [Kind.Error]: 'ERROR', [Kind.NotWalked]: 'not walked', [Kind.NotSeen]: 'not seen yet',
  [Kind.Huge]: 'huge mapping (order only)', [Kind.Loading]: 'loading…',
};

/** Kinds in legend / stacking order. */
export const KIND_ORDER: readonly number[] = [Kind.Error, Kind.Hwpoison, Kind.Special, Kind.Migration, Kind.Swap,
  Kind.Exclusive, Kind.Thp, Kind.Hugetlb, Kind.Huge, Kind.Zero, Kind.PresentRW, Kind.PresentRO, Kind.None, Kind.NotWalked,
  Kind.NotSeen, Kind.Loading];

export function kindName(k: number, devices: readonly string[]): string {
  if (k >= Kind.DevicePrivate) return `device-private (${devices[k - Kind.DevicePrivate] ?? `device ${k - Kind.DevicePrivate}`})`;
  return KIND_NAMES[k] ?? `kind ${k}`;
}

/** Registry of device names seen in a walk, each one a kind. */
export class Devices {
  readonly names: string[] = [];
  kindOf(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) {
      if (this.names.length >= 16) return Kind.DevicePrivate + 15;
      i = this.names.push(name) - 1;
    }
    return Kind.DevicePrivate + i;
  }
}

/**
 * The kind a trace state string names, or undefined when it names none (info events, 'vma:' tests of a normal VMA).
 * Accepts the runner's vocabulary loosely: level prefix ('pte:', 'pmd:', 'pud:', 'hugetlb:', 'hole:'), then words.
 */
export function classifyState(state: string, devices: Devices): number | undefined {
  const s = state.toLowerCase();
  if (/device[-_ ]?private/.test(s)) {
    // 'pte:device-private-rw(gpu0)', 'pte:device-private:gpu0', 'device_private@gpu1'
    const named = /\(([^()]+)\)/.exec(state)?.[1] ?? /device[-_ ]?private(?:[-_](?:rw|ro))?[:@=]([\w.-]+)/i.exec(state)?.[1];
    if (named) return devices.kindOf(named.trim());
    return devices.kindOf(/other|not[-_ ]owned|foreign/.test(s) ? 'other owner' : 'device');
  }
  if (s.startsWith('vma:')) return /vm_io|vm_pfnmap|no[-_ ]?vm_read|no[-_ ]?read/.test(s) ? Kind.Error : undefined;
  if (s.includes('hwpoison') || s.includes('poison')) return Kind.Hwpoison;
  if (s.includes('exclusive')) return Kind.Exclusive;
  if (s.includes('migration')) return Kind.Migration;
  if (s.includes('swap')) return Kind.Swap;
  if (/no[-_ ]?vma|vm_io|vm_pfnmap|no[-_ ]vm_read|bad[-_ ]?pmd|error/.test(s)) return Kind.Error;
  if (s.includes('special') || s.includes('pfnmap') || s.includes('pfn-map')) return Kind.Special;
  if (s.startsWith('hugetlb')) return s.includes('none') || s.includes('empty') ? Kind.None : Kind.Hugetlb;
  if (s.includes('zero')) return Kind.Zero;
  if (/thp|pmd:present|trans[-_ ]?huge|pud:present|pud:leaf|devmap/.test(s)) return Kind.Thp;
  if (/none|hole|empty|unpopulated|marker|guard|uffd/.test(s)) return Kind.None;
  if (/protnone|numa/.test(s)) return Kind.None;
  if (/present[-_ ]?rw|present[-_ ]?write|\brw\b|writable/.test(s)) return Kind.PresentRW;
  if (/present|\bro\b|read[-_ ]?only/.test(s)) return Kind.PresentRO;
  return undefined;
}

/** The kind an output word shows on its own (used where the trace names no state). */
export function kindOfOutput(layout: FastLayout, lo: number, hi: number, devices: Devices): number {
  const v = layout.value(lo, hi);
  if (v === 'ERROR') return Kind.Error;
  if (v === 'NONE') return Kind.None;
  if (v === 'SPECIAL') return Kind.Special;
  const bits = layout.flagBits(lo, hi);
  if (layout.errorBit >= 0 && bits & (1 << layout.errorBit)) return Kind.Error;
  if (layout.validBit < 0 || !(bits & (1 << layout.validBit))) return Kind.None;
  if (layout.devicePrivateBit >= 0 && bits & (1 << layout.devicePrivateBit)) return devices.kindOf('device');
  // an order says how big the CPU mapping is, never whether it is THP, hugetlb or DAX (orderMeaning lists them)
  if (layout.order(lo, hi) > 0) return Kind.Huge;
  return layout.writeBit >= 0 && bits & (1 << layout.writeBit) ? Kind.PresentRW : Kind.PresentRO;
}

/**
 * Kinds of every page after trace events [0, upTo) (all events when upTo is omitted): the output word's kind,
 * overridden by the last state a trace event names for the page.
 */
export function computeKinds(pages: number, words: Uint32Array | undefined, layout: FastLayout,
  trace: readonly TraceEventDto[], devices: Devices, upTo = trace.length, notWalkedFrom = pages, loadedUntil = pages): Uint8Array {
  const kinds = new Uint8Array(pages);
  const n = Math.min(upTo, trace.length);
  const cache = new Map<string, number | undefined>();
  const named = (e: TraceEventDto): number | undefined => {
    if (!cache.has(e.state)) cache.set(e.state, classifyState(e.state, devices));
    return cache.get(e.state);
  };
  if (words) {
    const limit = Math.min(pages, notWalkedFrom);
    // the kind depends on the flag and order bits only (and on whole-word legacy values): classify once per run of
    // equal masked words, so a run of pfns with the same flags costs one classification
    const mLo = layout.kindMaskLo;
    const mHi = layout.kindMaskHi;
    const values = layout.hasValues;
    let prevLo = -1;
    let prevHi = -1;
    let prevKind = 0;
    // pages whose kind a trace event names are overwritten below: read the words of the other pages only
    const covered: [number, number][] = [];
    for (let k = 0; k < n; k++) {
      const e = trace[k];
      if (e.end > e.first && named(e) !== undefined) covered.push([e.first, Math.min(e.end, limit)]);
    }
    covered.sort((a, b) => a[0] - b[0]);
    const gaps: [number, number][] = [];
    let at = 0;
    for (const [a, b] of covered) {
      if (a > at) gaps.push([at, Math.min(a, limit)]);
      at = Math.max(at, b);
      if (at >= limit) break;
    }
    if (at < limit) gaps.push([at, limit]);
    for (const [g0, g1] of gaps) if (g1 > loadedUntil) kinds.fill(Kind.Loading, Math.max(g0, loadedUntil), g1);
    for (const [g0, g1] of gaps) for (let i = g0; i < Math.min(g1, loadedUntil); i++) {
      const lo = words[2 * i];
      const hi = words[2 * i + 1];
      if (values && layout.value(lo, hi) !== undefined) {
        kinds[i] = kindOfOutput(layout, lo, hi, devices);
        prevLo = -1;
        continue;
      }
      const klo = lo & mLo;
      const khi = hi & mHi;
      if (klo !== prevLo || khi !== prevHi) {
        prevLo = klo;
        prevHi = khi;
        prevKind = kindOfOutput(layout, lo, hi, devices);
      }
      kinds[i] = prevKind;
    }
  }
  if (notWalkedFrom < pages) kinds.fill(Kind.NotWalked, notWalkedFrom);
  for (let i = 0; i < n; i++) {
    const e = trace[i];
    if (e.end <= e.first) continue;
    const k = named(e);
    if (k !== undefined) kinds.fill(k, e.first, Math.min(e.end, pages));
  }
  return kinds;
}

/**
 * Where the walk stopped writing: when ret != 0 the entries from `last` on still hold their inputs. Estimated as
 * the end of the last output event of the final attempt; pages when nothing tells.
 */
export function walkedUntil(ret: number, pages: number, trace: readonly TraceEventDto[]): number {
  if (ret === 0) return pages;
  let end = -1;
  let lastAttempt = 0;
  for (const e of trace) lastAttempt = Math.max(lastAttempt, e.attempt);
  for (const e of trace) if (e.kind === 'output' && e.attempt === lastAttempt) end = Math.max(end, e.end);
  return end < 0 ? pages : end;
}

/** How many pages of each kind (index = kind), counted run by run. */
export function kindCounts(kinds: Uint8Array): Uint32Array {
  const counts = new Uint32Array(KIND_COUNT);
  for (let i = 0; i < kinds.length; ) {
    const k = kinds[i];
    let j = i + 1;
    while (j < kinds.length && kinds[j] === k) j++;
    counts[k] += j - i;
    i = j;
  }
  return counts;
}

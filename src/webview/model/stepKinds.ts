/**
 * Page states as of a trace step: what the walk SAW at that point.
 *
 * Each trace event names the entry state it saw over [first, end) ('pte:device-private-rw(gpu1)', 'pmd:thp-ro' …).
 * At step k a page shows the state of the last event up to k that names one for it. A page the walk has not reached
 * yet shows its state before the walk: the first state the trace records for it — unless something changed the page
 * before the walk first looked at it (a fault of a range it lies in, an invalidation, a `during` step), in which case
 * that first record is the state after the change and the state before is not recorded: the page is "not seen yet".
 * After the last event the states are the final ones (the output word's kind where no event named a state).
 */
import type { TraceEventDto } from '../../protocol/messages';
import { classifyState, Kind, type Devices } from './pageKinds';

/** Whether event `e` can change page-table state: every page ('all'), its range ('range'), or none (false). */
export function changesPages(e: TraceEventDto): 'all' | 'range' | false {
  if (e.kind === 'during') return 'all';
  if (e.kind === 'notifier') return 'range';
  if (e.fn === 'handle_mm_fault' && (e.kind === 'fault' || e.kind === 'error')) return 'range';
  return false;
}

export class StepKinds {
  /** kind each event names for its range (undefined: it names none), classified once */
  private readonly named: (number | undefined)[];
  private beforeCache?: Uint8Array;
  /** the working array of the last `at()` and the step it holds (steps forward apply events to it in place) */
  private work?: Uint8Array;
  private workStep = -2;

  /**
   * @param finalKinds the kinds after every event (output kinds where no event names a state): the last step's
   *   states and the fallback for pages the trace never names
   */
  constructor(private readonly pages: number, private readonly trace: readonly TraceEventDto[], devices: Devices,
    private readonly finalKinds: () => Uint8Array, private readonly fallback: () => Uint8Array) {
    const cache = new Map<string, number | undefined>();
    this.named = trace.map((e) => {
      if (e.end <= e.first) return undefined;
      if (!cache.has(e.state)) cache.set(e.state, classifyState(e.state, devices));
      return cache.get(e.state);
    });
  }

  /** The kind event `k` names for its pages, if any. */
  namedKind(k: number): number | undefined {
    return this.named[k];
  }

  /** Page states before the walk (as far as the trace tells; Kind.NotSeen where it does not). */
  get before(): Uint8Array {
    if (this.beforeCache) return this.beforeCache;
    const n = this.pages;
    const out = this.fallback().slice();
    // 0 = nothing known yet, 1 = first state recorded, 2 = changed before the walk looked at it
    const seen = new Uint8Array(n);
    let unresolved = n;
    for (let k = 0; k < this.trace.length && unresolved > 0; k++) {
      const e = this.trace[k];
      const ch = changesPages(e);
      const a = Math.min(e.first, n);
      const b = Math.min(e.end, n);
      // what the event saw first, then what it changed
      const kind = this.named[k];
      if (kind !== undefined) {
        for (let i = a; i < b; i++) if (seen[i] === 0) { seen[i] = 1; out[i] = kind; unresolved--; }
      }
      if (ch === 'all') {
        for (let i = 0; i < n; i++) if (seen[i] === 0) { seen[i] = 2; unresolved--; }
      } else if (ch === 'range') {
        for (let i = a; i < b; i++) if (seen[i] === 0) { seen[i] = 2; unresolved--; }
      }
    }
    for (let i = 0; i < n; i++) if (seen[i] === 2) out[i] = Kind.NotSeen;
    this.beforeCache = out;
    return out;
  }

  /**
   * Page states after events 0..step (step -1: before the walk; the last step: the final states). The array returned
   * is owned by this object and valid until the next call.
   */
  at(step: number): Uint8Array {
    const last = this.trace.length - 1;
    if (step >= last) return this.finalKinds();
    const s = Math.max(-1, step);
    if (!this.work || s < this.workStep) {
      this.work = this.before.slice();
      this.workStep = -1;
    }
    const w = this.work;
    for (let k = this.workStep + 1; k <= s; k++) {
      const kind = this.named[k];
      const e = this.trace[k];
      if (kind !== undefined) w.fill(kind, Math.min(e.first, this.pages), Math.min(e.end, this.pages));
    }
    this.workStep = s;
    return w;
  }
}

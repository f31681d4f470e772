/**
 * The array as it was at a step of the trace, reconstructed honestly from what the result holds.
 *
 * The trace records which entries each 'output' event wrote ([first, end)) but not the values. The final array holds
 * the value of each entry's LAST write. So at step k an entry is:
 *  - 'input'      : no output event up to k wrote it: it still holds the driver's input word;
 *  - 'final'      : its last write up to k is also its last write overall: the value is the final one;
 *  - 'superseded' : it was written up to k, but rewritten later (after a restart or retry): that earlier value is not
 *                   recorded, the inspector says so instead of guessing.
 * After the last event every entry shows the final array (also entries no event recorded).
 */
import type { TraceEventDto } from '../../protocol/messages';

export const enum EntryStatus { Input = 0, Final = 1, Superseded = 2 }

/** For each entry the index of the last output event writing it; -1 when none. */
export function lastWriters(pages: number, trace: readonly TraceEventDto[]): Int32Array {
  const last = new Int32Array(pages).fill(-1);
  for (let k = 0; k < trace.length; k++) {
    const e = trace[k];
    if (e.kind === 'output' && e.end > e.first) last.fill(k, e.first, Math.min(e.end, pages));
  }
  return last;
}

/**
 * Status of entries [first, end) at step `step` (events 0..step applied; -1 = before the first event).
 * Costs O(events up to step + rows), so it is done for the visible rows only.
 */
export function statusAt(step: number, trace: readonly TraceEventDto[], last: Int32Array, first: number,
  end: number): Uint8Array {
  const n = Math.max(0, end - first);
  const out = new Uint8Array(n);
  if (step >= trace.length - 1) return out.fill(EntryStatus.Final);
  const writer = writersAt(step, trace, first, end);
  for (let j = 0; j < n; j++) {
    const w = writer[j];
    out[j] = w < 0 ? EntryStatus.Input : w === last[first + j] ? EntryStatus.Final : EntryStatus.Superseded;
  }
  return out;
}

/** For entries [first, end): the last output event up to `step` writing each (-1: none yet). */
export function writersAt(step: number, trace: readonly TraceEventDto[], first: number, end: number): Int32Array {
  const n = Math.max(0, end - first);
  const writer = new Int32Array(n).fill(-1);
  let left = n;
  for (let k = Math.min(step, trace.length - 1); k >= 0 && left > 0; k--) {
    const e = trace[k];
    if (e.kind !== 'output') continue;
    const s = Math.max(e.first, first);
    const t = Math.min(e.end, end);
    for (let i = s; i < t; i++) {
      if (writer[i - first] < 0) {
        writer[i - first] = k;
        left--;
      }
    }
  }
  return writer;
}

/** Counts over the whole array at a step: how many entries are written, final, superseded. */
export function progressAt(step: number, trace: readonly TraceEventDto[], last: Int32Array): { written: number; superseded: number } {
  const st = statusAt(step, trace, last, 0, last.length);
  let written = 0;
  let superseded = 0;
  for (const s of st) {
    if (s !== EntryStatus.Input) written++;
    if (s === EntryStatus.Superseded) superseded++;
  }
  return { written, superseded };
}

export interface StepMarker { readonly index: number; readonly kind: TraceEventDto['kind']; readonly attempt: number }

/** Events worth a marker on the timeline: faults, restarts, retries, errors, notifier bumps, during-steps. */
export function markers(trace: readonly TraceEventDto[]): StepMarker[] {
  const out: StepMarker[] = [];
  for (let k = 0; k < trace.length; k++) {
    const e = trace[k];
    if (e.kind !== 'output' && e.kind !== 'info') out.push({ index: k, kind: e.kind, attempt: e.attempt });
  }
  return out;
}

/** Next (dir=1) or previous (dir=-1) event from `from` whose kind is in `kinds`; -1 when none. */
export function findStep(trace: readonly TraceEventDto[], from: number, dir: 1 | -1,
  kinds: readonly TraceEventDto['kind'][]): number {
  for (let k = from + dir; k >= 0 && k < trace.length; k += dir) if (kinds.includes(trace[k].kind)) return k;
  return -1;
}

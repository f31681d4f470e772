/**
 * The words an output event stored, as a debugger's memory view shows them: runs of equal words or of consecutive
 * pfns with equal flags ("0xc000000000010000 … 0xc000000000010003, ×4, pfn +1").
 *
 * The trace records which entries an event wrote, not the values; the result holds each entry's LAST write. So a word
 * an event stored is:
 *  - 'exact'     : the event is the entry's last write: the final word;
 *  - 'unchanged' : rewritten later by an event of the same state and rule, and nothing that changes page tables
 *                  (a fault, an invalidation, a `during` step) touched the entry in between: the same page-table entry
 *                  read the same way, so the same word (the final one) — inferred, and marked so;
 *  - 'unknown'   : rewritten later after something changed: the value of this write is not recorded.
 */
import type { TraceEventDto } from '../../protocol/messages';
import { wordHex } from './fastLayout';
import { changesPages } from './stepKinds';

export type StoredStatus = 'exact' | 'unchanged' | 'unknown';

export interface StoredRun {
  readonly first: number;
  readonly count: number;
  readonly status: StoredStatus;
  /** the first word's halves (for 'unknown' runs: 0) */
  readonly lo: number;
  readonly hi: number;
  /** 0: every word equal; otherwise each next word is the previous + stride (in the low half: pfn + 1) */
  readonly stride: number;
}

/** Whether an output event after `k` writes any entry of [first, end) (else every word `k` stored is final). */
function rewrittenLater(k: number, trace: readonly TraceEventDto[], first: number, end: number): boolean {
  for (let j = k + 1; j < trace.length; j++) {
    const x = trace[j];
    if (x.kind === 'output' && x.first < end && x.end > first) return true;
  }
  return false;
}

/**
 * Status of the entries [from, to) event `k` wrote (0 exact, 1 unchanged, 2 unknown). `lastWriters` is asked for only
 * when a later output event overlaps the range (it is a whole-array index a 16M-entry first paint does without).
 */
export function storedStatus(k: number, trace: readonly TraceEventDto[], lastWriters: () => Int32Array,
  from = trace[k].first, to = trace[k].end): Uint8Array {
  const n = Math.max(0, to - from);
  const out = new Uint8Array(n); // 0 exact, 1 unchanged, 2 unknown
  if (!rewrittenLater(k, trace, from, to)) return out;
  const lw = lastWriters();
  const e = trace[k];
  for (let j = 0; j < n; ) {
    const f = lw[from + j];
    let m = j + 1;
    while (m < n && lw[from + m] === f) m++;
    if (f !== k) {
      const later = trace[f];
      const same = later !== undefined && later.state === e.state && later.rule === e.rule;
      out.fill(same ? 1 : 2, j, m);
      if (same) {
        // anything between the two writes that may have changed these entries makes them unknown
        for (let c = k + 1; c < f; c++) {
          const ch = changesPages(trace[c]);
          if (!ch) continue;
          const a = ch === 'all' ? from + j : Math.max(trace[c].first, from + j);
          const b = ch === 'all' ? from + m : Math.min(trace[c].end, from + m);
          if (b > a) out.fill(2, a - from, b - from);
        }
      }
    }
    j = m;
  }
  return out;
}

const STATUS: readonly StoredStatus[] = ['exact', 'unchanged', 'unknown'];
const BLOCK = 4096;

/**
 * The words event `k` stored, run-compressed (at most `maxRuns` runs; `truncated` says whether more followed).
 * `words` is the final array as u32 halves; `pfnStride` the low-half increment of one pfn (1 << pfnShift). Works
 * through the range a block at a time and stops at `maxRuns`, so a summary of an 8M-entry event is cheap.
 */
export function storedRuns(k: number, trace: readonly TraceEventDto[], lastWriters: () => Int32Array, words: Uint32Array,
  pfnStride: number, maxRuns = 64, loaded = words.length / 2): { runs: StoredRun[]; truncated: boolean } {
  const e = trace[k];
  if (!e || e.kind !== 'output' || e.end <= e.first) return { runs: [], truncated: false };
  const runs: StoredRun[] = [];
  // words that have not arrived yet (a large result still loading) are not summarised
  const end = Math.min(e.end, words.length / 2, loaded);
  let cur: { first: number; count: number; status: number; lo: number; hi: number; stride: number; plo: number } | undefined;
  const flush = () => {
    if (cur) runs.push({ first: cur.first, count: cur.count, status: STATUS[cur.status], lo: cur.status === 2 ? 0 : cur.lo,
      hi: cur.status === 2 ? 0 : cur.hi, stride: cur.count > 1 ? cur.stride : 0 });
    cur = undefined;
  };
  for (let b = e.first; b < end; b += BLOCK) {
    const be = Math.min(end, b + BLOCK);
    const st = storedStatus(k, trace, lastWriters, b, be);
    for (let i = b; i < be; i++) {
      const s = st[i - b];
      const lo = words[2 * i], hi = words[2 * i + 1];
      if (cur && cur.status === s) {
        if (s === 2) { cur.count++; continue; }
        if (hi === cur.hi) {
          const d = (lo - cur.plo) >>> 0;
          if (cur.count === 1 && (d === 0 || d === pfnStride)) { cur.stride = d; cur.count++; cur.plo = lo; continue; }
          if (cur.count > 1 && d === cur.stride) { cur.count++; cur.plo = lo; continue; }
        }
      }
      flush();
      if (runs.length === maxRuns) return { runs, truncated: true };
      cur = { first: i, count: 1, status: s, lo, hi, stride: 0, plo: lo };
    }
  }
  flush();
  return { runs, truncated: end < e.end };
}

/** One line per run: `#0–#3  0xc000000000010000 … 0xc000000000010003  ×4 pfn+1`. */
export function storedRunText(r: StoredRun, rule: string): string {
  const at = r.count > 1 ? `#${r.first}–#${r.first + r.count - 1}` : `#${r.first}`;
  if (r.status === 'unknown') return `${at}  ${rule.replace(/^store\s+/, '')}  (value not recorded: rewritten later after the page changed)`;
  const first = wordHex(r.lo, r.hi);
  let words: string;
  if (r.count === 1) words = first;
  else if (r.stride === 0) words = `${first} ×${r.count}`;
  else words = `${first} … ${wordHex((r.lo + r.stride * (r.count - 1)) >>> 0, r.hi)} ×${r.count} pfn+1`;
  return `${at}  ${words}${r.status === 'unchanged' ? '  (= final word: rewritten later, unchanged)' : ''}`;
}

/** A short summary for the trace grid's Stored column: the first run and how many more. */
export function storedSummary(runs: readonly StoredRun[], truncated: boolean): string {
  if (runs.length === 0) return '';
  const r = runs[0];
  const first = r.status === 'unknown' ? 'not recorded' : r.count === 1 ? wordHex(r.lo, r.hi)
    : r.stride === 0 ? `${wordHex(r.lo, r.hi)} ×${r.count}` : `${wordHex(r.lo, r.hi)}… ×${r.count} pfn+1`;
  const more = runs.length - 1;
  return more > 0 || truncated ? `${first} +${more}${truncated ? '+' : ''} run${more === 1 && !truncated ? '' : 's'}` : first;
}

/**
 * For entry `i` written by event `w` and finally by event `f` (> w): whether w stored the same word as f (the same
 * state read the same way, and nothing that changes page tables touched the entry in between).
 */
export function sameAsFinal(i: number, w: number, f: number, trace: readonly TraceEventDto[]): boolean {
  const a = trace[w], b = trace[f];
  if (!a || !b || a.state !== b.state || a.rule !== b.rule) return false;
  for (let c = w + 1; c < f; c++) {
    const ch = changesPages(trace[c]);
    if (ch === 'all' || (ch === 'range' && trace[c].first <= i && i < trace[c].end)) return false;
  }
  return true;
}

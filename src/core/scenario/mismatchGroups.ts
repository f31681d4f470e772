/**
 * A walk's expect mismatches grouped into runs of consecutive pages with the same difference (the same expected
 * entry and the same actual entry), each with the cause the walk trace gives for those pages: a 512-page mismatch is
 * one group ("pages 0–511: expected VALID WRITE dev=gpu0, got NONE — hmm_vma_handle_pte: device-private page of
 * gpu1, caller is gpu0: …"), not 512 messages. Pure: Test Explorer messages, CodeLens and the CLI can all use it.
 */
import type { TraceEvent, WalkMismatch, WalkResult } from './result';

export interface MismatchGroup {
  /** page index range [first, end) within the walk */
  readonly first: number;
  readonly end: number;
  /** address of the first page */
  readonly address: bigint;
  /** the entry as written and the word as an entry, the same for every page of the group */
  readonly expected: string;
  readonly actual: string;
  /** the decoded word of the group's first page */
  readonly actualDecoded: string;
  /** what differs (from the first page of the group) */
  readonly why: string;
  /** what the walk did at these pages, from its trace (`fn: why`), or undefined when the trace does not say */
  readonly cause?: string;
  /** the mismatches of the group, in page order */
  readonly mismatches: readonly WalkMismatch[];
}

export interface GroupedMismatches {
  readonly groups: readonly MismatchGroup[];
  /** mismatching pages in all (the listed ones and those past the list's limit) */
  readonly total: number;
  /** pages that mismatch past the listed ones (only the first 1000 pages are compared in detail) */
  readonly unlisted: number;
}

function whyOf(m: WalkMismatch): string {
  if (m.why !== undefined) return m.why;
  const at = m.message.lastIndexOf('): ');
  return at >= 0 ? m.message.slice(at + 3) : m.message;
}

/** The trace's explanation of pages [first, end): the output events of the last call that reached them. */
export function causeOf(trace: readonly TraceEvent[], first: number, end: number): string | undefined {
  const touching = trace.filter((t) => t.end > t.first && t.first < end && t.end > first);
  if (touching.length === 0) return undefined;
  const lastAttempt = Math.max(...touching.map((t) => t.attempt));
  const inLast = touching.filter((t) => t.attempt === lastAttempt);
  const rank = (t: TraceEvent) => (t.kind === 'output' ? 0 : t.kind === 'error' ? 1 : t.kind === 'fault' ? 2 : 3);
  const best = Math.min(...inLast.map(rank));
  const picked: string[] = [];
  for (const t of inLast.filter((x) => rank(x) === best)) {
    const text = `${t.fn}: ${t.why}`;
    if (!picked.includes(text)) picked.push(text);
    if (picked.length === 2) break;
  }
  const more = new Set(inLast.filter((x) => rank(x) === best).map((t) => `${t.fn}: ${t.why}`)).size - picked.length;
  return picked.join('; ') + (more > 0 ? ` (and ${more} more reason${more === 1 ? '' : 's'})` : '');
}

/** Groups `walk.expect.mismatches` (sorted by page) into runs of consecutive pages with the same difference. */
export function groupMismatches(walk: Pick<WalkResult, 'expect' | 'trace'>): GroupedMismatches {
  const ex = walk.expect;
  if (!ex) return { groups: [], total: 0, unlisted: 0 };
  const sorted = [...ex.mismatches].sort((a, b) => a.index - b.index);
  const groups: MismatchGroup[] = [];
  let run: WalkMismatch[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const head = run[0];
    const first = head.index;
    const end = run[run.length - 1].index + 1;
    groups.push({ first, end, address: head.address, expected: head.expected, actual: head.actual,
      actualDecoded: head.actualDecoded, why: whyOf(head), cause: causeOf(walk.trace, first, end), mismatches: run });
    run = [];
  };
  for (const m of sorted) {
    const prev = run[run.length - 1];
    if (prev && (m.index !== prev.index + 1 || m.expected !== prev.expected || m.actual !== prev.actual)) flush();
    run.push(m);
  }
  flush();
  const total = Math.max(ex.total ?? sorted.length, sorted.length);
  return { groups, total, unlisted: total - sorted.length };
}

/** `page 3` or `pages 0–511`. */
export function pagesText(first: number, end: number): string {
  return end - first === 1 ? `page ${first}` : `pages ${first}–${end - 1}`;
}

/** One line for a group: `pages 0–511 at 0x7f0000000000 (512 pages): expected X, got Y (what differs) — the walk: cause`. */
export function groupLine(g: MismatchGroup): string {
  const count = g.end - g.first;
  return `${pagesText(g.first, g.end)} at 0x${g.address.toString(16)}${count === 1 ? '' : ` (${count} pages)`}: `
    + `expected ${g.expected}, got ${g.actual} (${g.why})${g.cause ? ` — the walk: ${g.cause}` : ''}`;
}

/** `3 pages differ`, `1 page differs`. */
export function differText(pages: number): string {
  return pages === 1 ? '1 page differs' : `${pages.toLocaleString('en-US')} pages differ`;
}

/**
 * checkExpect: compares a walk's result with its `expect` block. `ret` is compared when written; every page is
 * compared with its expected entry: the exact set of flags (or the whole-word value on legacy layouts), the map
 * order on layouts that have one (default 0), and pfn= / zero / dev= only when written. Pages are first tested on
 * their raw words (./expect-fast.ts); only those that fail it are decoded and compared here.
 * `zero` means the shared 4 KiB zero page (pfnInfo.zeroPfn, ZERO_PFN in the simulator), as test_hmm's
 * dmirror_mkentry() marks only is_zero_pfn() pages: the huge zero page's pfns are not `zero`.
 */
import { decodePfn, formatDecoded, type DecodedPfn, type PfnLayout } from '../layouts';
import type { ExpectedEntry, WalkStep } from './ast';
import type { WalkMismatch, WalkResult } from './result';
import { forEachPageToCompare } from './expect-fast';

export interface PfnInfo {
  /** pfn of the shared zero page in the simulated machine */
  readonly zeroPfn: bigint;
  /** the device whose device-private memory holds `pfn`, if any */
  deviceOf(pfn: bigint): string | undefined;
}

/** Mismatches listed per walk; the last one listed says how many more pages mismatch. */
export const MAX_LISTED_MISMATCHES = 1000;

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** The flags a word shows for comparison: legacy whole-word values count as their name (NONE as no flag). */
function actualFlags(d: DecodedPfn): readonly string[] {
  if (d.value) return d.value === 'NONE' ? [] : [d.value];
  return d.flags;
}

function isLegacyValue(layout: PfnLayout, name: string): name is 'ERROR' | 'NONE' | 'SPECIAL' {
  return layout.era === 'legacy' && layout.values !== undefined
    && (name === 'ERROR' || name === 'NONE' || name === 'SPECIAL') && layout.values[name] !== undefined;
}

/** The word written as an expected entry (`VALID WRITE order=9 dev=gpu0`), to compare with what the file says. */
export function entryTextOf(d: DecodedPfn, info: PfnInfo, withPfn = false): string {
  const flags = actualFlags(d);
  const parts = flags.length > 0 ? [...flags] : ['NONE'];
  if (d.value) return parts.join(' ');
  if (d.layout.order && d.order !== 0) parts.push(`order=${d.order}`);
  if (withPfn) parts.push(`pfn=${hex(d.pfn)}`);
  if (d.flags.includes('VALID')) {
    const dev = info.deviceOf(d.pfn);
    if (dev !== undefined) parts.push(`dev=${dev}`);
    else if (d.pfn === info.zeroPfn) parts.push('zero');
  }
  return parts.join(' ');
}

/** Why one page does not match its entry; empty when it matches. */
export function compareEntry(e: ExpectedEntry, raw: bigint, d: DecodedPfn, layout: PfnLayout, info: PfnInfo): string[] {
  const why: string[] = [];
  const values = e.flags.filter((f) => isLegacyValue(layout, f));
  if (layout.era === 'legacy' && layout.values && (values.length > 0 || e.flags.length === 0)) {
    const name = values.length > 0 ? values[0] : 'NONE';
    const want = layout.values[name as 'ERROR' | 'NONE' | 'SPECIAL'] as bigint;
    if (raw !== want) why.push(`expected the whole word ${name} = ${hex(want)}, got ${hex(raw)}`);
  } else {
    const got = actualFlags(d);
    const missing = e.flags.filter((f) => !got.includes(f));
    const extra = got.filter((f) => !e.flags.includes(f));
    if (missing.length > 0) why.push(`${missing.join(' ')} missing`);
    if (extra.length > 0) why.push(`${extra.join(' ')} not expected`);
  }
  if (layout.order) {
    const want = e.order ?? 0;
    if (d.order !== want) why.push(`order ${d.order}, expected ${want}`);
  }
  if (e.pfn !== undefined && d.pfn !== e.pfn) why.push(`pfn ${hex(d.pfn)}, expected ${hex(e.pfn)}`);
  if (e.zero && d.pfn !== info.zeroPfn) why.push(`pfn ${hex(d.pfn)} is not the zero page (${hex(info.zeroPfn)})`);
  if (e.dev !== undefined) {
    const owner = info.deviceOf(d.pfn);
    if (owner !== e.dev) {
      why.push(`pfn ${hex(d.pfn)} is ${owner !== undefined ? `device-private memory of ${owner}` : 'not device-private memory'}, expected ${e.dev}'s`);
    }
  }
  return why;
}

export function checkExpect(walk: WalkStep, ret: number, pfns: BigUint64Array, start: bigint, pageSize: number,
  layout: PfnLayout, pfnInfo: PfnInfo): WalkResult['expect'] {
  const ex = walk.expect;
  if (!ex) return undefined;
  const retOk = ex.ret === undefined || ex.ret === ret;
  const mismatches: WalkMismatch[] = [];
  let more = 0;
  if (ex.pfns) {
    const entries = ex.pfns;
    const visit = (i: number, sure: boolean): void => {
      // a page the raw-word test says certainly mismatches needs no decode once the list is full
      if (sure && mismatches.length >= MAX_LISTED_MISMATCHES) { more++; return; }
      const e = entries[i];
      const address = start + BigInt(i) * BigInt(pageSize);
      if (e === undefined || i >= pfns.length) {
        // cannot happen for parsed scenarios (one entry per page); reported rather than thrown
        const pos = e?.pos ?? ex.pos;
        if (mismatches.length < MAX_LISTED_MISMATCHES) {
          const why = `the walk has ${pfns.length} pages and expect lists ${entries.length} entries`;
          mismatches.push({ index: i, address, expected: e?.text ?? '(no entry)', actual: i < pfns.length ? hex(pfns[i]) : '(no word)',
            actualDecoded: '', pos, message: `page ${i} at ${hex(address)}: ${why}`, why });
        } else more++;
        return;
      }
      const raw = pfns[i];
      const d = decodePfn(raw, layout, pageSize);
      const why = compareEntry(e, raw, d, layout, pfnInfo);
      if (why.length === 0) return;
      if (mismatches.length >= MAX_LISTED_MISMATCHES) { more++; return; }
      const actual = entryTextOf(d, pfnInfo, e.pfn !== undefined);
      const actualDecoded = formatDecoded(d);
      mismatches.push({ index: i, address, expected: e.text, actual, actualDecoded, pos: e.pos,
        message: `page ${i} at ${hex(address)}: expected ${e.text}, got ${actual} (${actualDecoded}): ${why.join('; ')}`, why: why.join('; ') });
    };
    // pages that pass their entry's mask/value test on the raw word match (./expect-fast.ts); the rest, and any
    // page beyond the shorter of the two arrays, are compared exactly
    forEachPageToCompare(entries, pfns, layout, pfnInfo, visit);
    for (let i = Math.min(entries.length, pfns.length); i < Math.max(entries.length, pfns.length); i++) visit(i, false);
  }
  if (more > 0) {
    const last = mismatches[mismatches.length - 1];
    mismatches[mismatches.length - 1] = { ...last,
      message: `${last.message}; ${more} more page${more === 1 ? '' : 's'} mismatch (only the first ${MAX_LISTED_MISMATCHES} are listed)` };
  }
  return { ok: retOk && mismatches.length === 0, retOk, mismatches, ...(more > 0 ? { total: mismatches.length + more } : {}) };
}

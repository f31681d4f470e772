/**
 * Group a pfn array into runs of equal decoded state (flags + order, or legacy value) for the tree. Linear, one u32
 * per entry (the core's bulk decoder), so a 16M-page walk groups in well under a second. No vscode import.
 */
import { bulkCodeFlags, bulkCodeOrder, decodeFlagsBulk } from '../../core/layouts/bulk';
import type { PfnLayout } from '../../core/layouts/types';

export interface PfnRun {
  /** first page index and count */
  readonly first: number;
  readonly count: number;
  readonly flags: readonly string[];
  readonly order: number;
}

/** Runs of equal state; at most `maxRuns` (the last one then says how many entries it stands for). */
export function pfnRuns(pfns: BigUint64Array, layout: PfnLayout, maxRuns = 100_000): PfnRun[] {
  const codes = decodeFlagsBulk(pfns, layout);
  const out: PfnRun[] = [];
  let i = 0;
  const n = codes.length;
  while (i < n) {
    const c = codes[i];
    let j = i + 1;
    while (j < n && codes[j] === c) j++;
    if (out.length === maxRuns) break;
    out.push({ first: i, count: j - i, flags: bulkCodeFlags(c, layout), order: layout.order ? bulkCodeOrder(c) : 0 });
    i = j;
  }
  return out;
}

/** `VALID WRITE order=9`, `NONE` for no flag. */
export function runStateText(r: Pick<PfnRun, 'flags' | 'order'>): string {
  const f = r.flags.length ? r.flags.join(' ') : 'NONE';
  return r.order ? `${f} order=${r.order}` : f;
}

/** Which codicon a state gets. */
export function stateIcon(flags: readonly string[]): { icon: string; color?: string } {
  if (flags.includes('ERROR')) return { icon: 'error', color: 'errorForeground' };
  if (flags.includes('SPECIAL')) return { icon: 'circle-slash', color: 'errorForeground' };
  if (flags.includes('VALID') && flags.includes('WRITE')) return { icon: 'pass-filled', color: 'testing.iconPassed' };
  if (flags.includes('VALID')) return { icon: 'eye', color: 'charts.blue' };
  if (flags.length === 0 || flags.includes('NONE')) return { icon: 'circle-outline' };
  return { icon: 'symbol-constant', color: 'charts.yellow' };
}

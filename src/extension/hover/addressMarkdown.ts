/**
 * Markdown of the hover over a user virtual address (no vscode import, so it is unit-testable): its page and
 * alignment, and the mapping and page of a scenario it falls in when one is known (the file itself, a scenario with a
 * last run, or an open scenario).
 */
import { formatSize, hex } from '../../core/layouts/bits';
import { commandLink } from './pfnMarkdown';

export interface AddressMatch {
  /** the scenario's display name (workspace-relative path) */
  readonly file: string;
  /** how the scenario was found */
  readonly where: 'this file' | 'last run' | 'open scenario';
  readonly mapping?: string;
  /** 1-based line of the mmap step, when known */
  readonly line?: number;
  /** 0-based page of the address in the mapping, and the mapping's size in pages */
  readonly page: number;
  readonly pages: number;
  /** a later munmap removed the page (its line) */
  readonly unmappedAtLine?: number;
}

function esc(s: string): string {
  return s.replace(/[\\`*_{}[\]<>|#]/g, (c) => '\\' + c);
}

function matchText(m: AddressMatch): string {
  const name = m.mapping ? `mapping **${esc(m.mapping)}**` : 'an unnamed mapping';
  const ref = m.mapping ? ` — \`${m.mapping}${m.page ? `+${m.page}` : ''}\`` : '';
  const at = m.line ? `, mmap at line ${m.line}` : '';
  const gone = m.unmappedAtLine ? ` (unmapped again at line ${m.unmappedAtLine})` : '';
  return `In ${name} of \`${esc(m.file)}\` (${m.where}): page ${m.page} of ${m.pages}${ref}${at}${gone}`;
}

/** The hover for `addr`; `scenarioDoc`: the hovered document is a scenario (say when no mapping of it holds addr). */
export function addressHoverMarkdown(addr: bigint, pageSize: number, matches: readonly AddressMatch[],
  opts: { scenarioDoc: boolean; more?: number }): string {
  const ps = BigInt(pageSize);
  const entries = ps / 8n;
  const pmd = ps * entries;
  const pud = pmd * entries;
  const lines = [`**User virtual address** \`${hex(addr)}\``, '', '| | |', '|---|---|'];
  lines.push(`| page | \`${hex(addr / ps)}\` (${formatSize(ps)} pages), offset \`${hex(addr % ps)}\` |`);
  if (addr % pud === 0n) lines.push(`| aligned to | ${formatSize(pud)}: a PUD-sized page can start here |`);
  else if (addr % pmd === 0n) lines.push(`| aligned to | ${formatSize(pmd)}: a PMD-sized page (THP, hugetlb) can start here |`);
  lines.push('');
  for (const m of matches) lines.push(`${matchText(m)}  `);
  if (opts.more) lines.push(`… and ${opts.more} more scenario${opts.more > 1 ? 's' : ''}  `);
  if (matches.length === 0 && opts.scenarioDoc) lines.push('*Not in any mapping of this scenario.*');
  lines.push('', commandLink('Decode as hmm_pfns word', 'hmm.decodePfn', [hex(addr)], 'Decode this value with HMM: Decode PFN Value'));
  return lines.join('\n');
}

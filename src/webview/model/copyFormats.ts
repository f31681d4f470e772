/**
 * Copy formats for a selection of entries: plain hex, a C array initializer, a Markdown table.
 * All text is built from numbers and layout names; scenario strings appear only inside C comments/Markdown cells,
 * escaped for those formats.
 */
import { FastLayout, shortHex, wordHex } from './fastLayout';
import { addressOf } from './address';

export interface CopySource {
  readonly words: Uint32Array;
  readonly layout: FastLayout;
  readonly start: bigint | null;
  readonly pageSize: number;
  readonly name: string;
}

export function describeWord(layout: FastLayout, lo: number, hi: number): string {
  const v = layout.value(lo, hi);
  if (v) return v;
  const names = layout.flagNames(layout.flagBits(lo, hi));
  const [plo, phi] = layout.pfnHalves(lo, hi);
  const parts = names.length ? [...names] : ['NONE'];
  if (plo !== 0 || phi !== 0) parts.push(`pfn=${shortHex(plo, phi)}`);
  const order = layout.order(lo, hi);
  if (order) parts.push(`order=${order}`);
  return parts.join(' ');
}

export function copyHex(src: CopySource, indices: Iterable<number>): string {
  const out: string[] = [];
  for (const i of indices) out.push(wordHex(src.words[2 * i], src.words[2 * i + 1]));
  return out.join('\n') + '\n';
}

function cIdent(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
  return s === '' ? 'pfns' : s;
}

function cComment(s: string): string {
  return s.replace(/\*\//g, '* /');
}

export function copyC(src: CopySource, indices: Iterable<number>): string {
  const lines: string[] = [];
  let n = 0;
  for (const i of indices) {
    const lo = src.words[2 * i];
    const hi = src.words[2 * i + 1];
    lines.push(`\t${wordHex(lo, hi)}ULL, /* [${i}] ${addressOf(src.start, src.pageSize, i)} ${cComment(describeWord(src.layout, lo, hi))} */`);
    n++;
  }
  return `/* ${cComment(src.name)}, layout ${cComment(src.layout.id)} */\n` +
    `static const uint64_t ${cIdent(src.name)}[${n}] = {\n${lines.join('\n')}\n};\n`;
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

export function copyMarkdown(src: CopySource, indices: Iterable<number>): string {
  const rows = ['| # | address | value | decoded |', '|---:|---|---|---|'];
  for (const i of indices) {
    const lo = src.words[2 * i];
    const hi = src.words[2 * i + 1];
    rows.push(`| ${i} | ${addressOf(src.start, src.pageSize, i)} | \`${wordHex(lo, hi)}\` | ${mdCell(describeWord(src.layout, lo, hi))} |`);
  }
  return rows.join('\n') + '\n';
}

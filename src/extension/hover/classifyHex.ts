/**
 * What a hex value under the cursor is, so a hover decodes only what plausibly is an hmm_pfns word
 * (`hmm.hover.mode`: auto). In order:
 *  1. in a scenario file, its key decides: `expect`/`input`/`sticky` values, `default_flags`, `pfn_flags_mask` and a
 *     legacy table are pfn words; `at:` values and `input:` keys are addresses; `pages`, `ret`, `pfn=` are neither;
 *  2. a name for pfn arrays or fields right before it (`hmm_pfns[i] =`, `pfns[] = {`, `range->default_flags =`,
 *     `#define HMM_PFN_…`, `pfn_list[0]`; ./hexLabel) → pfn, unless it is a short plain number (a frame number);
 *  3. a name for something else that looks alike (`pte`, `dma_addr`, `phys`, `vram`, `[mem …]`, `…_mask`) → nothing;
 *  4. a canonical user virtual address (2^40 ≤ v < 2^48: 0x7f0000200000, 0x55…, arm64's 0xffff…) → address;
 *  5. a 16-digit word with the active layout's flag pattern (./pfnPlausible) → pfn;
 *  6. a looser pattern (pfn 0, WRITE without VALID, a zero word) → pfn beside pfn words of the same name (a column of
 *     a dump), near a named pfn array (the line before it, three lines above), or on a driver's svm/odp debug line
 *     (amdgpu, nouveau, xe, mlx5, test_hmm);
 *  7. anything else (register offsets, masks, small constants, pointers, magic numbers) → nothing.
 * No vscode import: unit-tested against a labelled corpus of driver C and kernel logs (test/unit/fixtures/hover-corpus).
 */
import type { PfnLayout } from '../../core/layouts/types';
import { scanPfnValues } from '../../core/layouts/scan';
import { labelBefore } from './hexLabel';
import { plausiblePfnWord } from './pfnPlausible';
import { scenarioHexKind } from './scenarioKey';

export type HexKind = 'pfn' | 'address' | 'none';
export type HoverMode = 'auto' | 'always' | 'off';

export interface HexValueAt {
  /** the line holding the value */
  readonly line: string;
  /** the value's span in the line (suffix included) and its text and value */
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly value: bigint;
  /** the lines above, nearest first (a few dozen are enough) */
  readonly above: readonly string[];
  /** the document is a scenario file (YAML keys decide) */
  readonly scenario: boolean;
  /** the layout values decode with here */
  readonly layout: PfnLayout;
}

export interface HexClass {
  readonly kind: HexKind;
  /** why, for tests and logs */
  readonly why: string;
}

const USER_VA_MIN = 1n << 40n;
const USER_VA_END = 1n << 48n;
/** How far along the line other values are compared with (a row of a dump). */
const NEIGHBOUR_WINDOW = 160;

/** Identifiers that name pfn arrays, their words or flags: anything saying hmm_pfn (`hmm_pfns`, `HMM_PFN_VALID`,
 * `XE_HMM_PFN_MAPPED`), arrays named `…pfns`, ODP's `pfn_list`, the range's input fields, the legacy tables — but not
 * the shifts and widths (`HMM_PFN_ORDER_SHIFT`) nor migrate_vma's src/dst arrays (MIGRATE_PFN_* encoded). */
const PFN_LABEL = /(hmm_?pfn|pfns$|^pfn_list$|^default_flags$|^pfn_flags_mask$|(hmm|pfn)\w*_(values|flags)$)/i;
const NOT_PFN_LABEL = /(shift|bits|order_mask)$|(src|dst)_?pfns$|migrate/i;
/** Chains naming the legacy range tables (`range->values[HMM_PFN_ERROR]`). */
const PFN_CHAIN = /range->(flags|values)$/;
/** Identifiers naming values that share the shapes of addresses or pfn words: page-table entries, bus/DMA/physical
 * addresses, device memory, magic numbers. */
const OTHER_LABEL = new RegExp('(^|_)(ptes?|pmds?|puds?|p4ds?|pgds?|pdes?|pteval|pgprot|phys\\w*|paddr|iova|bus|bars?\\d*|'
  + 'resource|mem|io|mc_addr|vram|gart|agp|gpu_addr|gpuaddr|mmio|mtts?|masks?|attrs?|seq|seqno|cookie|magic|hash|seed)(_|$)|dma', 'i');

/** Names of pfn arrays and fields anywhere in nearby text (`if (pfns[0] != 0x…)`, a dump under `default_flags=`). */
const PFN_CONTEXT = /\b(hmm_pfns?|\w*pfns|pfn_list|default_flags|pfn_flags_mask|HMM_PFN_\w+)\b/;
/** Lines above looked at for PFN_CONTEXT. */
const CONTEXT_LINES = 3;
/** A driver's svm/odp/hmm debug line: a driver name and a topic. */
const DRIVER = /\b(amdgpu|amdkfd|kfd_svm|nouveau|xe|mlx5_ib|mlx5_core|mlx5|test_hmm|dmirror|hmm-tests)\b/;
const TOPIC = /(svm|odp|hmm|dmem|fault|pfn|migrat)/i;

function hexDigits(text: string): number {
  return text.replace(/^0[xX]/, '').replace(/[uUlL]+$/, '').replace(/_/g, '').length;
}

/** Whether a value named by a pfn label reads as a word: zero, written at full width, shaped like one, or a table or
 * field of flag bits (`HMM_PFN_WRITE`, a legacy `…_flags` table, `default_flags`). A short plain number named
 * `pfns` (`device private pfns 0x107f400-0x147f3ff`) is a frame number. */
function wordUnderPfnLabel(v: HexValueAt, word: string, chain: string): boolean {
  if (v.value === 0n || hexDigits(v.text) === 16 || plausiblePfnWord(v.value, v.layout, true)) return true;
  return /^(HMM_PFN_\w+|default_flags|pfn_flags_mask)$|_(values|flags)$/i.test(word) || PFN_CHAIN.test(chain);
}

/** Another value of the same line and the same name (a column of a dump, the next element of `out[i]=`) is a pfn
 * word by its own pattern. */
function besidePfnWord(v: HexValueAt, chain: string | undefined): boolean {
  const from = Math.max(0, v.start - NEIGHBOUR_WINDOW);
  const window = v.line.slice(from, Math.min(v.line.length, v.end + NEIGHBOUR_WINDOW));
  for (const n of scanPfnValues(window, { maxResults: 32 })) {
    const start = from + n.index;
    if (start === v.start || hexDigits(window.slice(n.index, n.index + n.length)) !== 16) continue;
    if (!plausiblePfnWord(n.value, v.layout)) continue;
    if (labelBefore(v.line, start, v.above, v.scenario).chain === chain) return true;
  }
  return false;
}

/** The value's line (before it) or the few lines above name a pfn array or field. */
function nearPfnContext(v: HexValueAt): boolean {
  const texts = [v.line.slice(Math.max(0, v.start - NEIGHBOUR_WINDOW), v.start), ...v.above.slice(0, CONTEXT_LINES)];
  return texts.some((t) => PFN_CONTEXT.test(t.slice(-2 * NEIGHBOUR_WINDOW)));
}

function genericKind(v: HexValueAt): HexClass {
  const label = labelBefore(v.line, v.start, v.above, v.scenario);
  const word = label.word ?? '';
  const chain = label.chain ?? '';
  if ((PFN_LABEL.test(word) && !NOT_PFN_LABEL.test(word)) || PFN_CHAIN.test(chain)) {
    if (wordUnderPfnLabel(v, word, chain)) return { kind: 'pfn', why: `context: ${chain}` };
  } else if (OTHER_LABEL.test(word)) return { kind: 'none', why: `context: ${chain}, not a pfn array` };
  if (v.value >= USER_VA_MIN && v.value < USER_VA_END) return { kind: 'address', why: 'a canonical user virtual address' };
  const digits = hexDigits(v.text);
  if (digits === 16 && plausiblePfnWord(v.value, v.layout)) return { kind: 'pfn', why: `the flag pattern of layout ${v.layout.id}` };
  // a zero joins its neighbours when it is written at full width or named like them (`out[2]=0x0`), not as the
  // second member of a struct initializer
  const loose = (v.value === 0n && (digits === 16 || label.chain !== undefined))
    || (digits === 16 && plausiblePfnWord(v.value, v.layout, true));
  if (loose && besidePfnWord(v, label.chain)) return { kind: 'pfn', why: 'beside pfn words of the same name' };
  if (digits !== 16) return { kind: 'none', why: 'a constant, no pfn context' };
  if (loose && nearPfnContext(v)) return { kind: 'pfn', why: 'near a named pfn array, loose flag pattern' };
  const head = v.line.slice(0, 160) + ' ' + v.line.slice(Math.max(160, v.start - 160), v.start);
  if (loose && DRIVER.test(head) && TOPIC.test(head)) {
    return { kind: 'pfn', why: `a driver's debug line, flag pattern of layout ${v.layout.id}` };
  }
  return { kind: 'none', why: `16 digits without the flag pattern of layout ${v.layout.id}` };
}

/** The kind of the value, by `mode`: `always` decodes everything as a pfn word, `off` nothing. */
export function classifyHex(v: HexValueAt, mode: HoverMode = 'auto'): HexClass {
  if (mode === 'off') return { kind: 'none', why: 'hmm.hover.mode is off' };
  if (mode === 'always') return { kind: 'pfn', why: 'hmm.hover.mode is always' };
  return (v.scenario ? scenarioHexKind(v.line, v.start, v.end, v.above) : undefined) ?? genericKind(v);
}

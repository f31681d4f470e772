/**
 * Hover documentation in scenario files: what a key means where it is (`pages` of an mmap, of a walk…), what a step
 * does, what an enum value or a flag name means, and the expected-entry tokens (`ERROR`, `dev=gpu0`, `order=9`, `*512`).
 * Numbers are left alone: the pfn hover decodes those. No vscode import.
 */
import { cursorContext } from './cursor';
import { KEY_DOCS, keyScope, STEP_DOCS, tokenDoc, VALUE_DOCS } from './docs';
import { scenarioFacts } from './facts';

export interface DocHover {
  /** Markdown */
  readonly markdown: string;
  /** the documented word: [start, end) offsets in the text */
  readonly start: number;
  readonly end: number;
}

const ERRNO_DOCS: Readonly<Record<string, string>> = {
  0: 'success: every entry of the range holds an output.',
  EFAULT: '-EFAULT: a page the walk had to fault cannot be (no VMA, no permission, VM_IO/VM_PFNMAP, a poisoned or error entry with REQ_FAULT).',
  EBUSY: '-EBUSY: the range was invalidated (mmu interval notifier) while the walk ran; the driver loop of Documentation/mm/hmm.rst calls again.',
  EPERM: '-EPERM: the walk asked for a write fault on a read-only mapping (or a device-exclusive entry of another owner).',
  ENOMEM: '-ENOMEM: a fault could not allocate memory.',
  EINVAL: '-EINVAL: a bad range (not page-aligned, end before start).',
  EAGAIN: '-EAGAIN: the fault dropped the mmap lock; the driver would retry.',
  EINTR: '-EINTR: interrupted by a fatal signal.',
};

/** The request names, documented as requests (the layout documents the bit they share with VALID / WRITE as output). */
const REQUEST_DOCS: Readonly<Record<string, string>> = {
  REQ_FAULT: 'HMM_PFN_REQ_FAULT (the VALID bit on input): fault the page in when it is not present, instead of reporting it as it is.',
  REQ_WRITE: 'HMM_PFN_REQ_WRITE (the WRITE bit on input): fault it in for writing (break copy-on-write, make it writable); with REQ_FAULT.',
};

const TOKEN = /[^\s[\]{},:#'"]/;

/** Documentation for the word at character `offset` of a scenario's text, or undefined. */
export function docHoverAt(text: string, offset: number): DocHover | undefined {
  if (offset < 0 || offset > text.length) return undefined;
  let start = offset;
  let end = offset;
  while (start > 0 && TOKEN.test(text[start - 1])) start--;
  while (end < text.length && TOKEN.test(text[end])) end++;
  if (start === end) return undefined;
  let word = text.slice(start, end);
  if (/^[-+]?(0x[0-9a-f_]+|\d[\d_]*)$/i.test(word)) return undefined;
  const ctx = cursorContext(text, Math.min(end, Math.max(start + 1, offset)));
  if (!ctx) return undefined;
  const facts = scenarioFacts(ctx.doc);
  const flagDoc = (name: string) => facts.layout.flags.find((f) => f.name === name || f.inputAlias === name)?.doc;
  const path = ctx.path;
  const hover = (md: string | undefined, s = start, e = end) => (md ? { markdown: md, start: s, end: e } : undefined);
  if (ctx.role === 'key') {
    if (path.length === 2 && path[0] === 'steps' && STEP_DOCS[word]) return hover(`**${word}** (step) — ${STEP_DOCS[word]}`);
    if (path[path.length - 1] === 'step' && STEP_DOCS[word]) return hover(`**${word}** (step) — ${STEP_DOCS[word]}`);
    const scope = keyScope(path);
    const doc = scope ? KEY_DOCS[scope][word] : undefined;
    return hover(doc && `**${word}**${scope && scope !== 'top' ? ` (${scope})` : ''} — ${doc}`);
  }
  const key = [...path].reverse().find((p): p is string => typeof p === 'string') ?? '';
  if (key === 'pfns') {
    // an expected entry: the token under the cursor; `pfn=0x…` is documented on its `pfn=` part only
    if (word.startsWith('pfn=') && offset > start + 4) return undefined;
    if (word.startsWith('pfn=')) { word = 'pfn='; end = start + 4; }
    return hover(tokenDoc(word, flagDoc));
  }
  if (key === 'ret') {
    const name = word.replace(/^-/, '');
    return hover(ERRNO_DOCS[name] && `**${word}** — ${ERRNO_DOCS[name]}`);
  }
  if (key === 'default_flags' || key === 'pfn_flags_mask' || path.includes('input') || path.includes('sticky')) {
    const name = word.replace(/^HMM_PFN_/, '');
    if (REQUEST_DOCS[name]) return hover(`**${word}** — ${REQUEST_DOCS[name]}`);
    const f = facts.layout.flags.find((x) => x.name === name || x.inputAlias === name);
    return hover(f && `**${word}** — ${f.doc} (layout ${facts.layout.id})`);
  }
  const docs = VALUE_DOCS[key === 'pte' ? 'state' : key];
  if (docs?.[word]) return hover(`**${word}** (${key}) — ${docs[word]}`);
  if (key === 'at' || key === 'input' || key === 'sticky') {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]*?)(?:\+(\d+|0x[0-9a-f]+))?$/i.exec(word);
    const map = m ? facts.mappings.find((x) => x.name === m[1]) : undefined;
    if (map) {
      const plus = m?.[2] ? `, plus ${m[2]} page${m[2] === '1' ? '' : 's'}` : '';
      return hover(`**${word}** — the mapping \`${map.name}\` (mmap step ${map.step + 1}${map.pages !== undefined ? `, ${map.pages} pages` : ''})${plus}. Go to Definition jumps to its mmap.`);
    }
  }
  return undefined;
}

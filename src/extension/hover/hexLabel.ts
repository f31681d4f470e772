/**
 * What names a hex value in C or a log: the identifier it is assigned to, indexed from or printed after
 * (`range->hmm_pfns[i] = 0x…`, `hmm_pfns[3]=c000…`, `addr 0x7f…`, `#define HMM_PFN_VALID 0x…`). Walks left from the
 * value over `=`, `:`, brackets, casts, quotes and earlier values of the same list, and on into the lines above while
 * they continue a list or initializer (`pfns[] = {` … `0x8000…,`). Stops at operators and statement ends, so
 * `(pfn >> HMM_PFN_ORDER_SHIFT) & 0x1f` names nothing. Pure and bounded: at most WINDOW characters of each line.
 */

/** Characters of a line looked at, before the value. */
const WINDOW = 240;
/** Lines above looked at, for a list or initializer that started there. */
const MAX_LINES_ABOVE = 16;

export interface HexLabel {
  /** the naming identifier chain as written (`range->hmm_pfns`, `hmm_pfns`, `addr`), if any */
  readonly chain?: string;
  /** its last component (`hmm_pfns`) */
  readonly word?: string;
  /** the value sits in a comment (C `/* … *\/` or `//`, or `#` when `hashComments`) */
  readonly inComment: boolean;
}

const SKIP = new Set([' ', '\t', '=', ':', '(', '{', '[', ',', '"', '\'', '<', '`']);
const isIdent = (c: string) => /[A-Za-z0-9_]/.test(c);

/** Index of the opening bracket matching the closing one at `i` (same line), or -1. */
function matchOpen(s: string, i: number): number {
  const close = s[i];
  const open = close === ']' ? '[' : '(';
  let depth = 0;
  for (let k = i; k >= 0; k--) {
    if (s[k] === close) depth++;
    else if (s[k] === open && --depth === 0) return k;
  }
  return -1;
}

/** A value literal (0x…, digits with suffix, a bare 16-digit word) ending at `i` (inclusive): its start, or -1. */
function literalStart(s: string, i: number): number {
  let k = i;
  while (k >= 0 && isIdent(s[k])) k--;
  const w = s.slice(k + 1, i + 1);
  return /^(0[xX][0-9a-fA-F_]+[uUlL]*|[0-9]+[uUlL]*|[0-9]+[KMGT]i?B?|[0-9a-fA-F]{16})$/.test(w) ? k + 1 : -1;
}

type Walk = { kind: 'ident'; chain: string } | { kind: 'stop' } | { kind: 'exhausted' };

/** Walks left from the end of `s`. */
function walkBack(s: string): Walk {
  let i = s.length - 1;
  while (i >= 0) {
    const c = s[i];
    if (SKIP.has(c)) { i--; continue; }
    if (c === '-') {
      // the end of a range `A-B` / `A - B` is named like its start
      let j = i - 1;
      while (j >= 0 && s[j] === ' ') j--;
      if (j >= 0 && isIdent(s[j]) && literalStart(s, j) >= 0) { i = j; continue; }
      return { kind: 'stop' };
    }
    if (c === ']' || c === ')') {
      const o = matchOpen(s, i);
      if (o < 0) return { kind: 'stop' };
      i = o - 1;
      continue;
    }
    if (isIdent(c)) {
      const lit = literalStart(s, i);
      if (lit >= 0) { i = lit - 1; continue; }
      return { kind: 'ident', chain: identChain(s, i) };
    }
    return { kind: 'stop' };
  }
  return { kind: 'exhausted' };
}

/** The identifier chain ending at `i`: `range->hmm_pfns` (indexes in between dropped), `svmm.pfns`. */
function identChain(s: string, i: number): string {
  const parts: string[] = [];
  let k = i;
  for (;;) {
    let b = k;
    while (b >= 0 && isIdent(s[b])) b--;
    parts.unshift(s.slice(b + 1, k + 1));
    let j = b;
    while (j >= 0 && s[j] === ']') { const o = matchOpen(s, j); if (o < 0) break; j = o - 1; }
    if (j >= 1 && s[j] === '>' && s[j - 1] === '-' && j - 2 >= 0 && (isIdent(s[j - 2]) || s[j - 2] === ']')) { k = j - 2; }
    else if (j >= 0 && s[j] === '.' && j - 1 >= 0 && isIdent(s[j - 1])) { k = j - 1; }
    else break;
    while (k >= 0 && s[k] === ']') { const o = matchOpen(s, k); if (o < 0) break; k = o - 1; }
    if (k < 0 || !isIdent(s[k])) break;
  }
  return parts.join('->');
}

/** `s` with closed C comments removed; a trailing unclosed comment cut off. */
function stripComments(s: string): string {
  let t = s.replace(/\/\*.*?\*\//g, ' ');
  const open = t.indexOf('/*');
  if (open >= 0) t = t.slice(0, open);
  const line = t.indexOf('//');
  return line >= 0 ? t.slice(0, line) : t;
}

/** Where a comment containing the end of `left` starts (its text after the opener), or -1. */
function commentOpening(left: string, hashComments: boolean): number {
  const closed = left.replace(/\/\*.*?\*\//g, (m) => ' '.repeat(m.length));
  const block = closed.lastIndexOf('/*');
  const line = closed.indexOf('//');
  const hash = hashComments ? closed.search(/(^|\s)#/) : -1;
  const starts = [block >= 0 ? block + 2 : -1, line >= 0 && !/:\/\/$/.test(closed.slice(0, line + 2)) ? line + 2 : -1,
    hash >= 0 ? closed.indexOf('#', hash) + 1 : -1].filter((x) => x >= 0);
  return starts.length ? Math.min(...starts) : -1;
}

/**
 * The label of the value starting at `start` in `line`. `above` holds the lines above, nearest first (only the
 * first MAX_LINES_ABOVE are read); `hashComments` makes `#` start a comment (YAML), as it does not in C or logs.
 */
export function labelBefore(line: string, start: number, above: readonly string[], hashComments = false): HexLabel {
  const from = Math.max(0, start - WINDOW);
  let left = line.slice(from, start);
  const comment = commentOpening(left, hashComments);
  const inComment = comment >= 0;
  left = inComment ? left.slice(comment) : stripComments(left);
  let w = walkBack(left);
  // a list or initializer continued from the lines above: only while each line ends a list item or opens one
  for (let k = 0; !inComment && w.kind === 'exhausted' && k < Math.min(above.length, MAX_LINES_ABOVE); k++) {
    const prev = stripComments(above[k].slice(-WINDOW)).trimEnd();
    if (prev === '') continue;
    if (!/[,{[]$/.test(prev)) break;
    w = walkBack(prev);
  }
  if (w.kind !== 'ident') return { inComment };
  const parts = w.chain.split('->');
  return { chain: w.chain, word: parts[parts.length - 1], inComment };
}

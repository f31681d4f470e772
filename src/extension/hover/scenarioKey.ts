/**
 * Where a value sits in a scenario file (YAML): the keys leading to it — the block keys of the less-indented lines
 * above, then the keys before it on its own line (flow style: `input: { buf+3: 0x1000… }`) — and whether the value
 * is itself a key — and what that makes the value. Pure and bounded (the lines above are read until the top-level
 * key, at most MAX_LINES).
 */
import type { HexClass } from './classifyHex';

const MAX_LINES = 200;
const WINDOW = 400;

export interface ScenarioKeyPath {
  /** outermost first: ['steps', 'walk', 'input', 'buf+3'] */
  readonly path: readonly string[];
  /** the value is a mapping key (`0x7f0000003000: [REQ_FAULT]`) */
  readonly isKey: boolean;
  /** a `#` comment holds the value */
  readonly inComment: boolean;
  /** the characters right before the value, e.g. `pfn=` in an expected entry */
  readonly prefix: string;
}

const KEY_ON_LINE = /(?:^|[\s{,[])(?:-\s+)?("[^"]*"|'[^']*'|[^\s:{},[\]#"']+)\s*:(?=\s|$)/g;
const BLOCK_KEY = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s:{},[\]#"']+)\s*:(?=\s|$)/;

const unquote = (k: string) => k.replace(/^["']|["']$/g, '');

function indentOf(line: string): number {
  const m = /^(\s*)(-\s+)?/.exec(line);
  return m ? m[1].length + (m[2]?.length ?? 0) : 0;
}

/** The keys of a YAML line left of `end` (flow style included), in order. */
function keysOnLine(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.matchAll(KEY_ON_LINE)) keys.push(unquote(m[1]));
  return keys;
}

export function scenarioKeyPath(line: string, start: number, end: number, above: readonly string[]): ScenarioKeyPath {
  const left = line.slice(Math.max(0, start - WINDOW), start);
  const inComment = /(^|\s)#/.test(left.replace(/"[^"]*"|'[^']*'/g, '""'));
  const prefix = /[^\s{[,]*$/.exec(left)?.[0] ?? '';
  const isKey = /^["']?\s*:(\s|$)/.test(line.slice(end, end + 4));
  const own = keysOnLine(left);
  const ancestors: string[] = [];
  let indent = indentOf(line);
  for (let k = 0; k < Math.min(above.length, MAX_LINES) && indent > 0; k++) {
    const l = above[k];
    if (l.trim() === '' || /^\s*#/.test(l)) continue;
    const ind = indentOf(l);
    if (ind >= indent) continue;
    const m = BLOCK_KEY.exec(l.slice(0, WINDOW));
    if (m) ancestors.unshift(unquote(m[1]));
    indent = ind;
  }
  return { path: [...ancestors, ...own], isKey, inComment, prefix };
}

/**
 * The kind of a value in a scenario file by its key: `at:` values and `input:`/`sticky:` keys are addresses; input
 * words, `default_flags`, `pfn_flags_mask`, a legacy table and `expect` entries are pfn words; `pages`, `ret` and the
 * `pfn=` of an expected entry are neither. Undefined in a comment or under another key (the caller reads it as text).
 */
export function scenarioHexKind(line: string, start: number, end: number, above: readonly string[]): HexClass | undefined {
  const k = scenarioKeyPath(line, start, end, above);
  if (k.inComment) return undefined;
  const has = (key: string) => k.path.includes(key);
  const last = k.path[k.path.length - 1] ?? '';
  if (k.isKey) return has('input') || has('sticky') ? { kind: 'address', why: 'scenario: a page address keying input' } : { kind: 'none', why: 'scenario: a key' };
  if (last === 'at') return { kind: 'address', why: 'scenario: at' };
  if (last === 'default_flags' || last === 'pfn_flags_mask') return { kind: 'pfn', why: `scenario: ${last}` };
  if (['pages', 'after_pages', 'ret', 'page_size', 'pfn_shift', 'hmm'].includes(last)) return { kind: 'none', why: `scenario: ${last}` };
  if (has('input') || has('sticky')) return { kind: 'pfn', why: 'scenario: an input word' };
  if (has('legacy') && (has('flags') || has('values'))) return { kind: 'pfn', why: 'scenario: the legacy table' };
  if (has('expect')) {
    return /pfn=$/i.test(k.prefix) ? { kind: 'none', why: 'scenario: pfn= is a page frame number' } : { kind: 'pfn', why: 'scenario: expect' };
  }
  return undefined;
}

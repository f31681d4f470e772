/**
 * Where a position lies in a scenario file, for completion: the path of keys (and list indexes) to it and whether it
 * is a key, a key's value or a list item. A marker word is put at the position and the text read by the YAML reader,
 * which recovers from the half-written lines one types (`prot: `, `pfns: [VALID z`, an empty line inside a walk):
 * the node holding the marker is where the cursor is. No vscode import.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

export const CURSOR_MARK = '__hmm_cursor__';

export type PathPart = string | number;

export interface CursorContext {
  /** keys (strings) and list indexes (numbers) from the top to the node holding the cursor */
  readonly path: readonly PathPart[];
  /** a key of the map at `path`; the value of the key `path[-1]`; or item `path[-1]` of a list */
  readonly role: 'key' | 'value' | 'item';
  /** the scalar's text before the cursor, from the node's start (for expected entries: the tokens so far) */
  readonly before: string;
  /** the word being typed (what a completion replaces) */
  readonly prefix: string;
  /** keys already written in the map (role 'key'), or the other items of the list (role 'item') */
  readonly siblings: readonly string[];
  /** the document with the marker, for the scenario's kernel, devices and mappings */
  readonly doc: Document;
}

const WORD = /[A-Za-z0-9_.+\-=*]*$/;

function scalarText(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

function holds(n: unknown): boolean {
  return scalarText(n)?.includes(CURSOR_MARK) ?? false;
}

interface Found { path: PathPart[]; role: CursorContext['role']; text: string; siblings: string[] }

function find(node: Node | null | undefined, path: PathPart[]): Found | undefined {
  if (!node) return undefined;
  if (isMap(node)) {
    const keys = node.items.map((p) => scalarText(p.key) ?? '');
    for (const p of node.items) {
      const k = scalarText(p.key);
      if (holds(p.key)) {
        // a marker alone on its line is read together with the next line's key (`marker pages: 4`): that key is written
        const joined = /\s+([A-Za-z_][\w-]*)$/.exec((k ?? '').slice((k ?? '').indexOf(CURSOR_MARK) + CURSOR_MARK.length));
        const siblings = keys.filter((x) => !x.includes(CURSOR_MARK));
        return { path, role: 'key', text: k ?? '', siblings: joined ? [...siblings, joined[1]] : siblings };
      }
      if (holds(p.value)) return { path: [...path, k ?? '?'], role: 'value', text: scalarText(p.value) ?? '', siblings: [] };
      const r = find(p.value as Node, [...path, k ?? '?']);
      if (r) return r;
    }
    return undefined;
  }
  if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const it = node.items[i] as Node;
      if (holds(it)) {
        const others = node.items.filter((x) => x !== it).map(scalarText).filter((x): x is string => x !== undefined);
        return { path: [...path, i], role: 'item', text: scalarText(it) ?? '', siblings: others };
      }
      const r = find(it, [...path, i]);
      if (r) return r;
    }
    return undefined;
  }
  if (holds(node)) return { path, role: 'value', text: scalarText(node) ?? '', siblings: [] };
  return undefined;
}

/** The cursor's place in `text` at character `offset`, or undefined (in a comment, or nothing the reader can place). */
export function cursorContext(text: string, offset: number): CursorContext | undefined {
  if (text.length > 1 << 20) return undefined;
  const at = Math.max(0, Math.min(offset, text.length));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const lineBefore = text.slice(lineStart, at);
  if (/(^|\s)#/.test(lineBefore.replace(/"[^"]*"|'[^']*'/g, '""'))) return undefined;
  const marked = text.slice(0, at) + CURSOR_MARK + text.slice(at);
  let doc: Document;
  try {
    doc = parseDocument(marked, { uniqueKeys: false, prettyErrors: false });
  } catch {
    return undefined;
  }
  const found = find(doc.contents as Node, []);
  if (!found) return undefined;
  const before = found.text.slice(0, found.text.indexOf(CURSOR_MARK));
  // a plain scalar can span lines: only what is on the cursor's line counts
  const own = before.length > lineBefore.length ? lineBefore : before;
  const prefix = WORD.exec(own.split(/[\s,[\]{}]/).pop() ?? '')?.[0] ?? '';
  return { path: found.path, role: found.role, before: own.trimStart(), prefix, siblings: found.siblings, doc };
}

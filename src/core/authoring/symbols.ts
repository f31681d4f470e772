/**
 * The structure of a scenario file for the editor: an outline of its top-level keys, steps and walks (document
 * symbols), and every occurrence of each mapping name — its `mmap` `name:` and each address that uses it (`at: buf+3`,
 * `input: { buf+1: … }`) — for go to definition, find references and rename. Read from the YAML document with
 * offsets, so it works while the file has scenario errors. No vscode import.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, type Scalar } from 'yaml';

export interface OutlineSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: 'key' | 'steps' | 'step' | 'walk' | 'expect' | 'during';
  /** the whole node: [start, end) offsets */
  readonly start: number;
  readonly end: number;
  /** the part to select (the key): [start, end) */
  readonly selStart: number;
  readonly selEnd: number;
  readonly children: readonly OutlineSymbol[];
}

export interface NameOccurrence {
  readonly name: string;
  /** the name's characters: [start, end) */
  readonly start: number;
  readonly end: number;
  readonly definition: boolean;
}

export const MAPPING_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function str(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

function rangeOf(n: Node | null | undefined, fallback: number): [number, number] {
  return n?.range ? [n.range[0], n.range[1]] : [fallback, fallback];
}

function read(text: string): Node | undefined {
  if (text.length > 4 << 20) return undefined;
  try {
    return parseDocument(text, { uniqueKeys: false }).contents as Node ?? undefined;
  } catch {
    return undefined;
  }
}

function fieldsOf(body: unknown): Map<string, Pair> {
  const out = new Map<string, Pair>();
  if (isMap(body)) for (const p of body.items) { const k = str(p.key); if (k !== undefined && !out.has(k)) out.set(k, p as Pair); }
  return out;
}

function stepSymbol(item: Node, index: number): OutlineSymbol | undefined {
  const [start, end] = rangeOf(item, 0);
  if (isScalar(item) && str(item) === 'fork') return { name: 'fork', detail: '', kind: 'step', start, end, selStart: start, selEnd: end, children: [] };
  if (!isMap(item) || item.items.length === 0) return undefined;
  const pair = item.items[0];
  const op = str(pair.key) ?? '?';
  const [ks, ke] = rangeOf(pair.key as Node, start);
  const f = fieldsOf(pair.value);
  const v = (k: string) => str(f.get(k)?.value);
  if (op === 'walk') {
    const children: OutlineSymbol[] = [];
    for (const k of ['during', 'expect']) {
      const p = f.get(k);
      if (!p) continue;
      const [s, e] = rangeOf(p.key as Node, start);
      const [, ve] = rangeOf(p.value as Node, e);
      const ex = fieldsOf(p.value);
      const detail = k === 'expect' ? [str(ex.get('ret')?.value) !== undefined ? `ret ${str(ex.get('ret')?.value)}` : '',
        isSeq(ex.get('pfns')?.value) ? `${(ex.get('pfns')?.value as { items: unknown[] }).items.length} entries` : ''].filter(Boolean).join(' · ') : '';
      children.push({ name: k, detail, kind: k === 'expect' ? 'expect' : 'during', start: s, end: Math.max(ve, e), selStart: s, selEnd: e, children: [] });
    }
    const name = v('name') ?? `walk ${index}`;
    const detail = [v('mode') ?? 'snapshot', v('pages') !== undefined ? `${v('pages')} pages` : '', v('at') ? `at ${v('at')}` : '',
      v('device') ? `device ${v('device')}` : ''].filter(Boolean).join(' · ');
    return { name: `walk: ${name}`, detail, kind: 'walk', start, end, selStart: ks, selEnd: ke, children };
  }
  const what = op === 'mmap' ? v('name') ?? '' : v('at') ?? '';
  const detail = [v('pages') !== undefined ? `${v('pages')} page${v('pages') === '1' ? '' : 's'}` : '', v('prot'), v('advice'),
    v('to') ? `to ${v('to')}` : '', v('device'), str(f.get('pte')?.value)].filter(Boolean).join(' · ');
  return { name: what ? `${op} ${what}` : op, detail, kind: 'step', start, end, selStart: ks, selEnd: ke, children: [] };
}

/** Top-level keys, with `steps` holding one symbol per step (walks with their `expect` and `during`). */
export function outline(text: string): OutlineSymbol[] {
  const root = read(text);
  if (!root || !isMap(root)) return [];
  const out: OutlineSymbol[] = [];
  for (const p of root.items) {
    const key = str(p.key);
    if (key === undefined) continue;
    const [ks, ke] = rangeOf(p.key as Node, 0);
    const [, ve] = rangeOf(p.value as Node, ke);
    if (key === 'steps' && isSeq(p.value)) {
      let walks = 0;
      const children = (p.value.items as Node[]).map((it) => {
        if (isMap(it) && str(it.items[0]?.key) === 'walk') walks++;
        return stepSymbol(it, walks);
      }).filter((s): s is OutlineSymbol => !!s);
      out.push({ name: 'steps', detail: `${children.length} steps · ${walks} walk${walks === 1 ? '' : 's'}`, kind: 'steps',
        start: ks, end: Math.max(ve, ke), selStart: ks, selEnd: ke, children });
    } else {
      const value = str(p.value) ?? (isSeq(p.value) ? (p.value.items as unknown[]).map(str).filter(Boolean).join(', ') : '');
      out.push({ name: key, detail: value, kind: 'key', start: ks, end: Math.max(ve, ke), selStart: ks, selEnd: ke, children: [] });
    }
  }
  return out;
}

/** Offsets of the mapping name at the start of an address scalar (`buf+3` → `buf`), or undefined. */
function nameIn(n: Scalar, text: string): { name: string; start: number; end: number } | undefined {
  const v = str(n);
  if (!v || !n.range) return undefined;
  const m = /^\s*([A-Za-z_][A-Za-z0-9_.-]*?)\s*(?:\+\s*(?:[0-9]+|0x[0-9a-fA-F]+))?\s*$/.exec(v);
  if (!m) return undefined;
  // the name as it stands in the source (after an opening quote)
  const src = text.slice(n.range[0], n.range[1]);
  const at = src.indexOf(m[1]);
  if (at < 0) return undefined;
  return { name: m[1], start: n.range[0] + at, end: n.range[0] + at + m[1].length };
}

/** Every mapping name occurrence: definitions (`mmap` `name:`) and uses (`at`, `input`/`sticky` keys), in file order. */
export function mappingOccurrences(text: string): NameOccurrence[] {
  const root = read(text);
  const out: NameOccurrence[] = [];
  const visit = (node: unknown, parentKey: string | undefined, inMmap: boolean): void => {
    if (isMap(node)) {
      for (const p of node.items) {
        const k = str(p.key);
        if ((parentKey === 'input' || parentKey === 'sticky') && isScalar(p.key)) {
          const n = nameIn(p.key, text);
          if (n) out.push({ ...n, definition: false });
        }
        if (isScalar(p.value) && (k === 'at' || (k === 'name' && inMmap))) {
          const n = nameIn(p.value, text);
          if (n && (k === 'at' || MAPPING_NAME.test(str(p.value) ?? ''))) out.push({ ...n, definition: k === 'name' });
        } else visit(p.value, k, k === 'mmap');
      }
    } else if (isSeq(node)) {
      for (const it of node.items) visit(it, parentKey, false);
    }
  };
  visit(root, undefined, false);
  const defined = new Set(out.filter((o) => o.definition).map((o) => o.name));
  return out.filter((o) => defined.has(o.name)).sort((a, b) => a.start - b.start);
}

/** The mapping name at `offset` and all its occurrences, or undefined. */
export function occurrencesAt(text: string, offset: number): { name: string; at: NameOccurrence; all: NameOccurrence[] } | undefined {
  const occ = mappingOccurrences(text);
  const at = occ.find((o) => o.start <= offset && offset <= o.end);
  if (!at) return undefined;
  return { name: at.name, at, all: occ.filter((o) => o.name === at.name) };
}

/** The edits that rename the mapping at `offset` to `newName`, or why not. */
export function renameMapping(text: string, offset: number, newName: string):
  { edits: { start: number; end: number; text: string }[] } | { error: string } {
  const found = occurrencesAt(text, offset);
  if (!found) return { error: 'Rename works on a mapping name: an mmap\'s name, or the name in an address (buf, buf+3).' };
  const name = newName.trim();
  if (!MAPPING_NAME.test(name)) return { error: `"${name}" is not a mapping name: start with a letter or _, then letters, digits, _, . or -` };
  if (name === 'system') return { error: '"system" is reserved (migrate to: system)' };
  if (name !== found.name && mappingOccurrences(text).some((o) => o.definition && o.name === name)) {
    return { error: `a mapping is already named "${name}"` };
  }
  return { edits: found.all.map((o) => ({ start: o.start, end: o.end, text: name })) };
}

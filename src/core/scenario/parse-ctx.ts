/**
 * The parser's working state: positions from the YAML library, diagnostics, and typed readers for YAML nodes.
 * Readers never throw; on bad input they record a positioned diagnostic and return undefined.
 */
import { isAlias, isMap, isScalar, isSeq, isPair, visit, type Alias, type Document, type Node, type Pair,
  type Scalar, type YAMLMap } from 'yaml';
import type { ScenarioDiagnostic, SourcePos } from './ast';
import type { ScenarioLimits } from './limits';
import type { LineTable } from './parse-lines';
import { didYouMean } from './suggest';

export type YNode = Node | null | undefined;

export interface Entry {
  readonly key: string;
  readonly keyNode: Scalar;
  readonly value: YNode;
  /** position of `key: value` as a whole */
  readonly pos: SourcePos;
}

export class ParseCtx {
  readonly diagnostics: ScenarioDiagnostic[] = [];
  private aliases = 0;
  private aliasTargets?: Map<Alias, Node | undefined>;
  private dropped = 0;

  constructor(readonly file: string, private readonly lines: LineTable, private readonly doc: Document,
    readonly limits: ScenarioLimits) {}

  /** 1-based position of the source range [start, end), lines counted as VS Code does (./parse-lines.ts). */
  posOf(start: number, end: number): SourcePos {
    return this.lines.range(start, end);
  }

  pos(node: YNode | Pair, fallback?: SourcePos): SourcePos {
    if (node && isPair(node)) {
      const k = node.key as Node | null;
      const v = node.value as Node | null;
      const start = k?.range?.[0] ?? v?.range?.[0];
      const end = v?.range?.[1] ?? k?.range?.[1];
      if (start !== undefined && end !== undefined) return this.posOf(start, end);
    } else if (node && node.range) {
      return this.posOf(node.range[0], node.range[1]);
    }
    return fallback ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
  }

  private readonly seen = new Set<string>();

  private push(d: ScenarioDiagnostic): void {
    // a node read twice (its anchor, then an alias to it) reports the same problem twice: keep one
    const key = `${d.pos.line}:${d.pos.col}:${d.pos.endLine}:${d.pos.endCol}:${d.severity}:${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.diagnostics.length < this.limits.maxDiagnostics) this.diagnostics.push(d);
    else this.dropped++;
  }

  error(at: SourcePos, message: string): void {
    this.push({ file: this.file, pos: at, severity: 'error', message });
  }

  warn(at: SourcePos, message: string): void {
    this.push({ file: this.file, pos: at, severity: 'warning', message });
  }

  /**
   * Adds the "N more problems" note when the diagnostic limit was hit, and names the alias uses of an anchored node
   * in the problems found inside it (the problem is where the text is, but it may only matter where `*name` reuses it).
   */
  finish(): ScenarioDiagnostic[] {
    this.noteAliasUses();
    if (this.dropped > 0) {
      const last = this.diagnostics[this.diagnostics.length - 1];
      this.diagnostics.push({ file: this.file, pos: last.pos, severity: 'error',
        message: `${this.dropped} more problems not shown (at most ${this.limits.maxDiagnostics} are reported per file)` });
      this.dropped = 0;
    }
    return this.diagnostics;
  }

  private noteAliasUses(): void {
    if (!this.aliasTargets || this.diagnostics.length === 0) return;
    const uses = new Map<Node, Alias[]>();
    for (const [alias, target] of this.aliasTargets) {
      if (!target?.range || !alias.range) continue;
      const list = uses.get(target);
      if (list) list.push(alias); else uses.set(target, [alias]);
    }
    const targets = [...uses].map(([target, aliases]) => {
      const at = aliases.slice(0, 3).map((a) => { const p = this.pos(a); return `${p.line}:${p.col}`; });
      const more = aliases.length > 3 ? ` and ${aliases.length - 3} more` : '';
      return { pos: this.pos(target), note: ` (inside &${target.anchor ?? ''}, reused through *${target.anchor ?? ''} at ${at.join(', ')}${more})` };
    });
    const before = (a: SourcePos, line: number, col: number) => a.line < line || (a.line === line && a.col <= col);
    for (let k = 0; k < this.diagnostics.length; k++) {
      const d = this.diagnostics[k];
      const t = targets.find(({ pos }) => before(pos, d.pos.line, d.pos.col) && before(d.pos, pos.endLine, pos.endCol));
      if (t) this.diagnostics[k] = { ...d, message: d.message + t.note };
    }
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length + this.dropped;
  }

  /** Follows `*alias` references (bounded). */
  resolve(node: YNode): YNode {
    let n = node;
    for (let hops = 0; n && isAlias(n); hops++) {
      if (++this.aliases > this.limits.maxAliases || hops > 32) {
        this.error(this.pos(n), `too many alias references (*name); at most ${this.limits.maxAliases} are resolved per file`);
        return undefined;
      }
      n = this.targetOf(n);
    }
    return n;
  }

  /**
   * The node an alias names: the last node with that anchor before the alias in document order (as the YAML
   * library's Alias.resolve() finds it). Computed for all aliases in one pass: Alias.resolve() walks the whole
   * document on every call, which made thousands of aliases quadratic.
   */
  private targetOf(a: Alias): YNode {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, Node | undefined>();
      const latest = new Map<string, Node>();
      visit(this.doc, {
        Node: (_key, node) => {
          if (isAlias(node)) targets.set(node, latest.get(node.source));
          else if (node.anchor) latest.set(node.anchor, node);
        },
      });
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(a);
  }

  /** `a map`, `the string "x"`, `the number 3` … for "expected X, got Y" messages. */
  describe(node: YNode): string {
    const n = this.resolve(node);
    if (!n || (isScalar(n) && (n.value === null || n.value === undefined))) return 'nothing';
    if (isMap(n)) return 'a map';
    if (isSeq(n)) return 'a list';
    if (isScalar(n)) {
      const v = n.value;
      if (typeof v === 'string') return `the string "${clip(v)}"`;
      if (typeof v === 'bigint' || typeof v === 'number') return `the number ${clip(String(n.source ?? v))}`;
      if (typeof v === 'boolean') return `${v}`;
    }
    return 'a value of another type';
  }

  isNull(node: YNode): boolean {
    const n = this.resolve(node);
    return !n || (isScalar(n) && (n.value === null || n.value === undefined));
  }

  /**
   * Reads a map and checks its keys: unknown keys are errors (with "did you mean"), duplicate keys are reported by
   * the YAML library. Returns undefined (after an error) when `node` is not a map.
   */
  map(node: YNode, what: string, allowed: readonly string[], at?: SourcePos): Map<string, Entry> | undefined {
    const n = this.resolve(node);
    if (!n || !isMap(n)) {
      this.error(n ? this.pos(n) : (at ?? this.pos(n)), `${what} must be a map, got ${this.describe(n)}`);
      return undefined;
    }
    const out = new Map<string, Entry>();
    for (const pair of (n as YAMLMap<unknown, unknown>).items) {
      const k = this.resolve(pair.key as YNode);
      if (!k || !isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'bigint' && typeof k.value !== 'number')) {
        this.error(this.pos(k ?? (pair as Pair)), `keys of ${what} must be plain words, got ${this.describe(k)}`);
        continue;
      }
      const key = scalarText(k);
      if (key === '<<') {
        this.error(this.pos(k), `YAML merge keys (<<) are not supported in ${what} (YAML 1.2 has none); write the keys out`);
        continue;
      }
      if (!allowed.includes(key)) {
        this.error(this.pos(k), `unknown key "${clip(key)}" in ${what}; expected ${allowed.join(', ')}${didYouMean(key, allowed)}`);
        continue;
      }
      if (out.has(key)) continue; // the YAML library reports duplicate keys
      out.set(key, { key, keyNode: k, value: pair.value as YNode, pos: this.pos(pair as Pair) });
    }
    return out;
  }

  required(m: Map<string, Entry>, key: string, what: string, at: SourcePos): Entry | undefined {
    const e = m.get(key);
    if (!e) this.error(at, `${what} needs "${key}"`);
    return e;
  }

  string(node: YNode, what: string, at?: SourcePos): string | undefined {
    const n = this.resolve(node);
    if (n && isScalar(n) && typeof n.value === 'string') return n.value;
    if (n && isScalar(n) && (typeof n.value === 'bigint' || typeof n.value === 'number')) return String(n.source ?? n.value);
    this.error(n ? this.pos(n) : (at ?? this.pos(n)), `${what} must be a string, got ${this.describe(n)}`);
    return undefined;
  }

  bool(node: YNode, what: string, at?: SourcePos): boolean | undefined {
    const n = this.resolve(node);
    if (n && isScalar(n) && typeof n.value === 'boolean') return n.value;
    this.error(n ? this.pos(n) : (at ?? this.pos(n)), `${what} must be true or false, got ${this.describe(n)}`);
    return undefined;
  }

  /** One of `allowed`: `unknown prot "rwz"; expected none, r, rw, rx, rwx`. */
  enumOf<T extends string>(node: YNode, what: string, allowed: readonly T[], at?: SourcePos): T | undefined {
    const n = this.resolve(node);
    const where = n ? this.pos(n) : (at ?? this.pos(n));
    if (!n || !isScalar(n) || n.value === null || typeof n.value === 'object') {
      this.error(where, `${what} must be one of ${allowed.join(', ')}, got ${this.describe(n)}`);
      return undefined;
    }
    const s = String(n.value);
    if ((allowed as readonly string[]).includes(s)) return s as T;
    const shown = scalarText(n);
    this.error(where, `unknown ${what} "${clip(shown)}"; expected ${allowed.join(', ')}${didYouMean(shown, allowed)}`);
    return undefined;
  }

  /** A whole number as bigint: YAML integers (any size, hex/octal/decimal) or such a number in a string. */
  bigint(node: YNode, what: string, at?: SourcePos): bigint | undefined {
    const n = this.resolve(node);
    const where = n ? this.pos(n) : (at ?? this.pos(n));
    if (n && isScalar(n)) {
      const v = n.value;
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') {
        if (Number.isInteger(v)) return BigInt(v);
        this.error(where, `${what} must be a whole number, got ${this.describe(n)}`);
        return undefined;
      }
      if (typeof v === 'string') {
        const b = parseBigIntText(v);
        if (b !== undefined) return b;
      }
    }
    this.error(where, `${what} must be a whole number (decimal or 0x hex), got ${this.describe(n)}`);
    return undefined;
  }

  /** A safe integer within [min, max]; `limit` names the limits.ts entry when max is a limit. */
  int(node: YNode, what: string, min: number, max: number, at?: SourcePos,
    limit?: { key: keyof ScenarioLimits; message: (v: string) => string }): number | undefined {
    const b = this.bigint(node, what, at);
    if (b === undefined) return undefined;
    const where = this.pos(this.resolve(node), at);
    if (b < BigInt(min)) {
      this.error(where, `${what} must be at least ${min}, got ${b}`);
      return undefined;
    }
    if (b > BigInt(max)) {
      this.error(where, limit ? limit.message(String(b)) : `${what} must be at most ${max}, got ${b}`);
      return undefined;
    }
    return Number(b);
  }

  /** Items of a list (a single non-list value is an error). */
  seq(node: YNode, what: string, at?: SourcePos): YNode[] | undefined {
    const n = this.resolve(node);
    if (n && isSeq(n)) return n.items as YNode[];
    this.error(n ? this.pos(n) : (at ?? this.pos(n)), `${what} must be a list, got ${this.describe(n)}`);
    return undefined;
  }
}

/** `0x1f`, `31`, `-3`, `0o17`, `0b101` with optional `_` separators; undefined when not a whole number. */
export function parseBigIntText(text: string): bigint | undefined {
  const t = text.trim().replace(/_/g, '');
  const m = /^([+-]?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|[0-9]+)$/i.exec(t);
  if (!m || t.length > 200) return undefined;
  const v = BigInt(m[2].toLowerCase().replace(/^0o/, '0o'));
  return m[1] === '-' ? -v : v;
}

/**
 * A scalar as the file writes it, for messages and key names: strings as read, numbers as written (`.nan`, `0x10`,
 * `1e400`, not `NaN` / `16` / `Infinity`), booleans and null as their words.
 */
export function scalarText(n: Scalar): string {
  const v = n.value;
  if (typeof v === 'string') return v;
  if (typeof n.source === 'string' && n.source !== '') return n.source;
  return String(v);
}

export function clip(s: string, max = 40): string {
  // eslint-disable-next-line no-control-regex
  const one = s.replace(/[\r\n\t]/g, ' ').replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

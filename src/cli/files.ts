/** FILE arguments → scenario files: files as given, directories searched for *.hmm.yaml / *.hmm.json. */
import type { CliIo } from './io';

export function isScenarioName(name: string): boolean {
  return name.endsWith('.hmm.yaml') || name.endsWith('.hmm.yml') || name.endsWith('.hmm.json');
}

export interface ExpandedFiles {
  readonly files: string[];
  readonly problems: string[];
}

export function expandFiles(io: CliIo, args: readonly string[]): ExpandedFiles {
  const files: string[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => { if (!seen.has(f)) { seen.add(f); files.push(f); } };
  const walk = (dir: string, depth: number) => {
    if (depth > 32) return;
    let names: string[];
    try {
      names = io.readdir(dir).slice().sort();
    } catch (e) {
      problems.push(`${dir}: cannot read the directory (${e instanceof Error ? e.message : String(e)})`);
      return;
    }
    for (const n of names) {
      if (n === 'node_modules' || n.startsWith('.')) continue;
      const p = io.join(dir, n);
      const s = io.stat(p);
      if (s === 'dir') walk(p, depth + 1);
      else if (s !== undefined && isScenarioName(n)) add(p);
    }
  };
  for (const a of args) {
    const s = io.stat(a);
    if (s === undefined && /[*?]/.test(a)) {
      // shells that do not expand globs (cmd.exe, quoted patterns): expand `*`, `?` and `**` here
      const matches = globFiles(io, a);
      if (matches.length === 0) problems.push(`${a}: no file matches this pattern`);
      for (const m of matches) add(m);
      continue;
    }
    if (s === undefined) problems.push(`${a}: no such file or directory`);
    else if (s === 'dir') {
      const before = files.length;
      walk(a, 0);
      if (files.length === before) problems.push(`${a}: no *.hmm.yaml or *.hmm.json files in this directory`);
    } else add(a);
  }
  return { files, problems };
}

/** `dir/**\/*.hmm.yaml`, `examples/0?-*.hmm.yaml`: files below the pattern's fixed prefix whose path matches, sorted. */
export function globFiles(io: CliIo, pattern: string): string[] {
  const norm = pattern.replace(/\\/g, '/');
  const parts = norm.split('/');
  const fixed: string[] = [];
  while (parts.length > 1 && !/[*?]/.test(parts[0])) fixed.push(parts.shift() as string);
  const base = fixed.length > 0 ? fixed.join('/') || '/' : '.';
  let re = '';
  const rest = parts.join('/');
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '*' && rest[i + 1] === '*') { re += rest[i + 2] === '/' ? '(?:.*/)?' : '.*'; i += rest[i + 2] === '/' ? 2 : 1; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`);
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > 32) return;
    let names: string[];
    try { names = io.readdir(dir).slice().sort(); } catch { return; }
    for (const n of names) {
      if (n === 'node_modules' || n.startsWith('.')) continue;
      const p = io.join(dir, n);
      const r = rel ? `${rel}/${n}` : n;
      const s = io.stat(p);
      if (s === 'dir') walk(p, r, depth + 1);
      else if (s !== undefined && rx.test(r)) out.push(base === '.' ? p.replace(/^\.[\\/]/, '') : p);
    }
  };
  if (io.stat(base) === 'dir') walk(base, '', 0);
  return out;
}

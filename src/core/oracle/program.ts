/**
 * Executor programs: what a real process does to reproduce a scenario (kernel/executor/PROGRAM.md, version 1).
 * src/core/oracle/lower.ts builds them from scenarios; kernel/executor/hmm_exec.c runs them inside the VM (or on the
 * host) and prints what the kernel returned, which ./output.ts reads back.
 */
import type { Prot } from '../scenario/ast';

export type DeviceMapFlag = 'pfnmap' | 'io' | 'mixedmap' | 'wrnotify';

export type Backing =
  | { readonly kind: 'anon' }
  | { readonly kind: 'file' }
  | { readonly kind: 'hugetlb'; readonly size: '2M' | '1G' }
  | { readonly kind: 'dev'; readonly flags: readonly DeviceMapFlag[] };

/** A probe device index (the scenario's first two devices), or none. */
export type Owner = -1 | 0 | 1;

export type WalkMode = 'once' | 'retry' | 'retry-refill';

export type ProgramOp =
  | { readonly op: 'mmap'; readonly addr: bigint; readonly pages: number; readonly prot: Prot;
      readonly shared: boolean; readonly backing: Backing; readonly populate: boolean }
  | { readonly op: 'munmap' | 'read' | 'write'; readonly addr: bigint; readonly pages: number }
  | { readonly op: 'mprotect'; readonly addr: bigint; readonly pages: number; readonly prot: Prot }
  | { readonly op: 'fork' }
  | { readonly op: 'madvise'; readonly addr: bigint; readonly pages: number;
      readonly advice: 'hugepage' | 'nohugepage' | 'dontneed' | 'pageout' | 'hwpoison' }
  | { readonly op: 'migrate'; readonly addr: bigint; readonly pages: number; readonly to: 0 | 1 | 'system' }
  | { readonly op: 'exclusive'; readonly addr: bigint; readonly pages: number; readonly dev: 0 | 1 }
  | { readonly op: 'insert'; readonly addr: bigint; readonly pages: number; readonly kind: 'page' | 'special' }
  | { readonly op: 'uffd-wp'; readonly addr: bigint; readonly pages: number }
  | { readonly op: 'walk'; readonly id: number; readonly addr: bigint; readonly pages: number;
      readonly defaultFlags: bigint; readonly mask: bigint; readonly owner: Owner; readonly mode: WalkMode;
      /** input words, as runs: words[first .. first+count) = word */
      readonly input: readonly { readonly first: number; readonly count: number; readonly word: bigint }[] };

const hex = (v: bigint): string => `0x${v.toString(16)}`;

function backingText(b: Backing): string {
  switch (b.kind) {
    case 'anon': case 'file': return b.kind;
    case 'hugetlb': return `hugetlb-${b.size}`;
    case 'dev': return `dev:${b.flags.join(',')}`;
  }
}

/** The program lines of one operation (a walk takes several: walk, in…, go). */
export function opLines(o: ProgramOp): string[] {
  switch (o.op) {
    case 'mmap':
      return [`mmap ${hex(o.addr)} ${o.pages} ${o.prot} ${o.shared ? 'shared' : 'private'} ${backingText(o.backing)}${o.populate ? ' populate' : ''}`];
    case 'munmap': case 'read': case 'write': case 'uffd-wp':
      return [`${o.op} ${hex(o.addr)} ${o.pages}`];
    case 'mprotect': return [`mprotect ${hex(o.addr)} ${o.pages} ${o.prot}`];
    case 'fork': return ['fork'];
    case 'madvise': return [`madvise ${hex(o.addr)} ${o.pages} ${o.advice}`];
    case 'migrate': return [`migrate ${hex(o.addr)} ${o.pages} ${o.to}`];
    case 'exclusive': return [`exclusive ${hex(o.addr)} ${o.pages} ${o.dev}`];
    case 'insert': return [`insert ${hex(o.addr)} ${o.pages} ${o.kind}`];
    case 'walk':
      return [`walk ${o.id} ${hex(o.addr)} ${o.pages} ${hex(o.defaultFlags)} ${hex(o.mask)} ${o.owner} ${o.mode}`,
        ...o.input.map((r) => `in ${r.first} ${r.count} ${hex(r.word)}`), 'go'];
  }
}

/** Input words as runs of equal values, zeros left out (the executor starts from zeros). */
export function inputRuns(words: BigUint64Array | undefined): { first: number; count: number; word: bigint }[] {
  const runs: { first: number; count: number; word: bigint }[] = [];
  if (!words) return runs;
  for (let i = 0; i < words.length;) {
    const w = words[i];
    let j = i + 1;
    while (j < words.length && words[j] === w) j++;
    if (w !== 0n) runs.push({ first: i, count: j - i, word: w });
    i = j;
  }
  return runs;
}

export interface ProgramText {
  readonly text: string;
  /** for each program line (index = line - 1), the index of the operation it belongs to (-1: the header) */
  readonly lineOp: readonly number[];
}

/** The program's text: the header `hmm-exec 1 NAME`, then every operation. */
export function programText(name: string, ops: readonly ProgramOp[]): ProgramText {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`program name "${name}" must be letters, digits, '.', '_' or '-'`);
  const lines = [`hmm-exec 1 ${name}`];
  const lineOp = [-1];
  ops.forEach((o, i) => {
    for (const l of opLines(o)) {
      lines.push(l);
      lineOp.push(i);
    }
  });
  return { text: lines.join('\n') + '\n', lineOp };
}

/** The scenario files the kernel layer runs on every kernel: shared by the oracle and the capture tests. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname ?? __dirname, '..', '..');
export const KERNELS = ['debian-6.1', 'debian-6.12', 'devpriv-6.1'] as const;

/** The `*.hmm.yaml` files under `dir` (relative to the repository), recursively, sorted. */
export function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(join(root, dir)).sort()) {
    const p = join(dir, n);
    if (statSync(join(root, p)).isDirectory()) out.push(...scenarioFiles(p));
    else if (n.endsWith('.hmm.yaml')) out.push(p);
  }
  return out;
}

/**
 * Shared by the kernel-fidelity tests (test/unit/fidelity-*.test.ts). Bit positions are written out here on purpose
 * (VALID 63, WRITE 62, ERROR 61; order at 56 for 5.10–6.15 and at 53 for 6.16+; DMA_MAPPED 60, P2PDMA 59,
 * P2PDMA_BUS 58), independently of src/core/layouts, so a layout bug cannot hide a walk bug.
 */
import assert from 'node:assert/strict';
import { runScenarioText, formatDiagnostic, type WalkResult } from '../../src/core/index';

export const VALID = 1n << 63n;
export const WRITE = 1n << 62n;
export const ERROR = 1n << 61n;
export const FLAGS3 = VALID | WRITE | ERROR;
export const DMA_MAPPED = 1n << 60n;
export const P2PDMA = 1n << 59n;
export const P2PDMA_BUS = 1n << 58n;

export const order53 = (x: bigint): number => Number((x >> 53n) & 31n);
export const order56 = (x: bigint): number => Number((x >> 56n) & 31n);
export const pfn53 = (x: bigint): bigint => x & ((1n << 53n) - 1n);

/** Runs a scenario body (steps) on `kernel` with devices gpu0 and gpu1; `extra` adds top-level keys. */
export function runAll(kernel: string, body: string, extra = '') {
  const text = `hmm: 1\nkernel: ${kernel}\n${extra}devices: [gpu0, gpu1]\nsteps:\n${body}`;
  return runScenarioText(text, 'fidelity.hmm.yaml');
}

/** The walk results of a scenario that must have no errors. */
export function run(kernel: string, body: string, extra = ''): WalkResult[] {
  const r = runAll(kernel, body, extra);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic), [], body);
  return [...r.result!.walks];
}

/** 'VW' / 'V' / 'E' / '0' for the three modern flag bits of each word. */
export function kinds(w: WalkResult): string[] {
  return [...w.pfns].map((x) => {
    const f = x & FLAGS3;
    if (f === 0n) return '0';
    return (f & VALID ? 'V' : '') + (f & WRITE ? 'W' : '') + (f & ERROR ? 'E' : '');
  });
}

/** Page indexes handle_mm_fault() was called for, in every attempt. */
export function faultedPages(w: WalkResult): number[] {
  const out: number[] = [];
  for (const e of w.trace) if (e.fn === 'handle_mm_fault') for (let i = e.first; i < e.end; i++) out.push(i);
  return out;
}

/** Invalidations that bumped the walk's own interval. */
export function bumps(w: WalkResult): number {
  return w.trace.filter((e) => e.fn === 'mmu_notifier_invalidate' && /bumped/.test(e.rule)).length;
}

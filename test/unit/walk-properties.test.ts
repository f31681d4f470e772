/**
 * Property tests of the simulated hmm_range_fault() over random address spaces (fast-check, fixed seed).
 * HMM_PROPERTY_RUNS=2000 node --import tsx --test test/unit/walk-properties.test.ts runs a larger search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { behaviourForKernel, type Behaviour } from '../../src/core/behaviour';
import { decodePfn, getLayout, layoutForKernel, type PfnLayout } from '../../src/core/layouts';
import { Process, SimError } from '../../src/core/mm/process';
import { doMmap, doMprotect, doMunmap } from '../../src/core/mm/mmap';
import { doAccess, doFork } from '../../src/core/mm/access';
import { doMadvise } from '../../src/core/mm/madvise';
import { doMigrate } from '../../src/core/mm/migrate';
import { doSet } from '../../src/core/mm/set';
import { isLeaf } from '../../src/core/mm/pagetable';
import { driverWalk, type WalkOutcome } from '../../src/core/walk/driver-loop';
import type { DuringHook } from '../../src/core/walk/state';
import type { PteStateSpec, Prot } from '../../src/core/scenario/ast';

const RUNS = Number((globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.HMM_PROPERTY_RUNS ?? 200);
const SEED = 42;
const PAGES = 40;
const BASE = 0x7f0000000; // vpn of 0x7f0000000000

type Op =
  | { op: 'write' | 'read' | 'dontneed' | 'pageout' | 'hugepage' | 'munmap'; at: number; n: number }
  | { op: 'mprotect'; at: number; n: number; prot: Prot }
  | { op: 'fork' }
  | { op: 'migrate'; at: number; n: number; to: string }
  | { op: 'set'; at: number; n: number; pte: PteStateSpec };

const range = fc.integer({ min: 0, max: PAGES - 1 }).chain((at) => fc.record({ at: fc.constant(at), n: fc.integer({ min: 1, max: PAGES - at }) }));

function opArb(modernOnly: boolean): fc.Arbitrary<Op> {
  const states: fc.Arbitrary<PteStateSpec>[] = [
    fc.constant({ state: 'none' } as PteStateSpec), fc.constant({ state: 'swap' } as PteStateSpec),
    fc.constant({ state: 'hwpoison' } as PteStateSpec), fc.constant({ state: 'zero' } as PteStateSpec),
    fc.boolean().map((write) => ({ state: 'present', write }) as PteStateSpec),
    fc.boolean().map((write) => ({ state: 'migration', write }) as PteStateSpec),
    fc.record({ device: fc.constantFrom('gpu0', 'gpu1'), write: fc.boolean() }).map((r) => ({ state: 'device_private', ...r }) as PteStateSpec),
  ];
  if (modernOnly) {
    states.push(fc.constant({ state: 'protnone' } as PteStateSpec));
    states.push(fc.constantFrom('guard', 'uffd_wp', 'poisoned').map((marker) => ({ state: 'marker', marker }) as PteStateSpec));
    states.push(fc.constantFrom('gpu0', 'gpu1').map((device) => ({ state: 'device_exclusive', device }) as PteStateSpec));
  }
  return fc.oneof(
    range.map((r) => ({ op: 'write', ...r }) as Op),
    range.map((r) => ({ op: 'read', ...r }) as Op),
    range.chain((r) => fc.constantFrom<Prot>('none', 'r', 'rw').map((prot) => ({ op: 'mprotect', ...r, prot }) as Op)),
    fc.constant({ op: 'fork' } as Op),
    range.chain((r) => fc.constantFrom('dontneed', 'pageout', 'hugepage', 'munmap').map((op) => ({ op, ...r }) as Op)),
    range.chain((r) => fc.constantFrom('gpu0', 'gpu1', 'system').map((to) => ({ op: 'migrate', ...r, to }) as Op)),
    range.chain((r) => fc.oneof(...states).map((pte) => ({ op: 'set', ...r, pte }) as Op)),
  );
}

function apply(p: Process, o: Op): void {
  try {
    switch (o.op) {
      case 'write': case 'read': doAccess(p, BASE + o.at, o.n, o.op === 'write'); break;
      case 'mprotect': doMprotect(p, BASE + o.at, o.n, o.prot); break;
      case 'fork': doFork(p); break;
      case 'munmap': doMunmap(p, BASE + o.at, o.n); break;
      case 'dontneed': case 'pageout': case 'hugepage': doMadvise(p, BASE + o.at, o.n, o.op); break;
      case 'migrate': doMigrate(p, BASE + o.at, o.n, o.to); break;
      case 'set': doSet(p, BASE + o.at, o.n, o.pte); break;
    }
  } catch (e) {
    if (!(e instanceof SimError)) throw e;
  }
}

function build(kernel: string, ops: Op[]): { p: Process; b: Behaviour } {
  const b = behaviourForKernel(kernel) as Behaviour;
  const p = new Process(4096, ['gpu0', 'gpu1'], b);
  doMmap(p, { start: BASE, pages: PAGES, prot: 'rw', flags: { shared: false, file: false, pfnmap: false, io: false, mixedmap: false, populate: false } });
  for (const o of ops) apply(p, o);
  return { p, b };
}

/** Everything a walk could change: VMAs, every table slot, leaves, notifier state. */
function dump(p: Process): string {
  const tables: unknown[] = [];
  for (const [k, pud] of p.pt.pgd) {
    pud.slots.forEach((ps, b) => {
      if (!ps) return;
      if (isLeaf(ps)) { tables.push([k, b, { ...ps }]); return; }
      ps.slots.forEach((s, c) => { if (s) tables.push([k, b, c, isLeaf(s) ? { ...s } : [...s]]); });
    });
  }
  const vmas = p.vmas.list.map((v) => ({ ...v, file: v.file?.id ?? null }));
  return JSON.stringify({ tables, vmas, seq: p.notifier.invalidateSeq, inv: p.notifier.history.length, ram: (p.phys as unknown as { nextRam: number }).nextRam });
}

interface WalkArgs { mode: 0 | 1 | 2; owner?: string; inputs: number[]; retry: boolean; during: { after: number; op: Op }[] }

const walkArb = (modernOnly: boolean): fc.Arbitrary<WalkArgs> => fc.record({
  mode: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
  owner: fc.option(fc.constantFrom('gpu0', 'gpu1'), { nil: undefined }),
  inputs: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: PAGES, maxLength: PAGES }),
  retry: fc.boolean(),
  during: fc.array(fc.record({ after: fc.integer({ min: 0, max: PAGES }), op: opArb(modernOnly) }), { maxLength: 2 }),
});

function walk(p: Process, b: Behaviour, layout: PfnLayout, a: WalkArgs): { out: WalkOutcome; input: BigUint64Array; def: bigint; mask: bigint } {
  const valid = layout.flags.find((f) => f.name === 'VALID')!.mask;
  const write = layout.flags.find((f) => f.name === 'WRITE')!.mask;
  const def = a.mode === 0 ? 0n : a.mode === 1 ? valid : valid | write;
  // per-page requests through pfn_flags_mask in "mode 0"
  const mask = a.mode === 0 ? valid | write : 0n;
  const input = new BigUint64Array(PAGES);
  a.inputs.forEach((r, i) => { input[i] = (r & 1 ? valid : 0n) | (r & 2 ? write : 0n); });
  const during: DuringHook[] = a.during.map((d) => ({ afterPages: d.after, run: () => { apply(p, d.op); return d.op.op; } }));
  const out = driverWalk(p, b, layout, { start: BASE, pages: PAGES, defaultFlags: def, pfnFlagsMask: mask, input, owner: a.owner, retry: a.retry, during });
  return { out, input, def, mask };
}

test('property: a snapshot never changes the address space', () => {
  fc.assert(fc.property(fc.array(opArb(true), { maxLength: 12 }), fc.option(fc.constantFrom('gpu0', 'gpu1'), { nil: undefined }), (ops, owner) => {
    const { p, b } = build('latest', ops);
    const before = dump(p);
    const layout = layoutForKernel('latest');
    driverWalk(p, b, layout, { start: BASE - 4, pages: PAGES + 8, defaultFlags: 0n, pfnFlagsMask: 0n, input: new BigUint64Array(PAGES + 8), owner, retry: true, during: [] });
    assert.equal(dump(p), before);
  }), { seed: SEED, numRuns: RUNS });
});

test('property: a successful faulting walk leaves every REQ_FAULT page VALID and every REQ_WRITE page WRITE (except owned device-private pages)', () => {
  fc.assert(fc.property(fc.array(opArb(true), { maxLength: 12 }), walkArb(true), (ops, a) => {
    const { p, b } = build('latest', ops);
    const layout = layoutForKernel('latest');
    const { out, input, def, mask } = walk(p, b, layout, a);
    if (out.ret !== 0) return;
    for (let i = 0; i < PAGES; i++) {
      const req = (input[i] & mask) | def;
      const d = decodePfn(out.pfns[i], layout);
      if (req >> 63n) {
        assert.ok(d.flags.includes('VALID'), `page ${i}: REQ_FAULT but ${d.flags.join(' ')}`);
        const owned = a.owner !== undefined && p.phys.deviceOf(Number(d.pfn)) === a.owner;
        if ((req >> 62n) & 1n && !owned) assert.ok(d.flags.includes('WRITE'), `page ${i}: REQ_WRITE but ${d.flags.join(' ')}`);
      }
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: -EBUSY from hmm_range_fault keeps the input words from `last` on', () => {
  fc.assert(fc.property(fc.array(opArb(true), { maxLength: 12 }), walkArb(true), (ops, a) => {
    const { p, b } = build('latest', ops);
    const layout = layoutForKernel('latest');
    const { out, input } = walk(p, b, layout, { ...a, retry: false });
    if (out.ret !== -16) return;
    const ev = out.trace.find((e) => e.fn === 'mmu_interval_check_retry');
    if (!ev) return; // -EBUSY from the driver's read_retry after a complete walk: every word is an output
    for (let i = ev.first; i < PAGES; i++) assert.equal(out.pfns[i], input[i], `page ${i} (last = ${ev.first})`);
  }), { seed: SEED, numRuns: RUNS });
});

test('property: the same walk on v5.7 (legacy amdgpu layout) and v5.8 (fixed layout) describes the same page states', () => {
  const legacy = getLayout('legacy:amdgpu@v5.7')!;
  const modern = layoutForKernel('v5.8');
  fc.assert(fc.property(fc.array(opArb(false), { maxLength: 12 }), walkArb(false), (ops, a) => {
    const args = { ...a, during: [] };
    const x = build('v5.7', ops);
    const y = build('v5.8', ops);
    const l = walk(x.p, x.b, legacy, args).out;
    const m = walk(y.p, y.b, modern, args).out;
    assert.equal(l.ret < 0 ? l.ret : 0, m.ret);
    if (m.ret !== 0) return;
    for (let i = 0; i < PAGES; i++) {
      const dl = decodePfn(l.pfns[i], legacy);
      const dm = decodePfn(m.pfns[i], modern);
      const ls = dl.value ? (dl.value === 'NONE' ? '0' : dl.value) : `${dl.flags.join(' ')} ${dl.pfn}`;
      const ms = dm.flags.length === 0 ? '0' : dm.flags.includes('ERROR') ? 'ERROR' : `${dm.flags.join(' ')} ${dm.pfn}`;
      assert.equal(ls, ms, `page ${i}`);
    }
  }), { seed: SEED, numRuns: RUNS });
});

test('property: runs are deterministic (same words, same trace)', () => {
  fc.assert(fc.property(fc.array(opArb(true), { maxLength: 12 }), walkArb(true), (ops, a) => {
    const layout = layoutForKernel('latest');
    const x = build('latest', ops);
    const y = build('latest', ops);
    const r1 = walk(x.p, x.b, layout, a).out;
    const r2 = walk(y.p, y.b, layout, a).out;
    assert.equal(r1.ret, r2.ret);
    assert.deepEqual([...r1.pfns], [...r2.pfns]);
    assert.deepEqual(r1.trace, r2.trace);
  }), { seed: SEED, numRuns: Math.max(20, Math.floor(RUNS / 4)) });
});

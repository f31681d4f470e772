/**
 * The batched paths give what the page-by-page paths give:
 *  - faultAnonNoneRun (hmm_vma_fault and CPU read/write over none PTEs of an anonymous VMA) makes the same PTEs, page
 *    tables and pfn allocation order as handle_mm_fault() called on each page;
 *  - a walk with an all-zero input (`inputZero`: no copy, no sticky-bit reads, uniform request, run-at-a-time PTE
 *    stores) gives the same words, return, trace and address space as the general per-page path (sticky stores,
 *    per-page need-fault through a non-zero pfn_flags_mask that selects only an in/out bit);
 *  - huge PMD runs stored in one loop (hugePmdRun) give the per-PMD words and trace.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { behaviourForKernel, type Behaviour } from '../../src/core/behaviour';
import { layoutForKernel } from '../../src/core/layouts';
import type { PteStateSpec } from '../../src/core/scenario/ast';
import { doAccess } from '../../src/core/mm/access';
import { ANON_READ_FAULT, ANON_WRITE_FAULT, faultAnonNoneRun, handleMmFault } from '../../src/core/mm/fault';
import { doMadvise } from '../../src/core/mm/madvise';
import { doMmap } from '../../src/core/mm/mmap';
import { Process } from '../../src/core/mm/process';
import { doSet } from '../../src/core/mm/set';
import { driverWalk } from '../../src/core/walk/driver-loop';
import { parseScenario } from '../../src/core/scenario/parse';
import { runScenario } from '../../src/core/scenario/run';
import { prng } from '../../bench/scenarios';

const ANON = { shared: false, file: false, pfnmap: false, io: false, mixedmap: false, populate: false };
const PMD = 512;

function behaviour(kernel: string): Behaviour {
  const b = behaviourForKernel(kernel);
  assert.ok(!('error' in b));
  return b;
}


const STATES: PteStateSpec[] = [
  { state: 'none' }, { state: 'swap' }, { state: 'zero' }, { state: 'present', write: true }, { state: 'present', write: false },
  { state: 'migration', write: true }, { state: 'device_private', device: 'gpu0', write: true },
  { state: 'device_private', device: 'gpu1', write: false }, { state: 'hwpoison' }, { state: 'protnone' },
];

/** An address space with runs of mixed PTE states, holes (no PTE table), a THP-eligible part and a written part. */
function build(kernel: string, seed: number, pages: number): { p: Process; s: number } {
  const p = new Process(4096, ['gpu0', 'gpu1'], behaviour(kernel));
  const s = doMmap(p, { pages, prot: 'rw', flags: ANON });
  const rnd = prng(seed);
  doAccess(p, s + 3 * PMD + 7, 900, true);
  doAccess(p, s + 6 * PMD + 1, 300, false);
  for (let off = 8 * PMD; off < pages - 4 * PMD;) {
    off += 1 + Math.floor(rnd() * 40);
    const len = Math.min(1 + Math.floor(rnd() * 40), pages - 4 * PMD - off);
    if (len <= 0) break;
    doSet(p, s + off, len, STATES[Math.floor(rnd() * STATES.length)]);
    off += len;
  }
  // the last 2 MiB-aligned PMDs: THP eligible (faults there map huge pages, not PTEs)
  const thp = Math.ceil((s + pages - 3 * PMD) / PMD) * PMD;
  doMadvise(p, thp, s + pages - thp, 'hugepage');
  return { p, s };
}

/** Every PTE word pair and leaf of [s, s + pages), and what the next allocation would return. */
function snapshotOf(p: Process, s: number, pages: number): string {
  const parts: string[] = [];
  for (let v = s; v < s + pages; v++) {
    const leaf = p.pt.pmdLeaf(v);
    if (leaf) parts.push(`L${leaf.kind}:${leaf.pfn}:${leaf.write}`);
    else parts.push(p.pt.getPte(v).join(':'));
  }
  parts.push(`next=${p.phys.allocRam()}`);
  return parts.join(',');
}

for (const write of [false, true]) {
  test(`faultAnonNoneRun = handle_mm_fault() page by page (${write ? 'write' : 'read'} faults, mixed states)`, () => {
    const pages = 24 * PMD;
    const a = build('v6.19', 11, pages);
    const b = build('v6.19', 11, pages);
    const vmaA = a.p.vmas.find(a.s)!;
    const vmaB = b.p.vmas.find(b.s)!;
    const whatA: string[] = [];
    const whatB: string[] = [];
    for (let v = a.s; v < a.s + pages; v++) whatA.push(handleMmFault(a.p, vmaA, v, write).what);
    let batched = 0;
    for (let v = b.s; v < b.s + pages; v++) {
      const n = faultAnonNoneRun(b.p, vmaB, v, b.s + pages, write);
      if (n > 0) {
        for (let k = 0; k < n; k++) whatB.push(write ? ANON_WRITE_FAULT : ANON_READ_FAULT);
        batched += n;
        v += n - 1;
        continue;
      }
      whatB.push(handleMmFault(b.p, vmaB, v, write).what);
    }
    assert.ok(batched > 4 * PMD, `the batch took ${batched} pages`);
    assert.deepEqual(whatB, whatA);
    assert.equal(snapshotOf(b.p, b.s, pages), snapshotOf(a.p, a.s, pages));
    assert.equal(vmaB.anonVma !== undefined, vmaA.anonVma !== undefined);
  });
}

for (const kernel of ['v5.6', 'v5.8', 'v6.16', 'v6.19']) {
  for (const mode of ['snapshot', 'fault', 'fault_write'] as const) {
    test(`a zero-input walk = the per-page path (${kernel}, ${mode})`, () => {
      const pages = 24 * PMD;
      const layout = layoutForKernel(kernel);
      const valid = layout.flags.find((f) => f.name === 'VALID')!.mask;
      const wr = layout.flags.find((f) => f.name === 'WRITE')!.mask;
      const defaultFlags = mode === 'snapshot' ? 0n : mode === 'fault' ? valid : valid | wr;
      // a pfn_flags_mask bit that is no request flag: forces per-page need-fault without changing any request
      let inert = 1n << 62n;
      while (layout.flags.some((f) => (f.mask & inert) !== 0n)) inert >>= 1n;
      const run = (fast: boolean) => {
        const { p, s } = build(kernel, 5, pages);
        const b = behaviour(kernel);
        const out = driverWalk(p, b, layout, {
          start: s, pages, defaultFlags, pfnFlagsMask: fast ? 0n : inert, input: fast ? undefined : new BigUint64Array(pages),
          owner: 'gpu0', retry: true, during: [],
        });
        return { out, state: snapshotOf(p, s, pages) };
      };
      const fast = run(true);
      const slow = run(false);
      assert.equal(fast.out.ret, slow.out.ret);
      assert.equal(fast.out.calls, slow.out.calls);
      assert.equal(fast.out.faulted, slow.out.faulted);
      assert.deepEqual([...fast.out.pfns], [...slow.out.pfns]);
      assert.deepEqual(fast.out.trace, slow.out.trace);
      assert.equal(fast.state, slow.state);
    });
  }
}

test('huge PMD runs stored in one loop (hugePmdRun) = the per-PMD path: words, trace and last, across VMAs and a PUD boundary', () => {
  // 1 GiB + 8 MiB from a PUD-aligned start: THP rw, huge zero PMDs, a read-only VMA in the middle, THPs across the
  // PUD boundary (a second PMD table), then the same walks with a `during` step due only after the last page, which
  // keeps the walk on its per-PMD path (hugePmdRun never runs while a `during` step is pending)
  const pages = 262144 + 2048;
  for (const kernel of ['v6.16', 'v5.10', 'v5.7']) {
    for (const [at, n] of [[0, pages], [100, pages - 300], [512 * 7 + 5, 512 * 40]] as const) {
      const text = (during: boolean) => `hmm: 1\nkernel: ${kernel}\n${kernel === 'v5.7' ? 'legacy: test_hmm\n' : ''}steps:\n`
        + `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`
        + '  - mmap: { name: other, pages: 4, prot: rw, flags: [private, anonymous] }\n'
        + `  - madvise: { at: buf, pages: ${pages}, advice: hugepage }\n`
        + '  - write: { at: buf, pages: 131072 }\n'
        + '  - read: { at: buf+131072, pages: 1024 }\n'
        + `  - write: { at: buf+132096, pages: ${pages - 132096} }\n`
        + '  - mprotect: { at: buf+4096, pages: 2048, prot: r }\n'
        + `  - walk: { name: w, at: buf+${at}, pages: ${n}, mode: snapshot${during ? `, during: [{ after_pages: ${n}, step: { read: { at: other, pages: 1 } } }]` : ''} }\n`;
      const run = (during: boolean) => {
        const parsed = parseScenario(text(during), 'thp-runs.hmm.yaml');
        assert.ok(parsed.scenario, JSON.stringify(parsed.diagnostics));
        const r = runScenario(parsed.scenario);
        assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
        return r.walks[0];
      };
      const fast = run(false);
      const slow = run(true);
      const label = `${kernel} [${at}, +${n})`;
      assert.equal(fast.ret, slow.ret, label);
      assert.ok(fast.pfns.every((x, i) => x === slow.pfns[i]), `${label}: the same words`);
      const events = (w: typeof fast) => w.trace.filter((e) => e.kind !== 'during').map((e) => JSON.stringify(e));
      assert.deepEqual(events(fast), events(slow), `${label}: the same trace`);
      assert.ok(fast.trace.some((e) => e.state === 'pmd:thp-rw') && fast.trace.some((e) => e.state === 'pmd:thp-ro'), `${label}: writable and read-only THP PMDs walked`);
      if (at + n > 132096) assert.ok(fast.trace.some((e) => e.state === 'pmd:huge-zero'), `${label}: huge zero PMDs walked`);
    }
  }
});

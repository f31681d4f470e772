/**
 * Comparing a walk of the simulator with the same walk of a real kernel (../shared/docs/real-kernel.md,
 * "Comparing words with the simulator"). Real pfns are not the simulator's synthetic pfns, so words are compared
 * after normalisation:
 *  - every bit outside the pfn field (flags, the map order) exactly;
 *  - a word without VALID word for word (ERROR, 0, an input word the kernel left alone);
 *  - for a VALID word, what the pfn is: the shared zero page, the huge zero page, a device-private page of device
 *    0 or 1, or ordinary memory — on both sides the same;
 *  - pfn structure on the kernel's side: inside an order-N block the pfns are consecutive and aligned, i.e. the pfn
 *    and the virtual page number agree modulo 2^N;
 *  - page identity across the walks of a scenario: a page the simulator saw before is the kernel page seen for it
 *    then (same page → same pfn); within one walk, two pages the simulator keeps apart are two kernel pages; and a
 *    kernel page seen before for another simulator page, with nothing freed in between, means the kernel kept a page
 *    where the simulator made a new one (a missing copy-on-write). An order-N block counts as one page, named by its
 *    first pfn;
 *  - the return code, the number of hmm_range_fault() calls and the stale flag exactly.
 */
import type { PfnLayout } from '../layouts/types';
import { DEVICE_BASE_PFN, DEVICE_SPAN_PFNS, HUGE_ZERO_PFN, ZERO_PFN } from '../mm/phys';

export type PfnClass = 'zero' | 'huge-zero' | 'ram' | 'dev0' | 'dev1' | 'dev-other' | 'no-page';

/** Facts the probe reports per VALID word (HMM_PROBE_FACT_* in kernel/probe/hmm_probe_uapi.h). */
export const FACT = {
  ZERO: 1 << 0, HUGE_ZERO: 1 << 1, DEV0: 1 << 2, DEV1: 1 << 3, DEV_OTHER: 1 << 4, NO_PAGE: 1 << 5,
  COMPOUND: 1 << 6, ANON: 1 << 7,
} as const;

/** What a simulator pfn is (src/core/mm/phys.ts fixes the zero pages and the device ranges). */
export function simPfnClass(pfn: bigint, pmdPages: number): PfnClass {
  if (pfn === BigInt(ZERO_PFN)) return 'zero';
  if (pfn >= BigInt(HUGE_ZERO_PFN) && pfn < BigInt(HUGE_ZERO_PFN + pmdPages)) return 'huge-zero';
  if (pfn >= BigInt(DEVICE_BASE_PFN)) {
    const d = Number((pfn - BigInt(DEVICE_BASE_PFN)) / BigInt(DEVICE_SPAN_PFNS));
    return d === 0 ? 'dev0' : d === 1 ? 'dev1' : 'dev-other';
  }
  return 'ram';
}

export function kernelPfnClass(facts: number): PfnClass {
  if (facts & FACT.ZERO) return 'zero';
  if (facts & FACT.HUGE_ZERO) return 'huge-zero';
  if (facts & FACT.DEV0) return 'dev0';
  if (facts & FACT.DEV1) return 'dev1';
  if (facts & FACT.DEV_OTHER) return 'dev-other';
  if (facts & FACT.NO_PAGE) return 'no-page';
  return 'ram';
}

const CLASS_TEXT: Record<PfnClass, string> = {
  zero: 'the shared zero page', 'huge-zero': 'the huge zero page', ram: 'an ordinary page',
  dev0: 'a device-private page of device 0', dev1: 'a device-private page of device 1',
  'dev-other': 'a device-private page of another owner', 'no-page': 'a pfn without a struct page',
};

/** One side of a comparison: a walk's outcome and, per word, what its pfn is. */
export interface WalkSide {
  readonly ret: number;
  readonly calls: number;
  readonly stale: boolean;
  readonly words: BigUint64Array;
  /** what the pfn `pfn` (the pfn field of word `index`) is */
  classOf(index: number, pfn: bigint): PfnClass;
}

export interface PageDifference {
  readonly index: number;
  readonly sim: bigint;
  readonly kernel: bigint;
  readonly why: string;
}

export interface WalkComparison {
  readonly agree: boolean;
  /** return code, calls, stale, page count: what differs, in words */
  readonly outcome: readonly string[];
  /** the first differing pages (at most `maxListed`) */
  readonly pages: readonly PageDifference[];
  /** how many pages differ in all */
  readonly differing: number;
  /** the indices of the differing pages, in order (at most MAX_DIFFERING_INDICES) */
  readonly indices: readonly number[];
}

/** Differing pages whose indices a comparison keeps (for the inspector's highlighting). */
export const MAX_DIFFERING_INDICES = 1 << 20;

/**
 * Page identity across the walks of one scenario. `freed()` marks a step that may free pages (munmap, MADV_DONTNEED,
 * MADV_PAGEOUT, migration …): a kernel pfn seen before it may since have been reused for a new page.
 */
export class PageIdentity {
  private readonly forward = new Map<bigint, { kernel: bigint; walk: number; index: number }>();
  private readonly reverse = new Map<bigint, { sim: bigint; epoch: number; walk: number; index: number }>();
  private epoch = 0;
  freed(): void {
    this.epoch++;
  }

  /**
   * Checks (and records) that simulator page `sim` is kernel page `kernel` at `index` of walk `walk`.
   * Returns why not, or undefined.
   */
  check(sim: bigint, kernel: bigint, cls: PfnClass, walk: number, index: number, thisWalk: Map<bigint, bigint>): string | undefined {
    const seen = this.forward.get(sim);
    if (seen && seen.kernel !== kernel) {
      return `the simulator shows the page it showed at walk ${seen.walk + 1} page ${seen.index}; the kernel shows a different page there (pfn 0x${seen.kernel.toString(16)} then, 0x${kernel.toString(16)} now)`;
    }
    const inWalk = thisWalk.get(kernel);
    if (inWalk !== undefined && inWalk !== sim) {
      return `the kernel maps one page (pfn 0x${kernel.toString(16)}) where the simulator has two different pages`;
    }
    const before = this.reverse.get(kernel);
    if (before && before.sim !== sim && before.epoch === this.epoch && cls === 'ram') {
      return `the kernel still shows the page it showed at walk ${before.walk + 1} page ${before.index} (pfn 0x${kernel.toString(16)}), where the simulator has a new page (a copy-on-write or a new allocation the kernel did not make)`;
    }
    thisWalk.set(kernel, sim);
    if (!seen) this.forward.set(sim, { kernel, walk, index });
    this.reverse.set(kernel, { sim, epoch: this.epoch, walk, index });
    return undefined;
  }
}

/** Compares the simulator's walk `sim` with the kernel's walk `kernel` over `pages` pages starting at `startVpn`. */
export function compareWalk(sim: WalkSide, kernel: WalkSide, layout: PfnLayout, startVpn: bigint,
  identity: PageIdentity, walk: number, maxListed = 8): WalkComparison {
  const outcome: string[] = [];
  if (sim.ret !== kernel.ret) outcome.push(`return code: simulator ${sim.ret}, kernel ${kernel.ret}`);
  if (sim.calls !== kernel.calls) outcome.push(`hmm_range_fault() calls: simulator ${sim.calls}, kernel ${kernel.calls}`);
  if (sim.stale !== kernel.stale) {
    outcome.push(`stale (mmu_interval_read_retry() after a single call): simulator ${sim.stale}, kernel ${kernel.stale}`);
  }
  if (sim.words.length !== kernel.words.length) {
    outcome.push(`pages: simulator ${sim.words.length}, kernel ${kernel.words.length}`);
    return { agree: false, outcome, pages: [], differing: Math.max(sim.words.length, kernel.words.length), indices: [] };
  }
  const pfnMask = layout.era === 'modern' ? layout.pfnMask : (1n << 64n) - 1n;
  const valid = layout.flags.find((f) => f.name === 'VALID')?.mask ?? 0n;
  const orderShift = layout.order ? BigInt(layout.order.shift) : -1n;
  const orderMask = layout.order ? (1n << BigInt(layout.order.bits)) - 1n : 0n;
  const pages: PageDifference[] = [];
  const indices: number[] = [];
  let differing = 0;
  const thisWalk = new Map<bigint, bigint>();
  let lastBlockSim = -1n;
  let lastBlockKernel = -1n;
  const note = (index: number, why: string): void => {
    differing++;
    if (indices.length < MAX_DIFFERING_INDICES) indices.push(index);
    if (pages.length < maxListed) pages.push({ index, sim: sim.words[index], kernel: kernel.words[index], why });
  };
  for (let i = 0; i < sim.words.length; i++) {
    const s = sim.words[i];
    const k = kernel.words[i];
    if (s === k && !(s & valid)) continue;
    if ((s ^ k) & ~pfnMask) { note(i, 'the flags differ'); continue; }
    if (!(s & valid)) { note(i, 'the words differ'); continue; }
    const sp = s & pfnMask;
    const kp = k & pfnMask;
    if (sp === 0n || kp === 0n) {
      // a request word the walk did not replace (VALID is also REQ_FAULT) carries pfn 0 on both sides
      if (sp !== kp) note(i, sp === 0n ? 'the simulator left the input word, the kernel stored a page' : 'the kernel left the input word, the simulator stored a page');
      continue;
    }
    const cs = sim.classOf(i, sp);
    const ck = kernel.classOf(i, kp);
    if (cs !== ck) { note(i, `the simulator shows ${CLASS_TEXT[cs]}, the kernel ${CLASS_TEXT[ck]}`); continue; }
    let idSim = sp;
    let idKernel = kp;
    if (orderShift >= 0n) {
      const order = (k >> orderShift) & orderMask;
      if (order > 0n) {
        const span = 1n << order;
        const off = (startVpn + BigInt(i)) % span;
        if (((kp - off) % span + span) % span !== 0n) {
          note(i, `inside an order-${order} block the kernel's pfn is not at the page's offset in the block`);
          continue;
        }
        // a block is one page for identity: its first pfn on each side, checked once per walk
        idSim = sp - off;
        idKernel = kp - off;
        if (idSim === lastBlockSim && idKernel === lastBlockKernel) continue;
        lastBlockSim = idSim;
        lastBlockKernel = idKernel;
      }
    }
    if (cs === 'zero' || cs === 'huge-zero') continue;
    const why = identity.check(idSim, idKernel, cs, walk, i, thisWalk);
    if (why) note(i, why);
  }
  return { agree: outcome.length === 0 && differing === 0, outcome, pages, differing, indices };
}

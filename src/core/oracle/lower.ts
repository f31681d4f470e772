/**
 * Lowering: a scenario becomes an executor program (./program.ts) that a real process runs on a real kernel, plus
 * the list of its walks, each expressible on that kernel or not, with the reason.
 *
 * The simulator runs the scenario as if its `kernel:` were the target's release; `expect` blocks are not consulted and
 * a `legacy:` profile is ignored. Two simulated processes run side by side:
 *  - A runs the scenario's own steps: its walk results are what the kernel must reproduce;
 *  - B runs the steps the real process performs instead (a `set` of a PTE state becomes the system calls that
 *    produce that state: `set zero` a read, `set swap` a write and MADV_PAGEOUT …).
 * At every walk A's and B's results are compared with the kernel comparison's own normalisation (./compare.ts); if
 * the real steps do not reproduce the scenario's state in the simulator, the walk is not expressible. So a lowering
 * is never trusted on its own word.
 *
 * A step no real kernel can reproduce on demand (a PTE state with no system call behind it, a `during` step, a step
 * the target release cannot have) makes the walks after it not expressible, never silently skipped.
 */
import type { PfnLayout } from '../layouts/types';
import { mmapPlacement } from '../mm/mmap';
import { SimError } from '../mm/process';
import { K_NONE, kindOf } from '../mm/pte';
import { isAnon, type Vma } from '../mm/vma';
import type { PteStateSpec, Scenario, SourcePos, Step, WalkStep } from '../scenario/ast';
import type { WalkResult } from '../scenario/result';
import { createRunner, ScenarioRunner } from '../scenario/run';
import { compareWalk, PageIdentity, simPfnClass, type WalkSide } from './compare';
import { inputRuns, type Backing, type DeviceMapFlag, type Owner, type ProgramOp } from './program';
import type { KernelTarget } from './targets';

export interface LoweredWalk {
  /** 0-based among the scenario's walks; the program's walk id */
  readonly index: number;
  readonly name: string;
  readonly pos: SourcePos;
  readonly expressible: boolean;
  /** why the walk is not expressible on the target */
  readonly reason?: string;
  /** expressible walks: the simulator's result at the target's release */
  readonly sim?: WalkResult;
}

export interface Lowering {
  readonly file: string;
  readonly target: KernelTarget;
  readonly layout?: PfnLayout;
  readonly pageSize: number;
  readonly ops: readonly ProgramOp[];
  /** for each op, the index of the scenario step it comes from */
  readonly opStep: readonly number[];
  readonly steps: readonly Step[];
  readonly walks: readonly LoweredWalk[];
  /** the program has no walk to run (nothing is expressible) */
  readonly empty: boolean;
}

/** Whether an operation may free pages (a kernel pfn seen before it may be reused after it). */
export function freesPages(o: ProgramOp): boolean {
  return o.op === 'munmap' || o.op === 'migrate' || (o.op === 'madvise' && (o.advice === 'dontneed' || o.advice === 'pageout' || o.advice === 'hwpoison'));
}

type Lowered = { readonly ops: ProgramOp[]; readonly sim: Step[] } | { readonly reason: string };

const STATE_TEXT = (p: PteStateSpec): string => (p.state === 'marker' ? `marker ${p.marker}` : p.state);

/** The simulator's side of a walk, for ./compare.ts. */
export function simSide(r: WalkResult, pmdPages: number): WalkSide {
  return { ret: r.ret, calls: r.attempts, stale: r.stale === true, words: r.pfns,
    classOf: (_i, pfn) => simPfnClass(pfn, pmdPages) };
}

class Lowerer {
  readonly ops: ProgramOp[] = [];
  readonly opStep: number[] = [];
  readonly walks: LoweredWalk[] = [];
  /** A's pages against B's pages (the lowering check) */
  private readonly identity = new PageIdentity();
  private poison: string | undefined;
  private stepIndex = 0;
  /** driver mappings made with write notification ([start, end) vpns): their inserted pages map read-only */
  private readonly wrnotify: [number, number][] = [];

  constructor(readonly s: Scenario, readonly target: KernelTarget, readonly a: ScenarioRunner, readonly b: ScenarioRunner) {}

  get ps(): number {
    return this.s.pageSize;
  }

  addr(vpn: number): bigint {
    return BigInt(vpn) * BigInt(this.ps);
  }

  /** The error a runner just reported for `pos` (the last diagnostic). */
  lastDiag(r: ScenarioRunner): string {
    const d = r.diagnostics[r.diagnostics.length - 1];
    return d ? d.message : 'the step failed';
  }

  emit(...ops: ProgramOp[]): void {
    for (const o of ops) {
      this.ops.push(o);
      this.opStep.push(this.stepIndex);
      if (freesPages(o)) this.identity.freed();
    }
  }

  notExpressible(w: WalkStep, index: number, reason: string): void {
    this.walks.push({ index, name: w.name, pos: w.pos, expressible: false, reason });
  }

  run(): void {
    let walkIndex = 0;
    for (let i = 0; i < this.s.steps.length; i++) {
      this.stepIndex = i;
      const st = this.s.steps[i];
      if (st.op === 'walk') {
        if (this.poison) this.notExpressible(st, walkIndex, this.poison);
        else this.walk(st, walkIndex);
        walkIndex++;
        continue;
      }
      if (this.poison) continue;
      let low: Lowered;
      try {
        low = this.lowerStep(st);
      } catch (e) {
        if (!(e instanceof SimError)) throw e;
        low = { reason: e.message };
      }
      if ('reason' in low) {
        this.poison = `after line ${st.pos.line} (${st.op}): ${low.reason}`;
        continue;
      }
      if (this.a.guarded(st.pos, () => this.a.step(st)) === undefined) {
        this.poison = `after line ${st.pos.line} (${st.op}): at ${this.target.release} the simulator refuses this step: ${this.lastDiag(this.a)}`;
        continue;
      }
      for (const simStep of low.sim) {
        if (this.b.guarded(st.pos, () => this.b.step(simStep as Exclude<Step, WalkStep>)) === undefined) {
          this.poison = `after line ${st.pos.line} (${st.op}): the system calls that would reproduce it fail in the simulator: ${this.lastDiag(this.b)}`;
          break;
        }
      }
      if (!this.poison) this.emit(...low.ops);
    }
  }

  walk(w: WalkStep, index: number): void {
    if (w.during.length > 0) {
      this.notExpressible(w, index, `a \`during\` step (line ${w.during[0].pos.line}) happens in the middle of the walk; a real walk cannot be interrupted at a chosen page`);
      this.poison = `after the walk at line ${w.pos.line}: its \`during\` steps changed the address space`;
      return;
    }
    const owner = w.device === undefined ? -1 : this.s.devices.indexOf(w.device);
    let resolved: ReturnType<ScenarioRunner['resolveWalk']>;
    try {
      resolved = this.a.resolveWalk(w);
    } catch (e) {
      if (!(e instanceof SimError)) throw e;
      this.notExpressible(w, index, `at ${this.target.release}: ${e.message}`);
      return;
    }
    const valid = this.a.layout.flags.find((f) => f.name === 'VALID')?.mask ?? 0n;
    const faulting = ((resolved.defaultFlags | resolved.mask) & valid) !== 0n;
    if (owner > 1) {
      this.notExpressible(w, index, `device ${w.device} is the scenario's device number ${owner + 1}; the probe module owns two devices (the scenario's first two)`);
      if (faulting) this.poison = `after the walk at line ${w.pos.line}: it could not run, and its faults would have changed the address space`;
      return;
    }
    const ra = this.a.walk(w, {}, true);
    const rb = ra ? this.b.walk(w, {}, true) : undefined;
    if (!ra || !rb) {
      this.notExpressible(w, index, `the simulator refuses this walk at ${this.target.release}: ${this.lastDiag(ra ? this.b : this.a)}`);
      if (faulting) this.poison = `after the walk at line ${w.pos.line}: it did not run`;
      return;
    }
    const pmd = this.a.p.g.pmdPages;
    const c = compareWalk(simSide(ra, pmd), simSide(rb, pmd), this.a.layout, BigInt(resolved.start), this.identity, index, 1);
    if (!c.agree) {
      const first = c.pages[0];
      const what = c.outcome[0] ?? (first ? `page ${first.index}: ${first.why}` : 'the results differ');
      this.notExpressible(w, index, `the system calls that stand for an earlier \`set\` do not reproduce its state in the simulator (${what})`);
      this.poison = `after the walk at line ${w.pos.line}: the real process's address space differs from the scenario's`;
      return;
    }
    this.emit({
      op: 'walk', id: index, addr: this.addr(resolved.start), pages: w.pages, defaultFlags: resolved.defaultFlags,
      mask: resolved.mask, owner: owner as Owner, mode: !w.retry ? 'once' : w.refill ? 'retry-refill' : 'retry',
      input: inputRuns(resolved.input),
    });
    this.walks.push({ index, name: w.name, pos: w.pos, expressible: true, sim: ra });
  }

  lowerStep(st: Exclude<Step, WalkStep>): Lowered {
    const a = this.a;
    const same = { sim: [st] as Step[] };
    switch (st.op) {
      case 'mmap': {
        const start = st.at ? a.vpn(st.at) : undefined;
        const { start: vpn } = mmapPlacement(a.p, { start, pages: st.pages, prot: st.prot, flags: st.flags });
        const f = st.flags;
        let backing: Backing;
        if (f.io || f.pfnmap || f.mixedmap) {
          if (f.pfnmap && f.mixedmap) return { reason: 'a mapping cannot be both VM_PFNMAP and VM_MIXEDMAP (the kernel forbids it)' };
          if (f.hugetlb) return { reason: 'a driver mapping cannot be hugetlb' };
          const flags: DeviceMapFlag[] = [];
          if (f.pfnmap) flags.push('pfnmap');
          if (f.io) flags.push('io');
          if (f.mixedmap) flags.push('mixedmap');
          // a shared writable driver mapping maps inserted pages writable (vm_page_prot), unless the driver asks for
          // write notification: give it that when a later `set` wants a read-only page in it
          if (f.mixedmap && f.shared && (st.prot === 'rw' || st.prot === 'rwx') && st.name && this.wantsReadOnlyPage(st.name)) {
            flags.push('wrnotify');
            this.wrnotify.push([vpn, vpn + st.pages]);
          }
          backing = { kind: 'dev', flags };
        } else if (f.hugetlb) {
          if (f.file) return { reason: 'hugetlb file mappings (hugetlbfs files) are not reproduced; use an anonymous hugetlb mapping' };
          if (f.hugetlb !== '2M' && f.hugetlb !== '1G') {
            return { reason: `hugetlb pages of ${f.hugetlb} are an arm64 size (contiguous PTEs or PMDs); x86-64 offers 2M and 1G` };
          }
          backing = { kind: 'hugetlb', size: f.hugetlb };
        } else {
          if (f.file && f.fs !== undefined && f.fs !== 'tmpfs') {
            return { reason: `a file on ${f.fs} (a filesystem with write notification): the real process's files are on tmpfs` };
          }
          backing = { kind: f.file ? 'file' : 'anon' };
        }
        const ops: ProgramOp[] = [];
        if (start !== undefined && a.p.vmas.overlaps(vpn, vpn + st.pages)) ops.push({ op: 'munmap', addr: this.addr(vpn), pages: st.pages });
        ops.push({ op: 'mmap', addr: this.addr(vpn), pages: st.pages, prot: st.prot, shared: f.shared, backing, populate: f.populate });
        return { ops, ...same };
      }
      case 'munmap': case 'read': case 'write':
        return { ops: [{ op: st.op, addr: this.addr(a.vpn(st.at)), pages: st.pages }], ...same };
      case 'mprotect':
        return { ops: [{ op: 'mprotect', addr: this.addr(a.vpn(st.at)), pages: st.pages, prot: st.prot }], ...same };
      case 'fork':
        return { ops: [{ op: 'fork' }], ...same };
      case 'madvise':
        return { ops: [{ op: 'madvise', addr: this.addr(a.vpn(st.at)), pages: st.pages, advice: st.advice }], ...same };
      case 'migrate': {
        if (!this.target.devicePrivate) return { reason: this.noDevicePrivate('migrate_vma to device-private memory') };
        let to: 0 | 1 | 'system' = 'system';
        if (st.to !== 'system') {
          const d = this.s.devices.indexOf(st.to);
          if (d < 0 || d > 1) return { reason: `device ${st.to}: the probe module owns two devices (the scenario's first two)` };
          to = d as 0 | 1;
        }
        return { ops: [{ op: 'migrate', addr: this.addr(a.vpn(st.at)), pages: st.pages, to }], ...same };
      }
      case 'exclusive': {
        if (!this.target.devicePrivate) return { reason: this.noDevicePrivate('make_device_exclusive') };
        const d = this.s.devices.indexOf(st.device);
        if (d < 0 || d > 1) return { reason: `device ${st.device}: the probe module owns two devices (the scenario's first two)` };
        return { ops: [{ op: 'exclusive', addr: this.addr(a.vpn(st.at)), pages: st.pages, dev: d as 0 | 1 }], ...same };
      }
      case 'set':
        return this.lowerSet(st);
    }
  }

  /** Whether a later step `set`s a read-only present page in mapping `name`. */
  wantsReadOnlyPage(name: string): boolean {
    return this.s.steps.slice(this.stepIndex + 1).some((x) => x.op === 'set' && x.at.kind === 'name' && x.at.name === name
      && x.pte.state === 'present' && !x.pte.write);
  }

  noDevicePrivate(what: string): string {
    return `${what} needs device-private memory (CONFIG_DEVICE_PRIVATE), which ${this.target.title} lacks; run on devpriv-6.1`;
  }

  /** The real steps that put PTEs into the state a `set` asks for. */
  lowerSet(st: Extract<Step, { op: 'set' }>): Lowered {
    const a = this.a;
    const p = a.p;
    const s = a.vpn(st.at);
    const e = s + st.pages;
    a.checkRange(s, st.pages);
    const spec = st.pte;
    const vmas = p.vmas.range(s, e);
    if (vmas.length === 0) return { reason: `set ${STATE_TEXT(spec)}: nothing is mapped there` };
    const addr = this.addr(s);
    const pages = st.pages;
    const allNone = (): boolean => {
      for (let v = s; v < e; v++) if (p.pt.pmdLeaf(v) || kindOf(p.pt.pteState(v)) !== K_NONE) return false;
      return true;
    };
    const at = st.at;
    const sim = (step: Record<string, unknown>): Step => ({ pos: st.pos, at, pages, ...step }) as unknown as Step;
    const dontneed: { ops: ProgramOp[]; sim: Step[] } = {
      ops: [{ op: 'madvise', addr, pages, advice: 'dontneed' }], sim: [sim({ op: 'madvise', advice: 'dontneed' })],
    };
    const clearFirst = allNone() ? { ops: [] as ProgramOp[], sim: [] as Step[] } : dontneed;
    const driver = vmas.some((v) => v.io || v.pfnmap || v.mixedmap);
    if (driver) return this.lowerDriverSet(st, vmas, clearFirst, dontneed);
    const one = (op: ProgramOp, step: Record<string, unknown>) => ({ ops: [op], sim: [sim(step)] });
    const seq = (...parts: { ops: ProgramOp[]; sim: Step[] }[]) => ({
      ops: parts.flatMap((x) => x.ops), sim: parts.flatMap((x) => x.sim),
    });
    switch (spec.state) {
      case 'none':
        return dontneed;
      case 'zero':
        return seq(clearFirst, one({ op: 'read', addr, pages }, { op: 'read' }));
      case 'present':
        return spec.write ? one({ op: 'write', addr, pages }, { op: 'write' }) : one({ op: 'read', addr, pages }, { op: 'read' });
      case 'swap':
        return seq(allNone() ? one({ op: 'write', addr, pages }, { op: 'write' }) : { ops: [], sim: [] },
          one({ op: 'madvise', addr, pages, advice: 'pageout' }, { op: 'madvise', advice: 'pageout' }));
      case 'hwpoison':
        return seq(allNone() ? one({ op: 'write', addr, pages }, { op: 'write' }) : { ops: [], sim: [] },
          one({ op: 'madvise', addr, pages, advice: 'hwpoison' }, { op: 'madvise', advice: 'hwpoison' }));
      case 'device_private': case 'device_exclusive': {
        if (!this.target.devicePrivate) return { reason: this.noDevicePrivate(spec.state === 'device_private' ? 'a device-private entry' : 'a device-exclusive entry') };
        const d = this.s.devices.indexOf(spec.device);
        if (d < 0 || d > 1) return { reason: `device ${spec.device}: the probe module owns two devices (the scenario's first two)` };
        return spec.state === 'device_private'
          ? one({ op: 'migrate', addr, pages, to: d as 0 | 1 }, { op: 'migrate', to: spec.device })
          : one({ op: 'exclusive', addr, pages, dev: d as 0 | 1 }, { op: 'exclusive', device: spec.device });
      }
      case 'marker': {
        if (spec.marker === 'uffd_wp') {
          const anon = vmas.every((v) => isAnon(v) && !v.hugetlbOrder);
          const shmem = vmas.every((v) => v.shared && v.file?.shmem === true && !v.hugetlbOrder);
          if (!anon && !shmem) return { reason: 'uffd-wp markers are reproduced in private anonymous memory and shared anonymous memory (shmem) only' };
          if (anon && !this.target.uffdWpAnon) return { reason: `uffd-wp markers in private anonymous memory need UFFD_FEATURE_WP_UNPOPULATED (6.4); ${this.target.title} has none` };
          if (shmem && !this.target.uffdWpShmem) return { reason: `uffd-wp markers in shmem need PTE_MARKER_UFFD_WP (5.19); ${this.target.title} has none` };
          if (!allNone()) return { reason: 'userfaultfd write-protection leaves a marker only where no page is mapped; these pages are populated' };
          return { ops: [{ op: 'uffd-wp', addr, pages }], sim: [st] };
        }
        if (spec.marker === 'guard') return { reason: `guard markers need MADV_GUARD_INSTALL (6.13)${this.target.guardMarkers ? ', which the executor does not issue yet' : `; ${this.target.title} has none`}` };
        return { reason: 'a poisoned (swap-in error) marker appears only after a failed read from a swap device; it cannot be made on demand' };
      }
      case 'migration':
        return { reason: 'a migration entry exists only while a page is being migrated; it cannot be held in place' };
      case 'protnone':
        return { reason: 'a PROT_NONE-style NUMA hinting entry needs automatic NUMA balancing on a multi-node machine; it cannot be made on demand' };
      case 'special':
        return { reason: 'a special PTE exists only in a driver mapping (mmap flags mixedmap, pfnmap or io)' };
    }
  }

  /** `set` in a mapping of the probe's device file: the probe inserts pages as a driver does. */
  lowerDriverSet(st: Extract<Step, { op: 'set' }>, vmas: Vma[], clearFirst: { ops: ProgramOp[]; sim: Step[] },
    dontneed: { ops: ProgramOp[]; sim: Step[] }): Lowered {
    const spec = st.pte;
    if (vmas.length !== 1 || !vmas[0].mixedmap || vmas[0].io || vmas[0].pfnmap) {
      return { reason: 'the probe fills VM_MIXEDMAP mappings only (VM_IO and VM_PFNMAP mappings are never walked, so their entries do not matter)' };
    }
    const v = vmas[0];
    const addr = this.addr(this.a.vpn(st.at));
    if (spec.state === 'none') return dontneed;
    if (spec.state === 'special') {
      return { ops: [...clearFirst.ops, { op: 'insert', addr, pages: st.pages, kind: 'special' }], sim: [...clearFirst.sim, st] };
    }
    if (spec.state === 'present') {
      const notified = this.wrnotify.some(([a, b]) => v.start >= a && v.start < b);
      const writable = v.shared && v.write && !notified;
      if (spec.write !== writable) {
        return { reason: `vm_insert_page() maps a driver's page with the mapping's protection: ${writable ? 'writable in a shared writable mapping' : notified ? 'read-only in a mapping with write notification (chosen because a later set wants a read-only page there)' : 'read-only in a private or read-only mapping'}, not ${spec.write ? 'writable' : 'read-only'}` };
      }
      return { ops: [...clearFirst.ops, { op: 'insert', addr, pages: st.pages, kind: 'page' }], sim: [...clearFirst.sim, st] };
    }
    return { reason: `a driver mapping holds inserted pages and special entries; ${STATE_TEXT(spec)} is not reproduced there` };
  }
}

/** Lowers scenario `s` for `target` (see the file comment). Never throws for a scenario the parser accepted. */
export function lowerScenario(s: Scenario, target: KernelTarget): Lowering {
  const walkSteps = s.steps.filter((x): x is WalkStep => x.op === 'walk');
  const none = (reason: string): Lowering => ({
    file: s.file, target, pageSize: s.pageSize, ops: [], opStep: [], steps: s.steps, empty: true,
    walks: walkSteps.map((w, i) => ({ index: i, name: w.name, pos: w.pos, expressible: false, reason })),
  });
  if (s.pageSize !== 4096) return none(`page_size ${s.pageSize}: the kernels HMM Lens runs are x86-64 with 4 KiB pages`);
  const st: Scenario = { ...s, kernel: target.release, legacy: undefined };
  const a = createRunner(st);
  const b = createRunner(st);
  if (!(a instanceof ScenarioRunner) || !(b instanceof ScenarioRunner)) {
    return none(`the simulator cannot model ${target.release}: ${'error' in a ? a.error : (b as { error: string }).error}`);
  }
  const l = new Lowerer(st, target, a, b);
  l.run();
  return {
    file: s.file, target, layout: a.layout, pageSize: s.pageSize, ops: l.ops, opStep: l.opStep, steps: s.steps,
    walks: l.walks, empty: !l.walks.some((w) => w.expressible),
  };
}


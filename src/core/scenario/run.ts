/**
 * runScenario: executes a parsed Scenario on a fresh simulated process — address-space steps in order, each walk
 * through the driver loop (with its `during` steps), then checkExpect. Runtime problems (an access the mapping
 * forbids, a `set` state the VMA cannot hold, an unknown device, an address outside every mapping …) become
 * positioned diagnostics; this function never throws.
 */
import { behaviourForKernel, type Behaviour } from '../behaviour';
import { parseFlagNames, resolveLayout, type PfnLayout } from '../layouts';
import { doAccess, doFork } from '../mm/access';
import { doMadvise } from '../mm/madvise';
import { doMigrate, doExclusive } from '../mm/migrate';
import { doMmap, doMprotect, doMunmap } from '../mm/mmap';
import { Process, SimError, USER_END } from '../mm/process';
import { ZERO_PFN } from '../mm/phys';
import { doSet } from '../mm/set';
import { driverWalk } from '../walk/driver-loop';
import type { DuringHook } from '../walk/state';
import type { AddressExpr, FlagsExpr, Scenario, ScenarioDiagnostic, SourcePos, Step, WalkMode, WalkStep } from './ast';
import { checkExpect, type PfnInfo } from './expect';
import type { ScenarioResult, VmaInfo, WalkResult } from './result';
import { vmaFlagsText } from '../mm/vma';

export interface RunOptions {
  /** override the mode of the walks `walks` selects (every walk without it; drops explicit default_flags /
   * pfn_flags_mask; per-page input stays); the walks not selected run as written, for their effect */
  readonly mode?: WalkMode;
  /** override the scenario's kernel */
  readonly kernel?: string;
  /** override the device (dev_private_owner) of the walks `walks` selects (every walk without it) */
  readonly device?: string;
  /** which walks to report (index: 0-based among the walks of the file) */
  readonly walks?: (w: WalkStep, index: number) => boolean;
  /** largest walk in pages (hmm.maxPages setting, --max-pages) */
  readonly maxPages?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly isCancelled?: () => boolean;
}

export const DEFAULT_MAX_PAGES = 16_777_216;

const START: SourcePos = { line: 1, col: 1, endLine: 1, endCol: 1 };

/**
 * A step that names a mapping whose own mmap failed: the mmap's problem was reported once, so this is not a new error
 * (a step is skipped silently; a walk gets a warning saying why it has no result).
 */
export class MissingMappingError extends SimError {
  constructor(readonly mapping: string, readonly mmapLine: number) {
    super(`mapping "${mapping}" was not created (its mmap at line ${mmapLine} failed)`, 'warning');
  }
}

/** Runs a scenario's steps on one simulated process; runScenario drives it, the real-kernel lowering too. */
export class ScenarioRunner {
  readonly diagnostics: ScenarioDiagnostic[] = [];
  readonly names = new Map<string, { vpn: number; pages: number }>();
  /** mappings whose mmap failed, with the mmap's position */
  readonly failedNames = new Map<string, SourcePos>();
  constructor(readonly s: Scenario, readonly p: Process, readonly b: Behaviour, readonly layout: PfnLayout,
    readonly maxPages: number) {}

  diag(pos: SourcePos, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ file: this.s.file, pos, severity, message });
  }

  /** An address expression as a vpn; throws SimError for unknown names or addresses out of range. */
  vpn(a: AddressExpr): number {
    const ps = this.s.pageSize;
    if (a.kind === 'abs') {
      if (a.value < 0n || a.value >= BigInt(USER_END)) throw new SimError(`address 0x${a.value.toString(16)} is outside the user address space`);
      if (a.value % BigInt(ps) !== 0n) throw new SimError(`address 0x${a.value.toString(16)} is not aligned to the page size ${ps}`);
      return Number(a.value / BigInt(ps));
    }
    const m = this.names.get(a.name);
    const failed = m ? undefined : this.failedNames.get(a.name);
    if (failed) throw new MissingMappingError(a.name, failed.line);
    if (!m) throw new SimError(`unknown mapping "${a.name}"; mappings named so far: ${[...this.names.keys()].join(', ') || 'none'}`);
    return m.vpn + a.offsetPages;
  }

  checkRange(vpn: number, pages: number): void {
    if (!(pages >= 0) || (vpn + pages) * this.s.pageSize > USER_END) {
      throw new SimError(`${pages} pages from ${this.p.addr(vpn)} reach above the user address space`);
    }
  }

  /** Steps that touch every page one by one (faults, set, migrate …) are bounded like walks. */
  checkTouch(st: Exclude<Step, WalkStep>): void {
    const touches = st.op === 'read' || st.op === 'write' || st.op === 'exclusive' || st.op === 'set'
      || (st.op === 'migrate' && st.to !== 'system') || (st.op === 'madvise' && st.advice === 'hwpoison')
      || (st.op === 'mmap' && st.flags.populate);
    if (touches && st.pages > this.maxPages) {
      throw new SimError(`${st.op} touches ${st.pages} pages one by one, more than the limit of ${this.maxPages} pages (the hmm.maxPages setting, or --max-pages on the command line)`);
    }
  }

  /** Executes one address-space step; returns what it did (for `during` traces). */
  step(st: Exclude<Step, WalkStep>): string {
    const p = this.p;
    this.checkTouch(st);
    switch (st.op) {
      case 'mmap': {
        let vpn: number;
        try {
          const start = st.at ? this.vpn(st.at) : undefined;
          if (start !== undefined) this.checkRange(start, st.pages);
          vpn = doMmap(p, { start, pages: st.pages, prot: st.prot, flags: st.flags });
        } catch (e) {
          if (st.name) this.failedNames.set(st.name, st.pos);
          throw e;
        }
        if (st.name) this.names.set(st.name, { vpn, pages: st.pages });
        return `mmap ${st.pages} pages at ${p.addr(vpn)}`;
      }
      case 'munmap': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doMunmap(p, v, st.pages); return `munmap ${st.pages} pages at ${p.addr(v)}`; }
      case 'mprotect': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doMprotect(p, v, st.pages, st.prot); return `mprotect ${st.pages} pages at ${p.addr(v)} to ${st.prot}`; }
      case 'read': case 'write': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doAccess(p, v, st.pages, st.op === 'write'); return `CPU ${st.op} of ${st.pages} pages at ${p.addr(v)}`; }
      case 'fork': doFork(p); return 'fork';
      case 'madvise': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doMadvise(p, v, st.pages, st.advice); return `madvise ${st.advice} of ${st.pages} pages at ${p.addr(v)}`; }
      case 'migrate': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doMigrate(p, v, st.pages, st.to); return `migrate ${st.pages} pages at ${p.addr(v)} to ${st.to}`; }
      case 'exclusive': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doExclusive(p, v, st.pages, st.device); return `make ${st.pages} pages at ${p.addr(v)} exclusive to ${st.device}`; }
      case 'set': { const v = this.vpn(st.at); this.checkRange(v, st.pages); doSet(p, v, st.pages, st.pte); return `set ${st.pages} pages at ${p.addr(v)} to ${st.pte.state}`; }
    }
  }

  /** Runs a step, turning SimErrors (and anything unexpected) into diagnostics. False when it failed. */
  guarded(pos: SourcePos, fn: () => string): string | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof MissingMappingError) return undefined;
      if (e instanceof SimError) {
        this.diag(pos, e.message, e.severity);
        return e.severity === 'warning' ? e.message : undefined;
      }
      this.diag(pos, `internal simulator error: ${e instanceof Error ? e.message : String(e)} (please report this scenario)`);
      return undefined;
    }
  }

  flags(f: FlagsExpr | undefined, what: string): bigint | undefined {
    if (!f) return undefined;
    let v = f.raw ?? 0n;
    if (f.names.length) {
      const r = parseFlagNames(f.names, this.layout);
      if (typeof r !== 'bigint') throw new SimError(`${what}: ${r.error}`);
      v |= r;
    }
    return v;
  }

  modeFlags(mode: WalkMode): bigint {
    const valid = this.layout.flags.find((x) => x.name === 'VALID')?.mask ?? 0n;
    const write = this.layout.flags.find((x) => x.name === 'WRITE')?.mask ?? 0n;
    return mode === 'snapshot' ? 0n : mode === 'fault' ? valid : valid | write;
  }

  /** The VMAs overlapping [vpn, vpn + pages), for the tree and the inspector's map. */
  vmasOf(vpn: number, pages: number): VmaInfo[] {
    const ps = BigInt(this.s.pageSize);
    const named = new Map<number, string>();
    for (const [name, m] of this.names) if (!named.has(m.vpn)) named.set(m.vpn, name);
    return this.p.vmas.list.filter((v) => v.end > vpn && v.start < vpn + pages).map((v) => ({
      start: BigInt(v.start) * ps,
      end: BigInt(v.end) * ps,
      prot: `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}`,
      flags: vmaFlagsText(v),
      backing: v.hugetlbOrder ? `hugetlb ${sizeText(ps << BigInt(v.hugetlbOrder))}`
        : v.file === null ? 'private anonymous' : v.file.shmem ? 'shared anonymous (shmem)'
          : `file${v.shared ? ' (shared)' : ' (private)'}${v.writenotify ? ', write-notify filesystem' : ''}`,
      ...(named.has(v.start) ? { name: named.get(v.start) } : {}),
    }));
  }

  /**
   * A walk's hmm_range as the driver fills it in: first vpn, default_flags, pfn_flags_mask, the input words (only
   * when some are set; the walk's output array starts zeroed otherwise) and dev_private_owner. Throws SimError.
   */
  resolveWalk(w: WalkStep, opts: Pick<RunOptions, 'mode' | 'device'> = {}):
    { start: number; defaultFlags: bigint; mask: bigint; input?: BigUint64Array; device?: string } {
    const p = this.p;
    const start = this.vpn(w.at);
    this.checkRange(start, w.pages);
    let defaultFlags: bigint; let mask: bigint;
    if (opts.mode) {
      defaultFlags = this.modeFlags(opts.mode); mask = 0n;
    } else {
      defaultFlags = this.flags(w.defaultFlags, 'default_flags') ?? this.modeFlags(w.mode);
      mask = this.flags(w.pfnFlagsMask, 'pfn_flags_mask') ?? 0n;
    }
    const input = w.input.length || w.sticky.length ? new BigUint64Array(w.pages) : undefined;
    for (const [list, what] of [[w.input, 'input'], [w.sticky, 'sticky']] as const) {
      for (const e of list) {
        const v = this.vpn(e.at) - start;
        if (v < 0 || v >= w.pages) throw new SimError(`${what}: ${p.addr(v + start)} is outside the walk (${p.addr(start)}, ${w.pages} pages)`);
        input![v] |= this.flags(e.flags, what) ?? 0n;
      }
    }
    const device = opts.device ?? w.device;
    if (device !== undefined) p.deviceIndex(device);
    return { start, defaultFlags, mask, ...(input ? { input } : {}), ...(device !== undefined ? { device } : {}) };
  }

  walk(w: WalkStep, opts: RunOptions, report: boolean): WalkResult | undefined {
    const p = this.p;
    const ps = this.s.pageSize;
    const maxPages = this.maxPages;
    if (w.pages > maxPages) {
      this.diag(w.pos, `walk "${w.name}" covers ${w.pages} pages, more than the limit of ${maxPages} pages (the hmm.maxPages setting, or --max-pages on the command line); raise the limit or walk a smaller range`);
      return undefined;
    }
    const during: DuringHook[] = [];
    try {
      const { start, defaultFlags, mask, input, device } = this.resolveWalk(w, opts);
      for (const d of w.during) {
        during.push({ afterPages: d.afterPages, run: () => this.guarded(d.pos, () => this.step(d.step)) ?? `${d.step.op} failed (see the diagnostic)` });
      }
      const out = driverWalk(p, this.b, this.layout, {
        start, pages: w.pages, defaultFlags, pfnFlagsMask: mask, input, owner: device, retry: w.retry, refill: w.refill, during,
      });
      if (!report) return undefined;
      const info: PfnInfo = {
        zeroPfn: BigInt(ZERO_PFN),
        deviceOf: (pfn: bigint) => (pfn < 0x100000000n ? p.phys.deviceOf(Number(pfn)) : undefined),
      };
      const startAddr = BigInt(start) * BigInt(ps);
      const expect = checkExpect(w, out.ret, out.pfns, startAddr, ps, this.layout, info);
      return {
        name: w.name, pos: w.pos, start: startAddr, pages: w.pages, pageSize: ps, ret: out.ret, attempts: out.calls, ...(out.stale ? { stale: true } : {}),
        ...(input ? { input } : {}), pfns: out.pfns, layoutId: this.layout.id, vmas: this.vmasOf(start, w.pages), trace: out.trace, expect,
      };
    } catch (e) {
      if (e instanceof SimError) this.diag(w.pos, `walk "${w.name}": ${e.message}`, e.severity);
      else this.diag(w.pos, `walk "${w.name}": internal simulator error: ${e instanceof Error ? e.message : String(e)} (please report this scenario)`);
      return undefined;
    }
  }
}

function sizeText(bytes: bigint): string {
  for (const [unit, shift] of [['G', 30n], ['M', 20n], ['K', 10n]] as const) {
    if (bytes >= 1n << shift && bytes % (1n << shift) === 0n) return `${bytes >> shift}${unit}`;
  }
  return `${bytes}B`;
}

/** A runner on a fresh process for `s` at `kernel` (default: the scenario's), or why there can be none. */
export function createRunner(s: Scenario, opts: Pick<RunOptions, 'kernel' | 'maxPages'> = {}): ScenarioRunner | { error: string } {
  const kernel = opts.kernel ?? s.kernel;
  const b = behaviourForKernel(kernel);
  if ('error' in b) return b;
  const lr = resolveLayout(kernel, s.legacy);
  if (!lr.layout) return { error: lr.problems.map((x) => x.message).join('; ') || `no pfn layout for kernel ${kernel}` };
  const p = new Process(s.pageSize, s.devices, b);
  return new ScenarioRunner(s, p, b, lr.layout, opts.maxPages ?? DEFAULT_MAX_PAGES);
}

export function runScenario(s: Scenario, opts: RunOptions = {}): ScenarioResult {
  const kernel = opts.kernel ?? s.kernel;
  const r = createRunner(s, opts);
  if (!(r instanceof ScenarioRunner)) {
    return { file: s.file, name: s.name, kernel, layoutId: '', walks: [],
      diagnostics: [{ file: s.file, pos: s.legacy?.pos ?? START, severity: 'error', message: r.error }] };
  }
  const layout = r.layout;
  const walks: WalkResult[] = [];
  let walkIndex = 0;
  const total = s.steps.length;
  for (let i = 0; i < total; i++) {
    if (opts.isCancelled?.()) {
      r.diag(s.steps[i].pos, `run cancelled before step ${i + 1} of ${total}`, 'warning');
      break;
    }
    const st = s.steps[i];
    if (st.op === 'walk') {
      const w = st;
      const selected = opts.walks ? opts.walks(w, walkIndex) : true;
      walkIndex++;
      // the mode and device overrides are for the walks asked for: the others run as written
      const o = selected ? opts : { ...opts, mode: undefined, device: undefined };
      const faulting = (o.mode ?? w.mode) !== 'snapshot' || w.defaultFlags !== undefined || w.pfnFlagsMask !== undefined
        || w.during.length > 0;
      // an unselected snapshot cannot change the address space: skip it; an unselected faulting walk (or one with
      // `during` steps) still runs for its effect on the address space, unreported
      if (selected || faulting) {
        const res = r.walk(w, o, selected);
        if (res) walks.push(res);
      }
    } else {
      r.guarded(st.pos, () => r.step(st));
    }
    opts.onProgress?.(i + 1, total);
  }
  return { file: s.file, name: s.name, kernel, layoutId: layout.id, walks, diagnostics: r.diagnostics };
}

/**
 * Reads what the VM's console (or the executor on the host) printed: the `@hmm` lines of kernel/executor/PROGRAM.md
 * and kernel/vm/init, among kernel and shell output. Lines that are not `@hmm` lines are kept as the console tail
 * for messages; malformed `@hmm` lines are reported, never guessed at.
 */

export interface KernelWalk {
  readonly id: number;
  readonly ret: number;
  readonly calls: number;
  readonly stale: boolean;
  readonly pages: number;
  readonly words: BigUint64Array;
  readonly facts: Uint8Array;
  /** every page was covered by runs and `endwalk` arrived */
  complete: boolean;
}

/**
 * What a `proc-snapshot` operation printed (kernel/executor/PROGRAM.md): /proc as the process saw it right before a
 * walk, kept as lines; src/core/capture/snapshot.ts turns it into a capture.
 */
export interface ProcSnapshotLines {
  readonly id: number;
  /** the `key=value` fields of `@hmm proc-begin` (release, page_size, thp, kpf, start, pages) */
  readonly info: Record<string, string>;
  /** the text of `proc-smaps`, `proc-mount` and `proc-iomem` lines */
  readonly smaps: string[];
  readonly mounts: string[];
  readonly iomem: string[];
  /** the fields of `pm` (ADDR COUNT WORD DELTA) and `kpf` (PFN COUNT FLAGS) lines */
  readonly pm: string[][];
  readonly kpf: string[][];
  /** `@hmm proc-end` arrived */
  complete: boolean;
}

export interface ProgramRun {
  readonly name: string;
  /** the operation that failed and ended the program */
  fail?: { readonly line: number; readonly errno: string; readonly text: string };
  readonly walks: Map<number, KernelWalk>;
  /** proc snapshots by id (the walk they precede) */
  procs?: Map<number, ProcSnapshotLines>;
  end?: 'ok' | 'failed';
}

export interface ProbeCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ConsoleReport {
  ready?: { readonly release: string; readonly rest: string };
  info?: Record<string, string>;
  readonly checks: ProbeCheck[];
  checksDone: boolean;
  readonly programs: Map<string, ProgramRun>;
  /** lines between `@hmm selftest-begin` and `@hmm selftest-end` */
  selftest?: string[];
  selftestDone: boolean;
  rmmod?: 'ok' | 'failed';
  /** the kernel log printed between `@hmm dmesg-begin` and `@hmm dmesg-end` */
  dmesg?: string[];
  dmesgDone: boolean;
  done: boolean;
  /** `@hmm` lines that did not parse */
  readonly malformed: string[];
  /** the last lines that were not `@hmm` lines (kernel and shell output), for messages */
  readonly tail: string[];
}

const TAIL_LINES = 60;

export function emptyReport(): ConsoleReport {
  return { checks: [], checksDone: false, programs: new Map(), selftestDone: false, dmesgDone: false, done: false,
    malformed: [], tail: [] };
}

function kv(parts: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i > 0) o[p.slice(0, i)] = p.slice(i + 1);
  }
  return o;
}

/** Incremental reader: feed console text as it arrives; `report` holds what was read so far. */
export class ConsoleReader {
  readonly report = emptyReport();
  private partial = '';
  private current?: ProgramRun;
  private walk?: KernelWalk;
  private filled = 0;
  private section: 'selftest' | 'dmesg' | undefined;
  private proc?: ProcSnapshotLines;

  feed(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l.replace(/\r$/, ''));
  }

  end(): ConsoleReport {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    return this.report;
  }

  private keepTail(l: string): void {
    const t = this.report.tail;
    t.push(l);
    if (t.length > TAIL_LINES) t.shift();
  }

  private bad(l: string): void {
    this.report.malformed.push(l);
  }

  line(raw: string): void {
    const at = raw.indexOf('@hmm ');
    const r = this.report;
    if (at < 0) {
      if (this.section === 'selftest') r.selftest!.push(raw);
      else if (this.section === 'dmesg') r.dmesg!.push(raw);
      else if (raw.trim()) this.keepTail(raw);
      return;
    }
    const parts = raw.slice(at + 5).trim().split(/\s+/);
    const [tag, ...rest] = parts;
    switch (tag) {
      case 'ready': r.ready = { release: kv(rest).release ?? '', rest: rest.join(' ') }; return;
      case 'info': r.info = kv(rest); return;
      case 'check': {
        const [name, status, ...detail] = rest;
        if (!name || (status !== 'ok' && status !== 'FAIL')) return this.bad(raw);
        r.checks.push({ name, ok: status === 'ok', detail: detail.join(' ') });
        return;
      }
      case 'checks': if (rest[0] === 'done') r.checksDone = true; else this.bad(raw); return;
      case 'begin': {
        if (!rest[0]) return this.bad(raw);
        this.current = { name: rest[0], walks: new Map() };
        r.programs.set(rest[0], this.current);
        this.walk = undefined;
        return;
      }
      case 'fail': {
        const line = Number(rest[0]);
        if (!this.current || !Number.isInteger(line) || !rest[1]) return this.bad(raw);
        this.current.fail = { line, errno: rest[1], text: rest.slice(2).join(' ') };
        return;
      }
      case 'walk': {
        const id = Number(rest[0]);
        const f = kv(rest.slice(1));
        const pages = Number(f.pages);
        if (!this.current || !Number.isInteger(id) || !Number.isInteger(pages) || pages < 0 || f.ret === undefined) return this.bad(raw);
        this.walk = { id, ret: Number(f.ret), calls: Number(f.calls), stale: f.stale === '1', pages,
          words: new BigUint64Array(pages), facts: new Uint8Array(pages), complete: false };
        this.filled = 0;
        this.current.walks.set(id, this.walk);
        return;
      }
      case 'r': {
        const w = this.walk;
        const [first, count, word, delta, facts] = rest;
        const f = Number(first); const c = Number(count); const d = Number(delta); const fa = parseInt(facts ?? '', 16);
        if (!w || !Number.isInteger(f) || !Number.isInteger(c) || c <= 0 || f < 0 || f + c > w.pages
          || !/^[0-9a-fA-F]{1,16}$/.test(word ?? '') || (d !== 0 && d !== 1) || !(fa >= 0 && fa <= 255)) return this.bad(raw);
        let v = BigInt('0x' + word);
        for (let i = 0; i < c; i++) {
          w.words[f + i] = v;
          w.facts[f + i] = fa;
          if (d) v = (v + 1n) & 0xffffffffffffffffn;
        }
        this.filled += c;
        return;
      }
      case 'endwalk': {
        const w = this.walk;
        if (!w || Number(rest[0]) !== w.id) return this.bad(raw);
        w.complete = this.filled === w.pages;
        this.walk = undefined;
        return;
      }
      case 'end': {
        const p = r.programs.get(rest[0] ?? '');
        if (!p || (rest[1] !== 'ok' && rest[1] !== 'failed')) return this.bad(raw);
        p.end = rest[1];
        this.current = undefined;
        return;
      }
      case 'proc-begin': {
        const id = Number(rest[0]);
        if (!this.current || !Number.isInteger(id)) return this.bad(raw);
        this.proc = { id, info: kv(rest.slice(1)), smaps: [], mounts: [], iomem: [], pm: [], kpf: [], complete: false };
        (this.current.procs ??= new Map()).set(id, this.proc);
        return;
      }
      case 'proc-smaps': case 'proc-mount': case 'proc-iomem': {
        if (!this.proc) return this.bad(raw);
        const text = raw.slice(at + 5).replace(/^\s*\S+ ?/, '');
        (tag === 'proc-smaps' ? this.proc.smaps : tag === 'proc-mount' ? this.proc.mounts : this.proc.iomem).push(text);
        return;
      }
      case 'pm': case 'kpf':
        if (!this.proc || rest.length !== (tag === 'pm' ? 4 : 3)) return this.bad(raw);
        (tag === 'pm' ? this.proc.pm : this.proc.kpf).push(rest);
        return;
      case 'proc-end':
        if (!this.proc || Number(rest[0]) !== this.proc.id) return this.bad(raw);
        this.proc.complete = true;
        this.proc = undefined;
        return;
      case 'selftest-begin': r.selftest = []; this.section = 'selftest'; return;
      case 'selftest-end': r.selftestDone = true; this.section = undefined; return;
      case 'rmmod': r.rmmod = rest[0] === 'ok' ? 'ok' : 'failed'; return;
      case 'dmesg-begin': r.dmesg = []; this.section = 'dmesg'; return;
      case 'dmesg-end': r.dmesgDone = true; this.section = undefined; return;
      case 'done': r.done = true; return;
      default: this.bad(raw);
    }
  }
}

export function readConsole(text: string): ConsoleReport {
  const c = new ConsoleReader();
  c.feed(text);
  return c.end();
}

/** Kernel log lines that mean the kernel itself went wrong: an oops, a BUG, a WARN, a panic, a lockdep splat. */
const KERNEL_PROBLEM = /\b(BUG:|WARNING:|Oops|general protection fault|Kernel panic|kernel BUG at|Call Trace:|UBSAN:|KASAN:|INFO: task .* blocked|watchdog: BUG|RCU stall|list_add corruption|page dumped because)/;

export function kernelProblems(lines: readonly string[]): string[] {
  return lines.filter((l) => KERNEL_PROBLEM.test(l));
}

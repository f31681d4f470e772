/**
 * One VM run: the programs of every scenario, the probe's own checks and (on devpriv-6.1) the kernel's hmm-tests,
 * in one boot (kernel/vm/build-initramfs.sh, kernel/vm/init, kernel/vm/run-qemu.sh). The console is read as it
 * arrives; a VM that hangs is killed after a timeout and a VM whose kernel panicked is reported with its console
 * tail.
 */
import { closeSync, mkdtempSync, mkdirSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleReader, type ConsoleReport } from '../core/oracle/output';
import type { PreparedKernel } from './kernels';
import { kernelSourceDir } from './paths';
import { mustRun, OracleError, runCommand } from './run';

export interface VmProgram {
  readonly name: string;
  readonly text: string;
}

export interface VmRunOptions {
  readonly log: (m: string) => void;
  readonly signal?: AbortSignal;
  /** kill the VM after this long (default: HMM_LENS_VM_TIMEOUT seconds, else 900 s) */
  readonly timeoutMs?: number;
  /** per-program timeout inside the VM, seconds */
  readonly programTimeout?: number;
  /** run the kernel's own hmm-tests (devpriv-6.1) */
  readonly selftest?: boolean;
  /** each console line as it arrives */
  readonly onConsole?: (line: string) => void;
}

export interface VmRun {
  readonly report: ConsoleReport;
  /** seconds from QEMU's start to `@hmm ready` */
  readonly bootSeconds?: number;
  /** seconds from `@hmm ready` to the end of the last program (the programs' own time in the VM) */
  readonly programSeconds?: number;
  readonly seconds: number;
  /** the console's last lines (kernel and shell output included), for messages */
  readonly tail: readonly string[];
}

/** Console lines kept for messages. (Keep this cheap: a console reader that falls behind makes QEMU's serial port
 * drop bytes once its output pipe is full.) */
const TAIL_LINES = 200;

/** Follows a growing file (the VM's console): `poll()` hands every complete new line to `onLine`. */
class FileLines {
  private offset = 0;
  private partial = '';
  private fd?: number;
  private readonly buf = Buffer.alloc(1 << 20);
  private readonly decoder = new TextDecoder();
  constructor(private readonly path: string, private readonly onLine: (line: string) => void) {}

  poll(): void {
    if (this.fd === undefined) {
      try { this.fd = openSync(this.path, 'r'); } catch { return; }
    }
    for (;;) {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, this.offset);
      if (n <= 0) return;
      this.offset += n;
      const parts = (this.partial + this.decoder.decode(this.buf.subarray(0, n), { stream: true })).split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) this.onLine(l);
    }
  }

  close(): void {
    this.poll();
    if (this.partial) this.onLine(this.partial);
    this.partial = '';
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export async function runVm(kernel: PreparedKernel, probe: string, executor: string, programs: readonly VmProgram[],
  o: VmRunOptions): Promise<VmRun> {
  const work = mkdtempSync(join(tmpdir(), 'hmm-lens-vm-'));
  try {
    const progs = join(work, 'progs');
    mkdirSync(progs);
    for (const p of programs) writeFileSync(join(progs, `${p.name}.prog`), p.text);
    const initrd = join(work, 'initramfs.cpio.gz');
    const vm = join(kernelSourceDir(), 'vm');
    const args = ['--kernel', kernel.dir, '--probe', probe, '--exec', executor, '--programs', progs,
      ...(o.programTimeout ? ['--timeout', String(o.programTimeout)] : [])];
    if (kernel.moddir) args.push('--module', 'zram');
    if (o.selftest && kernel.testHmm && kernel.hmmTests) args.push('--test-hmm', kernel.testHmm, '--hmm-tests', kernel.hmmTests);
    await mustRun('building the VM\'s initramfs', 'sh', [join(vm, 'build-initramfs.sh'), ...args, initrd], { signal: o.signal });
    const timeoutMs = o.timeoutMs ?? Number(process.env.HMM_LENS_VM_TIMEOUT ?? 900) * 1000;
    const reader = new ConsoleReader();
    const tailLines: string[] = [];
    let panicLine: string | undefined;
    const started = Date.now();
    let bootSeconds: number | undefined;
    let lastEnd: number | undefined;
    const killer = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; killer.abort(); }, timeoutMs);
    const onAbort = () => killer.abort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    o.log(`${kernel.id}: booting ${kernel.release} under QEMU with ${programs.length} program(s)`);
    const onLine = (line: string) => {
      tailLines.push(line);
      if (tailLines.length > TAIL_LINES) tailLines.shift();
      if (panicLine === undefined && line.includes('Kernel panic')) panicLine = line.replace(/^\[[\s\d.]+\]\s*/, '').trim();
      reader.line(line.replace(/\r$/, ''));
      if (bootSeconds === undefined && reader.report.ready) bootSeconds = (Date.now() - started) / 1000;
      if (line.includes('@hmm end ')) lastEnd = (Date.now() - started) / 1000;
      o.onConsole?.(line);
    };
    // the console goes to a file that is followed here (see HMM_VM_CONSOLE in kernel/vm/run-qemu.sh)
    const consoleFile = join(work, 'console.txt');
    writeFileSync(consoleFile, '');
    const follow = new FileLines(consoleFile, onLine);
    const poller = setInterval(() => follow.poll(), 100);
    let code: number | null = null;
    try {
      const r = await runCommand('sh', [join(vm, 'run-qemu.sh'), kernel.dir, initrd], {
        signal: killer.signal, keep: 1 << 16,
        env: { ...process.env, HMM_VM_TIMEOUT: String(Math.ceil(timeoutMs / 1000) + 30), HMM_VM_CONSOLE: consoleFile },
        onLine: (l) => onLine(l),
        stdoutLines: true,
      });
      code = r.code;
    } catch (e) {
      if (!(e instanceof OracleError) || e.message !== 'cancelled') throw e;
      if (!timedOut) throw e;
    } finally {
      clearTimeout(timer);
      clearInterval(poller);
      follow.close();
      o.signal?.removeEventListener('abort', onAbort);
    }
    const report = reader.end();
    const tail = tailLines.slice(-40).join('\n');
    if (timedOut) {
      throw new OracleError(`${kernel.id}: the VM did not finish within ${Math.round(timeoutMs / 1000)} s and was killed. Console tail:\n${tail}`);
    }
    if (!report.done) {
      // the panic line itself, as the tail may hold only the backtrace that follows it
      const panic = panicLine !== undefined ? `the kernel panicked: "${panicLine}"` : `QEMU exited (status ${code}) before the VM finished`;
      throw new OracleError(`${kernel.id}: ${panic}. Console tail:\n${tail}`);
    }
    const programSeconds = bootSeconds !== undefined && lastEnd !== undefined ? lastEnd - bootSeconds : undefined;
    return { report, bootSeconds, programSeconds, seconds: (Date.now() - started) / 1000, tail: tailLines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

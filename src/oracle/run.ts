/** Running the commands the oracle needs (apt-get, make, gcc, the VM scripts) with their output kept for messages. */
import { spawn } from 'node:child_process';

export class OracleError extends Error {
  /** 3: the kernel could not be prepared or run; 2: bad usage */
  constructor(message: string, readonly exitCode: 2 | 3 = 3) {
    super(message);
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  /** each complete line of stderr (and stdout with `stdoutLines`) as it arrives */
  readonly onLine?: (line: string) => void;
  readonly stdoutLines?: boolean;
  /** keep at most this many characters of each stream (the tail) */
  readonly keep?: number;
  readonly input?: string;
}

/** Runs `cmd args`; resolves with its exit status and output (never rejects for a non-zero status). */
export function runCommand(cmd: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const keep = o.keep ?? 200_000;
  return new Promise((resolveRun, reject) => {
    if (o.signal?.aborted) { reject(new OracleError('cancelled')); return; }
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    const partial = { out: '', err: '' };
    const lines = (which: 'out' | 'err', text: string) => {
      if (!o.onLine || (which === 'out' && !o.stdoutLines)) return;
      const all = partial[which] + text;
      const parts = all.split('\n');
      partial[which] = parts.pop() ?? '';
      for (const l of parts) o.onLine(l);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (t: string) => { stdout = (stdout + t).slice(-keep); lines('out', t); });
    child.stderr.on('data', (t: string) => { stderr = (stderr + t).slice(-keep); lines('err', t); });
    const abort = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    o.signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (e) => {
      o.signal?.removeEventListener('abort', abort);
      reject(new OracleError(`cannot run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', abort);
      if (o.signal?.aborted) { reject(new OracleError('cancelled')); return; }
      resolveRun({ code, signal, stdout, stderr });
    });
    if (o.input !== undefined) child.stdin.end(o.input); else child.stdin.end();
  });
}

/** Runs a command that must succeed; otherwise throws an OracleError with its output's tail. */
export async function mustRun(what: string, cmd: string, args: readonly string[], o: RunOptions = {}): Promise<RunResult> {
  const r = await runCommand(cmd, args, o);
  if (r.code !== 0) {
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-25).join('\n');
    throw new OracleError(`${what} failed (${cmd} exited with ${r.code ?? r.signal}):\n${tail}`);
  }
  return r;
}

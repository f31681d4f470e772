/**
 * The three kernels the oracle runs, prepared once into the cache, keyed by exact version:
 *   debian-6.1, debian-6.12  Debian's image and headers, downloaded (apt-get download) and extracted (dpkg-deb -x):
 *                            never installed into this machine's /boot (kernel/vm/fetch-debian-kernel.sh);
 *   devpriv-6.1              built from Debian's linux-source-6.1 with DEVICE_PRIVATE and TEST_HMM (about 8 minutes
 *                            on 2 cores; kernel/vm/build-devpriv-kernel.sh), keyed by source version and config.
 * A cached kernel is used as it is; without network or apt lists the newest cached one of its kind still serves.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelTargetId } from '../core/oracle/targets';
import { BUILD_PACKAGES, ensurePackages, VM_PACKAGES } from './host';
import { cacheRoot, kernelSourceDir } from './paths';
import { mustRun, OracleError, runCommand } from './run';

export type VmKernelId = Exclude<KernelTargetId, 'host'>;

export interface PreparedKernel {
  readonly id: VmKernelId;
  /** the cache folder of this exact kernel */
  readonly dir: string;
  /** `uname -r` of the kernel */
  readonly release: string;
  /** what the cache folder is keyed by (`6.1.0-57-amd64`, `6.1.192-3-<config hash>`) */
  readonly key: string;
  readonly vmlinuz: string;
  /** the tree out-of-tree modules build against */
  readonly kdir: string;
  /** Debian: the image's /lib/modules/RELEASE (zram and friends) */
  readonly moddir?: string;
  /** devpriv: the kernel's own test_hmm module and hmm-tests selftest */
  readonly testHmm?: string;
  readonly hmmTests?: string;
}

export interface PrepareOptions {
  readonly log: (message: string) => void;
  readonly signal?: AbortSignal;
}

function readEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'kernel.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

function loadPrepared(id: VmKernelId, dir: string, key: string): PreparedKernel {
  const env = readEnv(dir);
  const abs = (p: string | undefined) => (p ? join(dir, p) : undefined);
  const k: PreparedKernel = {
    id, dir, key, release: env.KERNEL_RELEASE ?? key, vmlinuz: abs(env.VMLINUZ)!, kdir: abs(env.KDIR)!,
    ...(env.MODDIR ? { moddir: abs(env.MODDIR) } : {}),
    ...(existsSync(join(dir, 'test_hmm.ko')) ? { testHmm: join(dir, 'test_hmm.ko') } : {}),
    ...(existsSync(join(dir, 'hmm-tests')) ? { hmmTests: join(dir, 'hmm-tests') } : {}),
  };
  if (!k.vmlinuz || !existsSync(k.vmlinuz) || !k.kdir || !existsSync(k.kdir)) {
    throw new OracleError(`the cached kernel in ${dir} is incomplete (kernel.env names files that are missing); delete the folder and run again`);
  }
  return k;
}

/** Cached folders of a kind, newest first (for working offline). */
function cachedDirs(kind: string): string[] {
  const root = join(cacheRoot(), 'kernels', kind);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((n) => !n.endsWith('.part') && existsSync(join(root, n, 'kernel.env')))
    .map((n) => join(root, n)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
}

async function resolveDebianAbi(series: '6.1' | '6.12', o: PrepareOptions): Promise<string | undefined> {
  const script = join(kernelSourceDir(), 'vm', 'fetch-debian-kernel.sh');
  const once = async () => (await runCommand('sh', [script, series, '--resolve'], { signal: o.signal })).stdout.trim();
  let abi = await once().catch(() => '');
  if (!abi && typeof process.getuid === 'function' && process.getuid() === 0) {
    o.log('apt knows no matching kernel package; running apt-get update');
    await runCommand('apt-get', ['update'], { signal: o.signal });
    abi = await once().catch(() => '');
  }
  return abi || undefined;
}

async function prepareDebian(id: 'debian-6.1' | 'debian-6.12', o: PrepareOptions): Promise<PreparedKernel> {
  const series = id === 'debian-6.1' ? '6.1' : '6.12';
  const abi = await resolveDebianAbi(series, o);
  if (!abi) {
    const cached = cachedDirs(id)[0];
    if (cached) {
      o.log(`${id}: apt cannot name the current package (offline?); using the cached ${cached}`);
      return loadPrepared(id, cached, cached.split('/').pop()!);
    }
    throw new OracleError(`${id}: apt knows no linux-image package for ${series} and nothing is cached. The oracle needs Debian bookworm's package sources (bookworm and bookworm-security) and network access to deb.debian.org: run apt-get update`);
  }
  const dir = join(cacheRoot(), 'kernels', id, abi);
  if (existsSync(join(dir, 'kernel.env'))) return loadPrepared(id, dir, abi);
  mkdirSync(join(cacheRoot(), 'kernels', id), { recursive: true });
  return withLock(dir, o, 30 * 60_000, async () => {
    if (existsSync(join(dir, 'kernel.env'))) return loadPrepared(id, dir, abi);
    o.log(`${id}: downloading and extracting Debian's ${abi} image and headers into ${dir} (nothing is installed)`);
    await mustRun(`downloading ${id}`, 'sh', [join(kernelSourceDir(), 'vm', 'fetch-debian-kernel.sh'), series, dir],
      { signal: o.signal, onLine: (l) => o.log(`${id}: ${l.replace(/^hmm-lens: /, '')}`) });
    return loadPrepared(id, dir, abi);
  });
}

/** The devpriv kernel's cache key part that follows the source version: the config and the build script. */
export function devprivConfigHash(): string {
  const vm = join(kernelSourceDir(), 'vm');
  const h = createHash('sha256');
  for (const f of ['devpriv-6.1.config', 'build-devpriv-kernel.sh']) h.update(readFileSync(join(vm, f)));
  return h.digest('hex').slice(0, 12);
}

async function prepareDevpriv(o: PrepareOptions): Promise<PreparedKernel> {
  const id = 'devpriv-6.1';
  const hash = devprivConfigHash();
  const policy = await runCommand('apt-cache', ['policy', 'linux-source-6.1'], { signal: o.signal }).catch(() => undefined);
  const version = /Candidate:\s*(\S+)/.exec(policy?.stdout ?? '')?.[1];
  if (!version || version === '(none)') {
    const cached = cachedDirs(id).find((d) => d.endsWith(`-${hash}`));
    if (cached) {
      o.log(`${id}: apt cannot name linux-source-6.1 (offline?); using the cached ${cached}`);
      return loadPrepared(id, cached, cached.split('/').pop()!);
    }
    throw new OracleError(`${id}: apt knows no linux-source-6.1 package and no build is cached; run apt-get update (Debian bookworm sources)`);
  }
  const key = `${version}-${hash}`;
  const dir = join(cacheRoot(), 'kernels', id, key);
  if (existsSync(join(dir, 'kernel.env'))) return loadPrepared(id, dir, key);
  await ensurePackages(BUILD_PACKAGES, o.log, o.signal);
  mkdirSync(join(cacheRoot(), 'kernels', id), { recursive: true });
  return withLock(dir, o, 3 * 60 * 60_000, async () => {
    if (existsSync(join(dir, 'kernel.env'))) return loadPrepared(id, dir, key);
    const debs = join(cacheRoot(), 'debs');
    mkdirSync(debs, { recursive: true });
    const debName = () => readdirSync(debs).find((n) => n.startsWith(`linux-source-6.1_${version.replace(/:/g, '%3a')}_`) && n.endsWith('.deb'));
    if (!debName()) {
      o.log(`${id}: downloading linux-source-6.1 ${version}`);
      await mustRun('apt-get download linux-source-6.1', 'apt-get', ['download', `linux-source-6.1=${version}`], { cwd: debs, signal: o.signal });
    }
    const found = debName();
    if (!found) throw new OracleError(`${id}: apt-get download linux-source-6.1=${version} left no .deb in ${debs}`);
    const debFile = join(debs, found);
    const src = join(cacheRoot(), 'kernels', id, `${key}.src`);
    rmSync(src, { recursive: true, force: true });
    await mustRun('extracting linux-source-6.1', 'dpkg-deb', ['-x', debFile, src], { signal: o.signal });
    const tarball = join(src, 'usr', 'src', 'linux-source-6.1.tar.xz');
    o.log(`${id}: building the kernel once (about 8 minutes on 2 cores); it is cached in ${dir}`);
    try {
      await mustRun(`building ${id}`, 'sh', [join(kernelSourceDir(), 'vm', 'build-devpriv-kernel.sh'), tarball, dir], {
        signal: o.signal, onLine: (l) => { if (l.startsWith('hmm-lens: ')) o.log(`${id}: ${l.slice(10)}`); },
      });
    } finally {
      rmSync(src, { recursive: true, force: true });
    }
    return loadPrepared(id, dir, key);
  });
}

/**
 * Runs `make` under a lock folder next to `dir`, so that two processes (two test layers, the editor and the CLI)
 * never build into the same folder at once: the second waits, then finds the first one's result. A lock older than
 * `staleMs` (a process that died) is taken over.
 */
async function withLock<T>(dir: string, o: PrepareOptions, staleMs: number, make: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if (age > staleMs) { rmSync(lock, { recursive: true, force: true }); continue; }
      if (!told) { o.log(`waiting for another process that prepares ${dir}`); told = true; }
      if (o.signal?.aborted) throw new OracleError('cancelled');
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await make();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Prepares (or finds in the cache) one of the VM kernels, with the host packages the VM needs. */
export async function prepareKernel(id: VmKernelId, o: PrepareOptions): Promise<PreparedKernel> {
  await ensurePackages(VM_PACKAGES, o.log, o.signal);
  return id === 'devpriv-6.1' ? prepareDevpriv(o) : prepareDebian(id, o);
}

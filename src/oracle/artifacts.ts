/**
 * Builds what runs inside the VM from the kernel/ folder, once per source version, into the cache: the executor
 * (a static program, the same for every kernel) and the probe module (per kernel).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PreparedKernel } from './kernels';
import { cacheRoot, kernelSourceDir } from './paths';
import { mustRun } from './run';

function sourcesOf(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).filter((n) => ext.test(n)).sort().map((n) => join(dir, n));
}

function hashFiles(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f.split('/').pop()!).update(readFileSync(f));
  return h.digest('hex').slice(0, 12);
}

/** The static executor (kernel/executor/*.c), built once per source version. */
export async function buildExecutor(log: (m: string) => void, signal?: AbortSignal): Promise<string> {
  const k = kernelSourceDir();
  const srcs = sourcesOf(join(k, 'executor'), /\.[ch]$/);
  const uapi = join(k, 'probe', 'hmm_probe_uapi.h');
  const dir = join(cacheRoot(), 'executor', hashFiles([...srcs, uapi]));
  const out = join(dir, 'hmm-exec');
  if (existsSync(out)) return out;
  log('building the executor (gcc -static)');
  mkdirSync(dir, { recursive: true });
  await mustRun('building the executor', 'gcc', ['-static', '-O2', '-Wall', '-Wextra', '-Werror', '-I', join(k, 'probe'),
    '-o', `${out}.part`, ...srcs.filter((s) => s.endsWith('.c'))], { signal });
  renameSync(`${out}.part`, out);
  return out;
}

/** The probe module for one kernel (kernel/probe), built once per kernel and source version. */
export async function buildProbe(kernel: PreparedKernel, log: (m: string) => void, signal?: AbortSignal): Promise<string> {
  const src = join(kernelSourceDir(), 'probe');
  const files = sourcesOf(src, /^(Makefile|Kbuild|.*\.[ch])$/);
  const dir = join(cacheRoot(), 'probe', `${kernel.id}-${kernel.key}-${hashFiles(files)}`);
  const ko = join(dir, 'hmm_probe.ko');
  if (existsSync(ko)) return ko;
  log(`building the probe module for ${kernel.id} (${kernel.release})`);
  const build = `${dir}.build`;
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  for (const f of files) copyFileSync(f, join(build, f.split('/').pop()!));
  // kernel/probe/Makefile finds the tree (and Debian's headers unpacked away from /usr/src) from KDIR
  await mustRun(`building the probe module for ${kernel.id}`, 'make', ['-C', build, `KDIR=${kernel.kdir}`, 'modules'], { signal });
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(build, 'hmm_probe.ko'), ko);
  rmSync(build, { recursive: true, force: true });
  return ko;
}

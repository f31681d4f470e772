/**
 * Where the real-kernel oracle keeps things: the cache of prepared kernels and built artifacts (outside the
 * repository, shared by every checkout), and the repository's kernel/ folder (probe, executor, VM scripts).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** `$HMM_LENS_CACHE`, else `$XDG_CACHE_HOME/hmm-lens`, else `~/.cache/hmm-lens`. */
export function cacheRoot(): string {
  if (process.env.HMM_LENS_CACHE) return resolve(process.env.HMM_LENS_CACHE);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.cache'), 'hmm-lens');
}

let kernelFolder: string | undefined;

/**
 * The kernel/ folder that ships with HMM Lens (next to dist/ in the extension and the npm package; at the
 * repository's top in a checkout). Found by walking up from this bundle's folder.
 */
export function kernelSourceDir(): string {
  if (kernelFolder) return kernelFolder;
  let d = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(d, 'kernel', 'probe', 'hmm_probe.c'))) return (kernelFolder = join(d, 'kernel'));
    d = dirname(d);
  }
  throw new Error(`HMM Lens's kernel/ folder (probe module, executor, VM scripts) was not found above ${__dirname}`);
}

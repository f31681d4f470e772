/**
 * The Debian packages the oracle needs on the machine that runs it, installed with apt-get when missing (as root),
 * or named in the error otherwise. Kernels themselves are never installed: see ./kernels.ts.
 */
import { OracleError, runCommand } from './run';

/** What each package is for (the message names them when they are missing). */
export const VM_PACKAGES: Readonly<Record<string, string>> = {
  'qemu-system-x86': 'QEMU, which boots the kernels (software emulation; no KVM needed)',
  'busybox-static': 'the shell and tools inside the VM',
  cpio: 'packs the VM\'s initramfs',
  kmod: 'depmod, for the kernel modules copied into the VM',
  gcc: 'builds the probe module and the executor',
  'libc6-dev': 'static linking of the executor',
  make: 'kbuild',
  dwarves: 'pahole, for modules of kernels built with BTF',
};

export const BUILD_PACKAGES: Readonly<Record<string, string>> = {
  flex: 'building the devpriv-6.1 kernel', bison: 'building the devpriv-6.1 kernel', bc: 'building the devpriv-6.1 kernel',
  'libelf-dev': 'objtool, building the devpriv-6.1 kernel', rsync: 'make headers_install (the hmm-tests selftest)',
  'xz-utils': 'unpacking linux-source-6.1', perl: 'kbuild scripts',
};

async function missingPackages(names: readonly string[]): Promise<string[]> {
  const r = await runCommand('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names]);
  const installed = new Set(r.stdout.split('\n').filter((l) => l.endsWith(' installed')).map((l) => l.split(' ')[0]));
  return names.filter((n) => !installed.has(n));
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** apt-get install, with one `apt-get update` and a second try when the first fails (stale package lists). */
export async function aptInstall(pkgs: readonly string[], log: (m: string) => void, signal?: AbortSignal): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => runCommand('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { env, signal });
  log(`installing ${pkgs.join(' ')} (apt-get)`);
  let r = await install();
  if (r.code !== 0) {
    log('apt-get install failed; running apt-get update and trying again');
    await runCommand('apt-get', ['update'], { env, signal });
    r = await install();
  }
  if (r.code !== 0) {
    throw new OracleError(`apt-get install ${pkgs.join(' ')} failed:\n${r.stderr.trim().split('\n').slice(-10).join('\n')}`);
  }
}

/** Makes sure the packages are installed: installs them as root, else throws saying what to install. */
export async function ensurePackages(table: Readonly<Record<string, string>>, log: (m: string) => void, signal?: AbortSignal): Promise<void> {
  let hasDpkg = true;
  const missing = await missingPackages(Object.keys(table)).catch(() => { hasDpkg = false; return []; });
  if (!hasDpkg) {
    throw new OracleError('the real-kernel oracle needs a Debian or Ubuntu machine (dpkg and apt-get): it downloads Debian kernel packages and runs them under QEMU');
  }
  if (missing.length === 0) return;
  if (!isRoot()) {
    throw new OracleError(`missing packages: ${missing.map((m) => `${m} (${table[m]})`).join(', ')}.\nInstall them with: sudo apt-get install --no-install-recommends ${missing.join(' ')}`);
  }
  await aptInstall(missing, log, signal);
}

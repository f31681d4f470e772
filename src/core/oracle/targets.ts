/**
 * The real kernels HMM Lens verifies scenarios on, and what each can reproduce. The simulator runs a scenario as if
 * its `kernel:` were the real kernel's release (`release`); src/core/oracle/lower.ts decides from these facts which
 * steps a real process can perform there.
 */
import { LATEST_RELEASE, atLeast, isKernelError, parseKernelId } from '../kernel-id';

export type KernelTargetId = 'debian-6.1' | 'debian-6.12' | 'devpriv-6.1' | 'host';

export interface KernelTarget {
  readonly id: KernelTargetId;
  /** shown in the CLI, the Test Explorer profiles and reports */
  readonly title: string;
  /** the simulator's kernel id for this kernel (`v6.1`) */
  readonly release: string;
  /** the probe owns device-private memory for two devices (CONFIG_DEVICE_PRIVATE): migrate, exclusive */
  readonly devicePrivate: boolean;
  /** uffd-wp PTE markers can be installed in shmem (PTE_MARKER_UFFD_WP, 5.19) */
  readonly uffdWpShmem: boolean;
  /** …and in private anonymous memory (UFFD_FEATURE_WP_UNPOPULATED, 6.4) */
  readonly uffdWpAnon: boolean;
  /** MADV_GUARD_INSTALL (6.13) */
  readonly guardMarkers: boolean;
  /** how to get it, for messages */
  readonly how: string;
}

function capabilities(release: string): Pick<KernelTarget, 'uffdWpShmem' | 'uffdWpAnon' | 'guardMarkers'> {
  const k = parseKernelId(release);
  if (isKernelError(k)) return { uffdWpShmem: false, uffdWpAnon: false, guardMarkers: false };
  return { uffdWpShmem: atLeast(k, 5, 19), uffdWpAnon: atLeast(k, 6, 4), guardMarkers: atLeast(k, 6, 13) };
}

export const VM_TARGETS: Readonly<Record<Exclude<KernelTargetId, 'host'>, KernelTarget>> = {
  'debian-6.1': {
    id: 'debian-6.1', title: 'Linux 6.1 (Debian, VM)', release: 'v6.1', devicePrivate: false, ...capabilities('v6.1'),
    how: "Debian's linux-image-6.1 and its headers, downloaded and extracted into the cache, booted under QEMU",
  },
  'debian-6.12': {
    id: 'debian-6.12', title: 'Linux 6.12 (Debian, VM)', release: 'v6.12', devicePrivate: false, ...capabilities('v6.12'),
    how: "Debian's linux-image-6.12 (bookworm-security) and its headers, downloaded and extracted into the cache, booted under QEMU",
  },
  'devpriv-6.1': {
    id: 'devpriv-6.1', title: 'Linux 6.1 with DEVICE_PRIVATE (built, VM)', release: 'v6.1', devicePrivate: true,
    ...capabilities('v6.1'),
    how: "built once from Debian's linux-source-6.1 with CONFIG_DEVICE_PRIVATE and CONFIG_TEST_HMM (about 8 minutes on 2 cores), booted under QEMU",
  },
};

export const TARGET_IDS: readonly KernelTargetId[] = ['debian-6.1', 'debian-6.12', 'devpriv-6.1', 'host'];

export function isTargetId(s: string): s is KernelTargetId {
  return (TARGET_IDS as readonly string[]).includes(s);
}

/**
 * The simulator's kernel id for a running kernel's `uname -r` (`6.12.118+deb12-amd64` → `v6.12`); releases newer
 * than the newest modelled one run as `latest`. Undefined when the string names no release.
 */
export function releaseOfUname(uname: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(uname.trim());
  if (!m) return undefined;
  const id = `v${Number(m[1])}.${Number(m[2])}`;
  const k = parseKernelId(id);
  if (!isKernelError(k)) return k.id;
  const code = Number(m[1]) * 1000 + Number(m[2]);
  return code > LATEST_RELEASE.major * 1000 + LATEST_RELEASE.minor ? 'latest' : undefined;
}

/** The running machine's kernel, through the probe module loaded there (`hmm-lens verify --on host`). */
export function hostTarget(uname: string, devicePrivate: boolean): KernelTarget | { error: string } {
  const release = releaseOfUname(uname);
  if (!release) return { error: `the running kernel ${uname} is not a release HMM Lens models` };
  return {
    id: 'host', title: `Linux ${uname} (this machine)`, release, devicePrivate, ...capabilities(release),
    how: 'the probe module built against this machine\'s kernel (make -C kernel/probe) and loaded',
  };
}

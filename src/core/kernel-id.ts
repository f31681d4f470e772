/**
 * Kernel release ids as scenario files and settings name them: `vX.Y` (optionally `vX.Y.Z`) or `latest`.
 * A version is compared as a single number major*1000 + minor (patch levels do not change HMM behaviour we model,
 * except where a layout or behaviour table says so explicitly).
 */
export type KernelId = string;

export interface KernelVersion {
  /** the id as written, normalised (`v6.16`, `latest`) */
  readonly id: KernelId;
  readonly major: number;
  readonly minor: number;
  /** major*1000 + minor; `latest` maps to LATEST_VERSION */
  readonly code: number;
  readonly isLatest: boolean;
}

/** The newest release whose hmm_range_fault() behaviour this project models. Keep in step with the reference page. */
export const LATEST_RELEASE = { major: 6, minor: 19 } as const;

/** The oldest release with hmm_range_fault() and the driver-defined u64 encoding that HMM Lens models. */
export const OLDEST_RELEASE = { major: 4, minor: 17 } as const;

export function versionCode(major: number, minor: number): number {
  return major * 1000 + minor;
}

const ID_RE = /^v?(\d{1,2})\.(\d{1,3})(?:\.(\d{1,4}))?$/;

/** Parse a kernel id; returns an error message (what is allowed) instead of throwing. */
export function parseKernelId(text: string): KernelVersion | { error: string } {
  const t = text.trim();
  if (t === 'latest' || t === '') {
    return { id: 'latest', major: LATEST_RELEASE.major, minor: LATEST_RELEASE.minor,
      code: versionCode(LATEST_RELEASE.major, LATEST_RELEASE.minor), isLatest: true };
  }
  const m = ID_RE.exec(t);
  if (!m) return { error: `unknown kernel id "${text}"; expected a release id like v5.7, v5.8, v6.16, or latest` };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const code = versionCode(major, minor);
  if (code < versionCode(OLDEST_RELEASE.major, OLDEST_RELEASE.minor)) {
    return { error: `kernel ${t} is older than v${OLDEST_RELEASE.major}.${OLDEST_RELEASE.minor}, the first release with the u64 hmm_range_fault() API HMM Lens models` };
  }
  if (code > versionCode(LATEST_RELEASE.major, LATEST_RELEASE.minor)) {
    return { error: `kernel ${t} is newer than the newest modelled release v${LATEST_RELEASE.major}.${LATEST_RELEASE.minor}; use latest` };
  }
  return { id: `v${major}.${minor}`, major, minor, code, isLatest: false };
}

export function isKernelError(v: KernelVersion | { error: string }): v is { error: string } {
  return (v as { error?: string }).error !== undefined;
}

/** True when `k` is at or after release major.minor. */
export function atLeast(k: KernelVersion, major: number, minor: number): boolean {
  return k.code >= versionCode(major, minor);
}

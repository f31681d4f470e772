/**
 * Links from a trace's kernel function names to the source of the modelled release in a public cross-reference
 * (Bootlin's Elixir). The webview cannot open URLs: it posts { type: 'openExternal', url } and the host opens only
 * URLs matching KERNEL_SOURCE_URL_RE.
 */
import { isKernelError, LATEST_RELEASE, parseKernelId } from '../../core/kernel-id';
import { KERNEL_SOURCE_URL_RE } from '../../protocol/messages';

/** The release tag a scenario's kernel id names ('latest' and proposals: the newest modelled release). */
export function kernelRelease(kernel: string | undefined): string {
  const k = kernel && !kernel.startsWith('proposal:') ? parseKernelId(kernel) : undefined;
  if (!k || isKernelError(k)) return `v${LATEST_RELEASE.major}.${LATEST_RELEASE.minor}`;
  return `v${k.major}.${k.minor}`;
}

/** Trace `fn` values that name no kernel function (the driver's own loop, trace bookkeeping, `during` steps). */
const NOT_KERNEL = new Set(['driver', 'trace', 'during']);

/** Whether a trace event's `fn` is a kernel identifier worth a link (`hmm_vma_walk_test`, `handle_mm_fault` …). */
export function isKernelFunction(fn: string): boolean {
  return !NOT_KERNEL.has(fn) && /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/.test(fn);
}

/** The cross-reference page of identifier `fn` in the release of `kernel`; undefined when `fn` is no kernel name. */
export function kernelIdentUrl(fn: string, kernel: string | undefined): string | undefined {
  if (!isKernelFunction(fn)) return undefined;
  const url = `https://elixir.bootlin.com/linux/${kernelRelease(kernel)}/C/ident/${fn}`;
  return KERNEL_SOURCE_URL_RE.test(url) ? url : undefined;
}

/**
 * The kernel's side of a verified walk as a WalkResult, so the inspector can show it next to the simulator's (the
 * editor's "Verify on kernel"). Pure: the extension and the inspector's test harness both use it.
 */
import type { TraceEvent, WalkResult } from '../scenario/result';
import { kernelPfnClass } from './compare';
import type { WalkVerdict } from './judge';

/** What the probe said a kernel pfn is, as a trace state the inspector's map reads (src/webview/model/pageKinds.ts). */
function factState(facts: number, devices: readonly string[]): string | undefined {
  const cls = kernelPfnClass(facts);
  switch (cls) {
    case 'zero': return 'pte:zero';
    case 'huge-zero': return 'pmd:huge-zero';
    case 'dev0': return `pte:device-private(${devices[0] ?? 'device 0'})`;
    case 'dev1': return `pte:device-private(${devices[1] ?? 'device 1'})`;
    case 'dev-other': return 'pte:device-private(other owner)';
    default: return undefined;
  }
}

/**
 * The kernel's side of a walk as a WalkResult, for the inspector's compare view next to the simulator's. Its "trace"
 * is what the probe found for each VALID pfn (zero page, device-private page of which device), so the map and the
 * state column name them as the kernel sees them.
 */
export function kernelWalkResult(v: WalkVerdict, kernelRelease: string, devices: readonly string[] = []): WalkResult | undefined {
  const sim = v.sim;
  const k = v.kernel;
  if (!sim || !k) return undefined;
  const trace: TraceEvent[] = [];
  for (let i = 0; i < k.pages;) {
    const state = (k.words[i] >> 63n) & 1n ? factState(k.facts[i], devices) : undefined;
    let j = i + 1;
    while (j < k.pages && k.facts[j] === k.facts[i] && ((k.words[j] >> 63n) & 1n) === ((k.words[i] >> 63n) & 1n)) j++;
    if (state) {
      trace.push({ attempt: 1, fn: 'hmm_probe', first: i, end: j, state, rule: 'reported by the kernel',
        why: 'what the probe module found for these pfns in the real kernel', kind: 'output' });
    }
    i = j;
  }
  return { ...sim, name: `kernel ${kernelRelease}`, ret: k.ret, attempts: k.calls, ...(k.stale ? { stale: true } : { stale: undefined }),
    pfns: k.words, input: undefined, trace, expect: undefined };
}


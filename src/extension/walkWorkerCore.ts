/**
 * What a walk worker does with one request, whatever the host: parse and run the scenario, posting progress (at most
 * every 100 ms) and then one 'done' or 'error' message. Used by the Node worker (./walkWorker, worker_threads) and the
 * web worker (./webWalkWorker, a browser Web Worker). No Node API, no `vscode`. The parser and runner come from the
 * caller: the Node worker loads dist/core.js (the extension host's copy, not a second one), the web worker bundles them.
 */
import type { ScenarioCore } from './coreLoader';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';

/** Least time between two progress messages (the last one, done === total, is always sent). */
export const PROGRESS_INTERVAL_MS = 100;

export function handleWalkRequest(core: Pick<ScenarioCore, 'parseScenario' | 'runScenario'>, req: WalkWorkerRequest,
  post: (m: WalkWorkerMessage) => void, now: () => number = Date.now): void {
  const { parseScenario, runScenario } = core;
  try {
    const parsed = parseScenario(req.text, req.file, { limits: { maxWalkPages: req.maxPages } });
    if (!parsed.scenario || parsed.diagnostics.some((d) => d.severity === 'error')) {
      post({ type: 'done', diagnostics: parsed.diagnostics });
      return;
    }
    const only = req.walkIndices ? new Set(req.walkIndices) : undefined;
    let last = 0;
    const result = runScenario(parsed.scenario, {
      mode: req.mode, kernel: req.kernel, device: req.device, maxPages: req.maxPages,
      walks: only ? (_w, i) => only.has(i) : undefined,
      onProgress: (done, total) => {
        const t = now();
        if (t - last < PROGRESS_INTERVAL_MS && done < total) return;
        last = t;
        post({ type: 'progress', done, total });
      },
    });
    post({ type: 'done', result, diagnostics: parsed.diagnostics });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}

/**
 * The walk worker (bundled to dist/walk-worker.js): parses and runs one scenario off the extension host's main
 * thread, posting progress; the host cancels by terminating the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseScenario } from '../core/scenario/parse';
import { runScenario } from '../core/scenario/run';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';

function post(m: WalkWorkerMessage): void {
  parentPort?.postMessage(m);
}

function main(req: WalkWorkerRequest): void {
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
        const now = Date.now();
        if (now - last < 100 && done < total) return;
        last = now;
        post({ type: 'progress', done, total });
      },
    });
    post({ type: 'done', result, diagnostics: parsed.diagnostics });
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}

main(workerData as WalkWorkerRequest);

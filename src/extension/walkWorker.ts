/**
 * The Node walk worker (bundled to dist/walk-worker.js, worker_threads): runs one scenario off the extension host's
 * main thread (./walkWorkerCore), posting progress; the host cancels by terminating the worker. The parser and runner
 * are dist/core.js, next to this bundle (the same file the extension host loads), so the worker bundle stays small.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { ScenarioCore } from './coreLoader';
import { handleWalkRequest } from './walkWorkerCore';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';

const post = (m: WalkWorkerMessage): void => parentPort?.postMessage(m);
const file = join(__dirname, 'core.js');
let core: ScenarioCore | undefined;
try {
  // the path is computed so that esbuild leaves the require alone (as main.ts does)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  core = require(file) as ScenarioCore;
} catch (e) {
  post({ type: 'error', message: `cannot load the scenario parser and runner (${file}): ${e instanceof Error ? e.message : String(e)}` });
}
if (core) handleWalkRequest(core, workerData as WalkWorkerRequest, post);

/**
 * The web walk worker (bundled to dist/web/walk-worker.js, a browser Web Worker started by the web extension host):
 * the host posts one WalkWorkerRequest; the worker runs it (./walkWorkerCore) and posts the same messages as the Node
 * worker. The host cancels by terminating the worker. No Node API.
 */
import { parseScenario } from '../core/scenario/parse';
import { runScenario } from '../core/scenario/run';
import { handleWalkRequest } from './walkWorkerCore';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';

interface WorkerScope {
  onmessage: ((e: { data: unknown }) => void) | null;
  postMessage(m: WalkWorkerMessage): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  scope.onmessage = null; // one request per worker
  handleWalkRequest({ parseScenario, runScenario }, e.data as WalkWorkerRequest, (m) => scope.postMessage(m));
};

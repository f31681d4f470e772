/**
 * The Node walk worker (bundled to dist/walk-worker.js, worker_threads): runs one scenario off the extension host's
 * main thread (./walkWorkerCore), posting progress; the host cancels by terminating the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { handleWalkRequest } from './walkWorkerCore';
import type { WalkWorkerRequest } from './walkWorkerProtocol';

handleWalkRequest(workerData as WalkWorkerRequest, (m) => parentPort?.postMessage(m));

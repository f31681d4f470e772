/** Node host only: run a scenario in dist/walk-worker.js (worker_threads); cancellation terminates the worker. */
import * as vscode from 'vscode';
import type * as WorkerThreads from 'node:worker_threads';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';
import type { WorkerRun } from './activate';

export function nodeWalkWorker(extensionUri: vscode.Uri): WorkerRun {
  const script = vscode.Uri.joinPath(extensionUri, 'dist', 'walk-worker.js').fsPath;
  return (req: WalkWorkerRequest, onProgress: (done: number, total: number) => void, token?: vscode.CancellationToken) =>
    new Promise((resolve, reject) => {
      // node:worker_threads is loaded on the first large walk, not with the extension (activation stays light)
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Worker } = require('node:worker_threads') as typeof WorkerThreads;
      const worker = new Worker(script, { workerData: req });
      let settled = false;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        sub?.dispose();
        f();
      };
      const sub = token?.onCancellationRequested(() => {
        void worker.terminate();
        finish(() => resolve({ cancelled: true, diagnostics: [] }));
      });
      worker.on('message', (m: WalkWorkerMessage) => {
        if (m.type === 'progress') onProgress(m.done, m.total);
        else if (m.type === 'done') finish(() => resolve({ result: m.result, diagnostics: m.diagnostics }));
        else finish(() => reject(new Error(`walk worker: ${m.message}`)));
        if (m.type !== 'progress') void worker.terminate();
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', (code) => finish(() => reject(new Error(`walk worker exited with code ${code}`))));
    });
}

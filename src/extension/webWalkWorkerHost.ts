/**
 * Web host only: run a scenario in dist/web/walk-worker.js (a browser Web Worker, ./webWalkWorker); cancellation
 * terminates the worker. The worker is started from its URL; if that fails (VS Code 1.100 refuses workers from the
 * URL of a remote extension: "Creating workers from remote extensions is currently not supported."), from a Blob URL
 * of the fetched script.
 * If neither works the run resolves `unavailable` and the caller runs the walk inline.
 */
import * as vscode from 'vscode';
import type { WalkWorkerMessage, WalkWorkerRequest } from './walkWorkerProtocol';
import type { WorkerRun, WorkerRunResult } from './activate';
import { hmmOutput } from './output';

type Start = 'url' | 'blob';

interface BrowserWorker {
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string; preventDefault?(): void }) => void) | null;
  postMessage(m: unknown): void;
  terminate(): void;
}
export type WorkerCtor = new (url: string, options?: { name?: string }) => BrowserWorker;

/** The Worker constructor of this host, if it has one. */
export function workerConstructor(): WorkerCtor | undefined {
  const w = (globalThis as { Worker?: unknown }).Worker;
  return typeof w === 'function' ? (w as WorkerCtor) : undefined;
}

export function webWalkWorker(extensionUri: vscode.Uri, Ctor: WorkerCtor): WorkerRun {
  const scriptUrl = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'walk-worker.js').toString(true);
  let blobUrl: Promise<string> | undefined;
  /** the ways still worth trying, best first (a way that failed once is dropped) */
  const ways: Start[] = ['url', 'blob'];

  const create = async (way: Start): Promise<BrowserWorker> => {
    if (way === 'url') return new Ctor(scriptUrl, { name: 'hmm-lens walk worker' });
    blobUrl ??= (async () => {
      const res = await fetch(scriptUrl);
      if (!res.ok) throw new Error(`fetching ${scriptUrl}: HTTP ${res.status}`);
      const blob = new Blob([await res.text()], { type: 'text/javascript' });
      return URL.createObjectURL(blob);
    })();
    return new Ctor(await blobUrl, { name: 'hmm-lens walk worker' });
  };

  /** One attempt: resolves the run, or `started: false` when the worker failed before it said anything. */
  const attempt = (way: Start, req: WalkWorkerRequest, onProgress: (done: number, total: number) => void,
    token?: vscode.CancellationToken): Promise<WorkerRunResult | { started: false; reason: string }> =>
    new Promise((resolve, reject) => {
      let settled = false;
      let heard = false;
      let worker: BrowserWorker | undefined;
      const finish = (f: () => void) => {
        if (settled) return;
        settled = true;
        sub?.dispose();
        worker?.terminate();
        f();
      };
      const sub = token?.onCancellationRequested(() => finish(() => resolve({ cancelled: true, diagnostics: [] })));
      create(way).then((w) => {
        worker = w;
        if (settled) { w.terminate(); return; }
        w.onmessage = (e) => {
          heard = true;
          const m = e.data as WalkWorkerMessage;
          if (m.type === 'progress') { if (!settled) onProgress(m.done, m.total); }
          else if (m.type === 'done') finish(() => resolve({ result: m.result, diagnostics: m.diagnostics }));
          else finish(() => reject(new Error(`walk worker: ${m.message}`)));
        };
        w.onerror = (e) => {
          e.preventDefault?.();
          const reason = e.message || 'the worker failed to load';
          finish(() => (heard ? reject(new Error(`walk worker: ${reason}`)) : resolve({ started: false, reason })));
        };
        w.postMessage(req);
      }, (e: unknown) => finish(() => resolve({ started: false, reason: e instanceof Error ? e.message : String(e) })));
    });

  return async (req, onProgress, token) => {
    const reasons: string[] = [];
    while (ways.length > 0) {
      const way = ways[0];
      const r = await attempt(way, req, onProgress, token);
      if (!('started' in r)) return r;
      reasons.push(`${way}: ${r.reason}`);
      hmmOutput().appendLine(way === 'url'
        ? `[walk worker] cannot start the web worker from its URL (${r.reason}): using a Blob URL of the fetched script`
        : `[walk worker] cannot start the web worker from a Blob URL either (${r.reason})`);
      ways.shift();
      if (token?.isCancellationRequested) return { cancelled: true, diagnostics: [] };
    }
    return { diagnostics: [], unavailable: reasons.length > 0 ? reasons.join('; ') : 'the web worker could not be started' };
  };
}

/**
 * Web extension host entry (dist/web/extension.js): same features, no Node API; walks over hmm.walkWorkerThreshold
 * pages run in a Web Worker (dist/web/walk-worker.js, see ./webWalkWorkerHost), or inline where the host has no
 * Worker (the output channel says so). The parser and runner are bundled in (the Node host loads them from
 * dist/core.js on first use instead); the providers come from dist/web/providers.js right after activation
 * (./webProviders.ts), as the Node host's come from dist/providers.js.
 */
import type * as vscode from 'vscode';
import { activateHmm, type HmmApi, type WorkerRun } from './activate';
import { setScenarioCoreLoader } from './coreLoader';
import { loadWebProviders } from './webProviders';
import * as scenarioCoreModule from './scenarioCore';
import { webWalkWorker, workerConstructor } from './webWalkWorkerHost';

function worker(extensionUri: vscode.Uri): WorkerRun {
  const Ctor = workerConstructor();
  if (Ctor) return webWalkWorker(extensionUri, Ctor);
  return () => Promise.resolve({ diagnostics: [], unavailable: 'this web extension host has no Worker' });
}

export function activate(context: vscode.ExtensionContext): HmmApi {
  setScenarioCoreLoader(() => scenarioCoreModule);
  return activateHmm(context, { kind: 'web', worker, providers: () => loadWebProviders(context.extensionUri) });
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}

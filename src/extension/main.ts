/**
 * Node extension host entry (dist/extension.js): walks over hmm.walkWorkerThreshold pages run in a worker thread.
 * The parser and runner live in dist/core.js (see ./scenarioCore), required on first use, never during activation.
 */
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { activateHmm, type HmmApi } from './activate';
import { setScenarioCoreLoader, type ScenarioCore } from './coreLoader';
import { nodeWalkWorker } from './nodeWalkWorker';
import type { OracleModule } from './verify/types';

/** dist/core.js, next to this bundle; the path is computed so that esbuild leaves the require alone. */
function loadScenarioCore(): ScenarioCore {
  const file = join(__dirname, 'core.js');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a second bundle loaded on first use
    return require(file) as ScenarioCore;
  } catch (e) {
    throw new Error(`cannot load the scenario parser and runner (${file}): ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** dist/oracle.js (the real-kernel oracle: processes, QEMU), required on the first verification. */
function loadOracle(): OracleModule {
  const file = join(__dirname, 'oracle.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a third bundle loaded on first use
  return require(file) as OracleModule;
}

export function activate(context: vscode.ExtensionContext): HmmApi {
  setScenarioCoreLoader(loadScenarioCore);
  return activateHmm(context, { kind: 'node', worker: nodeWalkWorker, oracle: loadOracle });
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}

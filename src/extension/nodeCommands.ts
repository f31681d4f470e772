/**
 * The Node host's extension behind the activation stub (./main.ts): bundled as dist/commands.js, required right
 * after activate() returns (or by the first command or API use). It registers the commands, the stores and the
 * inspector (./activate.ts); walks over hmm.walkWorkerThreshold pages run in a worker thread. The parser and runner
 * live in dist/core.js (see ./scenarioCore), required on first use; the providers in dist/providers.js
 * (./providers.ts), required right after this bundle; the oracle and capture bundles on their first use.
 */
import type * as vscode from 'vscode';
import { join } from 'node:path';
import { activateHmm, type HmmApi, type ProvidersModule } from './activate';
import { setScenarioCoreLoader, type ScenarioCore } from './coreLoader';
import { nodeWalkWorker } from './nodeWalkWorker';
import type { OracleModule } from './verify/types';
import type { CaptureModule } from './capture/types';

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

/** dist/providers.js (diagnostics, hovers, CodeLens, Test Explorer, tree…), required right after activation. */
function loadProviders(): ProvidersModule {
  const file = join(__dirname, 'providers.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle loaded after activation
  return require(file) as ProvidersModule;
}

/** dist/capture.js (capturing a live process from /proc), required on the first capture. */
function loadCapture(): CaptureModule {
  const file = join(__dirname, 'capture.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle loaded on first use
  return require(file) as CaptureModule;
}

export function activateCommands(context: vscode.ExtensionContext): HmmApi {
  setScenarioCoreLoader(loadScenarioCore);
  return activateHmm(context, { kind: 'node', worker: nodeWalkWorker, oracle: loadOracle, capture: loadCapture,
    providers: loadProviders });
}

/**
 * What both entry points register (main.ts for the Node host, web.ts for the browser worker). Registration only:
 * every provider does its work when VS Code asks, never during activation.
 */
import * as vscode from 'vscode';
import type { ScenarioDiagnostic } from '../core/scenario/ast';
import type { ScenarioResult } from '../core/scenario/result';
import { registerDecodePfn } from './commands/decodePfn';
import { registerInspectValues } from './commands/inspectValues';
import { registerInspectWalk } from './commands/inspectWalk';
import { registerNewScenario } from './commands/newScenario';
import { registerOpenExample } from './commands/openExample';
import { registerRunAll } from './commands/runAll';
import { registerRunWalkCommands } from './commands/runWalk';
import { registerSelectKernelLayout } from './commands/selectKernelLayout';
import { registerPfnHover } from './hover/pfnHover';
import { registerInspector } from './inspector/index';
import { setInspector, type InspectorApi } from './inspectorBridge';
import { disposeOutput, hmmOutput, recentOutput } from './output';
import { WalkCodeLensProvider } from './scenario/codeLens';
import { ScenarioDiagnostics } from './scenario/diagnostics';
import { SCENARIO_SELECTOR } from './scenario/language';
import { quickCheck } from './scenario/quickCheck';
import { RunService } from './scenario/runService';
import { ScenarioStore } from './scenario/store';
import { ScenarioTests } from './testing/testController';
import { registerTree } from './tree/registerTree';
import { registerInspectorSync } from './inspectorSync';
import type { WalkWorkerRequest } from './walkWorkerProtocol';

/** Runs a scenario off the main thread (Node host: worker_threads); undefined where walks run inline. */
export type WorkerRun = (req: WalkWorkerRequest, onProgress: (done: number, total: number) => void,
  token?: vscode.CancellationToken) => Promise<{ result?: ScenarioResult; diagnostics: readonly ScenarioDiagnostic[]; cancelled?: boolean }>;

/** What differs between the hosts. */
export interface HostServices {
  readonly kind: 'node' | 'web';
  readonly worker?: (extensionUri: vscode.Uri) => WorkerRun;
}

/** The extension's exports (ext.exports), for integration tests and other extensions. */
export interface HmmApi {
  readonly host: 'node' | 'web';
  readonly store: ScenarioStore;
  readonly runs: RunService;
  readonly diagnostics: ScenarioDiagnostics;
  readonly tests: ScenarioTests;
  readonly tree: ReturnType<typeof registerTree>;
  readonly inspector?: InspectorApi;
  /** the last lines of the "HMM Lens" output channel */
  readonly outputLines: () => readonly string[];
  /** milliseconds activate() took */
  readonly activationMs: number;
}

function safeInspector(context: vscode.ExtensionContext, store: ScenarioStore): InspectorApi | undefined {
  try {
    return registerInspector(context, { extraLayouts: () => store.customLayouts() });
  } catch (e) {
    hmmOutput().appendLine(`inspector not available: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function activateHmm(context: vscode.ExtensionContext, host: HostServices): HmmApi {
  const t0 = Date.now();
  const store = new ScenarioStore();
  context.subscriptions.push(store, { dispose: disposeOutput });
  const kernelOf = (doc: vscode.TextDocument) => store.kernelOf(doc);

  const api = safeInspector(context, store);
  setInspector(api);
  context.subscriptions.push({ dispose: () => setInspector(undefined) });

  const runs = new RunService(store, host.worker?.(context.extensionUri));
  const diagnostics = new ScenarioDiagnostics(store, (doc) => quickCheck(store, doc));
  context.subscriptions.push(runs, diagnostics);

  registerDecodePfn(context, kernelOf);
  registerInspectValues(context, kernelOf);
  registerSelectKernelLayout(context);
  registerNewScenario(context);
  registerOpenExample(context);
  registerRunWalkCommands(context, store, runs);
  registerInspectWalk(context, store, runs);
  registerRunAll(context, runs, diagnostics.collection);
  context.subscriptions.push(vscode.commands.registerCommand('hmm.showOutput', () => hmmOutput().show(true)));

  registerPfnHover(context, kernelOf);
  const lenses = new WalkCodeLensProvider(store);
  context.subscriptions.push(lenses, vscode.languages.registerCodeLensProvider(
    [...SCENARIO_SELECTOR, { pattern: '**/*.hmm.json' }], lenses));

  const tests = new ScenarioTests(store, runs);
  context.subscriptions.push(tests);
  const tree = registerTree(context, store);
  registerInspectorSync(context, store);

  const activationMs = Date.now() - t0;
  return { host: host.kind, store, runs, diagnostics, tests, tree, inspector: api, outputLines: recentOutput, activationMs };
}

/**
 * What both entry points register (main.ts for the Node host, web.ts for the browser worker). Activation does
 * the least VS Code must see at once: the commands (a command has to exist when activation ends) and the
 * inspector. Providers VS Code asks on its own schedule — diagnostics, hovers, CodeLens, the test controller, the
 * tree — are built in a task right after activate() returns, or on first use through the API/commands, whichever
 * comes first. Nothing parses or runs during activation, and the parser/runner are not even loaded (./coreLoader).
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
import { createTree, registerTreeCommands, type ScenarioTree } from './tree/registerTree';
import { registerInspectorSync } from './inspectorSync';
import { scenarioCoreLoaded } from './coreLoader';
import type { WalkWorkerRequest } from './walkWorkerProtocol';
import { KernelVerifier } from './verify/kernelVerifier';
import type { OracleModule } from './verify/types';
import { registerVerifyCommand } from './verify/verifyCommand';

/** What a worker run gives back; `unavailable` (why) = no worker could be started, the caller runs inline. */
export interface WorkerRunResult {
  readonly result?: ScenarioResult;
  readonly diagnostics: readonly ScenarioDiagnostic[];
  readonly cancelled?: boolean;
  readonly unavailable?: string;
}

/** Runs a scenario off the main thread (Node host: worker_threads; web host: a Web Worker); undefined = inline. */
export type WorkerRun = (req: WalkWorkerRequest, onProgress: (done: number, total: number) => void,
  token?: vscode.CancellationToken) => Promise<WorkerRunResult>;

/** What differs between the hosts. */
export interface HostServices {
  readonly kind: 'node' | 'web';
  readonly worker?: (extensionUri: vscode.Uri) => WorkerRun;
  /** the real-kernel oracle (dist/oracle.js), Node host only: loaded on first use */
  readonly oracle?: () => OracleModule;
}

/** The extension's exports (ext.exports), for integration tests and other extensions. */
export interface HmmApi {
  readonly host: 'node' | 'web';
  readonly store: ScenarioStore;
  readonly runs: RunService;
  /** built right after activation (reading it earlier builds it) */
  readonly diagnostics: ScenarioDiagnostics;
  /** built right after activation (reading it earlier builds it) */
  readonly tests: ScenarioTests;
  /** built right after activation (reading it earlier builds it) */
  readonly tree: ScenarioTree;
  readonly inspector?: InspectorApi;
  /** verifying on real kernels (Node host only) */
  readonly verifier?: KernelVerifier;
  /** the last lines of the "HMM Lens" output channel */
  readonly outputLines: () => readonly string[];
  /** milliseconds activate() took */
  readonly activationMs: number;
  /** resolves when the providers deferred past activation are registered */
  readonly ready: Promise<void>;
  /** whether activate() itself loaded the parser/runner (it must not: they load on first use) */
  readonly coreLoadedDuringActivation: boolean;
}

function safeInspector(context: vscode.ExtensionContext, store: ScenarioStore): InspectorApi | undefined {
  try {
    return registerInspector(context, { extraLayouts: () => store.customLayouts() });
  } catch (e) {
    hmmOutput().appendLine(`inspector not available: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** A value made on first call (the deferred task or an earlier user), then kept. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function activateHmm(context: vscode.ExtensionContext, host: HostServices): HmmApi {
  const t0 = performance.now();
  const store = new ScenarioStore();
  context.subscriptions.push(store, { dispose: disposeOutput });
  const kernelOf = (doc: vscode.TextDocument) => store.kernelOf(doc);

  const api = safeInspector(context, store);
  setInspector(api);
  context.subscriptions.push({ dispose: () => setInspector(undefined) });

  const runs = new RunService(store, host.worker?.(context.extensionUri));
  context.subscriptions.push(runs);
  const verifier = host.oracle ? new KernelVerifier(context.workspaceState, host.oracle) : undefined;

  const keep = <T extends vscode.Disposable>(d: T): T => { context.subscriptions.push(d); return d; };
  const diagnostics = lazy(() => keep(new ScenarioDiagnostics(store, (doc) => quickCheck(store, doc))));
  const tests = lazy(() => keep(new ScenarioTests(store, runs, verifier)));
  const tree = lazy(() => createTree(context, store));

  registerDecodePfn(context, kernelOf);
  registerInspectValues(context, kernelOf);
  registerSelectKernelLayout(context);
  registerNewScenario(context);
  registerOpenExample(context);
  registerRunWalkCommands(context, store, runs);
  registerInspectWalk(context, store, runs);
  registerVerifyCommand(context, store, verifier);
  registerRunAll(context, runs, () => diagnostics().collection);
  registerTreeCommands(context, store, tree);
  context.subscriptions.push(vscode.commands.registerCommand('hmm.showOutput', () => hmmOutput().show(true)));

  // the providers, in the task after activation (VS Code asks them for work later anyway)
  let disposed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timer = undefined;
      if (!disposed) registerProviders();
      resolve();
    }, 0);
  });
  context.subscriptions.push({ dispose: () => { disposed = true; if (timer !== undefined) clearTimeout(timer); } });
  const registerProviders = () => {
    for (const [what, make] of [
      ['diagnostics', () => diagnostics()],
      ['hovers', () => registerPfnHover(context, kernelOf)],
      ['CodeLens', () => {
        const lenses = keep(new WalkCodeLensProvider(store, verifier !== undefined));
        keep(vscode.languages.registerCodeLensProvider([...SCENARIO_SELECTOR, { pattern: '**/*.hmm.json' }], lenses));
      }],
      ['Test Explorer', () => tests()],
      ['tree', () => tree()],
      ['inspector sync', () => registerInspectorSync(context, store)],
    ] as const) {
      // one feature failing to register must not take the others down
      try { make(); } catch (e) { hmmOutput().appendLine(`${what} not available: ${e instanceof Error ? e.message : String(e)}`); }
    }
  };

  const activationMs = performance.now() - t0;
  return {
    host: host.kind, store, runs, inspector: api, verifier, outputLines: recentOutput, activationMs, ready,
    coreLoadedDuringActivation: scenarioCoreLoaded(),
    get diagnostics() { return diagnostics(); },
    get tests() { return tests(); },
    get tree() { return tree(); },
  };
}

/**
 * What both entry points register (main.ts for the Node host, web.ts for the browser worker). Activation does
 * the least VS Code must see at once: the commands (a command has to exist when activation ends) and the
 * inspector. Providers VS Code asks on its own schedule — diagnostics, hovers, CodeLens, the test controller, the
 * tree, the walkthrough, the authoring help — live in a bundle of their own (./providers.ts) that the host loads in
 * a task right after activate() returns (Node: dist/providers.js, required; web: dist/web/providers.js, fetched), or
 * at first use through the API (Node), whichever comes first. Nothing parses or runs during activation, and the
 * parser/runner are not even loaded (./coreLoader).
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
import { registerInspector } from './inspector/index';
import { inspector, setInspector, showResultFor, shownResult, type InspectorApi } from './inspectorBridge';
import { disposeOutput, hmmOutput, outputState, recentOutput } from './output';
import type { ScenarioDiagnostics } from './scenario/diagnostics';
import { RunService } from './scenario/runService';
import { ScenarioStore } from './scenario/store';
import type { ScenarioTests } from './testing/testController';
import { registerTreeCommands, type ScenarioTree } from './tree/registerTree';
import { completedSteps, walkthroughState, type WalkthroughStep } from './walkthrough/progress';
import type { FirstRunOutcome } from './walkthrough/firstRun';
import { scenarioCore, scenarioCoreLoaded } from './coreLoader';
import type { ProviderDeps, RegisteredProviders } from './providers';
import type { WalkWorkerRequest } from './walkWorkerProtocol';
import { KernelVerifier } from './verify/kernelVerifier';
import type { OracleModule } from './verify/types';
import { registerVerifyCommand } from './verify/verifyCommand';
import { registerCaptureCommand } from './capture/captureProcess';
import type { CaptureModule } from './capture/types';

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
  /** capturing a live process from /proc (dist/capture.js), Node host only: loaded on first use */
  readonly capture?: () => CaptureModule;
  /** the providers bundle (./providers.ts): Node requires it (at once), web fetches and evaluates it (a promise) */
  readonly providers: () => ProvidersModule | Promise<ProvidersModule>;
}

/** What the providers bundle exports. */
export interface ProvidersModule {
  registerProviders(deps: ProviderDeps): RegisteredProviders;
}

/** The extension's exports (ext.exports), for integration tests and other extensions. */
export interface HmmApi {
  readonly host: 'node' | 'web';
  readonly store: ScenarioStore;
  readonly runs: RunService;
  /** built right after activation (reading it earlier builds it in the Node host; web: after `ready`) */
  readonly diagnostics: ScenarioDiagnostics;
  /** built right after activation (reading it earlier builds it in the Node host; web: after `ready`) */
  readonly tests: ScenarioTests;
  /** built right after activation (reading it earlier builds it in the Node host; web: after `ready`) */
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
  /** what the first-run check did: opened the walkthrough, or why not (resolves with `ready`) */
  readonly firstRun: Promise<FirstRunOutcome>;
  /** walkthrough steps completed in this session by their equivalent actions */
  readonly walkthroughSteps: () => readonly WalkthroughStep[];
}

function safeInspector(context: vscode.ExtensionContext, store: ScenarioStore): InspectorApi | undefined {
  try {
    return registerInspector(context, {
      extraLayouts: () => store.customLayouts(),
      // a shown result is outdated once its file's text is not the text it ran on; "invalid" when it no longer parses
      sourceState: (src) => {
        const uri = vscode.Uri.parse(src.uri);
        const now = store.results.currentHash(uri);
        if (!src.textHash || now === undefined || now === src.textHash) return { state: 'current' };
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === src.uri);
        const parsed = doc ? store.parse(doc) : undefined;
        if (parsed && !parsed.scenario) {
          const err = parsed.diagnostics.find((d) => d.severity === 'error');
          return { state: 'invalid', detail: err ? `The file no longer parses (line ${err.pos.line}: ${err.message})` : 'The file no longer parses' };
        }
        return { state: 'changed', detail: 'The scenario file changed after this walk ran' };
      },
      onSourceChange: store.onDidChangeRuns,
    });
  } catch (e) {
    hmmOutput().appendLine(`inspector not available: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

export function activateHmm(context: vscode.ExtensionContext, host: HostServices): HmmApi {
  const t0 = performance.now();
  const store = new ScenarioStore();
  context.subscriptions.push(store, { dispose: disposeOutput });
  const kernelOf = (doc: vscode.TextDocument) => store.kernelOf(doc);

  const api = safeInspector(context, store);
  setInspector(api, (uri, result) => {
    const run = store.getRun(uri);
    return run && run.result === result ? { version: run.version, textHash: run.textHash } : undefined;
  });
  context.subscriptions.push({ dispose: () => setInspector(undefined) });

  const runs = new RunService(store, host.worker?.(context.extensionUri));
  context.subscriptions.push(runs);
  const verifier = host.oracle ? new KernelVerifier(context.workspaceState, host.oracle) : undefined;

  const bridge = { inspector, shownResult, showResultFor };

  // the providers bundle: loaded and registered once, by the task after activation or by the first user
  let registered: RegisteredProviders | undefined;
  let disposed = false;
  const deps: ProviderDeps = { context, store, runs, verifier, kernelOf, bridge, scenarioCore, output: outputState(),
    walkthrough: walkthroughState() };
  const register = (m: ProvidersModule): RegisteredProviders => (registered ??= m.registerProviders(deps));
  /** the providers now: loads them in the Node host; undefined in the web host until they arrived */
  const providersNow = (): RegisteredProviders | undefined => {
    if (registered || disposed) return registered;
    const m = host.providers();
    return m instanceof Promise ? undefined : register(m);
  };
  const providers = (): RegisteredProviders => {
    const p = providersNow();
    if (!p) throw new Error('HMM Lens: the providers are still loading (await api.ready)');
    return p;
  };

  registerDecodePfn(context, kernelOf);
  registerInspectValues(context, kernelOf);
  registerSelectKernelLayout(context, kernelOf);
  registerNewScenario(context);
  registerOpenExample(context);
  registerRunWalkCommands(context, store, runs);
  registerInspectWalk(context, store, runs);
  registerVerifyCommand(context, store, verifier);
  registerCaptureCommand(context, runs, host.capture);
  registerRunAll(context, runs, () => providersNow()?.diagnostics().collection);
  registerTreeCommands(context, store, () => ready.then(() => providers().tree()));
  context.subscriptions.push(vscode.commands.registerCommand('hmm.showOutput', () => hmmOutput().show(true)));

  // the providers, in the task after activation (VS Code asks them for work later anyway)
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timer = undefined;
      if (disposed) { resolve(); return; }
      Promise.resolve().then(() => host.providers()).then((m) => register(m).firstRun).catch((e: unknown) => {
        hmmOutput().appendLine(`providers not available: ${e instanceof Error ? e.message : String(e)}`);
      }).finally(() => resolve());
    }, 0);
  });
  context.subscriptions.push({ dispose: () => { disposed = true; if (timer !== undefined) clearTimeout(timer); } });

  const activationMs = performance.now() - t0;
  return {
    host: host.kind, store, runs, inspector: api, verifier, outputLines: recentOutput, activationMs, ready,
    coreLoadedDuringActivation: scenarioCoreLoaded(),
    get firstRun() { return ready.then(() => registered?.firstRun ?? 'failed'); },
    walkthroughSteps: completedSteps,
    get diagnostics() { return providers().diagnostics(); },
    get tests() { return providers().tests(); },
    get tree() { return providers().tree(); },
  };
}

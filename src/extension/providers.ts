/**
 * The providers VS Code asks on its own schedule — diagnostics, hovers, the kernel status item, CodeLens, the Test
 * Explorer, the tree, the inspector sync, the walkthrough, the authoring help — in a bundle of their own
 * (dist/providers.js; dist/web/providers.js in the web host) that the activating bundle loads right after activate()
 * returns (or at the first use through the API or a command), so activation loads and runs only the commands.
 *
 * This bundle has its own copies of the modules both bundles use. Those with state are handed the activating
 * bundle's: the parser loader (./coreLoader), the output channel (./output) and the walkthrough's record of done
 * steps (./walkthrough/progress); the inspector bridge is passed as
 * functions (`bridge`) and never imported here for its state.
 */
import * as vscode from 'vscode';
import { registerAuthoring } from './authoring/register';
import { setScenarioCoreLoader, type ScenarioCore } from './coreLoader';
import { registerPfnHover } from './hover/pfnHover';
import { registerInspectorSync, type InspectorBridgeFns } from './inspectorSync';
import { adoptOutputState, hmmOutput, type OutputState } from './output';
import { WalkCodeLensProvider } from './scenario/codeLens';
import { ScenarioDiagnostics } from './scenario/diagnostics';
import { SCENARIO_SELECTOR } from './scenario/language';
import { quickCheck } from './scenario/quickCheck';
import type { RunService } from './scenario/runService';
import type { ScenarioStore } from './scenario/store';
import { registerKernelStatus } from './statusBar/kernelStatus';
import { ScenarioTests } from './testing/testController';
import { createTree, type ScenarioTree } from './tree/registerTree';
import type { KernelVerifier } from './verify/kernelVerifier';
import type { FirstRunOutcome } from './walkthrough/firstRun';
import { registerWalkthrough } from './walkthrough/register';
import { adoptWalkthroughState, type WalkthroughStep } from './walkthrough/progress';
import type { KernelOfDocument } from './commands/decodePfn';

/** What the activating bundle hands over. */
export interface ProviderDeps {
  readonly context: vscode.ExtensionContext;
  readonly store: ScenarioStore;
  readonly runs: RunService;
  readonly verifier?: KernelVerifier;
  readonly kernelOf: KernelOfDocument;
  readonly bridge: InspectorBridgeFns;
  /** the activating bundle's parser/runner loader (loads dist/core.js once, for both bundles) */
  readonly scenarioCore: () => ScenarioCore;
  readonly output: OutputState;
  /** the walkthrough steps done so far (one record for both bundles) */
  readonly walkthrough: Set<WalkthroughStep>;
}

/** The providers, registered; the objects the API and the commands reach. */
export interface RegisteredProviders {
  diagnostics(): ScenarioDiagnostics;
  tests(): ScenarioTests;
  tree(): ScenarioTree;
  /** what the first-run check did (opened the walkthrough, or why not) */
  readonly firstRun: Promise<FirstRunOutcome>;
}

/** A value made on first call, then kept. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export function registerProviders(d: ProviderDeps): RegisteredProviders {
  setScenarioCoreLoader(d.scenarioCore);
  adoptOutputState(d.output);
  adoptWalkthroughState(d.walkthrough);
  const { context, store, kernelOf } = d;
  const keep = <T extends vscode.Disposable>(x: T): T => { context.subscriptions.push(x); return x; };
  const diagnostics = lazy(() => keep(new ScenarioDiagnostics(store, (doc) => quickCheck(store, doc))));
  const tests = lazy(() => keep(new ScenarioTests(store, d.runs, d.verifier)));
  const tree = lazy(() => createTree(context, store, d.bridge));
  let firstRun: Promise<FirstRunOutcome> = Promise.resolve('failed');
  for (const [what, make] of [
    ['diagnostics', () => diagnostics()],
    ['hovers', () => registerPfnHover(context, kernelOf, { parse: (doc) => store.parse(doc), allRuns: () => store.results.allRuns() })],
    ['kernel status', () => registerKernelStatus(context, kernelOf)],
    ['CodeLens', () => {
      const lenses = keep(new WalkCodeLensProvider(store, d.verifier !== undefined));
      keep(vscode.languages.registerCodeLensProvider([...SCENARIO_SELECTOR, { pattern: '**/*.hmm.json' }], lenses));
    }],
    ['Test Explorer', () => tests()],
    ['tree', () => tree()],
    ['inspector sync', () => registerInspectorSync(context, store, d.bridge)],
    ['walkthrough', () => { firstRun = registerWalkthrough(context, store); }],
    ['authoring help', () => registerAuthoring(context)],
  ] as const) {
    // one feature failing to register must not take the others down
    try { make(); } catch (e) { hmmOutput().appendLine(`${what} not available: ${e instanceof Error ? e.message : String(e)}`); }
  }
  return { diagnostics, tests, tree, firstRun };
}

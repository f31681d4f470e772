/**
 * Access to ./scenarioCore, loaded on first use: each host entry (main.ts, web.ts) installs how to load it. Keeps
 * the parser, the runner and yaml out of what activation loads in the Node host.
 */
import type * as ScenarioCoreModule from './scenarioCore';

export type ScenarioCore = typeof ScenarioCoreModule;

let load: (() => ScenarioCore) | undefined;
let loaded: ScenarioCore | undefined;

/** Called once by the host entry before activation. */
export function setScenarioCoreLoader(loader: () => ScenarioCore): void {
  load = loader;
  loaded = undefined;
}

/** Whether the parser and runner have been loaded (for tests: activation must not load them). */
export function scenarioCoreLoaded(): boolean {
  return loaded !== undefined;
}

/** The parser and runner; the first call loads them (a few ms in the Node host). */
export function scenarioCore(): ScenarioCore {
  if (loaded) return loaded;
  if (!load) throw new Error('HMM Lens: the scenario core loader was not installed (main.ts/web.ts set it)');
  loaded = load();
  return loaded;
}

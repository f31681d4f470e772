/**
 * Public API of the simulator core (pure TypeScript: no vscode, no Node built-ins).
 */
import { parseScenario, type ParseOptions } from './scenario/parse';
import { runScenario, type RunOptions } from './scenario/run';
import type { ScenarioDiagnostic } from './scenario/ast';
import type { ScenarioResult } from './scenario/result';

export * from './layouts';
export * from './kernel-id';
export type * from './scenario/ast';
export { formatDiagnostic } from './scenario/ast';
export type * from './scenario/result';
export { parseScenario, type ParseOptions, type ParseOutcome } from './scenario/parse';
export { runScenario, DEFAULT_MAX_PAGES, type RunOptions } from './scenario/run';
export { checkExpect, type PfnInfo } from './scenario/expect';
export { resultToJson } from './scenario/json';
export { behaviourFor, behaviourForKernel, type Behaviour } from './behaviour';
export { ZERO_PFN, HUGE_ZERO_PFN, DEVICE_BASE_PFN, DEVICE_SPAN_PFNS, RAM_BASE_PFN } from './mm/phys';
export { errnoName } from './walk/state';

/** Parse and run scenario text in one call: the parser's diagnostics, then the runner's. */
export function runScenarioText(text: string, file: string, opts: RunOptions & { parse?: ParseOptions } = {}):
  { result?: ScenarioResult; diagnostics: ScenarioDiagnostic[] } {
  const parsed = parseScenario(text, file, opts.parse);
  if (!parsed.scenario || parsed.diagnostics.some((d) => d.severity === 'error')) {
    return { diagnostics: parsed.diagnostics };
  }
  const result = runScenario(parsed.scenario, opts);
  return { result, diagnostics: [...parsed.diagnostics, ...result.diagnostics] };
}

/** What every workload gets: the loaded core modules and the floors, each measured once per size in this run. */
import { fillFloor } from './floors';
import type { Timing } from './timing';
import { loadJson, loadLayouts, loadParse, loadRun, loadScan, type JsonApi, type LayoutsApi, type Loaded, type ParseApi, type RunApi } from './core';

export interface BenchContext {
  readonly parse: Loaded<ParseApi>;
  readonly run: Loaded<RunApi>;
  readonly layouts: Loaded<LayoutsApi>;
  readonly scan: Loaded<Record<string, unknown>>;
  readonly json: Loaded<JsonApi>;
  fill(n: number): Timing;
  /** every floor measured, for the JSON document */
  readonly floors: Record<string, Timing>;
  /** quick mode: smaller sizes and fewer runs (`npm run bench -- --quick`), never used for the README table */
  readonly quick: boolean;
}

export async function makeContext(quick: boolean): Promise<BenchContext> {
  const floors: Record<string, Timing> = {};
  const memo = (name: string, f: (n: number) => Timing) => (n: number) => (floors[`${name}(${n})`] ??= f(n));
  return {
    parse: await loadParse(), run: await loadRun(), layouts: await loadLayouts(), scan: await loadScan(), json: await loadJson(),
    fill: memo('fill', fillFloor), floors, quick,
  };
}

/**
 * Which pfn layout applies where: an explicit kernel (command argument), the scenario's `kernel`/`legacy`, else the
 * settings hmm.kernel / hmm.legacyProfile. Never throws: a bad id falls back to `latest` and says why.
 */
import type * as vscode from 'vscode';
import { layoutForKernel } from '../core/layouts/index';
import type { PfnLayout } from '../core/layouts/types';
import type { LegacyProfileSpec } from '../core/scenario/ast';
import { hmmSettings } from './config';

export interface LayoutChoice {
  readonly layout: PfnLayout;
  /** where the kernel id came from */
  readonly source: 'argument' | 'scenario' | 'setting' | 'fallback';
  /** the kernel id as given */
  readonly kernel: string;
  /** why the fallback was used, when it was */
  readonly problem?: string;
}

export interface ScenarioKernel {
  readonly kernel: string;
  readonly legacy?: LegacyProfileSpec;
}

export function chooseLayout(opts: { kernel?: string; scenario?: ScenarioKernel; scope?: vscode.ConfigurationScope } = {}): LayoutChoice {
  const settings = hmmSettings(opts.scope);
  const legacySetting = settings.legacyProfile || undefined;
  const attempts: { kernel: string; legacy?: LegacyProfileSpec | string; source: LayoutChoice['source'] }[] = [];
  if (opts.kernel !== undefined && opts.kernel.trim() !== '') attempts.push({ kernel: opts.kernel.trim(), legacy: legacySetting, source: 'argument' });
  if (opts.scenario) attempts.push({ kernel: opts.scenario.kernel, legacy: opts.scenario.legacy ?? legacySetting, source: 'scenario' });
  attempts.push({ kernel: settings.kernel, legacy: legacySetting, source: 'setting' });
  let problem: string | undefined;
  for (const a of attempts) {
    try {
      return { layout: layoutForKernel(a.kernel, a.legacy), source: a.source, kernel: a.kernel, problem };
    } catch (e) {
      problem ??= `kernel "${a.kernel}": ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return { layout: layoutForKernel('latest'), source: 'fallback', kernel: 'latest', problem };
}

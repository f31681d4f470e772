/** The extension's settings (contributes.configuration "hmm.*"), read fresh each time so changes apply at once. */
import * as vscode from 'vscode';

export const DEFAULT_HOVER_LANGUAGES = ['c', 'cpp', 'log', 'plaintext', 'hmm-scenario', 'yaml', 'json'];

export interface HmmSettings {
  /** kernel release id or 'latest' for values not tied to a scenario */
  readonly kernel: string;
  /** legacy (4.17–5.7) profile name: amdgpu, nouveau, test_hmm; '' = default */
  readonly legacyProfile: string;
  readonly pageSize: number;
  readonly hoverEnabled: boolean;
  /** which hex values a hover decodes: auto (plausible pfn words and addresses), always (every value), off */
  readonly hoverMode: 'auto' | 'always' | 'off';
  readonly hoverLanguages: readonly string[];
  /** largest walk the extension runs (pages) */
  readonly maxPages: number;
  /** walks over this many pages run in a worker */
  readonly workerThresholdPages: number;
}

function hoverModeOf(v: string | undefined): HmmSettings['hoverMode'] {
  return v === 'always' || v === 'off' ? v : 'auto';
}

export function hmmSettings(scope?: vscode.ConfigurationScope): HmmSettings {
  const c = vscode.workspace.getConfiguration('hmm', scope);
  return {
    kernel: (c.get<string>('kernel') ?? 'latest').trim() || 'latest',
    legacyProfile: (c.get<string>('legacyProfile') ?? '').trim(),
    pageSize: c.get<number>('pageSize') ?? 4096,
    hoverEnabled: c.get<boolean>('hover.enabled') ?? true,
    hoverMode: hoverModeOf(c.get<string>('hover.mode')),
    hoverLanguages: c.get<string[]>('hover.languages') ?? DEFAULT_HOVER_LANGUAGES,
    maxPages: c.get<number>('maxPages') ?? 16_777_216,
    workerThresholdPages: c.get<number>('walkWorkerThreshold') ?? 262_144,
  };
}

/**
 * Loads the core modules the suite measures. They are imported dynamically so that a module that is not there
 * yet (or fails to load) turns its workloads into "missed: <reason>" rows instead of failing the whole run.
 */
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Scenario, ScenarioDiagnostic, WalkStep } from '../../src/core/scenario/ast';
import type { ScenarioResult } from '../../src/core/scenario/result';
import type { DecodedPfn, PfnLayout } from '../../src/core/layouts/types';

export interface RunOptionsLike {
  mode?: 'snapshot' | 'fault' | 'fault_write';
  kernel?: string;
  device?: string;
  walks?: (w: WalkStep, index: number) => boolean;
  maxPages?: number;
  onProgress?: (done: number, total: number) => void;
  isCancelled?: () => boolean;
}

export interface ParseApi {
  parseScenario(text: string, file: string): { scenario?: Scenario; diagnostics: ScenarioDiagnostic[] };
}
export interface RunApi {
  runScenario(s: Scenario, opts?: RunOptionsLike): ScenarioResult;
}
export interface LayoutsApi {
  listLayouts(): PfnLayout[];
  getLayout(id: string): PfnLayout | undefined;
  layoutForKernel(kernel: string, legacy?: unknown): PfnLayout;
  decodePfn(raw: bigint, layout: PfnLayout, pageSize?: number): DecodedPfn;
  encodePfn(f: { flags: string[]; pfn: bigint; order?: number; value?: 'ERROR' | 'NONE' | 'SPECIAL' }, layout: PfnLayout): bigint;
  formatDecoded(d: DecodedPfn): string;
  [other: string]: unknown;
}
export interface JsonApi {
  resultToJson(results: ScenarioResult[]): unknown;
}

export type Loaded<T> = { ok: true; api: T } | { ok: false; reason: string };

/**
 * The core is measured as it ships: bundled by esbuild (no keepNames, as in scripts/build.mjs), not through tsx,
 * whose per-closure `__name` wrappers cost time in hot code. One bundle holds every module below that exists, so
 * objects (layouts) are shared between them as in the CLI and the extension.
 */
const MODULES: Record<string, string> = {
  parse: 'src/core/scenario/parse.ts',
  run: 'src/core/scenario/run.ts',
  layouts: 'src/core/layouts/index.ts',
  scan: 'src/core/layouts/scan.ts',
  json: 'src/core/scenario/json.ts',
};

const ROOT = join(__dirname, '..', '..');
/** Generated files (bundles) go to out/bench: out/ is ignored by git and eslint. */
export const BUILD_DIR = join(ROOT, 'out', 'bench');
let bundle: { mods?: Record<string, Record<string, unknown>>; error?: string } | undefined;

function coreBundle(): { mods?: Record<string, Record<string, unknown>>; error?: string } {
  if (bundle) return bundle;
  const present = Object.entries(MODULES).filter(([, f]) => existsSync(join(ROOT, f)));
  const dir = BUILD_DIR;
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'core-entry.ts');
  writeFileSync(entry, present.map(([k, f]) => `export * as ${k} from '../../${f.replace(/\.ts$/, '')}';`).join('\n') + '\n');
  const out = join(dir, 'core.cjs');
  try {
    buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      logLevel: 'silent', keepNames: false, minify: false, sourcemap: false });
    const req = createRequire(__filename);
    delete req.cache[out];
    bundle = { mods: req(out) as Record<string, Record<string, unknown>> };
  } catch (e) {
    bundle = { error: `core bundle failed: ${e instanceof Error ? e.message.split('\n').slice(0, 3).join(' ') : String(e)}` };
  }
  return bundle;
}

async function load<T>(key: keyof typeof MODULES, names: string[]): Promise<Loaded<T>> {
  const file = MODULES[key];
  if (!existsSync(join(ROOT, file))) return { ok: false, reason: `${file} is not there yet` };
  const b = coreBundle();
  if (!b.mods) return { ok: false, reason: b.error ?? 'core bundle failed' };
  const mod = b.mods[key] ?? {};
  const missing = names.filter((n) => typeof mod[n] !== 'function');
  if (missing.length) return { ok: false, reason: `${file} does not export ${missing.join(', ')}` };
  return { ok: true, api: mod as T };
}

export const loadParse = () => load<ParseApi>('parse', ['parseScenario']);
export const loadRun = () => load<RunApi>('run', ['runScenario']);
export const loadLayouts = () => load<LayoutsApi>('layouts', ['listLayouts', 'decodePfn', 'encodePfn', 'layoutForKernel']);
export const loadScan = () => load<Record<string, unknown>>('scan', ['scanPfnValues']);
export const loadJson = () => load<JsonApi>('json', ['resultToJson']);

/** Parse a generated scenario; a generator bug (diagnostics) is reported as an Error with the first messages. */
export function parseOrThrow(p: ParseApi, text: string, file: string): Scenario {
  const r = p.parseScenario(text, file);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.scenario || errors.length) {
    throw new Error(`generated scenario ${file} does not parse: ` +
      errors.slice(0, 3).map((d) => `${d.pos.line}:${d.pos.col} ${d.message}`).join('; '));
  }
  return r.scenario;
}

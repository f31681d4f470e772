/**
 * Hard limits on scenario input. Every limit the parser or the CLI enforces lives here, so messages can name it
 * and, where a setting raises it, the setting. The numbers keep one scenario within what the simulator runs in
 * a few seconds and a few hundred MiB; they are far above what the examples and the conformance suite need.
 */

export interface ScenarioLimits {
  /** largest scenario file (bytes of UTF-8; the parser measures UTF-16 units, the CLI bytes) */
  readonly maxFileBytes: number;
  /** steps in a file, counting `during` steps */
  readonly maxSteps: number;
  /** `mmap` steps in a file; the kernel's default vm.max_map_count */
  readonly maxMappings: number;
  /** pages in one walk (hmm.maxPages setting, `--max-pages`) */
  readonly maxWalkPages: number;
  /** pages in one address-space step (mmap, munmap, …): 2^36 pages is 256 TiB of 4 KiB pages */
  readonly maxStepPages: number;
  /** declared devices */
  readonly maxDevices: number;
  /** diagnostics reported per file; the rest is summarised in one message */
  readonly maxDiagnostics: number;
  /** alias (`*name`) resolutions per file, against "billion laughs" documents */
  readonly maxAliases: number;
  /** nesting depth of YAML collections (never above HARD_MAX_DEPTH, 256, in ./parse-yaml.ts) */
  readonly maxDepth: number;
  /** expected pfn entries in a file after `*N` expansion (memory bound; at least maxWalkPages) */
  readonly maxExpectedEntries: number;
}

export const DEFAULT_MAX_WALK_PAGES = 1 << 24;

export const DEFAULT_LIMITS: ScenarioLimits = {
  maxFileBytes: 4 * 1024 * 1024,
  maxSteps: 10_000,
  maxMappings: 65_530,
  maxWalkPages: DEFAULT_MAX_WALK_PAGES,
  maxStepPages: 2 ** 36,
  maxDevices: 64,
  maxDiagnostics: 200,
  maxAliases: 10_000,
  maxDepth: 64,
  maxExpectedEntries: 1 << 25,
};

/**
 * First address above the user address space: 0x800000000000 (47 bits, x86-64 with 4-level paging, as the
 * simulator models it). Addresses and ranges must lie below it.
 */
export const USER_ADDRESS_END = 1n << 47n;

/** Setting (extension) and option (CLI) that raise a limit, where one exists. */
export const LIMIT_SETTINGS: Partial<Record<keyof ScenarioLimits, string>> = {
  maxWalkPages: 'the hmm.maxPages setting or `hmm-lens run --max-pages N`',
};

/** `a walk of 20000000 pages exceeds the limit of 16777216 pages per walk; raise it with …` */
export function limitMessage(limit: keyof ScenarioLimits, subject: string, max: number, unit: string): string {
  const setting = LIMIT_SETTINGS[limit];
  return `${subject} exceeds the limit of ${max} ${unit}${setting ? `; raise it with ${setting}` : ''}`;
}

/**
 * Limits with overrides applied. An override must be a finite number ≥ 1; a fractional one is rounded down (counts
 * are whole numbers, so `pages > 1.5` and `pages > 1` reject the same walks, as the runner's maxPages test does).
 * Anything else (0, negative, NaN, Infinity, not a number) is ignored: the default stays.
 */
export function withLimits(over?: Partial<ScenarioLimits>): ScenarioLimits {
  if (!over) return DEFAULT_LIMITS;
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(over)) {
    if (k in DEFAULT_LIMITS && typeof v === 'number' && Number.isFinite(v) && v >= 1) out[k] = Math.min(Math.floor(v), Number.MAX_SAFE_INTEGER);
  }
  return out as unknown as ScenarioLimits;
}

/**
 * The walk-size limit for a `hmm.maxPages` setting or `--max-pages` value, as the parser applies it (withLimits).
 * Callers pass the result to both `parseScenario(text, file, { limits: { maxWalkPages } })` and
 * `runScenario(s, { maxPages })`, so the parser and the runner reject the same walks.
 */
export function maxWalkPagesFrom(value: unknown): number {
  return withLimits({ maxWalkPages: value as number }).maxWalkPages;
}

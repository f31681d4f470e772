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
  /** nesting depth of YAML collections */
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

/** Limits with overrides applied (non-finite or non-positive overrides are ignored). */
export function withLimits(over?: Partial<ScenarioLimits>): ScenarioLimits {
  if (!over) return DEFAULT_LIMITS;
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(over)) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) out[k] = v;
  }
  return out as unknown as ScenarioLimits;
}

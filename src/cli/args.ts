/** Command-line options: `--name value`, `--name=value`, boolean `--flag`, `--` ends options. */
import { didYouMean } from '../core/scenario/suggest';

export interface OptionSpec {
  readonly name: string;
  /** true when the option takes a value */
  readonly value: boolean;
  readonly help: string;
  readonly arg?: string;
}

export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('-') || a === '-') { positional.push(a); continue; }
    const eq = a.indexOf('=');
    const name = (eq >= 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const spec = specs.find((s) => s.name === name);
    if (!spec) {
      throw new UsageError(`unknown option "${a}"; see --help${didYouMean(`--${name}`, specs.map((s) => `--${s.name}`))}`);
    }
    if (!spec.value) {
      if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
      options.set(name, true);
      continue;
    }
    let v: string | undefined;
    if (eq >= 0) v = a.slice(eq + 1);
    else if (i + 1 < argv.length) v = argv[++i];
    if (v === undefined || v === '') throw new UsageError(`option --${name} needs a value (${spec.arg ?? 'VALUE'})`);
    options.set(name, v);
  }
  return { positional, options };
}

export function optString(a: ParsedArgs, name: string): string | undefined {
  const v = a.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function optFlag(a: ParsedArgs, name: string): boolean {
  return a.options.get(name) === true;
}

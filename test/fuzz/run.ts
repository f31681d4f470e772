/**
 * `npm run fuzz`: every fuzz target with 100,000 cases (or --runs N), printing the count and the outcome mix.
 *
 *   npm run fuzz                                    all targets, 100,000 cases each, a seed from the clock
 *   npm run fuzz -- --runs 20000 --seed 7           fewer cases, fixed seed
 *   npm run fuzz -- --target run                    one target (parse, run, decode, scan)
 *   npm run fuzz -- --target run --seed S --path P  replay a failure printed earlier
 *   npm run fuzz -- --real-limits                   run target with the parser's default limits (not the small
 *                                                   fuzz limits): finds steps whose cost the defaults do not bound
 *   FUZZ_TOLERATE=positions,crashmsg,slow,populate npm run fuzz   count known failure kinds instead of stopping
 *
 * Each target runs in a worker thread watched for progress (./worker.ts): a case that hangs (no case finished for
 * --hang seconds, default 30) is reported with its input, and the other targets still run. Exit 1 on any failure.
 */
import { formatOutcome } from './harness';
import { runInWorker } from './worker';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const opt = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const runs = Number(opt('runs') ?? 100_000);
  const seed = Number(opt('seed') ?? (Date.now() % 2 ** 31));
  const hangS = Number(opt('hang') ?? 30);
  const only = opt('target');
  const path = opt('path');
  if (args.includes('--real-limits')) process.env.FUZZ_REAL_LIMITS = '1';
  const names = only ? [only] : ['parse', 'run', 'decode', 'scan'];
  console.log(`fuzz: ${names.join(', ')}; ${runs.toLocaleString('en-US')} cases per target; seed ${seed}`);
  let failed = 0;
  let total = 0;
  for (const target of names) {
    const r = await runInWorker({ target, runs, seed, hangS, path });
    total += r.cases;
    if (!r.ok) failed++;
    console.log(formatOutcome(r));
  }
  console.log(`${total.toLocaleString('en-US')} cases run, ${failed} target(s) failed`);
  return failed ? 1 : 0;
}

main().then((c) => process.exit(c), (e) => { console.error(e); process.exit(2); });

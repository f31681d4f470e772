/**
 * `hmm-lens capture PID [--range START[+LENGTH]] [-o FILE]`: a live process's address space as a scenario file
 * (src/capture/ reads /proc, src/core/capture/ writes the scenario).
 */
import { writeFileSync } from 'node:fs';
import { CaptureError, generateScenario } from '../core/capture/generate';
import { parseRange, parseSize } from '../core/capture/procfs';
import { captureProcess, CaptureFailure } from '../capture/read';
import { optString, UsageError, type ParsedArgs } from './args';
import type { CliIo } from './io';

export async function captureCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positional.length !== 1) {
    throw new UsageError(args.positional.length === 0 ? 'capture needs a process id: hmm-lens capture PID' : `capture takes one process id, got ${args.positional.length} arguments`);
  }
  const pidText = args.positional[0];
  if (!/^\d+$/.test(pidText) || Number(pidText) <= 0 || !Number.isSafeInteger(Number(pidText))) {
    throw new UsageError(`"${pidText}" is not a process id (a positive whole number; ps or pgrep shows them)`);
  }
  const pid = Number(pidText);
  const rangeText = optString(args, 'range');
  let range: { start: bigint; end?: bigint } | undefined;
  if (rangeText !== undefined) {
    const r = parseRange(rangeText);
    if ('error' in r) throw new UsageError(`--range: ${r.error}`);
    if (r.start >= 1n << 47n) throw new UsageError(`--range: 0x${r.start.toString(16)} is above the user address space (0x800000000000)`);
    range = r;
  }
  const limitText = optString(args, 'scan-limit');
  let scanLimitPages: number | undefined;
  if (limitText !== undefined) {
    const b = parseSize(limitText);
    if (b === undefined || b < 4096n) throw new UsageError(`--scan-limit: "${limitText}" is not a size (64G, 4T, 0x10000000000)`);
    scanLimitPages = Number(b / 4096n);
  }
  const output = optString(args, 'o') ?? optString(args, 'output');
  const tty = output !== undefined;
  let lastPct = -1;
  let outcome;
  try {
    outcome = await captureProcess(pid, {
      range, scanLimitPages,
      onProgress: tty ? (done, total) => {
        const pct = total ? Math.floor((100 * done) / total) : 100;
        if (pct >= lastPct + 10) { lastPct = pct; io.err(`hmm-lens: capture: ${pct}% of ${total.toLocaleString('en-US')} pages\n`); }
      } : undefined,
    });
  } catch (e) {
    if (e instanceof CaptureFailure) {
      io.err(`hmm-lens: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  let gen;
  try {
    gen = generateScenario(outcome.capture, { file: output });
  } catch (e) {
    if (e instanceof CaptureError) {
      io.err(`hmm-lens: error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  for (const w of outcome.warnings) io.err(`hmm-lens: warning: ${w}\n`);
  const s = outcome.stats;
  const summary = `captured process ${pid} (${outcome.capture.comm}): ${outcome.capture.mappings.length} mappings, `
    + `${s.pagesRead.toLocaleString('en-US')} pagemap entries read in ${s.seconds.toFixed(2)} s; ${gen.walks.length} walks; `
    + `${gen.notes.length} note${gen.notes.length === 1 ? '' : 's'} on what is not expressed exactly (in the file)`;
  if (output !== undefined) {
    try {
      writeFileSync(output, gen.text);
    } catch (e) {
      io.err(`hmm-lens: error: cannot write ${output}: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    }
    io.err(`hmm-lens: ${summary}; wrote ${output}\n`);
  } else {
    io.out(gen.text);
    io.err(`hmm-lens: ${summary}\n`);
  }
  return 0;
}

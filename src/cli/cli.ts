/** The hmm-lens command dispatcher, independent of process and fs (see io.ts) so tests can run it in-process. */
import { parseArgs, UsageError, type OptionSpec } from './args';
import { decodeCommand, layoutsCommand } from './decode';
import { CAPTURE_HELP, CAPTURE_OPTIONS, DECODE_HELP, DECODE_OPTIONS, LAYOUTS_HELP, LAYOUTS_OPTIONS, MAIN_HELP, RUN_HELP, RUN_OPTIONS, VERIFY_HELP, VERIFY_OPTIONS } from './help';
import { captureCommand } from './capture';
import type { CliIo } from './io';
import { runCommand, type Runner } from './run';
import { verifyCommand } from './verify';
import { didYouMean } from '../core/scenario/suggest';

const COMMANDS = ['run', 'verify', 'decode', 'layouts', 'capture'];

/** Runs one command; `verify` (which boots a VM) is asynchronous, the others return at once. */
export function runCli(argv: readonly string[], io: CliIo, runner: Runner, version: string): number | Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.out(MAIN_HELP);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === '--version' || cmd === '-v' || cmd === 'version') {
      io.out(`hmm-lens ${version}\n`);
      return 0;
    }
    const table: Record<string, { specs: readonly OptionSpec[]; help: string }> = {
      run: { specs: RUN_OPTIONS, help: RUN_HELP },
      verify: { specs: VERIFY_OPTIONS, help: VERIFY_HELP },
      capture: { specs: CAPTURE_OPTIONS, help: CAPTURE_HELP },
      decode: { specs: DECODE_OPTIONS, help: DECODE_HELP },
      layouts: { specs: LAYOUTS_OPTIONS, help: LAYOUTS_HELP },
    };
    const entry = table[cmd];
    if (!entry) throw new UsageError(`unknown command "${cmd}"; expected ${COMMANDS.join(', ')}${didYouMean(cmd, COMMANDS)}`);
    const args = parseArgs(rest, entry.specs);
    if (args.options.get('help') === true) {
      io.out(entry.help);
      return 0;
    }
    if (cmd === 'run') return runCommand(args, io, runner);
    if (cmd === 'verify') {
      return verifyCommand(args, io).catch((e: unknown) => {
        io.err(`hmm-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        return 2;
      });
    }
    if (cmd === 'capture') {
      return captureCommand(args, io).catch((e: unknown) => {
        if (e instanceof UsageError) {
          io.err(`hmm-lens: error: ${e.message}\n`);
          return 2;
        }
        io.err(`hmm-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        return 2;
      });
    }
    if (cmd === 'decode') return decodeCommand(args, io);
    if (args.positional.length > 0) throw new UsageError(`layouts takes no arguments, got "${args.positional[0]}"`);
    return layoutsCommand(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`hmm-lens: error: ${e.message}\n`);
      return 2;
    }
    io.err(`hmm-lens: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

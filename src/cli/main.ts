/** Entry point of the `hmm-lens` command (bundled to dist/cli.js by scripts/build.mjs). */
import { version } from '../../package.json';
import { runScenario } from '../core/scenario/run';
import { runCli } from './cli';
import { nodeIo } from './io';

// `hmm-lens layouts | head`: a closed pipe is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

void Promise.resolve(runCli(process.argv.slice(2), nodeIo, runScenario, version)).then((code) => {
  process.exitCode = code;
});

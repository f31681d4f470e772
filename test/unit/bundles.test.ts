/**
 * The Node host's bundles (scripts/build.mjs): the activation stub holds nothing but itself; the commands bundle and
 * the providers bundle each have their own copy of the modules they share, so a module with state of its own
 * (a module-level `let`) may be in both only when the providers bundle adopts the commands bundle's state
 * (src/extension/providers.ts); the parser, the runner and yaml stay in dist/core.js.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '../..');

/** The source files (repo-relative) esbuild puts into the bundle of `entry`. */
async function inputsOf(entry: string): Promise<string[]> {
  const r = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode'], absWorkingDir: root, outfile: 'out/unused.js', logLevel: 'silent' });
  return Object.keys(r.metafile.inputs);
}

/** Modules whose state the providers bundle adopts from the commands bundle when it is loaded. */
const ADOPTED = ['src/extension/coreLoader.ts', 'src/extension/output.ts', 'src/extension/walkthrough/progress.ts',
  // scratch slots of one decode call, not state: a copy per bundle is fine
  'src/core/layouts/decode.ts'];

test('the activation stub bundles only itself', async () => {
  assert.deepEqual(await inputsOf('src/extension/main.ts'), ['src/extension/main.ts']);
});

test('a module with state in both the commands and the providers bundle is one the providers adopt', async () => {
  const commands = new Set(await inputsOf('src/extension/nodeCommands.ts'));
  const providers = await inputsOf('src/extension/providers.ts');
  const stateful = providers.filter((f) => f.startsWith('src/') && commands.has(f)
    && /^let /m.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(stateful.filter((f) => !ADOPTED.includes(f)), [],
    'shared modules with module-level state that the providers bundle does not adopt (see src/extension/providers.ts)');
  assert.ok(!providers.includes('src/extension/inspectorBridge.ts'), 'the providers reach the inspector through the bridge functions');
});

test('the parser, the runner and yaml are in neither', async () => {
  for (const entry of ['src/extension/nodeCommands.ts', 'src/extension/providers.ts']) {
    const inputs = await inputsOf(entry);
    const heavy = inputs.filter((f) => f.includes('node_modules/yaml/') || /src\/core\/scenario\/(parse|run)\.ts$/.test(f)
      || f.startsWith('src/core/authoring/cursor'));
    assert.deepEqual(heavy, [], entry);
  }
});

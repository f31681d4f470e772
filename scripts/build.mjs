#!/usr/bin/env node
// The one build script: every bundle HMM Lens ships or tests with.
//   node scripts/build.mjs               development build (source maps, not minified)
//   node scripts/build.mjs --production  minified with source maps, for packaging
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { existsSync, chmodSync, mkdirSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Report errors in the format of the esbuild problem matcher (watch mode in VS Code). */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => { if (watch) console.log('[watch] build started'); });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  sourcemap: true,
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  plugins: [problemMatcher],
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

/** @type {import('esbuild').BuildOptions[]} */
const bundles = [
  { // Node extension host
    ...common, entryPoints: ['src/extension/main.ts'], outfile: 'dist/extension.js',
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
  },
  { // the extension behind the activation stub (dist/extension.js): commands, stores, inspector; main.ts requires
    // dist/commands.js right after activate() returns, so VS Code's activation time covers only the stub
    ...common, entryPoints: { commands: 'src/extension/nodeCommands.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
  },
  { // the scenario parser and runner (with yaml) for the Node host: main.ts requires dist/core.js on first use, so
    // activation loads only the glue (src/extension/scenarioCore.ts)
    ...common, entryPoints: { core: 'src/extension/scenarioCore.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20',
  },
  { // the providers (diagnostics, hovers, CodeLens, Test Explorer, tree, walkthrough, authoring help) for the Node
    // host: main.ts requires dist/providers.js right after activation, so activation loads only the commands
    ...common, entryPoints: { providers: 'src/extension/providers.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
  },
  { // web extension host (browser worker): no Node API in the path
    ...common, entryPoints: ['src/extension/web.ts'], outfile: 'dist/web/extension.js',
    platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'],
    define: { ...common.define, 'process.platform': '"web"' },
  },
  { // the same providers for the web host: web.ts reads dist/web/providers.js and evaluates it after activation
    ...common, entryPoints: { providers: 'src/extension/providers.ts' }, outdir: 'dist/web',
    platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'],
    define: { ...common.define, 'process.platform': '"web"' },
  },
  { // the inspector webview app and its CSS
    ...common, entryPoints: { main: 'src/webview/main.ts' }, outdir: 'dist/webview',
    platform: 'browser', format: 'iife', target: 'es2022',
  },
  { // the real-kernel oracle for the Node host (processes, QEMU): main.ts requires dist/oracle.js on the first
    // "Verify on kernel", so neither activation nor the web host carry it
    ...common, entryPoints: { oracle: 'src/extension/oracleCore.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20',
  },
  { // capturing a live process from /proc for the Node host: main.ts requires dist/capture.js on the first
    // "Capture Process Address Space…"
    ...common, entryPoints: { capture: 'src/extension/capture/captureCore.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20',
  },
  { // walk worker (large walks off the extension host's main thread)
    ...common, entryPoints: { 'walk-worker': 'src/extension/walkWorker.ts' }, outdir: 'dist',
    platform: 'node', format: 'cjs', target: 'node20',
  },
  { // the same walk worker for the web extension host (a browser Web Worker started from dist/web/extension.js)
    ...common, entryPoints: { 'walk-worker': 'src/extension/webWalkWorker.ts' }, outdir: 'dist/web',
    platform: 'browser', format: 'iife', target: 'es2022',
    define: { ...common.define, 'process.platform': '"web"' },
  },
  { // CLI
    ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js',
    platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' },
  },
  { // integration suite (runs inside the real extension host)
    ...common, minify: false, entryPoints: ['test/integration/index.ts'], outfile: 'out/test/integration/index.js',
    platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'mocha'],
  },
  { // the same kind of suite for the WEB extension host (browser worker): mocha's browser build, no Node API
    ...common, minify: false, entryPoints: ['test/integration/web/index.ts'], outfile: 'out/test/integration-web/index.js',
    platform: 'browser', format: 'cjs', target: 'es2022', external: ['vscode'],
    define: { ...common.define, 'process.platform': '"web"' },
  },
].filter((b) => {
  const entries = Array.isArray(b.entryPoints) ? b.entryPoints : Object.values(b.entryPoints);
  return entries.every((e) => existsSync(join(root, e)));
});

if (watch) {
  for (const b of bundles) (await esbuild.context(b)).watch();
  console.log(`[watch] watching ${bundles.length} bundles`);
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  if (existsSync(join(root, 'dist/cli.js'))) chmodSync(join(root, 'dist/cli.js'), 0o755);
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  if (existsSync(codicons)) {
    mkdirSync(join(root, 'dist/codicons'), { recursive: true });
    for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(codicons, f), join(root, 'dist/codicons', f));
  }
  console.log(`built ${bundles.length} bundles${production ? ' (production)' : ''}`);
}

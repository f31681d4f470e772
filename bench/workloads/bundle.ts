/**
 * Bundle sizes and extension activation.
 *
 * Sizes: the two entries are built minified with esbuild into out/bench/bundle/ (the options of the
 * production build in scripts/build.mjs: bundle, minify, the same platform/format/target/externals), so the
 * figure does not depend on whether dist/ holds a development build at the moment. Limits: extension 300 KB,
 * webview (JS + CSS) 400 KB, as kB of 1000 bytes. The ratio is size / limit.
 *
 * Activation (fake host): in a fresh Node process, require the built extension bundle with a stand-in `vscode`
 * module (every member a no-op) and call activate(); the floor is the same for an empty extension module. This is
 * not the real extension host; the real host's figure comes from ./activation-real.ts when the VS Code server
 * harness is there.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context';
import { fmtMs, missed, type Row } from '../lib/report';
import { median } from '../lib/timing';

export const ROOT = join(__dirname, '..', '..');
export const BUNDLE_DIR = join(ROOT, 'out', 'bench', 'bundle');

/** The bundles the Node host loads right after the activation stub (dist/extension.js), by their dist/ name. */
export const STARTUP_BUNDLES: Readonly<Record<string, string>> = {
  commands: 'src/extension/nodeCommands.ts', providers: 'src/extension/providers.ts',
};

/** Limits in kB of 1000 bytes (the stricter reading of "300 KB"; 300 KiB would be 307,200 bytes). */
const EXT_LIMIT = 300_000;
const WEBVIEW_LIMIT = 400_000;
const fmtKB = (b: number) => `${(b / 1000).toFixed(1)} kB`;

async function buildProd(): Promise<{ ext?: string; webview?: string[]; errors: string[] }> {
  mkdirSync(BUNDLE_DIR, { recursive: true });
  const errors: string[] = [];
  const common = { bundle: true, minify: true, sourcemap: false, logLevel: 'silent' as const, absWorkingDir: ROOT,
    define: { 'process.env.NODE_ENV': '"production"' } };
  let ext: string | undefined;
  let webview: string[] | undefined;
  if (existsSync(join(ROOT, 'src/extension/main.ts'))) {
    try {
      await build({ ...common, entryPoints: ['src/extension/main.ts'], outfile: join(BUNDLE_DIR, 'extension.js'),
        platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] });
      ext = join(BUNDLE_DIR, 'extension.js');
      // what the stub loads right after activation: the commands, then the providers (as scripts/build.mjs builds them)
      for (const [name, entry] of Object.entries(STARTUP_BUNDLES)) {
        if (existsSync(join(ROOT, entry))) {
          await build({ ...common, entryPoints: [entry], outfile: join(BUNDLE_DIR, `${name}.js`), platform: 'node', format: 'cjs',
            target: 'node20', external: ['vscode'] });
        }
      }
    } catch (e) {
      errors.push(`extension build failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  if (existsSync(join(ROOT, 'src/webview/main.ts'))) {
    try {
      const out = join(BUNDLE_DIR, 'webview');
      await build({ ...common, entryPoints: { main: 'src/webview/main.ts' }, outdir: out, platform: 'browser', format: 'iife', target: 'es2022',
        loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'file' } });
      webview = readdirSync(out).filter((f) => /^main\.(js|css)$/.test(f)).map((f) => join(out, f));
    } catch (e) {
      errors.push(`webview build failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  return { ext, webview, errors };
}

const FAKE_HOST = String.raw`
const Module = require('module');
const { performance } = require('perf_hooks');
const handler = {
  get(t, p) {
    if (p === 'then' || p === Symbol.asyncIterator) return undefined;
    if (p === Symbol.iterator) return function* () {};
    if (p === Symbol.toPrimitive) return () => '';
    if (p === 'length') return 0;
    if (!(p in t)) t[p] = fake();
    return t[p];
  },
  apply() { return fake(); },
  construct() { return fake(); },
};
function fake() { return new Proxy(function () {}, handler); }
// a plain object with every top-level name of the vscode API (from @types/vscode), so bundlers' ESM interop,
// which copies own properties, sees them
const vscode = {};
for (const name of JSON.parse(process.env.HMM_BENCH_VSCODE_NAMES || '[]')) vscode[name] = fake();
const load = Module._load;
Module._load = function (req, parent, isMain) { return req === 'vscode' ? vscode : load.apply(this, arguments); };
const ctx = new Proxy({ subscriptions: [], extensionPath: process.cwd(),
  extension: { packageJSON: JSON.parse(require('fs').readFileSync(process.env.HMM_BENCH_PACKAGE_JSON, 'utf8')) },
  globalState: { get() {}, update() { return Promise.resolve(); }, keys() { return []; }, setKeysForSync() {} },
  workspaceState: { get() {}, update() { return Promise.resolve(); }, keys() { return []; } } }, {
  get(t, p) { if (p in t) return t[p]; if (p === 'then') return undefined; return fake(); } });
(async () => {
  const t0 = performance.now();
  const m = require(process.argv[2]);
  const t1 = performance.now();
  if (typeof m.activate === 'function') await m.activate(ctx);
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ requireMs: t1 - t0, activateMs: t2 - t1, totalMs: t2 - t0 }));
})().catch((e) => { process.stdout.write(JSON.stringify({ error: String(e && e.stack || e) })); });
`;

/** Top-level names the vscode API exports (classes, namespaces, enums, functions, constants). */
function vscodeApiNames(): string[] {
  const dts = readFileSync(join(ROOT, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of dts.matchAll(/^\t?export (?:class|namespace|enum|const|function|let) ([A-Za-z_$][\w$]*)/gm)) names.add(m[1]);
  return [...names];
}

function fakeActivation(bundle: string, runs: number): { totalMs: number; requireMs: number; activateMs: number } | { error: string } {
  const host = join(BUNDLE_DIR, 'fake-host.cjs');
  writeFileSync(host, FAKE_HOST);
  const totals: number[] = [];
  const reqs: number[] = [];
  const acts: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const out = execFileSync(process.execPath, [host, bundle], { encoding: 'utf8', timeout: 30_000,
      env: { ...process.env, HMM_BENCH_VSCODE_NAMES: JSON.stringify(vscodeApiNames()), HMM_BENCH_PACKAGE_JSON: join(ROOT, 'package.json') } });
    const r = JSON.parse(out) as { totalMs: number; requireMs: number; activateMs: number; error?: string };
    if (r.error) return { error: r.error.split('\n')[0] };
    if (i === 0) continue; // first run warms the OS file cache
    totals.push(r.totalMs);
    reqs.push(r.requireMs);
    acts.push(r.activateMs);
  }
  return { totalMs: median(totals), requireMs: median(reqs), activateMs: median(acts) };
}

export async function bundleWorkloads(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const b = await buildProd();
  const extTarget = '< 300 kB';
  const wvTarget = '< 400 kB (JS + CSS)';
  const actTarget = '< 30 ms';
  if (b.ext) {
    // the activation stub and what it loads right after (the parser, the oracle and capture load on first use)
    const files = [b.ext, ...Object.keys(STARTUP_BUNDLES).map((n) => join(BUNDLE_DIR, `${n}.js`)).filter((f) => existsSync(f))];
    const sizes = Object.fromEntries(files.map((f) => [f.slice(BUNDLE_DIR.length + 1), statSync(f).size]));
    const size = Object.values(sizes).reduce((a, x) => a + x, 0);
    const parts = Object.entries(sizes).map(([f, n]) => `${f} ${n.toLocaleString('en-US')}`).join(' + ');
    rows.push({ id: 'bundle.extension', workload: 'bundle size: extension at startup (minified: stub + commands + providers)', size: '-', measured: fmtKB(size), value: size, unit: 'B',
      floor: `limit ${fmtKB(EXT_LIMIT)}`, floorValue: EXT_LIMIT, ratio: size / EXT_LIMIT, target: extTarget,
      status: size < EXT_LIMIT ? 'met' : 'missed', reason: `${size < EXT_LIMIT ? '' : '≥ 300,000: '}${parts} bytes`, details: sizes });
  } else {
    rows.push(missed('bundle.extension', 'bundle size: extension', extTarget, b.errors.find((e) => e.startsWith('extension')) ?? 'src/extension/main.ts is not there yet'));
  }
  if (b.webview && b.webview.length) {
    const size = b.webview.reduce((a, f) => a + statSync(f).size, 0);
    rows.push({ id: 'bundle.webview', workload: 'bundle size: webview (minified)', size: '-', measured: fmtKB(size), value: size, unit: 'B',
      floor: `limit ${fmtKB(WEBVIEW_LIMIT)}`, floorValue: WEBVIEW_LIMIT, ratio: size / WEBVIEW_LIMIT, target: wvTarget,
      status: size < WEBVIEW_LIMIT ? 'met' : 'missed', reason: size < WEBVIEW_LIMIT ? `${size.toLocaleString('en-US')} bytes` : `${size.toLocaleString('en-US')} bytes ≥ 400,000`,
      details: Object.fromEntries(b.webview.map((f) => [f.slice(BUNDLE_DIR.length + 1), statSync(f).size])) });
  } else {
    rows.push(missed('bundle.webview', 'bundle size: webview', wvTarget, b.errors.find((e) => e.startsWith('webview')) ?? 'src/webview/main.ts is not there yet'));
  }
  if (b.ext) {
    const empty = join(BUNDLE_DIR, 'empty-extension.js');
    writeFileSync(empty, 'exports.activate = function () {};\n');
    const runs = ctx.quick ? 2 : 7;
    const f = fakeActivation(empty, runs);
    const a = fakeActivation(b.ext, runs);
    if ('error' in a || 'error' in f) {
      rows.push(missed('activation.fake', 'activation (fake vscode module)', actTarget, `activate threw: ${'error' in a ? a.error : (f as { error: string }).error}`));
    } else {
      rows.push({ id: 'activation.fake', workload: 'activation: require+activate, fake vscode', size: '-', measured: fmtMs(a.totalMs), value: a.totalMs, unit: 'ms',
        floor: `empty module ${fmtMs(f.totalMs)}`, floorValue: f.totalMs, ratio: a.totalMs / f.totalMs, target: actTarget,
        status: a.totalMs < 30 ? 'met' : 'missed',
        reason: a.totalMs < 30 ? `require ${fmtMs(a.requireMs)}, activate ${fmtMs(a.activateMs)}; not the real host` : `${fmtMs(a.totalMs)} ≥ 30 ms`,
        details: a });
    }
  } else {
    rows.push(missed('activation.fake', 'activation (fake vscode module)', actTarget, 'no extension bundle'));
  }
  return rows;
}

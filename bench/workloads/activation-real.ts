/**
 * Extension activation in the real extension host: the VS Code 1.100 server of scripts/vscode-server.mjs, the web
 * workbench in Chromium, HMM Lens loaded as the development extension from a temp copy of the package (package.json,
 * media/, dist/) whose dist/extension.js is the minified bundle of ./bundle.ts (as it ships; the repo's dist/ is a
 * development build when `npm run build` made it), and a tiny suite as extensionTestsPath. The workspace is an empty folder, so no activation event fires before the
 * suite runs; the suite times `extension.activate()` (the host loading dist/extension.js and calling activate()),
 * and, as the floor, loading a one-line module in the same host. Median of 3 windows (one host each).
 * When the server cannot start here, the row says so and the fake-host row of ./bundle.ts stands.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context';
import { fmtMs, missed, type Row } from '../lib/report';
import { median } from '../lib/timing';
import { BUNDLE_DIR, ROOT } from './bundle';

const SUITE = String.raw`
const { performance } = require('perf_hooks');
const fs = require('fs');
const path = require('path');
exports.run = async function () {
  const vscode = require('vscode');
  const out = process.env.HMM_BENCH_ACTIVATION_OUT;
  const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens');
  const r = { wasActive: ext ? ext.isActive : null };
  const empty = path.join(path.dirname(out), 'empty-module-' + Date.now() + '.js');
  fs.writeFileSync(empty, 'module.exports = function activate() {};\n');
  const f0 = performance.now();
  require(empty)();
  r.floorMs = performance.now() - f0;
  if (ext) {
    if (process.env.HMM_BENCH_SPLIT === '1' || fs.existsSync(out + '.split')) {
      // breakdown window: load the module first (Node's require cache is shared with the host's loader)
      const r0 = performance.now();
      require(path.join(ext.extensionPath, 'dist', 'extension.js'));
      r.requireMs = performance.now() - r0;
    }
    const t0 = performance.now();
    await ext.activate();
    r.activateMs = performance.now() - t0;
  }
  fs.appendFileSync(out, JSON.stringify(r) + '\n');
};
`;

export async function realActivationWorkloads(ctx: BenchContext): Promise<Row[]> {
  const target = '< 30 ms';
  const workload = 'activation in the real extension host';
  if (!existsSync(join(ROOT, 'scripts/vscode-server.mjs'))) return [missed('activation.real', workload, target, 'scripts/vscode-server.mjs is not there')];
  if (!existsSync(join(ROOT, 'dist/extension.js'))) return [missed('activation.real', workload, target, 'dist/extension.js missing: run npm run build')];
  const vs = await import('../../scripts/vscode-server.mjs');
  // installing the server takes minutes: measure only when `npm run prepare-vscode` has been run
  if (!existsSync(vs.vscodePaths().stamp)) return [missed('activation.real', workload, target, 'VS Code server not prepared here (npm run prepare-vscode); see the fake-host row')];
  const work = mkdtempSync(join(tmpdir(), 'hmm-bench-act-'));
  const folder = join(work, 'workspace');
  mkdirSync(folder);
  // the extension as it ships: package.json, media, dist with the minified extension bundle
  const ext = join(work, 'extension');
  mkdirSync(ext);
  cpSync(join(ROOT, 'package.json'), join(ext, 'package.json'));
  if (existsSync(join(ROOT, 'media'))) cpSync(join(ROOT, 'media'), join(ext, 'media'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(ext, 'dist'), { recursive: true });
  const prod = join(BUNDLE_DIR, 'extension.js');
  const shipped = existsSync(prod);
  if (shipped) cpSync(prod, join(ext, 'dist', 'extension.js'));
  const suite = join(work, 'suite.js');
  const out = join(work, 'activation.jsonl');
  writeFileSync(suite, SUITE);
  let server: Awaited<ReturnType<typeof vs.startServer>> | undefined;
  let chromium: Awaited<ReturnType<typeof vs.launchChromium>> | undefined;
  try {
    server = await vs.startServer({ env: { HMM_BENCH_ACTIVATION_OUT: out }, args: ['--disable-workspace-trust'] });
    chromium = await vs.launchChromium();
    const windows = ctx.quick ? 1 : 3;
    for (let i = 0; i < windows; i++) {
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const exit = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)); });
      await page.goto(vs.workbenchUrl(server, { folder, extensionDevelopmentPath: ext, extensionTestsPath: suite }));
      const code = await Promise.race([exit, new Promise((r) => setTimeout(() => r('timeout'), 90_000))]);
      await page.close().catch(() => undefined);
      if (code !== 0) throw new Error(`the activation suite ended with ${String(code)}`);
    }
    // one more window for the breakdown: module loading apart from activate()
    writeFileSync(out + '.split', '');
    {
      const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const exit = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)); });
      await page.goto(vs.workbenchUrl(server, { folder, extensionDevelopmentPath: ext, extensionTestsPath: suite }));
      await Promise.race([exit, new Promise((r) => setTimeout(() => r('timeout'), 90_000))]);
      await page.close().catch(() => undefined);
    }
    const all = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { wasActive: boolean | null; floorMs: number; activateMs?: number; requireMs?: number });
    const split = all.find((r) => r.requireMs !== undefined);
    const runs = all.filter((r) => r.requireMs === undefined);
    if (runs.some((r) => r.wasActive === null || r.activateMs === undefined)) return [missed('activation.real', workload, target, 'extension hmm-lens.hmm-lens not found in the host')];
    const act = median(runs.map((r) => r.activateMs!));
    const floor = median(runs.map((r) => r.floorMs));
    const early = runs.some((r) => r.wasActive);
    return [{
      id: 'activation.real', workload, measured: fmtMs(act), value: act, unit: 'ms',
      floor: `one-line module ${fmtMs(floor)}`, floorValue: floor, ratio: act / floor, target,
      size: shipped ? 'minified bundle' : 'repo dist/ build',
      status: early ? 'missed' : act < 30 ? 'met' : 'missed',
      reason: early ? 'the extension was already active before the suite ran: not measured' : (act < 30 ? `runs ${runs.map((r) => r.activateMs!.toFixed(1)).join('/')} ms` : `${fmtMs(act)} ≥ 30 ms (runs ${runs.map((r) => r.activateMs!.toFixed(1)).join('/')} ms)`)
        + (split ? `; load ${fmtMs(split.requireMs!)} + activate() ${fmtMs(split.activateMs!)}` : ''),
      details: { runs, breakdown: split ? { requireMs: split.requireMs, activateCallMs: split.activateMs } : undefined },
    }];
  } catch (e) {
    return [missed('activation.real', workload, target, `real host not measured: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)];
  } finally {
    await chromium?.close();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

#!/usr/bin/env node
// `npm test`: every layer in order — lint, typecheck, build, prepare-vscode, unit, conformance, kernel, integration, e2e — going on past
// failures, then one summary line "N passed, N failed" across all layers (lint/typecheck/build/prepare-vscode count
// one check each; unit/conformance count node:test tests; integration counts mocha tests; e2e counts node:test tests).
// Exit code 1 when anything failed. A skipped/todo/cancelled test counts as failed (the team has no skipped tests).
//   node scripts/test-all.mjs                       all layers
//   node scripts/test-all.mjs --only unit,e2e       some layers (npm run test:unit = --only unit)
//   node scripts/test-all.mjs --only unit -- test/unit/package.test.ts     only these files
import process from 'node:process';
import console from 'node:console';
import { setTimeout, clearTimeout } from 'node:timers';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

/** Files under dir (recursively) whose names end with suffix, sorted; [] when dir does not exist. */
export function findFiles(dir, suffix) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(suffix)) out.push(relative(root, p));
    }
  };
  walk(abs);
  return out;
}

/**
 * Runs a command in its own process group, echoing its output; kills the group after timeoutMs.
 * @returns {Promise<{ code: number, output: string, timedOut: boolean }>}
 */
export function runCommand(cmd, args, { env = {}, timeoutMs = 20 * 60_000, quiet = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, FORCE_COLOR: '0', ...env }, detached: true,
      stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk) => { output += chunk; if (!quiet) process.stdout.write(chunk); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      output += `\n[test-all] ${cmd} ${args.join(' ')} timed out after ${timeoutMs / 1000} s: killed\n`;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 1 : 0), output, timedOut });
    });
  });
}

/** Counts from node --test output (spec reporter "ℹ pass 3", or TAP "# pass 3"). */
export function nodeTestCounts(output) {
  const get = (name) => {
    const all = [...output.matchAll(new RegExp(`^\\s*(?:ℹ|#) ${name} (\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : undefined;
  };
  const pass = get('pass'); const fail = get('fail');
  if (pass === undefined || fail === undefined) return undefined;
  const notRun = (get('cancelled') ?? 0) + (get('skipped') ?? 0) + (get('todo') ?? 0);
  return { passed: pass, failed: fail + notRun, notRun };
}

/** Runs node:test files with tsx; returns counts (a crash without a summary counts as one failure). */
export async function runNodeTests(files, { env = {}, timeoutMs = 20 * 60_000, concurrency } = {}) {
  if (files.length === 0) return { passed: 0, failed: 0, note: 'no test files' };
  const args = ['--import', 'tsx', '--test', '--test-reporter=spec',
    ...(concurrency ? [`--test-concurrency=${concurrency}`] : []), ...files];
  const r = await runCommand(process.execPath, args, { env, timeoutMs });
  const counts = nodeTestCounts(r.output);
  if (!counts) return { passed: 0, failed: 1, note: `no test summary (exit ${r.code}${r.timedOut ? ', timed out' : ''})` };
  if (r.code !== 0 && counts.failed === 0) return { ...counts, failed: 1, note: `exit code ${r.code}` };
  return { ...counts, note: counts.notRun ? `${counts.notRun} skipped/todo/cancelled counted as failed` : undefined };
}

/** A layer whose result is one check: the command's exit code. */
async function checkLayer(cmd, args, timeoutMs) {
  const r = await runCommand(cmd, args, { timeoutMs });
  return r.code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1, note: `exit code ${r.code}` };
}

/** A layer run by one of our runners that writes test-results/<name>.json. */
async function runnerLayer(script, summaryName, timeoutMs) {
  const summary = join(root, 'test-results', `${summaryName}.json`);
  rmSync(summary, { force: true });
  const r = await runCommand(process.execPath, [join(root, 'scripts', script)], { timeoutMs });
  try {
    const s = JSON.parse(readFileSync(summary, 'utf8'));
    const failed = r.code !== 0 && s.failed === 0 ? 1 : s.failed;
    return { passed: s.passed, failed, note: r.timedOut ? 'timed out' : undefined };
  } catch {
    return { passed: 0, failed: 1, note: `no ${summaryName}.json (exit ${r.code}${r.timedOut ? ', timed out' : ''})` };
  }
}

const fileArgs = () => {
  const i = process.argv.indexOf('--');
  return i >= 0 ? process.argv.slice(i + 1) : undefined;
};

export const LAYERS = {
  lint: () => checkLayer(bin('eslint'), ['src', 'test', 'scripts', 'bench'], 10 * 60_000),
  typecheck: () => checkLayer(bin('tsc'), ['-p', '.', '--noEmit'], 10 * 60_000),
  build: () => checkLayer(process.execPath, [join(root, 'scripts/build.mjs')], 5 * 60_000),
  'prepare-vscode': () => checkLayer(process.execPath, [join(root, 'scripts/prepare-vscode.mjs')], 20 * 60_000),
  unit: () => runNodeTests(fileArgs() ?? findFiles('test/unit', '.test.ts'), { timeoutMs: 20 * 60_000 }),
  conformance: () => runNodeTests(fileArgs() ?? findFiles('test/conformance', '.test.ts'), { timeoutMs: 20 * 60_000 }),
  // the real kernels in QEMU (test/kernel): the first run prepares them (downloads; the devpriv-6.1 build, ~8 min)
  kernel: () => runNodeTests(fileArgs() ?? findFiles('test/kernel', '.test.ts'), { timeoutMs: 60 * 60_000, concurrency: 1 }),
  integration: () => runnerLayer('run-integration.mjs', 'integration', 15 * 60_000),
  e2e: () => runnerLayer('run-e2e.mjs', 'e2e', 25 * 60_000),
};

async function main() {
  const i = process.argv.indexOf('--only');
  const only = i >= 0 ? process.argv[i + 1].split(',') : Object.keys(LAYERS);
  const unknown = only.filter((l) => !(l in LAYERS));
  if (unknown.length) {
    console.error(`unknown layer(s): ${unknown.join(', ')}; layers: ${Object.keys(LAYERS).join(', ')}`);
    process.exit(2);
  }
  const rows = [];
  const t0 = Date.now();
  for (const layer of only) {
    console.log(`\n=== ${layer} ${'='.repeat(Math.max(0, 60 - layer.length))}`);
    const t = Date.now();
    let r;
    try { r = await LAYERS[layer](); } catch (e) { r = { passed: 0, failed: 1, note: String(e) }; }
    const secs = (Date.now() - t) / 1000;
    rows.push({ layer, ...r, secs });
    console.log(`=== ${layer}: ${r.passed} ok, ${r.failed} not ok (${secs.toFixed(1)} s)${r.note ? ` — ${r.note}` : ''}`);
  }
  const passed = rows.reduce((a, r) => a + r.passed, 0);
  const failed = rows.reduce((a, r) => a + r.failed, 0);
  console.log(`\n${'layer'.padEnd(15)}   ok  not ok   seconds`);
  for (const r of rows) {
    console.log(`${r.layer.padEnd(15)} ${String(r.passed).padStart(4)} ${String(r.failed).padStart(7)} ` +
      `${r.secs.toFixed(1).padStart(9)}${r.note ? `   ${r.note}` : ''}`);
  }
  console.log(`total time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();

#!/usr/bin/env node
// End-to-end tests: starts one VS Code server (prepare-vscode.mjs), then runs every test/e2e/**/*.e2e.ts with
// node:test (tsx), one file at a time; each file drives Chromium through test/e2e/workbench.ts, which opens the
// web workbench of this server (HMM_LENS_E2E_SERVER) with HMM Lens as a development extension.
// Writes test-results/e2e.json ({ passed, failed }) for scripts/test-all.mjs; screenshots go to test-results/e2e/.
//   npm run test:e2e                               (builds first)
//   node scripts/run-e2e.mjs [files…]              (expects a build)
import process from 'node:process';
import console from 'node:console';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareVscode, startServer } from './vscode-server.mjs';
import { findFiles, runNodeTests } from './test-all.mjs';

const { root } = prepareVscode();
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const summaryFile = join(results, 'e2e.json');
rmSync(summaryFile, { force: true });

async function main() {
  const started = Date.now();
  const files = process.argv.slice(2).length ? process.argv.slice(2) : findFiles('test/e2e', '.e2e.ts');
  if (!existsSync(join(root, 'dist/extension.js'))) console.warn('[e2e] warning: dist/extension.js is missing (build)');
  rmSync(join(results, 'e2e'), { recursive: true, force: true });
  const server = await startServer({ logFile: join(results, 'e2e-server.log') });
  let r;
  try {
    console.log(`[e2e] VS Code at ${server.url}; ${files.length} file(s)`);
    r = await runNodeTests(files, { env: { HMM_LENS_E2E_SERVER: server.url }, concurrency: 1, timeoutMs: 20 * 60_000 });
  } finally {
    await server.stop();
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  writeFileSync(summaryFile, JSON.stringify({ layer: 'e2e', passed: r.passed, failed: r.failed, note: r.note,
    seconds: Number(secs) }, null, 2));
  console.log(`[e2e] result: ${r.passed} ok, ${r.failed} not ok (${secs} s)${r.note ? ` — ${r.note}` : ''}`);
  return r.failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[e2e] ERROR: ${e instanceof Error ? e.stack : e}`);
  writeFileSync(summaryFile, JSON.stringify({ layer: 'e2e', passed: 0, failed: 1, error: String(e) }, null, 2));
  process.exit(1);
});

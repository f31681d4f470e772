#!/usr/bin/env node
// `npm run test:desktop`: the same integration suite (out/test/integration/index.js) in a desktop VS Code through
// @vscode/test-electron — for machines that can download VS Code (it cannot work on the team's closed-network
// machines; there `npm run test:integration` runs the suite in the real VS Code server instead).
// Env: VSCODE_VERSION (default 1.100.3, the version the server runner uses), HMM_LENS_TEST_FILES, HMM_LENS_TEST_GREP.
import process from 'node:process';
import console from 'node:console';
import { existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suite = join(root, 'out/test/integration/index.js');
if (!existsSync(suite)) {
  console.error(`${suite} is missing: run "node scripts/build.mjs" first`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'hmm-lens-desktop-'));
const workspace = join(tmp, 'workspace');
cpSync(join(root, 'examples'), workspace, { recursive: true });
const report = join(tmp, 'report.jsonl');
let code = 1;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    extensionTestsEnv: { HMM_LENS_TEST_REPORT: report },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
      '--skip-release-notes', '--user-data-dir', join(tmp, 'user-data')],
  });
} catch (e) {
  console.error(`[desktop] ${e instanceof Error ? e.message : e}`);
}
let passed = 0; let failed = 0;
if (existsSync(report)) {
  for (const line of readFileSync(report, 'utf8').split('\n').filter(Boolean)) {
    const o = JSON.parse(line);
    if (o.event === 'pass') { passed++; console.log(`  ✔ ${o.title}`); }
    if (o.event === 'fail' || o.event === 'pending') { failed++; console.log(`  ✘ ${o.title}\n      ${o.error ?? 'pending'}`); }
  }
}
if (code !== 0 && failed === 0) failed = 1;
mkdirSync(join(root, 'test-results'), { recursive: true });
writeFileSync(join(root, 'test-results/desktop.json'), JSON.stringify({ layer: 'desktop', passed, failed }, null, 2));
rmSync(tmp, { recursive: true, force: true });
console.log(`[desktop] result: ${passed} ok, ${failed} not ok`);
process.exit(failed === 0 ? 0 : 1);

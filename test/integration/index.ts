// The integration suite's entry: VS Code's extension host calls run() (extensionTestsPath), both under the
// server runner here (scripts/run-integration.mjs, `npm run test:integration`) and under @vscode/test-electron
// (scripts/run-desktop.mjs, `npm run test:desktop`).
//
// ADDING TESTS: create test/integration/<feature>.test.ts using mocha's TDD interface (globals `suite`, `test`,
// `suiteSetup`, `setup`, `teardown`…; `import * as vscode from 'vscode'`; `import assert from 'node:assert/strict'`).
// Nothing to register: esbuild bundles every test/integration/**/*.test.ts into out/test/integration/index.js
// through the glob require below, and run() loads each file found in this folder, sorted by name.
// Run one file: HMM_LENS_TEST_FILES=foundation npm run test:integration (comma-separated names without .test.ts);
// filter tests: HMM_LENS_TEST_GREP="decode" npm run test:integration.
// A workspace is open (a temp copy of examples/): vscode.workspace.workspaceFolders![0].
// WEB HOST: test/integration/web/ is a second suite (its own entry, bundled for the browser) that the runner runs in
// the web worker extension host with the `browser` entry; HMM_LENS_TEST_FILES=web runs only it.
//
// Results: every test outcome is appended as one JSON line to the file named by HMM_LENS_TEST_REPORT (the runner
// reads it, since the extension host's console does not reach the runner), and printed to the console.
import Mocha from 'mocha';
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The folder holding this suite's sources (the bundle lives in out/test/integration/). */
function sourceDir(): string {
  const candidates = [resolve(__dirname, '../../../test/integration'), __dirname];
  for (const dir of candidates) {
    try {
      if (readdirSync(dir).some((f) => f.endsWith('.test.ts'))) return dir;
    } catch { /* try the next */ }
  }
  throw new Error(`no *.test.ts files found in ${candidates.join(' or ')}`);
}

/** Names (without .test.ts) of the suite files to load. */
export function testFileNames(): string[] {
  const all = readdirSync(sourceDir()).filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -'.test.ts'.length))
    .sort();
  // "web" names the web-host suite (test/integration/web/, run by the runner in the web worker host), not a file here
  const only = process.env.HMM_LENS_TEST_FILES?.split(',').map((s) => s.trim()).filter((s) => s && s !== 'web');
  if (!only) return all;
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length) throw new Error(`HMM_LENS_TEST_FILES names unknown files: ${unknown.join(', ')} (have ${all.join(', ')})`);
  return only;
}

function loadTestFile(name: string): void {
  // esbuild turns this template into a glob: every ./**/*.test.ts is bundled and evaluated lazily here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(`./${name}.test.ts`);
}

type Outcome = { event: 'pass' | 'fail' | 'pending' | 'end' | 'start'; title?: string; file?: string;
  durationMs?: number; error?: string; passed?: number; failed?: number; pending?: number; total?: number };

function report(o: Outcome): void {
  const path = process.env.HMM_LENS_TEST_REPORT;
  if (path) appendFileSync(path, JSON.stringify(o) + '\n');
}

/** How many tests run: all of them, or those whose full title matches the grep text (as mocha matches it). */
function selectedTotal(root: Mocha.Suite, grep: string | undefined): number {
  if (!grep) return root.total();
  const re = new RegExp(grep.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const count = (s: Mocha.Suite): number =>
    s.tests.filter((t) => re.test(t.fullTitle())).length + s.suites.reduce((n, c) => n + count(c), 0);
  return count(root);
}

export function run(): Promise<void> {
  const path = process.env.HMM_LENS_TEST_REPORT;
  if (path) writeFileSync(path, '');
  const mocha = new Mocha({
    ui: 'tdd', color: false, timeout: Number(process.env.HMM_LENS_TEST_TIMEOUT ?? 30_000),
    grep: process.env.HMM_LENS_TEST_GREP || undefined, reporter: 'spec',
  });
  return new Promise<void>((resolvePromise, reject) => {
    try {
      const names = testFileNames();
      for (const name of names) {
        mocha.suite.emit('pre-require', globalThis, join(sourceDir(), `${name}.test.ts`), mocha);
        loadTestFile(name);
      }
      report({ event: 'start', total: selectedTotal(mocha.suite, process.env.HMM_LENS_TEST_GREP) });
      let passed = 0; let failed = 0; let pending = 0;
      const runner = mocha.run(() => {
        report({ event: 'end', passed, failed, pending });
        if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
        else resolvePromise();
      });
      runner.on('pass', (t) => {
        passed++;
        report({ event: 'pass', title: t.fullTitle(), file: t.file, durationMs: t.duration });
      });
      runner.on('fail', (t, err: unknown) => {
        failed++;
        const e = err instanceof Error ? (err.stack ?? err.message) : String(err);
        report({ event: 'fail', title: t.fullTitle(), file: t.file, durationMs: t.duration, error: e });
      });
      runner.on('pending', (t) => {
        pending++;
        report({ event: 'pending', title: t.fullTitle(), file: t.file });
      });
    } catch (e) {
      const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
      report({ event: 'fail', title: 'loading the integration suite', error: msg });
      report({ event: 'end', passed: 0, failed: 1, pending: 0 });
      reject(e);
    }
  });
}

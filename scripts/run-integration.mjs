#!/usr/bin/env node
// Runs the mocha integration suites INSIDE a real VS Code 1.100.3 (the VS Code server from prepare-vscode.mjs + the
// web workbench in Chromium, with the development `payload`):
//  1. the Node suite (test/integration/*.test.ts → out/test/integration/index.js) in the Node extension host, with
//     HMM Lens's `main` entry;
//  2. the web suite (test/integration/web/ → out/test/integration-web/index.js) in the WEB worker extension host,
//     with HMM Lens's `browser` entry (payload extensionDevelopmentKind ["web"]).
// The Node suite appends one JSON line per test to a report file (HMM_LENS_TEST_REPORT); the web suite, which has no
// file system, prints `[hmm-web-test] {json}` console lines that reach the page. This runner relays both live, and
// writes the totals to test-results/integration.json ({ passed, failed }) for scripts/test-all.mjs.
//   npm run test:integration           (builds first)
//   node scripts/run-integration.mjs   (expects a build)
// Env: HMM_LENS_TEST_FILES=a,b  (names without .test.ts; "web" = the web-host suite; unset = everything)
//      HMM_LENS_TEST_GREP=text  (Node suite only; skips the web suite unless HMM_LENS_TEST_FILES names "web")  HMM_LENS_INTEGRATION_TIMEOUT=ms per suite (default 600000)
//      HMM_LENS_KEEP_TEMP=1 keeps the temp folders.
import process from 'node:process';
import console from 'node:console';
import { setTimeout, setInterval, clearInterval } from 'node:timers';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareVscode, startServer, launchChromium, workbenchUrl, tempWorkspace, tempDir, serveAsWebExtension }
  from './vscode-server.mjs';

const { root } = prepareVscode();
const results = join(root, 'test-results');
mkdirSync(results, { recursive: true });
const summaryFile = join(results, 'integration.json');
rmSync(summaryFile, { force: true });
const timeoutMs = Number(process.env.HMM_LENS_INTEGRATION_TIMEOUT ?? 600_000);
const WEB_MARK = '[hmm-web-test] ';

function writeSummary(passed, failed, extra = {}) {
  writeFileSync(summaryFile, JSON.stringify({ layer: 'integration', passed, failed, ...extra }, null, 2));
}

/** Which suites HMM_LENS_TEST_FILES selects. */
function selectedSuites() {
  const only = process.env.HMM_LENS_TEST_FILES?.split(',').map((s) => s.trim()).filter(Boolean);
  // the web suite has no grep: a grep run (HMM_LENS_TEST_GREP) is about Node-suite tests unless "web" is named
  if (!only) return { node: true, web: !process.env.HMM_LENS_TEST_GREP };
  return { node: only.some((n) => n !== 'web'), web: only.includes('web') };
}

/** The CLI's `run --json` output for every example in the workspace, for the web suite's determinism test. */
function writeCliJson(folder) {
  const out = join(folder, '.hmm-cli-json');
  mkdirSync(out, { recursive: true });
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.hmm.yaml')).sort()) {
    let json;
    try {
      json = execFileSync(process.execPath, [join(root, 'dist/cli.js'), 'run', '--json', name], { cwd: folder, encoding: 'utf8' });
    } catch (e) { json = String(e.stdout ?? ''); } // exit 1 = an expectation fails: the JSON is still printed
    writeFileSync(join(out, `${name}.json`), json);
  }
}

/**
 * Runs one suite in a fresh server + page; relays its outcomes.
 * @param {'node'|'web'} kind
 * @returns {Promise<{ passed: number, failed: number, exitCode: unknown }>}
 */
async function runSuite(kind) {
  const suite = join(root, kind === 'node' ? 'out/test/integration/index.js' : 'out/test/integration-web/index.js');
  if (!existsSync(suite)) throw new Error(`${suite} is missing: run "node scripts/build.mjs" first`);
  const entry = kind === 'node' ? 'dist/extension.js' : 'dist/web/extension.js';
  if (!existsSync(join(root, entry))) console.warn(`[integration] warning: ${entry} is missing`);
  const tag = kind === 'node' ? 'integration' : 'integration-web';
  const work = tempDir(tag);
  const reportFile = join(work, 'report.jsonl');
  const folder = tempWorkspace(undefined, `${tag}-ws`);
  if (kind === 'web') writeCliJson(folder);
  let hostExit;
  const server = await startServer({
    env: { HMM_LENS_TEST_REPORT: reportFile },
    logFile: join(results, `${tag}-server.log`),
    onLine: (line) => {
      const m = /Extension [Hh]ost [Pp]rocess exited with code: (\d+)/.exec(line) ?? /extension host .*exited.*code[: ]+(\d+)/i.exec(line);
      if (m) hostExit = Number(m[1]);
    },
  });
  if (kind === 'web') {
    // run HMM Lens in the web worker host: VS Code's extension-kind override, a user setting (this web workbench does
    // not read the payload's extensionDevelopmentKind); serveAsWebExtension below makes the workbench find it
    mkdirSync(join(server.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(server.userDataDir, 'User', 'settings.json'), JSON.stringify({
      'remote.extensionKind': { 'hmm-lens.hmm-lens': ['web'] } }, null, 2));
  }
  const chromium = await launchChromium();
  let passed = 0; let failed = 0; let ended = false; let total;
  const onEvent = (o) => {
    if (o.event === 'start') { total = o.total; console.log(`[integration] ${kind} host: running ${o.total} test(s)`); }
    if (o.event === 'pass') { passed++; console.log(`  ✔ ${o.title} (${o.durationMs ?? 0} ms)`); }
    if (o.event === 'fail') {
      failed++;
      console.log(`  ✘ ${o.title}\n      ${String(o.error).split('\n').slice(0, 8).join('\n      ')}`);
    }
    if (o.event === 'pending') { failed++; console.log(`  - ${o.title} (pending: counted as failed — no skipped tests)`); }
    if (o.event === 'end') ended = true;
  };
  let relayed = 0;
  const relayFile = () => {
    if (kind !== 'node' || !existsSync(reportFile)) return;
    const lines = readFileSync(reportFile, 'utf8').split('\n').filter(Boolean);
    for (const line of lines.slice(relayed)) {
      relayed++;
      try { onEvent(JSON.parse(line)); } catch { /* a partial line: ignore */ }
    }
  };
  let exitCode;
  try {
    const page = await chromium.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const browserLog = createWriteStream(join(results, `${tag}-browser.log`));
    page.on('console', (m) => {
      const text = m.text();
      browserLog.write(`[${m.type()}] ${text}\n`);
      const at = text.indexOf(WEB_MARK);
      if (kind === 'web' && at >= 0) {
        try { onEvent(JSON.parse(text.slice(at + WEB_MARK.length))); } catch { /* not ours */ }
      }
    });
    page.on('pageerror', (e) => browserLog.write(`[pageerror] ${e.message}\n`));
    const gotExit = new Promise((resolve) => { page.exposeFunction('codeAutomationExit', (code) => resolve(code)); });
    const url = workbenchUrl(server, { folder, extensionDevelopmentPath: root, extensionTestsPath: suite,
      extensionDevelopmentKind: kind === 'web' ? 'web' : undefined });
    if (kind === 'web') await serveAsWebExtension(page, server, root);
    await page.goto(url);
    let hostDiedAt;
    const timer = setInterval(relayFile, 300);
    exitCode = await Promise.race([
      gotExit,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), timeoutMs)),
      new Promise((resolve) => {
        if (kind !== 'node') return; // the web host is a worker in the page: no server-side process to watch
        const t = setInterval(() => { // the extension host died without reporting an exit code to the page
          if (hostExit === undefined) return;
          hostDiedAt ??= Date.now();
          if (Date.now() - hostDiedAt > 5000) { clearInterval(t); resolve(`host exited with ${hostExit}`); }
        }, 500);
      }),
    ]);
    clearInterval(timer);
    relayFile();
    if (exitCode !== 0) {
      await page.screenshot({ path: join(results, `${tag}-failure.png`) }).catch(() => {});
      console.log(`[integration] screenshot: test-results/${tag}-failure.png`);
    }
  } finally {
    await chromium.close();
    await server.stop();
    if (!process.env.HMM_LENS_KEEP_TEMP) {
      rmSync(work, { recursive: true, force: true });
      rmSync(join(folder, '..'), { recursive: true, force: true });
    }
  }
  // a failing hook skips the tests after it: every test that did not pass is a failure
  if (total !== undefined && total - passed > failed) {
    console.log(`  ✘ ${total - passed - failed} ${kind}-host test(s) did not run (a hook failed or the host stopped)`);
    failed = total - passed;
  }
  if (exitCode !== 0 && failed === 0) {
    failed = 1;
    console.log(`  ✘ the ${kind}-host suite did not finish cleanly (exit: ${exitCode}); see test-results/${tag}-server.log and ${tag}-browser.log`);
  }
  if (!ended && exitCode === 0) console.log(`[integration] warning: no end event from the ${kind}-host suite`);
  return { passed, failed, exitCode };
}

async function main() {
  const started = Date.now();
  const which = selectedSuites();
  let passed = 0; let failed = 0; const exitCodes = {};
  for (const kind of /** @type {const} */ (['node', 'web'])) {
    if (!which[kind]) continue;
    const r = await runSuite(kind);
    passed += r.passed; failed += r.failed; exitCodes[kind] = r.exitCode;
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  writeSummary(passed, failed, { exitCodes, seconds: Number(secs) });
  console.log(`[integration] result: ${passed} ok, ${failed} not ok (${secs} s)`);
  return failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (e) => {
  console.error(`[integration] ERROR: ${e instanceof Error ? e.stack : e}`);
  writeSummary(0, 1, { error: String(e instanceof Error ? e.message : e) });
  console.log("[integration] result: 0 ok, 1 not ok");
  process.exit(1);
});

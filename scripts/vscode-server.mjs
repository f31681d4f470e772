// Shared helper for the runners (integration, e2e, start): start/stop the real VS Code server prepared by
// prepare-vscode.mjs, pick a free port, build workbench URLs with the development `payload`, open Debian's Chromium.
// Everything started here is killed by its own pid (process group), never by name.
import process from 'node:process';
import { setTimeout, clearTimeout } from 'node:timers';
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { get as httpGet } from 'node:http';
import { mkdtempSync, mkdirSync, cpSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareVscode, vscodePaths } from './prepare-vscode.mjs';

export { prepareVscode, vscodePaths };

/** Chromium flags for this closed network (see /work/shared/docs/real-vscode.md). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
  // a page served through page.route (serveAsWebExtension) counts as public: let it reach 127.0.0.1 (WebSocket)
  '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'];

/** Environment for code-server's CLI: its config file and logs go under .vscode-test/, not $HOME. */
export function codeServerEnv() {
  const home = join(vscodePaths().cache, 'code-server-home');
  mkdirSync(home, { recursive: true });
  return { XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') };
}

/**
 * Runs code-server's CLI (e.g. ['--install-extension', vsix]) against an extensions dir; returns its output.
 * @param {string[]} args @param {{ extensionsDir: string, userDataDir: string }} dirs
 */
export function codeServerCli(args, dirs) {
  const p = prepareVscode();
  return execFileSync(process.execPath, [p.codeServerEntry, '--user-data-dir', dirs.userDataDir,
    '--extensions-dir', dirs.extensionsDir, ...args], { encoding: 'utf8', env: { ...process.env, ...codeServerEnv() },
    stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh temp folder (removed by the caller with rmSync when wanted). */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `hmm-lens-${prefix}-`));
}

/** Copies examples/ (or another folder) into a temp workspace so tests never touch the repo's files. */
export function tempWorkspace(from = join(vscodePaths().root, 'examples'), prefix = 'ws') {
  const dir = join(tempDir(prefix), 'workspace');
  mkdirSync(dir, { recursive: true });
  cpSync(from, dir, { recursive: true });
  return dir;
}

/** Status code of GET url (rejects on a connection error or after timeoutMs). */
function httpStatus(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = httpGet(url, { timeout: timeoutMs }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

async function waitForHttp(url, timeoutMs, isDead) {
  const end = Date.now() + timeoutMs;
  let lastErr = '';
  while (Date.now() < end) {
    if (isDead()) throw new Error('the server process exited before it answered');
    try {
      const status = await httpStatus(url, 2000);
      if (status === 200) return;
      lastErr = `HTTP ${status}`;
    } catch (e) { lastErr = e instanceof Error ? e.message : String(e); }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no answer from ${url} within ${timeoutMs} ms (${lastErr})`);
}

/** Kills a process group we spawned (detached) — first politely, then for sure. */
export async function killTree(proc, graceMs = 3000) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  try { process.kill(-proc.pid, 'SIGTERM'); } catch { try { proc.kill('SIGTERM'); } catch { /* gone */ } }
  const t = setTimeout(() => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }, graceMs);
  await exited;
  clearTimeout(t);
}

/**
 * Starts a VS Code server on 127.0.0.1.
 * @param {{ port?: number, kind?: 'vscode'|'code-server', env?: Record<string,string>, logFile?: string,
 *   extensionsDir?: string, userDataDir?: string, args?: string[], onLine?: (line: string) => void,
 *   readyTimeoutMs?: number, workspaceTrust?: boolean }} [opts]
 *   workspaceTrust: keep VS Code's workspace trust on (default: --disable-workspace-trust, every folder trusted).
 *   kind 'vscode' (default) is the plain VS Code server (tests); 'code-server' is code-server's full UI (npm start).
 */
export async function startServer(opts = {}) {
  const p = prepareVscode();
  const port = opts.port ?? await freePort();
  const base = opts.userDataDir ? undefined : tempDir('server');
  const userDataDir = opts.userDataDir ?? join(base, 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(base ?? tempDir('server'), 'extensions');
  for (const d of [userDataDir, extensionsDir]) mkdirSync(d, { recursive: true });
  const kind = opts.kind ?? 'vscode';
  const args = kind === 'vscode'
    ? [p.serverMain, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token',
      '--accept-server-license-terms', '--user-data-dir', userDataDir, '--server-data-dir', join(userDataDir, 'server'),
      '--extensions-dir', extensionsDir, ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-telemetry', ...(opts.args ?? [])]
    : [p.codeServerEntry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', ...(opts.args ?? [])];
  const proc = spawn(process.execPath, args, {
    cwd: p.root, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(kind === 'code-server' ? codeServerEnv() : {}), ...(opts.env ?? {}) },
  });
  const log = opts.logFile ? createWriteStream(opts.logFile) : undefined;
  const lines = [];
  let pending = '';
  const onData = (chunk) => {
    log?.write(chunk);
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) { lines.push(line); opts.onLine?.(line); }
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const server = {
    port, url, proc, userDataDir, extensionsDir, lines,
    /** `vscode-remote://` URI of a local path, as the server sees it. */
    remote: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    async stop() {
      await killTree(proc);
      log?.end();
      if (base && !process.env.HMM_LENS_KEEP_TEMP) rmSync(base, { recursive: true, force: true });
    },
  };
  try {
    await waitForHttp(kind === 'vscode' ? `${url}/` : `${url}/healthz`,
      opts.readyTimeoutMs ?? 60_000, () => proc.exitCode !== null);
  } catch (e) {
    await server.stop();
    throw new Error(`VS Code server did not start: ${e instanceof Error ? e.message : e}\n${lines.slice(-20).join('\n')}`);
  }
  return server;
}

/**
 * Workbench URL for a folder, with the extension loaded as a development extension and, for the mocha
 * integration suite, its compiled run() entry.
 * @param {{ url: string, remote: (p: string) => string }} server
 * @param {{ folder: string, extensionDevelopmentPath?: string, extensionTestsPath?: string,
 *   extensionDevelopmentKind?: 'web'|'workspace'|'ui' }} o
 */
export function workbenchUrl(server, o) {
  const payload = [];
  if (o.extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', server.remote(o.extensionDevelopmentPath)]);
  if (o.extensionTestsPath) payload.push(['extensionTestsPath', server.remote(o.extensionTestsPath)]);
  // 'web': run the development extension in the web worker extension host (its `browser` entry)
  if (o.extensionDevelopmentKind) payload.push(['extensionDevelopmentKind', o.extensionDevelopmentKind]);
  const q = `folder=${encodeURIComponent(o.folder)}`;
  return `${server.url}/?${q}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
}

/**
 * Makes `page` load the extension at extensionPath as a WEB extension (its `browser` entry, in the web worker
 * extension host). The plain VS Code server's web workbench scans web extensions under development only from its
 * configuration (`developmentOptions.extensions`, which @vscode/test-web sets), never from the `payload`; so this
 * rewrites that configuration in the workbench page as it is served (page.route; CHROMIUM_ARGS turn off Chromium's
 * local-network-access checks, which would otherwise block the rewritten page's WebSocket to 127.0.0.1). Use it together with
 * workbenchUrl(…, { extensionDevelopmentKind: 'web' }), which makes the extension run there (and not in the Node host).
 * @param {import('playwright-core').Page} page
 * @param {{ url: string, remote: (p: string) => string }} server
 * @param {string} extensionPath
 */
export async function serveAsWebExtension(page, server, extensionPath) {
  const location = new URL(server.remote(extensionPath));
  const ext = { scheme: 'vscode-remote', authority: location.host, path: extensionPath };
  const origin = new URL(server.url).origin;
  await page.route((u) => u.origin === origin && u.pathname === '/', async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    const re = /(<meta id="vscode-workbench-web-configuration" data-settings=")([^"]*)(")/;
    const m = re.exec(html);
    if (!m) { await route.fulfill({ response, body: html }); return; }
    const unescape = (t) => t.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
    const escape = (t) => t.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const config = JSON.parse(unescape(m[2]));
    config.developmentOptions = { ...config.developmentOptions, extensions: [ext] };
    await route.fulfill({ response, body: html.replace(re, (_a, pre, _b, post) => `${pre}${escape(JSON.stringify(config))}${post}`) });
  });
}

/**
 * Launches Debian's Chromium through playwright-core as a separate browser server, so that we can kill its
 * process ourselves (browser.close() can hang for a minute).
 * @returns {Promise<{ browser: import('playwright-core').Browser, close: () => Promise<void> }>}
 */
export async function launchChromium(opts = {}) {
  const { chromium } = await import('playwright-core');
  const bs = await chromium.launchServer({
    executablePath: vscodePaths().chromium, headless: opts.headless ?? true, args: CHROMIUM_ARGS,
  });
  const browser = await chromium.connect(bs.wsEndpoint());
  let closed = false;
  return {
    browser,
    async close() {
      if (closed) return;
      closed = true;
      const proc = bs.process();
      const exited = proc.exitCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', r));
      await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 500))]);
      await bs.kill().catch(() => {});
      try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    },
  };
}

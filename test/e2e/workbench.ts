// Shared helper for end-to-end tests: the real VS Code 1.100.3 web workbench (VS Code server from
// scripts/prepare-vscode.mjs) in Debian's Chromium via playwright-core, with HMM Lens loaded as a development
// extension (the repo root, built into dist/) and a temp copy of examples/ open.
//
// WRITING AN E2E TEST: add test/e2e/<feature>.e2e.ts (node:test), e.g.
//   import { test, after } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { openWorkbench, closeAll } from './workbench';
//   after(closeAll);
//   test('decode from the palette', () => withWorkbench('decode', async (wb) => {
//     await wb.runCommand('HMM: Decode PFN Value');
//     await wb.fillInputBox('0xc000000000001234', { title: 'Decode PFN Value' });
//     assert.match(await wb.waitForNotification(/HMM pfn/), /VALID WRITE/);
//     await wb.screenshot('decode');          // test-results/e2e/decode.png — look at it
//   }));                                      // on failure: test-results/e2e/decode-failure.png
// Also: wb.openFile(name), wb.hoverText(token), wb.quickInputState(), wb.notifications(), wb.webviewFrame(),
// wb.page (the Playwright page) for anything else; openWorkbench({ settings, extraFiles, copyFrom, webExtension,
// workspaceTrust }) — webExtension runs HMM Lens in the web worker host, workspaceTrust opens the folder untrusted.
// Run: npm run test:e2e (builds, starts one server for all files), or one file:
//   node scripts/run-e2e.mjs test/e2e/foundation.e2e.ts
// Without the runner (plain `node --import tsx --test file`), openWorkbench starts its own server.
import type { Browser, Page, Locator } from 'playwright-core';
import { mkdirSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  launchChromium, serveAsWebExtension, startServer, tempWorkspace, workbenchUrl, type VscodeServer,
} from '../../scripts/vscode-server.mjs';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');

type ServerRef = Pick<VscodeServer, 'url' | 'remote'>;

let serverRef: ServerRef | undefined;
let ownServer: VscodeServer | undefined;
let chromium: { browser: Browser; close(): Promise<void> } | undefined;
const tempFolders: string[] = [];
const dedicatedServers: VscodeServer[] = [];

async function server(): Promise<ServerRef> {
  if (serverRef) return serverRef;
  const shared = process.env.HMM_LENS_E2E_SERVER; // set by scripts/run-e2e.mjs
  if (shared) {
    const port = new URL(shared).port;
    serverRef = { url: shared, remote: (p: string) => `vscode-remote://127.0.0.1:${port}${p}` };
  } else {
    ownServer = await startServer({});
    serverRef = ownServer;
  }
  return serverRef;
}

async function browser(): Promise<Browser> {
  chromium ??= await launchChromium();
  return chromium.browser;
}

export interface OpenOptions {
  /** folder to copy into a temp workspace (default examples/); the copy is what VS Code opens */
  copyFrom?: string;
  /** extra files to put in the workspace: relative path -> absolute source path */
  extraFiles?: Record<string, string>;
  /** workspace settings (.vscode/settings.json), e.g. { 'hmm.kernel': 'v5.10' } */
  settings?: Record<string, unknown>;
  /** load HMM Lens as a development extension (default true) */
  loadExtension?: boolean;
  viewport?: { width: number; height: number };
  /** run HMM Lens in the WEB worker extension host (its `browser` entry) instead of the Node host; uses a server of
   * its own (stopped by close()) whose user settings say remote.extensionKind ["web"] for HMM Lens */
  webExtension?: boolean;
  /** keep VS Code's workspace trust on (a server of its own without --disable-workspace-trust): the folder opens
   * untrusted and VS Code asks on startup */
  workspaceTrust?: boolean;
  /** leave the welcome/walkthrough editor open (by default it is closed so screenshots show what a test opened) */
  keepWelcome?: boolean;
}

export class Workbench {
  constructor(readonly page: Page, readonly folder: string, private readonly ownServer?: VscodeServer) {}

  /** F1, type the command's title (e.g. 'HMM: Decode PFN Value'), pick the matching row, Enter. */
  async runCommand(title: string, timeout = 60_000): Promise<void> {
    const { page } = this;
    const end = Date.now() + timeout;
    // The palette lists the commands known when it opens: until the extension host has registered the
    // extension, reopen it.
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
      try {
        await row.waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(1, end - Date.now())) });
        break;
      } catch (e) {
        if (Date.now() >= end) throw new Error(`command "${title}" not in the palette after ${attempt} tries: ${e}`);
      }
    }
    await page.keyboard.press('Enter');
  }

  /** Waits for the quick input (input box) — optionally with this title — types text and presses Enter. */
  async fillInputBox(text: string, opts: { title?: string | RegExp; timeout?: number } = {}): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: opts.timeout ?? 30_000 });
    if (opts.title) {
      await widget.locator('.quick-input-title', { hasText: opts.title }).waitFor({ timeout: opts.timeout ?? 30_000 });
    }
    const input = widget.locator('input.input');
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** The quick input's title, placeholder and message while it is shown. */
  async quickInputState(): Promise<{ title: string; placeholder: string; message: string }> {
    const widget = this.page.locator('.quick-input-widget');
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    return {
      title: (await widget.locator('.quick-input-title').textContent()) ?? '',
      placeholder: (await widget.locator('input.input').getAttribute('placeholder')) ?? '',
      message: (await widget.locator('.quick-input-message').textContent().catch(() => '')) ?? '',
    };
  }

  /** Text of the first notification toast matching `match`; throws after the timeout. */
  async waitForNotification(match: string | RegExp, timeout = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: match }).first();
    await toast.waitFor({ state: 'visible', timeout });
    return (await toast.locator('.notification-list-item-message').textContent()) ?? (await toast.innerText());
  }

  /** Texts of all visible notification toasts. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  }

  /** Opens a workspace file by name through Quick Open (Ctrl+P); waits for its editor tab. */
  async openFile(name: string): Promise<void> {
    const { page } = this;
    const input = page.locator('.quick-input-widget input.input');
    // a webview that has just opened (the inspector) can take the focus back and close Quick Open: try again
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await page.waitForTimeout(200);
        if (await input.isVisible()) break;
      } catch (e) {
        if (attempt >= 4) throw new Error(`Quick Open did not open for "${name}" after ${attempt} tries: ${e}`);
      }
      if (attempt >= 4) throw new Error(`Quick Open closed again for "${name}" after ${attempt} tries`);
      // give the keyboard back to the workbench: the status bar is outside any webview
      await page.locator('.statusbar').first().click({ position: { x: 5, y: 5 } }).catch(() => {});
    }
    await input.fill(name);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab', { hasText: name.split('/').pop() ?? name }).first()
      .waitFor({ timeout: 30_000 });
  }

  /** Hovers the first editor token containing `text` and returns the hover's text. */
  async hoverText(text: string, timeout = 30_000): Promise<string> {
    const token = this.page.locator('.monaco-editor .view-line span', { hasText: text }).last();
    await token.waitFor({ timeout });
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');
    const end = Date.now() + timeout;
    // A hover asked before the extension activated (or its provider registered) stays empty: move away, retry.
    for (let attempt = 1; ; attempt++) {
      await token.hover();
      try {
        await hover.first().waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(1, end - Date.now())) });
        return await hover.first().innerText();
      } catch (e) {
        if (Date.now() >= end) throw new Error(`no hover over "${text}" after ${attempt} tries: ${e}`);
        await this.page.mouse.move(1, 1);
        await this.page.keyboard.press('Escape');
      }
    }
  }

  /** The frame inside a webview (a webview is an iframe holding an inner `active-frame` iframe). */
  async webviewFrame(timeout = 30_000): Promise<Locator> {
    const outer = this.page.frameLocator('iframe.webview.ready').first();
    const inner = outer.frameLocator('iframe#active-frame');
    const body = inner.locator('body');
    await body.waitFor({ timeout });
    return body;
  }

  /** Saves a PNG into test-results/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(resultsDir, { recursive: true });
    const path = join(resultsDir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path, animations: 'disabled' });
    return path;
  }

  async close(): Promise<void> {
    await this.page.context().close().catch(() => {});
    await this.ownServer?.stop();
  }
}

/**
 * Opens the workbench with a temp copy of examples/ and HMM Lens loaded; resolves once the workbench is drawn and
 * the explorer lists the workspace.
 */
export async function openWorkbench(opts: OpenOptions = {}): Promise<Workbench> {
  const dedicated = opts.webExtension || opts.workspaceTrust
    ? await startServer({ workspaceTrust: opts.workspaceTrust === true }) : undefined;
  if (dedicated) dedicatedServers.push(dedicated);
  if (dedicated && opts.webExtension) {
    mkdirSync(join(dedicated.userDataDir, 'User'), { recursive: true });
    writeFileSync(join(dedicated.userDataDir, 'User', 'settings.json'),
      JSON.stringify({ 'remote.extensionKind': { 'hmm-lens.hmm-lens': ['web'] } }, null, 2));
  }
  const srv = dedicated ?? await server();
  const folder = tempWorkspace(opts.copyFrom ?? join(repoRoot, 'examples'), 'e2e-ws');
  tempFolders.push(dirname(folder));
  // a quiet window: no welcome page, no tips
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'workbench.tips.enabled': false, 'telemetry.telemetryLevel': 'off',
    ...opts.settings,
  }, null, 2));
  for (const [rel, src] of Object.entries(opts.extraFiles ?? {})) {
    mkdirSync(dirname(join(folder, rel)), { recursive: true });
    cpSync(src, join(folder, rel));
  }
  const b = await browser();
  const context = await b.newContext({ viewport: opts.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  if (opts.webExtension) await serveAsWebExtension(page, srv, repoRoot);
  const url = workbenchUrl(srv, {
    folder, extensionDevelopmentPath: opts.loadExtension === false ? undefined : repoRoot,
    extensionDevelopmentKind: opts.webExtension ? 'web' : undefined,
  });
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
  // the explorer shows the workspace's files once the remote file system answers
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  // code-server's web build opens its welcome/walkthrough page anyway: close it so screenshots show what a test
  // opened
  const welcome = page.locator('.tabs-container .tab[data-resource-name="vscode_getting_started_page"]');
  if (!opts.keepWelcome && await welcome.first().waitFor({ timeout: 3_000 }).then(() => true, () => false)) {
    await welcome.first().locator('.codicon-close').click().catch(() => {});
    await welcome.first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => {});
  }
  return new Workbench(page, folder, dedicated);
}

/**
 * Opens a workbench, runs `body`, saves test-results/e2e/<name>-failure.png when it throws, and closes the page.
 */
export async function withWorkbench<T>(name: string, body: (wb: Workbench) => Promise<T>,
  opts: OpenOptions = {}): Promise<T> {
  const wb = await openWorkbench(opts);
  try {
    return await body(wb);
  } catch (e) {
    await wb.screenshot(`${name}-failure`).catch(() => {});
    throw e;
  } finally {
    await wb.close();
  }
}

/** Closes the browser and the server this process started, removes temp workspaces. Use as `after(closeAll)`. */
export async function closeAll(): Promise<void> {
  await chromium?.close();
  chromium = undefined;
  await ownServer?.stop();
  ownServer = undefined;
  for (const s of dedicatedServers.splice(0)) await s.stop();
  serverRef = undefined;
  if (!process.env.HMM_LENS_KEEP_TEMP) for (const d of tempFolders.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Polls a locator's text until it matches (the webview runs in another process; no fixed sleeps). */
export async function waitText(loc: Locator, re: RegExp, timeout = 30_000): Promise<string> {
  const end = Date.now() + timeout;
  let last = '';
  for (;;) {
    last = (await loc.first().textContent({ timeout: Math.max(1, end - Date.now()) }).catch(() => null)) ?? '';
    if (re.test(last)) return last;
    if (Date.now() >= end) throw new Error(`text ${JSON.stringify(last)} never matched ${re}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

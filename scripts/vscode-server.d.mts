// Types of scripts/vscode-server.mjs for the TypeScript test helpers (test/e2e/workbench.ts).
import type { ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';

export interface VscodePaths {
  root: string; cache: string; installDir: string; codeServer: string; vscode: string;
  serverMain: string; codeServerEntry: string; stamp: string; chromium: string;
}
export interface VscodeServer {
  port: number; url: string; proc: ChildProcess; userDataDir: string; extensionsDir: string; lines: string[];
  remote(path: string): string;
  stop(): Promise<void>;
}
export const CHROMIUM_ARGS: string[];
export function prepareVscode(opts?: { force?: boolean; apt?: boolean }): VscodePaths;
export function vscodePaths(): VscodePaths;
export function freePort(): Promise<number>;
export function tempDir(prefix: string): string;
export function tempWorkspace(from?: string, prefix?: string): string;
export function killTree(proc: ChildProcess, graceMs?: number): Promise<void>;
export function startServer(opts?: {
  port?: number; kind?: 'vscode' | 'code-server'; env?: Record<string, string>; logFile?: string;
  extensionsDir?: string; userDataDir?: string; args?: string[]; onLine?: (line: string) => void;
  readyTimeoutMs?: number; workspaceTrust?: boolean;
}): Promise<VscodeServer>;
export function workbenchUrl(server: Pick<VscodeServer, 'url' | 'remote'>,
  o: { folder: string; extensionDevelopmentPath?: string; extensionTestsPath?: string;
    extensionDevelopmentKind?: 'web' | 'workspace' | 'ui' }): string;
export function serveAsWebExtension(page: import('playwright-core').Page, server: Pick<VscodeServer, 'url' | 'remote'>,
  extensionPath: string): Promise<void>;
export function launchChromium(opts?: { headless?: boolean }): Promise<{ browser: Browser; close(): Promise<void> }>;
export function codeServerEnv(): Record<string, string>;
export function codeServerCli(args: string[], dirs: { extensionsDir: string; userDataDir: string }): string;

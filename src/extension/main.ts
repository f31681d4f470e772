/**
 * Node extension host entry (dist/extension.js): the activation stub. VS Code's activation time is the time to load
 * this module and run activate(), so it holds nothing but a stand-in for each contributed command; the extension
 * itself — commands, stores, inspector (dist/commands.js, ./nodeCommands.ts), then the providers (dist/providers.js)
 * and, on first use, the parser and runner (dist/core.js) — is required in the task right after activate() returns,
 * or by the first command or API use before that. Loading it replaces each stand-in by the real command at once (no
 * event-loop turn between the two), and a stand-in that runs first loads it and hands the call over.
 */
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { HmmApi } from './activate';

interface CommandsModule {
  activateCommands(context: vscode.ExtensionContext): HmmApi;
}

/** Milliseconds this activate() took (what VS Code's figure measures, besides loading this module). */
let stubMs = 0;

export function activate(context: vscode.ExtensionContext): HmmApi {
  const t0 = performance.now();
  let api: HmmApi | undefined;
  const ids = ((context.extension.packageJSON as { contributes?: { commands?: { command: string }[] } })
    .contributes?.commands ?? []).map((c) => c.command);
  let stubs: vscode.Disposable[] = [];
  const load = (): HmmApi => {
    if (api) return api;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the extension, loaded right after activation
    const commands = require(join(__dirname, 'commands.js')) as CommandsModule;
    // the stand-ins go and the real commands come in the same task: no call can fall between them
    for (const s of stubs) s.dispose();
    stubs = [];
    api = commands.activateCommands(context);
    return api;
  };
  stubs = ids.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => {
    load();
    return vscode.commands.executeCommand(id, ...args);
  }));
  context.subscriptions.push({ dispose: () => { for (const s of stubs) s.dispose(); } });
  const timer = setTimeout(() => { try { load(); } catch (e) { console.error('HMM Lens failed to load', e); } }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  stubMs = performance.now() - t0;
  // the exports: the real API once loaded (reading any member loads it)
  return new Proxy({} as HmmApi, {
    get: (_t, key) => {
      if (key === 'then') return undefined; // not a promise: the host awaits activate()'s result
      if (key === 'activationMs') return stubMs;
      return (load() as unknown as Record<string | symbol, unknown>)[key];
    },
    has: (_t, key) => key in load(),
  });
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}

/**
 * The web host's way to load the providers bundle (dist/web/providers.js) after activation: the web worker extension
 * host has no require() for an extension's own files, so the bundle (CommonJS, `vscode` external) is read through
 * vscode.workspace.fs and evaluated as the host evaluates an extension's main module, with a require() that gives
 * it the `vscode` API.
 */
import * as vscode from 'vscode';
import type { ProvidersModule } from './activate';

export async function loadWebProviders(extensionUri: vscode.Uri): Promise<ProvidersModule> {
  const file = vscode.Uri.joinPath(extensionUri, 'dist', 'web', 'providers.js');
  const source = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string): unknown => {
    if (id === 'vscode') return vscode;
    throw new Error(`dist/web/providers.js asked for "${id}": only vscode is available`);
  };
  const init = new Function('module', 'exports', 'require', `${source}\n//# sourceURL=${file.toString(true)}`);
  init(module, module.exports, require);
  return module.exports as unknown as ProvidersModule;
}

// Helpers for the extension-feature suites (hover, diagnostics, CodeLens, runs, tests, tree, commands).
// Not a suite itself (no .test.ts): imported by them.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import type { HmmApi } from '../../src/extension/activate';

export const EXTENSION_ID = 'hmm-lens.hmm-lens';

export async function hmmApi(): Promise<HmmApi> {
  const ext = vscode.extensions.getExtension<HmmApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api && api.store, 'the extension exports no API');
  return api;
}

export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder');
  return f.uri;
}

/** Write a file under <workspace>/it-fixtures/ and return its uri. */
export async function writeFixture(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), 'it-fixtures', name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return uri;
}

export async function deleteFixture(uri: vscode.Uri): Promise<void> {
  try { await vscode.workspace.fs.delete(uri); } catch { /* already gone */ }
}

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc);
}

export async function waitFor<T>(what: string, f: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Text of every hover at a position (all providers). */
export async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('hmm').update(key, value, vscode.ConfigurationTarget.Workspace);
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** A scenario with three walks: two that hold and one that fails at page 1 (v6.16 layout). */
export const BASIC_SCENARIO = `hmm: 1
name: it basic
kernel: v6.16
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 4, prot: rw, flags: [private, anonymous] }
  - write: { at: buf }
  - read: { at: buf+1 }
  - walk:
      name: snap
      device: gpu0
      at: buf
      pages: 4
      mode: snapshot
      expect:
        ret: 0
        pfns: [VALID WRITE, VALID zero, NONE, NONE]
  - walk:
      name: fault all
      at: buf
      pages: 4
      mode: fault
      expect:
        ret: 0
        pfns: [VALID WRITE, VALID zero, VALID zero, VALID zero]
  - walk:
      name: wrong on purpose
      at: buf
      pages: 4
      mode: snapshot
      expect:
        ret: 0
        pfns: [VALID WRITE, VALID WRITE, VALID zero, VALID zero]
`;

/** 1-based line of the first line containing `needle` in `text`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  throw new Error(`"${needle}" not found`);
}

// The architecture rule (eslint.config.mjs): src/core imports neither `vscode` nor Node built-ins, and uses no
// Node globals; the webview never imports `vscode`. Probe files are written into the real folders (so the real
// config's `files` globs apply), linted with the ESLint Node API, and deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const root = resolve(import.meta.dirname, '../..');

/** Lints `text` saved as `relPath` (deleted afterwards); returns the messages' rule ids and texts. */
async function lintProbe(relPath: string, text: string): Promise<{ ruleId: string | null; message: string }[]> {
  const file = join(root, relPath);
  writeFileSync(file, text);
  try {
    const eslint = new ESLint({ cwd: root });
    const [result] = await eslint.lintFiles([file]);
    return result.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
  } finally {
    rmSync(file, { force: true });
  }
}

const rules = (ms: { ruleId: string | null }[]) => ms.map((m) => m.ruleId);

test('src/core importing vscode is an error', async () => {
  const ms = await lintProbe('src/core/__lint_probe_vscode__.ts',
    "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
  assert.ok(rules(ms).includes('no-restricted-imports'), JSON.stringify(ms));
  assert.ok(ms.some((m) => /must not import vscode/.test(m.message)), JSON.stringify(ms));
});

test('src/core importing node:fs (and bare fs) is an error', async () => {
  const ms = await lintProbe('src/core/__lint_probe_fs__.ts',
    "import { readFileSync } from 'node:fs';\nimport { join } from 'path';\nexport const r = [readFileSync, join];\n");
  const restricted = ms.filter((m) => m.ruleId === 'no-restricted-imports');
  assert.equal(restricted.length, 2, JSON.stringify(ms));
  assert.ok(restricted.some((m) => /Node built-ins/.test(m.message)));
  assert.ok(restricted.some((m) => /"path"/.test(m.message)));
});

test('src/core using process or Buffer is an error', async () => {
  const ms = await lintProbe('src/core/__lint_probe_globals__.ts',
    'export const e = process.env.HOME;\nexport const b = Buffer.from([1]);\n');
  assert.equal(ms.filter((m) => m.ruleId === 'no-restricted-globals').length, 2, JSON.stringify(ms));
});

test('a clean src/core file passes', async () => {
  const ms = await lintProbe('src/core/__lint_probe_clean__.ts',
    "import { versionCode } from './kernel-id';\nexport const code = (major: number): number => versionCode(major, 0);\n");
  assert.deepEqual(ms, []);
});

test('the rule is scoped: src/extension may import vscode and node:fs', async () => {
  const ms = await lintProbe('src/extension/__lint_probe_host__.ts',
    "import * as vscode from 'vscode';\nimport { readFileSync } from 'node:fs';\nexport const x = [vscode.version, readFileSync];\n");
  assert.deepEqual(ms, []);
});

test('src/webview importing vscode is an error', async () => {
  const ms = await lintProbe('src/webview/__lint_probe_webview__.ts',
    "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
  assert.ok(ms.some((m) => m.ruleId === 'no-restricted-imports' && /webview cannot import vscode/.test(m.message)),
    JSON.stringify(ms));
});

// Packaging: the .vsix holds only what the extension runs with (.vscodeignore), and it installs into the real
// VS Code 1.100.3 used by the integration tests (code-server's --install-extension).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { codeServerCli } from '../../scripts/vscode-server.mjs';

const root = resolve(import.meta.dirname, '../..');
const vsce = join(root, 'node_modules', '.bin', 'vsce');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string; publisher: string; version: string; main?: string; browser?: string; icon?: string;
  bin?: Record<string, string>;
};

/** What may ship: bundles, icons/CSS, what "contributes" names (grammars, snippets, schema), manifest, docs. */
const ALLOWED = [/^dist\//, /^media\//, /^schemas\/[^/]+\.json$/, /^syntaxes\/[^/]+\.json$/,
  /^snippets\/[^/]+\.code-snippets$/, /^language-configuration\.json$/, /^package\.json$/, /^README\.md$/i,
  /^CHANGELOG\.md$/i, /^LICENSE(\.txt|\.md)?$/i, /^examples\/[^/]+\.hmm\.yaml$/,
  /^kernel\/(README\.md|probe\/(Makefile|[\w-]+\.[ch])|executor\/([\w-]+\.[ch]|PROGRAM\.md)|vm\/([\w-]+\.sh|init|devpriv-6\.1\.config))$/];
const FORBIDDEN = [/^src\//, /^test\//, /^node_modules\//, /(^|\/)\.vscode-test\//, /^out\//, /^scripts\//,
  /\.ts$/, /\.vsix$/, /^test-results\//, /\.(ko|o|mod|cmd|order|symvers)$/];

const rel = (p: string) => p.replace(/^\.\//, '');

/** Every string in the manifest that names an existing file of the work tree (main, grammars, icons, schema…). */
function manifestFiles(): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, key: string): void => {
    if (['scripts', 'devDependencies', 'dependencies', 'allowScripts'].includes(key)) return;
    if (typeof v === 'string') {
      const f = rel(v);
      if (/^[\w.-]+(\/[\w.-]+)*$/.test(f) && f.includes('.') && existsSync(join(root, f)) && statSync(join(root, f)).isFile()) {
        found.add(f);
      }
    } else if (Array.isArray(v)) v.forEach((x) => visit(x, key));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(manifest, '');
  found.delete('package.json');
  return [...found].sort();
}

before(() => {
  // the build layer normally ran already; alone, build the bundles the manifest names
  if (!existsSync(join(root, 'dist', 'extension.js'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  }
});

function listedFiles(): string[] {
  const out = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').map((l) => l.trim()).filter(Boolean).map(rel);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test('vsce ls: the .vsix ships only dist/, media/, the files package.json names and the docs', () => {
  const files = listedFiles();
  assert.ok(files.includes('package.json'), 'package.json is listed');
  const bad = files.filter((f) => !ALLOWED.some((r) => r.test(f)) || FORBIDDEN.some((r) => r.test(f)));
  assert.deepEqual(bad, [], `files that must not ship: ${bad.join(', ')}`);
  // every file the manifest names (main, browser, bin, grammars, snippets, schema, icons…) ships
  const named = manifestFiles();
  assert.ok(named.includes(rel(manifest.main ?? 'dist/extension.js')), `main found among ${named.join(', ')}`);
  const missing = named.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], `files named in package.json but not packaged: ${missing.join(', ')}`);
  for (const doc of ['CHANGELOG.md', 'LICENSE', 'README.md']) {
    if (existsSync(join(root, doc))) assert.ok(files.includes(doc), `${doc} is packaged`);
  }
  // "Verify on kernel" builds the probe and the executor on the user's machine: every source and script of kernel/
  // ships (and dist/oracle.js, which drives them)
  const kernelSources = walk(join(root, 'kernel')).map((p) => relative(root, p)).filter((f) => ALLOWED.some((r) => r.test(f)));
  for (const f of ['kernel/probe/hmm_probe.c', 'kernel/executor/hmm_exec.c', 'kernel/vm/run-qemu.sh', 'kernel/vm/init']) {
    assert.ok(kernelSources.includes(f), `${f} exists`);
  }
  const unshipped = kernelSources.filter((f) => !files.includes(f));
  assert.deepEqual(unshipped, [], `kernel/ files the oracle needs but the .vsix lacks: ${unshipped.join(', ')}`);
  assert.ok(files.includes('dist/oracle.js'), 'dist/oracle.js is packaged');
});

test('vsce package makes a .vsix that installs into VS Code 1.100.3', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hmm-lens-vsix-'));
  try {
    const vsix = join(tmp, 'hmm-lens.vsix');
    execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', vsix],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    assert.ok(statSync(vsix).size > 1000, 'the .vsix is not empty');
    const dirs = { extensionsDir: join(tmp, 'extensions'), userDataDir: join(tmp, 'user-data') };
    const installOut = codeServerCli(['--install-extension', vsix], dirs);
    assert.match(installOut, /successfully installed/i);
    const listed = codeServerCli(['--list-extensions', '--show-versions'], dirs).split('\n').map((l) => l.trim());
    const id = `${manifest.publisher}.${manifest.name}`;
    assert.ok(listed.includes(`${id}@${manifest.version}`), `${id}@${manifest.version} in: ${listed.join(' | ')}`);
    const installed = join(dirs.extensionsDir, `${id}-${manifest.version}`);
    const files = walk(installed).map((p) => relative(installed, p));
    assert.ok(files.includes(join('dist', 'extension.js')), 'dist/extension.js is installed');
    const bad = files.filter((f) => FORBIDDEN.some((r) => r.test(f)));
    assert.deepEqual(bad, [], `installed files that must not ship: ${bad.join(', ')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

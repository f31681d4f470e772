#!/usr/bin/env node
// Prepares a real VS Code (1.100.3, the server + web workbench bundled in the code-server npm package) in the
// git-ignored cache .vscode-test/, following /work/shared/docs/real-vscode.md. Idempotent: a stamp file makes a
// second run return at once.
//   node scripts/prepare-vscode.mjs           prepare (installs Debian packages first when root and missing)
//   node scripts/prepare-vscode.mjs --force   redo every step
// Other scripts import { prepareVscode, vscodePaths } from here.
import process from 'node:process';
import console from 'node:console';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync, copyFileSync, chmodSync, symlinkSync, rmSync, lstatSync }
  from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3'; // bundles VS Code 1.100.3; newer versions need Node 22+
const RECIPE_REVISION = 1; // bump to force every machine to redo the steps
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages the recipe needs, with a file each one provides (to skip dpkg when it is plainly there). */
const APT_PACKAGES = [
  { name: 'libkrb5-dev', probe: '/usr/include/krb5.h' },
  { name: 'pkg-config', probe: '/usr/bin/pkg-config' },
  { name: 'ripgrep', probe: '/usr/bin/rg' },
  { name: 'chromium', probe: '/usr/bin/chromium' },
  { name: 'python3', probe: '/usr/bin/python3' },
  { name: 'make', probe: '/usr/bin/make' },
  { name: 'g++', probe: '/usr/bin/g++' },
];

/** Where everything lives. */
export function vscodePaths() {
  const cache = join(root, '.vscode-test');
  const installDir = join(cache, `code-server-${CODE_SERVER_VERSION}`);
  const codeServer = join(installDir, 'node_modules', 'code-server');
  const vscode = join(codeServer, 'lib', 'vscode');
  return {
    root, cache, installDir, codeServer, vscode,
    serverMain: join(vscode, 'out', 'server-main.js'),
    codeServerEntry: join(codeServer, 'out', 'node', 'entry.js'),
    stamp: join(installDir, '.prepared.json'),
    chromium: '/usr/bin/chromium',
  };
}

function log(msg) { console.log(`[prepare-vscode] ${msg}`); }

function run(cmd, args, cwd, extraEnv = {}) {
  log(`${cwd.replace(root + '/', '')}$ ${cmd} ${args.join(' ')}`);
  execFileSync(cmd, args, {
    cwd, stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, npm_config_yes: 'true', npm_config_fund: 'false', npm_config_audit: 'false',
      npm_config_update_notifier: 'false', ...extraEnv },
  });
}

function dpkgInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .includes('install ok installed');
  } catch { return false; }
}

/** Installs missing Debian packages when root; otherwise throws naming exactly what is missing. */
export function ensureAptPackages(packages = APT_PACKAGES) {
  const missing = packages.filter((p) => !existsSync(p.probe) && !dpkgInstalled(p.name)).map((p) => p.name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with:\n` +
      `  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], root, env);
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], root, env);
}

function readStamp(stamp) {
  try { return JSON.parse(readFileSync(stamp, 'utf8')); } catch { return undefined; }
}

function isPrepared(p) {
  const s = readStamp(p.stamp);
  return !!s && s.version === CODE_SERVER_VERSION && s.revision === RECIPE_REVISION && s.node === process.versions.node
    && existsSync(p.serverMain) && existsSync(p.codeServerEntry) && existsSync(join(p.vscode, 'node_modules.asar'));
}

/**
 * Makes sure VS Code is ready; returns vscodePaths(). Fast (stamp check) when already prepared.
 * @param {{ force?: boolean, apt?: boolean }} [opts]
 */
export function prepareVscode(opts = {}) {
  const p = vscodePaths();
  if (opts.apt !== false) ensureAptPackages();
  if (!opts.force && isPrepared(p)) return p;
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) log(`warning: code-server ${CODE_SERVER_VERSION} expects Node 20, this is ${process.version}`);
  const started = Date.now();
  rmSync(p.stamp, { force: true });
  mkdirSync(p.installDir, { recursive: true });
  if (!existsSync(join(p.installDir, 'package.json'))) {
    writeFileSync(join(p.installDir, 'package.json'),
      JSON.stringify({ name: 'hmm-lens-vscode-test', private: true, description: 'VS Code for tests (generated)' }, null, 2));
  }
  // 1. code-server itself, without its install scripts (they fetch things from the internet)
  run('npm', ['install', '--no-save', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`],
    p.installDir);
  run('npm', ['rebuild', 'argon2'], p.installDir);
  // 2. VS Code's own runtime dependencies and native modules
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], p.vscode);
  run('npm', ['rebuild', 'kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', '@vscode/deviceid',
    'native-watchdog'], p.vscode);
  // 3. ripgrep: use Debian's binary instead of the download
  const rgDir = join(p.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgDir, 'rg'));
  chmodSync(join(rgDir, 'rg'), 0o755);
  const asar = join(p.vscode, 'node_modules.asar');
  let linkOk = false;
  try { linkOk = lstatSync(asar).isSymbolicLink(); } catch { /* missing */ }
  if (!linkOk) { rmSync(asar, { force: true, recursive: true }); symlinkSync('node_modules', asar); }
  // 4. the built-in extensions' dependencies
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], join(p.vscode, 'extensions'));
  // smoke check: the server entry loads its product.json with the expected version
  const product = JSON.parse(readFileSync(join(p.vscode, 'product.json'), 'utf8'));
  const pkg = JSON.parse(readFileSync(join(p.vscode, 'package.json'), 'utf8'));
  writeFileSync(p.stamp, JSON.stringify({ version: CODE_SERVER_VERSION, revision: RECIPE_REVISION,
    node: process.versions.node, vscode: pkg.version, commit: product.commit, preparedAt: new Date().toISOString() },
  null, 2));
  log(`VS Code ${pkg.version} ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${p.vscode}`);
  return p;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const t = Date.now();
    const p = prepareVscode({ force: process.argv.includes('--force') });
    const s = readStamp(p.stamp);
    log(`ok: VS Code ${s?.vscode} (code-server ${CODE_SERVER_VERSION}) in ${p.installDir.replace(root + '/', '')}` +
      ` [${((Date.now() - t) / 1000).toFixed(1)} s]`);
  } catch (e) {
    console.error(`[prepare-vscode] FAILED: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

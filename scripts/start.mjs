#!/usr/bin/env node
// `npm start`: builds (the npm script does), prepares VS Code, and serves code-server's full UI (VS Code 1.100.3)
// on http://127.0.0.1:PORT (PORT env, default 8080, no auth) with HMM Lens installed from this work tree and
// examples/ open. The extension is linked, not copied: after `npm run build` (or `npm run watch`), reload the
// window (F1 "Developer: Reload Window"). Ctrl+C stops the server.
//   PORT=9000 npm start         HMM_LENS_FOLDER=/some/dir npm start
import process from 'node:process';
import console from 'node:console';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync }
  from 'node:fs';
import { join, resolve } from 'node:path';
import { prepareVscode, startServer } from './vscode-server.mjs';

const p = prepareVscode();
const root = p.root;
const port = Number(process.env.PORT ?? 8080);
const folder = resolve(process.env.HMM_LENS_FOLDER ?? join(root, 'examples'));
const state = join(p.cache, 'start');
const extensionsDir = join(state, 'extensions');
const userDataDir = join(state, 'user-data');
mkdirSync(extensionsDir, { recursive: true });

if (!existsSync(join(root, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: run "npm run build" (npm start does) and look at its errors.');
  process.exit(1);
}

// Install the work tree as an extension: a symlink named publisher.name-version in the extensions dir.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const linkName = `${pkg.publisher}.${pkg.name}-${pkg.version}`;
const link = join(extensionsDir, linkName);
let linked = false;
try { linked = lstatSync(link).isSymbolicLink() && readlinkSync(link) === root; } catch { /* missing */ }
if (!linked) { rmSync(link, { recursive: true, force: true }); symlinkSync(root, link, 'dir'); }
// extensions.json is VS Code's list of installed extensions: keep only ours (a stale version would be ignored)
const location = { $mid: 1, path: link, scheme: 'file' };
writeFileSync(join(extensionsDir, 'extensions.json'), JSON.stringify([{
  identifier: { id: `${pkg.publisher}.${pkg.name}` }, version: pkg.version, location, relativeLocation: linkName,
  metadata: { installedTimestamp: Date.now(), source: 'vsix' },
}]));

const server = await startServer({
  kind: 'code-server', port, extensionsDir, userDataDir, args: ['--ignore-last-opened', folder],
  logFile: join(state, 'server.log'),
});
console.log(`HMM Lens ${pkg.version} in VS Code (code-server) — open ${server.url}/?folder=${encodeURIComponent(folder)}`);
console.log(`  workspace: ${folder}`);
console.log(`  extension: ${root} (linked into ${extensionsDir})`);
console.log(`  log: ${join(state, 'server.log')}; Ctrl+C to stop`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
server.proc.on('exit', (code) => {
  if (!stopping) { console.error(`code-server exited (${code}); see ${join(state, 'server.log')}`); process.exit(1); }
});

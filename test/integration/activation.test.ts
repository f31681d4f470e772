// Activation stays cheap; the web bundle has no Node API.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { hmmApi } from './hmmHelpers';

suite('activation', () => {
  test('activate() registers everything in well under 250 ms and does no work up front', async () => {
    const api = await hmmApi();
    assert.equal(api.host, 'node');
    assert.ok(api.activationMs < 250, `activation took ${api.activationMs} ms`);
  });

  test('the web entry point bundles no Node built-ins', async () => {
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    assert.equal(ext.packageJSON.browser, './dist/web/extension.js');
    const web = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, 'dist/web/extension.js')));
    for (const m of ['worker_threads', 'require("fs")', 'require("node:', 'require("path")']) assert.ok(!web.includes(m), m);
    assert.match(web, /hmm\.decodePfn/);
  });
});

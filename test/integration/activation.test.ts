// Activation stays cheap: no parse or run, the parser/runner/yaml in their own bundle; the web bundle has no Node API.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { hmmApi, hoverText, sleep } from './hmmHelpers';

/** A message only the yaml library has, and one only the scenario parser has: string literals survive minifying. */
const YAML_MARK = 'Implicit keys need to be on a single line';
const PARSER_MARK = 'missing "steps:"';

async function distText(path: string): Promise<string> {
  const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, path)));
}

suite('activation', () => {
  test('activate() registers everything in well under 250 ms and does no work up front', async () => {
    const api = await hmmApi();
    assert.equal(api.host, 'node');
    assert.ok(api.activationMs < 250, `activation took ${api.activationMs} ms`);
    assert.equal(api.coreLoadedDuringActivation, false, 'activate() loaded the scenario parser/runner');
  });

  test('the providers deferred past activation are registered right after it', async () => {
    const api = await hmmApi();
    await Promise.race([api.ready, sleep(5000).then(() => { throw new Error('api.ready did not resolve'); })]);
    assert.equal(api.tests.controller.id, 'hmmLens');
    assert.ok(api.tree.view && api.diagnostics.collection.name === 'hmm-lens');
    // the hover provider is one of the deferred registrations: it answers
    const doc = await vscode.workspace.openTextDocument({ language: 'c', content: 'u64 w = 0x8000000000001234ULL;\n' });
    assert.match(await hoverText(doc.uri, new vscode.Position(0, 12)), /VALID/);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['hmm.refreshTree', 'hmm.revealTreeItem', 'hmm.decodeTreeItem', 'hmm.runAllScenarios', 'hmm.showOutput']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
  });

  test('the Node bundle leaves the parser, the runner and yaml to dist/core.js', async () => {
    const main = await distText('dist/extension.js');
    const core = await distText('dist/core.js');
    assert.ok(!main.includes(YAML_MARK), 'dist/extension.js bundles yaml');
    assert.ok(!main.includes(PARSER_MARK), 'dist/extension.js bundles the scenario parser');
    assert.ok(core.includes(YAML_MARK) && core.includes(PARSER_MARK), 'dist/core.js has the parser and yaml');
    assert.match(main, /core\.js/, 'dist/extension.js loads dist/core.js');
  });

  test('the web entry point bundles no Node built-ins and is one bundle (parser included)', async () => {
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    assert.equal(ext.packageJSON.browser, './dist/web/extension.js');
    const web = await distText('dist/web/extension.js');
    for (const m of ['worker_threads', 'require("fs")', 'require("node:', 'require("path")', 'core.js']) assert.ok(!web.includes(m), m);
    assert.match(web, /hmm\.decodePfn/);
    assert.ok(web.includes(PARSER_MARK), 'the web bundle has the parser');
  });
});

// Activation stays cheap: no parse or run, the parser/runner/yaml in their own bundle; the web bundle has no Node API.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { hmmApi, hoverText, sleep } from './hmmHelpers';

/** A message only the yaml library has, and one only the scenario parser has: string literals survive minifying. */
const YAML_MARK = 'Implicit keys need to be on a single line';
const PARSER_MARK = 'missing "steps:"';
/** Strings only a provider has: CodeLens, the Test Explorer, the authoring help. */
const PROVIDER_MARK = 'Fix errors to run';
const TESTS_MARK = 'HMM Scenarios';
const AUTHORING_MARK = 'HMM scenario';

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
    const commands = await distText('dist/commands.js');
    const providers = await distText('dist/providers.js');
    const core = await distText('dist/core.js');
    for (const [name, text] of [['dist/commands.js', commands], ['dist/providers.js', providers]]) {
      assert.ok(!text.includes(YAML_MARK), `${name} bundles yaml`);
      assert.ok(!text.includes(PARSER_MARK), `${name} bundles the scenario parser`);
    }
    assert.ok(core.includes(YAML_MARK) && core.includes(PARSER_MARK), 'dist/core.js has the parser and yaml');
    assert.match(commands, /core\.js/, 'dist/commands.js loads dist/core.js');
  });

  test('activation loads only a stub: the commands, then the providers, come from bundles required after it', async () => {
    const stub = await distText('dist/extension.js');
    const commands = await distText('dist/commands.js');
    const providers = await distText('dist/providers.js');
    assert.ok(stub.length < 8000, `dist/extension.js is ${stub.length} characters`);
    assert.match(stub, /commands\.js/);
    assert.ok(!stub.includes('HMM: Decode PFN') && !stub.includes('hmm-lens'), 'no command or provider code in the stub');
    // the providers (CodeLens, Test Explorer, authoring help) are in dist/providers.js, not in dist/commands.js
    for (const mark of [PROVIDER_MARK, TESTS_MARK, AUTHORING_MARK]) {
      assert.ok(providers.includes(mark), `dist/providers.js has ${mark}`);
      assert.ok(!commands.includes(mark), `dist/commands.js has ${mark}`);
    }
    assert.match(commands, /providers\.js/, 'dist/commands.js loads dist/providers.js');
    // every contributed command works although activation registered only stand-ins
    const api = await hmmApi();
    await api.ready;
    const r = await vscode.commands.executeCommand<string>('hmm.decodePfn', '0xc000000000001234', 'v6.16');
    assert.ok(r !== undefined);
  });

  test('the web entry point bundles no Node built-ins (parser included; providers in a second bundle)', async () => {
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    assert.equal(ext.packageJSON.browser, './dist/web/extension.js');
    const web = await distText('dist/web/extension.js');
    const webProviders = await distText('dist/web/providers.js');
    for (const text of [web, webProviders]) {
      for (const m of ['worker_threads', 'require("fs")', 'require("node:', 'require("path")', 'core.js']) assert.ok(!text.includes(m), m);
    }
    assert.match(web, /hmm\.decodePfn/);
    assert.ok(web.includes(PARSER_MARK), 'the web bundle has the parser');
    // the web host loads its providers from a second bundle too
    assert.ok(!web.includes(PROVIDER_MARK) && webProviders.includes(PROVIDER_MARK), 'the providers are in dist/web/providers.js');
    assert.match(web, /providers\.js/);
  });
});

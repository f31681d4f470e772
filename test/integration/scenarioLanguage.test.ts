// Scenario files: language id, grammar/snippets/schema contributions, diagnostics as the user types.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { parseScenario } from '../../src/core/scenario/parse';
import { closeAll, hmmApi, lineOf, open, waitFor, writeFixture } from './hmmHelpers';

const GOOD = `hmm: 1
kernel: latest
steps:
  - mmap: { name: buf, pages: 2, prot: rw }
  - walk: { at: buf, pages: 2, mode: snapshot }
`;

function diags(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'hmm-lens');
}

suite('scenario language and diagnostics', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(closeAll);

  test('*.hmm.yaml opens as hmm-scenario; *.hmm.json stays JSON (schema validation) and is still a scenario', async () => {
    const y = await vscode.workspace.openTextDocument(await writeFixture('lang.hmm.yaml', GOOD));
    assert.equal(y.languageId, 'hmm-scenario');
    const j = await vscode.workspace.openTextDocument(await writeFixture('lang.hmm.json',
      '{"hmm": 1, "steps": [{"mmap": {"name": "buf", "pages": 1, "prot": "rwz"}}]}'));
    assert.equal(j.languageId, 'json');
    const d = await waitFor('diagnostics on the JSON scenario', () => diags(j.uri).length > 0 && diags(j.uri));
    assert.match(d[0].message, /rwz/);
  });

  test('the manifest contributes grammar, snippets, jsonValidation and yamlValidation for the schema', async () => {
    const api = await hmmApi();
    void api;
    const pkg = vscode.extensions.getExtension('hmm-lens.hmm-lens')!.packageJSON;
    const c = pkg.contributes;
    assert.ok(c.grammars.some((g: { language?: string; scopeName: string }) => g.language === 'hmm-scenario' && g.scopeName === 'source.hmm-scenario'));
    assert.deepEqual(c.jsonValidation[0].fileMatch, ['*.hmm.json']);
    assert.ok(c.yamlValidation[0].fileMatch.includes('*.hmm.yaml'));
    assert.equal(c.jsonValidation[0].url, './schemas/hmm-scenario.schema.json');
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    for (const rel of [c.grammars[0].path, c.grammars[1].path, c.snippets[0].path, c.languages[0].configuration]) {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(ext.extensionUri, rel));
    }
    const grammar = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(ext.extensionUri, c.grammars[0].path))));
    assert.deepEqual(grammar.patterns, [{ include: 'source.yaml' }], 'the scenario grammar reuses the YAML grammar');
  });

  test('a parse error appears in Problems after the debounce, at its range, with the CLI\'s message', async () => {
    const uri = await writeFixture('diag.hmm.yaml', GOOD);
    const editor = await open(uri);
    await waitFor('the clean file to be checked', () => vscode.languages.getDiagnostics(uri) !== undefined && true);
    const line = lineOf(GOOD, 'prot: rw') - 1;
    const col = editor.document.lineAt(line).text.indexOf('prot: rw') + 'prot: '.length;
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 2), 'rwz'));
    // debounced: not yet there right after the edit
    assert.equal(diags(uri).length, 0, 'diagnostics appeared before the debounce');
    const d = await waitFor('the parse error', () => diags(uri).length > 0 && diags(uri));
    const expected = parseScenario(editor.document.getText(), 'diag.hmm.yaml').diagnostics[0];
    assert.equal(d[0].message, expected.message);
    assert.match(d[0].message, /unknown prot "rwz"/);
    assert.equal(d[0].range.start.line, expected.pos.line - 1);
    assert.equal(d[0].range.start.character, expected.pos.col - 1);
    assert.equal(d[0].severity, vscode.DiagnosticSeverity.Error);
    // fixing it clears the problem
    await editor.edit((e) => e.replace(new vscode.Range(line, col, line, col + 3), 'rw'));
    await waitFor('the problem to go away', () => diags(uri).length === 0);
  });

  test('run-time errors (a write to a read-only mapping) appear as the user types', async () => {
    const text = 'hmm: 1\nsteps:\n  - mmap: { name: ro, pages: 1, prot: r }\n  - read: { at: ro }\n';
    const uri = await writeFixture('runtime.hmm.yaml', text);
    const editor = await open(uri);
    await editor.edit((e) => e.insert(new vscode.Position(4, 0), '  - write: { at: ro }\n'));
    const d = await waitFor('the run-time diagnostic', () => diags(uri).length > 0 && diags(uri));
    assert.equal(d[0].code, 'run');
    assert.equal(d[0].range.start.line, 4, 'at the write step');
    assert.match(d[0].message, /write/i);
  });

  test('hmm.maxPages limits walks, applies to open files at once, and the message names the limit', async () => {
    const uri = await writeFixture('maxpages.hmm.yaml', GOOD.replace('pages: 2, mode', 'pages: 3, mode').replace('pages: 2, prot', 'pages: 3, prot'));
    await open(uri);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(diags(uri).length, 0);
    await vscode.workspace.getConfiguration('hmm').update('maxPages', 2, vscode.ConfigurationTarget.Workspace);
    try {
      const d = await waitFor('the limit diagnostic', () => diags(uri).length > 0 && diags(uri));
      assert.match(d[0].message, /hmm\.maxPages|max-pages|2 pages/);
      assert.equal(d[0].range.start.line, 4);
    } finally {
      await vscode.workspace.getConfiguration('hmm').update('maxPages', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the limit diagnostic to go', () => diags(uri).length === 0);
  });

  test('the JSON schema the manifest names exists and describes the format', async () => {
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    const schema = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(
      vscode.Uri.joinPath(ext.extensionUri, 'schemas/hmm-scenario.schema.json'))));
    assert.ok(schema.properties?.steps, 'the schema describes steps');
    assert.ok((schema.required ?? []).includes('hmm'));
  });

  test('the snippets expand to valid scenario text', async () => {
    const ext = vscode.extensions.getExtension('hmm-lens.hmm-lens')!;
    const snippets = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(
      vscode.Uri.joinPath(ext.extensionUri, 'snippets/hmm-scenario.code-snippets')))) as Record<string, { prefix: string; body: string[] }>;
    const prefixes = Object.values(snippets).map((s) => s.prefix);
    for (const p of ['hmm', 'mmap', 'munmap', 'mprotect', 'read', 'write', 'fork', 'madvise', 'migrate', 'exclusive', 'set', 'walk']) {
      assert.ok(prefixes.includes(p), `no snippet for ${p}`);
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'hmm-scenario', content: '' });
    const editor = await vscode.window.showTextDocument(doc);
    await editor.insertSnippet(new vscode.SnippetString(snippets['Scenario'].body.join('\n')));
    // the template ends in "  - " for the next step: type each step snippet there, as a user would
    for (const name of ['write', 'read', 'munmap', 'mprotect', 'madvise', 'set', 'walk']) {
      const last = doc.lineAt(doc.lineCount - 1);
      await editor.edit((e) => e.replace(last.range, '  '));
      await editor.insertSnippet(new vscode.SnippetString(snippets[name].body.join('\n')), new vscode.Position(doc.lineCount - 1, 2));
      await editor.edit((e) => e.insert(doc.lineAt(doc.lineCount - 1).range.end, '\n'));
    }
    const text = doc.getText();
    assert.match(text, /- walk:\n {6}name: snapshot\n/);
    const r = parseScenario(text, 'snippets.hmm.yaml');
    assert.deepEqual(r.diagnostics.filter((x) => x.severity === 'error').map((x) => `${x.pos.line}: ${x.message}`), [], text);
  });
});

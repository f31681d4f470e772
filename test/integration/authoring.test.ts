// Help while writing a scenario, inside VS Code with no other extension: completion from the format, quick fixes for
// every "did you mean", hover documentation of keys and tokens beside the pfn hover, go to definition / references /
// rename of mapping names, the outline.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, hoverText, open, waitFor, writeFixture } from './hmmHelpers';

const TEXT = `hmm: 1
kernel: v6.16
devices: [gpu0, gpu1]
steps:
  - mmap: { name: buf, pages: 4, prot: rw }
  - write: { at: buf+3 }
  - migrate: { at: buf, pages: 1, to: gpu0 }
  - walk:
      name: snap
      device: gpu0
      at: buf
      pages: 4
      expect:
        pfns: [VALID WRITE dev=gpu0, NONE *2, VALID WRITE]
`;

function pos(doc: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const at = doc.getText().indexOf(needle);
  assert.ok(at >= 0, needle);
  return doc.positionAt(at + delta);
}

async function completionLabels(uri: vscode.Uri, p: vscode.Position, trigger?: string): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, p, trigger);
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

suite('authoring help', () => {
  suiteSetup(async () => { const api = await hmmApi(); await api.ready; });
  teardown(closeAll);

  test('completion: step names, keys, enum values, layout flags, devices, mapping names, kernel ids', async () => {
    const uri = await writeFixture('author-complete.hmm.yaml', TEXT + '  - \n');
    const editor = await open(uri);
    const doc = editor.document;
    const end = doc.lineAt(doc.lineCount - 2).range.end;
    const steps = await completionLabels(uri, end);
    for (const s of ['mmap', 'walk', 'migrate', 'set']) assert.ok(steps.includes(s), steps.join(', '));
    await editor.edit((b) => b.replace(new vscode.Range(end.translate(0, -2), end), '- madvise: { at: buf, pages: 1, advice:  }'));
    const adv = await completionLabels(uri, pos(doc, 'advice: ', 8), ' ');
    assert.deepEqual(adv.filter((l) => ['hugepage', 'nohugepage', 'dontneed', 'pageout', 'hwpoison'].includes(l)).length, 5, adv.join(', '));
    const flags = await completionLabels(uri, pos(doc, 'VALID WRITE dev=gpu0', 6), ' ');
    for (const f of ['WRITE', 'DMA_MAPPED', 'P2PDMA_BUS', 'dev=gpu1', 'order=']) assert.ok(flags.includes(f), flags.join(', '));
    const at = await completionLabels(uri, pos(doc, 'at: buf+3', 4));
    assert.ok(at.includes('buf'), at.join(', '));
    const kernels = await completionLabels(uri, pos(doc, 'v6.16'));
    assert.ok(kernels.includes('v5.10') && kernels.includes('latest'), kernels.join(', '));
  });

  test('a quick fix for every "did you mean"; applying them clears the problems', async () => {
    const api = await hmmApi();
    const typos = TEXT.replace('prot: rw', 'prot: rwz').replace('to: gpu0', 'to: gpu3').replace('name: snap', 'nmae: snap')
      .replace('dev=gpu0', 'dev=gpu9').replace('NONE *2', 'NONE ordr=0 *2');
    const uri = await writeFixture('author-fix.hmm.yaml', typos);
    const editor = await open(uri);
    const diags = await waitFor('five problems', () => { const d = vscode.languages.getDiagnostics(uri); return d.length >= 5 && d; });
    assert.ok(api.diagnostics);
    for (const d of diags.filter((x) => /did you mean/.test(x.message))) {
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, d.range, vscode.CodeActionKind.QuickFix.value);
      const suggestion = /did you mean "([^"]+)"/.exec(d.message)![1];
      const fix = actions.find((a) => a.title.endsWith(`to "${suggestion}"`));
      assert.ok(fix?.edit, `a quick fix for: ${d.message}`);
      assert.equal(fix.kind?.value, 'quickfix');
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
    }
    await waitFor('no problems', () => vscode.languages.getDiagnostics(uri).length === 0, 10_000);
    assert.equal(editor.document.getText(), TEXT.replace('NONE *2', 'NONE order=0 *2'));
  });

  test('hover documents keys and expect tokens; a hex value keeps its pfn hover only', async () => {
    const uri = await writeFixture('author-hover.hmm.yaml', TEXT + '  - walk: { at: buf, pages: 1, input: { buf: 0x8000000000000000 } }\n');
    const editor = await open(uri);
    const doc = editor.document;
    assert.match(await hoverText(uri, pos(doc, 'dev=gpu0', 5)), /device-private memory of device `gpu0`/);
    assert.match(await hoverText(uri, pos(doc, 'pages: 4\n', 1)), /\*\*pages\*\* \(walk\) — How many pages/);
    assert.match(await hoverText(uri, pos(doc, 'pages: 4,', 1)), /\*\*pages\*\* \(mmap\) — The mapping's size in pages/);
    assert.match(await hoverText(uri, pos(doc, 'NONE *2', 6)), /repeat this entry 2 times/);
    assert.match(await hoverText(uri, pos(doc, 'migrate:', 2)), /migrate_vma/);
    const hex = await hoverText(uri, pos(doc, '0x8000000000000000', 5));
    assert.match(hex, /VALID/, 'the pfn hover decodes it');
    assert.doesNotMatch(hex, /\*\*input\*\*|Per-page input words/, 'no key documentation over a number');
  });

  test('go to definition, references and rename of a mapping name', async () => {
    const uri = await writeFixture('author-names.hmm.yaml', TEXT);
    const editor = await open(uri);
    const doc = editor.document;
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', uri, pos(doc, 'buf+3', 1));
    const def = defs[0] as vscode.Location;
    assert.equal(def.range.start.line, 4);
    assert.equal(doc.getText(def.range), 'buf');
    assert.equal(def.range.start.character, doc.lineAt(4).text.indexOf('buf'));
    const refs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, pos(doc, 'at: buf,', 5));
    assert.deepEqual(refs.map((r) => r.range.start.line).sort((a, b) => a - b), [4, 5, 6, 10]);
    const edit = await vscode.commands.executeCommand<vscode.WorkspaceEdit>('vscode.executeDocumentRenameProvider', uri, pos(doc, 'buf+3', 1), 'data');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.equal(doc.getText(), TEXT.replace(/buf/g, 'data'));
  });

  test('the outline lists the top-level keys, the steps and the walks', async () => {
    const uri = await writeFixture('author-outline.hmm.yaml', TEXT);
    await open(uri);
    const syms = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepEqual(syms.map((s) => s.name), ['hmm', 'kernel', 'devices', 'steps']);
    const steps = syms[3];
    assert.deepEqual(steps.children.map((c) => c.name), ['mmap buf', 'write buf+3', 'migrate buf', 'walk: snap']);
    assert.equal(steps.children[3].kind, vscode.SymbolKind.Function);
    assert.equal(steps.children[3].detail, 'snapshot · 4 pages · at buf · device gpu0');
    assert.deepEqual(steps.children[3].children.map((c) => c.name), ['expect']);
  });
});

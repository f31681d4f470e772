// The same features in VS Code's WEB extension host (browser worker, dist/web/extension.js): no Node API, small walks run
// inline. Decode, parse + run a scenario, hovers, diagnostics, CodeLens, and JSON byte-identical to the CLI's.
import * as vscode from 'vscode';
import { resultToJson } from '../../../src/core/scenario/json';
import { parseScenario } from '../../../src/core/scenario/parse';
import type { HmmApi } from '../../../src/extension/activate';
import { equal, match, ok, sameText } from './webAssert';

const EXTENSION_ID = 'hmm-lens.hmm-lens';
const enc = new TextEncoder();
const dec = new TextDecoder();

async function api(): Promise<HmmApi> {
  const ext = vscode.extensions.getExtension<HmmApi>(EXTENSION_ID);
  ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  const a = await ext.activate();
  ok(a && a.store, 'the extension exports no API');
  return a;
}

function root(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  ok(f, 'no workspace folder');
  return f.uri;
}

async function fixture(name: string, text: string): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(root(), 'web-fixtures', name);
  await vscode.workspace.fs.writeFile(uri, enc.encode(text));
  return uri;
}

async function waitFor<T>(what: string, f: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function hoverText(uri: vscode.Uri, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, pos);
  return (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

const SCENARIO = `hmm: 1
name: web basic
kernel: v6.16
steps:
  - mmap: { name: buf, pages: 4, prot: rw, flags: [private, anonymous] }
  - write: { at: buf }
  - read: { at: buf+1 }
  - walk:
      name: snap
      at: buf
      pages: 4
      mode: snapshot
      expect:
        ret: 0
        pfns: [VALID WRITE, VALID zero, NONE, NONE]
  - walk:
      name: wrong on purpose
      at: buf
      pages: 4
      mode: fault
      expect:
        ret: 0
        pfns: [NONE, NONE, NONE, NONE]
`;

interface RunSummary { ok: boolean; errors: string[]; walks: { name: string; ret: number; pages: number; expectOk?: boolean; mismatch?: string }[] }

suite('web extension host', () => {
  suiteSetup(async function () {
    this.timeout(90_000);
    await api();
    // the web host can start before the workbench has connected the remote file system: wait until it answers
    const end = Date.now() + 60_000;
    for (;;) {
      try { await vscode.workspace.fs.stat(root()); break; } catch (e) {
        if (Date.now() > end) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  });
  teardown(async () => { await vscode.commands.executeCommand('workbench.action.closeAllEditors'); });

  test('the browser entry is what runs, with no Node API in reach', async () => {
    const a = await api();
    equal(a.host, 'web');
    const g = globalThis as { process?: { versions?: { node?: string } }; require?: unknown; Buffer?: unknown };
    equal(g.process?.versions?.node, undefined, 'a Node process object is visible');
    equal(typeof g.Buffer, 'undefined', 'Buffer is visible');
    equal(typeof (globalThis as { importScripts?: unknown }).importScripts, 'function', 'not a worker');
  });

  test('hmm.decodePfn decodes a value by the v6.16 layout', async () => {
    const r = await vscode.commands.executeCommand<{ text: string; layoutId: string }>('hmm.decodePfn', '0xc000000000001234', 'v6.16');
    ok(r, 'no result');
    equal(r.layoutId, 'v6.16');
    match(r.text, /^HMM pfn 0xc000000000001234 \[layout v6\.16\]: VALID WRITE pfn=0x1234 order=0/);
  });

  test('Run Scenario parses and runs every walk inline and checks each expect block', async () => {
    const uri = await fixture('basic.hmm.yaml', SCENARIO);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const r = await vscode.commands.executeCommand<RunSummary>('hmm.runScenario', uri);
    ok(r, 'no summary');
    equal(r.errors.length, 0, r.errors.join('; '));
    equal(r.walks.map((w) => w.name).join('|'), 'snap|wrong on purpose');
    equal(r.walks[0].ret, 0);
    equal(r.walks[0].expectOk, true);
    equal(r.walks[1].expectOk, false);
    match(r.walks[1].mismatch ?? '', /^page 0 \(0x7f0000000000\): expected NONE, got VALID WRITE/);
  });

  test('a pfn word in a log gets the decoded hover', async () => {
    const text = '[  12.3] amdgpu: svm_range hmm_pfns[0]=0xc000000000001234 mapped\n';
    const uri = await fixture('dmesg.log', text);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const col = text.indexOf('0xc000') + 4;
    const h = await hoverText(uri, new vscode.Position(0, col));
    match(h, /HMM pfn/);
    match(h, /`VALID WRITE`|VALID WRITE/);
    match(h, /0x1234/);
  });

  test('a bad scenario gets a diagnostic at the right line and column', async () => {
    const bad = SCENARIO.replace('prot: rw,', 'prot: rwz,');
    const uri = await fixture('bad.hmm.yaml', bad);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const d = await waitFor('the parse error', () => {
      const all = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'hmm-lens');
      return all.length > 0 && all;
    });
    const expected = parseScenario(bad, 'bad.hmm.yaml').diagnostics[0];
    equal(d[0].message, expected.message);
    match(d[0].message, /unknown prot "rwz"/);
    equal(d[0].range.start.line, expected.pos.line - 1);
    equal(d[0].range.start.character, expected.pos.col - 1);
    equal(d[0].severity, vscode.DiagnosticSeverity.Error);
  });

  test('CodeLens above each walk runs it; after a run the result lens shows', async () => {
    const uri = await fixture('lens.hmm.yaml', SCENARIO);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const snap = lenses.find((l) => l.command?.title.includes('Run snapshot'));
    ok(snap?.command, 'no "Run snapshot" lens');
    const r = await vscode.commands.executeCommand<RunSummary>(snap.command.command, ...(snap.command.arguments ?? []));
    equal(r.walks.length, 1);
    equal(r.walks[0].name, 'snap');
    equal(r.walks[0].pages, 4);
    const again = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    ok(again.some((l) => /ret 0 · 4 pages/.test(l.command?.title ?? '')), `no result lens: ${again.map((l) => l.command?.title).join(' | ')}`);
  });

  test('every example gives JSON byte-identical to `hmm-lens run --json` (written by the runner)', async () => {
    const a = await api();
    const expectedDir = vscode.Uri.joinPath(root(), '.hmm-cli-json');
    const names = (await vscode.workspace.fs.readDirectory(expectedDir)).map(([n]) => n).filter((n) => n.endsWith('.json')).sort();
    ok(names.length >= 5, `only ${names.length} CLI outputs in .hmm-cli-json`);
    for (const json of names) {
      const name = json.slice(0, -'.json'.length);
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), name));
      const outcome = await a.runs.runDocument(doc);
      ok(outcome.result, `${name}: no result`);
      const fromCli = dec.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(expectedDir, json)));
      sameText(resultToJson([outcome.result]), fromCli, `${name}: the web host's JSON differs from the CLI's`);
    }
  });
});

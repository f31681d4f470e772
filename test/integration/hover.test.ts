// Hovers over pfn values (C, logs, scenarios) and HMM_PFN_* names; explicit languages only; bounded; never throw.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, hoverText, setSetting, writeFixture } from './hmmHelpers';

const EXT: Record<string, string> = { c: 'c', log: 'log', plaintext: 'txt', python: 'py' };
let serial = 0;

/** A real file (untitled documents can be reused by the host with stale text), opened with its language. */
async function doc(language: string, content: string): Promise<vscode.TextDocument> {
  const uri = await writeFixture(`hover-${++serial}-${Date.now()}.${EXT[language]}`, content);
  const d = await vscode.workspace.openTextDocument(uri);
  return d.languageId === language ? d : vscode.languages.setTextDocumentLanguage(d, language);
}

function at(d: vscode.TextDocument, needle: string, offset = 2): vscode.Position {
  const i = d.getText().indexOf(needle);
  assert.ok(i >= 0, `${needle} not in document`);
  return d.positionAt(i + offset);
}

suite('hover', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(async () => {
    await setSetting('kernel', undefined);
    await setSetting('hover.languages', undefined);
    await setSetting('hover.enabled', undefined);
    await closeAll();
  });

  test('decodes a u64 with a ULL suffix in C by hmm.kernel, with pfn, address, order and links', async () => {
    await setSetting('kernel', 'v5.10');
    const d = await doc('c', 'unsigned long pfns[] = { 0xc000000000001234ULL, 0 };\n');
    const text = await hoverText(d.uri, at(d, '0xc000'));
    assert.match(text, /HMM pfn/);
    assert.match(text, /layout \*\*v5\.10\*\*/);
    assert.match(text, /hmm\.kernel = v5\.10/);
    assert.match(text, /`VALID WRITE`/);
    assert.match(text, /\| pfn \| `0x1234` \|/);
    assert.match(text, /physical address \| `0x1234000`/);
    assert.match(text, /\| order \| 0 → 4 KiB mapping \|/);
    assert.match(text, /command:hmm\.inspectValues/);
    assert.match(text, /command:hmm\.selectKernelLayout/);
  });

  test('the layout changes the decoding: the same word under 6.16 has order 9 and DMA_MAPPED sticky', async () => {
    // bit 60 = DMA_MAPPED in 6.16; order 9 at bits 53..57
    const word = (1n << 63n) | (1n << 60n) | (9n << 53n) | 0x200n;
    const hexWord = '0x' + word.toString(16);
    await setSetting('kernel', 'v6.16');
    const d = await doc('c', `x = ${hexWord}UL;\n`);
    const text = await hoverText(d.uri, at(d, hexWord));
    assert.match(text, /layout \*\*v6\.16\*\*/);
    assert.match(text, /\| order \| 9 → 2 MiB mapping \|/);
    assert.match(text, /sticky \(in\/out\) \| `DMA_MAPPED`/);
  });

  test('decodes bare 16-digit hex words in a log, and flags impossible words as problems', async () => {
    const d = await doc('log', '[  12.3] hmm: pfns[0]=8000000000000005 pfns[1]=4000000000000005\n');
    const ok = await hoverText(d.uri, at(d, '8000000000000005'));
    assert.match(ok, /`VALID`/);
    assert.doesNotMatch(ok, /Problems/);
    const bad = await hoverText(d.uri, at(d, '4000000000000005'));
    assert.match(bad, /`WRITE`/);
    assert.match(bad, /\*\*Problems:\*\*/);
    assert.match(bad, /WRITE without VALID/);
  });

  test('in a scenario file the scenario\'s kernel wins over hmm.kernel', async () => {
    await setSetting('kernel', 'latest');
    const uri = await writeFixture('hover-kernel.hmm.yaml', 'hmm: 1\nkernel: v5.8\nsteps:\n  - mmap: { name: buf, pages: 1, prot: rw }\n# 0x8000000000000010\n');
    const d = await vscode.workspace.openTextDocument(uri);
    assert.equal(d.languageId, 'hmm-scenario');
    const text = await hoverText(d.uri, at(d, '0x8000000000000010'));
    assert.match(text, /layout \*\*v5\.8\*\*/);
    assert.match(text, /scenario kernel v5\.8/);
    assert.match(text, /no order field in this layout/);
  });

  test('HMM_PFN_ORDER_SHIFT shows its value per kernel version', async () => {
    await setSetting('kernel', 'v5.10');
    const d = await doc('c', 'order = (pfn >> HMM_PFN_ORDER_SHIFT) & 0x1f;\n');
    const text = await hoverText(d.uri, at(d, 'HMM_PFN_ORDER_SHIFT', 5));
    assert.match(text, /HMM\\_PFN\\_ORDER\\_SHIFT\*\* = `56` in v5\.10/);
    assert.match(text, /v5\.10–v6\.15 \| `56`/);
    assert.match(text, /v6\.16\+ \| `53`/);
  });

  test('only the configured languages get hovers (never every language)', async () => {
    const d = await doc('python', 'x = 0xc000000000001234\n');
    assert.doesNotMatch(await hoverText(d.uri, at(d, '0xc000')), /HMM pfn/);
    const t = await doc('plaintext', 'x = 0xc000000000001234\n');
    assert.match(await hoverText(t.uri, at(t, '0xc000')), /HMM pfn/);
    await setSetting('hover.languages', ['c']);
    await new Promise((r) => setTimeout(r, 100));
    assert.doesNotMatch(await hoverText(t.uri, at(t, '0xc000')), /HMM pfn/, 'plaintext was removed from hmm.hover.languages');
    await setSetting('hover.enabled', false);
    const c = await doc('c', 'x = 0xc000000000001234;\n');
    assert.doesNotMatch(await hoverText(c.uri, at(c, '0xc000')), /HMM pfn/, 'hmm.hover.enabled is false');
  });

  test('values that are no u64 literal get no hover: short hex, 17 digits, words around', async () => {
    const d = await doc('c', 'a = 0x12345678901234567; b = deadbeefdeadbeef0; c = x0xc000000000001234;\n');
    for (const needle of ['0x1234567890', 'deadbeef', '0xc000']) {
      assert.doesNotMatch(await hoverText(d.uri, at(d, needle)), /HMM pfn/, needle);
    }
  });

  test('a hover in a 10 MB line is bounded to the word under the cursor', async () => {
    const filler = 'ab '.repeat(3_500_000);
    const d = await doc('log', `${filler}0xc000000000001234 ${filler}\n`);
    const pos = d.positionAt(filler.length + 3);
    const t0 = Date.now();
    const text = await hoverText(d.uri, pos);
    const ms = Date.now() - t0;
    assert.match(text, /`VALID WRITE`/);
    assert.ok(ms < 3000, `hover took ${ms} ms`);
  });

  test('a bad hmm.kernel falls back to latest and says so; a hover never throws', async () => {
    await setSetting('kernel', 'v99.1');
    const d = await doc('c', 'x = 0x8000000000000001;\n\n');
    const text = await hoverText(d.uri, at(d, '0x8000'));
    assert.match(text, /HMM pfn/);
    assert.match(text, /newer than the newest modelled release/);
    // positions with nothing to decode, at the ends of lines and past the last line
    for (const p of [new vscode.Position(0, 0), new vscode.Position(0, 24), new vscode.Position(1, 0), new vscode.Position(5, 3)]) {
      await hoverText(d.uri, p);
    }
  });
});

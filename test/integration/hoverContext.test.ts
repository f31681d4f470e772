// hmm.hover.mode auto: hovers decode what plausibly is a pfn word, place user virtual addresses in the scenario
// mapping and page that holds them, and stay quiet over register offsets and small constants; `always` and `off`.
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { closeAll, hmmApi, hoverText, setSetting, writeFixture } from './hmmHelpers';

let serial = 0;

async function doc(ext: string, content: string, language?: string): Promise<vscode.TextDocument> {
  const uri = await writeFixture(`hover-ctx-${++serial}-${Date.now()}.${ext}`, content);
  const d = await vscode.workspace.openTextDocument(uri);
  return language && d.languageId !== language ? vscode.languages.setTextDocumentLanguage(d, language) : d;
}

function at(d: vscode.TextDocument, needle: string, offset = 2): vscode.Position {
  const i = d.getText().indexOf(needle);
  assert.ok(i >= 0, `${needle} not in document`);
  return d.positionAt(i + offset);
}

const DRIVER_C = `#define SVM_FAULT_STATUS_OFFSET\t0x1c40\t/* VM_L2_PROTECTION_FAULT_STATUS */
#define SVM_FAULT_VMID_MASK\t0x00f00000
/* the selftest fills the buffer with 0x11 bytes first */
static void svm_check(struct hmm_range *range)
{
\tWARN_ON(range->hmm_pfns[0] != 0x8000000000001000UL);
\tWARN_ON(range->default_flags != 0xc000000000000000UL);
}
`;

const SCENARIO = `hmm: 1
kernel: v5.10
devices: [gpu0]
steps:
  - mmap: { name: buf, pages: 4, prot: rw }
  - mmap: { name: fixed, at: 0x7f0000400000, pages: 8, prot: r }
  - write: { at: buf }
  - walk:
      at: buf
      pages: 0x4
      input:
        buf+1: 0xc000000000000000
      expect:
        ret: 0
`;

suite('hover context (hmm.hover.mode)', () => {
  suiteSetup(async () => { await hmmApi(); });
  teardown(async () => {
    await setSetting('hover.mode', undefined);
    await setSetting('kernel', undefined);
    await closeAll();
  });

  test('auto: a register offset, a mask and a selftest byte in a comment get no hover; named pfn words do', async () => {
    const d = await doc('c', DRIVER_C, 'c');
    for (const quiet of ['0x1c40', '0x00f00000', '0x11']) {
      assert.equal(await hoverText(d.uri, at(d, quiet)), '', `${quiet} must get no hover`);
    }
    const pfn = await hoverText(d.uri, at(d, '0x8000000000001000'));
    assert.match(pfn, /HMM pfn/);
    assert.match(pfn, /`VALID`/);
    // pfn 0 with VALID|WRITE: only its name (range->default_flags) makes it a word
    assert.match(await hoverText(d.uri, at(d, '0xc000000000000000')), /`VALID WRITE`/);
  });

  test('auto: an Output-trace address is a user virtual address, placed in the open scenario\'s mapping and page', async () => {
    const scenario = await doc('hmm.yaml', SCENARIO);
    assert.equal(scenario.languageId, 'hmm-scenario');
    const log = await doc('log', '  walk "w" (line 8) 0x7f0000403000: ret 0 · 4 pages — expect ok\n[ 1.0] fault at 0x7f3a2c400000\n', 'log');
    const text = await hoverText(log.uri, at(log, '0x7f0000403000'));
    assert.doesNotMatch(text, /HMM pfn/);
    assert.match(text, /\*\*User virtual address\*\* `0x7f0000403000`/);
    assert.match(text, /page \| `0x7f0000403` \(4 KiB pages\)/);
    assert.match(text, /In mapping \*\*fixed\*\* of `[^`]*hover-ctx-\d+-\d+\.hmm\.yaml` \(open scenario\): page 3 of 8 — `fixed\+3`, mmap at line 6/);
    // an address no scenario maps: just what it is
    const other = await hoverText(log.uri, at(log, '0x7f3a2c400000'));
    assert.match(other, /User virtual address/);
    assert.doesNotMatch(other, /In mapping/);
  });

  test('in a scenario file keys decide: at: is an address of this file, an input word decodes by its kernel:, pages: is quiet', async () => {
    await setSetting('kernel', 'v6.16');
    const d = await doc('hmm.yaml', SCENARIO);
    const addr = await hoverText(d.uri, at(d, '0x7f0000400000'));
    assert.match(addr, /In mapping \*\*fixed\*\* of `[^`]*` \(this file\): page 0 of 8/);
    assert.match(addr, /aligned to \| 2 MiB/);
    const word = await hoverText(d.uri, at(d, '0xc000000000000000'));
    assert.match(word, /HMM pfn/);
    assert.match(word, /layout \*\*v5\.10\*\* \(scenario kernel v5\.10\)/);
    assert.equal(await hoverText(d.uri, at(d, '0x4')), '', 'pages: 0x4 is a count');
  });

  test('a closed scenario\'s last run places the address too', async () => {
    const uri = await writeFixture(`hover-ctx-run-${Date.now()}.hmm.yaml`, SCENARIO.replace('fixed', 'ring'));
    await vscode.commands.executeCommand('hmm.runScenario', uri);
    await closeAll();
    const log = await doc('log', '[ 2.0] svm: retry fault at 0x7f0000401000 not handled\n', 'log');
    const text = await hoverText(log.uri, at(log, '0x7f0000401000'));
    assert.match(text, /In mapping \*\*ring\*\* of `[^`]*hover-ctx-run-\d+\.hmm\.yaml` \(last run\): page 1 of 8/);
  });

  test('always decodes every value as before; off decodes none (HMM_PFN_ names still explain themselves)', async () => {
    const d = await doc('c', DRIVER_C + 'order = (w >> HMM_PFN_ORDER_SHIFT) & 0x1f;\n', 'c');
    await setSetting('hover.mode', 'always');
    assert.match(await hoverText(d.uri, at(d, '0x1c40')), /HMM pfn\*\* `0x0000000000001c40`/);
    assert.match(await hoverText(d.uri, at(d, '0x11')), /HMM pfn/);
    await setSetting('hover.mode', 'off');
    assert.equal(await hoverText(d.uri, at(d, '0x8000000000001000')), '');
    assert.match(await hoverText(d.uri, at(d, 'HMM_PFN_ORDER_SHIFT', 5)), /HMM\\_PFN\\_ORDER\\_SHIFT/);
  });
});

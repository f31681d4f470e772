// E2E: hovers decode only what plausibly is a pfn word (hmm.hover.mode auto): a register offset stays quiet, a pfn
// word decodes, a user virtual address from the Output trace is placed in the open scenario's mapping and page.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench, type Workbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/hover-context');

/** Moves the mouse over the middle of `text` itself (a comment is one span: its middle is some other word). */
async function pointAt(wb: Workbench, text: string): Promise<{ x: number; y: number }> {
  await wb.page.mouse.move(1, 1);
  await wb.page.keyboard.press('Escape');
  const line = wb.page.locator('.monaco-editor .view-line', { hasText: text }).last();
  await line.waitFor({ timeout: 30_000 });
  // the text may span several tokens (`0x…` and its `ULL` suffix): find it in the line's text nodes
  const box = await line.evaluate((el, t) => {
    const nodes: Text[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
    const whole = nodes.map((n) => n.data).join('');
    const i = whole.indexOf(t);
    if (i < 0) return undefined;
    // (no inner functions: the bundler would wrap them in a helper the page does not have)
    const r = document.createRange();
    let k = 0;
    for (const n of nodes) {
      if (i >= k && i <= k + n.data.length) r.setStart(n, i - k);
      if (i + t.length >= k && i + t.length <= k + n.data.length) { r.setEnd(n, i + t.length - k); break; }
      k += n.data.length;
    }
    const b = r.getBoundingClientRect();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  }, text);
  assert.ok(box, `${text} is not on screen`);
  await wb.page.mouse.move(box.x, box.y, { steps: 4 });
  return box;
}

const hoverContent = (wb: Workbench) => wb.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content');

/** The hover over `text` itself (retried until the provider answers). */
async function hoverOn(wb: Workbench, text: string, timeout = 30_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    await pointAt(wb, text);
    try {
      await hoverContent(wb).first().waitFor({ state: 'visible', timeout: 5_000 });
      return await hoverContent(wb).first().innerText();
    } catch (e) {
      if (Date.now() >= end) throw new Error(`no hover over "${text}": ${e}`);
    }
  }
}

/**
 * Selects `text` by a double click (so a screenshot shows which value; the status bar says how many characters) and
 * rests the mouse on it for `ms`: no hover may show. Call after a hover proved the provider is registered.
 */
async function assertNoHover(wb: Workbench, text: string, ms = 2500): Promise<void> {
  const { x, y } = await pointAt(wb, text);
  await wb.page.mouse.dblclick(x, y);
  await wb.page.locator('.part.statusbar .statusbar-item', { hasText: `(${text.length} selected)` }).first()
    .waitFor({ timeout: 10_000 });
  await wb.page.waitForTimeout(ms);
  const texts = await hoverContent(wb).allInnerTexts();
  assert.deepEqual(texts.filter((t) => t.trim() !== ''), [], `a hover over ${text}`);
}

test('a pfn word in C decodes; a register offset and a selftest byte in a comment get no hover', () => withWorkbench('hover-quiet', async (wb) => {
  await wb.openFile('gpu_svm.c');
  const pfn = await hoverOn(wb, '0xc000000000012345ULL');
  await wb.screenshot('hover-pfn-word');
  assert.match(pfn, /HMM pfn/);
  assert.match(pfn, /layout v6\.16/);
  assert.match(pfn, /VALID WRITE/);
  assert.match(pfn, /0x12345/);
  await assertNoHover(wb, '0x1c40');
  await wb.screenshot('hover-quiet-register-offset');
  await assertNoHover(wb, '0x11');
  await wb.screenshot('hover-quiet-comment-byte');
}, { copyFrom: fixtures }));

test('an Output-trace address gets an address hover naming the open scenario\'s mapping and page', () => withWorkbench('hover-address', async (wb) => {
  await wb.openFile('alloc.hmm.yaml');
  await wb.openFile('svm-trace.log');
  const text = await hoverOn(wb, '0x7f0000403000');
  await wb.screenshot('hover-address');
  assert.match(text, /User virtual address/);
  assert.doesNotMatch(text, /HMM pfn/);
  assert.match(text, /0x7f0000403 \(4 KiB pages\)/);
  assert.match(text, /In mapping fixed of alloc\.hmm\.yaml \(open scenario\): page 3 of 8 — fixed\+3, mmap at line 7/);
  assert.match(text, /Decode as hmm_pfns word/);
  // the same log's driver line: hmm_pfns words decode (hmm.kernel: latest)
  const word = await hoverOn(wb, 'c000000123400001');
  assert.match(word, /HMM pfn/);
  assert.match(word, /VALID WRITE/);
}, { copyFrom: fixtures }));

test('in a scenario file at: values are addresses of this file and input words decode by its kernel:', () => withWorkbench('hover-scenario', async (wb) => {
  await wb.openFile('alloc.hmm.yaml');
  const addr = await hoverOn(wb, '0x7f0000400000');
  await wb.screenshot('hover-address-scenario');
  assert.match(addr, /User virtual address/);
  assert.match(addr, /aligned to \| ?2 MiB|aligned to\s+2 MiB/);
  assert.match(addr, /In mapping fixed of alloc\.hmm\.yaml \(this file\): page 0 of 8 — fixed, mmap at line 7/);
  const word = await hoverOn(wb, '0x8000000000000000');
  assert.match(word, /HMM pfn/);
  assert.match(word, /layout v5\.8 \(scenario kernel v5\.8\)/);
  assert.match(word, /VALID/);
}, { copyFrom: fixtures }));

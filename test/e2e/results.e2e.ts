// E2E: one source of truth for results — a CodeLens run shows in the Test Explorer as passed; an edited file's result
// is shown as stale; a 512-page mismatch is one grouped failure with its cause, opened in the diff view.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench, type Workbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/results');

function lensOf(wb: Workbench, text: string | RegExp) {
  return wb.page.locator('.monaco-editor .codelens-decoration', { hasText: text }).first();
}

test('a CodeLens run shows in the Test Explorer as passed; an edit makes the lens say stale', () => withWorkbench('results-codelens-test-explorer', async (wb) => {
  const { page } = wb;
  await wb.openFile('basic.hmm.yaml');
  const run = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first();
  await run.waitFor({ timeout: 60_000 });
  await run.click();
  const held = lensOf(wb, 'expect held · ret 0 · 4 pages');
  await held.waitFor({ timeout: 30_000 });
  // the Test Explorer shows the walk the lens ran as passed, the others as not run
  await wb.runCommand('Testing: Focus on Test Explorer View');
  const row = (text: string | RegExp) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  await row('it basic').waitFor({ timeout: 60_000 });
  const snap = row(/^snap/);
  if (!await snap.isVisible().catch(() => false)) {
    await row('it basic').click();
    await page.keyboard.press('ArrowRight');
  }
  await snap.waitFor({ timeout: 15_000 });
  const end = Date.now() + 30_000;
  let label = '';
  while (Date.now() < end && !/passed/i.test(label)) {
    label = (await snap.getAttribute('aria-label')) ?? '';
    if (!/passed/i.test(label)) await page.waitForTimeout(200);
  }
  assert.match(label, /passed/i, `snap: ${label}`);
  const faultAll = (await row('fault all').getAttribute('aria-label')) ?? '';
  assert.doesNotMatch(faultAll, /passed|failed/i, `a walk that did not run stays unrun: ${faultAll}`);
  await page.keyboard.press('Escape');
  await wb.screenshot('results-test-explorer-passed');

  // an edit above the walks: the result is stale, never shown as current
  await page.locator('.monaco-editor .view-line', { hasText: 'kernel: v6.16' }).first().click();
  await page.keyboard.press('End');
  await page.keyboard.type('  # edited');
  const stale = lensOf(wb, /stale: ret 0 · 4 pages — the file changed since this ran/);
  await stale.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await wb.screenshot('results-stale-lens');
  assert.equal(await held.count(), 0, 'no lens still says "expect held"');
  const text = (await stale.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Run snapshot \| Run fault \| Inspect \| .*stale: ret 0 · 4 pages — the file changed since this ran/);
}, { copyFrom: fixtures }));

test('a 512-page mismatch is one grouped failure with its cause, and opens the expected/actual diff', () => withWorkbench('results-grouped-diff', async (wb) => {
  const { page } = wb;
  await wb.openFile('grouped.hmm.yaml');
  await page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first().waitFor({ timeout: 60_000 });
  await wb.runCommand('Testing: Focus on Test Explorer View');
  const row = (text: string | RegExp) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  await row('grouped failure').waitFor({ timeout: 60_000 });
  await wb.runCommand('Test: Run All Tests');
  // one message per run of pages, inline at the run's first entry: VS Code shows a diff message there as
  // "actual != expected", each side shortened in the middle ("pages 0–511 fr…0000 NONE *512 != page…")
  const inline = page.locator('.monaco-editor').getByText(/pages 0–511 fr…0000 NONE \*512\s+!= pages 0–511 fr… dev=gpu0 \*512/).first();
  await inline.waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
    const seen = await page.evaluate(() => [...document.querySelectorAll('.monaco-editor *')]
      .filter((x) => x.children.length === 0 && (x.textContent ?? '').includes('!=')).map((x) => JSON.stringify(x.textContent)));
    throw new Error(`no inline diff message for pages 0–511; inline texts with "!=": ${seen.join(' | ') || 'none'}\n${String(e)}`);
  });
  // open the failure: the peek shows the message and the diff of expected and actual
  await inline.click();
  const peek = page.locator('.test-output-peek').first();
  await peek.waitFor({ timeout: 30_000 });
  const diff = peek.locator('.monaco-diff-editor').first();
  await diff.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  await wb.screenshot('results-grouped-diff');
  const peekText = (await peek.innerText()).replace(/\s+/g, ' ');
  assert.match(peekText, /pages 0–511 at 0x7f0000000000 \(512 pages\): expected VALID WRITE dev=gpu0, got NONE/);
  assert.match(peekText, /device-private page of gpu1, caller is gpu0/);
  const diffText = (await diff.innerText()).replace(/\s+/g, ' ');
  assert.match(diffText, /VALID WRITE dev=gpu0 \*512/);
  assert.match(diffText, /NONE \*512/);
  // no per-page flood: the second message is the other run (pages 1012–1023), and there is no "… and N more"
  assert.doesNotMatch(peekText, /more mismatching page/);
}, { copyFrom: fixtures }));

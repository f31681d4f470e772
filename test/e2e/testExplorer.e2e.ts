// E2E: a failing expectation in the Test Explorer, with the decoded mismatch at the entry.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);

async function waitFor(ok: () => Promise<boolean>, what: string, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('running the scenario tests shows the failing walk and its decoded mismatch', () => withWorkbench('test-explorer-failure', async (wb) => {
  const { page } = wb;
  await wb.openFile('basic.hmm.yaml');
  await wb.runCommand('Testing: Focus on Test Explorer View');
  const row = (text: string | RegExp) => page.locator('.pane-body .monaco-list-row', { hasText: text }).first();
  await row('it basic').waitFor({ timeout: 60_000 });
  await wb.runCommand('Test: Run All Tests');
  await row('it basic').click();
  await page.keyboard.press('ArrowRight');
  await row('wrong on purpose').waitFor({ timeout: 60_000 });
  await waitFor(async () => /fail/i.test(await row('wrong on purpose').getAttribute('aria-label') ?? ''), 'the walk is marked failed');
  await page.keyboard.press('Escape');
  // the failing entry (line 33) carries the diff message inline ("actual != expected", shortened in the middle)
  await page.locator('.monaco-editor .view-line', { hasText: 'name: snap' }).first().click();
  await page.keyboard.press('Control+P');
  await wb.fillInputBox(':33');
  const entry = page.locator('.monaco-editor').getByText(/page 1 fr[\s\S]*!= page/).first();
  await entry.waitFor({ timeout: 15_000 });
  // clicking the inline message opens the peek, with the decoded mismatch in full
  await entry.click();
  const peek = page.locator('.test-output-peek').first();
  await peek.waitFor({ timeout: 30_000 });
  await peek.getByText(/page 1 at 0x7f0000001000: expected VALID WRITE, got VALID zero/).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(300);
  await wb.screenshot('test-explorer-failure');
  const failed = await row('wrong on purpose').getAttribute('aria-label');
  assert.match(failed ?? '', /fail/i);
  const passed = await row(/^snap/).getAttribute('aria-label');
  assert.match(passed ?? '', /pass/i);
}, { copyFrom: fixtures }));

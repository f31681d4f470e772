// E2E: the HMM view expanded from a scenario down to a run of pfn entries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('the HMM tree expands scenario → walk → result → pfn run', () => withWorkbench('tree-pfn-run', async (wb) => {
  const { page } = wb;
  await wb.openFile('basic.hmm.yaml');
  await wb.runCommand('HMM: Run Scenario');
  await page.locator('.monaco-editor .codelens-decoration', { hasText: 'ret 0 · 4 pages' }).first().waitFor({ timeout: 30_000 });
  await wb.runCommand('HMM: Focus on Scenarios View');
  const item = (name: RegExp) => page.getByRole('treeitem', { name }).first();
  await item(/^it basic/).waitFor({ timeout: 30_000 });
  await item(/^it basic/).click();
  await item(/^snap/).waitFor({ timeout: 15_000 });
  await item(/^snap/).click();
  await item(/^ret 0 · 1 attempt/).click();
  await item(/^pages 2–3/).waitFor({ timeout: 15_000 });
  await item(/^pages 2–3/).click();
  await item(/^#3 0x7f0000003000/).waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await wb.screenshot('tree-pfn-run');
  const rows = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
  const text = rows.join('\n');
  assert.match(text, /page 0\s*VALID WRITE/);
  assert.match(text, /pages 2–3\s*NONE ×2/);
  assert.match(text, /#2 0x7f0000002000\s*NONE/);
}, { copyFrom: fixtures }));

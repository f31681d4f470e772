// E2E: the HMM view expanded from a scenario down to a run of pfn entries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, waitText, withWorkbench } from './workbench';

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
  await item(/^ret 0 · 1 call of hmm_range_fault\(\)/).click();
  await item(/^pages 2–3/).waitFor({ timeout: 15_000 });
  await item(/^pages 2–3/).click();
  await item(/^#3 0x7f0000003000/).waitFor({ timeout: 15_000 });
  // clicking a tree entry reveals it in the inspector, even when the click opened the inspector (its webview still
  // loading): the run's first page, page 2, is selected once the walk is drawn
  const inspector = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
  await inspector.locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
  const selected = inspector.locator('.vgrid[aria-label="pfn array"] .vgrid-row.selected:not([hidden]) .vgrid-cell:first-child');
  await waitText(selected, /^2$/);
  // then a page of the run, with the inspector open
  await item(/^#3 0x7f0000003000/).click();
  await waitText(selected, /^3$/);
  await page.keyboard.press('Escape');
  await wb.screenshot('tree-pfn-run');
  const rows = await page.locator('.pane-body .monaco-list-row').allInnerTexts();
  const text = rows.join('\n');
  assert.match(text, /page 0\s*VALID WRITE/);
  assert.match(text, /pages 2–3\s*NONE ×2/);
  assert.match(text, /#2 0x7f0000002000\s*NONE/);
}, { copyFrom: fixtures }));

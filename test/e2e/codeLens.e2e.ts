// E2E: CodeLens above a walk runs it; the result appears beside the walk.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('"Run snapshot" above a walk runs it and shows `ret 0 · 4 pages` beside it', () => withWorkbench('codelens-run', async (wb) => {
  await wb.openFile('basic.hmm.yaml');
  const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first();
  await lens.waitFor({ timeout: 60_000 });
  await lens.click();
  const result = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: 'ret 0 · 4 pages' }).first();
  await result.waitFor({ timeout: 30_000 });
  // run the whole file too: the failing walk shows its first mismatch beside it
  await wb.runCommand('HMM: Run Scenario');
  const mismatch = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: 'expected VALID WRITE, got VALID zero' }).first();
  await mismatch.waitFor({ timeout: 30_000 });
  await wb.page.keyboard.press('Escape');
  await wb.screenshot('codelens-run');
  const lensText = (await result.innerText()).replace(/\s+/g, ' ');
  // the workbench runs the Node extension host, where a walk can also be verified on a real kernel
  assert.match(lensText, /Run snapshot \| Run fault \| Inspect \| Verify on kernel \| expect held · ret 0 · 4 pages/);
  assert.match(await mismatch.innerText(), /page 1 \(0x7f0000001000\): expected VALID WRITE, got VALID zero/);
}, { copyFrom: fixtures }));

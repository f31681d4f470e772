// E2E: the browser entry (dist/web/extension.js) in VS Code's web worker extension host: hovers, a CodeLens run
// (walks run inline there) and the decode command work without any Node API.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, openWorkbench, repoRoot, type Workbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

/** Reload the workbench with HMM Lens forced into the web worker extension host. */
async function inWebHost(wb: Workbench): Promise<void> {
  const url = new URL(wb.page.url());
  const payload = JSON.parse(url.searchParams.get('payload') ?? '[]') as [string, string][];
  payload.push(['extensionDevelopmentKind', 'web']);
  url.searchParams.set('payload', JSON.stringify(payload));
  const started = wb.page.waitForEvent('console', { predicate: (m) => /web worker extension host is started/i.test(m.text()), timeout: 60_000 });
  await wb.page.goto(url.toString());
  await started;
  await wb.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

test('in the web extension host: hover in a log, CodeLens run of a walk, decode command', async () => {
  const wb = await openWorkbench({ copyFrom: fixtures });
  try {
    await inWebHost(wb);
    await wb.openFile('dmesg.log');
    const hover = await wb.hoverText('8000000000001000');
    assert.match(hover, /HMM pfn/);
    assert.match(hover, /\bVALID\b/);
    await wb.openFile('basic.hmm.yaml');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: 'ret 0 · 4 pages' }).first().waitFor({ timeout: 30_000 });
    await wb.runCommand('HMM: Decode PFN Value');
    await wb.fillInputBox('0xc000000000001234', { title: 'Decode PFN Value' });
    const text = await wb.waitForNotification(/HMM pfn/);
    assert.match(text, /^HMM pfn 0xc000000000001234 \[layout v6\.16\]: VALID WRITE pfn=0x1234 order=0/);
    await wb.screenshot('web-host');
  } catch (e) {
    await wb.screenshot('web-host-failure').catch(() => {});
    throw e;
  } finally {
    await wb.close();
  }
});

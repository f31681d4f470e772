// E2E: HMM Lens loaded ONLY as a web extension (its `browser` entry in VS Code's web worker extension host, see
// openWorkbench({ webExtension })): the palette's decode command, a hover in a log and a CodeLens walk work from
// the UI, and VS Code's Running Extensions view shows HMM Lens running in the web worker.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('web extension host: decode from the palette, hover a log value, run a walk from its CodeLens', () =>
  withWorkbench('web-host-ui', async (wb) => {
    await wb.runCommand('HMM: Decode PFN Value');
    await wb.fillInputBox('0xc000000000001234', { title: 'Decode PFN Value' });
    assert.match(await wb.waitForNotification(/HMM pfn/),
      /^HMM pfn 0xc000000000001234 \[layout v6\.16\]: VALID WRITE pfn=0x1234 order=0/);
    // the whole decode opens in the inspector (its detail pane) in the web host too; close it to go on
    const tab = wb.page.locator('.tabs-container .tab', { hasText: 'HMM: 0xc000000000001234' }).first();
    await tab.waitFor({ timeout: 30_000 });
    const frame = await wb.webviewFrame();
    await frame.locator('.detail-title', { hasText: 'Entry #0' }).waitFor({ timeout: 30_000 });
    assert.match(await frame.locator('.detail-pane').innerText(), /VALID WRITE/);
    await tab.hover();
    await tab.locator('.codicon-close').click();
    await tab.waitFor({ state: 'detached', timeout: 15_000 });

    await wb.openFile('dmesg.log');
    const hover = await wb.hoverText('8000000000001000');
    assert.match(hover, /HMM pfn/);
    assert.match(hover, /\bVALID\b/);
    assert.match(hover, /0x1000|0x1,000|pfn/);
    await wb.page.keyboard.press('Escape');

    await wb.openFile('basic.hmm.yaml');
    const lens = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    const result = wb.page.locator('.monaco-editor .codelens-decoration', { hasText: 'ret 0 · 4 pages' }).first();
    await result.waitFor({ timeout: 30_000 });
    assert.match((await result.innerText()).replace(/\s+/g, ' '), /ret 0 · 4 pages/);
    await wb.screenshot('web-host-ui');

    // where it runs: the Running Extensions view names the web worker host for HMM Lens
    await wb.runCommand('Developer: Show Running Extensions');
    // (the web scanner lists a development extension by its id)
    const row = wb.page.locator('.monaco-list-row', { hasText: /HMM Lens|hmm-lens\.hmm-lens/ }).first();
    await row.waitFor({ timeout: 30_000 });
    const rowText = (await row.innerText()).replace(/\s+/g, ' ');
    await wb.screenshot('web-host-running-extensions');
    assert.match(rowText, /Web Worker/i, `Running Extensions row: ${rowText}`);
  }, { copyFrom: fixtures, webExtension: true }));

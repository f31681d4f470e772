// E2E: workspace trust. With trust on (a server without --disable-workspace-trust) and the folder left UNTRUSTED
// (Restricted Mode), HMM Lens still loads (package.json capabilities.untrustedWorkspaces.supported = true) and
// works: it only reads scenario text and runs its own simulator, executing nothing from the workspace.
// (A virtual workspace — a folder on a non-file scheme — needs a FileSystemProvider extension to serve it, which this
// server setup has none of; it is not covered here.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/extension');

test('untrusted folder (Restricted Mode): a CodeLens walk, a hover and the decode command work', () =>
  withWorkbench('untrusted-workspace', async (wb) => {
    const { page } = wb;
    // VS Code asks at startup: answer "No, I don't trust the authors"
    const dontTrust = page.locator('.monaco-dialog-box .monaco-button', { hasText: /don.t trust/i }).first();
    await dontTrust.waitFor({ timeout: 60_000 });
    await dontTrust.click();
    await page.locator('.monaco-dialog-box').waitFor({ state: 'detached', timeout: 15_000 });
    // Restricted Mode is on: the status bar says so
    const restricted = page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first();
    await restricted.waitFor({ timeout: 30_000 });

    await wb.openFile('basic.hmm.yaml');
    const lens = page.locator('.monaco-editor .codelens-decoration a', { hasText: 'Run snapshot' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    const result = page.locator('.monaco-editor .codelens-decoration', { hasText: 'ret 0 · 4 pages' }).first();
    await result.waitFor({ timeout: 30_000 });

    await wb.openFile('dmesg.log');
    const hover = await wb.hoverText('8000000000001000');
    assert.match(hover, /HMM pfn/);
    assert.match(hover, /\bVALID\b/);
    await page.keyboard.press('Escape');

    await wb.runCommand('HMM: Decode PFN Value');
    await wb.fillInputBox('0xc000000000001234', { title: 'Decode PFN Value' });
    assert.match(await wb.waitForNotification(/HMM pfn/), /VALID WRITE pfn=0x1234/);
    assert.ok(await restricted.isVisible(), 'the folder became trusted during the test');
    await wb.screenshot('untrusted-workspace');
  }, { copyFrom: fixtures, workspaceTrust: true }));

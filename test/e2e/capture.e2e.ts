// E2E: "HMM: Capture Process Address Space…" in the real VS Code workbench, driven as a user would: the palette, the
// process picker (filtered by typing the pid), the range input box; the capture of a real running program (the
// capture tests' child, test/fixtures/capture/child.c) opens as a scenario with the inspector on its snapshot.
// Screenshot: test-results/e2e/capture-inspector.png (the README's "Capture a real process").
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAll, waitText, withWorkbench } from './workbench';
import { startChild } from '../fixtures/capture/child';

after(closeAll);

test('capture a running program from the palette: pick it, give a range, the inspector shows what a device would see', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-lens-e2e-capture-'));
  chmodSync(dir, 0o777);
  const child = await startChild(dir);
  try {
    // the child's guard, hole, writable page, file mappings, shared anonymous and anonymous buffers lie side by side
    const names = ['guard', 'hole', 'after', 'fpriv', 'file', 'shared', 'anon'];
    const start = names.map((n) => child.maps.get(n)!.addr).reduce((a, b) => (a < b ? a : b));
    const end = names.map((n) => child.maps.get(n)!.addr + BigInt(child.maps.get(n)!.pages) * 4096n).reduce((a, b) => (a > b ? a : b));
    assert.ok(end - start <= 64n * 4096n, `the child's mappings are not side by side: 0x${start.toString(16)}-0x${end.toString(16)}`);
    await withWorkbench('capture', async (wb) => {
      const { page } = wb;
      await wb.runCommand('HMM: Capture Process Address Space…');
      const widget = page.locator('.quick-input-widget');
      await widget.locator('.quick-input-title', { hasText: /which process\?/ }).waitFor({ timeout: 60_000 });
      // filtered as you type: the pid matches the row's description
      await widget.locator('input.input').fill(String(child.pid));
      const row = widget.locator('.monaco-list-row', { hasText: 'capture-child' }).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      assert.match(await row.innerText(), new RegExp(`pid ${child.pid} · [\\d.]+ (KiB|MiB) resident`));
      await page.keyboard.press('Enter');
      await wb.fillInputBox(`0x${start.toString(16)}-0x${end.toString(16)}`, { title: /which range\?/ });
      // the scenario opens and the inspector shows its snapshot
      const inspector = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
      await inspector.locator('body[data-ready="true"]').waitFor({ timeout: 120_000 });
      await waitText(inspector.locator('#inspector-title'), new RegExp(`capture of capture-child \\(process ${child.pid}\\)`));
      await page.locator('.tabs-container .tab', { hasText: `capture-capture-child-${child.pid}.hmm.yaml` }).first().waitFor({ timeout: 30_000 });
      // the editor shows the captured mappings
      await page.locator('.monaco-editor .view-line', { hasText: 'HMM Lens capture of process' }).first().waitFor({ timeout: 30_000 });
      // the range's snapshot: the guard and the hole are ERROR (8 pages), the rest the child's written and read pages
      const pages = Number((end - start) / 4096n);
      await waitText(inspector.locator('body'), new RegExp(`${pages} of ${pages} entries`));
      const body = await inspector.locator('body').innerText();
      assert.match(body, /ERROR 8\b/);
      assert.match(body, /present RW \d+/);
      assert.match(body, /present RO \d+/);
      await wb.screenshot('capture-inspector');
    }, { viewport: { width: 1600, height: 1000 } });
  } finally {
    child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

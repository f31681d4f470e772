// E2E: the status bar names the kernel and pfn layout values decode with; clicking it runs Select Kernel Layout, which
// asks where to save and confirms; in a scenario file the file's kernel: wins, and both say so.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { closeAll, repoRoot, withWorkbench, type Workbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/hover-context');

/** The HMM Lens kernel layout status bar entry. */
function statusItem(wb: Workbench) {
  return wb.page.locator('.part.statusbar .statusbar-item', { has: wb.page.locator('[aria-label^="HMM Lens:"]') }).first();
}

async function statusText(wb: Workbench, re: RegExp, timeout = 30_000): Promise<string> {
  const end = Date.now() + timeout;
  for (;;) {
    const t = ((await statusItem(wb).innerText({ timeout: 5_000 }).catch(() => '')) ?? '').replace(/\s+/g, ' ').trim();
    if (re.test(t)) return t;
    if (Date.now() > end) throw new Error(`status bar item says "${t}", expected ${re}`);
    await wb.page.waitForTimeout(200);
  }
}

/** The entry is whole on screen: inside the status bar and the window, its label not cut short. */
async function assertNotClipped(wb: Workbench): Promise<void> {
  const item = await statusItem(wb).boundingBox();
  const bar = await wb.page.locator('.part.statusbar').boundingBox();
  assert.ok(item && bar);
  assert.ok(item.x >= bar.x && item.x + item.width <= bar.x + bar.width, `item ${JSON.stringify(item)} outside ${JSON.stringify(bar)}`);
  const label = statusItem(wb).locator('.statusbar-item-label');
  const fits = await label.evaluate((el) => el.scrollWidth <= el.clientWidth + 1);
  assert.ok(fits, 'the status bar label is cut short');
}

/** The click left the pointer's hover pending on the item: pass over it and away, so its tooltip closes (it would cover
 * the notification toast in a screenshot). */
async function leaveStatusItem(wb: Workbench): Promise<void> {
  await statusItem(wb).hover();
  await wb.page.mouse.move(900, 700, { steps: 5 });
  await wb.page.locator('.workbench-hover').filter({ hasText: 'HMM Lens — pfn layout' }).first()
    .waitFor({ state: 'hidden', timeout: 10_000 });
}

async function pickRow(wb: Workbench, label: string | RegExp): Promise<void> {
  const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.click();
}

test('the status bar names hmm.kernel and its layout; a click picks a kernel, asks user or workspace, confirms', () => withWorkbench('kernel-status', async (wb) => {
  await wb.openFile('gpu_svm.c');
  const before = await statusText(wb, /HMM latest · layout v6\.16/);
  assert.equal(before, 'HMM latest · layout v6.16');
  const aria = await statusItem(wb).locator('[aria-label^="HMM Lens:"]').getAttribute('aria-label');
  assert.match(aria ?? '', /kernel latest, layout v6\.16, from the hmm\.kernel setting/);
  assert.equal(await statusItem(wb).locator('[aria-label^="HMM Lens:"]').getAttribute('role'), 'button');
  await assertNotClipped(wb);
  await wb.screenshot('status-kernel-c');

  await statusItem(wb).click();
  const pick = await wb.quickInputState();
  assert.equal(pick.title, 'Select Kernel Layout');
  assert.match(pick.placeholder, /now: latest/);
  await wb.screenshot('select-kernel-quickpick');
  await pickRow(wb, /^v5\.10/);
  const scope = await wb.quickInputState();
  assert.equal(scope.title, 'Save hmm.kernel = v5.10 for…');
  await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'User' }).first().waitFor();
  await wb.screenshot('select-kernel-scope');
  await pickRow(wb, 'Workspace');
  const toast = await wb.waitForNotification(/HMM kernel v5\.10/);
  assert.equal(toast, 'HMM kernel v5.10 → layout v5.10 (workspace settings)');
  assert.equal(await statusText(wb, /HMM v5\.10/), 'HMM v5.10 · layout v5.10');
  await leaveStatusItem(wb);
  const message = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'HMM kernel v5.10' }).first()
    .locator('.notification-list-item-message');
  await message.waitFor({ state: 'visible' });
  assert.ok(await message.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'the confirmation is cut short');
  await assertNotClipped(wb);
  await wb.screenshot('select-kernel-confirmation');
  // hovers follow: the pfn word now decodes with v5.10
  await wb.page.keyboard.press('Escape');
  assert.match(await wb.hoverText('0xc000000000012345'), /layout v5\.10/);
  // the item's tooltip says where the kernel comes from
  await wb.page.mouse.move(900, 700);
  await wb.page.keyboard.press('Escape');
  await statusItem(wb).hover();
  const tip = wb.page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'HMM Lens — pfn layout v5.10' }).first();
  await tip.waitFor({ state: 'visible', timeout: 15_000 });
  const tipText = (await tip.innerText()).replace(/\s+/g, ' ');
  assert.match(tipText, /Values outside scenario files decode with hmm\.kernel = v5\.10 \(workspace settings\); a scenario's own kernel: wins in its file\./);
  assert.match(tipText, /Click to select the kernel layout\./);
  await wb.screenshot('status-kernel-tooltip');
}, { copyFrom: fixtures }));

test('in a scenario file the status bar and Select Kernel Layout say the file\'s kernel: wins', () => withWorkbench('kernel-status-scenario', async (wb) => {
  await wb.openFile('alloc.hmm.yaml');
  const text = await statusText(wb, /file wins/);
  assert.equal(text, 'HMM kernel: v5.8 (file wins) · layout v5.8');
  const aria = await statusItem(wb).locator('[aria-label^="HMM Lens:"]').getAttribute('aria-label');
  assert.match(aria ?? '', /this scenario's kernel v5\.8 wins over the hmm\.kernel setting/);
  await assertNotClipped(wb);
  await wb.screenshot('status-kernel-scenario');
  await statusItem(wb).click();
  const pick = await wb.quickInputState();
  assert.equal(pick.title, "Select Kernel Layout — this file's kernel: v5.8 still decodes this file");
  assert.match(pick.placeholder, /hmm\.kernel for values outside scenario files \(now: latest\)/);
  await wb.screenshot('select-kernel-in-scenario');
  await pickRow(wb, /^v6\.16/);
  await pickRow(wb, 'Workspace');
  const toast = await wb.waitForNotification(/HMM kernel v6\.16/);
  assert.equal(toast, "HMM kernel v6.16 → layout v6.16 (workspace settings). This scenario's kernel: v5.8 still decodes its own values.");
  await leaveStatusItem(wb);
  // the second sentence does not fit one line: expand the toast to show all of it
  const item = wb.page.locator('.notifications-toasts .notification-toast', { hasText: 'HMM kernel v6.16' }).first();
  await item.hover();
  const expand = item.locator('.codicon-notifications-expand');
  if (await expand.count()) await expand.first().click();
  const message = item.locator('.notification-list-item-message');
  await wb.page.mouse.move(900, 700);
  assert.ok(await message.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1),
    'the expanded confirmation is cut short');
  await wb.screenshot('select-kernel-confirmation-scenario');
  assert.equal(await statusText(wb, /file wins/), 'HMM kernel: v5.8 (file wins) · layout v5.8');
}, { copyFrom: fixtures }));

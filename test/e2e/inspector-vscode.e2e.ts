// E2E: the inspector inside the real VS Code workbench (not the standalone harness of inspector.e2e.ts). Opens it
// from a walk's CodeLens "Inspect" and from the HMM tree, steps through a trace to the -EBUSY restart and the
// driver retry, filters the grid, jumps to an address, compares a snapshot with a fault of the same range, and
// saves screenshots of the workbench in a dark and a light theme, picked through "Preferences: Color Theme"
// (test-results/e2e/inspector-vscode-*.png).
// The scenario is fixtures/inspector-vscode/retry.hmm.yaml: a snapshot, then a write fault over the same 16 pages
// whose zero-page copy ends the first hmm_range_fault() call with -EBUSY; the driver loop retries.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FrameLocator, Locator } from 'playwright-core';
import { closeAll, repoRoot, waitText, withWorkbench, type Workbench } from './workbench';

after(closeAll);
const fixtures = join(repoRoot, 'test/e2e/fixtures/inspector-vscode');
const FILE = 'retry.hmm.yaml';
const GRID = '.result-view .vgrid[aria-label="pfn array"]';

/** Picks a colour theme through the palette ("Preferences: Color Theme") and waits for the workbench to apply it. */
async function setTheme(wb: Workbench, label: 'Dark Modern' | 'Light Modern', timeout = 120_000): Promise<void> {
  const { page } = wb;
  const input = page.locator('.quick-input-widget input.input');
  const end = Date.now() + timeout;
  // right after startup the picker can list no theme yet (built-in theme extensions still registering): reopen it
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    await input.fill('>Preferences: Color Theme');
    // not "Preferences: Browse Color Themes in Marketplace" (no network here)
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^Preferences: Color Theme/ }).first().click({ timeout: 30_000 });
    await page.locator('.quick-input-widget input.input[placeholder*="Color Theme"]').waitFor({ timeout: 30_000 });
    await input.fill(label);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: new RegExp(`^${label}`) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: Math.min(5_000, Math.max(1, end - Date.now())) });
      await row.click();
      break;
    } catch (e) {
      if (Date.now() >= end) throw new Error(`theme "${label}" not in the picker after ${attempt} tries: ${e}`);
    }
  }
  await page.locator(label === 'Dark Modern' ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs').waitFor({ timeout: 30_000 });
}

/** The inspector webview's document (a webview is an iframe holding an inner `active-frame` iframe). */
function inspectorFrame(wb: Workbench): FrameLocator {
  return wb.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Waits until the inspector drew a view whose title matches, and returns its document. */
async function waitForInspector(wb: Workbench, title: RegExp): Promise<FrameLocator> {
  const f = inspectorFrame(wb);
  await f.locator('body[data-ready="true"]').waitFor({ timeout: 90_000 });
  await waitText(f.locator('#inspector-title'), title);
  return f;
}

/** Polls until `f()` returns `want`. */
async function waitValue<T>(what: string, f: () => Promise<T>, want: T, timeout = 30_000): Promise<void> {
  const end = Date.now() + timeout;
  let got: T;
  for (;;) {
    got = await f();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (Date.now() >= end) throw new Error(`${what}: ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const visibleIndexes = (f: FrameLocator) => f.locator(`${GRID} .vgrid-row:not([hidden])`).evaluateAll(
  (rows) => rows.map((r) => r.querySelector('.vgrid-cell')?.textContent ?? ''));

async function chooseOption(f: FrameLocator, select: string, label: string): Promise<void> {
  await f.locator(select).click();
  await f.locator(`${select} li[role=option]`).filter({ hasText: label }).first().click();
}

/** Clicks the CodeLens "Inspect" of the `nth` walk (top to bottom) in the open editor. */
async function clickInspectLens(wb: Workbench, nth: number, walks = 2): Promise<void> {
  const lenses = wb.page.locator('.monaco-editor .codelens-decoration a', { hasText: /Inspect$/ });
  await lenses.nth(walks - 1).waitFor({ timeout: 90_000 });
  const ys = await lenses.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
  assert.equal(ys.length, walks, 'one "Inspect" lens per walk');
  const order = ys.map((y, i) => [y, i] as const).sort((p, q) => p[0] - q[0]);
  await lenses.nth(order[nth][1]).click();
}

test('CodeLens "Inspect" opens the fault walk; step to the -EBUSY restart and the driver retry, filter, jump (dark theme)', () =>
  withWorkbench('inspector-vscode-codelens', async (wb) => {
    await setTheme(wb, 'Dark Modern');
    await wb.openFile(FILE);
    await clickInspectLens(wb, 1); // walk 2: "fault all"
    const f = await waitForInspector(wb, /retry in the workbench/);
    assert.equal(await f.locator('#walk-select').evaluate((e) => (e as HTMLElement & { value: string }).value), '1', 'the walk whose lens was clicked');
    assert.match(await f.locator('.badges').textContent() ?? '', /ret 0.*2 calls.*expect ✓/s);
    await waitValue('rows of the fault walk', () => visibleIndexes(f), Array.from({ length: 16 }, (_, i) => String(i)));
    await f.locator('body.vscode-dark').waitFor({ timeout: 30_000 }); // the webview follows the workbench theme

    // step through the trace: first step, then from restart marker to restart marker
    await f.locator('#step-first').click();
    await waitText(f.locator('.stepper-label'), /^Step 1 \/ \d+ · attempt 1$/);
    await f.locator('#step-next-restart').click();
    const restart = await waitText(f.locator('.stepper-details'), /^restart/);
    assert.match(restart, /hmm_vma_fault/, 'the kernel function that restarts');
    assert.match(restart, /return -EBUSY \(re-walk from last\)/, 'the rule');
    await f.locator('#step-next-restart').click();
    const seq = await waitText(f.locator('.stepper-details'), /^retry/);
    assert.match(seq, /mmu_interval_check_retry.*return -EBUSY/s, 'the notifier sequence moved: -EBUSY');
    await f.locator('#step-next-restart').click();
    assert.match(await waitText(f.locator('.stepper-details'), /^error/), /hmm_range_fault/);
    await f.locator('#step-next-restart').click();
    assert.match(await waitText(f.locator('.stepper-details'), /^retry.*driver/s), /goto again/, 'the driver loop retries');
    assert.match(await waitText(f.locator('.stepper-label'), /attempt 3$/), /^Step \d+ \/ \d+ · attempt 3$/);
    await wb.screenshot('inspector-vscode-step-retry-dark');
    await f.locator('#step-last').click();
    await waitText(f.locator('.stepper-label'), /final/);

    // filter by flag, then by state; back to all
    await chooseOption(f, '#filter', 'Flag ERROR');
    await waitValue('rows with ERROR (the VM_IO VMA)', () => visibleIndexes(f), ['12', '13']);
    assert.match(await f.locator('.toolbar-status').first().textContent() ?? '', /^2 of 16 entries/);
    await chooseOption(f, '#filter', 'State: device-private (gpu0)');
    await waitValue('device-private rows', () => visibleIndexes(f), ['4', '5', '6', '7']);
    await chooseOption(f, '#filter', 'All entries');
    await waitValue('all rows', async () => (await visibleIndexes(f)).length, 16);

    // jump to an address inside page 13
    await f.locator('#jump input').fill('0x7f000000d123');
    await f.locator('#jump input').press('Enter');
    const selected = f.locator(`${GRID} .vgrid-row.selected`);
    await waitValue('selected row after the jump', () => selected.evaluateAll((rs) => rs.map((r) => r.querySelector('.vgrid-cell')?.textContent)), ['13']);
    const cells = await selected.locator('.vgrid-cell').allTextContents();
    assert.equal(cells[1], '0x7f000000d000');
    assert.match(cells.join(' '), /ERROR/);
    await wb.screenshot('inspector-vscode-dark');
  }, { copyFrom: fixtures }));

test('selecting a walk result and a pfn run in the HMM tree shows that walk with those rows (light theme)', () =>
  withWorkbench('inspector-vscode-tree', async (wb) => {
    const { page } = wb;
    await setTheme(wb, 'Light Modern');
    await wb.openFile(FILE);
    await wb.runCommand('HMM: Run Scenario');
    await page.locator('.monaco-editor .codelens-decoration', { hasText: /ret 0 · 16 pages/ }).nth(1).waitFor({ timeout: 60_000 });
    await wb.runCommand('HMM: Focus on Scenarios View');
    const item = (name: RegExp) => page.getByRole('treeitem', { name }).first();
    await item(/^retry in the workbench/).waitFor({ timeout: 30_000 });
    await item(/^retry in the workbench/).click();
    await item(/^fault all/).waitFor({ timeout: 15_000 });
    await item(/^fault all/).click();
    await item(/^ret 0/).waitFor({ timeout: 15_000 });
    await item(/^ret 0/).click(); // the walk result: the inspector shows the walk from its first page
    const f = await waitForInspector(wb, /retry in the workbench/);
    await waitValue('walk shown', () => f.locator('#walk-select').evaluate((e) => (e as HTMLElement & { value: string }).value), '1');
    assert.match(await f.locator('.badges').textContent() ?? '', /2 calls/);
    await waitValue('rows', async () => (await visibleIndexes(f)).length, 16);

    await item(/^pages 12–13/).waitFor({ timeout: 15_000 });
    await item(/^pages 12–13/).click(); // the ERROR run over the VM_IO VMA
    const selected = f.locator(`${GRID} .vgrid-row.selected`);
    await waitValue('selected row from the tree', () => selected.evaluateAll((rs) => rs.map((r) => r.querySelector('.vgrid-cell')?.textContent)), ['12']);
    assert.equal((await selected.locator('.vgrid-cell').allTextContents())[1], '0x7f000000c000');
    await f.locator('body.vscode-light').waitFor({ timeout: 30_000 }); // the webview follows the workbench theme
    await page.keyboard.press('Escape');
    await wb.screenshot('inspector-vscode-light');
  }, { copyFrom: fixtures }));

test('"Compare with…" in the inspector compares the snapshot with the fault of the same range; differences are highlighted', () =>
  withWorkbench('inspector-vscode-compare', async (wb) => {
    await setTheme(wb, 'Dark Modern');
    await wb.openFile(FILE);
    await clickInspectLens(wb, 0); // walk 1: the snapshot
    const f = await waitForInspector(wb, /retry in the workbench/);
    await f.locator('#compare-with').waitFor({ timeout: 30_000 });
    await chooseOption(f, '#compare-with', '2. fault all');
    await waitText(f.locator('#inspector-title'), /^snapshot before the fault ↔ fault all$/);
    const status = await waitText(f.locator('.compare-view .toolbar-status'), /addresses differ/);
    // pages 8-9 (zero page → private copy), 10 (swapped out → faulted in), 11 (never touched → faulted in)
    assert.match(status, /^4 of 16 addresses differ/);
    const diffs = f.locator('.compare-view .vgrid-row.diff');
    await waitValue('highlighted rows', () => diffs.evaluateAll((rs) => rs.map((r) => r.querySelector('.vgrid-cell')?.textContent)),
      ['0x7f0000008000', '0x7f0000009000', '0x7f000000a000', '0x7f000000b000']);
    // highlighted: a differing row is painted unlike an equal one
    const bg = (loc: Locator) => loc.evaluate((e) => getComputedStyle(e).backgroundColor + getComputedStyle(e).boxShadow + getComputedStyle(e).borderLeftColor);
    const same = f.locator('.compare-view .vgrid-row:not(.diff):not(.selected)').first();
    assert.notEqual(await bg(diffs.first()), await bg(same), 'a differing row is highlighted');
    await f.locator('#diff-next').click();
    const sel = f.locator('.compare-view .vgrid-row.selected .vgrid-cell');
    await waitText(sel, /^0x7f0000008000$/);
    const cells = await sel.allTextContents();
    assert.match(cells.join(' '), /zero page/, 'A: the snapshot still sees the zero page');
    assert.match(cells.join(' '), /WRITE/, 'B: the fault wrote a private copy');
    await f.locator('#diff-only').click();
    await waitValue('rows with differences only', async () => f.locator('.compare-view .vgrid-row:not([hidden])').count(), 4);
    await wb.screenshot('inspector-vscode-compare-dark');
    // back to the result it came from
    await f.locator('#compare-back').click();
    await waitText(f.locator('#inspector-title'), /retry in the workbench/);
    await waitValue('rows of the snapshot', async () => (await visibleIndexes(f)).length, 16);
  }, { copyFrom: fixtures }));

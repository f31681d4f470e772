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
import { gridGeometryJs, type GridGeometry } from './fixtures/inspector/checks';

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

/** Rows of the (filtered) grid: its aria-rowcount less the header row; the grid virtualizes, only some are in the DOM. */
const rowCount = async (f: FrameLocator) => Number(await f.locator(GRID).getAttribute('aria-rowcount')) - 1;

/** The first cells of the rows in the DOM: the grid renders the rows that fit the panel (plus overscan). */
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
    await waitValue('rows of the fault walk', () => rowCount(f), 16);
    // the rows that fit the panel are rendered from the top, in order
    const shown = await visibleIndexes(f);
    assert.ok(shown.length >= 8, `at least 8 rows fit the panel: ${shown.length}`);
    assert.deepEqual(shown, Array.from({ length: shown.length }, (_, i) => String(i)));
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
    await waitValue('all rows', () => rowCount(f), 16);

    // jump to an address inside page 13
    await f.locator('#jump input').fill('0x7f000000d123');
    await f.locator('#jump input').press('Enter');
    const selected = f.locator(`${GRID} .vgrid-row.selected`);
    await waitValue('selected row after the jump', () => selected.evaluateAll((rs) => rs.map((r) => r.querySelector('.vgrid-cell')?.textContent)), ['13']);
    const cells = await selected.locator('.vgrid-cell').allTextContents();
    assert.equal(cells[2], '0x7f000000d000');
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
    await waitValue('rows', () => rowCount(f), 16);

    await item(/^pages 12–13/).waitFor({ timeout: 15_000 });
    await item(/^pages 12–13/).click(); // the ERROR run over the VM_IO VMA
    const selected = f.locator(`${GRID} .vgrid-row.selected`);
    await waitValue('selected row from the tree', () => selected.evaluateAll((rs) => rs.map((r) => r.querySelector('.vgrid-cell')?.textContent)), ['12']);
    assert.equal((await selected.locator('.vgrid-cell').allTextContents())[2], '0x7f000000c000');
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
    await waitValue('rows of the snapshot', () => rowCount(f), 16);
  }, { copyFrom: fixtures }));

/** The webview frame whose inspector title matches (the walk panel and the values panel are two webviews). */
async function inspectorWith(wb: Workbench, title: RegExp, timeout = 90_000): Promise<FrameLocator> {
  const end = Date.now() + timeout;
  for (;;) {
    const n = await wb.page.locator('iframe.webview.ready').count();
    for (let i = 0; i < n; i++) {
      const f = wb.page.frameLocator('iframe.webview.ready').nth(i).frameLocator('iframe#active-frame');
      const t = await f.locator('#inspector-title').textContent({ timeout: 1000 }).catch(() => null);
      if (t !== null && title.test(t)) return f;
    }
    if (Date.now() > end) throw new Error(`no inspector titled ${title}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('in the workbench: header and rows share one column layout, nothing clips, each step shows the state the trace records; a decoded word opens its detail pane beside the walk; an edit marks the walk outdated', () =>
  withWorkbench('inspector-vscode-issue13', async (wb) => {
    await setTheme(wb, 'Dark Modern');
    await wb.openFile(FILE);
    await clickInspectLens(wb, 1); // walk 2: "fault all"
    const f = await waitForInspector(wb, /retry in the workbench/);
    await waitValue('rows of the fault walk', () => rowCount(f), 16);
    const body = f.locator('body');
    const geo = await body.evaluate(gridGeometryJs('pfn array')) as GridGeometry;
    assert.deepEqual(geo.misaligned, [], 'header and body cells share left edges and widths in the side-by-side panel');
    assert.deepEqual(geo.clipped, [], 'no cell clips its text');
    const titles = geo.columns.map((c) => c.title);
    assert.ok(titles.includes('Page state') && titles.includes('Output flags'), titles.join(', '));
    const hidden = 10 - titles.length;
    if (hidden) assert.match(geo.chooser, new RegExp(`^Columns: ${hidden} hidden for width`), 'the hidden columns are named');
    await wb.screenshot('inspector-vscode-columns-dark');

    // every step: the Page state of the entries the step names is the state it records
    const named: Record<string, string> = { 'pte:present-rw': 'present RW', 'pte:present-ro': 'present RO', 'pte:zero-page': 'zero page',
      'pte:device-private-rw(gpu0)': 'device-private (gpu0)' };
    await f.locator('#step-first').click();
    const total = Number(/\/ (\d+)/.exec(await waitText(f.locator('.stepper-label'), /^Step 1 \//))?.[1]);
    let checked = 0;
    for (let k = 0; k < total; k++) {
      if (k > 0) await f.locator('#step-next').click();
      await waitText(f.locator('.stepper-label'), new RegExp(`^Step ${k + 1} /`));
      const state = await f.locator('.stepper-details .event-rule code').nth(1).textContent() ?? '';
      const range = /^#(\d+)(?:–#(\d+))?/.exec(await f.locator('.stepper-details .event-range').textContent() ?? '');
      if (!named[state] || !range || k === total - 1) continue;
      const a = Number(range[1]);
      const b = range[2] ? Number(range[2]) : a;
      const states = await f.locator(`${GRID} .vgrid-row:not([hidden])`).evaluateAll((rs) =>
        Object.fromEntries(rs.map((r) => [r.querySelector('[aria-colindex="1"]')?.textContent, r.querySelector('[aria-colindex="10"]')?.textContent])));
      for (let i = a; i <= b; i++) {
        if (states[String(i)] === undefined) continue;
        assert.equal(states[String(i)], named[state], `step ${k + 1} (${state}): Page state of #${i}`);
        checked++;
      }
      if (k === 2) await wb.screenshot('inspector-vscode-step3-dark');
    }
    assert.ok(checked >= 8, `checked ${checked} entries`);

    // HMM: Decode PFN Value: the word in a panel of its own, with its detail pane; the walk stays
    await wb.runCommand('HMM: Decode PFN Value');
    await wb.fillInputBox('0xe000000000401000', { title: 'Decode PFN Value' });
    const v = await inspectorWith(wb, /^0xe000000000401000 \[v6\.16\]$/);
    const pane = v.locator('.detail-pane');
    await pane.waitFor({ state: 'visible', timeout: 30_000 });
    const probs = await pane.locator('.detail-problem-list li').allTextContents();
    assert.equal(probs.length, 2, probs.join(' | '));
    assert.match(probs[0], /^ERROR with VALID/);
    assert.equal(await pane.locator('.detail-eras tr.era').first().getAttribute('data-plausible'), 'false');
    await wb.screenshot('inspector-vscode-decode-detail-dark');
    const walk = await inspectorWith(wb, /retry in the workbench/);
    assert.equal(await walk.locator('#walk-select').evaluate((e) => (e as HTMLElement & { value: string }).value), '1', 'the walk result is still open');

    // edit the scenario: the walk's result is from the text as it was
    // back to the file in the first editor group, where it is open: Quick Open would open it in whichever group has
    // the focus, and under load that can be the walk's own group, hiding the panel whose badge is checked below
    await wb.page.keyboard.press('Escape');
    const fileGroup = wb.page.locator('.editor-group-container').first();
    await fileGroup.locator('.tabs-container .tab', { hasText: FILE }).first().click();
    // a line in view beside the two inspector panels (the file's first lines are scrolled away)
    const line = fileGroup.locator('.monaco-editor .view-line', { hasText: 'name: fault all' }).first();
    await line.click({ position: { x: 40, y: 5 } }); // a view line is wider than the narrow editor: click its start
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.type(' edited');
    await waitText(walk.locator('#outdated-badge'), /^outdated: file changed$/, 30_000);
    assert.equal(await walk.locator('#expect-badge').textContent(), 'expect ✓ (before the edit)');
    await wb.page.keyboard.type(': [');
    await waitText(walk.locator('#outdated-badge'), /^outdated: file no longer parses$/, 30_000);
    await wb.screenshot('inspector-vscode-outdated-dark');
    // the badges wrap in the narrow panel: the outdated badge is whole, inside the view
    const fits = await walk.locator('#outdated-badge').evaluate((b) => {
      const r = b.getBoundingClientRect();
      return r.right <= document.documentElement.clientWidth + 0.5 && b.scrollWidth <= b.clientWidth + 1;
    });
    assert.ok(fits, 'the outdated badge is not clipped');
  }, { copyFrom: fixtures }));

// The inspector webview in Chromium through its standalone harness (test/e2e/fixtures/inspector): the real bundle
// (dist/webview), the real HTML and CSP (src/extension/inspector/html.ts), the real protocol code, walk results from
// the real core runner (fixtures/inspector/results.ts; only the 1M/16M walks are hand-built). Draws the VMAs on the
// map. Steps through a trace with an -EBUSY restart and a driver retry, filters, jumps, copies, compares a
// snapshot with a fault and two kernel layouts, proves a hostile scenario name renders as text, checks for CSP
// violations, restores after a reload, handles 1M and 16M entries, and saves screenshots in light, dark and
// high-contrast themes to test-results/e2e/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/vscode-server.mjs';
import { closeAll, openWorkbench } from './workbench';
import { startHarness } from './fixtures/inspector/server';
import { TRICKY_WORDS, XSS_NAME } from './fixtures/inspector/results';
import { AXE_RUN_JS, axeSource, gridGeometryJs, legendJs, mapPixelJs, type AxeFinding, type GridGeometry } from './fixtures/inspector/checks';
import { decodePfn } from '../../src/core/layouts';
import { V6_16 } from './fixtures/inspector/layouts';

const resultsDir = join(process.cwd(), 'test-results', 'e2e');
let harness: Awaited<ReturnType<typeof startHarness>>;
let chromium: Awaited<ReturnType<typeof launchChromium>>;
let browser: Browser;

before(async () => {
  harness = await startHarness();
  chromium = await launchChromium();
  browser = chromium.browser;
  mkdirSync(resultsDir, { recursive: true });
});
after(async () => {
  await chromium?.close();
  await harness?.close();
  await closeAll();
});

interface Opened { page: Page; problems: string[]; dialogs: string[] }

async function open(query: string, viewport = { width: 1280, height: 860 }): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    const t = m.text();
    if (m.type() === 'error' && !/favicon/.test(t) && !/status of 404/.test(t)) problems.push(`console: ${t}`);
    if (/Content Security Policy|Refused to/i.test(t)) problems.push(`csp: ${t}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`${harness.url}?${query}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
  return { page, problems, dialogs };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(resultsDir, `${name}.png`), animations: 'disabled' });
}

/** Wait until two animation frames have run (the grid and map render in requestAnimationFrame). */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
/** Open an inspector tab and wait for the frame that paints it. */
const openTab = async (page: Page, tab: string) => { await page.locator(`[data-tab=${tab}]`).click(); await settle(page); };
const count = async (page: Page, selector: string) => { await settle(page); return page.locator(selector).count(); };
const stepLabel = async (page: Page) => { await settle(page); return page.locator('.stepper-label').textContent(); };
const cellTexts = async (page: Page, row: number) => { await settle(page); return cellTextsNow(page, row); };
const cellTextsNow = (page: Page, row: number) => page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').nth(row).locator('.vgrid-cell').allTextContents();

async function chooseFilter(page: Page, label: string): Promise<void> {
  await page.locator('#filter').click();
  await page.locator('#filter li[role=option]').filter({ hasText: label }).first().click();
}

test('a hostile scenario name renders as text, no CSP violation, no script runs', async () => {
  const { page, problems, dialogs } = await open('fixture=retry&theme=dark');
  try {
    assert.equal(await page.locator('#inspector-title').textContent(), XSS_NAME);
    assert.equal(await count(page, 'img'), 0, 'no <img> element was created from the name');
    await openTab(page, 'problems');
    const diag = await page.locator('.problems').textContent();
    assert.ok(diag?.includes(`scenario name ${XSS_NAME} is shown as text`), 'diagnostic text shown verbatim');
    assert.equal(await count(page, 'img'), 0);
    assert.deepEqual(dialogs, [], 'onerror=alert never ran');
    const posted = await page.evaluate(() => (window as unknown as { __harness: { posted: { type: string }[] } }).__harness.posted);
    assert.deepEqual(posted.filter((m) => m.type === 'error'), [], 'no script error or CSP violation reported');
    assert.ok(posted.some((m) => m.type === 'painted'));
    const csp = await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'));
    assert.match(csp ?? '', /^default-src 'none'; img-src \S+ blob: data:; font-src \S+; style-src \S+; script-src 'nonce-[\w-]+'$/);
    // codicons loaded through the nonce'd link (the font face is there)
    assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => (s.ownerNode as Element | null)?.id === 'vscode-codicon-stylesheet' && s.cssRules.length > 100)));
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('map and grid show the walk; stepping through the trace marks restart, retry and superseded writes', async () => {
  // the fixture is the core runner's result for RETRY_SCENARIO (fixtures/inspector/results.ts): a write fault that
  // copies the zero page, -EBUSY from the moved notifier sequence, and the driver's retry
  const { page, problems } = await open('fixture=retry&theme=dark');
  try {
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])'), 16);
    const r0 = await cellTexts(page, 0);
    // columns: # ⚠ Address Input Input-flags Output Output-flags pfn Order Page-state
    assert.deepEqual([r0[0], r0[2], r0[3]], ['0', '0x7f0000000000', '0xc000000000000000'], 'input REQ_FAULT|REQ_WRITE');
    assert.equal(r0[5], '0xc000000000010000');
    assert.match(r0[6], /VALID\s*WRITE/);
    assert.equal((await cellTexts(page, 12))[3], '0x0000000000000000', 'no fault requested over the VM_IO VMA');
    assert.match(await page.locator('.map-legend').textContent() ?? '', /device-private \(gpu0\) 4/);
    await shot(page, 'inspector-result-dark');

    await page.locator('#step-first').click();
    assert.match(await stepLabel(page) ?? '', /^Step 1 \/ 21 · attempt 1$/);
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row.pending'), 16, 'nothing written before the first output');
    await page.locator('#step-next').click();
    await page.locator('#step-next').click();
    assert.match(await stepLabel(page) ?? '', /^Step 3 \/ 21/);
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /hmm_vma_handle_pte.*store pfn\|VALID\|WRITE.*pte:device-private/s);
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row.superseded'), 8, 'entries 0-7 are rewritten by the retry');
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row.in-step'), 4);
    // entry 0 was written by call 1 and rewritten by the retry from the same PTE, untouched in between: the same word
    assert.equal((await cellTexts(page, 0))[5], '0xc000000000010000');
    assert.match(await page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').first().locator('.vgrid-cell').nth(5).getAttribute('title') ?? '',
      /rewritten later by step 15 with the same state and rule/);

    await page.locator('#step-next-fault').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^fault.*hmm_vma_handle_pte.*#8.*fault needed.*pte:zero-page.*REQ_WRITE on a read-only PTE/s);
    await page.locator('#step-next-fault').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^fault.*hmm_vma_fault.*for write/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^restart.*hmm_vma_fault.*return -EBUSY \(re-walk from last\)/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^retry.*mmu_interval_check_retry.*return -EBUSY/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^error.*hmm_range_fault/s);
    await page.locator('#step-next-restart').click();
    assert.match(await stepLabel(page) ?? '', /^Step 13 \/ 21 · attempt 3$/);
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^retry.*driver.*goto again/s);
    await shot(page, 'inspector-step-retry-dark');
    for (let i = 0; i < 3; i++) await page.locator('#step-next').click(); // call 2 rewrites 0-7: final values
    assert.equal((await cellTexts(page, 0))[5], '0xc000000000010000');
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row.superseded'), 0);

    // the trace tab lists every event; clicking one moves the stepper
    await openTab(page, 'trace');
    const ev = page.locator('vscode-tab-panel .vgrid[aria-label="trace events"] .vgrid-row:not([hidden])')
      .filter({ has: page.locator('.vgrid-cell[aria-colindex="1"]', { hasText: /^8$/ }) }).first();
    await ev.click();
    assert.match(await stepLabel(page) ?? '', /^Step 8 \/ 21/);
    await page.locator('#step-last').click();
    assert.match(await stepLabel(page) ?? '', /final/);
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

/** Hover the map's VMA band over page `pageIndex` of `pages` and return the tooltip text. */
async function mapTooltip(page: Page, pageIndex: number, pages: number, root = '.result-view'): Promise<string> {
  const canvas = page.locator(`${root} .addr-map canvas:not(.map-overlay)`).first();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + ((pageIndex + 0.5) / pages) * box.width, box.y + 9);
  await settle(page);
  return await page.locator(`${root} .map-tooltip`).first().textContent() ?? '';
}

for (const theme of ['light', 'dark', 'hc'] as const) {
  test(`the map draws the walk's VMAs with name, prot, flags and backing (${theme})`, async () => {
    const { page, problems } = await open(`fixture=retry&theme=${theme}`);
    try {
      const heap = await mapTooltip(page, 2, 16);
      assert.match(heap, /VMA "heap" 0x7f0000000000–0x7f000000c000 \(12 pages\)\n\s+rw- VM_READ\|VM_WRITE\n\s+private anonymous/);
      assert.doesNotMatch(heap, /not mirrored/);
      const mmio = await mapTooltip(page, 13, 16);
      assert.match(mmio, /VMA "mmio" 0x7f000000c000–0x7f000000e000 \(2 pages\)\n\s+rw- VM_READ\|VM_WRITE\|VM_SHARED\|VM_IO\|VM_PFNMAP\n\s+file \(shared\)\n\s+not mirrored/);
      assert.match(await mapTooltip(page, 15, 16), /VMA "ro" .*\n\s+r-- VM_READ\n/);
      const tip = (await page.locator('.result-view .map-tooltip').boundingBox())!;
      const map = (await page.locator('.result-view .addr-map').boundingBox())!;
      assert.ok(tip.x >= map.x - 1 && tip.x + tip.width <= map.x + map.width + 1, `tooltip inside the map: ${JSON.stringify([tip, map])}`);
      // both request chips of row 0 are visible in the input flags column, not clipped by it
      const cell = page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').first().locator('.vgrid-cell').nth(4);
      assert.deepEqual(await cell.locator('.chip').allTextContents(), ['REQ_FAULT', 'REQ_WRITE']);
      const cb = (await cell.boundingBox())!;
      const chip = (await cell.locator('.chip').nth(1).boundingBox())!;
      assert.ok(chip.x + chip.width <= cb.x + cb.width + 0.5, `REQ_WRITE chip inside its cell: ${JSON.stringify([chip, cb])}`);
      // the VMA band is painted: the pixel row through it is not blank where heap and mmio are
      const painted = await page.evaluate(() => {
        // no named inner functions here: the test bundler would wrap them in a helper the page does not have
        const c = document.querySelector('.result-view .addr-map canvas:not(.map-overlay)') as HTMLCanvasElement;
        const ctx = c.getContext('2d')!;
        const y = Math.round(9 * (window.devicePixelRatio || 1));
        return [0.3, 13 / 16].map((frac) => [...ctx.getImageData(Math.round(c.width * frac), y, 1, 1).data]);
      }).then(([heapPx, mmioPx]) => ({ heap: heapPx, mmio: mmioPx }));
      assert.ok(painted.heap[3] > 0 && painted.mmio[3] > 0, `VMA fill drawn: ${JSON.stringify(painted)}`);
      assert.notDeepEqual(painted.heap, painted.mmio, 'a VM_IO VMA is coloured apart from a walked one');
      await shot(page, `inspector-vma-tooltip-${theme}`);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  });
}

test('real runner (examples/03): a 1024-page write walk, its COW faults, the -EBUSY and the driver retry', async () => {
  const { page, problems } = await open('fixture=example&example=03&walk=3&theme=dark');
  try {
    assert.match(await page.locator('#walk-select').evaluate((e) => (e as HTMLElement & { value: string }).value), /^3$/);
    // the runner's exact event count may change (it compresses runs); the structure below is what the kernel does
    const total = Number(/^Step (\d+) \/ \1 · attempt 3 · final$/.exec(await stepLabel(page) ?? '')?.[1]);
    assert.ok(total > 8, 'the final step of the third attempt is shown first');
    await page.locator('#step-first').click();
    await page.locator('#step-next').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^output.*hmm_vma_handle_pte.*#0–#511.*store pfn\|VALID\|WRITE/s);
    // the first 512 entries are written in call 1 and written again by call 2: their call-1 values are not recorded
    const grid = '.result-view .vgrid[aria-label="pfn array"]';
    const shown = await count(page, `${grid} .vgrid-row:not([hidden])`);
    assert.equal(await count(page, `${grid} .vgrid-row.superseded`), shown);
    await page.locator('#step-next-fault').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^fault.*hmm_vma_handle_pte.*#512.*fault needed.*pte:present-ro/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^restart.*hmm_vma_fault.*return -EBUSY \(re-walk from last\)/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^retry.*mmu_interval_check_retry.*return -EBUSY/s);
    await page.locator('#step-next-restart').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^error.*hmm_range_fault/s);
    await page.locator('#step-next-restart').click();
    assert.match(await stepLabel(page) ?? '', new RegExp(`^Step \\d+ / ${total} · attempt 3$`));
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /^retry.*driver.*goto again/s);
    await shot(page, 'inspector-example03-retry-dark');
    await page.locator('#step-next').click();
    await page.locator('#step-next').click();
    assert.equal(await count(page, `${grid} .vgrid-row.superseded`), 0);
    assert.equal(await count(page, `${grid} .vgrid-row.in-step`), shown, 'the rewrite of every entry is the current step');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('real runner (examples/02): snapshot vs read fault, and a walk picked from the list', async () => {
  const { page, problems } = await open('fixture=example-compare&example=02&walks=0,1&theme=light');
  try {
    assert.match(await page.locator('.compare-view .toolbar-status').textContent() ?? '', /^5 of 8 addresses differ/);
    await page.locator('#diff-next').click();
    await settle(page);
    const sel = await page.locator('.compare-view .vgrid-row.selected .vgrid-cell').allTextContents();
    assert.equal(sel[0], '0x7f0000003000');
    assert.equal(sel[1], '0x0000000000000000');
    assert.match(sel[3], /none/);
    assert.match(sel[6], /VALID/);
    assert.match(sel[7], /zero page/);
    await shot(page, 'inspector-example02-compare-light');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('filter by flag and state, jump to an address, select a range and copy it in three formats', async () => {
  const { page, problems } = await open('fixture=retry&theme=light');
  try {
    await chooseFilter(page, 'Flag ERROR');
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])'), 2);
    assert.equal((await cellTexts(page, 0))[0], '12');
    assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /^2 of 16 entries/);
    await chooseFilter(page, 'State: device-private (gpu0)');
    assert.equal((await cellTexts(page, 0))[0], '4');
    await chooseFilter(page, 'Expect mismatches');
    assert.equal((await cellTexts(page, 0))[0], '14');
    await chooseFilter(page, 'All entries');
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])'), 16);

    await page.locator('#jump input').fill('0x7f000000d123');
    await page.keyboard.press('Enter');
    const sel = page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row.selected');
    assert.equal((await settle(page), await sel.count()), 1);
    assert.equal(await sel.locator('.vgrid-cell').first().textContent(), '13');
    await page.locator('#jump input').fill('0x1');
    await page.keyboard.press('Enter');
    assert.match(await page.locator('.jump-error').textContent() ?? '', /outside the walk/);

    await page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').nth(7).click();
    await page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').nth(9).click({ modifiers: ['Shift'] });
    assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /selected 3 rows \(#7–#9\)/);
    const posted = () => page.evaluate(() => (window as unknown as { __harness: { posted: { type: string }[] } }).__harness.posted);
    const selects = (await posted()).filter((m) => m.type === 'select');
    assert.deepEqual(selects.at(-1), { type: 'select', walkIndex: 0, first: 7, end: 10 });
    await page.locator('#copy-hex').click();
    await page.locator('#copy-c').click();
    await page.locator('#copy-md').click();
    const copies = (await posted()).filter((m) => m.type === 'copy') as unknown as { format: string; text: string }[];
    assert.deepEqual(copies.map((c) => c.format), ['hex', 'c', 'markdown']);
    assert.equal(copies[0].text, '0xc000000004000003\n0xc00000000001000b\n0xc00000000001000c\n');
    assert.match(copies[1].text, /static const uint64_t fault_all\[3\] = \{\n\t0xc000000004000003ULL, \/\* \[7\] 0x7f0000007000 VALID WRITE pfn=0x4000003/);
    assert.match(copies[2].text, /^\| # \| address \| value \| decoded \|\n\|---:\|/);
    await shot(page, 'inspector-result-light');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('compare: snapshot vs fault aligned by address, and two kernel layouts decode to the same states', async () => {
  let { page, problems } = await open('fixture=compare&theme=dark');
  try {
    assert.match(await page.locator('.compare-view .toolbar-status').textContent() ?? '', /^4 of 16 addresses differ/);
    assert.equal(await count(page, '.compare-view .vgrid-row.diff'), 4);
    await page.locator('#diff-next').click();
    await settle(page);
    const sel = page.locator('.compare-view .vgrid-row.selected .vgrid-cell');
    // page 8: the zero page in the snapshot, its private copy after the write fault
    assert.deepEqual((await sel.allTextContents()).slice(0, 2), ['0x7f0000008000', '0x8000000000001000']);
    assert.equal((await sel.allTextContents())[5], '0xc00000000001000b');
    await page.locator('#diff-only').click();
    assert.equal(await count(page, '.compare-view .vgrid-row:not([hidden])'), 4);
    await shot(page, 'inspector-compare-dark');
    assert.deepEqual(problems, []);
    await page.context().close();

    ({ page, problems } = await open('fixture=layouts&theme=light'));
    assert.match(await page.locator('.compare-view .toolbar-status').textContent() ?? '', /^0 of 16 addresses differ/);
    assert.match(await page.locator('.compare-label').first().textContent() ?? '', /layout v5\.10/);
    assert.match(await page.locator('.compare-label').nth(1).textContent() ?? '', /layout v6\.16/);
    await shot(page, 'inspector-compare-layouts-light');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('simulator against a real kernel: the oracle\'s differing pages are highlighted, not every pfn; its findings head the view', async () => {
  let { page, problems } = await open('fixture=kernel-compare&theme=dark');
  try {
    // real pfns never equal the simulator's: only the page the comparison flagged differs
    assert.match(await page.locator('.compare-view .toolbar-status').textContent() ?? '', /^1 of 16 addresses differ/);
    assert.equal(await count(page, '.compare-view .vgrid-row.diff'), 1);
    assert.match(await page.locator('.compare-label').first().textContent() ?? '', /^Simulator: .* — 2 calls$/);
    assert.match(await page.locator('.compare-label').nth(1).textContent() ?? '', /^Kernel: kernel 6\.1\.0-57-amd64 — ret 0 — 2 calls$/);
    const notes = await page.locator('.compare-note .compare-note-line').allTextContents();
    assert.deepEqual(notes, ['Disagrees with the kernel: 1 page differ.', 'page 9 (0x7f0000009000): the flags differ']);
    assert.ok(await page.locator('.compare-note.kernel-disagree').isVisible());
    await page.locator('#diff-next').click();
    await settle(page);
    const sel = await page.locator('.compare-view .vgrid-row.selected .vgrid-cell').allTextContents();
    assert.equal(sel[0], '0x7f0000009000');
    assert.equal(sel[4], '≠');
    // the kernel side names its pages as the probe reported them: device-private pages of gpu0 at 4-7
    const row4 = await page.locator('.compare-view .vgrid-row').nth(4).locator('.vgrid-cell').allTextContents();
    assert.equal(row4[3], 'device-private (gpu0)');
    assert.equal(row4[7], 'device-private (gpu0)');
    const heads = await page.locator('.compare-view .vgrid-header [role=columnheader]').allTextContents();
    assert.deepEqual(heads, ['Address', 'Simulator value', 'Simulator decoded', 'Simulator state', '≠', 'Kernel value', 'Kernel decoded', 'Kernel state']);
    // the decoded cell says the pfn once, and no state cell clips its text
    const dec = await page.locator('.compare-view .vgrid-row').nth(4).locator('.vgrid-cell').nth(2).textContent() ?? '';
    assert.equal(dec.match(/pfn=/g)?.length, 1, dec);
    const geo = await page.evaluate(gridGeometryJs('comparison')) as GridGeometry;
    assert.deepEqual(geo.clipped, []);
    assert.deepEqual(geo.misaligned, []);
    await shot(page, 'inspector-kernel-disagree-dark');
    assert.deepEqual(problems, []);
    await page.context().close();

    ({ page, problems } = await open('fixture=kernel-agree&theme=light'));
    assert.match(await page.locator('.compare-view .toolbar-status').textContent() ?? '', /^0 of 16 addresses differ/);
    assert.equal(await count(page, '.compare-view .vgrid-row.diff'), 0);
    assert.match((await page.locator('.compare-note .compare-note-line').first().textContent()) ?? '', /^Agrees with the kernel: flags and order equal/);
    await shot(page, 'inspector-kernel-agree-light');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('high contrast renders with theme colours', async () => {
  const { page, problems } = await open('fixture=retry&theme=hc');
  try {
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(0, 0, 0)');
    await page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row').nth(2).click();
    await shot(page, 'inspector-result-hc');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('malformed host messages are ignored and reported; state is restored after a reload', async () => {
  const { page, problems } = await open('fixture=retry&theme=dark');
  try {
    await page.evaluate(() => {
      const h = (window as unknown as { __harness: { raw(m: unknown): void } }).__harness;
      h.raw({ type: 'data', session: 1, walk: 0, array: 'pfns', offset: 0, total: 16, buffer: 'not a buffer' });
      h.raw({ type: 'view', session: 2, view: { kind: 'result' } });
      h.raw('<script>');
    });
    await page.waitForTimeout(100);
    const errors = await page.evaluate(() => (window as unknown as { __harness: { posted: { type: string; message?: string }[] } })
      .__harness.posted.filter((m) => m.type === 'error').map((m) => m.message));
    assert.equal(errors.length, 3);
    assert.match(errors[0] ?? '', /data\.buffer: expected an ArrayBuffer/);
    assert.equal(await page.locator('#inspector-title').textContent(), XSS_NAME, 'the shown result is untouched');

    // reveal (InspectorApi.reveal): switch to walk 2 and select entry 5
    await page.evaluate(() => (window as unknown as { __harness: { raw(m: unknown): void } }).__harness.raw({ type: 'reveal', walkIndex: 1, pageIndex: 5 }));
    await settle(page);
    assert.equal(await page.locator('#walk-select').evaluate((e) => (e as HTMLElement & { value: string }).value), '1');
    const revealed = page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row.selected .vgrid-cell');
    assert.equal(await revealed.first().textContent(), '5');
    assert.equal((await revealed.allTextContents())[3], '0x0000000000000000', 'walk 2 is the snapshot: no request in its input');
    await page.evaluate(() => (window as unknown as { __harness: { raw(m: unknown): void } }).__harness.raw({ type: 'reveal', walkIndex: 0, pageIndex: 0 }));
    await settle(page);

    await chooseFilter(page, 'Flag WRITE');
    await page.locator('#step-first').click();
    await page.locator('#step-next').click();
    await page.waitForTimeout(500); // state is saved debounced
    await page.evaluate(() => (window as unknown as { __harness: { reloadRestoring(): void } }).__harness.reloadRestoring());
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 });
    assert.equal(await page.locator('#inspector-title').textContent(), XSS_NAME);
    assert.match(await stepLabel(page) ?? '', /^Step 2 \/ 21/);
    assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /^12 of 16 entries/);
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('1M entries: rows render, the last entry is reachable, and the perf hooks report timings (logged, not judged)', async () => {
  // speed targets live in the benchmark suite (npm run bench); this test checks behaviour and logs the timings
  const { page, problems } = await open('fixture=big&pages=1048576&theme=dark');
  try {
    const perf = await page.evaluate(() => {
      const p = window.__hmmInspectorPerf!;
      return { firstRenderMs: p.firstRenderMs, firstPaintMs: p.firstPaintMs, grid: p.grid(), timings: p.showTimings() };
    });
    assert.equal(perf.grid.count, 1_048_576);
    assert.ok(perf.grid.domRows > 0 && perf.grid.domRows < 80, `only visible rows exist (${perf.grid.domRows})`);
    assert.ok(Number.isFinite(perf.firstRenderMs) && perf.firstRenderMs > 0, `first render reported (${perf.firstRenderMs})`);
    // (a result this large paints its first rows while it loads: the render is before the data is complete, the
    // "first paint" is data complete → the frame showing all of it)
    assert.ok(Number.isFinite(perf.firstPaintMs) && perf.firstPaintMs > 0, `first paint reported (${perf.firstPaintMs})`);
    assert.ok(Object.keys(perf.timings).length > 0 && Object.values(perf.timings).every((t) => Number.isFinite(t) && t >= 0),
      `show timings reported (${JSON.stringify(perf.timings)})`);
    const rows = page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])');
    assert.equal(await rows.first().locator('.vgrid-cell').first().textContent(), '0');
    const scroll = await page.evaluate(async () => {
      const p = window.__hmmInspectorPerf!;
      const renders: number[] = [];
      const frames: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 120; i++) {
        p.scrollTo(i * 8_731);
        await new Promise((r) => requestAnimationFrame(() => r(null)));
        const now = performance.now();
        frames.push(now - last);
        last = now;
        renders.push(p.gridRenderMs());
      }
      renders.sort((a, b) => a - b);
      return { renders, frames: frames.slice(1).sort((a, b) => a - b) };
    });
    assert.ok(scroll.renders.every((t) => Number.isFinite(t) && t >= 0), 'grid render time reported for every scroll');
    const pct = (a: number[], q: number) => a[Math.min(a.length - 1, Math.floor(a.length * q))];
    console.log(`1M: first render ${perf.firstRenderMs.toFixed(1)} ms, first paint ${perf.firstPaintMs.toFixed(1)} ms ` +
      `(${JSON.stringify(perf.timings)}); ` +
      `grid render median ${pct(scroll.renders, 0.5).toFixed(2)} p95 ${pct(scroll.renders, 0.95).toFixed(2)} max ${pct(scroll.renders, 1).toFixed(2)} ms; ` +
      `frame median ${pct(scroll.frames, 0.5).toFixed(1)} p95 ${pct(scroll.frames, 0.95).toFixed(1)} max ${pct(scroll.frames, 1).toFixed(1)} ms`);
    // the last entry is reachable: scroll to it and read it back
    await page.evaluate(() => window.__hmmInspectorPerf!.scrollTo(1_048_575));
    await settle(page);
    const lastIndex = await rows.nth((await rows.count()) - 1).locator('.vgrid-cell').first().textContent();
    assert.equal(lastIndex, '1048575');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('16M entries: scaled scrollbar stays under the layout limit and reaches the last entry', async () => {
  const { page, problems } = await open('fixture=big&pages=16777216&theme=dark');
  try {
    const g = await page.evaluate(() => window.__hmmInspectorPerf!.grid());
    assert.equal(g.count, 16_777_216);
    assert.ok(g.spacerPx <= 8_000_000 && g.spacerPx < 33_554_432, `spacer ${g.spacerPx}px`);
    // drag the native scrollbar to the end: the last row must be the last entry
    await page.locator('.result-view .vgrid-frame:has(.vgrid[aria-label="pfn array"]) > .vgrid-scroller').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await settle(page);
    const rows = page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])');
    const last = await rows.nth((await rows.count()) - 1).locator('.vgrid-cell').first().textContent();
    assert.equal(last, '16777215');
    // a wheel notch moves by rows, not by scaled pixels
    const before = await page.evaluate(() => window.__hmmInspectorPerf!.grid().top);
    await page.locator('.result-view .vgrid[aria-label="pfn array"] .vgrid-body').hover();
    const rowH = await page.evaluate(() => window.__hmmInspectorPerf!.grid().rowHeight);
    assert.ok(rowH >= 22, `rows sized from the font (${rowH} px)`);
    await page.mouse.wheel(0, -3 * rowH);
    await page.waitForTimeout(100);
    const afterTop = await page.evaluate(() => window.__hmmInspectorPerf!.grid().top);
    assert.equal(before - afterTop, 3);
    // the lone ERROR page in the middle is findable by filter
    await chooseFilter(page, 'Flag ERROR');
    assert.equal(await count(page, '.result-view .vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])'), 1);
    assert.equal((await cellTexts(page, 0))[0], String(16_777_216 / 2 + 1));
    await chooseFilter(page, 'All entries');
    await shot(page, 'inspector-16M-dark');
    // zoom the map with the wheel around the lone ERROR page until single pages are drawn
    const box = (await page.locator('.addr-map canvas:not(.map-overlay)').boundingBox())!;
    const errPage = 16_777_216 / 2 + 1;
    for (let i = 0; i < 80; i++) {
      const [f, e] = await page.evaluate(() => window.__hmmInspectorPerf!.mapZoom());
      if (e - f <= 64) break;
      await page.mouse.move(box.x + ((errPage - f) / (e - f)) * box.width, box.y + 25);
      await page.mouse.wheel(0, -100);
    }
    const [zf, ze] = await page.evaluate(() => window.__hmmInspectorPerf!.mapZoom());
    assert.ok(ze - zf <= 64 && zf <= errPage && errPage < ze, `zoomed to [${zf}, ${ze})`);
    await shot(page, 'inspector-16M-zoomed-dark');
    await page.locator('.addr-map canvas:not(.map-overlay)').dblclick();
    await settle(page);
    assert.deepEqual(await page.evaluate(() => window.__hmmInspectorPerf!.mapZoom()), [0, 16_777_216]);
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

// ---- issue #13: right at every step, aligned, readable, a data inspector for the word ----

const PFN = '.result-view .vgrid[aria-label="pfn array"]';
const geometry = (page: Page, label: string) => page.evaluate(gridGeometryJs(label)) as Promise<GridGeometry>;
const posted = (page: Page) => page.evaluate(() => (window as unknown as { __harness: { posted: { type: string; url?: string }[] } }).__harness.posted);

/** The header and body share one column layout, and no cell clips its text. */
async function assertGrid(page: Page, label: string, what: string): Promise<GridGeometry> {
  await settle(page);
  const g = await geometry(page, label);
  assert.ok(g && g.rows > 0, `${what}: ${label} has rows`);
  assert.deepEqual(g.misaligned, [], `${what}: ${label} header and body cells share left edges and widths`);
  assert.deepEqual(g.clipped, [], `${what}: no ${label} cell clips its text`);
  return g;
}

for (const width of [520, 900, 1400]) {
  test(`columns line up and nothing clips at ${width} px, in light, dark and high contrast (pfn grid, trace, runs)`, async () => {
    for (const theme of ['light', 'dark', 'hc'] as const) {
      const { page, problems } = await open(`fixture=retry&theme=${theme}`, { width, height: 900 });
      try {
        const g = await assertGrid(page, 'pfn array', `${width}px ${theme}`);
        const titles = g.columns.map((c) => c.title);
        assert.ok(titles.includes('Output flags') && titles.includes('Page state'), `flags and Page state shown: ${titles.join(', ')}`);
        if (width >= 900) assert.ok(titles.includes('Output'), `the word shown at ${width} px: ${titles.join(', ')}`);
        // columns the width hid are named by the chooser, and listed in it
        const all = ['#', '⚠', 'Address', 'Input', 'Input flags', 'Output', 'Output flags', 'pfn', 'Order', 'Page state'];
        const hidden = all.filter((t) => !titles.includes(t));
        if (hidden.length) {
          assert.match(g.chooser, new RegExp(`^Columns: ${hidden.length} hidden for width \\(${hidden.join(', ')}\\)`));
          assert.equal(await page.locator(`${PFN}`).locator('..').locator('.vgrid-columns').first().textContent(), `+${hidden.length}`);
        } else assert.equal(g.chooser, 'Choose columns');
        await shot(page, `inspector-columns-${width}-${theme}`);
        await openTab(page, 'trace');
        await assertGrid(page, 'trace events', `${width}px ${theme} trace`);
        const fns = await page.locator('.vgrid[aria-label="trace events"] .vgrid-row:not([hidden]) .vgrid-cell[aria-colindex="4"]').allTextContents();
        assert.ok(fns.includes('hmm_vma_handle_pte') && fns.includes('mmu_interval_check_retry'), `kernel functions whole: ${fns.join(', ')}`);
        await shot(page, `inspector-trace-${width}-${theme}`);
        await openTab(page, 'runs');
        await assertGrid(page, 'pfn runs', `${width}px ${theme} runs`);
        assert.deepEqual(problems, []);
      } finally {
        await page.context().close();
      }
    }
  });
}

test('the column chooser shows a hidden column, a dragged header edge resizes its column; header and rows stay aligned', async () => {
  const { page, problems } = await open('fixture=retry&theme=dark', { width: 560, height: 860 });
  try {
    const before = await assertGrid(page, 'pfn array', 'narrow');
    assert.ok(!before.columns.some((c) => c.title === 'Input'), 'Input hidden at 560 px');
    await page.locator('.result-view .vgrid-columns').first().click();
    const dialog = page.locator('.result-view .vgrid-chooser').first();
    assert.ok(await dialog.isVisible());
    assert.match(await dialog.locator('label', { hasText: /^Input\s*hidden: the panel is too narrow/ }).textContent() ?? '', /hidden: the panel is too narrow/);
    await shot(page, 'inspector-column-chooser-dark');
    await dialog.locator('input[data-column="in"]').check();
    await page.keyboard.press('Escape');
    const shown = await assertGrid(page, 'pfn array', 'Input shown');
    assert.ok(shown.columns.some((c) => c.title === 'Input'), 'the chosen column shows');
    // resize Output by dragging its header's right edge
    const out = shown.columns.find((c) => c.title === 'Input')!;
    const grip = page.locator(`${PFN} .vgrid-header [role=columnheader]`, { hasText: /^Input$/ }).locator('.vgrid-resize');
    const gb = (await grip.boundingBox())!;
    await page.mouse.move(gb.x + gb.width / 2, gb.y + gb.height / 2);
    await page.mouse.down();
    await page.mouse.move(gb.x + gb.width / 2 + 60, gb.y + gb.height / 2, { steps: 4 });
    await page.mouse.up();
    const resized = await geometry(page, 'pfn array');
    assert.deepEqual(resized.misaligned, []);
    const out2 = resized.columns.find((c) => c.title === 'Input')!;
    assert.ok(Math.abs(out2.width - out.width - 60) <= 2, `dragged 60 px wider: ${out.width} → ${out2.width}`);
    await shot(page, 'inspector-column-resized-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

/** Page state of entry `i` in the pfn grid (scrolled to it). */
async function pageStateOf(page: Page, i: number): Promise<string> {
  await page.evaluate((r) => window.__hmmInspectorPerf!.scrollTo(r), i);
  await settle(page);
  const row = page.locator(`${PFN} .vgrid-row:not([hidden])`).filter({ has: page.locator(`.vgrid-cell[aria-colindex="1"]`, { hasText: new RegExp(`^${i}$`) }) });
  return await row.first().locator('.vgrid-cell[aria-colindex="10"]').textContent() ?? '';
}

/**
 * Step through every step of the walk shown; at each, the map and the Page state of the entries the step names equal
 * the state the trace records for it; then step back and find each step exactly as it was (entries `sample`).
 */
async function assertEveryStep(page: Page, pages: number, sample: readonly number[], name: string): Promise<void> {
  await page.locator('#step-first').click();
  const total = Number(/\/ (\d+)/.exec(await stepLabel(page) ?? '')?.[1]);
  assert.ok(total > 5, `${name}: ${total} steps`);
  const seen: { states: string[]; pixels: number[][] }[] = [];
  const snapshot = async () => {
    const states: string[] = [];
    for (const i of sample) states.push(await pageStateOf(page, i));
    const pixels: number[][] = [];
    for (const i of sample) pixels.push(await page.evaluate(mapPixelJs(i, pages)) as number[]);
    return { states, pixels };
  };
  // the state each step records, as the inspector names it (the map's legend is its key to colours)
  const named: Record<string, string> = { 'pte:present-rw': 'present RW', 'pte:present-ro': 'present RO', 'pte:zero-page': 'zero page',
    'pte:device-private-rw(gpu0)': 'device-private (gpu0)', 'pte:device-private-rw(gpu1)': 'device-private (gpu1)' };
  let checked = 0;
  for (let k = 0; k < total; k++) {
    if (k > 0) await page.locator('#step-next').click();
    assert.match(await stepLabel(page) ?? '', new RegExp(`^Step ${k + 1} / ${total}`));
    const state = await page.locator('.stepper-details .event-rule code').nth(1).textContent() ?? '';
    const head = await page.locator('.stepper-details .event-range').textContent() ?? '';
    const range = /^#(\d+)(?:–#(\d+))?/.exec(head);
    seen.push(await snapshot());
    const want = named[state];
    if (!want || !range || k === total - 1) continue;
    const legend = await page.evaluate(legendJs()) as Record<string, number[]>;
    const a = Number(range[1]);
    const b = range[2] ? Number(range[2]) : a;
    for (const i of new Set([a, Math.floor((a + b) / 2), b])) {
      assert.equal(await pageStateOf(page, i), want, `${name} step ${k + 1} (${state}): Page state of #${i}`);
      assert.deepEqual((await page.evaluate(mapPixelJs(i, pages)) as number[]).slice(0, 3), legend[want]?.slice(0, 3),
        `${name} step ${k + 1} (${state}): map colour of page ${i}`);
      checked++;
    }
  }
  assert.ok(checked > 0, `${name}: some step named a state`);
  // stepping back restores each step exactly
  await page.locator('#step-last').click();
  for (let k = total - 2; k >= 0; k--) {
    await page.locator('#step-prev').click();
    assert.match(await stepLabel(page) ?? '', new RegExp(`^Step ${k + 1} / ${total}`));
    const again = await snapshot();
    assert.deepEqual(again.states, seen[k].states, `${name}: back at step ${k + 1}, Page state as before`);
    assert.deepEqual(again.pixels, seen[k].pixels, `${name}: back at step ${k + 1}, the map as before`);
  }
}

test('stepping shows the state as of each step: another device\'s device-private pages faulted back, every step of both calls', async () => {
  const { page, problems } = await open('fixture=devpriv&theme=dark', { width: 1280, height: 900 });
  try {
    await assertEveryStep(page, 8, [0, 3, 4, 5, 7], 'examples/04 walk 4');
    // step 3: gpu1's page 4 as the trace says, not the final "present RW"; 5-7 not seen yet
    await page.locator('#step-first').click();
    await page.locator('#step-next').click();
    await page.locator('#step-next').click();
    assert.match(await page.locator('.stepper-details').textContent() ?? '', /State pte:device-private-rw\(gpu1\)/);
    // the grid repaints in an animation frame: settle() waits for two before reading
    const pageStates = async (want: string[], msg: string) => {
      await settle(page);
      const got = await page.locator(`${PFN} .vgrid-row:not([hidden]) .vgrid-cell[aria-colindex="10"]`).allTextContents();
      assert.deepEqual(got.slice(4), want, msg);
    };
    await pageStates(['device-private (gpu1)', 'not seen yet', 'not seen yet', 'not seen yet'], 'step 3 shows the state of step 3');
    assert.match(await page.locator('.result-view .map-legend').textContent() ?? '', /device-private \(gpu1\) 1/);
    assert.doesNotMatch(await page.locator('.result-view .map-legend').textContent() ?? '', /present RW/);
    await shot(page, 'inspector-step3-devpriv-dark');
    await page.locator('#step-last').click();
    await pageStates(['present RW', 'present RW', 'present RW', 'present RW'], 'the final step shows the final state');
    await shot(page, 'inspector-final-devpriv-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('stepping shows the state as of each step: the -EBUSY retry walk and a COW walk after fork', async () => {
  for (const [fixture, pages, sample] of [['retry', 16, [0, 4, 8, 9, 11, 12, 14]], ['cow', 1024, [0, 511, 512, 513, 1023]]] as const) {
    const { page, problems } = await open(`fixture=${fixture}&theme=light`, { width: 1280, height: 900 });
    try {
      await assertEveryStep(page, pages, sample, fixture);
      await page.locator('#step-first').click();
      await page.locator('#step-next-fault').click();
      await shot(page, `inspector-step-fault-${fixture}-light`);
      assert.deepEqual(problems, []);
    } finally {
      await page.context().close();
    }
  }
});

test('a step shows the words it stored; kernel functions are whole and link to the modelled release', async () => {
  const { page, problems } = await open('fixture=retry&theme=dark', { width: 1280, height: 1500 });
  try {
    await page.locator('#step-first').click();
    await page.locator('#step-next').click();
    await settle(page);
    const stored = await page.locator('.event-stored-words').textContent();
    assert.equal(stored, '#0–#3  0xc000000000010000 … 0xc000000000010003 ×4 pfn+1  (= final word: rewritten later, unchanged)');
    const link = page.locator('.stepper-details a.event-fn');
    assert.equal(await link.textContent(), 'hmm_vma_handle_pte');
    assert.equal(await link.getAttribute('href'), 'https://elixir.bootlin.com/linux/v6.16/C/ident/hmm_vma_handle_pte');
    await link.click();
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'openExternal').map((m) => m.url),
      ['https://elixir.bootlin.com/linux/v6.16/C/ident/hmm_vma_handle_pte'], 'the webview asks the host to open it');
    await openTab(page, 'trace');
    const stepRow = (n: number) => page.locator('.vgrid[aria-label="trace events"] .vgrid-row:not([hidden])')
      .filter({ has: page.locator('.vgrid-cell[aria-colindex="1"]', { hasText: new RegExp(`^${n}$`) }) }).first();
    const row = stepRow(18);
    // the trace grid paints its rows in an animation frame after the tab opens: wait for the row, then read it
    await row.waitFor();
    await settle(page);
    const cells = await row.locator('.vgrid-cell').allTextContents();
    assert.equal(cells[3], 'hmm_vma_walk_test');
    assert.equal(cells[7], '0x2000000000000000 ×2', 'the VM_IO fill stored two ERROR words');
    assert.equal(await row.locator('a.fn-link').getAttribute('href'), 'https://elixir.bootlin.com/linux/v6.16/C/ident/hmm_vma_walk_test');
    const driver = stepRow(13);
    assert.equal(await driver.locator('.vgrid-cell[aria-colindex="4"]').textContent(), 'driver');
    assert.equal(await driver.locator('a').count(), 0, 'the driver loop is no kernel function: no link');
    await shot(page, 'inspector-stored-words-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('Inspect Selected Values: every problem the hover finds is marked, and orders are not called hugetlb', async () => {
  const { page, problems } = await open('fixture=tricky&theme=dark', { width: 1280, height: 900 });
  try {
    const rows = page.locator(`${PFN} .vgrid-row:not([hidden])`);
    assert.equal(await rows.count(), TRICKY_WORDS.length);
    for (let i = 0; i < TRICKY_WORDS.length; i++) {
      const want = decodePfn(TRICKY_WORDS[i], V6_16, 4096).problems;
      const cell = rows.nth(i).locator('.vgrid-cell[aria-colindex="2"]');
      assert.equal((await cell.getAttribute('title')) ?? '', want.join('\n'), `0x${TRICKY_WORDS[i].toString(16)}: the grid's marker = decodePfn's problems`);
      assert.equal(await cell.locator('.problem-mark').count(), want.length ? 1 : 0);
    }
    assert.equal((await rows.nth(0).locator('.vgrid-cell[aria-colindex="2"]').getAttribute('title'))?.split('\n').length, 2,
      '0xe000000000401000 (VALID | WRITE | ERROR): the two problems the hover shows');
    const states = await rows.locator('.vgrid-cell[aria-colindex="10"]').allTextContents();
    assert.equal(states[6], '256 MiB mapping (order 16)');
    assert.equal(states[7], '1 GiB mapping (order 18)');
    assert.ok(!states.some((x) => /hugetlb/i.test(x)), 'no word is called hugetlb from its order alone');
    await openTab(page, 'problems');
    const listed = await page.locator('.problems .word-problem').allTextContents();
    const expected = TRICKY_WORDS.flatMap((w, i) => decodePfn(w, V6_16).problems.map((p) => `#${i} ${p}`));
    assert.deepEqual(listed, expected);
    await shot(page, 'inspector-values-problems-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('the detail pane: the word under every layout with the plausible readings, its state, its trace events; Enter opens it', async () => {
  let { page, problems } = await open('fixture=tricky&theme=light&detail=7', { width: 1280, height: 900 });
  try {
    const pane = page.locator('.detail-pane');
    await pane.waitFor({ state: 'visible' });
    assert.equal(await pane.locator('.detail-title').textContent(), 'Entry #7');
    assert.match(await pane.textContent() ?? '', /can be1 GiB: PUD: hugetlb 1 GiB or a DAX \(devmap\) PUD/);
    const eras = pane.locator('.detail-eras tr.era');
    assert.equal(await eras.count(), (await import('../../src/core/layouts')).listLayouts().length, 'every kernel layout');
    assert.equal(await eras.first().getAttribute('data-layout'), 'v6.16');
    assert.equal(await eras.first().getAttribute('data-plausible'), 'true');
    assert.equal(await pane.locator('.detail-eras tr.era[data-layout="legacy:amdgpu"]').getAttribute('data-plausible'), 'false');
    await shot(page, 'inspector-detail-order18-light');
    // keyboard: focus the grid, Home, Enter
    await page.locator(`${PFN}`).focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('Enter');
    assert.equal(await pane.locator('.detail-title').textContent(), 'Entry #0');
    assert.deepEqual(await pane.locator('.detail-problem-list li').allTextContents(), [...decodePfn(TRICKY_WORDS[0], V6_16).problems]);
    await shot(page, 'inspector-detail-problems-light');
    await page.keyboard.press('Escape');
    assert.equal(await pane.isVisible(), false, 'Escape closes it');
    assert.deepEqual(problems, []);
    await page.context().close();

    // a walk: the page-table state as of the step and the trace events on the entry, each a step to go to
    ({ page, problems } = await open('fixture=retry&theme=dark', { width: 1280, height: 900 }));
    await page.locator(`${PFN} .vgrid-row`).nth(8).dblclick();
    const p2 = page.locator('.detail-pane');
    await p2.waitFor({ state: 'visible' });
    assert.match(await p2.textContent() ?? '', /as the walk saw itpte:present-rw/);
    const evs = await p2.locator('.detail-events-list li').allTextContents();
    assert.ok(evs.some((e) => /^Step 4fault.*hmm_vma_handle_pte.*pte:zero-page → fault needed/.test(e)), evs.join(' | '));
    await p2.locator('.detail-events-list li button', { hasText: 'Step 4' }).click();
    assert.match(await stepLabel(page) ?? '', /^Step 4 \/ 21/);
    assert.match(await p2.textContent() ?? '', /Page state at step 4.*zero page.*as the walk saw itpte:zero-page/s);
    await shot(page, 'inspector-detail-walk-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('runs: the grid as runs of equal state, expandable with the keyboard', async () => {
  const { page, problems } = await open('fixture=retry&theme=dark', { width: 1280, height: 900 });
  try {
    await openTab(page, 'runs');
    const grid = page.locator('.vgrid[aria-label="pfn runs"]');
    const rows = grid.locator('.vgrid-row:not([hidden])');
    assert.equal(await rows.count(), 5);
    const first = await rows.nth(0).locator('.vgrid-cell').allTextContents();
    assert.equal(first[0].trim(), '▸ 0–3');
    assert.equal(first[1], '×4');
    assert.match(first[4], /VALID\s*WRITE/);
    assert.equal(await rows.nth(1).getAttribute('aria-expanded'), 'false');
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowRight');
    await settle(page);
    assert.equal(await rows.count(), 9, 'run 4–7 expanded into its 4 entries');
    assert.equal(await rows.nth(1).getAttribute('aria-expanded'), 'true');
    assert.deepEqual((await rows.locator('.vgrid-cell[aria-colindex="1"]').allTextContents()).slice(1, 6).map((x) => x.trim()),
      ['▾ 4–7', '#4', '#5', '#6', '#7']);
    await assertGrid(page, 'pfn runs', 'runs expanded');
    await shot(page, 'inspector-runs-dark');
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('a 16M-entry walk shows its progress at once, then paints', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  try {
    await page.goto(`${harness.url}?fixture=big&pages=16777216&theme=dark`);
    // progress at once: the loading line before the first rows, then the rows with a loading bar above them
    await page.locator('.loading-bar, .result-loading:not([hidden])').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(resultsDir, 'inspector-16M-loading-dark.png') });
    // the first rows and the map as soon as the first chunk is there, the rest filling in
    await page.waitForFunction('window.__hmmInspectorPerf.paintedAt > 0', null, { timeout: 60_000 });
    const partial = await page.evaluate(() => document.body.dataset.ready !== 'true');
    if (partial) {
      assert.match(await page.locator('.result-loading-text').textContent() ?? '', /^Loading 16,777,216 entries… \d+%/);
      assert.equal(await page.locator(`${PFN} .vgrid-row:not([hidden])`).first().locator('.vgrid-cell').first().textContent(), '0');
      await page.screenshot({ path: join(resultsDir, 'inspector-16M-first-rows-dark.png') });
    }
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
    assert.equal(await page.locator('.result-loading').isVisible(), false, 'the loading line goes once all is there');
    const t = await page.evaluate('({ progress: window.__hmmInspectorPerf.progressAt, data: window.__hmmInspectorPerf.dataCompleteAt, painted: window.__hmmInspectorPerf.paintedAt, complete: window.__hmmInspectorPerf.completeAt, from: window.__harness.deliveredAt() })') as
      { progress: number; data: number; painted: number; complete: number; from: number };
    assert.ok(t.progress > 0 && t.progress < t.data, `progress drawn (${(t.progress - t.from).toFixed(0)} ms) before the data was complete (${(t.data - t.from).toFixed(0)} ms)`);
    assert.ok(t.painted > 0 && t.painted <= t.complete, 'the first rows were painted before (or when) the whole result was');
    console.log(`16M: progress after ${(t.progress - t.from).toFixed(0)} ms, first rows ${(t.painted - t.from).toFixed(0)} ms, data ${(t.data - t.from).toFixed(0)} ms, all shown ${(t.complete - t.from).toFixed(0)} ms (targets are in npm run bench)`);
    // the complete result: the last entry has its word
    await page.evaluate(() => window.__hmmInspectorPerf!.scrollTo(16_777_215));
    await settle(page);
    const rows = page.locator(`${PFN} .vgrid-row:not([hidden])`);
    const lastRow = await rows.nth((await rows.count()) - 1).locator('.vgrid-cell').allTextContents();
    assert.equal(lastRow[0], '16777215');
    assert.match(lastRow[9], /present RW/);
  } finally {
    await context.close();
  }
});

test('results say where they came from: an edited or broken file marks the result outdated; a new view starts clean', async () => {
  const { page, problems } = await open('fixture=retry&theme=dark', { width: 1280, height: 900 });
  try {
    assert.equal(await page.locator('#expect-badge').textContent(), 'expect ✗');
    await page.locator('#jump input').fill('#3');
    await page.keyboard.press('Enter');
    await page.locator(`${PFN} .vgrid-row`).nth(3).dblclick();
    const session = await page.evaluate(() => document.body.dataset.ready && 1);
    assert.ok(session);
    const send = (state: string, detail?: string) => page.evaluate(([st, d]) => {
      const h = (window as unknown as { __harness: { raw(m: unknown): void } }).__harness;
      h.raw({ type: 'source', session: 1, state: st, ...(d ? { detail: d } : {}) });
    }, [state, detail] as const);
    await send('invalid', 'The file no longer parses (line 7: bad)');
    await settle(page);
    assert.equal(await page.locator('#outdated-badge').textContent(), 'outdated: file no longer parses');
    assert.equal(await page.locator('#expect-badge').textContent(), 'expect ✗ (before the edit)');
    await shot(page, 'inspector-outdated-dark');
    await send('current');
    await settle(page);
    assert.equal(await page.locator('#outdated-badge').count(), 0);
    // another result in this panel: nothing of the one before carries over
    await page.evaluate(() => (window as unknown as { __harness: { send(n: string): void } }).__harness.send('cow'));
    await page.waitForFunction(() => document.querySelector('#inspector-title')?.textContent === 'Fork, copy-on-write and -EBUSY' || document.body.dataset.ready === 'true');
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await page.locator('#jump input').inputValue(), '', 'the jump text is cleared');
    assert.equal(await page.locator('.detail-pane').isVisible(), false, 'the detail pane is closed');
    assert.equal(await page.locator('#outdated-badge').count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.context().close();
  }
});

test('ARIA grids: roles, row and column counts and indexes, keyboard navigation; axe finds nothing serious', async () => {
  const axe = axeSource();
  for (const theme of ['light', 'dark', 'hc'] as const) {
    const { page, problems } = await open(`fixture=retry&theme=${theme}`, { width: 1280, height: 900 });
    try {
      const grid = page.locator(PFN);
      assert.equal(await grid.getAttribute('role'), 'grid');
      assert.equal(await grid.getAttribute('aria-rowcount'), '17');
      assert.equal(await grid.getAttribute('aria-colcount'), '10');
      assert.equal(await grid.locator('.vgrid-header').getAttribute('role'), 'row');
      assert.equal(await grid.locator('[role=columnheader]').count(), 10);
      const idx = await grid.locator('.vgrid-row:not([hidden])').evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-rowindex')));
      assert.deepEqual(idx, Array.from({ length: 16 }, (_, i) => String(i + 2)));
      assert.equal(await page.getByRole('grid', { name: 'pfn array' }).count(), 1, 'found by role as a screen reader finds it');
      assert.equal(await page.getByRole('row', { name: 'entry 5' }).count(), 1);
      await grid.focus();
      await page.keyboard.press('ArrowDown');
      assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /selected #0$/, 'the first key lands on the first row');
      await page.keyboard.press('ArrowDown');
      assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /selected #1$/);
      await page.keyboard.press('PageDown');
      await page.keyboard.press('End');
      assert.match(await page.locator('.toolbar-status').first().textContent() ?? '', /selected #15$/);
      const active = await grid.getAttribute('aria-activedescendant');
      assert.ok(active, 'the focused cell is the active descendant');
      assert.equal(await page.locator(`[id="${active}"]`).evaluate((c) => c.parentElement?.getAttribute('aria-rowindex')), '17');
      await page.keyboard.press('ArrowRight');
      assert.notEqual(await grid.getAttribute('aria-activedescendant'), active, 'ArrowRight moves the active cell');
      await page.keyboard.press('Home');
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.detail-title').textContent(), 'Entry #0 · 0x7f0000000000');
      assert.deepEqual(problems, [], 'nothing went wrong before axe (axe itself sets styles the CSP refuses)');
      await page.evaluate(axe);
      const found: AxeFinding[] = [];
      found.push(...await page.evaluate(AXE_RUN_JS) as AxeFinding[]);
      await openTab(page, 'trace');
      found.push(...await page.evaluate(AXE_RUN_JS) as AxeFinding[]);
      await openTab(page, 'runs');
      found.push(...await page.evaluate(AXE_RUN_JS) as AxeFinding[]);
      assert.deepEqual(found, [], `axe (${theme}): ${JSON.stringify(found, null, 1)}`);
    } finally {
      await page.context().close();
    }
  }
  for (const fixture of ['kernel-compare', 'tricky&detail=0']) {
    const { page } = await open(`fixture=${fixture}&theme=dark`, { width: 1280, height: 900 });
    try {
      await page.evaluate(axe);
      const found = await page.evaluate(AXE_RUN_JS) as AxeFinding[];
      assert.deepEqual(found, [], `axe (${fixture}): ${JSON.stringify(found, null, 1)}`);
    } finally {
      await page.context().close();
    }
  }
});

test('in VS Code: HMM: Open Inspector on an example scenario shows its walks in the webview', async () => {
  const wb = await openWorkbench();
  try {
    await wb.openFile('02-fault-vs-snapshot.hmm.yaml');
    await wb.runCommand('HMM: Open Inspector');
    const body = await wb.webviewFrame(60_000);
    // the app marks its <body> data-ready once the view and its data are drawn
    await wb.page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame')
      .locator('body[data-ready="true"]').waitFor({ timeout: 60_000 });
    const title = body.locator('#inspector-title');
    await title.waitFor({ timeout: 60_000 });
    assert.match(await title.textContent() ?? '', /fault/i);
    const rows = body.locator('.vgrid[aria-label="pfn array"] .vgrid-row:not([hidden])');
    await rows.first().waitFor({ timeout: 30_000 });
    assert.equal(await rows.count(), 8);
    assert.match((await rows.first().locator('.vgrid-cell').nth(2).textContent()) ?? '', /^0x[0-9a-f]+$/);
    await body.locator('#step-first').click();
    assert.match(await body.locator('.stepper-label').textContent() ?? '', /^Step 1 \//);
    await wb.screenshot('inspector-workbench');
  } finally {
    await wb.close();
  }
});

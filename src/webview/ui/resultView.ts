/**
 * The result of one walk: the address-space map, the step-by-step stepper, tabs with the pfn grid (input and output
 * side by side), the same grid as runs, the trace events and the problems, and the detail pane of the selected entry.
 * Every view shows the state as of the selected step: the map, the grid's Page state and Output, the detail pane.
 */
import type { DiagnosticDto, TraceEventDto } from '../../protocol/messages';
import { formatSize } from '../../core/layouts/bits';
import { orderMeaning } from '../../core/layouts/orders';
import { parseJump } from '../model/address';
import { copyC, copyHex, copyMarkdown, describeWord, type CopySource } from '../model/copyFormats';
import { applyFilter, filterKey, parseFilterKey, rowOfIndex, type RowFilter } from '../model/filter';
import { shortHex, wordHex } from '../model/fastLayout';
import { Kind, KIND_ORDER, kindCounts, kindName } from '../model/pageKinds';
import { EntryStatus, statusAt, writersAt } from '../model/replay';
import { RunRows } from '../model/entryRuns';
import { kernelIdentUrl } from '../model/kernelSource';
import { sameAsFinal, storedRuns, storedRunText, storedSummary } from '../model/stored';
import type { WalkData } from '../model/walkData';
import { AddressMap } from './addressMap';
import { DetailPane } from './detailPane';
import { button, custom, h, select } from './dom';
import { renderChips } from './flagChips';
import { renderProblems } from './problems';
import { Stepper } from './stepper';
import { VirtualGrid, type ColumnState } from './virtualGrid';

export interface ResultCallbacks {
  select(first: number, end: number): void;
  copy(format: 'hex' | 'c' | 'markdown', text: string): void;
  openSource(line: number, col: number): void;
  openExternal(url: string): void;
  stateChanged(): void;
}

export interface ResultUiState {
  filter: string; top: number; step: number; tab: number;
  /** the entry the detail pane shows (-1: closed) */
  detail?: number;
  columns?: ColumnState;
}

const ROW_H = 22;
const MAX_COPY_ROWS = 1 << 20;
/** tab order: Entries, Runs, Trace, Problems */
const TAB_ENTRIES = 0, TAB_RUNS = 1;

/** Short Page state text for a kind; a word known only by its order says how big, not which kind of mapping. */
function stateText(kind: number, devices: readonly string[], order: number, pageSize: number): string {
  if (kind === Kind.Huge && order > 0) return `${formatSize(BigInt(pageSize) << BigInt(order))} mapping (order ${order})`;
  return kindName(kind, devices);
}

export class ResultView {
  readonly element: HTMLElement;
  readonly map: AddressMap;
  readonly grid: VirtualGrid;
  readonly stepper: Stepper;
  readonly events: VirtualGrid;
  readonly runsGrid: VirtualGrid;
  readonly detail: DetailPane;
  private readonly toolbar: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly status: HTMLElement;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly traceHeader: HTMLElement;
  private readonly problemsHeader: HTMLElement;
  private readonly runsHeader: HTMLElement;
  private walk?: WalkData;
  private kernel?: string;
  private rows?: Uint32Array;
  private runRows?: RunRows;
  private filter: RowFilter = { kind: 'all' };
  private step = -1;
  /** kinds as of the current step (the final kinds at the last step) */
  private stepKinds?: Uint8Array;
  private stepStatus?: { first: number; status: Uint8Array };
  private jumpField!: HTMLElement & { value: string };
  private jumpError!: HTMLElement;
  private filterSelect?: HTMLElement;
  private diagnostics: readonly DiagnosticDto[] = [];
  private mismatchSet = new Set<number>();
  private problemsTimer = 0;
  /** "Loading… 37%" while a large result's arrays arrive (its first rows are shown already) */
  private readonly loadingEl: HTMLElement;
  private readonly loadingText: HTMLElement;
  private readonly loadingBar: HTMLProgressElement;

  constructor(private readonly cb: ResultCallbacks) {
    this.element = h('div', 'result-view');
    this.map = new AddressMap((page) => this.revealIndex(page, true));
    this.stepper = new Stepper((step, e) => this.onStep(step, e), {
      describeRange: (f, e) => this.describeRange(f, e),
      stored: (k) => this.storedLines(k),
      kernelUrl: (fn) => kernelIdentUrl(fn, this.kernel),
      openKernelSource: (fn) => this.openKernelSource(fn),
    });
    this.toolbar = h('div', 'toolbar');
    this.toolbar.setAttribute('role', 'toolbar');
    this.toolbar.setAttribute('aria-label', 'Entries');
    this.status = h('span', 'toolbar-status');
    this.status.setAttribute('aria-live', 'polite');
    this.detail = new DetailPane({
      close: () => this.closeDetail(),
      goToStep: (k) => this.stepper.go(k),
      openKernelSource: (fn) => this.openKernelSource(fn),
      kernelUrl: (fn) => kernelIdentUrl(fn, this.kernel),
    });
    this.grid = new VirtualGrid({
      label: 'pfn array', rowHeight: ROW_H,
      columns: [
        { id: 'index', title: '#', minCh: 2, align: 'right', description: 'Entry index in the hmm_pfns array' },
        { id: 'problems', title: '⚠', label: 'Problems', minCh: 2, description: 'Problems the word has (the core\'s check, as the hover)' },
        { id: 'addr', title: 'Address', minCh: 14, priority: 3, description: 'Virtual address of the page' },
        { id: 'in', title: 'Input', minCh: 18, priority: 5, description: 'The word the driver passed in (the request)' },
        { id: 'inflags', title: 'Input flags', minCh: 10, grow: 0.6, priority: 7, description: 'Request flags of the input word' },
        { id: 'out', title: 'Output', minCh: 18, priority: 2, description: 'The word in the array as of the selected step' },
        { id: 'flags', title: 'Output flags', minCh: 12, grow: 1, description: 'Decoded flags of the output word' },
        { id: 'pfn', title: 'pfn', minCh: 8, priority: 4, description: 'The pfn field' },
        { id: 'order', title: 'Order', minCh: 5, align: 'right', priority: 6, description: 'The map order field (v5.10+)' },
        { id: 'state', title: 'Page state', minCh: 10, grow: 0.4, description: 'The page-table state the walk saw, as of the selected step' },
      ],
      render: (row, cells, el) => this.renderRow(row, cells, el),
      onSelect: (f, e) => this.onGridSelect(f, e),
      onScroll: (top, vis) => this.onGridScroll(top, vis),
      onActivate: (row) => this.openDetail(this.indexOfRow(row)),
      onCopy: () => this.copy('hex'),
      onColumns: () => cb.stateChanged(),
    });
    this.runsGrid = new VirtualGrid({
      label: 'pfn runs', rowHeight: ROW_H, role: 'treegrid',
      columns: [
        { id: 'entries', title: 'Entries', minCh: 10, description: 'A run of entries with the same decoded state, or one entry of an expanded run' },
        { id: 'count', title: 'Count', minCh: 5, align: 'right' },
        { id: 'addr', title: 'Address', minCh: 14, priority: 3 },
        { id: 'out', title: 'First word', minCh: 18, priority: 2 },
        { id: 'flags', title: 'Flags', minCh: 12, grow: 1 },
        { id: 'order', title: 'Order', minCh: 5, align: 'right', priority: 4 },
        { id: 'state', title: 'Page state', minCh: 10, grow: 0.4, priority: 2 },
      ],
      render: (row, cells, el) => this.renderRunRow(row, cells, el),
      onSelect: (f) => this.onRunSelect(f),
      onActivate: (row) => this.activateRunRow(row),
    });
    this.runsGrid.element.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const rr = this.runRows;
      const row = this.runsGrid.focusedRow;
      if (!rr || row < 0) return;
      const at = rr.at(row);
      if (at.entry >= 0) return;
      if ((e.key === 'ArrowRight') !== rr.isExpanded(at.run)) { e.stopPropagation(); this.toggleRun(at.run); }
    }, true);
    this.events = new VirtualGrid({
      label: 'trace events', rowHeight: ROW_H,
      columns: [
        { id: 'k', title: 'Step', minCh: 4, align: 'right' },
        { id: 'attempt', title: 'Call', minCh: 4, align: 'right', priority: 3, description: 'Which hmm_range_fault() call of the driver loop' },
        { id: 'kind', title: 'Kind', minCh: 8 },
        { id: 'fn', title: 'Kernel function', minCh: 14, description: 'The kernel function the step mirrors; click for its source in the modelled release' },
        { id: 'range', title: 'Entries', minCh: 8, priority: 3 },
        { id: 'state', title: 'State', minCh: 10, description: 'The entry state the walk saw' },
        { id: 'rule', title: 'Rule', minCh: 12, grow: 1 },
        { id: 'stored', title: 'Stored', minCh: 12, grow: 0.5, priority: 5, description: 'The words the step stored (run-compressed)' },
      ],
      render: (row, cells, el) => this.renderEvent(row, cells, el),
      onSelect: (f) => this.stepper.go(f),
      onActivate: (row) => this.stepper.go(row),
    });
    this.problems = h('div', 'problems');
    this.tabs = custom('vscode-tabs', { 'selected-index': '0' }) as HTMLElement & { selectedIndex: number };
    this.runsHeader = custom('vscode-tab-header', { slot: 'header', 'data-tab': 'runs' }, 'Runs');
    this.traceHeader = custom('vscode-tab-header', { slot: 'header', 'data-tab': 'trace' }, 'Trace');
    this.problemsHeader = custom('vscode-tab-header', { slot: 'header', 'data-tab': 'problems' }, 'Problems');
    const panel = (child: HTMLElement) => { const p = custom('vscode-tab-panel'); p.append(child); return p; };
    this.tabs.append(custom('vscode-tab-header', { slot: 'header', 'data-tab': 'entries' }, 'Entries'), panel(this.grid.element),
      this.runsHeader, panel(this.runsGrid.element), this.traceHeader, panel(this.events.element),
      this.problemsHeader, panel(this.problems));
    this.tabs.addEventListener('vsc-tabs-select', () => {
      if (this.tabs.selectedIndex === TAB_RUNS) this.ensureRuns();
      cb.stateChanged();
    });
    const mapBox = h('section', 'map-box');
    mapBox.setAttribute('aria-label', 'Address-space map');
    mapBox.append(this.map.element);
    const split = h('div', 'result-split');
    split.append(this.tabs, this.detail.element);
    this.loadingEl = h('div', 'result-loading');
    this.loadingEl.setAttribute('role', 'status');
    this.loadingText = h('span', 'result-loading-text');
    this.loadingBar = document.createElement('progress');
    this.loadingBar.max = 1000;
    this.loadingBar.setAttribute('aria-label', 'Loading the rest of the walk result');
    this.loadingEl.append(this.loadingBar, this.loadingText);
    this.loadingEl.hidden = true;
    this.element.append(mapBox, this.loadingEl, this.stepper.element, this.toolbar, split);
    this.buildToolbar();
  }

  private buildToolbar(): void {
    this.jumpField = custom('vscode-textfield', { placeholder: 'Jump to 0x… address or #index', 'aria-label': 'Jump to address', id: 'jump' }) as HTMLElement & { value: string };
    this.jumpField.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter') this.jump(); });
    this.jumpError = h('span', 'jump-error');
    this.jumpError.setAttribute('role', 'alert');
    this.toolbar.append(
      h('span', 'filter-slot'),
      this.jumpField,
      button('Go', 'arrow-right', () => this.jump(), { id: 'jump-go', title: 'Jump to the address' }),
      this.jumpError,
      h('span', 'toolbar-spacer'),
      button('Details', 'inspect', () => this.openDetail(this.selectedIndex()), { id: 'open-detail', title: 'Open the detail pane of the selected entry (Enter)' }),
      button('Hex', 'copy', () => this.copy('hex'), { id: 'copy-hex', title: 'Copy the selected entries as hex words' }),
      button('C', 'code', () => this.copy('c'), { id: 'copy-c', title: 'Copy the selected entries as a C array initializer' }),
      button('Markdown', 'markdown', () => this.copy('markdown'), { id: 'copy-md', title: 'Copy the selected entries as a Markdown table' }),
      this.status,
    );
  }

  private rebuildFilter(): void {
    const w = this.walk;
    if (!w) return;
    const opts: [string, string][] = [['all', 'All entries']];
    for (const f of w.layout.flags) if (f.direction !== 'in') opts.push([`flag:${f.name}`, `Flag ${f.name}`]);
    const counts = kindCounts(w.kinds);
    const order = [...KIND_ORDER];
    for (let k = 0; k < counts.length; k++) if (counts[k] && !order.includes(k)) order.push(k);
    for (const k of order) {
      if (counts[k]) opts.push([`state:${k}`, `State: ${kindName(k, w.devices.names)} (${counts[k].toLocaleString('en-US')})`]);
    }
    if (w.inW) opts.push(['changed', 'Output ≠ input']);
    if (w.dto.expect?.mismatches.length) opts.push(['mismatch', `Expect mismatches (${w.dto.expect.mismatches.length})`]);
    opts.push(['problems', 'Words with problems']);
    const sel = select(opts, filterKey(this.filter), 'Filter entries', (v) => this.setFilter(parseFilterKey(v)));
    sel.id = 'filter';
    if (this.filterSelect) this.filterSelect.replaceWith(sel);
    else this.toolbar.querySelector('.filter-slot')?.replaceWith(sel);
    this.filterSelect = sel;
  }

  /** milliseconds of each part of the last show(), for the benchmark hooks */
  readonly timings: Record<string, number> = {};

  /** Forget everything about the walk shown before (a new view): jump text, errors, selection, detail pane. */
  reset(): void {
    this.jumpField.value = '';
    this.jumpError.textContent = '';
    this.status.textContent = '';
    this.detail.hide();
    this.filter = { kind: 'all' };
    this.runRows = undefined;
    this.grid.resetContentWidths();
    this.events.resetContentWidths();
    this.runsGrid.resetContentWidths();
    this.grid.setColumnState(undefined);
    this.tabs.selectedIndex = TAB_ENTRIES;
  }

  /** More of the shown walk arrived (`fraction` of its words): more rows to show. */
  loadingProgress(fraction: number): void {
    const w = this.walk;
    if (!w) return;
    this.loadingEl.hidden = false;
    this.loadingBar.value = Math.round(fraction * 1000);
    this.loadingText.textContent = `Loading ${w.pages.toLocaleString('en-US')} entries… ${Math.floor(fraction * 100)}% (the rows and the map fill in as they arrive)`;
    this.grid.refresh();
  }

  /** The whole walk has arrived: what depends on all of it (kinds, filters, problems, runs) again; UI state kept. */
  dataComplete(): void {
    const w = this.walk;
    if (!w) return;
    this.loadingEl.hidden = true;
    const last = w.dto.trace.length - 1;
    this.stepKinds = this.step >= last ? w.kinds : w.steps.at(this.step);
    this.map.setData({ pages: w.pages, kinds: this.stepKinds, start: w.start, pageSize: w.dto.pageSize, vmas: w.dto.vmas,
      devices: w.devices.names, ...(this.stepStatus ? { progress: this.stepStatus.status } : {}) });
    this.rebuildFilter();
    this.applyFilter(true);
    this.runRows = undefined;
    if (this.tabs.selectedIndex === TAB_RUNS) this.ensureRuns();
    this.grid.refresh();
    this.events.refresh();
    this.stepper.go(this.step, false);
    if (this.detail.open) this.detail.show(w, this.detail.index, this.step, this.stepKinds, this.kernel);
    clearTimeout(this.problemsTimer);
    this.problemsTimer = window.setTimeout(() => { if (this.walk === w) this.renderProblems(true); }, 30);
  }

  show(walk: WalkData, diagnostics: readonly DiagnosticDto[], ui: Partial<ResultUiState> | undefined, kernel: string | undefined,
    loading?: number): void {
    let t = performance.now();
    const lap = (name: string) => { const n = performance.now(); this.timings[name] = n - t; t = n; };
    if (this.walk !== walk) {
      this.detail.hide();
      this.runRows = undefined;
    }
    this.walk = walk;
    this.kernel = kernel;
    this.diagnostics = diagnostics;
    this.mismatchSet = new Set(walk.dto.expect?.mismatches.map((m) => m.index) ?? []);
    this.filter = parseFilterKey(ui?.filter ?? 'all');
    this.stepStatus = undefined;
    this.stepKinds = walk.kinds;
    if (ui?.columns) this.grid.setColumnState(ui.columns);
    // bare values have no address and no input: those columns start hidden (the chooser shows them)
    else if (walk.start === null && !walk.dto.hasInput) this.grid.setColumnState({ hidden: ['addr', 'in', 'inflags'], shown: [], widths: {} });
    this.grid.setMinCh('index', Math.max(1, String(Math.max(0, walk.pages - 1)).length));
    const lastAddr = walk.addressOf(Math.max(0, walk.pages - 1));
    this.grid.setMinCh('addr', lastAddr === null ? 6 : lastAddr.toString(16).length + 2);
    lap('kinds');
    this.map.setData({ pages: walk.pages, kinds: walk.kinds, start: walk.start, pageSize: walk.dto.pageSize,
      vmas: walk.dto.vmas, devices: walk.devices.names });
    lap('mapData');
    this.rebuildFilter();
    lap('filterOptions');
    this.applyFilter(false);
    lap('filter');
    const trace = walk.dto.trace;
    this.traceHeader.textContent = `Trace (${trace.length})`;
    this.events.setRowCount(trace.length);
    this.events.setMinCh('k', String(trace.length).length);
    this.step = trace.length - 1;
    this.stepper.setTrace(trace, ui?.step ?? trace.length - 1);
    if (ui?.step !== undefined && ui.step < trace.length - 1) this.onStep(ui.step, trace[ui.step]);
    lap('trace');
    this.renderProblems(false);
    this.runsHeader.textContent = 'Runs';
    if (ui?.top) this.grid.scrollToRow(ui.top, false);
    if (ui?.tab !== undefined) this.tabs.selectedIndex = ui.tab;
    if (this.tabs.selectedIndex === TAB_RUNS) this.ensureRuns();
    this.grid.render();
    lap('grid');
    this.map.draw();
    lap('map');
    if (ui?.detail !== undefined && ui.detail >= 0 && ui.detail < walk.pages) this.openDetail(ui.detail, false);
    // the word problems of every entry: after the first paint (a 16M scan must not delay it), and only once it is all here
    clearTimeout(this.problemsTimer);
    this.loadingEl.hidden = loading === undefined;
    if (loading !== undefined) this.loadingProgress(loading);
    else this.problemsTimer = window.setTimeout(() => { if (this.walk === walk) this.renderProblems(true); }, 30);
  }

  uiState(): ResultUiState {
    return { filter: filterKey(this.filter), top: this.grid.topRow, step: this.step, tab: this.tabs.selectedIndex ?? 0,
      detail: this.detail.open ? this.detail.index : -1, columns: this.grid.columnState() };
  }

  /** The step shown (-1 before any). */
  get currentStep(): number { return this.step; }

  /** Kinds as of the current step. */
  get kindsNow(): Uint8Array | undefined { return this.stepKinds; }

  private setFilter(f: RowFilter): void {
    this.filter = f;
    this.applyFilter(true);
    this.cb.stateChanged();
  }

  private applyFilter(keepIndex: boolean): void {
    const w = this.walk;
    if (!w || !w.outW) return;
    const topIndex = this.indexOfRow(this.grid.topRow);
    this.rows = applyFilter(this.filter, { pages: w.pages, output: w.outW, input: w.inW, layout: w.layout,
      kinds: w.kinds, mismatches: w.dto.expect?.mismatches.map((m) => m.index) ?? [],
      problemRuns: this.filter.kind === 'problems' ? w.problemRuns.runs : undefined });
    this.grid.setRowCount(this.rows ? this.rows.length : w.pages);
    if (keepIndex && topIndex >= 0) this.grid.scrollToRow(rowOfIndex(this.rows, topIndex), false);
    this.updateStatus();
  }

  private indexOfRow(row: number): number {
    if (!this.rows) return row;
    return row < this.rows.length ? this.rows[row] : -1;
  }

  private selectedIndex(): number {
    const s = this.grid.selection;
    return s ? this.indexOfRow(s[0]) : -1;
  }

  private updateStatus(): void {
    const w = this.walk;
    if (!w) return;
    const sel = this.grid.selection;
    const shown = this.rows ? this.rows.length : w.pages;
    const parts = [`${shown.toLocaleString('en-US')} of ${w.pages.toLocaleString('en-US')} entries`];
    if (sel) {
      const a = this.indexOfRow(sel[0]);
      const b = this.indexOfRow(sel[1] - 1);
      parts.push(sel[1] - sel[0] === 1 ? `selected #${a}` : `selected ${sel[1] - sel[0]} rows (#${a}–#${b})`);
    }
    this.status.textContent = parts.join(' · ');
  }

  describeRange(first: number, end: number): string {
    const w = this.walk;
    if (!w) return '';
    const n = end - first;
    const a = w.addressOf(first);
    return `#${first}${n > 1 ? `–#${end - 1}` : ''}${a !== null ? ` (0x${a.toString(16)}${n > 1 ? `, ${n} pages` : ''})` : ''}`;
  }

  private storedLines(k: number): { lines: string[]; more: number } {
    const w = this.walk;
    const e = w?.dto.trace[k];
    if (!w || !w.outW || !e || e.kind !== 'output') return { lines: [], more: 0 };
    const { runs, truncated } = storedRuns(k, w.dto.trace, () => w.lastWriters, w.outW, w.layout.pfnStride, 9, w.loaded);
    const lines = runs.slice(0, 8).map((r) => storedRunText(r, e.rule));
    return { lines, more: runs.length > 8 || truncated ? Math.max(1, runs.length - 8) : 0 };
  }

  private renderRow(row: number, cells: HTMLElement[], el: HTMLElement): void {
    const w = this.walk;
    if (!w || !w.outW) return;
    const i = this.indexOfRow(row);
    const L = w.layout;
    cells[0].textContent = String(i);
    const a = w.addressOf(i);
    cells[2].textContent = a === null ? '' : '0x' + a.toString(16);
    el.setAttribute('aria-label', `entry ${i}`);
    const waiting = i >= w.loaded;
    el.classList.toggle('loading-row', waiting);
    if (waiting) {
      // this entry's words have not arrived yet
      for (const c of [3, 5, 7, 8]) cells[c].textContent = c === 5 || (c === 3 && w.dto.hasInput) ? '…' : '';
      for (const c of [4, 6]) { cells[c].replaceChildren(); cells[c].dataset.key = ''; }
      cells[5].title = 'Not arrived yet';
      this.renderProblemMark(cells[1], []);
      cells[9].textContent = kindName((this.stepKinds ?? w.kinds)[i], w.devices.names);
      for (const c of ['pending', 'superseded', 'in-step', 'mismatch']) el.classList.remove(c);
      return;
    }
    if (w.inW && i >= w.inputLoaded) {
      cells[3].textContent = '…';
      cells[4].replaceChildren();
      cells[4].dataset.key = '';
    } else if (w.inW) {
      const ilo = w.inW[2 * i], ihi = w.inW[2 * i + 1];
      cells[3].textContent = wordHex(ilo, ihi);
      renderChips(cells[4], L, ilo, ihi, false);
    } else {
      cells[3].textContent = '';
      cells[4].replaceChildren();
      cells[4].dataset.key = '';
    }
    const last = w.dto.trace.length - 1;
    let status: number = EntryStatus.Final;
    if (this.step < last && this.stepStatus) {
      const j = i - this.stepStatus.first;
      status = j >= 0 && j < this.stepStatus.status.length ? this.stepStatus.status[j] : EntryStatus.Final;
    }
    el.classList.toggle('in-step', this.inStep(i));
    el.classList.toggle('mismatch', this.mismatchSet.has(i));
    // the word in the array as of the step: the input word, the final word, or (rewritten later) the word this
    // write stored when it is known to be the final one, else "not recorded"
    let lo = w.outW[2 * i], hi = w.outW[2 * i + 1];
    let known = true;
    let note = '';
    if (status === EntryStatus.Input) {
      lo = w.inW ? w.inW[2 * i] : 0;
      hi = w.inW ? w.inW[2 * i + 1] : 0;
      note = 'Not written yet at this step: the array still holds the driver\'s input word.';
    } else if (status === EntryStatus.Superseded) {
      const writer = writersAt(this.step, w.dto.trace, i, i + 1)[0];
      known = writer >= 0 && sameAsFinal(i, writer, w.lastWriters[i], w.dto.trace);
      note = known ? `Written by step ${writer + 1} and rewritten later by step ${w.lastWriters[i] + 1} with the same state and rule, nothing changed the page in between: the same word.`
        : `Written by step ${writer + 1}, rewritten later after the page changed: the value of this write is not recorded in the trace.`;
    }
    el.classList.toggle('pending', status === EntryStatus.Input);
    el.classList.toggle('superseded', status === EntryStatus.Superseded);
    cells[5].title = note;
    if (!known) {
      cells[5].textContent = 'not recorded';
      cells[6].replaceChildren();
      cells[6].dataset.key = '';
      cells[7].textContent = '';
      cells[8].textContent = '';
      this.renderProblemMark(cells[1], []);
    } else {
      cells[5].textContent = wordHex(lo, hi);
      renderChips(cells[6], L, lo, hi, status !== EntryStatus.Input);
      const [plo, phi] = L.pfnHalves(lo, hi);
      cells[7].textContent = plo === 0 && phi === 0 ? '' : shortHex(plo, phi);
      const order = L.order(lo, hi);
      cells[8].textContent = order ? String(order) : '';
      this.renderProblemMark(cells[1], status === EntryStatus.Input ? [] : w.problems.of(lo, hi));
    }
    const kinds = this.stepKinds ?? w.kinds;
    const order = L.order(w.outW[2 * i], w.outW[2 * i + 1]);
    cells[9].textContent = stateText(kinds[i], w.devices.names, order, w.dto.pageSize);
    cells[9].title = kinds[i] === Kind.Huge ? orderMeaning(order, w.dto.pageSize).text
      : kinds[i] === Kind.NotSeen ? 'The walk has not looked at this page yet, and something changed it before it did: its state before the walk is not recorded.' : '';
  }

  private renderProblemMark(cell: HTMLElement, problems: readonly string[]): void {
    const key = problems.length ? problems.join('\n') : '';
    if (cell.dataset.problems === key && cell.dataset.set === '1') return;
    cell.dataset.problems = key;
    cell.dataset.set = '1';
    cell.replaceChildren();
    if (problems.length) {
      const m = h('span', 'problem-mark codicon codicon-warning');
      m.setAttribute('role', 'img');
      m.setAttribute('aria-label', `${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`);
      cell.title = problems.join('\n');
      cell.append(m);
      if (problems.length > 1) cell.append(h('span', 'problem-count', String(problems.length)));
    } else cell.removeAttribute('title');
  }

  private inStep(i: number): boolean {
    const w = this.walk;
    if (!w || this.step < 0 || this.step >= w.dto.trace.length - 1) return false;
    const e = w.dto.trace[this.step];
    return i >= e.first && i < e.end;
  }

  private renderEvent(row: number, cells: HTMLElement[], el: HTMLElement): void {
    const w = this.walk;
    const e = w?.dto.trace[row];
    if (!w || !e) return;
    el.classList.toggle('current', row === this.step);
    el.dataset.kind = e.kind;
    cells[0].textContent = String(row + 1);
    cells[1].textContent = String(e.attempt);
    cells[2].textContent = e.kind;
    const key = `${e.fn}`;
    if (cells[3].dataset.key !== key) {
      cells[3].dataset.key = key;
      const url = kernelIdentUrl(e.fn, this.kernel);
      if (url) {
        const a = document.createElement('a');
        a.className = 'fn-link';
        a.href = url;
        a.tabIndex = -1;
        a.textContent = e.fn;
        a.title = `Open ${e.fn} in the kernel source (${url})`;
        a.addEventListener('click', (m) => { m.preventDefault(); m.stopPropagation(); this.openKernelSource(e.fn); });
        a.addEventListener('mousedown', (m) => m.stopPropagation());
        cells[3].replaceChildren(a);
      } else cells[3].textContent = e.fn;
    }
    cells[4].textContent = e.end > e.first ? `#${e.first}${e.end - e.first > 1 ? `–#${e.end - 1}` : ''}` : '';
    cells[5].textContent = e.state;
    cells[6].textContent = e.rule;
    if (e.kind === 'output' && w.outW) {
      const s = storedRuns(row, w.dto.trace, () => w.lastWriters, w.outW, w.layout.pfnStride, 2, w.loaded);
      cells[7].textContent = storedSummary(s.runs, s.truncated);
    } else cells[7].textContent = '';
    el.title = e.why;
    el.setAttribute('aria-label', `step ${row + 1}: ${e.kind} ${e.fn}`);
  }

  private openKernelSource(fn: string): void {
    const url = kernelIdentUrl(fn, this.kernel);
    if (url) this.cb.openExternal(url);
  }

  private onStep(step: number, e: TraceEventDto | undefined): void {
    const w = this.walk;
    if (!w) return;
    this.step = step;
    const final = step >= w.dto.trace.length - 1;
    // the states the walk saw as of this step, in the map, the grid's Page state and the detail pane
    this.stepKinds = final ? w.kinds : w.steps.at(step);
    if (final) {
      this.stepStatus = undefined;
      this.map.setData({ pages: w.pages, kinds: w.kinds, start: w.start, pageSize: w.dto.pageSize, vmas: w.dto.vmas,
        devices: w.devices.names });
    } else {
      const all = statusAt(step, w.dto.trace, w.lastWriters, 0, w.pages);
      this.stepStatus = { first: 0, status: all };
      this.map.setData({ pages: w.pages, kinds: this.stepKinds, start: w.start, pageSize: w.dto.pageSize, vmas: w.dto.vmas,
        devices: w.devices.names, progress: all });
    }
    this.grid.setColumnTitle('state', final ? 'Page state' : `Page state (step ${step + 1})`);
    this.grid.setColumnTitle('out', final ? 'Output' : `Output (step ${step + 1})`);
    this.map.setOverlay({ step: e && e.end > e.first ? [e.first, e.end] : undefined });
    if (e && e.end > e.first) {
      const r = rowOfIndex(this.rows, e.first);
      const top = this.grid.topRow;
      if (r < top || r >= top + this.grid.visibleRows) this.grid.scrollToRow(r, true);
    }
    this.events.scrollToRow(step, false);
    this.events.refresh();
    this.grid.refresh();
    if (this.detail.open) this.detail.show(w, this.detail.index, step, this.stepKinds, this.kernel);
    this.cb.stateChanged();
  }

  private onGridSelect(first: number, end: number): void {
    const a = this.indexOfRow(first);
    const b = this.indexOfRow(end - 1) + 1;
    this.map.setOverlay({ selection: [a, b] });
    this.updateStatus();
    if (this.detail.open && this.walk) this.detail.show(this.walk, this.indexOfRow(this.grid.focusedRow >= 0 ? this.grid.focusedRow : first), this.step, this.stepKinds ?? this.walk.kinds, this.kernel);
    this.cb.select(a, b);
  }

  private onGridScroll(top: number, vis: number): void {
    const w = this.walk;
    if (!w) return;
    const a = this.indexOfRow(top);
    const lastRow = Math.min(this.grid.count, top + vis) - 1;
    if (a >= 0 && lastRow >= 0) this.map.setOverlay({ visible: [a, this.indexOfRow(lastRow) + 1] });
  }

  /** Open the detail pane on entry `index` (and select it). */
  openDetail(index: number, focus = true): void {
    const w = this.walk;
    if (!w || index < 0 || index >= w.pages) return;
    this.detail.show(w, index, this.step, this.stepKinds ?? w.kinds, this.kernel);
    this.element.classList.add('with-detail');
    if (focus) this.detail.element.querySelector<HTMLElement>('.detail-body')?.focus({ preventScroll: true });
    this.cb.stateChanged();
  }

  private closeDetail(): void {
    this.detail.hide();
    this.element.classList.remove('with-detail');
    this.grid.grid.focus({ preventScroll: true });
    this.cb.stateChanged();
  }

  /** Scroll to entry `index` (the nearest shown row under a filter) and select it. */
  revealIndex(index: number, notify: boolean): void {
    const r = rowOfIndex(this.rows, index);
    if (r >= this.grid.count) return;
    this.grid.scrollToRow(r, true);
    this.grid.select(r, r + 1, notify);
    this.updateStatus();
    if (this.detail.open && this.walk) this.detail.show(this.walk, this.indexOfRow(r), this.step, this.stepKinds ?? this.walk.kinds, this.kernel);
  }

  private jump(): void {
    const w = this.walk;
    if (!w) return;
    const res = parseJump(this.jumpField.value ?? '', w.start, w.dto.pageSize, w.pages);
    if (!res.ok) {
      this.jumpError.textContent = res.error;
      return;
    }
    this.jumpError.textContent = '';
    if (this.rows && rowOfIndex(this.rows, res.index) < this.rows.length && this.rows[rowOfIndex(this.rows, res.index)] !== res.index) {
      this.jumpError.textContent = `#${res.index} is hidden by the filter: showing the next entry that passes.`;
    }
    this.revealIndex(res.index, true);
  }

  copy(format: 'hex' | 'c' | 'markdown'): void {
    const w = this.walk;
    if (!w || !w.outW) return;
    const sel = this.grid.selection;
    if (!sel) {
      this.status.textContent = 'Select entries first (click, shift+click).';
      return;
    }
    if (sel[1] - sel[0] > MAX_COPY_ROWS) {
      this.status.textContent = `Selection too large to copy (${sel[1] - sel[0]} rows, at most ${MAX_COPY_ROWS}).`;
      return;
    }
    const rows = this.rows;
    const indices = function* () { for (let r = sel[0]; r < sel[1]; r++) yield rows ? rows[r] : r; };
    const src: CopySource = { words: w.outW, layout: w.layout, start: w.start, pageSize: w.dto.pageSize, name: w.dto.name };
    const text = format === 'hex' ? copyHex(src, indices()) : format === 'c' ? copyC(src, indices()) : copyMarkdown(src, indices());
    this.cb.copy(format, text);
    this.status.textContent = `Copied ${sel[1] - sel[0]} entries as ${format === 'c' ? 'C' : format === 'hex' ? 'hex' : 'Markdown'}.`;
  }

  // ---- runs ----
  private ensureRuns(): void {
    const w = this.walk;
    if (!w || !w.outW || this.runRows) return;
    this.runRows = new RunRows(w.runStarts);
    this.runsHeader.textContent = `Runs (${this.runRows.runCount.toLocaleString('en-US')})`;
    this.runsGrid.setMinCh('entries', 2 * String(Math.max(0, w.pages - 1)).length + 4);
    this.runsGrid.setRowCount(this.runRows.rowCount);
    this.runsGrid.render();
  }

  private toggleRun(r: number): void {
    const rr = this.runRows;
    if (!rr) return;
    const focus = this.runsGrid.focusedRow;
    rr.toggle(r);
    const top = this.runsGrid.topRow;
    this.runsGrid.setRowCount(rr.rowCount, true);
    this.runsGrid.scrollToRow(top, false);
    const row = rr.rowOfRun(r);
    if (focus >= 0) this.runsGrid.select(row, row + 1, false);
    this.runsGrid.refresh();
  }

  private activateRunRow(row: number): void {
    const rr = this.runRows;
    if (!rr) return;
    const at = rr.at(row);
    if (at.entry >= 0 || rr.size(at.run) === 1) this.openDetail(at.entry >= 0 ? at.entry : rr.starts[at.run]);
    else this.toggleRun(at.run);
  }

  private onRunSelect(row: number): void {
    const rr = this.runRows;
    if (!rr) return;
    const at = rr.at(row);
    const first = at.entry >= 0 ? at.entry : rr.starts[at.run];
    const end = at.entry >= 0 ? at.entry + 1 : rr.starts[at.run + 1];
    this.map.setOverlay({ selection: [first, end] });
    if (this.detail.open && this.walk) this.detail.show(this.walk, first, this.step, this.stepKinds ?? this.walk.kinds, this.kernel);
    this.cb.select(first, end);
  }

  private renderRunRow(row: number, cells: HTMLElement[], el: HTMLElement): void {
    const w = this.walk;
    const rr = this.runRows;
    if (!w || !w.outW || !rr) return;
    const at = rr.at(row);
    const s = rr.starts[at.run], e = rr.starts[at.run + 1];
    const n = e - s;
    const i = at.entry >= 0 ? at.entry : s;
    const lo = w.outW[2 * i], hi = w.outW[2 * i + 1];
    el.classList.toggle('run-entry', at.entry >= 0);
    el.setAttribute('aria-level', at.entry >= 0 ? '2' : '1');
    if (at.entry >= 0) {
      cells[0].textContent = `    #${i}`;
      cells[1].textContent = '';
      el.removeAttribute('aria-expanded');
    } else {
      const open = rr.isExpanded(at.run);
      cells[0].textContent = `${n > 1 ? (open ? '▾ ' : '▸ ') : '  '}${n > 1 ? `${s}–${e - 1}` : String(s)}`;
      cells[1].textContent = `×${n.toLocaleString('en-US')}`;
      if (n > 1) el.setAttribute('aria-expanded', String(open)); else el.removeAttribute('aria-expanded');
    }
    const a = w.addressOf(i);
    cells[2].textContent = a === null ? '' : '0x' + a.toString(16);
    cells[3].textContent = wordHex(lo, hi);
    renderChips(cells[4], w.layout, lo, hi, true);
    const order = w.layout.order(lo, hi);
    cells[5].textContent = order ? String(order) : '';
    cells[6].textContent = stateText(w.kinds[i], w.devices.names, order, w.dto.pageSize);
    const label = at.entry >= 0 ? `entry ${i}` : `entries ${s} to ${e - 1}, ${n} ${n === 1 ? 'entry' : 'entries'}: ${describeWord(w.layout, lo, hi)}`;
    el.setAttribute('aria-label', label);
  }

  private renderProblems(withWords: boolean): void {
    const w = this.walk;
    if (!w) return;
    const words = withWords ? w.problemRuns : undefined;
    const n = renderProblems(this.problems, w.dto, this.diagnostics, {
      openSource: (line, col) => this.cb.openSource(line, col),
      reveal: (index) => { this.tabs.selectedIndex = TAB_ENTRIES; this.revealIndex(index, true); },
    }, words);
    this.problemsHeader.textContent = withWords ? `Problems (${n})` : 'Problems (…)';
  }
}

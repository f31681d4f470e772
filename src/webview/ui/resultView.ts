/**
 * The result of one walk: the address-space map, the step-by-step stepper, and tabs with the pfn grid (input and
 * output side by side), the trace events, and the problems (expect mismatches, diagnostics).
 */
import type { DiagnosticDto, TraceEventDto } from '../../protocol/messages';
import { parseJump } from '../model/address';
import { copyC, copyHex, copyMarkdown, type CopySource } from '../model/copyFormats';
import { applyFilter, filterKey, parseFilterKey, rowOfIndex, type RowFilter } from '../model/filter';
import { shortHex, wordHex } from '../model/fastLayout';
import { KIND_ORDER, kindCounts, kindName } from '../model/pageKinds';
import { EntryStatus, statusAt } from '../model/replay';
import type { WalkData } from '../model/walkData';
import { AddressMap } from './addressMap';
import { button, custom, h, select } from './dom';
import { renderChips } from './flagChips';
import { renderProblems } from './problems';
import { Stepper } from './stepper';
import { VirtualGrid } from './virtualGrid';

export interface ResultCallbacks {
  select(first: number, end: number): void;
  copy(format: 'hex' | 'c' | 'markdown', text: string): void;
  openSource(line: number, col: number): void;
  stateChanged(): void;
}

export interface ResultUiState { filter: string; top: number; step: number; tab: number }

const ROW_H = 22;
const MAX_COPY_ROWS = 1 << 20;

export class ResultView {
  readonly element: HTMLElement;
  readonly map: AddressMap;
  readonly grid: VirtualGrid;
  readonly stepper: Stepper;
  private readonly events: VirtualGrid;
  private readonly toolbar: HTMLElement;
  private readonly problems: HTMLElement;
  private readonly status: HTMLElement;
  private readonly tabs: HTMLElement & { selectedIndex: number };
  private readonly traceHeader: HTMLElement;
  private readonly problemsHeader: HTMLElement;
  private walk?: WalkData;
  private rows?: Uint32Array;
  private filter: RowFilter = { kind: 'all' };
  private step = -1;
  private stepStatus?: { first: number; status: Uint8Array };
  private jumpField!: HTMLElement & { value: string };
  private jumpError!: HTMLElement;
  private filterSelect?: HTMLElement;
  private diagnostics: readonly DiagnosticDto[] = [];
  private mismatchSet = new Set<number>();

  constructor(private readonly cb: ResultCallbacks) {
    this.element = h('div', 'result-view');
    this.map = new AddressMap((page) => this.revealIndex(page, true));
    this.stepper = new Stepper((step, e) => this.onStep(step, e), (f, e) => this.describeRange(f, e));
    this.toolbar = h('div', 'toolbar');
    this.toolbar.setAttribute('role', 'toolbar');
    this.status = h('span', 'toolbar-status');
    this.status.setAttribute('aria-live', 'polite');
    this.grid = new VirtualGrid({
      label: 'pfn array', rowHeight: ROW_H,
      columns: [
        { id: 'index', title: '#', width: '8ch', align: 'right' },
        { id: 'addr', title: 'Address', width: '16ch', priority: 2 },
        { id: 'in', title: 'Input', width: '19ch', priority: 6 },
        { id: 'in-flags', title: 'Input flags', width: 'minmax(21ch, 0.8fr)', priority: 7 },
        { id: 'out', title: 'Output', width: '19ch' },
        { id: 'flags', title: 'Output flags', width: 'minmax(12ch, 1fr)' },
        { id: 'pfn', title: 'pfn', width: '14ch', priority: 4 },
        { id: 'order', title: 'Order', width: '6ch', align: 'right', priority: 5 },
        { id: 'state', title: 'Page state', width: 'minmax(10ch, 0.8fr)', priority: 3 },
      ],
      render: (row, cells, el) => this.renderRow(row, cells, el),
      onSelect: (f, e) => this.onGridSelect(f, e),
      onScroll: (top, vis) => this.onGridScroll(top, vis),
      onCopy: () => this.copy('hex'),
    });
    this.events = new VirtualGrid({
      label: 'trace events', rowHeight: ROW_H,
      columns: [
        { id: 'k', title: 'Step', width: '6ch', align: 'right' },
        { id: 'attempt', title: 'Try', width: '4ch', align: 'right', priority: 3 },
        { id: 'kind', title: 'Kind', width: '9ch' },
        { id: 'fn', title: 'Kernel function', width: 'minmax(14ch, 1fr)' },
        { id: 'range', title: 'Entries', width: '16ch', priority: 2 },
        { id: 'state', title: 'State', width: 'minmax(10ch, 0.8fr)', priority: 4 },
        { id: 'rule', title: 'Rule', width: 'minmax(14ch, 1fr)' },
      ],
      render: (row, cells, el) => this.renderEvent(row, cells, el),
      onSelect: (f) => this.stepper.go(f),
    });
    this.problems = h('div', 'problems');
    this.tabs = custom('vscode-tabs', { 'selected-index': '0' }) as HTMLElement & { selectedIndex: number };
    this.traceHeader = custom('vscode-tab-header', { slot: 'header', 'data-tab': 'trace' }, 'Trace');
    this.problemsHeader = custom('vscode-tab-header', { slot: 'header', 'data-tab': 'problems' }, 'Problems');
    const entriesPanel = custom('vscode-tab-panel');
    entriesPanel.append(this.grid.element);
    const tracePanel = custom('vscode-tab-panel');
    tracePanel.append(this.events.element);
    const problemsPanel = custom('vscode-tab-panel');
    problemsPanel.append(this.problems);
    this.tabs.append(custom('vscode-tab-header', { slot: 'header', 'data-tab': 'entries' }, 'Entries'), entriesPanel,
      this.traceHeader, tracePanel, this.problemsHeader, problemsPanel);
    this.tabs.addEventListener('vsc-tabs-select', () => cb.stateChanged());
    const mapBox = h('section', 'map-box');
    mapBox.setAttribute('aria-label', 'Address-space map');
    mapBox.append(this.map.element);
    this.element.append(mapBox, this.stepper.element, this.toolbar, this.tabs);
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
    const sel = select(opts, filterKey(this.filter), 'Filter entries', (v) => this.setFilter(parseFilterKey(v)));
    sel.id = 'filter';
    if (this.filterSelect) this.filterSelect.replaceWith(sel);
    else this.toolbar.querySelector('.filter-slot')?.replaceWith(sel);
    this.filterSelect = sel;
  }

  /** milliseconds of each part of the last show(), for the benchmark hooks */
  readonly timings: Record<string, number> = {};

  show(walk: WalkData, diagnostics: readonly DiagnosticDto[], ui?: Partial<ResultUiState>): void {
    let t = performance.now();
    const lap = (name: string) => { const n = performance.now(); this.timings[name] = n - t; t = n; };
    this.walk = walk;
    this.diagnostics = diagnostics;
    this.mismatchSet = new Set(walk.dto.expect?.mismatches.map((m) => m.index) ?? []);
    this.filter = parseFilterKey(ui?.filter ?? 'all');
    this.stepStatus = undefined;
    void walk.kinds;
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
    this.step = trace.length - 1;
    this.stepper.setTrace(trace, ui?.step ?? trace.length - 1);
    if (ui?.step !== undefined && ui.step < trace.length - 1) this.onStep(ui.step, trace[ui.step]);
    lap('trace');
    this.renderProblems();
    if (ui?.top) this.grid.scrollToRow(ui.top, false);
    if (ui?.tab !== undefined) this.tabs.selectedIndex = ui.tab;
    this.grid.render();
    lap('grid');
    this.map.draw();
    lap('map');
  }

  uiState(): ResultUiState {
    return { filter: filterKey(this.filter), top: this.grid.topRow, step: this.step, tab: this.tabs.selectedIndex ?? 0 };
  }

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
      kinds: w.kinds, mismatches: w.dto.expect?.mismatches.map((m) => m.index) ?? [] });
    this.grid.setRowCount(this.rows ? this.rows.length : w.pages);
    if (keepIndex && topIndex >= 0) this.grid.scrollToRow(rowOfIndex(this.rows, topIndex), false);
    this.updateStatus();
  }

  private indexOfRow(row: number): number {
    if (!this.rows) return row;
    return row < this.rows.length ? this.rows[row] : -1;
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

  private renderRow(row: number, cells: HTMLElement[], el: HTMLElement): void {
    const w = this.walk;
    if (!w || !w.outW) return;
    const i = this.indexOfRow(row);
    const L = w.layout;
    cells[0].textContent = String(i);
    const a = w.addressOf(i);
    cells[1].textContent = a === null ? '' : '0x' + a.toString(16);
    if (w.inW) {
      const ilo = w.inW[2 * i], ihi = w.inW[2 * i + 1];
      cells[2].textContent = wordHex(ilo, ihi);
      renderChips(cells[3], L, ilo, ihi, false);
    } else {
      cells[2].textContent = '';
      cells[3].replaceChildren();
      cells[3].dataset.key = '';
    }
    let status: number = EntryStatus.Final;
    if (this.step < w.dto.trace.length - 1 && this.stepStatus) {
      const j = i - this.stepStatus.first;
      status = j >= 0 && j < this.stepStatus.status.length ? this.stepStatus.status[j] : EntryStatus.Final;
    }
    el.classList.toggle('pending', status === EntryStatus.Input);
    el.classList.toggle('superseded', status === EntryStatus.Superseded);
    el.classList.toggle('in-step', this.inStep(i));
    el.classList.toggle('mismatch', this.mismatchSet.has(i));
    if (status !== EntryStatus.Final) {
      const superseded = status === EntryStatus.Superseded;
      cells[4].textContent = superseded ? 'rewritten later' : 'not written yet';
      cells[4].title = superseded
        ? 'Written by this step or an earlier one, then rewritten after a restart or retry: the value of that earlier write is not recorded in the trace.'
        : 'No output event has written this entry yet: the array still holds the input word.';
      cells[5].replaceChildren();
      cells[5].dataset.key = '';
      cells[6].textContent = '';
      cells[7].textContent = '';
    } else {
      const lo = w.outW[2 * i], hi = w.outW[2 * i + 1];
      cells[4].textContent = wordHex(lo, hi);
      cells[4].title = '';
      renderChips(cells[5], L, lo, hi, true);
      const [plo, phi] = L.pfnHalves(lo, hi);
      cells[6].textContent = plo === 0 && phi === 0 ? '' : shortHex(plo, phi);
      const order = L.order(lo, hi);
      cells[7].textContent = order ? String(order) : '';
    }
    cells[8].textContent = kindName(w.kinds[i], w.devices.names);
  }

  private inStep(i: number): boolean {
    const w = this.walk;
    if (!w || this.step < 0 || this.step >= w.dto.trace.length - 1) return false;
    const e = w.dto.trace[this.step];
    return i >= e.first && i < e.end;
  }

  private renderEvent(row: number, cells: HTMLElement[], el: HTMLElement): void {
    const e = this.walk?.dto.trace[row];
    if (!e) return;
    el.classList.toggle('current', row === this.step);
    el.dataset.kind = e.kind;
    cells[0].textContent = String(row + 1);
    cells[1].textContent = String(e.attempt);
    cells[2].textContent = e.kind;
    cells[3].textContent = e.fn;
    cells[4].textContent = e.end > e.first ? `#${e.first}${e.end - e.first > 1 ? `–#${e.end - 1}` : ''}` : '';
    cells[5].textContent = e.state;
    cells[6].textContent = e.rule;
    el.title = e.why;
  }

  private onStep(step: number, e: TraceEventDto | undefined): void {
    const w = this.walk;
    if (!w) return;
    this.step = step;
    const final = step >= w.dto.trace.length - 1;
    if (final) {
      this.stepStatus = undefined;
      this.map.setData({ pages: w.pages, kinds: w.kinds, start: w.start, pageSize: w.dto.pageSize, vmas: w.dto.vmas,
        devices: w.devices.names });
    } else {
      const all = statusAt(step, w.dto.trace, w.lastWriters, 0, w.pages);
      this.stepStatus = { first: 0, status: all };
      this.map.setData({ pages: w.pages, kinds: w.kinds, start: w.start, pageSize: w.dto.pageSize, vmas: w.dto.vmas,
        devices: w.devices.names, progress: all });
    }
    this.map.setOverlay({ step: e && e.end > e.first && !final ? [e.first, e.end] : e && e.end > e.first ? [e.first, e.end] : undefined });
    if (e && e.end > e.first) {
      const r = rowOfIndex(this.rows, e.first);
      const top = this.grid.topRow;
      if (r < top || r >= top + this.grid.visibleRows) this.grid.scrollToRow(r, true);
    }
    this.events.scrollToRow(step, false);
    this.events.refresh();
    this.grid.refresh();
    this.cb.stateChanged();
  }

  private onGridSelect(first: number, end: number): void {
    const a = this.indexOfRow(first);
    const b = this.indexOfRow(end - 1) + 1;
    this.map.setOverlay({ selection: [a, b] });
    this.updateStatus();
    this.cb.select(a, b);
  }

  private onGridScroll(top: number, vis: number): void {
    const w = this.walk;
    if (!w) return;
    const a = this.indexOfRow(top);
    const lastRow = Math.min(this.grid.count, top + vis) - 1;
    if (a >= 0 && lastRow >= 0) this.map.setOverlay({ visible: [a, this.indexOfRow(lastRow) + 1] });
  }

  /** Scroll to entry `index` (the nearest shown row under a filter) and select it. */
  revealIndex(index: number, notify: boolean): void {
    const r = rowOfIndex(this.rows, index);
    if (r >= this.grid.count) return;
    this.grid.scrollToRow(r, true);
    this.grid.select(r, r + 1, notify);
    this.updateStatus();
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

  private renderProblems(): void {
    if (!this.walk) return;
    const n = renderProblems(this.problems, this.walk.dto, this.diagnostics, {
      openSource: (line, col) => this.cb.openSource(line, col),
      reveal: (index) => { this.tabs.selectedIndex = 0; this.revealIndex(index, true); },
    });
    this.problemsHeader.textContent = `Problems (${n})`;
  }

}

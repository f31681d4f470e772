/**
 * A virtualized ARIA grid for millions of rows: a pool of row elements (only the visible rows exist in the DOM) over a
 * scaled native scrollbar. The scroller's spacer is at most MAX_SCROLL_PX tall (Chromium's layout height tops out
 * near 33.5M px), and the scrollbar position maps linearly onto the first visible row, so row 16M-1 is reachable.
 * Wheel and keys move by rows, not by scaled pixels.
 *
 * Columns: ONE layout for the header and every row — whole-pixel widths computed here (layoutColumns) into one
 * custom property both inherit, inside one box of one width, so header and body cells share left edges and widths at
 * every panel width. A column is never narrower than its content (widths grow to the widest cell rendered); columns
 * that do not fit are hidden lowest priority first and listed by the column chooser (the "+N" corner button), which
 * also shows or hides any column; a header's right edge drags to resize it (double-click: back to automatic). When
 * the columns asked for are wider than the panel, the grid scrolls sideways instead of clipping.
 *
 * ARIA grid pattern: role=grid with aria-rowcount / aria-colcount of the whole data, rows with aria-rowindex,
 * columnheader / gridcell with aria-colindex, aria-activedescendant on the focused cell; arrows, Page Up/Down,
 * Home/End (Ctrl: first/last row), Shift extends the selection, Enter activates (opens the detail pane).
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface Column {
  readonly id: string;
  readonly title: string;
  /** narrowest width, in `ch` of the cell font */
  readonly minCh: number;
  /** share of the spare width (0 or absent: exactly as wide as it needs) */
  readonly grow?: number;
  readonly align?: 'right';
  /** columns with a higher number are hidden first when the grid is too narrow (default 1: never hidden by width) */
  readonly priority?: number;
  /** what the column holds, for the column chooser and the header's tooltip */
  readonly description?: string;
  /** the column's name where its title is a symbol (⚠, ≠): read by screen readers, listed by the chooser */
  readonly label?: string;
}

export interface ColumnState {
  /** columns the user hid / asked to show (the latter are never hidden for width) */
  readonly hidden: readonly string[];
  readonly shown: readonly string[];
  /** widths the user dragged, in px */
  readonly widths: Readonly<Record<string, number>>;
}

export interface ColumnLayoutInput {
  readonly columns: readonly Column[];
  readonly chPx: number;
  readonly gapPx: number;
  /** the box's inner width (without the row padding) */
  readonly availablePx: number;
  readonly userHidden: ReadonlySet<string>;
  readonly userShown: ReadonlySet<string>;
  readonly userWidth: ReadonlyMap<string, number>;
  /** the widest content seen per column, px */
  readonly contentPx: ReadonlyMap<string, number>;
  /** data-driven minimums, in ch (setMinCh) */
  readonly minCh?: ReadonlyMap<string, number>;
}

export interface ColumnLayout {
  readonly shown: readonly boolean[];
  /** columns hidden because the width did not fit them (not by the user) */
  readonly autoHidden: readonly string[];
  /** whole-pixel width per column (0 when hidden) */
  readonly widths: readonly number[];
  /** sum of the shown widths and gaps */
  readonly totalPx: number;
}

/** The column layout: which columns show, and their whole-pixel widths. Pure, for tests. */
export function layoutColumns(i: ColumnLayoutInput): ColumnLayout {
  const cols = i.columns;
  const base = cols.map((c) => {
    const min = Math.ceil(Math.max(c.minCh, i.minCh?.get(c.id) ?? 0) * i.chPx);
    const user = i.userWidth.get(c.id);
    return user !== undefined ? Math.max(Math.ceil(2 * i.chPx), Math.round(user)) : Math.max(min, Math.ceil(i.contentPx.get(c.id) ?? 0));
  });
  const shown = cols.map((c) => !i.userHidden.has(c.id));
  const need = () => {
    let n = 0;
    let k = 0;
    cols.forEach((_, j) => { if (shown[j]) { n += base[j]; k++; } });
    return n + Math.max(0, k - 1) * i.gapPx;
  };
  const autoHidden: string[] = [];
  const order = cols.map((c, j) => [c.priority ?? 1, j] as const)
    .filter(([p, j]) => p > 1 && shown[j] && !i.userShown.has(cols[j].id))
    .sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (const [, j] of order) {
    if (need() <= i.availablePx) break;
    shown[j] = false;
    autoHidden.push(cols[j].id);
  }
  const widths = base.map((b, j) => (shown[j] ? b : 0));
  let total = need();
  let spare = Math.floor(i.availablePx - total);
  if (spare > 0) {
    const growers = cols.map((c, j) => j).filter((j) => shown[j] && (cols[j].grow ?? 0) > 0 && !i.userWidth.has(cols[j].id));
    const weight = growers.reduce((a, j) => a + (cols[j].grow ?? 0), 0);
    if (weight > 0) {
      let given = 0;
      growers.forEach((j, k) => {
        const add = k === growers.length - 1 ? spare - given : Math.floor((spare * (cols[j].grow ?? 0)) / weight);
        widths[j] += add;
        given += add;
      });
      total += spare;
      spare = 0;
    }
  }
  // in column order (the chooser lists them so)
  const ids = cols.map((c) => c.id);
  autoHidden.sort((a, b) => ids.indexOf(a) - ids.indexOf(b));
  return { shown, autoHidden, widths, totalPx: total };
}

export interface GridOptions {
  readonly columns: readonly Column[];
  /** the least row height in px (rows are sized from the font, never below this) */
  readonly rowHeight: number;
  readonly label: string;
  /** 'treegrid' when rows expand (aria-expanded, aria-level on rows) */
  readonly role?: 'grid' | 'treegrid';
  /** fill row `row`'s cells; cells[c] is the cell element of column c */
  readonly render: (row: number, cells: HTMLElement[], rowEl: HTMLElement) => void;
  readonly onSelect?: (first: number, end: number) => void;
  readonly onActivate?: (row: number) => void;
  readonly onScroll?: (top: number, visible: number) => void;
  readonly onCopy?: () => void;
  /** the column layout changed (the caller persists columnState()) */
  readonly onColumns?: () => void;
}

/** Scrollbar geometry: spacer height and the mapping between scrollTop and the top row. Pure, for tests. */
export function scrollGeometry(rowCount: number, rowHeight: number, viewportPx: number): {
  spacerPx: number; maxTopRow: number; scrollRangePx: number;
} {
  const visible = Math.max(1, Math.floor(viewportPx / rowHeight));
  const spacerPx = Math.min(rowCount * rowHeight, MAX_SCROLL_PX);
  return { spacerPx, maxTopRow: Math.max(0, rowCount - visible), scrollRangePx: Math.max(0, spacerPx - viewportPx) };
}

export function topRowForScroll(scrollTop: number, g: ReturnType<typeof scrollGeometry>): number {
  if (g.scrollRangePx <= 0) return 0;
  return Math.min(g.maxTopRow, Math.max(0, Math.round((scrollTop / g.scrollRangePx) * g.maxTopRow)));
}

export function scrollForTopRow(top: number, g: ReturnType<typeof scrollGeometry>): number {
  if (g.maxTopRow <= 0) return 0;
  return (top / g.maxTopRow) * g.scrollRangePx;
}

const GAP_PX = 10;
const PAD_PX = 6;
let gridIds = 0;

export class VirtualGrid {
  /** the grid with its scrollbar and column chooser (what callers place in the page) */
  readonly element: HTMLElement;
  /** the role=grid element */
  readonly grid: HTMLElement;
  private readonly inner: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly header: HTMLElement;
  private readonly headerCells: HTMLElement[] = [];
  private readonly chooserButton: HTMLButtonElement;
  private readonly chooser: HTMLElement;
  private readonly id = `vgrid${++gridIds}`;
  private rows: { el: HTMLElement; cells: HTMLElement[] }[] = [];
  private rowCount = 0;
  private top = 0;
  private viewportPx = 0;
  private rowH: number;
  private settingScroll = -1;
  private wheelAcc = 0;
  private frame = 0;
  private anchor = -1;
  private focus = -1;
  private activeCol = 0;
  private dirty = true;
  private chPx = 0;
  private columnsLayout: ColumnLayout;
  private readonly userHidden = new Set<string>();
  private readonly userShown = new Set<string>();
  private readonly userWidth = new Map<string, number>();
  private readonly contentPx = new Map<string, number>();
  private readonly minCh = new Map<string, number>();
  private lastWidth = -1;
  /** milliseconds of the last render, for the benchmark hooks */
  lastRenderMs = 0;

  constructor(private readonly opts: GridOptions) {
    this.rowH = opts.rowHeight;
    const frame = document.createElement('div');
    frame.className = 'vgrid-frame';
    const el = document.createElement('div');
    el.className = 'vgrid';
    el.id = this.id;
    el.setAttribute('role', opts.role ?? 'grid');
    el.setAttribute('aria-label', opts.label);
    el.setAttribute('aria-colcount', String(opts.columns.length));
    el.setAttribute('aria-multiselectable', 'true');
    el.tabIndex = 0;
    this.inner = document.createElement('div');
    this.inner.className = 'vgrid-inner';
    this.header = document.createElement('div');
    this.header.className = 'vgrid-header';
    this.header.setAttribute('role', 'row');
    this.header.setAttribute('aria-rowindex', '1');
    opts.columns.forEach((c, i) => {
      const hc = document.createElement('div');
      hc.className = 'vgrid-cell' + (c.align === 'right' ? ' right' : '');
      hc.setAttribute('role', 'columnheader');
      hc.setAttribute('aria-colindex', String(i + 1));
      hc.id = `${this.id}-h${i}`;
      const t = document.createElement('span');
      t.className = 'vgrid-title';
      t.textContent = c.title;
      if (c.description) hc.title = c.description;
      if (c.label) hc.setAttribute('aria-label', c.label);
      const grip = document.createElement('div');
      grip.className = 'vgrid-resize';
      grip.setAttribute('aria-hidden', 'true');
      grip.title = 'Drag to resize; double-click: automatic width';
      grip.addEventListener('mousedown', (e) => this.startResize(e, i));
      grip.addEventListener('dblclick', (e) => { e.stopPropagation(); this.userWidth.delete(c.id); this.relayout(); });
      hc.append(t, grip);
      this.header.append(hc);
      this.headerCells.push(hc);
    });
    this.body = document.createElement('div');
    this.body.className = 'vgrid-body';
    this.body.setAttribute('role', 'rowgroup');
    this.inner.append(this.header, this.body);
    el.append(this.inner);
    this.scroller = document.createElement('div');
    this.scroller.className = 'vgrid-scroller';
    this.scroller.setAttribute('aria-hidden', 'true');
    this.scroller.tabIndex = -1;
    this.spacer = document.createElement('div');
    this.spacer.className = 'vgrid-spacer';
    this.scroller.append(this.spacer);
    this.chooserButton = document.createElement('button');
    this.chooserButton.className = 'vgrid-columns';
    this.chooserButton.type = 'button';
    this.chooserButton.setAttribute('aria-haspopup', 'dialog');
    this.chooserButton.setAttribute('aria-expanded', 'false');
    // named from the start: a grid in a tab not shown yet has had no layout pass to count its hidden columns
    this.chooserButton.setAttribute('aria-label', `Columns of the ${opts.label}`);
    this.chooserButton.title = `Columns of the ${opts.label}`;
    this.chooserButton.addEventListener('click', () => this.toggleChooser());
    this.chooser = document.createElement('div');
    this.chooser.className = 'vgrid-chooser';
    this.chooser.setAttribute('role', 'dialog');
    this.chooser.setAttribute('aria-label', `Columns of the ${opts.label}`);
    this.chooser.hidden = true;
    this.chooser.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') { e.stopPropagation(); this.closeChooser(true); }
    });
    frame.append(el, this.chooserButton, this.scroller, this.chooser);
    this.element = frame;
    this.grid = el;
    this.columnsLayout = { shown: opts.columns.map(() => true), autoHidden: [], widths: opts.columns.map(() => 0), totalPx: 0 };

    this.scroller.addEventListener('scroll', () => this.onNativeScroll());
    el.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.body.addEventListener('mousedown', (e) => this.onMouseDown(e));
    this.body.addEventListener('dblclick', (e) => {
      const r = this.rowAt(e);
      if (r >= 0) opts.onActivate?.(r);
    });
    el.addEventListener('keydown', (e) => this.onKey(e));
    el.addEventListener('focus', () => this.updateActive());
    document.addEventListener('mousedown', (e) => {
      if (!this.chooser.hidden && !this.chooser.contains(e.target as Node) && e.target !== this.chooserButton
        && !this.chooserButton.contains(e.target as Node)) this.closeChooser(false);
    });
    new ResizeObserver(() => this.layout()).observe(frame);
  }

  get topRow(): number { return this.top; }
  get visibleRows(): number { return Math.max(1, Math.floor(this.viewportPx / this.rowH)); }
  get count(): number { return this.rowCount; }
  get rowHeight(): number { return this.rowH; }
  get spacerHeight(): number { return parseFloat(this.spacer.style.height) || 0; }
  get selection(): [number, number] | undefined {
    if (this.anchor < 0) return undefined;
    return [Math.min(this.anchor, this.focus), Math.max(this.anchor, this.focus) + 1];
  }
  /** the row with the keyboard focus (the detail pane's entry), -1 when none */
  get focusedRow(): number { return this.focus; }
  /** ids of the columns the width hid (the chooser lists them) */
  get hiddenByWidth(): readonly string[] { return this.columnsLayout.autoHidden; }
  get columnIds(): readonly string[] { return this.opts.columns.map((c) => c.id); }
  /** the column layout and the content widths learnt (tests, the perf hooks) */
  debugColumns(): { layout: ColumnLayout; content: Record<string, number>; chPx: number; width: number } {
    return { layout: this.columnsLayout, content: Object.fromEntries(this.contentPx), chPx: this.chPx, width: this.grid.clientWidth };
  }

  /** Renames column `id` (the header cell's text). */
  setColumnTitle(id: string, title: string): void {
    const i = this.opts.columns.findIndex((c) => c.id === id);
    const cell = i >= 0 ? this.headerCells[i]?.querySelector('.vgrid-title') : undefined;
    if (cell && cell.textContent !== title) {
      cell.textContent = title;
      this.relayout();
    }
  }

  /** A data-driven minimum width of column `id` in ch (e.g. the digits of the largest index). */
  setMinCh(id: string, ch: number): void {
    if (this.minCh.get(id) === ch) return;
    this.minCh.set(id, ch);
    this.relayout();
  }

  /** Forget the widths learnt from content (new data: columns size to it afresh). */
  resetContentWidths(): void {
    this.contentPx.clear();
    this.minCh.clear();
    this.relayout();
  }

  columnState(): ColumnState {
    return { hidden: [...this.userHidden], shown: [...this.userShown], widths: Object.fromEntries(this.userWidth) };
  }

  setColumnState(s: Partial<ColumnState> | undefined): void {
    this.userHidden.clear();
    this.userShown.clear();
    this.userWidth.clear();
    const ids = new Set(this.columnIds);
    for (const id of s?.hidden ?? []) if (ids.has(id)) this.userHidden.add(id);
    for (const id of s?.shown ?? []) if (ids.has(id)) this.userShown.add(id);
    for (const [id, w] of Object.entries(s?.widths ?? {})) if (ids.has(id) && Number.isFinite(w) && w > 0) this.userWidth.set(id, w);
    this.relayout();
  }

  /** Show (true) or hide (false) column `id`, as the chooser does. */
  setColumnVisible(id: string, visible: boolean): void {
    if (visible) { this.userHidden.delete(id); this.userShown.add(id); } else { this.userShown.delete(id); this.userHidden.add(id); }
    this.relayout();
    this.opts.onColumns?.();
  }

  setRowCount(n: number, keepTop = false): void {
    this.rowCount = n;
    if (!keepTop) this.top = 0;
    this.anchor = this.focus = -1;
    this.layout();
  }

  /** Re-render the visible rows (data changed). */
  refresh(): void {
    this.dirty = true;
    this.schedule();
  }

  scrollToRow(row: number, center = true): void {
    const vis = this.visibleRows;
    let top = this.top;
    if (center) top = row - Math.floor(vis / 2);
    else if (row < top) top = row;
    else if (row >= top + vis) top = row - vis + 1;
    this.setTop(top);
  }

  select(first: number, end: number, notify = true): void {
    if (this.rowCount === 0) return;
    this.anchor = Math.max(0, Math.min(first, this.rowCount - 1));
    this.focus = Math.max(this.anchor, Math.min(end - 1, this.rowCount - 1));
    this.refresh();
    if (notify) this.notifySelect();
  }

  private notifySelect(): void {
    const s = this.selection;
    if (s) this.opts.onSelect?.(s[0], s[1]);
  }

  /** Width of one `ch` of the cell font, measured once. */
  private measureFont(): void {
    if (this.chPx) return;
    const probe = document.createElement('div');
    probe.className = 'vgrid-probe';
    const cell = document.createElement('span');
    cell.className = 'vgrid-cell';
    cell.textContent = '0'.repeat(40);
    const chip = document.createElement('span');
    chip.className = 'chip';
    chip.textContent = 'Wg_';
    probe.append(cell, chip);
    this.body.append(probe);
    const w = cell.getBoundingClientRect().width;
    if (w > 0) {
      this.chPx = w / 40;
      // the row fits the font's line box and a chip, with room above and below (underscores and descenders)
      const line = Math.max(cell.getBoundingClientRect().height, chip.getBoundingClientRect().height);
      this.rowH = Math.max(this.opts.rowHeight, Math.ceil(line) + 6);
      this.grid.style.setProperty('--vgrid-row-height', `${this.rowH}px`);
    }
    probe.remove();
  }

  private relayout(): void {
    this.lastWidth = -1;
    this.layoutColumnsNow();
    this.refresh();
  }

  /** Compute and apply the column layout for the current width. */
  private layoutColumnsNow(): void {
    this.measureFont();
    const width = this.grid.clientWidth;
    if (width <= 0 || !this.chPx) return;
    // header titles need their width too
    this.headerCells.forEach((hc, i) => {
      const t = hc.firstElementChild as HTMLElement | null;
      if (!t || hc.hidden) return;
      const need = Math.ceil(t.scrollWidth) + 2 * 4 + 2;
      const id = this.opts.columns[i].id;
      if (need > (this.contentPx.get(id) ?? 0)) this.contentPx.set(id, need);
    });
    const l = layoutColumns({ columns: this.opts.columns, chPx: this.chPx, gapPx: GAP_PX, availablePx: width - 2 * PAD_PX,
      userHidden: this.userHidden, userShown: this.userShown, userWidth: this.userWidth, contentPx: this.contentPx, minCh: this.minCh });
    this.lastWidth = width;
    const prev = this.columnsLayout;
    this.columnsLayout = l;
    const template = l.widths.filter((_, i) => l.shown[i]).map((w) => `${w}px`).join(' ');
    this.grid.style.setProperty('--vgrid-columns', template);
    this.inner.style.width = `${l.totalPx + 2 * PAD_PX}px`;
    if (prev.shown.join() !== l.shown.join()) {
      this.headerCells.forEach((c, i) => { c.hidden = !l.shown[i]; });
      for (const r of this.rows) r.cells.forEach((c, i) => { c.hidden = !l.shown[i]; });
    }
    const n = l.autoHidden.length;
    const names = (ids: readonly string[]) => ids.map((id) => this.opts.columns.find((c) => c.id === id)?.title || id).join(', ');
    this.chooserButton.textContent = n ? `+${n}` : '';
    this.chooserButton.classList.toggle('codicon', n === 0);
    this.chooserButton.classList.toggle('codicon-list-selection', n === 0);
    this.chooserButton.classList.toggle('has-hidden', n > 0);
    const label = n ? `Columns: ${n} hidden for width (${names(l.autoHidden)}); choose columns` : 'Choose columns';
    this.chooserButton.setAttribute('aria-label', label);
    this.chooserButton.title = label;
    if (!this.chooser.hidden) this.renderChooser();
  }

  private layout(): void {
    this.measureFont();
    const headerH = this.header.offsetHeight;
    this.scroller.style.top = `${headerH}px`;
    this.chooserButton.style.height = `${headerH}px`;
    this.viewportPx = this.body.clientHeight;
    const g = scrollGeometry(this.rowCount, this.rowH, this.viewportPx);
    this.spacer.style.height = `${g.spacerPx}px`;
    this.grid.setAttribute('aria-rowcount', String(this.rowCount + 1));
    const need = Math.ceil(this.viewportPx / this.rowH) + 1;
    while (this.rows.length < need) {
      const slot = this.rows.length;
      const el = document.createElement('div');
      el.className = 'vgrid-row';
      el.setAttribute('role', 'row');
      const cells = this.opts.columns.map((c, i) => {
        const cell = document.createElement('div');
        cell.className = 'vgrid-cell' + (c.align === 'right' ? ' right' : '');
        cell.setAttribute('role', 'gridcell');
        cell.setAttribute('aria-colindex', String(i + 1));
        cell.id = `${this.id}-r${slot}-c${i}`;
        cell.hidden = !this.columnsLayout.shown[i];
        el.append(cell);
        return cell;
      });
      this.body.append(el);
      this.rows.push({ el, cells });
    }
    if (this.grid.clientWidth !== this.lastWidth) this.layoutColumnsNow();
    this.setTop(this.top, true);
  }

  private setTop(top: number, force = false): void {
    const g = scrollGeometry(this.rowCount, this.rowH, this.viewportPx);
    const t = Math.max(0, Math.min(g.maxTopRow, Math.round(top)));
    if (t === this.top && !force) return;
    this.top = t;
    const st = scrollForTopRow(t, g);
    if (Math.abs(this.scroller.scrollTop - st) >= 1) {
      this.settingScroll = Math.round(st);
      this.scroller.scrollTop = st;
    }
    this.dirty = true;
    this.schedule();
  }

  private onNativeScroll(): void {
    const st = this.scroller.scrollTop;
    if (this.settingScroll >= 0 && Math.abs(st - this.settingScroll) <= 1) {
      this.settingScroll = -1;
      return;
    }
    this.settingScroll = -1;
    const g = scrollGeometry(this.rowCount, this.rowH, this.viewportPx);
    const t = topRowForScroll(st, g);
    if (t !== this.top) {
      this.top = t;
      this.dirty = true;
      this.schedule();
    }
  }

  private onWheel(e: WheelEvent): void {
    const sideways = e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY);
    if (sideways) {
      // the browser scrolls the grid sideways when it is wider than the panel
      return;
    }
    e.preventDefault();
    const px = e.deltaMode === 1 ? e.deltaY * this.rowH : e.deltaMode === 2 ? e.deltaY * this.viewportPx : e.deltaY;
    this.wheelAcc += px / this.rowH;
    const rows = Math.trunc(this.wheelAcc);
    if (rows !== 0) {
      this.wheelAcc -= rows;
      this.setTop(this.top + rows);
    }
  }

  private rowAt(e: MouseEvent): number {
    const rect = this.body.getBoundingClientRect();
    const r = this.top + Math.floor((e.clientY - rect.top) / this.rowH);
    return r >= 0 && r < this.rowCount ? r : -1;
  }

  private onMouseDown(e: MouseEvent): void {
    const r = this.rowAt(e);
    if (r < 0 || e.button !== 0) return;
    this.grid.focus({ preventScroll: true });
    const cell = (e.target as HTMLElement).closest?.('.vgrid-cell');
    const row = cell?.parentElement ? this.rows.find((x) => x.el === cell.parentElement) : undefined;
    if (row && cell) this.activeCol = Math.max(0, row.cells.indexOf(cell as HTMLElement));
    if (e.shiftKey && this.anchor >= 0) this.focus = r;
    else this.anchor = this.focus = r;
    this.refresh();
    this.notifySelect();
  }

  private shownCols(): number[] {
    return this.opts.columns.map((_, i) => i).filter((i) => this.columnsLayout.shown[i]);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.grid) return;
    const vis = this.visibleRows;
    // the first key press with nothing focused lands on the first visible row
    const none = this.focus < 0;
    let next = none ? this.top : this.focus;
    switch (e.key) {
      case 'ArrowDown': if (!none) next += 1; break;
      case 'ArrowUp': if (!none) next -= 1; break;
      case 'PageDown': next += none ? 0 : vis; break;
      case 'PageUp': next -= none ? 0 : vis; break;
      case 'Home': next = 0; break;
      case 'End': next = this.rowCount - 1; break;
      case 'ArrowLeft': case 'ArrowRight': {
        e.preventDefault();
        const cols = this.shownCols();
        const at = Math.max(0, cols.indexOf(this.activeCol));
        this.activeCol = cols[Math.max(0, Math.min(cols.length - 1, at + (e.key === 'ArrowRight' ? 1 : -1)))] ?? 0;
        if (this.focus < 0 && this.rowCount > 0) { this.anchor = this.focus = this.top; this.notifySelect(); }
        this.revealActiveColumn();
        // the rows stay where they are: move the active cell now (a screen reader announces it with the key press)
        this.updateActive();
        this.refresh();
        return;
      }
      case 'Enter': case ' ':
        e.preventDefault();
        if (this.focus >= 0) this.opts.onActivate?.(this.focus);
        return;
      case 'c': case 'C':
        if (e.ctrlKey || e.metaKey) { e.preventDefault(); this.opts.onCopy?.(); }
        return;
      default: return;
    }
    e.preventDefault();
    if (this.rowCount === 0) return;
    next = Math.max(0, Math.min(this.rowCount - 1, next));
    if (e.shiftKey && this.anchor >= 0) this.focus = next;
    else this.anchor = this.focus = next;
    this.scrollToRow(next, false);
    this.refresh();
    this.notifySelect();
  }

  /** Scroll sideways so the active cell's column is in view. */
  private revealActiveColumn(): void {
    const hc = this.headerCells[this.activeCol];
    if (!hc || hc.hidden) return;
    const left = hc.offsetLeft;
    const right = left + hc.offsetWidth;
    if (left < this.grid.scrollLeft) this.grid.scrollLeft = left;
    else if (right > this.grid.scrollLeft + this.grid.clientWidth) this.grid.scrollLeft = right - this.grid.clientWidth;
  }

  private updateActive(): void {
    const slot = this.focus - this.top;
    const r = slot >= 0 && slot < this.rows.length && this.focus < this.rowCount ? this.rows[slot] : undefined;
    if (!this.columnsLayout.shown[this.activeCol]) this.activeCol = this.shownCols()[0] ?? 0;
    for (const x of this.rows) x.el.querySelector('.active-cell')?.classList.remove('active-cell');
    if (r) {
      const cell = r.cells[this.activeCol];
      cell.classList.add('active-cell');
      this.grid.setAttribute('aria-activedescendant', cell.id);
    } else this.grid.removeAttribute('aria-activedescendant');
  }

  // ---- resizing ----
  private startResize(e: MouseEvent, i: number): void {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    const id = this.opts.columns[i].id;
    const startX = e.clientX;
    const startW = this.columnsLayout.widths[i];
    document.body.classList.add('vgrid-resizing');
    const move = (m: MouseEvent) => {
      this.userWidth.set(id, Math.max(2 * this.chPx, startW + m.clientX - startX));
      this.layoutColumnsNow();
      this.render();
    };
    const up = () => {
      document.removeEventListener('mousemove', move);
      document.removeEventListener('mouseup', up);
      document.body.classList.remove('vgrid-resizing');
      this.opts.onColumns?.();
    };
    document.addEventListener('mousemove', move);
    document.addEventListener('mouseup', up);
  }

  // ---- the column chooser ----
  private toggleChooser(): void {
    if (this.chooser.hidden) {
      this.renderChooser();
      this.chooser.hidden = false;
      this.chooserButton.setAttribute('aria-expanded', 'true');
      (this.chooser.querySelector('input') as HTMLElement | null)?.focus();
    } else this.closeChooser(true);
  }

  private closeChooser(focusButton: boolean): void {
    this.chooser.hidden = true;
    this.chooserButton.setAttribute('aria-expanded', 'false');
    if (focusButton) this.chooserButton.focus();
  }

  private renderChooser(): void {
    const l = this.columnsLayout;
    this.chooser.replaceChildren();
    const head = document.createElement('div');
    head.className = 'vgrid-chooser-title';
    head.textContent = 'Columns';
    this.chooser.append(head);
    this.opts.columns.forEach((c, i) => {
      const row = document.createElement('label');
      row.className = 'vgrid-chooser-item';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.checked = l.shown[i];
      box.dataset.column = c.id;
      box.addEventListener('change', () => this.setColumnVisible(c.id, box.checked));
      const name = document.createElement('span');
      name.textContent = c.label ? `${c.label} (${c.title})` : c.title || c.description || c.id;
      row.append(box, name);
      const why = l.autoHidden.includes(c.id) ? 'hidden: the panel is too narrow' : this.userHidden.has(c.id) ? 'hidden by you'
        : this.userWidth.has(c.id) ? `${Math.round(this.userWidth.get(c.id)!)} px (resized)` : '';
      if (why) {
        const w = document.createElement('span');
        w.className = 'vgrid-chooser-why';
        w.textContent = why;
        row.append(w);
      }
      this.chooser.append(row);
    });
    const reset = document.createElement('button');
    reset.type = 'button';
    reset.className = 'vgrid-chooser-reset';
    reset.textContent = 'Reset columns';
    reset.addEventListener('click', () => {
      this.userHidden.clear();
      this.userShown.clear();
      this.userWidth.clear();
      this.relayout();
      this.opts.onColumns?.();
    });
    this.chooser.append(reset);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.dirty) this.render();
    });
  }

  /** Render now (used by tests and the first paint). */
  render(): void {
    const t0 = performance.now();
    this.dirty = false;
    const h = this.rowH;
    const sel = this.selection;
    for (let i = 0; i < this.rows.length; i++) {
      const { el, cells } = this.rows[i];
      const row = this.top + i;
      if (row >= this.rowCount) {
        if (!el.hidden) el.hidden = true;
        continue;
      }
      el.hidden = false;
      el.style.transform = `translateY(${i * h}px)`;
      el.setAttribute('aria-rowindex', String(row + 2));
      const selected = sel !== undefined && row >= sel[0] && row < sel[1];
      el.classList.toggle('selected', selected);
      el.classList.toggle('focused', row === this.focus);
      el.setAttribute('aria-selected', String(selected));
      this.opts.render(row, cells, el);
    }
    this.fitContent();
    if (document.activeElement === this.grid) this.updateActive();
    else if (this.grid.hasAttribute('aria-activedescendant')) this.updateActive();
    this.lastRenderMs = performance.now() - t0;
    this.opts.onScroll?.(this.top, this.visibleRows);
  }

  /**
   * Widen columns whose rendered content is wider than they are (cells never clip). Widening one column can narrow
   * another (less spare width), so measure again until nothing grows.
   */
  private fitContent(): void {
    for (let pass = 0; pass < 4; pass++) {
      const l = this.columnsLayout;
      let grew = false;
      for (let i = 0; i < this.rows.length; i++) {
        const { el, cells } = this.rows[i];
        if (el.hidden) continue;
        for (let c = 0; c < cells.length; c++) {
          if (!l.shown[c]) continue;
          const cell = cells[c];
          const sw = cell.scrollWidth;
          if (sw > cell.clientWidth + 0.5) {
            const id = this.opts.columns[c].id;
            if (this.userWidth.has(id)) continue;
            const need = Math.ceil(sw) + 1;
            if (need > (this.contentPx.get(id) ?? 0)) {
              this.contentPx.set(id, need);
              grew = true;
            }
          }
        }
      }
      if (!grew) return;
      this.layoutColumnsNow();
    }
  }
}

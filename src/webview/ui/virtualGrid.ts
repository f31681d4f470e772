/**
 * A virtualized grid for millions of rows: a pool of row elements (only the visible rows exist in the DOM) over a
 * scaled native scrollbar. The scroller's spacer is at most MAX_SCROLL_PX tall (Chromium's layout height tops out
 * near 33.5M px), and the scrollbar position maps linearly onto the first visible row, so row 16M-1 is reachable.
 * Wheel and keys move by rows, not by scaled pixels.
 */
export const MAX_SCROLL_PX = 8_000_000;

export interface Column {
  readonly id: string;
  readonly title: string;
  /** CSS width, e.g. '7ch' or '1fr' */
  readonly width: string;
  readonly align?: 'right';
  /** columns with a higher number are dropped first when the grid is too narrow (default 1: always kept) */
  readonly priority?: number;
}

/** Narrowest width of a column template in px, given the width of one `ch`. */
export function columnMinPx(width: string, chPx = 8): number {
  const m = /(\d+(?:\.\d+)?)ch/.exec(width);
  return m ? Number(m[1]) * chPx : 40;
}

/** Which columns fit in `px`: drop the highest priority numbers first, never those with priority 1. */
export function fitColumns(columns: readonly Column[], px: number, gap = 10, chPx = 8): boolean[] {
  const shown = columns.map(() => true);
  const need = () => columns.reduce((n, c, i) => n + (shown[i] ? columnMinPx(c.width, chPx) + gap : 0), 0);
  const order = columns.map((c, i) => [c.priority ?? 1, i] as const).filter(([p]) => p > 1).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (const [, i] of order) {
    if (need() <= px) break;
    shown[i] = false;
  }
  return shown;
}

export interface GridOptions {
  readonly columns: readonly Column[];
  readonly rowHeight: number;
  readonly label: string;
  /** fill row `row`'s cells; cells[c] is the cell element of column c */
  readonly render: (row: number, cells: HTMLElement[], rowEl: HTMLElement) => void;
  readonly onSelect?: (first: number, end: number) => void;
  readonly onActivate?: (row: number) => void;
  readonly onScroll?: (top: number, visible: number) => void;
  readonly onCopy?: () => void;
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

export class VirtualGrid {
  readonly element: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly body: HTMLElement;
  private readonly header: HTMLElement;
  private rows: { el: HTMLElement; cells: HTMLElement[] }[] = [];
  private rowCount = 0;
  private top = 0;
  private viewportPx = 0;
  private settingScroll = -1;
  private wheelAcc = 0;
  private frame = 0;
  private anchor = -1;
  private focus = -1;
  private dirty = true;
  /** milliseconds of the last render, for the benchmark hooks */
  lastRenderMs = 0;

  constructor(private readonly opts: GridOptions) {
    const el = document.createElement('div');
    el.className = 'vgrid';
    el.setAttribute('role', 'grid');
    el.setAttribute('aria-label', opts.label);
    el.tabIndex = 0;
    el.style.setProperty('--vgrid-columns', opts.columns.map((c) => c.width).join(' '));
    el.style.setProperty('--vgrid-row-height', `${opts.rowHeight}px`);
    this.header = document.createElement('div');
    this.header.className = 'vgrid-header';
    this.header.setAttribute('role', 'row');
    for (const c of opts.columns) {
      const h = document.createElement('div');
      h.className = 'vgrid-cell' + (c.align === 'right' ? ' right' : '');
      h.setAttribute('role', 'columnheader');
      h.textContent = c.title;
      this.header.append(h);
    }
    const wrap = document.createElement('div');
    wrap.className = 'vgrid-wrap';
    this.scroller = document.createElement('div');
    this.scroller.className = 'vgrid-scroller';
    this.spacer = document.createElement('div');
    this.spacer.className = 'vgrid-spacer';
    this.scroller.append(this.spacer);
    this.body = document.createElement('div');
    this.body.className = 'vgrid-body';
    this.body.setAttribute('role', 'rowgroup');
    wrap.append(this.scroller, this.body);
    el.append(this.header, wrap);
    this.element = el;

    this.scroller.addEventListener('scroll', () => this.onNativeScroll());
    this.body.addEventListener('wheel', (e) => this.onWheel(e), { passive: false });
    this.body.addEventListener('mousedown', (e) => this.onMouseDown(e));
    this.body.addEventListener('dblclick', (e) => {
      const r = this.rowAt(e);
      if (r >= 0) opts.onActivate?.(r);
    });
    el.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.layout()).observe(wrap);
  }

  get topRow(): number { return this.top; }
  get visibleRows(): number { return Math.max(1, Math.floor(this.viewportPx / this.opts.rowHeight)); }
  get count(): number { return this.rowCount; }
  get spacerHeight(): number { return parseFloat(this.spacer.style.height) || 0; }
  get selection(): [number, number] | undefined {
    if (this.anchor < 0) return undefined;
    return [Math.min(this.anchor, this.focus), Math.max(this.anchor, this.focus) + 1];
  }

  /** Renames column `id` (the header cell's text). */
  setColumnTitle(id: string, title: string): void {
    const i = this.opts.columns.findIndex((c) => c.id === id);
    const cell = i >= 0 ? this.header.children[i] : undefined;
    if (cell && cell.textContent !== title) cell.textContent = title;
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

  private shownColumns: boolean[] = [];
  private chPx = 0;

  /** Drop low-priority columns that do not fit the width. */
  private fitWidth(): void {
    const width = this.body.clientWidth;
    if (width > 0 && !this.chPx) {
      const probe = document.createElement('span');
      probe.className = 'vgrid-cell';
      probe.style.position = 'absolute';
      probe.style.visibility = 'hidden';
      probe.textContent = '0'.repeat(40);
      this.body.append(probe);
      this.chPx = probe.getBoundingClientRect().width / 40 || 8;
      probe.remove();
    }
    const shown = fitColumns(this.opts.columns, (width || 10_000) - 12, 10, this.chPx || 8);
    if (shown.join() === this.shownColumns.join()) return;
    this.shownColumns = shown;
    this.element.style.setProperty('--vgrid-columns', this.opts.columns.filter((_, i) => shown[i]).map((c) => c.width).join(' '));
    const apply = (cells: HTMLCollection | HTMLElement[]) => {
      for (let i = 0; i < cells.length; i++) (cells[i] as HTMLElement).hidden = !shown[i];
    };
    apply(this.header.children);
    for (const r of this.rows) apply(r.cells);
  }

  private layout(): void {
    this.viewportPx = this.body.clientHeight;
    const g = scrollGeometry(this.rowCount, this.opts.rowHeight, this.viewportPx);
    this.spacer.style.height = `${g.spacerPx}px`;
    this.element.setAttribute('aria-rowcount', String(this.rowCount + 1));
    const need = Math.ceil(this.viewportPx / this.opts.rowHeight) + 1;
    while (this.rows.length < need) {
      const el = document.createElement('div');
      el.className = 'vgrid-row';
      el.setAttribute('role', 'row');
      const cells = this.opts.columns.map((c) => {
        const cell = document.createElement('div');
        cell.className = 'vgrid-cell' + (c.align === 'right' ? ' right' : '');
        cell.setAttribute('role', 'gridcell');
        el.append(cell);
        return cell;
      });
      this.body.append(el);
      this.rows.push({ el, cells });
      cells.forEach((c, i) => { c.hidden = this.shownColumns[i] === false; });
    }
    this.fitWidth();
    this.setTop(this.top, true);
  }

  private setTop(top: number, force = false): void {
    const g = scrollGeometry(this.rowCount, this.opts.rowHeight, this.viewportPx);
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
    const g = scrollGeometry(this.rowCount, this.opts.rowHeight, this.viewportPx);
    const t = topRowForScroll(st, g);
    if (t !== this.top) {
      this.top = t;
      this.dirty = true;
      this.schedule();
    }
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const px = e.deltaMode === 1 ? e.deltaY * this.opts.rowHeight : e.deltaMode === 2 ? e.deltaY * this.viewportPx : e.deltaY;
    this.wheelAcc += px / this.opts.rowHeight;
    const rows = Math.trunc(this.wheelAcc);
    if (rows !== 0) {
      this.wheelAcc -= rows;
      this.setTop(this.top + rows);
    }
  }

  private rowAt(e: MouseEvent): number {
    const rect = this.body.getBoundingClientRect();
    const r = this.top + Math.floor((e.clientY - rect.top) / this.opts.rowHeight);
    return r >= 0 && r < this.rowCount ? r : -1;
  }

  private onMouseDown(e: MouseEvent): void {
    const r = this.rowAt(e);
    if (r < 0 || e.button !== 0) return;
    this.element.focus();
    if (e.shiftKey && this.anchor >= 0) this.focus = r;
    else this.anchor = this.focus = r;
    this.refresh();
    this.notifySelect();
  }

  private onKey(e: KeyboardEvent): void {
    const vis = this.visibleRows;
    let next = this.focus < 0 ? this.top : this.focus;
    switch (e.key) {
      case 'ArrowDown': next += 1; break;
      case 'ArrowUp': next -= 1; break;
      case 'PageDown': next += vis; break;
      case 'PageUp': next -= vis; break;
      case 'Home': next = 0; break;
      case 'End': next = this.rowCount - 1; break;
      case 'Enter': if (this.focus >= 0) this.opts.onActivate?.(this.focus); return;
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
    const h = this.opts.rowHeight;
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
    this.lastRenderMs = performance.now() - t0;
    this.opts.onScroll?.(this.top, this.visibleRows);
  }
}

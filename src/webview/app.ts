/**
 * The inspector app: receives views and binary chunks from the host, keeps the walks, shows a result or a
 * comparison, reports selections and copies to the host, and persists itself through the webview state.
 */
import type { HostMessage, SourceState, ViewDto } from '../protocol/messages';
import { validateHostMessage, validateView } from '../protocol/validate';
import { ArrayAssembler } from '../protocol/convert';
import { FastLayout } from './model/fastLayout';
import { WalkData } from './model/walkData';
import { fromBase64, MAX_PERSISTED_ENTRIES, toBase64, type PersistedState } from './model/persist';
import { CompareView } from './ui/compareView';
import { button, h, select } from './ui/dom';
import { ResultView, type ResultUiState } from './ui/resultView';
import { getState, post, setState } from './vscodeApi';

const ERRNO: Record<number, string> = { 0: '0', [-1]: '-EPERM', [-12]: '-ENOMEM', [-14]: '-EFAULT', [-16]: '-EBUSY', [-22]: '-EINVAL' };

export interface PerfHooks {
  viewAt: number;
  dataCompleteAt: number;
  /** data complete → grid and map drawn (synchronous part) */
  firstRenderMs: number;
  /** data complete → the frame after the first render */
  firstPaintMs: number;
  /** performance.now() of the frame after the first render (the harness measures from the host's hand-over) */
  paintedAt: number;
  /** performance.now() when the loading progress was first drawn for the current view */
  progressAt: number;
  /** performance.now() of the frame after the whole result is shown (every array arrived; body[data-ready]) */
  completeAt: number;
  gridRenderMs(): number;
  /** milliseconds of the parts of the last first render (kinds, mapData, filterOptions, filter, trace, grid, map) */
  showTimings(): Record<string, number>;
  mapDrawMs(): number;
  grid(): { top: number; visible: number; count: number; spacerPx: number; domRows: number; rowHeight: number };
  scrollTo(row: number): void;
  /** the map's window of pages [first, end) */
  mapZoom(): [number, number];
  /** a grid's column layout ('pfn array', 'trace events', 'pfn runs', 'comparison') */
  columns(label: string): unknown;
  ready: boolean;
}

declare global {
  interface Window { __hmmInspectorPerf?: PerfHooks }
}

function viewSignature(v: ViewDto): string {
  return JSON.stringify([v.kind, v.title, v.file, v.walks.map((w) => [w.name, w.start, w.pages, w.layoutId])]);
}

export class App {
  private readonly root: HTMLElement;
  private readonly header: HTMLElement;
  private readonly body: HTMLElement;
  private readonly result: ResultView;
  private readonly compare: CompareView;
  private session = -1;
  private view?: ViewDto;
  private walks: WalkData[] = [];
  private assemblers = new Map<string, ArrayAssembler>();
  private walkIndex = 0;
  private shown = false;
  private pendingReveal?: { walkIndex: number; pageIndex: number; detail?: boolean };
  /** whether the file the shown result came from changed since it ran (the host tells) */
  private source: { state: SourceState; detail?: string } = { state: 'current' };
  private progress?: { el: HTMLElement; bar: HTMLProgressElement; text: HTMLElement; total: number };
  private saveTimer = 0;
  private restoredUi?: Partial<ResultUiState> & { walkIndex?: number };
  /** the result a comparison was opened from (its "Compare with…" picker); "Back" returns to it */
  private comparedFrom?: { view: ViewDto; walks: WalkData[]; walkIndex: number };
  readonly perf: PerfHooks;

  constructor(root: HTMLElement) {
    this.root = root;
    this.header = h('header', 'app-header');
    this.body = h('main', 'app-body');
    this.result = new ResultView({
      select: (first, end) => post({ type: 'select', walkIndex: this.walkIndex, first, end }),
      copy: (format, text) => post({ type: 'copy', format, text }),
      openSource: (line, col) => post({ type: 'openSource', line: Math.max(1, line), col: Math.max(1, col) }),
      openExternal: (url) => post({ type: 'openExternal', url }),
      stateChanged: () => this.scheduleSave(),
    });
    this.compare = new CompareView(() => undefined);
    this.root.append(this.header, this.body);
    this.body.append(h('p', 'empty', 'Waiting for a walk result…'));
    const grid = () => (this.view?.kind === 'compare' ? this.compare.grid : this.result.grid);
    this.perf = {
      viewAt: 0, dataCompleteAt: 0, firstRenderMs: 0, firstPaintMs: 0, paintedAt: 0, progressAt: 0, completeAt: 0, ready: false,
      gridRenderMs: () => grid().lastRenderMs,
      showTimings: () => ({ ...this.result.timings }),
      mapDrawMs: () => this.result.map.lastDrawMs,
      grid: () => {
        const g = grid();
        return { top: g.topRow, visible: g.visibleRows, count: g.count, spacerPx: g.spacerHeight,
          domRows: g.element.querySelectorAll('.vgrid-row').length, rowHeight: g.rowHeight };
      },
      scrollTo: (row) => grid().scrollToRow(row, false),
      mapZoom: () => this.result.map.zoomRange,
      columns: (label) => [this.result.grid, this.result.events, this.result.runsGrid, this.compare.grid]
        .find((g) => g.grid.getAttribute('aria-label') === label)?.debugColumns(),
    };
    window.__hmmInspectorPerf = this.perf;
    window.addEventListener('message', (e) => this.onMessage(e.data));
    window.addEventListener('error', (e) => post({ type: 'error', message: String(e.message).slice(0, 9000) }));
    document.addEventListener('securitypolicyviolation', (e) => post({ type: 'error',
      message: `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`.slice(0, 9000) }));
    try {
      this.restore();
    } catch (e) {
      post({ type: 'error', message: `restoring the inspector failed: ${String(e)}`.slice(0, 9000) });
      this.body.replaceChildren(h('p', 'empty', 'Waiting for a walk result…'));
    }
    post({ type: 'ready' });
  }

  private restore(): void {
    const s = getState() as PersistedState | undefined;
    if (!s || s.version !== 1) return;
    const v = validateView(s.view);
    if (!v.ok) return;
    this.startView(-1, v.message);
    this.restoredUi = s.ui as Partial<ResultUiState>;
    s.arrays.forEach((a, i) => {
      if (!a || !this.walks[i]) return;
      if (a.input) this.walks[i].setArray('input', fromBase64(a.input));
      this.walks[i].setArray('pfns', fromBase64(a.pfns));
    });
    if (typeof s.ui.walkIndex === 'number' && s.ui.walkIndex < this.walks.length) this.walkIndex = s.ui.walkIndex;
    if (this.walks.every((w) => w.ready)) this.render();
    else this.body.replaceChildren(h('p', 'empty', 'This result was too large to keep across a reload: open it again from its scenario.'));
  }

  private onMessage(raw: unknown): void {
    const v = validateHostMessage(raw);
    if (!v.ok) {
      post({ type: 'error', message: `inspector ignored a malformed host message: ${v.error}` });
      return;
    }
    const m: HostMessage = v.message;
    switch (m.type) {
      case 'view': {
        // the host re-sends what it shows after the webview was recreated: keep the restored scroll/filter/step;
        // anything else is a new result: nothing of the previous one (jump text, filter, detail pane) carries over
        const same = this.view !== undefined && viewSignature(this.view) === viewSignature(m.view);
        if (!same) {
          this.restoredUi = undefined;
          this.result.reset();
          this.source = { state: 'current' };
        }
        this.startView(m.session, m.view);
        if (this.restoredUi && typeof this.restoredUi.walkIndex === 'number' && this.restoredUi.walkIndex < this.walks.length) {
          this.walkIndex = this.restoredUi.walkIndex;
          this.renderHeader();
        }
        this.perf.viewAt = performance.now();
        this.perf.dataCompleteAt = 0;
        this.perf.paintedAt = 0;
        this.perf.completeAt = 0;
        this.perf.ready = false;
        delete document.body.dataset.ready;
        this.showProgress(m.view);
        break;
      }
      case 'source':
        if (m.session !== this.session) return;
        this.source = { state: m.state, detail: m.detail };
        this.renderHeader();
        this.scheduleSave();
        break;
      case 'data': {
        const target = this.comparedFrom?.walks ?? this.walks;
        if (m.session !== this.session || m.walk >= target.length) return;
        const key = `${m.walk}:${m.array}`;
        let asm = this.assemblers.get(key);
        if (!asm || asm.total !== m.total) {
          asm = new ArrayAssembler(m.total);
          this.assemblers.set(key, asm);
        }
        asm.add(m.offset, m.buffer);
        const walk = target[m.walk];
        const current = !this.comparedFrom && this.view?.kind !== 'compare' && m.walk === this.walkIndex;
        if (asm.complete) {
          walk.setArray(m.array, asm.values);
          this.assemblers.delete(key);
        } else if (current) walk.setArray(m.array, asm.values, asm.contiguous);
        if (current && this.partial) {
          // the result is shown while its arrays arrive: more rows, then the whole of it
          if (walk.ready) this.completeRender();
          else this.result.loadingProgress(this.loadedFraction(walk));
          break;
        }
        if (!this.shown) this.updateProgress();
        if (asm.complete && !this.shown && this.canShow()) {
          this.perf.dataCompleteAt = performance.now();
          this.render();
          this.scheduleSave();
        } else if (!this.shown && current && walk.paintable) {
          // a large result: paint its first rows now, the rest as it arrives (the map from the trace, where it names states)
          this.render(true);
        } else if (asm.complete && this.shown && !this.comparedFrom && this.walks.length > 1 && this.walks.every((w) => w.ready)) {
          // the "Compare with…" picker appears once every walk of the result has arrived
          this.renderHeader();
        }
        break;
      }
      case 'reveal':
        if (this.comparedFrom) this.backToResult();
        this.reveal(m.walkIndex, m.pageIndex, m.detail);
        break;
    }
  }

  private startView(session: number, view: ViewDto): void {
    this.session = session;
    this.view = view;
    this.comparedFrom = undefined;
    this.shown = false;
    this.partial = false;
    this.assemblers.clear();
    const layouts = new Map(view.layouts.map((l) => [l.id, new FastLayout(l)]));
    this.walks = view.walks.map((w) => new WalkData(w, layouts.get(w.layoutId)!));
    this.walkIndex = view.walkIndex;
    this.renderHeader();
  }

  private canShow(): boolean {
    if (!this.view) return false;
    if (this.view.kind === 'compare') return this.walks.length === 2 && this.walks.every((w) => w.ready);
    return this.walks[this.walkIndex]?.ready ?? false;
  }

  private renderHeader(): void {
    const v = this.view;
    this.header.replaceChildren();
    if (!v) return;
    const title = h('h1', 'app-title', v.title);
    title.id = 'inspector-title';
    const meta = h('span', 'app-meta', [v.kernel ? `kernel ${v.kernel}` : '', v.file ?? ''].filter(Boolean).join(' · '));
    this.header.append(title, meta);
    if (v.kind !== 'compare' && v.walks.length > 1) {
      const s = select(v.walks.map((w, i) => [String(i), `${i + 1}. ${w.name}`] as const), String(this.walkIndex), 'Walk',
        (val) => this.selectWalk(Number(val)));
      s.id = 'walk-select';
      this.header.append(s);
      if (v.kind === 'result' && this.walks.every((x) => x.ready)) {
        const others = v.walks.map((x, i) => [String(i), `${i + 1}. ${x.name}`] as const).filter(([i]) => Number(i) !== this.walkIndex);
        const c = select([['', 'Compare with…'], ...others], '', 'Compare this walk with another walk', (val) => {
          if (val !== '') this.compareWith(Number(val));
        });
        c.id = 'compare-with';
        this.header.append(c);
      }
    }
    if (v.kind === 'compare' && this.comparedFrom) {
      this.header.append(button('Back to the result', 'arrow-left', () => this.backToResult(), { id: 'compare-back' }));
    }
    const w = this.walks[this.walkIndex];
    if (w && v.kind !== 'compare') {
      const badges = h('span', 'badges');
      if (v.kind === 'result') {
        badges.append(h('span', `badge ${w.dto.ret === 0 ? 'ok' : 'bad'}`, `ret ${ERRNO[w.dto.ret] ?? w.dto.ret}`),
          h('span', 'badge', `${w.dto.attempts} call${w.dto.attempts === 1 ? '' : 's'}`));
        if (w.dto.stale) {
          const st = h('span', 'badge bad', 'stale');
          st.id = 'stale-badge';
          st.title = 'One call (retry: false) returned 0 but the range was invalidated while it ran (mmu_interval_read_retry() is true): a driver following Documentation/mm/hmm.rst would not use these pfns and would call again';
          badges.append(st);
        }
        const outdated = this.source.state !== 'current';
        if (w.dto.expect) {
          const ex = h('span', `badge ${outdated ? 'outdated' : w.dto.expect.ok ? 'ok' : 'bad'}`,
            `${w.dto.expect.ok ? 'expect ✓' : 'expect ✗'}${outdated ? ' (before the edit)' : ''}`);
          ex.id = 'expect-badge';
          badges.append(ex);
        }
        if (outdated) {
          const text = this.source.state === 'invalid' ? 'file no longer parses' : this.source.state === 'deleted' ? 'file deleted' : 'file changed';
          const b = h('span', 'badge bad outdated-badge', `outdated: ${text}`);
          b.id = 'outdated-badge';
          b.setAttribute('role', 'status');
          b.title = `${this.source.detail ?? 'The scenario file changed after this walk ran'}: these results are from the file as it was; run it again to update them.`;
          badges.append(b);
        }
      }
      badges.append(h('span', 'badge', `layout ${w.layout.id}`));
      badges.title = w.layout.title;
      this.header.append(badges);
    }
  }

  private selectWalk(i: number): void {
    if (i === this.walkIndex || i < 0 || i >= this.walks.length) return;
    this.walkIndex = i;
    this.restoredUi = undefined;
    this.shown = false;
    this.renderHeader();
    if (this.canShow()) this.render();
    else this.body.replaceChildren(h('p', 'empty', 'Loading…'));
    this.scheduleSave();
  }

  /** Compare the shown walk (A) with walk `j` (B) of the same result, aligned by address, in this panel. */
  private compareWith(j: number): void {
    const v = this.view;
    if (!v || v.kind !== 'result' || j === this.walkIndex || j < 0 || j >= this.walks.length) return;
    const a = this.walks[this.walkIndex];
    const b = this.walks[j];
    if (!a.ready || !b.ready) return;
    this.comparedFrom = { view: v, walks: this.walks, walkIndex: this.walkIndex };
    this.view = { ...v, kind: 'compare', title: `${a.dto.name} ↔ ${b.dto.name}`, walks: [a.dto, b.dto], walkIndex: 0, diagnostics: [] };
    this.walks = [a, b];
    this.walkIndex = 0;
    this.restoredUi = undefined;
    this.render();
    this.scheduleSave();
  }

  private backToResult(): void {
    const from = this.comparedFrom;
    if (!from) return;
    this.comparedFrom = undefined;
    this.view = from.view;
    this.walks = from.walks;
    this.walkIndex = from.walkIndex;
    this.restoredUi = undefined;
    this.render();
    this.scheduleSave();
  }

  /** the shown walk is still arriving (a first paint of its first rows) */
  private partial = false;

  private loadedFraction(w: WalkData): number {
    const total = w.pages * (w.dto.hasInput ? 2 : 1);
    return total ? (w.loaded + (w.dto.hasInput ? w.inputLoaded : 0)) / total : 1;
  }

  /** The rest of a walk shown while loading has arrived: everything that depends on all of it, then "ready". */
  private completeRender(): void {
    this.partial = false;
    this.perf.dataCompleteAt = performance.now();
    this.result.dataComplete();
    this.markPainted(this.perf.dataCompleteAt);
    this.renderHeader();
    this.scheduleSave();
  }

  private markPainted(start: number): void {
    const session = this.session;
    requestAnimationFrame(() => {
      this.perf.completeAt = performance.now();
      this.perf.firstPaintMs = this.perf.completeAt - start;
      this.perf.ready = true;
      document.body.dataset.ready = 'true';
      post({ type: 'painted', session, ms: Math.round(this.perf.firstPaintMs * 10) / 10 });
    });
  }

  private render(partial = false): void {
    const v = this.view;
    if (!v) return;
    const t0 = performance.now();
    this.shown = true;
    this.partial = partial;
    if (v.kind === 'compare') {
      this.body.replaceChildren(this.compare.element);
      this.compare.show(this.walks[0], this.walks[1], v.kernelCompare);
    } else {
      this.body.replaceChildren(this.result.element);
      const w = this.walks[this.walkIndex];
      this.result.show(w, v.diagnostics, this.restoredUi, v.kernel, partial ? this.loadedFraction(w) : undefined);
    }
    const start = this.perf.dataCompleteAt || t0;
    this.perf.firstRenderMs = performance.now() - start;
    requestAnimationFrame(() => { this.perf.paintedAt = performance.now(); });
    if (!partial) this.markPainted(start);
    this.renderHeader();
    if (this.pendingReveal) {
      const r = this.pendingReveal;
      this.pendingReveal = undefined;
      this.reveal(r.walkIndex, r.pageIndex, r.detail);
    }
  }

  private reveal(walkIndex: number, pageIndex: number, detail?: boolean): void {
    if (!this.view || walkIndex >= this.walks.length) return;
    if (walkIndex !== this.walkIndex) this.selectWalk(walkIndex);
    if (!this.shown) {
      this.pendingReveal = { walkIndex, pageIndex, detail };
      return;
    }
    if (this.view.kind !== 'compare' && pageIndex < this.walks[walkIndex].pages) {
      this.result.revealIndex(pageIndex, false);
      // the host asked (a decode, a hover, a tree item): show the pane, leave the keyboard where the user is
      if (detail) this.result.openDetail(pageIndex, false);
    }
  }

  /** "Loading N entries…" with a progress bar, at once when a view arrives; updated as its chunks arrive. */
  private showProgress(view: ViewDto): void {
    const w = view.kind === 'compare' ? view.walks : [view.walks[view.walkIndex]].filter(Boolean);
    const total = w.reduce((n, x) => n + x.pages * (x.hasInput ? 2 : 1), 0);
    const el = h('div', 'loading');
    el.setAttribute('role', 'status');
    const text = h('p', 'empty loading-text', `Loading ${view.walks.reduce((n, x) => n + x.pages, 0).toLocaleString('en-US')} entries…`);
    const bar = document.createElement('progress');
    bar.className = 'loading-bar';
    bar.max = Math.max(1, total);
    bar.value = 0;
    bar.setAttribute('aria-label', 'Loading the walk result');
    el.append(text, bar);
    this.progress = { el, bar, text, total };
    this.body.replaceChildren(el);
    requestAnimationFrame(() => { if (this.progress?.el === el) this.perf.progressAt = performance.now(); });
  }

  private updateProgress(): void {
    const p = this.progress;
    if (!p) return;
    let got = 0;
    const target = this.view?.kind === 'compare' ? this.walks : [this.walks[this.walkIndex]];
    target.forEach((w, i) => {
      const wi = this.view?.kind === 'compare' ? i : this.walkIndex;
      if (!w) return;
      for (const a of ['input', 'pfns'] as const) {
        if (a === 'input' && !w.dto.hasInput) continue;
        const asm = this.assemblers.get(`${wi}:${a}`);
        got += asm ? asm.receivedCount : (a === 'pfns' ? (w.pfns ? w.pages : 0) : (w.input ? w.pages : 0));
      }
    });
    p.bar.value = got;
    const pct = p.total ? Math.floor((100 * got) / p.total) : 100;
    p.text.textContent = `Loading ${p.total.toLocaleString('en-US')} words… ${pct}%`;
  }

  private scheduleSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(() => this.save(), 300);
  }

  private save(): void {
    if (!this.view) return;
    let budget = MAX_PERSISTED_ENTRIES;
    if (this.partial) return;
    const arrays = this.walks.map((w) => {
      if (!w.pfns || !w.ready) return null;
      const withInput = w.dto.hasInput && w.input !== undefined;
      const n = w.pages * (withInput ? 2 : 1);
      if (n > budget) return null;
      budget -= n;
      return { ...(withInput ? { input: toBase64(w.input!) } : {}), pfns: toBase64(w.pfns) };
    });
    const ui = this.view.kind === 'compare' ? { walkIndex: this.walkIndex } : { ...this.result.uiState(), walkIndex: this.walkIndex };
    const state: PersistedState = { version: 1, view: this.view, arrays, ui };
    setState(state);
  }
}

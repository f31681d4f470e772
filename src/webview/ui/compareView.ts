/**
 * Two walks side by side, rows aligned by address, each side decoded under its own layout; rows whose page states
 * differ are highlighted, and a map strip per side shows both address spaces on the same axis.
 */
import { parseJump } from '../model/address';
import { align, diffRows, type Alignment, type Side } from '../model/compare';
import { wordHex } from '../model/fastLayout';
import { Kind, kindName } from '../model/pageKinds';
import { rowOfIndex } from '../model/filter';
import type { WalkData } from '../model/walkData';
import type { KernelCompareDto } from '../../protocol/messages';
import { AddressMap } from './addressMap';
import { button, custom, h } from './dom';
import { renderDecoded } from './flagChips';
import { VirtualGrid } from './virtualGrid';

export class CompareView {
  readonly element: HTMLElement;
  readonly grid: VirtualGrid;
  private readonly mapA: AddressMap;
  private readonly mapB: AddressMap;
  private readonly labelA: HTMLElement;
  private readonly labelB: HTMLElement;
  private readonly status: HTMLElement;
  private readonly note: HTMLElement;
  private a?: WalkData;
  private b?: WalkData;
  private al?: Alignment;
  private diffs: Uint32Array = new Uint32Array(0);
  private diffSet = new Set<number>();
  private onlyDiffs = false;
  private jumpField: HTMLElement & { value: string };

  constructor(private readonly onSelect: (first: number, end: number) => void) {
    this.element = h('div', 'compare-view');
    this.labelA = h('div', 'compare-label');
    this.labelB = h('div', 'compare-label');
    this.mapA = new AddressMap((r) => this.reveal(r));
    this.mapB = new AddressMap((r) => this.reveal(r));
    const maps = h('section', 'map-box compare-maps');
    maps.append(this.labelA, this.mapA.element, this.labelB, this.mapB.element);
    this.note = h('div', 'compare-note');
    this.status = h('span', 'toolbar-status');
    this.status.setAttribute('aria-live', 'polite');
    const only = custom('vscode-checkbox', { id: 'diff-only' }) as HTMLElement & { checked: boolean };
    only.textContent = 'Differences only';
    only.addEventListener('change', () => { this.onlyDiffs = !!only.checked; this.refreshRows(); });
    this.jumpField = custom('vscode-textfield', { placeholder: 'Jump to 0x… address', 'aria-label': 'Jump to address', id: 'compare-jump' }) as HTMLElement & { value: string };
    this.jumpField.addEventListener('keydown', (e) => { if ((e as KeyboardEvent).key === 'Enter') this.jump(); });
    const tb = h('div', 'toolbar');
    tb.setAttribute('role', 'toolbar');
    tb.append(only,
      button('Previous difference', 'arrow-up', () => this.nextDiff(-1), { id: 'diff-prev' }),
      button('Next difference', 'arrow-down', () => this.nextDiff(1), { id: 'diff-next' }),
      this.jumpField, h('span', 'toolbar-spacer'), this.status);
    this.grid = new VirtualGrid({
      label: 'comparison', rowHeight: 22,
      columns: [
        { id: 'addr', title: 'Address', minCh: 14 },
        { id: 'a', title: 'A value', minCh: 18, priority: 2 },
        { id: 'a-dec', title: 'A decoded', minCh: 14, grow: 1 },
        { id: 'a-state', title: 'A state', minCh: 9, grow: 0.3, priority: 3 },
        { id: 'd', title: '≠', label: 'Differs', minCh: 1, description: 'The two sides differ' },
        { id: 'b', title: 'B value', minCh: 18, priority: 2 },
        { id: 'b-dec', title: 'B decoded', minCh: 14, grow: 1 },
        { id: 'b-state', title: 'B state', minCh: 9, grow: 0.3, priority: 3 },
      ],
      render: (row, cells, el) => this.renderRow(row, cells, el),
      onSelect: (f, e) => this.onSelect(this.rowOf(f), this.rowOf(e - 1) + 1),
    });
    this.element.append(maps, this.note, tb, this.grid.element);
  }

  /**
   * Shows A against B. With `kernel` (the simulator against a real kernel), the rows that differ are the ones the
   * oracle's comparison found (real pfns never equal the simulator's), and its findings head the view.
   */
  show(a: WalkData, b: WalkData, kernel?: KernelCompareDto): void {
    this.a = a;
    this.b = b;
    if (!a.outW || !b.outW) return;
    const side = (w: WalkData): Side => ({ start: w.start, pages: w.pages, pageSize: w.dto.pageSize, words: w.outW!, layout: w.layout });
    this.al = align(side(a), side(b));
    this.diffs = kernel ? Uint32Array.from(kernel.differing.map((i) => i + this.al!.offA)) : diffRows(side(a), side(b), this.al);
    this.diffSet = new Set(this.diffs.length < 1e6 ? this.diffs : []);
    const [na, nb] = kernel ? ['Simulator', 'Kernel'] : ['A', 'B'];
    for (const [id, title] of [['a', 'value'], ['a-dec', 'decoded'], ['a-state', 'state']] as const) {
      this.grid.setColumnTitle(id, `${na} ${title}`);
      this.grid.setColumnTitle(id.replace('a', 'b'), `${nb} ${title}`);
    }
    const facts = (w: WalkData) => `ret ${w.dto.ret} — ${w.dto.attempts} call${w.dto.attempts === 1 ? '' : 's'}${w.dto.stale ? ' — stale' : ''}`;
    this.labelA.textContent = kernel ? `Simulator: ${a.dto.name} — layout ${a.layout.id} — ${facts(a)}` : `A: ${a.dto.name} — layout ${a.layout.id} — ret ${a.dto.ret}`;
    this.labelB.textContent = kernel ? `Kernel: ${b.dto.name} — ${facts(b)}` : `B: ${b.dto.name} — layout ${b.layout.id} — ret ${b.dto.ret}`;
    const notes = kernel
      ? [kernel.status === 'agree' ? 'Agrees with the kernel: flags and order equal, the same zero pages, device pages and page identities; pfn numbers differ by nature.'
        : `Disagrees with the kernel: ${kernel.total.toLocaleString('en-US')} page${kernel.total === 1 ? '' : 's'} differ.`, ...kernel.notes]
      : this.al.note ? [this.al.note] : [];
    this.note.replaceChildren(...notes.map((n) => h('div', 'compare-note-line', n)));
    this.note.classList.toggle('kernel-agree', kernel?.status === 'agree');
    this.note.classList.toggle('kernel-disagree', kernel?.status === 'disagree');
    this.note.hidden = notes.length === 0;
    const kindsOn = (w: WalkData, off: number) => {
      const k = new Uint8Array(this.al!.rows).fill(Kind.NotWalked);
      k.set(w.kinds.subarray(0, Math.min(w.pages, this.al!.rows - off)), off);
      return k;
    };
    const start = this.al.start;
    this.mapA.setData({ pages: this.al.rows, kinds: kindsOn(a, this.al.offA), start, pageSize: this.al.pageSize, vmas: a.dto.vmas, devices: a.devices.names });
    this.mapB.setData({ pages: this.al.rows, kinds: kindsOn(b, this.al.offB), start, pageSize: this.al.pageSize, vmas: b.dto.vmas, devices: b.devices.names });
    this.refreshRows();
  }

  private refreshRows(): void {
    if (!this.al) return;
    this.grid.setRowCount(this.onlyDiffs ? this.diffs.length : this.al.rows);
    this.status.textContent = `${this.diffs.length.toLocaleString('en-US')} of ${this.al.rows.toLocaleString('en-US')} addresses differ`;
    this.grid.render();
    this.mapA.draw();
    this.mapB.draw();
  }

  /** Aligned row at grid row r. */
  private rowOf(r: number): number {
    return this.onlyDiffs ? this.diffs[r] ?? r : r;
  }

  private isDiff(r: number): boolean {
    if (this.diffSet.size || this.diffs.length === 0) return this.diffSet.has(r);
    const i = rowOfIndex(this.diffs, r);
    return this.diffs[i] === r;
  }

  private renderRow(gridRow: number, cells: HTMLElement[], el: HTMLElement): void {
    const al = this.al;
    if (!al || !this.a || !this.b) return;
    const r = this.rowOf(gridRow);
    const diff = this.isDiff(r);
    el.classList.toggle('diff', diff);
    cells[0].textContent = al.start === null ? `[${r}]` : '0x' + (al.start + BigInt(r) * BigInt(al.pageSize)).toString(16);
    this.side(this.a, r - al.offA, cells[1], cells[2], cells[3]);
    cells[4].textContent = diff ? '≠' : '';
    this.side(this.b, r - al.offB, cells[5], cells[6], cells[7]);
  }

  private side(w: WalkData, i: number, val: HTMLElement, dec: HTMLElement, state: HTMLElement): void {
    if (i < 0 || i >= w.pages || !w.outW) {
      val.textContent = '—';
      dec.replaceChildren();
      dec.dataset.key = '';
      state.textContent = 'outside walk';
      return;
    }
    const lo = w.outW[2 * i], hi = w.outW[2 * i + 1];
    val.textContent = wordHex(lo, hi);
    renderDecoded(dec, w.layout, lo, hi);
    state.textContent = kindName(w.kinds[i], w.devices.names);
  }

  private reveal(r: number): void {
    const gr = this.onlyDiffs ? rowOfIndex(this.diffs, r) : r;
    this.grid.scrollToRow(gr, true);
    this.grid.select(gr, gr + 1);
  }

  private nextDiff(dir: 1 | -1): void {
    if (this.diffs.length === 0) return;
    const cur = this.grid.selection ? this.rowOf(this.grid.selection[0]) : dir > 0 ? -1 : Number.MAX_SAFE_INTEGER;
    let k = rowOfIndex(this.diffs, cur + (dir > 0 ? 1 : 0));
    if (dir < 0) k -= 1;
    if (k < 0 || k >= this.diffs.length) return;
    this.reveal(this.diffs[k]);
  }

  private jump(): void {
    if (!this.al) return;
    const res = parseJump(this.jumpField.value ?? '', this.al.start, this.al.pageSize, this.al.rows);
    if (res.ok) this.reveal(res.index);
    else this.status.textContent = res.error;
  }
}

/**
 * The address-space map: VMAs above a strip of page kinds, drawn on a canvas. With few pages each page is a cell;
 * with many, each pixel column is a bin whose kinds are stacked by count (every kind present keeps >= 2 px).
 * Overlays: the rows visible in the grid, the selection, and the range of the current trace step.
 */
import type { VmaDto } from '../../protocol/messages';
import { binCount, binKinds, binOf, binStart, stackHeights, type Bins } from '../model/bins';
import { Kind, KIND_COUNT, KIND_ORDER, kindCounts, kindName } from '../model/pageKinds';
import { spanAt, vmaLabel, vmaSpans, vmaTooltip, type VmaSpan } from '../model/vmaSpans';
import { readPalette, onThemeChange, type Palette } from './theme';

export interface MapData {
  readonly pages: number;
  readonly kinds: Uint8Array;
  readonly start: bigint | null;
  readonly pageSize: number;
  readonly vmas: readonly VmaDto[];
  readonly devices: readonly string[];
  /** optional second strip (trace progress: 0 input, 1 final, 2 superseded) */
  readonly progress?: Uint8Array;
}

const VMA_H = 18;
const STRIP_H = 28;
const PROGRESS_H = 6;
const AXIS_H = 14;

export class AddressMap {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  /** overlays (visible rows, selection, trace step) on their own canvas: scrolling redraws only this one */
  private readonly overlay: HTMLCanvasElement;
  private baseDirty = true;
  private readonly tooltip: HTMLElement;
  readonly legend: HTMLElement;
  private data?: MapData;
  private bins?: Bins;
  private spans: VmaSpan[] = [];
  private palette: Palette;
  private view: { visible?: [number, number]; selection?: [number, number]; step?: [number, number] } = {};
  /** the window of pages drawn: [zoomFirst, zoomEnd) (wheel zooms, double-click shows the whole range) */
  private zoomFirst = 0;
  private zoomEnd = 0;
  private frame = 0;
  lastDrawMs = 0;

  constructor(private readonly onPick: (page: number) => void) {
    this.element = document.createElement('div');
    this.element.className = 'addr-map';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Address-space map');
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'map-tooltip';
    this.tooltip.hidden = true;
    this.legend = document.createElement('div');
    this.legend.className = 'map-legend';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'map-overlay';
    this.overlay.setAttribute('aria-hidden', 'true');
    this.element.append(this.canvas, this.overlay, this.tooltip, this.legend);
    this.palette = readPalette();
    onThemeChange(() => {
      this.palette = readPalette();
      this.baseDirty = true;
      this.schedule();
    });
    new ResizeObserver(() => {
      this.bins = undefined;
      this.baseDirty = true;
      this.schedule();
    }).observe(this.element);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => { this.tooltip.hidden = true; });
    this.canvas.addEventListener('click', (e) => {
      const p = this.pageAt(e);
      if (p >= 0) this.onPick(p);
    });
    this.canvas.addEventListener('wheel', (e) => this.zoomAt(e), { passive: false });
    this.canvas.addEventListener('dblclick', () => this.zoom(0, this.data?.pages ?? 0));
  }

  setData(d: MapData): void {
    if (!this.data || this.data.pages !== d.pages) {
      this.zoomFirst = 0;
      this.zoomEnd = d.pages;
    }
    this.data = d;
    this.spans = vmaSpans(d.vmas, d.start, d.pageSize, d.pages);
    this.bins = undefined;
    this.baseDirty = true;
    this.renderLegend();
    this.schedule();
  }

  setOverlay(v: Partial<AddressMap['view']>): void {
    this.view = { ...this.view, ...v };
    this.schedule();
  }

  /** Show pages [first, end) (clamped; at least 8 pages or all of them). */
  zoom(first: number, end: number): void {
    const d = this.data;
    if (!d) return;
    const minPages = Math.min(8, d.pages);
    let n = Math.max(minPages, Math.min(d.pages, Math.round(end - first)));
    let f = Math.max(0, Math.min(d.pages - n, Math.round(first)));
    if (!Number.isFinite(f)) f = 0;
    if (!Number.isFinite(n)) n = d.pages;
    if (f === this.zoomFirst && f + n === this.zoomEnd) return;
    this.zoomFirst = f;
    this.zoomEnd = f + n;
    this.bins = undefined;
    this.baseDirty = true;
    this.schedule();
  }

  get zoomRange(): [number, number] {
    return [this.zoomFirst, this.zoomEnd];
  }

  private zoomAt(e: WheelEvent): void {
    const d = this.data;
    if (!d || d.pages === 0) return;
    e.preventDefault();
    const rect = this.canvas.getBoundingClientRect();
    const frac = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
    const n = this.zoomEnd - this.zoomFirst;
    const anchor = this.zoomFirst + frac * n;
    const factor = e.deltaY < 0 ? 0.8 : 1.25;
    const nn = Math.max(8, Math.min(d.pages, n * factor));
    this.zoom(anchor - frac * nn, anchor - frac * nn + nn);
  }

  private get width(): number {
    return Math.max(1, Math.floor(this.element.clientWidth));
  }

  private pageAt(e: MouseEvent): number {
    const d = this.data;
    if (!d || d.pages === 0) return -1;
    const rect = this.canvas.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const n = this.zoomEnd - this.zoomFirst;
    const bins = binCount(n, this.width);
    const b = Math.min(bins - 1, Math.max(0, Math.floor((x / rect.width) * bins)));
    return this.zoomFirst + binStart(b, n, bins);
  }

  private hover(e: MouseEvent): void {
    const d = this.data;
    if (!d || !this.bins) return;
    const rect = this.canvas.getBoundingClientRect();
    const bins = this.bins.count;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(((e.clientX - rect.left) / rect.width) * bins)));
    const n = this.zoomEnd - this.zoomFirst;
    const s = this.zoomFirst + binStart(b, n, bins);
    const t = this.zoomFirst + binStart(b + 1, n, bins);
    const lines: string[] = [t - s === 1 ? `page ${s}` : `pages ${s}–${t - 1} (${t - s})`];
    if (d.start !== null) lines.push(`0x${(d.start + BigInt(s) * BigInt(d.pageSize)).toString(16)}`);
    for (let k = 0; k < KIND_COUNT; k++) {
      const n = this.bins.counts[b * KIND_COUNT + k];
      if (n) lines.push(`${kindName(k, d.devices)}: ${n}`);
    }
    const span = spanAt(this.spans, s);
    if (span) lines.push(...vmaTooltip(span, d.pageSize));
    else if (d.start !== null && d.vmas.length) lines.push('no VMA: a hole (the walk reports ERROR, or -EFAULT if it must fault)');
    this.tooltip.textContent = lines.join('\n');
    this.tooltip.hidden = false;
    // right of the pointer, or left of it when it would run past the map's right edge
    const mx = e.clientX - rect.left;
    const tw = this.tooltip.offsetWidth;
    const x = mx + 12 + tw <= rect.width ? mx + 12 : Math.max(0, Math.min(mx - 12 - tw, rect.width - tw));
    this.tooltip.style.left = `${x}px`;
    this.tooltip.style.top = `${VMA_H + STRIP_H + 8}px`;
  }

  /** The VMA span under page `page` (for tests and the tooltip). */
  vmaAt(page: number): VmaSpan | undefined {
    return spanAt(this.spans, page);
  }

  private renderLegend(): void {
    const d = this.data;
    this.legend.replaceChildren();
    if (!d) return;
    const counts = kindCounts(d.kinds);
    const order = [...KIND_ORDER];
    for (let k = 0; k < counts.length; k++) if (counts[k] && !order.includes(k)) order.push(k);
    for (const k of order) {
      const n = counts[k];
      if (!n) continue;
      const item = document.createElement('span');
      item.className = 'legend-item';
      const sw = document.createElement('span');
      sw.className = 'legend-swatch';
      sw.style.background = this.palette.kind[k];
      const label = document.createElement('span');
      label.textContent = `${kindName(k, d.devices)} ${n.toLocaleString('en-US')}`;
      item.append(sw, label);
      this.legend.append(item);
    }
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    const t0 = performance.now();
    const d = this.data;
    const w = this.width;
    const hasProgress = !!d?.progress;
    const h = VMA_H + STRIP_H + (hasProgress ? PROGRESS_H + 2 : 0) + AXIS_H;
    const dpr = window.devicePixelRatio || 1;
    for (const c of [this.canvas, this.overlay]) {
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
        c.width = Math.round(w * dpr);
        c.height = Math.round(h * dpr);
        c.style.width = `${w}px`;
        c.style.height = `${h}px`;
        this.baseDirty = true;
      }
    }
    const octx = this.overlay.getContext('2d');
    if (octx) {
      octx.setTransform(dpr, 0, 0, dpr, 0, 0);
      octx.clearRect(0, 0, w, h);
    }
    const ctx = this.canvas.getContext('2d');
    if (!ctx || !octx || !d) return;
    const drawBase = this.baseDirty;
    this.baseDirty = false;
    if (drawBase) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, h);
    }
    const zf = this.zoomFirst;
    const ze = this.zoomEnd;
    const n = ze - zf;
    const bins = binCount(n, w);
    if (bins === 0) return;
    if (!this.bins || this.bins.count !== bins || this.bins.first !== zf) this.bins = binKinds(d.kinds, bins, zf, ze);
    const bw = w / bins;
    const xOf = (page: number) => (page <= zf ? 0 : page >= ze ? w : binOf(page - zf, n, bins) * bw);
    const xEnd = (end: number) => (end >= ze ? w : end <= zf ? 0 : binOf(end - zf, n, bins) * bw);

    const y0 = VMA_H;
    const yEnd = y0 + STRIP_H + (d.progress ? 2 + PROGRESS_H : 0);
    if (drawBase) this.drawBase(ctx, d, w, bins, bw, xOf, xEnd);

    // overlays
    const band = (r: [number, number] | undefined, colour: string, top: number, height: number, fill: boolean) => {
      if (!r || r[1] <= r[0] || r[1] <= zf || r[0] >= ze) return;
      const x0 = xOf(r[0]);
      const x1 = Math.max(x0 + 2, xEnd(r[1]));
      if (fill) {
        octx.globalAlpha = 0.25;
        octx.fillStyle = colour;
        octx.fillRect(x0, top, x1 - x0, height);
        octx.globalAlpha = 1;
      }
      octx.strokeStyle = colour;
      octx.lineWidth = 2;
      octx.strokeRect(x0 + 1, top + 1, x1 - x0 - 2, height - 2);
      octx.lineWidth = 1;
    };
    const p = this.palette;
    band(this.view.visible, p.muted, y0 - 2, STRIP_H + 4, false);
    band(this.view.selection, p.selection, y0, STRIP_H, true);
    band(this.view.step, p.highlight, 0, yEnd, true);
    this.lastDrawMs = performance.now() - t0;
  }

  /** The VMAs, the kinds strip, the progress strip and the axis (redrawn on data, zoom, theme or size changes). */
  private drawBase(ctx: CanvasRenderingContext2D, d: MapData, w: number, bins: number, bw: number,
    xOf: (p: number) => number, xEnd: (p: number) => number): void {
    const p = this.palette;
    const zf = this.zoomFirst;
    const ze = this.zoomEnd;
    const n = ze - zf;
    const counts = this.bins!.counts;
    // VMAs: a box per VMA (filled lightly; not-mirrored ones in the error colour), open-ended where it runs past
    // the walked range, labelled with name, prot and flags where it fits
    ctx.font = `10px ${p.font.replace(/^\S+\s/, '')}`;
    ctx.textBaseline = 'middle';
    for (const sp of this.spans) {
      const fp = Math.max(zf, sp.first);
      const ep = Math.min(ze, sp.end);
      if (ep <= fp) continue;
      const x0 = Math.round(xOf(fp));
      const x1 = Math.round(xEnd(ep));
      const wpx = Math.max(1, x1 - x0 - 1);
      const colour = sp.cls === 'not-mirrored' ? p.kind[Kind.Error] : p.kind[Kind.PresentRW];
      ctx.globalAlpha = 0.18;
      ctx.fillStyle = colour;
      ctx.fillRect(x0 + 0.5, 1.5, wpx, VMA_H - 3);
      ctx.globalAlpha = 1;
      ctx.strokeStyle = sp.cls === 'not-mirrored' ? colour : p.border;
      ctx.beginPath();
      ctx.moveTo(x0 + 0.5, 1.5);
      ctx.lineTo(x0 + 0.5 + wpx, 1.5);
      ctx.moveTo(x0 + 0.5, VMA_H - 1.5);
      ctx.lineTo(x0 + 0.5 + wpx, VMA_H - 1.5);
      // an edge only where the VMA really ends; where it continues (past the walk or the zoom) the box stays open
      const openLeft = sp.before || fp > sp.first;
      const openRight = sp.after || ep < sp.end;
      if (!openLeft) { ctx.moveTo(x0 + 0.5, 1.5); ctx.lineTo(x0 + 0.5, VMA_H - 1.5); }
      if (!openRight) { ctx.moveTo(x0 + 0.5 + wpx, 1.5); ctx.lineTo(x0 + 0.5 + wpx, VMA_H - 1.5); }
      ctx.stroke();
      if (x1 - x0 > 30) {
        ctx.fillStyle = p.fg;
        ctx.save();
        ctx.beginPath();
        ctx.rect(x0 + 2, 0, x1 - x0 - 4, VMA_H);
        ctx.clip();
        ctx.fillText(`${openLeft ? '… ' : ''}${vmaLabel(sp.vma)}`, x0 + 4, VMA_H / 2);
        ctx.restore();
      }
    }

    // kinds strip
    const y0 = VMA_H;
    if (bins === n) {
      const gap = bw > 6 ? 1 : 0;
      // runs of one kind as one rectangle on whole pixels (no anti-aliased seams between narrow pages)
      for (let i = zf; i < ze; ) {
        const k = d.kinds[i];
        let j = i + 1;
        while (j < ze && d.kinds[j] === k && !gap) j++;
        const x0 = Math.round((i - zf) * bw);
        const x1 = Math.round((j - zf) * bw);
        ctx.fillStyle = p.kind[k];
        ctx.fillRect(x0, y0, Math.max(1, x1 - x0 - gap), STRIP_H);
        i = j;
      }
      if (bw >= 28) {
        ctx.fillStyle = p.background;
        for (let i = zf; i < ze; i++) ctx.fillText(String(i), (i - zf) * bw + 3, y0 + STRIP_H / 2);
      }
    } else {
      for (let b = 0; b < bins; b++) {
        let y = y0;
        const x0 = Math.round(b * bw);
        const x1 = Math.round((b + 1) * bw);
        for (const seg of stackHeights(counts, b, KIND_ORDER, STRIP_H)) {
          ctx.fillStyle = p.kind[seg.kind];
          ctx.fillRect(x0, Math.round(y), Math.max(1, x1 - x0), Math.round(y + seg.px) - Math.round(y));
          y += seg.px;
        }
      }
    }

    // progress strip (trace step)
    let y = y0 + STRIP_H;
    if (d.progress) {
      y += 2;
      const colours = [p.muted, p.kind[2], p.highlight];
      const pb = binKinds(d.progress, bins, zf, ze);
      for (let b = 0; b < bins; b++) {
        let best = 0;
        let bestN = -1;
        for (let k = 2; k >= 0; k--) {
          const n = pb.counts[b * KIND_COUNT + k];
          if (n > bestN) { best = k; bestN = n; }
        }
        ctx.globalAlpha = best === 0 ? 0.35 : 1;
        ctx.fillStyle = colours[best];
        ctx.fillRect(b * bw, y, Math.ceil(bw), PROGRESS_H);
      }
      ctx.globalAlpha = 1;
      y += PROGRESS_H;
    }

    // axis
    ctx.fillStyle = p.muted;
    ctx.textBaseline = 'top';
    const first = d.start === null ? `[${zf}]` : `0x${(d.start + BigInt(zf) * BigInt(d.pageSize)).toString(16)}`;
    const last = d.start === null ? `[${ze}]` : `0x${(d.start + BigInt(ze) * BigInt(d.pageSize)).toString(16)}`;
    ctx.textAlign = 'left';
    ctx.fillText(first, 0, y + 2);
    ctx.textAlign = 'right';
    const zoomed = n < d.pages ? ` of ${d.pages.toLocaleString('en-US')}, wheel to zoom, double-click for all` : '';
    ctx.fillText(`${last}  (${n.toLocaleString('en-US')} pages${zoomed}${bins < n ? `, ${Math.round(n / bins).toLocaleString('en-US')}/px` : ''})`, w, y + 2);
    ctx.textAlign = 'left';
  }
}

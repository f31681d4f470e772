/**
 * The detail pane of the selected entry, like the Data Inspector of VS Code's hex editor: the word decoded under the
 * walk's layout (the core's decodePfn: flags, pfn, physical address, order and what it can be, meaning, problems) and
 * under every kernel era side by side with which readings are plausible, the page-table state behind it as of the
 * current step, the trace events that touched it, and the input word. Everything goes in as text.
 */
import { listLayouts } from '../../core/layouts/registry';
import { decodePfn } from '../../core/layouts/decode';
import { orderMeaning } from '../../core/layouts/orders';
import { formatSize, hex } from '../../core/layouts/bits';
import type { DecodedPfn, PfnLayout } from '../../core/layouts/types';
import type { TraceEventDto } from '../../protocol/messages';
import { wordHex } from '../model/fastLayout';
import { kindName } from '../model/pageKinds';
import { spanAt, vmaSpans } from '../model/vmaSpans';
import type { WalkData } from '../model/walkData';
import { h } from './dom';

export interface DetailActions {
  close(): void;
  goToStep(step: number): void;
  openKernelSource(fn: string): void;
  kernelUrl(fn: string): string | undefined;
}

/** A reading of a word under one layout, and whether it is plausible (no problem; an order some mapping has). */
export interface Reading {
  readonly layout: PfnLayout;
  readonly text: string;
  readonly problems: readonly string[];
  readonly plausible: boolean;
  readonly own: boolean;
}

function readingText(d: DecodedPfn): string {
  if (d.value) return d.value;
  const parts = [d.flags.length ? d.flags.join(' ') : '0'];
  if (d.pfn !== 0n) parts.push(`pfn=${hex(d.pfn)}`);
  if (d.order > 0) parts.push(`order=${d.order}`);
  return parts.join(' ');
}

/** The word under every built-in layout (and the walk's own, when it is custom), the walk's own first. */
export function readingsOf(raw: bigint, own: PfnLayout, pageSize: number): Reading[] {
  const all = listLayouts();
  const layouts = [own, ...all.filter((l) => l.id !== own.id)];
  return layouts.map((l) => {
    const d = decodePfn(raw, l, pageSize);
    const orderOk = d.order === 0 || orderMeaning(d.order, pageSize).readings.length > 0;
    const problems = [...d.problems, ...(orderOk ? [] : [`order ${d.order}: ${orderMeaning(d.order, pageSize).text}`])];
    return { layout: l, text: readingText(d), problems, plausible: problems.length === 0, own: l.id === own.id };
  });
}

function row(table: HTMLTableElement, key: string, value: string | HTMLElement, cls?: string): void {
  const tr = document.createElement('tr');
  const th = h('th', undefined, key);
  th.scope = 'row';
  const td = document.createElement('td');
  if (cls) td.className = cls;
  if (typeof value === 'string') td.textContent = value; else td.append(value);
  tr.append(th, td);
  table.append(tr);
}

export class DetailPane {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private readonly heading: HTMLElement;
  index = -1;

  constructor(private readonly act: DetailActions) {
    this.element = h('aside', 'detail-pane');
    this.element.setAttribute('aria-labelledby', 'detail-heading');
    this.element.hidden = true;
    const head = h('div', 'detail-head');
    this.heading = h('h2', 'detail-title', 'Entry');
    this.heading.id = 'detail-heading';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'detail-close codicon codicon-close';
    close.id = 'detail-close';
    close.setAttribute('aria-label', 'Close the detail pane');
    close.title = 'Close (Escape)';
    close.addEventListener('click', () => this.act.close());
    head.append(this.heading, close);
    this.body = h('div', 'detail-body');
    this.body.tabIndex = 0;
    this.body.setAttribute('role', 'group');
    this.body.setAttribute('aria-label', 'Entry details');
    this.element.append(head, this.body);
    this.element.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.stopPropagation(); this.act.close(); } });
  }

  get open(): boolean { return !this.element.hidden; }

  hide(): void {
    this.element.hidden = true;
    this.index = -1;
  }

  /** Show entry `i` of `w` as of trace step `step` (its kinds at that step are `kinds`). */
  show(w: WalkData, i: number, step: number, kinds: Uint8Array, _kernel: string | undefined): void {
    this.element.hidden = false;
    this.index = i;
    if (!w.outW || i < 0 || i >= w.pages) return;
    const lo = w.outW[2 * i], hi = w.outW[2 * i + 1];
    const raw = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    const a = w.addressOf(i);
    this.heading.textContent = `Entry #${i}${a !== null ? ` · 0x${a.toString(16)}` : ''}`;
    const d = w.problems.decode(lo, hi);
    const ps = w.dto.pageSize;
    const parts: HTMLElement[] = [];

    // the word under the walk's layout
    const sec = (title: string, id: string) => {
      const s = h('section', 'detail-section');
      s.setAttribute('aria-labelledby', id);
      const t = h('h3', 'detail-section-title', title);
      t.id = id;
      s.append(t);
      parts.push(s);
      return s;
    };
    const word = sec(`Output word — layout ${w.layout.id}`, 'detail-word');
    const t1 = document.createElement('table');
    t1.className = 'detail-table';
    row(t1, 'value', wordHex(lo, hi), 'mono');
    row(t1, 'flags', d.value ? d.value : d.flags.length ? d.flags.join(' ') : 'none (0)', 'mono');
    if (!d.value) {
      row(t1, 'pfn', hex(d.pfn), 'mono');
      row(t1, 'physical address', `${hex(d.physAddr)} (page size ${formatSize(BigInt(ps))})`, 'mono');
      if (w.layout.core.order) {
        row(t1, 'order', `${d.order} → ${formatSize(d.mappingSize)}`, 'mono');
        if (d.order > 0) row(t1, 'can be', orderMeaning(d.order, ps).text);
      } else row(t1, 'order', 'no order field in this layout');
    }
    row(t1, 'meaning', d.meaning);
    if (w.inW && w.dto.hasInput) row(t1, 'input word', wordHex(w.inW[2 * i], w.inW[2 * i + 1]), 'mono');
    word.append(t1);

    const probs = sec(`Problems (${d.problems.length})`, 'detail-problems');
    if (d.problems.length) {
      const ul = h('ul', 'detail-problem-list');
      for (const p of d.problems) ul.append(h('li', 'problem error', p));
      probs.append(ul);
    } else probs.append(h('p', 'detail-none', 'None: hmm_range_fault() can write this word.'));

    // every era
    const eras = sec('Under every kernel layout', 'detail-eras');
    const t2 = document.createElement('table');
    t2.className = 'detail-table detail-eras';
    const hr = document.createElement('tr');
    for (const c of ['Layout', 'Plausible']) { const th = h('th', undefined, c); th.scope = 'col'; hr.append(th); }
    t2.append(hr);
    for (const r of readingsOf(raw, w.layout.core, ps)) {
      // three lines per layout: its id and verdict, the reading (the whole width: hex words do not wrap), and why not
      const tr = document.createElement('tr');
      tr.className = `era${r.own ? ' own' : ''}`;
      const l = h('th', 'era-layout', r.layout.id + (r.own ? ' ★ this walk' : ''));
      l.scope = 'row';
      l.title = r.layout.title;
      const ok = h('td', r.plausible ? 'plausible yes' : 'plausible no', r.plausible ? '✓ yes' : '✗ no');
      tr.append(l, ok);
      tr.dataset.layout = r.layout.id;
      tr.dataset.plausible = String(r.plausible);
      const rd = document.createElement('tr');
      rd.className = 'era-reading';
      const td = h('td', 'mono', r.text);
      td.colSpan = 2;
      rd.append(td);
      t2.append(tr, rd);
      if (!r.plausible) {
        const why = document.createElement('tr');
        why.className = 'era-why';
        const wd = h('td', undefined, r.problems[0] + (r.problems.length > 1 ? ` (+${r.problems.length - 1} more)` : ''));
        wd.colSpan = 2;
        wd.title = r.problems.join('\n');
        why.append(wd);
        t2.append(why);
      }
    }
    eras.append(t2);

    // the page-table state behind it
    const last = w.dto.trace.length - 1;
    const stepShown = Math.min(step, last);
    const st = sec(stepShown < last ? `Page state at step ${stepShown + 1}` : 'Page state', 'detail-state');
    const t3 = document.createElement('table');
    t3.className = 'detail-table';
    row(t3, 'state', kindName(kinds[i], w.devices.names));
    let seen: TraceEventDto | undefined;
    for (let k = Math.max(-1, stepShown); k >= 0; k--) {
      const e = w.dto.trace[k];
      if (e.first <= i && i < e.end && w.steps.namedKind(k) !== undefined) { seen = e; break; }
    }
    row(t3, 'as the walk saw it', seen ? seen.state : 'not seen yet at this step', 'mono');
    const span = spanAt(vmaSpans(w.dto.vmas, w.start, ps, w.pages), i);
    if (span) row(t3, 'VMA', `${span.vma.name ? `"${span.vma.name}" ` : ''}${span.vma.start}–${span.vma.end} ${span.vma.prot} ${span.vma.flags.join('|') || '(no VM_ flags)'} · ${span.vma.backing}`);
    else if (w.start !== null && w.dto.vmas.length) row(t3, 'VMA', 'none: a hole');
    st.append(t3);

    // trace events that touched it
    const touching: number[] = [];
    w.dto.trace.forEach((e, k) => { if (e.first <= i && i < e.end) touching.push(k); });
    const ev = sec(`Trace events on this entry (${touching.length})`, 'detail-events');
    if (touching.length) {
      const ol = h('ol', 'detail-events-list');
      for (const k of touching.slice(0, 200)) {
        const e = w.dto.trace[k];
        const li = document.createElement('li');
        if (k === stepShown) li.className = 'current';
        const go = document.createElement('button');
        go.type = 'button';
        go.className = 'link-button';
        go.textContent = `Step ${k + 1}`;
        go.title = `Go to step ${k + 1} (call ${e.attempt})`;
        go.addEventListener('click', () => this.act.goToStep(k));
        const url = this.act.kernelUrl(e.fn);
        const fn: HTMLElement = url ? document.createElement('a') : h('code', 'event-fn');
        fn.textContent = e.fn;
        if (url) {
          const link = fn as HTMLAnchorElement;
          link.className = 'event-fn fn-link';
          link.href = url;
          link.title = `${e.fn} in the kernel source (${url})`;
          link.addEventListener('click', (m) => { m.preventDefault(); this.act.openKernelSource(e.fn); });
        }
        li.append(go, h('span', `event-kind kind-${e.kind}`, e.kind), fn, h('span', 'mono', ` ${e.state} → ${e.rule}`));
        ol.append(li);
      }
      ev.append(ol);
      if (touching.length > 200) ev.append(h('p', 'detail-none', `… ${touching.length - 200} more`));
    } else ev.append(h('p', 'detail-none', 'No trace event names this entry.'));

    this.body.replaceChildren(...parts);
  }
}

/**
 * Step through a walk's trace: a timeline with markers (faults, -EBUSY restarts, driver retries, errors, notifier
 * bumps), step buttons, and the details of the current event: rule, kernel function it mirrors, why.
 */
import type { TraceEventDto } from '../../protocol/messages';
import { findStep, markers } from '../model/replay';
import { button, h } from './dom';
import { readPalette, onThemeChange } from './theme';

const MARK_CLASS: Record<string, string> = {
  fault: 'var(--hmm-mark-fault)', restart: 'var(--hmm-mark-restart)', retry: 'var(--hmm-mark-retry)',
  error: 'var(--hmm-mark-error)', notifier: 'var(--hmm-mark-notifier)', during: 'var(--hmm-mark-notifier)',
};

const FAULTS: readonly TraceEventDto['kind'][] = ['fault'];
const RESTARTS: readonly TraceEventDto['kind'][] = ['restart', 'retry', 'error'];

export interface StepperHooks {
  /** `#4–#7 (0x7f0000004000, 4 pages)` */
  describeRange(first: number, end: number): string;
  /** the words output event `step` stored, one line per run (empty for other events), and how many runs are left out */
  stored(step: number): { lines: string[]; more: number };
  /** the source-browser URL of a kernel function, undefined for names that are none */
  kernelUrl(fn: string): string | undefined;
  openKernelSource(fn: string): void;
}

export class Stepper {
  readonly element: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly timeline: HTMLCanvasElement;
  private readonly label: HTMLElement;
  private readonly details: HTMLElement;
  private trace: readonly TraceEventDto[] = [];
  private step = -1;

  constructor(private readonly onStep: (step: number, event: TraceEventDto | undefined) => void,
    private readonly hooks: StepperHooks) {
    this.element = h('section', 'stepper');
    this.element.setAttribute('aria-label', 'Walk step by step');
    const bar = h('div', 'stepper-bar');
    this.slider = document.createElement('input');
    this.slider.type = 'range';
    this.slider.min = '0';
    this.slider.className = 'stepper-slider';
    this.slider.setAttribute('aria-label', 'Trace step');
    this.slider.addEventListener('input', () => this.go(Number(this.slider.value)));
    this.label = h('span', 'stepper-label');
    this.label.setAttribute('aria-live', 'polite');
    const b = (label: string, icon: string, title: string, id: string, f: () => void) => button(label, icon, f, { title, id });
    bar.append(
      b('', 'debug-reverse-continue', 'First step', 'step-first', () => this.go(0)),
      b('', 'arrow-left', 'Previous step', 'step-prev', () => this.go(this.step - 1)),
      b('', 'arrow-right', 'Next step', 'step-next', () => this.go(this.step + 1)),
      b('', 'debug-continue', 'Last step (final array)', 'step-last', () => this.go(this.trace.length - 1)),
      b('Fault', 'chevron-left', 'Previous fault', 'step-prev-fault', () => this.jump(-1, FAULTS)),
      b('Fault', 'chevron-right', 'Next fault', 'step-next-fault', () => this.jump(1, FAULTS)),
      b('Restart', 'chevron-left', 'Previous -EBUSY restart, driver retry or error', 'step-prev-restart', () => this.jump(-1, RESTARTS)),
      b('Restart', 'chevron-right', 'Next -EBUSY restart, driver retry or error', 'step-next-restart', () => this.jump(1, RESTARTS)),
      this.label,
    );
    const tl = h('div', 'stepper-timeline');
    this.timeline = document.createElement('canvas');
    this.timeline.setAttribute('aria-hidden', 'true');
    tl.append(this.timeline, this.slider);
    this.details = h('div', 'stepper-details');
    this.element.append(bar, tl, this.details);
    onThemeChange(() => this.drawTimeline());
    new ResizeObserver(() => this.drawTimeline()).observe(tl);
  }

  setTrace(trace: readonly TraceEventDto[], step = trace.length - 1): void {
    this.trace = trace;
    this.slider.max = String(Math.max(0, trace.length - 1));
    this.element.hidden = trace.length === 0;
    this.drawTimeline();
    this.go(step, false);
  }

  get current(): number { return this.step; }

  private jump(dir: 1 | -1, kinds: readonly TraceEventDto['kind'][]): void {
    const k = findStep(this.trace, this.step, dir, kinds);
    if (k >= 0) this.go(k);
  }

  go(step: number, notify = true): void {
    if (this.trace.length === 0) return;
    this.step = Math.max(0, Math.min(this.trace.length - 1, step));
    this.slider.value = String(this.step);
    const e = this.trace[this.step];
    this.label.textContent = `Step ${this.step + 1} / ${this.trace.length} · attempt ${e.attempt}${this.step === this.trace.length - 1 ? ' · final' : ''}`;
    this.renderDetails(e);
    if (notify) this.onStep(this.step, e);
  }

  private renderDetails(e: TraceEventDto): void {
    this.details.replaceChildren();
    const kind = h('span', `event-kind kind-${e.kind}`, e.kind);
    const url = this.hooks.kernelUrl(e.fn);
    let fn: HTMLElement;
    if (url) {
      const a = document.createElement('a');
      a.className = 'event-fn fn-link';
      a.href = url;
      a.textContent = e.fn;
      a.title = `The kernel function this step mirrors: open ${e.fn} in the source of the modelled release (${url})`;
      a.addEventListener('click', (m) => { m.preventDefault(); this.hooks.openKernelSource(e.fn); });
      fn = a;
    } else {
      fn = h('code', 'event-fn', e.fn);
      fn.title = 'The driver loop around hmm_range_fault(), not a kernel function';
    }
    const range = h('span', 'event-range', e.end > e.first ? this.hooks.describeRange(e.first, e.end) : 'no pages');
    const head = h('div', 'event-head');
    head.append(kind, fn, range);
    const rule = h('div', 'event-rule');
    rule.append(h('span', 'event-key', 'Rule '), h('code', undefined, e.rule), h('span', 'event-key', '  State '), h('code', undefined, e.state));
    const why = h('div', 'event-why', e.why);
    this.details.append(head, rule, why);
    const st = this.hooks.stored(this.step);
    if (st.lines.length) {
      const box = h('div', 'event-stored');
      box.setAttribute('aria-label', 'Words this step stored');
      box.append(h('span', 'event-key', 'Stored'));
      const pre = h('pre', 'event-stored-words', st.lines.join('\n') + (st.more ? `\n… ${st.more} more run${st.more === 1 ? '' : 's'}` : ''));
      box.append(pre);
      this.details.append(box);
    }
  }

  private drawTimeline(): void {
    const w = Math.max(1, this.timeline.parentElement?.clientWidth ?? 1);
    const hgt = 10;
    const dpr = window.devicePixelRatio || 1;
    this.timeline.width = Math.round(w * dpr);
    this.timeline.height = Math.round(hgt * dpr);
    this.timeline.style.width = `${w}px`;
    this.timeline.style.height = `${hgt}px`;
    const ctx = this.timeline.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const n = this.trace.length;
    if (n === 0) return;
    const cs = getComputedStyle(this.element);
    const p = readPalette(this.element);
    // attempts as alternating bands
    let prevAttempt = -1;
    let band = 0;
    for (let k = 0; k < n; k++) {
      if (this.trace[k].attempt !== prevAttempt) { prevAttempt = this.trace[k].attempt; band++; }
      ctx.fillStyle = p.muted;
      ctx.globalAlpha = band % 2 ? 0.15 : 0.3;
      ctx.fillRect((k / n) * w, 6, Math.ceil(w / n), 4);
    }
    ctx.globalAlpha = 1;
    for (const m of markers(this.trace)) {
      const v = MARK_CLASS[m.kind];
      if (!v) continue;
      const name = v.slice(4, -1);
      ctx.fillStyle = cs.getPropertyValue(name).trim() || p.highlight;
      const x = ((m.index + 0.5) / n) * w;
      ctx.fillRect(Math.max(0, x - 1.5), 0, 3, hgt);
    }
  }
}

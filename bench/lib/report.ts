/** The rows the suite reports, the printed table and the JSON document. */

export type Status = 'met' | 'missed' | 'info';

export interface Row {
  /** stable id, e.g. 'walk.present4k' */
  readonly id: string;
  /** what is measured, one line */
  readonly workload: string;
  /** problem size, e.g. '262,144 pages' */
  readonly size: string;
  /** the measured figure as printed ('41.2 ms', '7.1 M/s', '12.0 B/page') */
  readonly measured: string;
  readonly value?: number;
  readonly unit?: string;
  /** the floor it is compared with, as printed ('packed loop 10.3 ms') */
  readonly floor?: string;
  readonly floorValue?: number;
  /** measured / floor (or floor / measured for rates: always "how many times worse than the floor") */
  readonly ratio?: number;
  readonly target: string;
  readonly status: Status;
  /** why it was missed, or a note */
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
}

export function missed(id: string, workload: string, target: string, reason: string, size = '-'): Row {
  return { id, workload, size, measured: '-', target, status: 'missed', reason };
}

export const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)) + ' ms';
export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtRatio = (r: number) => (r >= 10 ? r.toFixed(1) : r.toFixed(2)) + '×';
export const fmtBytes = (b: number) => (b >= 1024 * 1024 ? (b / 1024 / 1024).toFixed(2) + ' MiB' : b >= 1024 ? (b / 1024).toFixed(1) + ' KiB' : b.toFixed(0) + ' B');

export function table(rows: readonly Row[]): string {
  const head = ['workload', 'size', 'measured', 'floor', 'ratio', 'target', 'status'];
  const cells = rows.map((r) => [r.workload, r.size, r.measured, r.floor ?? '-', r.ratio !== undefined ? fmtRatio(r.ratio) : '-',
    r.target, r.status === 'missed' ? `MISSED${r.reason ? ': ' + r.reason : ''}` : r.status + (r.reason ? ` (${r.reason})` : '')]);
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (i === 6 ? 0 : c[i].length))));
  const line = (c: string[]) => '| ' + c.map((x, i) => (i === 6 ? x : x.padEnd(width[i]))).join(' | ') + ' |';
  return [line(head), '|' + width.map((w, i) => '-'.repeat(i === 6 ? 8 : w + 2)).join('|') + '|', ...cells.map(line)].join('\n');
}

/** The README's table (workload, measured, floor, ratio, target, status with its reason), as Markdown. */
export function markdownTable(rows: readonly Row[]): string {
  const esc = (t: string) => t.replace(/\|/g, '\\|');
  const status = (r: Row) => (r.status === 'missed' ? '**missed**' : r.status) + (r.reason ? ` (${r.reason})` : '');
  return ['| workload | measured | floor (same run) | ratio | target | status |', '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[r.workload, r.measured, r.floor ?? '-', r.ratio !== undefined ? fmtRatio(r.ratio) : '-', r.target, status(r)]
      .map(esc).join(' | ')} |`)].join('\n');
}

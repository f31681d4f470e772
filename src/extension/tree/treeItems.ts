/** TreeItems for each node kind: labels, codicons (ThemeIcon), Markdown tooltips and contextValues for menus. */
import * as vscode from 'vscode';
import { decodePfn, formatDecoded, formatSize } from '../../core/layouts/index';
import type { PfnLayout } from '../../core/layouts/types';
import type { Scenario, WalkStep } from '../../core/scenario/ast';
import type { WalkResult } from '../../core/scenario/result';
import { hex64 } from '../pfnToken';
import { expectVerdict, firstMismatch, RETRY_EXPLAINED, retText, walkSummary } from '../scenario/resultText';
import type { StoredRun } from '../scenario/store';
import type { TreeNode } from './nodes';
import { runStateText, stateIcon } from './pfnRuns';
import type { PteRunView, VmaView } from './space';

const C = vscode.TreeItemCollapsibleState;

function icon(id: string, color?: string): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

function md(lines: string[]): vscode.MarkdownString {
  const m = new vscode.MarkdownString(lines.join('\n'), true);
  m.supportThemeIcons = true;
  return m;
}

function addr(v: bigint): string {
  return '0x' + v.toString(16);
}

export function scenarioItem(n: TreeNode, s: Scenario | undefined, run: StoredRun | undefined, error?: string,
  stale = false): vscode.TreeItem {
  const file = n.uri.path.split('/').pop() ?? n.uri.toString();
  const it = new vscode.TreeItem(s?.name ?? file, C.Collapsed);
  it.id = `scenario:${n.uri.toString()}`;
  it.resourceUri = n.uri;
  const failed = run?.result.walks.filter((w) => w.expect && !w.expect.ok).length ?? 0;
  const state = !run ? '' : stale ? ' · stale (changed since it ran)' : failed ? ` · ${failed} failed` : ' · passed';
  it.description = `${file}${state}`;
  it.iconPath = error ? icon('warning', 'list.warningForeground') : !run ? icon('beaker') : stale ? icon('history')
    : failed ? icon('error', 'testing.iconFailed') : icon('pass', 'testing.iconPassed');
  it.contextValue = run ? 'scenario.ran' : 'scenario';
  it.tooltip = md([`**${s?.name ?? file}**`, '', s?.description ?? '', '',
    `| | |`, `|---|---|`, `| file | ${file} |`, `| kernel | ${s?.kernel ?? '?'} |`,
    `| devices | ${s?.devices.join(', ') || 'none'} |`, `| walks | ${s ? s.steps.filter((x) => x.op === 'walk').length : '?'} |`,
    ...(stale ? ['', '$(history) the file changed since these results ran: run it again'] : []),
    ...(error ? ['', `$(warning) ${error}`] : [])]);
  return it;
}

export function spaceItem(derived: boolean): vscode.TreeItem {
  const it = new vscode.TreeItem(derived ? 'Page tables seen by the walks' : 'Address space', C.Collapsed);
  it.description = derived ? 'walked ranges' : 'VMAs the walks met';
  it.iconPath = icon('server-process');
  it.contextValue = 'space';
  it.tooltip = derived ? 'Each walked range with the page-table states its last walk met (from the trace).'
    : 'The VMAs overlapping the walked ranges, as the last walk over each saw them, with the page-table states it met.';
  return it;
}

export function vmaItem(v: VmaView, hasPtes: boolean): vscode.TreeItem {
  const it = new vscode.TreeItem(`${addr(v.start)}–${addr(v.end)}`, hasPtes ? C.Collapsed : C.None);
  const size = formatSize(v.end - v.start);
  it.description = [v.name, size, v.prot, v.backing].filter(Boolean).join(' · ');
  it.iconPath = icon(v.flags.some((f) => /IO|PFNMAP/.test(f)) ? 'circle-slash' : 'symbol-namespace');
  it.contextValue = 'vma';
  it.tooltip = md([`**VMA** \`${addr(v.start)}\`–\`${addr(v.end)}\``, '', '| | |', '|---|---|', `| size | ${size} |`,
    `| prot | ${v.prot} |`, `| flags | ${v.flags.join(' ') || '—'} |`, `| backing | ${v.backing ?? '—'} |`,
    ...(v.derived ? ['', '*a walked range; states from the walk trace*'] : [])]);
  return it;
}

export function pteRunItem(r: PteRunView): vscode.TreeItem {
  const it = new vscode.TreeItem(`${r.pages} page${r.pages === 1 ? '' : 's'} ${r.state}`, r.pages > 1 ? C.Collapsed : C.None);
  it.description = addr(r.start);
  it.iconPath = icon(r.state.startsWith('none') ? 'circle-outline' : r.state.includes('device') ? 'chip' : 'symbol-field');
  it.contextValue = r.pages > 1 ? 'pteRun' : 'pte';
  return it;
}

/** Flags as written in the scenario: names, else the raw number. */
function flagsText(f: WalkStep['defaultFlags']): string {
  if (!f) return '0';
  return f.names.length ? f.names.join('|') : f.raw !== undefined ? `0x${f.raw.toString(16)}` : '0';
}

/** The walk's style as the kernel sees it: `mode` is only shorthand; explicit default_flags/pfn_flags_mask win. */
function walkStyle(w: WalkStep): string {
  if (w.defaultFlags === undefined && w.pfnFlagsMask === undefined) return w.mode;
  return `default_flags ${flagsText(w.defaultFlags)} · mask ${flagsText(w.pfnFlagsMask)}`;
}

/** A walk's stored result as the tree shows it: the result, whether its file changed since, how it ran. */
export interface WalkResultView {
  readonly walk: WalkResult;
  readonly stale: boolean;
  /** `ran as fault` when it ran with other overrides than the walk as written, else '' */
  readonly ranAs: string;
}

export function walkItem(n: TreeNode & { kind: 'walk' }, w: WalkStep, r: WalkResultView | undefined): vscode.TreeItem {
  const it = new vscode.TreeItem(w.name, C.Collapsed);
  it.id = `walk:${n.uri.toString()}#${n.ordinal}`;
  const result = r?.walk;
  const mm = result && !r.stale ? firstMismatch(result, w) : undefined;
  const shown = !result ? '' : r.stale ? ` — stale: ${walkSummary(result)}`
    : ` — ${mm ? `${expectVerdict(result)}: ${mm}` : result.expect ? `${expectVerdict(result)} · ${walkSummary(result)}` : walkSummary(result)}`;
  it.description = `${walkStyle(w)} · ${w.pages} page${w.pages === 1 ? '' : 's'}${shown}${r?.ranAs ? ` (${r.ranAs})` : ''}`;
  it.iconPath = !result ? icon('circle-large-outline') : r.stale ? icon('history') : mm ? icon('error', 'testing.iconFailed')
    : result.expect ? icon('pass', 'testing.iconPassed') : icon('debug-stackframe-dot');
  it.contextValue = result ? (mm ? 'walk.ran.failed' : 'walk.ran') : 'walk';
  it.tooltip = md([`**walk** ${w.name} (line ${w.pos.line})`, '', '| | |', '|---|---|', `| mode | ${walkStyle(w)} |`,
    `| pages | ${w.pages} |`, `| device | ${w.device ?? '—'} |`, `| retry | ${w.retry} |`,
    ...(result ? [`| result | ${walkSummary(result)}${r.ranAs ? ` (${r.ranAs})` : ''} |`] : []), ...(mm ? ['', `$(error) ${mm}`] : []),
    ...(r?.stale ? ['', '$(history) the file changed since this result ran: run the walk again'] : [])]);
  return it;
}

export function resultItem(w: WalkResult): vscode.TreeItem {
  const calls = `${w.attempts} call${w.attempts === 1 ? '' : 's'} of hmm_range_fault()`;
  const it = new vscode.TreeItem(`ret ${retText(w.ret)} · ${calls}`, C.Collapsed);
  it.description = `layout ${w.layoutId} · from ${addr(w.start)}`;
  it.iconPath = icon(w.ret === 0 ? 'output' : 'warning', w.ret === 0 ? undefined : 'list.warningForeground');
  it.contextValue = 'walkResult';
  it.tooltip = md([`**${w.name}**: ${walkSummary(w)}`, '', `${calls}: ${RETRY_EXPLAINED}.`, '',
    `${w.trace.length} trace events; layout ${w.layoutId}`]);
  return it;
}

export function pfnRunItem(w: WalkResult, layout: PfnLayout, first: number, count: number, flags: readonly string[],
  order: number): vscode.TreeItem {
  const label = count === 1 ? `page ${first}` : `pages ${first}–${first + count - 1}`;
  const it = new vscode.TreeItem(label, count > 1 ? C.Collapsed : C.None);
  const state = runStateText({ flags, order });
  it.description = count > 1 ? `${state} ×${count}` : state;
  const ic = stateIcon(flags);
  it.iconPath = icon(ic.icon, ic.color);
  it.contextValue = count > 1 ? 'pfnRun' : 'pfn';
  const ps = BigInt(w.pageSize);
  const a0 = w.start + BigInt(first) * ps;
  const d = decodePfn(w.pfns[first], layout, w.pageSize);
  it.tooltip = md([`**${state}** — ${count} page${count === 1 ? '' : 's'}`, '', '| | |', '|---|---|',
    `| pages | ${first}..${first + count - 1} |`, `| addresses | \`${addr(a0)}\`–\`${addr(a0 + BigInt(count) * ps)}\` |`,
    `| first word | \`${hex64(w.pfns[first])}\` |`, `| decoded | ${formatDecoded(d)} |`, '', `*${d.meaning}*`]);
  return it;
}

export function pfnItem(w: WalkResult, layout: PfnLayout, page: number): vscode.TreeItem {
  const ps = BigInt(w.pageSize);
  const raw = w.pfns[page];
  const d = decodePfn(raw, layout, w.pageSize);
  const it = new vscode.TreeItem(`#${page} ${addr(w.start + BigInt(page) * ps)}`, C.None);
  const state = d.value ?? runStateText({ flags: d.flags, order: d.order });
  it.description = d.value || (d.pfn === 0n && d.flags.length === 0) ? state : `${state} pfn=0x${d.pfn.toString(16)}`;
  const ic = stateIcon(d.value ? [d.value] : d.flags);
  it.iconPath = icon(ic.icon, ic.color);
  it.contextValue = 'pfn';
  it.tooltip = md([`\`${hex64(raw)}\` — ${formatDecoded(d)}`, '', `*${d.meaning}*`,
    ...d.problems.map((p) => `- $(warning) ${p}`)]);
  return it;
}

export function messageItem(text: string, command?: vscode.Command, iconId = 'info'): vscode.TreeItem {
  const it = new vscode.TreeItem(text, C.None);
  it.iconPath = icon(iconId);
  it.command = command;
  it.contextValue = 'message';
  return it;
}

/** Renders decoded flags as chips into a grid cell, rebuilding only when the word changed. */
import type { FastLayout } from '../model/fastLayout';

export function renderChips(cell: HTMLElement, layout: FastLayout, lo: number, hi: number, outputOnly: boolean): void {
  const key = `${layout.id}:${lo}:${hi}:${outputOnly ? 1 : 0}`;
  if (cell.dataset.key === key) return;
  cell.dataset.key = key;
  cell.replaceChildren();
  cell.removeAttribute('title');
  const v = layout.value(lo, hi);
  if (v) {
    cell.append(chip(v, v === 'NONE' ? 'none' : v === 'ERROR' ? 'error' : 'special'));
    return;
  }
  const bits = layout.flagBits(lo, hi);
  if (bits === 0) {
    if (lo === 0 && hi === 0) cell.append(chip('0', 'none'));
    return;
  }
  const names: string[] = [];
  for (let i = 0; i < layout.flags.length; i++) {
    if (!(bits & (1 << i))) continue;
    const f = layout.flags[i];
    if (outputOnly && f.direction === 'in') continue;
    const name = !outputOnly && f.inputAlias ? f.inputAlias : f.name;
    names.push(name);
    cell.append(chip(name, f.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'), f.doc));
  }
  // a narrow column clips chips: the cell's own tooltip names them all
  if (names.length > 1) cell.title = names.join(' | ');
  else cell.removeAttribute('title');
}

function chip(text: string, cls: string, title?: string): HTMLElement {
  const c = document.createElement('span');
  c.className = `chip chip-${cls}`;
  c.textContent = text;
  if (title) c.title = title;
  return c;
}

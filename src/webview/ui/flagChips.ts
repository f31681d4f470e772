/** Renders decoded flags as chips into a grid cell, rebuilding only when the word changed. */
import { shortHex, type FastLayout } from '../model/fastLayout';

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

/** Flags as chips, then `pfn=0x… order=N` (the compare grid's decoded cell), rebuilt only when the word changed. */
export function renderDecoded(cell: HTMLElement, layout: FastLayout, lo: number, hi: number): void {
  const key = `d:${layout.id}:${lo}:${hi}`;
  if (cell.dataset.key === key) return;
  renderChips(cell, layout, lo, hi, true);
  cell.dataset.key = key;
  const [plo, phi] = layout.pfnHalves(lo, hi);
  const order = layout.order(lo, hi);
  if (plo || phi || order) {
    const extra = document.createElement('span');
    extra.className = 'chip-extra';
    extra.textContent = `${plo || phi ? `pfn=${shortHex(plo, phi)}` : ''}${plo || phi ? ' ' : ''}${order ? `order=${order}` : ''}`.trim();
    cell.append(extra);
  }
}

function chip(text: string, cls: string, title?: string): HTMLElement {
  const c = document.createElement('span');
  c.className = `chip chip-${cls}`;
  c.textContent = text;
  if (title) c.title = title;
  return c;
}

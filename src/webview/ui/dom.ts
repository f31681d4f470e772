/** Small DOM helpers. Text always goes in through textContent, never as HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined) el.textContent = text;
  return el;
}

export function custom(tag: string, attrs: Record<string, string> = {}, text?: string): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A vscode-button with an optional codicon and a text label. */
export function button(label: string, icon: string | undefined, onClick: () => void, opts: { secondary?: boolean; title?: string; id?: string } = {}): HTMLElement {
  const b = custom('vscode-button', opts.secondary === false ? {} : { secondary: '' });
  if (icon) b.setAttribute('icon', icon);
  if (opts.title) b.title = opts.title;
  if (opts.id) b.id = opts.id;
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}

/** A vscode-single-select with options [value, label]. */
export function select(options: readonly (readonly [string, string])[], value: string, label: string,
  onChange: (v: string) => void): HTMLElement & { value: string } {
  // `label` is what vscode-single-select puts on its combobox inside its shadow root (the accessible name)
  const s = custom('vscode-single-select', { 'aria-label': label, label }) as HTMLElement & { value: string };
  for (const [v, text] of options) {
    const o = custom('vscode-option', { value: v }, text);
    if (v === value) o.setAttribute('selected', '');
    s.append(o);
  }
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

/** The Problems tab: return-code and expect mismatches of the walk, then the scenario's diagnostics, as text. */
import type { DiagnosticDto, WalkDto } from '../../protocol/messages';
import { h } from './dom';

export interface ProblemActions {
  openSource(line: number, col: number): void;
  reveal(index: number): void;
}

function link(text: string, onClick: () => void): HTMLAnchorElement {
  const a = h('a', 'problem-link', text);
  a.href = '#';
  a.addEventListener('click', (e) => { e.preventDefault(); onClick(); });
  return a;
}

/** Fill `container`; returns the number of problems listed. */
export function renderProblems(container: HTMLElement, walk: WalkDto, diagnostics: readonly DiagnosticDto[],
  act: ProblemActions): number {
  container.replaceChildren();
  const list = h('ul', 'problem-list');
  if (walk.expect && !walk.expect.retOk) list.append(h('li', 'problem error', `Return code ${walk.ret} differs from the expected one.`));
  for (const m of walk.expect?.mismatches ?? []) {
    const li = h('li', 'problem error');
    li.append(link(`#${m.index} ${m.address}`, () => act.reveal(m.index)),
      h('span', undefined, ` expected ${m.expected}, got ${m.actual} (${m.actualDecoded}) — ${m.message} `),
      link(`line ${m.line}:${m.col}`, () => act.openSource(m.line, m.col)));
    list.append(li);
  }
  for (const d of diagnostics) {
    const li = h('li', `problem ${d.severity}`);
    li.append(h('span', undefined, `${d.severity}: ${d.message} `), link(`line ${d.line}:${d.col}`, () => act.openSource(d.line, d.col)));
    list.append(li);
  }
  const n = list.childElementCount;
  if (n === 0) container.append(h('p', 'empty', 'No problems: the walk matched its expectations (or has none).'));
  else container.append(list);
  return n;
}

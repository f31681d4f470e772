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

/** Word problems of a walk (the core's check over every entry), in runs of entries with the same problems. */
export interface WordProblems {
  readonly runs: readonly { readonly first: number; readonly end: number; readonly problems: readonly string[] }[];
  readonly entries: number;
  readonly truncated: boolean;
}

/** Fill `container`; returns the number of problems listed (a run of entries with one problem counts once). */
export function renderProblems(container: HTMLElement, walk: WalkDto, diagnostics: readonly DiagnosticDto[],
  act: ProblemActions, words?: WordProblems): number {
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
  let n = 0;
  const shown = Math.min(words?.runs.length ?? 0, 500);
  for (let r = 0; r < shown; r++) {
    const run = words!.runs[r];
    for (const p of run.problems) {
      const li = h('li', 'problem error word-problem');
      const count = run.end - run.first;
      li.append(link(count > 1 ? `#${run.first}–#${run.end - 1}` : `#${run.first}`, () => act.reveal(run.first)),
        h('span', undefined, ` ${count > 1 ? `(${count.toLocaleString('en-US')} entries) ` : ''}${p}`));
      list.append(li);
    }
  }
  n = list.childElementCount;
  if (words && (words.runs.length > shown || words.truncated)) {
    list.append(h('li', 'problem', `… more entries with problems (${words.entries.toLocaleString('en-US')} entries in all): filter "Words with problems" lists them`));
  }
  if (n === 0) container.append(h('p', 'empty', words ? 'No problems: the walk matched its expectations (or has none), and every word is one hmm_range_fault() can write.'
    : 'No problems: the walk matched its expectations (or has none).'));
  else container.append(list);
  return n;
}

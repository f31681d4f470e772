/**
 * CodeLens above each walk: "Run snapshot", "Run fault", "Inspect" (and "Verify on kernel" in the desktop host);
 * after a run, whether its `expect` held beside them (`expect held · ret 0 · 4 pages`, `3 pages differ — page 1 …`),
 * read from the result store. A result whose file changed since it ran says so (stale), and says when it ran with
 * another mode than the walk's. While the file has an error the lenses stay, from the last parse that worked, with
 * "Fix errors to run" instead of the run actions.
 */
import * as vscode from 'vscode';
import type { Scenario, WalkStep } from '../../core/scenario/ast';
import { scenarioCore } from '../coreLoader';
import { ranAsText } from '../results/resultStore';
import { RETRY_EXPLAINED, resultLensText, walkSummary } from './resultText';
import { rangeOf } from './diagnostics';
import type { ScenarioStore } from './store';

/** Lines (0-based) of the walk steps in `text`, as written: `- walk:` or `- { walk: … }`. */
export function walkLines(text: string): number[] {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((l, i) => { if (/^\s*-\s*(\{\s*)?["']?walk["']?\s*:/.test(l)) out.push(i); });
  return out;
}

export class WalkCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ScenarioStore, private readonly canVerify = false) {
    this.sub = store.onDidChangeRuns(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    try {
      const parsed = this.store.parse(doc);
      if (parsed.scenario) return this.lenses(doc, parsed.scenario, undefined);
      const good = this.store.lastGood(doc);
      if (!good) return [];
      // the file has an error: the walks of the last parse that worked, on the lines the walks are on now (when the
      // count still matches), else where they were
      const now = walkLines(doc.getText());
      const walks = scenarioCore().walksOf(good.scenario);
      const lines = now.length === walks.length ? now
        : walks.map((w) => Math.min(rangeOf(w.pos).start.line, Math.max(0, doc.lineCount - 1)));
      return this.lenses(doc, good.scenario, lines);
    } catch {
      return [];
    }
  }

  /** `broken` = the walks' lines while the file has an error (no run actions then). */
  private lenses(doc: vscode.TextDocument, s: Scenario, broken: number[] | undefined): vscode.CodeLens[] {
    const lenses: vscode.CodeLens[] = [];
    scenarioCore().walksOf(s).forEach((w, ordinal) => {
      const line = broken ? broken[ordinal] : rangeOf(w.pos).start.line;
      const range = new vscode.Range(line, 0, line, 0);
      const args = [doc.uri, ordinal, { source: 'codeLens' }];
      if (broken) {
        lenses.push(new vscode.CodeLens(range, { title: '$(warning) Fix errors to run', command: 'workbench.actions.view.problems',
          tooltip: 'The file has an error (see Problems): the walks run again once it parses' }));
      } else {
        lenses.push(
          new vscode.CodeLens(range, { title: '$(eye) Run snapshot', command: 'hmm.runSnapshotWalk', arguments: args,
            tooltip: `Run "${w.name}" as a snapshot (default_flags 0): report without faulting` }),
          new vscode.CodeLens(range, { title: '$(run) Run fault', command: 'hmm.runFaultingWalk', arguments: args,
            tooltip: `Run "${w.name}" with REQ_FAULT: fault every page in` }),
          new vscode.CodeLens(range, { title: '$(inspect) Inspect', command: 'hmm.inspectWalk', arguments: [doc.uri, ordinal],
            tooltip: `Run "${w.name}" as written and open it in the inspector` }),
        );
        if (this.canVerify) {
          lenses.push(new vscode.CodeLens(range, { title: '$(vm) Verify on kernel', command: 'hmm.verifyWalk', arguments: [doc.uri, ordinal],
            tooltip: `Run the scenario on a real Linux kernel (QEMU VM or this machine's probe) and compare "${w.name}" with the simulator` }));
        }
      }
      const verdict = this.verificationLens(doc, ordinal, range);
      if (verdict) lenses.push(verdict);
      const result = this.resultLens(doc, w, ordinal, range);
      if (result) lenses.push(result);
    });
    return lenses;
  }

  private verificationLens(doc: vscode.TextDocument, ordinal: number, range: vscode.Range): vscode.CodeLens | undefined {
    const ver = this.store.results.verification(doc.uri);
    const kv = ver?.walks.get(ordinal);
    if (!ver || !kv) return undefined;
    const stale = this.store.results.isStale(doc.uri, ver);
    const icon = stale ? '$(history)' : kv.status === 'agree' ? '$(pass)' : kv.status === 'disagree' ? '$(error)' : '$(circle-slash)';
    const what = kv.status === 'agree' ? 'agrees with' : kv.status === 'disagree'
      ? `${kv.differing ? `${kv.differing} pages differ on` : 'disagrees with'}` : 'not expressible on';
    return new vscode.CodeLens(range, { title: `${icon} ${stale ? 'stale: ' : ''}${what} ${ver.kernel}`,
      command: 'hmm.verifyWalk', arguments: [doc.uri, ordinal, ver.kernel],
      tooltip: `${stale ? 'The file changed since this verification ran. ' : ''}${kv.reason ?? `${ver.kernel}: ${ver.release}`}; click to verify again and compare in the inspector` });
  }

  private resultLens(doc: vscode.TextDocument, w: WalkStep, ordinal: number, range: vscode.Range): vscode.CodeLens | undefined {
    const r = this.store.results.walkResult(doc.uri, ordinal, w.name);
    if (!r) return undefined;
    const ranAs = ranAsText(r.record.overrides, w);
    const retries = r.walk.attempts > 1 ? `\n\n${r.walk.attempts} calls of hmm_range_fault(): ${RETRY_EXPLAINED}.` : '';
    if (r.stale) {
      return new vscode.CodeLens(range, { title: `$(history) stale: ${walkSummary(r.walk)}${ranAs ? ` · ${ranAs}` : ''} — the file changed since this ran`,
        command: 'hmm.inspectWalk', arguments: [doc.uri, ordinal, { useStored: true }],
        tooltip: `This result ran on an earlier text of the file: run the walk again for a current one.${retries}` });
    }
    return new vscode.CodeLens(range, { title: `${resultLensText(r.walk, w)}${ranAs ? ` · ${ranAs}` : ''}`,
      command: 'hmm.inspectWalk', arguments: [doc.uri, ordinal, { useStored: true }],
      tooltip: `Open this result in the inspector${ranAs ? ` (it ${ranAs}, not as written)` : ''}.${retries}` });
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

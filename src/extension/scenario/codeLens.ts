/**
 * CodeLens above each walk: "Run snapshot", "Run fault", "Inspect"; after a run, the result beside them
 * (`ret 0 · 7 pages · 1 retry`, or the first mismatch).
 */
import * as vscode from 'vscode';
import { scenarioCore } from '../coreLoader';
import { resultLensText } from './resultText';
import { rangeOf } from './diagnostics';
import type { ScenarioStore } from './store';

export class WalkCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly store: ScenarioStore, private readonly canVerify = false) {
    this.sub = store.onDidChangeRuns(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    try {
      const s = this.store.parse(doc).scenario;
      if (!s) return [];
      const lenses: vscode.CodeLens[] = [];
      scenarioCore().walksOf(s).forEach((w, ordinal) => {
        const line = rangeOf(w.pos).start.line;
        const range = new vscode.Range(line, 0, line, 0);
        const args = [doc.uri, ordinal];
        lenses.push(
          new vscode.CodeLens(range, { title: '$(eye) Run snapshot', command: 'hmm.runSnapshotWalk', arguments: args,
            tooltip: `Run "${w.name}" as a snapshot (default_flags 0): report without faulting` }),
          new vscode.CodeLens(range, { title: '$(run) Run fault', command: 'hmm.runFaultingWalk', arguments: args,
            tooltip: `Run "${w.name}" with REQ_FAULT: fault every page in` }),
          new vscode.CodeLens(range, { title: '$(inspect) Inspect', command: 'hmm.inspectWalk', arguments: args,
            tooltip: `Run "${w.name}" as written and open it in the inspector` }),
        );
        if (this.canVerify) {
          lenses.push(new vscode.CodeLens(range, { title: '$(vm) Verify on kernel', command: 'hmm.verifyWalk', arguments: args,
            tooltip: `Run the scenario on a real Linux kernel (QEMU VM or this machine's probe) and compare "${w.name}" with the simulator` }));
        }
        const kv = this.store.verification(doc.uri)?.walks.get(ordinal);
        if (kv) {
          const ver = this.store.verification(doc.uri)!;
          const stale = ver.version !== doc.version ? ' (before edits)' : '';
          const icon = kv.status === 'agree' ? '$(pass)' : kv.status === 'disagree' ? '$(error)' : '$(circle-slash)';
          const what = kv.status === 'agree' ? 'agrees with' : kv.status === 'disagree' ? `${kv.differing ? `${kv.differing} pages differ on` : 'disagrees with'}` : 'not expressible on';
          lenses.push(new vscode.CodeLens(range, { title: `${icon} ${what} ${ver.kernel}${stale}`,
            command: 'hmm.verifyWalk', arguments: [doc.uri, ordinal, ver.kernel],
            tooltip: kv.reason ?? `${ver.kernel}: ${ver.release}; click to verify again and compare in the inspector` }));
        }
        const r = this.store.walkResult(doc.uri, ordinal);
        if (r) {
          const stale = r.run.version !== doc.version ? ' (before edits)' : '';
          const over = r.run.overrides ? ` [${r.run.overrides}]` : '';
          lenses.push(new vscode.CodeLens(range, { title: `${resultLensText(r.walk, w)}${over}${stale}`,
            command: 'hmm.inspectWalk', arguments: [doc.uri, ordinal, { useStored: true }],
            tooltip: 'Open this result in the inspector' }));
        }
      });
      return lenses;
    } catch {
      return [];
    }
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

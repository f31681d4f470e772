/** A file's real-kernel verdicts into the result store (hmm.verifyWalk and the Test Explorer's verify profiles). */
import type * as vscode from 'vscode';
import type { ScenarioVerdict } from '../../core/oracle/judge';
import type { KernelTargetId } from '../../core/oracle/targets';
import type { RunSource } from '../results/resultStore';
import { textHash } from '../results/textHash';
import type { ScenarioStore } from '../scenario/store';

/** Stores a file's verdicts (`text`: what was verified) for CodeLens, the tree and the Test Explorer. */
export function storeVerdicts(store: ScenarioStore, uri: vscode.Uri, version: number, kernel: KernelTargetId, release: string,
  v: ScenarioVerdict, text: string, source: RunSource): void {
  store.results.setVerification(uri, { kernel, release, version, textHash: textHash(text), source,
    walks: new Map(v.walks.map((w) => [w.index, w])) });
}

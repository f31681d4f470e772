/**
 * The one store of walk results. Every way of running records here — CodeLens, the run commands, the tree, Run All,
 * the Test Explorer, the walkthrough, Inspect, Verify on kernel — and CodeLens, the tree, the Test Explorer, the
 * walkthrough and the inspector read from here. Each walk's result remembers the text it ran on (a hash), the
 * overrides it ran with and what ran it: a result whose file changed since is stale, never shown as current.
 */
import * as vscode from 'vscode';
import type { WalkMode } from '../../core/scenario/ast';
import type { ScenarioResult, WalkResult } from '../../core/scenario/result';
import type { WalkVerdict } from '../../core/oracle/judge';
import { textHash } from './textHash';

/** What ran a scenario (for the Test Explorer's run names and for tests). */
export type RunSource = 'codeLens' | 'command' | 'runAll' | 'tree' | 'tests' | 'inspect' | 'walkthrough' | 'other';

/** What a run changed from the file as written (Run Snapshot, Run Fault, Run Walk with Options…). */
export interface WalkOverrides {
  readonly mode?: WalkMode;
  readonly kernel?: string;
  readonly device?: string;
}

/** `mode fault, kernel v5.10` ('' = as written). */
export function overridesText(o?: WalkOverrides): string {
  if (!o) return '';
  return [o.mode && `mode ${o.mode}`, o.kernel && `kernel ${o.kernel}`, o.device && `device ${o.device}`].filter(Boolean).join(', ');
}

/** How a walk's result differs from the walk as written (`ran as fault`), '' when it ran as written. */
export function ranAsText(o: WalkOverrides, step?: { readonly mode: WalkMode; readonly device?: string }): string {
  const parts = [o.mode && o.mode !== step?.mode ? o.mode : undefined, o.kernel && `kernel ${o.kernel}`,
    o.device && o.device !== step?.device ? `device ${o.device}` : undefined].filter(Boolean);
  return parts.length ? `ran as ${parts.join(', ')}` : '';
}

export interface WalkRecord {
  readonly walk: WalkResult;
  /** ordinal among the file's walks (0-based) */
  readonly ordinal: number;
  /** the overrides this walk ran with (none = as written) */
  readonly overrides: WalkOverrides;
  readonly source: RunSource;
  /** hash of the text it ran on, and the document version (-1 = read from disk) */
  readonly textHash: string;
  readonly version: number;
}

export interface StoredRun {
  /** the walks of every run since the file was opened, merged by walk ordinal, in file order */
  readonly result: ScenarioResult;
  /** ordinal among the file's walks (0-based) of each entry of result.walks */
  readonly ordinals: readonly number[];
  /** one record per entry of result.walks */
  readonly records: readonly WalkRecord[];
  /** the latest run's document version, text hash, overrides ('' = as written) and source */
  readonly version: number;
  readonly textHash: string;
  readonly overrides: string;
  readonly source: RunSource;
}

/** The latest real-kernel verification of a file (hmm.verifyWalk, the Test Explorer's verify profiles). */
export interface StoredVerification {
  /** the oracle's kernel id and the running kernel's `uname -r` */
  readonly kernel: string;
  readonly release: string;
  /** document version and text hash the verification ran on */
  readonly version: number;
  readonly textHash?: string;
  /** verdict per walk ordinal */
  readonly walks: ReadonlyMap<number, WalkVerdict>;
  readonly source?: RunSource;
}

export interface RunStoredEvent {
  readonly uri: vscode.Uri;
  readonly run: StoredRun;
  /** the records this run added (not the merged earlier ones) */
  readonly records: readonly WalkRecord[];
  readonly source: RunSource;
}

export interface StoreRunOptions {
  readonly version: number;
  readonly text: string;
  readonly overrides?: WalkOverrides;
  readonly source: RunSource;
  /** the run covered every walk: earlier walk results are dropped */
  readonly replaceAll: boolean;
}

const STALE_CHECK_MS = 150;

export class ResultStore implements vscode.Disposable {
  private readonly runs = new Map<string, StoredRun>();
  private readonly verifications = new Map<string, StoredVerification>();
  /** hash of the text of files that are not open, as last read */
  private readonly diskHashes = new Map<string, string>();
  private readonly openHashes = new Map<string, { version: number; hash: string }>();
  private readonly staleShown = new Map<string, boolean>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly stored = new vscode.EventEmitter<RunStoredEvent>();
  private readonly verified = new vscode.EventEmitter<{ uri: vscode.Uri; verification: StoredVerification }>();
  private readonly staled = new vscode.EventEmitter<vscode.Uri>();
  /** fires when a file's results changed: a run stored or cleared, a verification, a result became stale or fresh */
  readonly onDidChange = this.changed.event;
  /** fires after each run is stored */
  readonly onDidStoreRun = this.stored.event;
  /** fires after each verification is stored */
  readonly onDidStoreVerification = this.verified.event;
  /** fires when a file with results changes (its results become stale) */
  readonly onDidBecomeStale = this.staled.event;
  private readonly subs: vscode.Disposable[] = [];
  private watcher?: vscode.FileSystemWatcher;

  constructor(private readonly glob: string) {
    this.subs.push(
      vscode.workspace.onDidChangeTextDocument((e) => this.scheduleStaleCheck(e.document.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.openHashes.delete(key);
        // an untitled scenario that is closed is gone: so are its results
        if (d.isUntitled) this.clear(d.uri);
        else if (this.runs.has(key) || this.verifications.has(key)) this.diskHashes.delete(key);
      }));
  }

  /** Hash of the file's current text: the open document's, else the disk text last read; undefined = unknown. */
  currentHash(uri: vscode.Uri): string | undefined {
    const key = uri.toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (doc) {
      const hit = this.openHashes.get(key);
      if (hit && hit.version === doc.version) return hit.hash;
      const hash = textHash(doc.getText());
      this.openHashes.set(key, { version: doc.version, hash });
      return hash;
    }
    return this.diskHashes.get(key);
  }

  /** Whether a result (or verification) ran on other text than the file has now. */
  isStale(uri: vscode.Uri, ran: { readonly textHash?: string } | undefined): boolean {
    if (!ran?.textHash) return false;
    const now = this.currentHash(uri);
    return now !== undefined && now !== ran.textHash;
  }

  setRun(uri: vscode.Uri, result: ScenarioResult, ordinals: readonly number[], o: StoreRunOptions): StoredRun {
    const key = uri.toString();
    const hash = textHash(o.text);
    if (o.version < 0) this.noteDiskText(uri, hash);
    const prev = o.replaceAll ? undefined : this.runs.get(key);
    const byOrdinal = new Map<number, WalkRecord>();
    // earlier results of other walks stay; one that ran on other text is shown as stale (its own hash says so)
    if (prev) prev.records.forEach((r) => byOrdinal.set(r.ordinal, r));
    const added: WalkRecord[] = result.walks.map((walk, i) => ({ walk, ordinal: ordinals[i], overrides: o.overrides ?? {},
      source: o.source, textHash: hash, version: o.version }));
    for (const r of added) byOrdinal.set(r.ordinal, r);
    const records = [...byOrdinal.values()].sort((a, b) => a.ordinal - b.ordinal);
    const run: StoredRun = {
      result: { ...result, walks: records.map((r) => r.walk) }, ordinals: records.map((r) => r.ordinal), records,
      version: o.version, textHash: hash, overrides: overridesText(o.overrides), source: o.source,
    };
    this.runs.set(key, run);
    this.staleShown.set(key, false);
    this.changed.fire(uri);
    this.stored.fire({ uri, run, records: added, source: o.source });
    return run;
  }

  getRun(uri: vscode.Uri): StoredRun | undefined {
    return this.runs.get(uri.toString());
  }

  /**
   * The stored result of walk `ordinal`. With `name` (the walk's current name), a result stored for another walk at
   * that ordinal (walks were added or removed since) is looked up by name instead.
   */
  walkResult(uri: vscode.Uri, ordinal: number, name?: string):
    { walk: WalkResult; index: number; run: StoredRun; record: WalkRecord; stale: boolean } | undefined {
    const run = this.runs.get(uri.toString());
    if (!run) return undefined;
    let index = run.ordinals.indexOf(ordinal);
    if (name !== undefined && (index < 0 || run.records[index].walk.name !== name)) {
      const byName = run.records.filter((r) => r.walk.name === name);
      index = byName.length === 1 ? run.records.indexOf(byName[0]) : -1;
    }
    if (index < 0) return undefined;
    const record = run.records[index];
    return { walk: record.walk, index, run, record, stale: this.isStale(uri, record) };
  }

  allRuns(): [string, StoredRun][] {
    return [...this.runs.entries()];
  }

  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    const had = this.runs.delete(key) || this.verifications.delete(key);
    this.verifications.delete(key);
    this.diskHashes.delete(key);
    this.staleShown.delete(key);
    if (had) this.changed.fire(uri);
  }

  setVerification(uri: vscode.Uri, v: StoredVerification): void {
    this.verifications.set(uri.toString(), v);
    this.changed.fire(uri);
    this.verified.fire({ uri, verification: v });
  }

  verification(uri: vscode.Uri): StoredVerification | undefined {
    return this.verifications.get(uri.toString());
  }

  /** Records the text of a file read from disk (Run All, the Test Explorer): staleness of a closed file. */
  noteDiskText(uri: vscode.Uri, hash: string): void {
    this.diskHashes.set(uri.toString(), hash);
    this.watch();
  }

  private watch(): void {
    if (this.watcher) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(this.glob);
    this.subs.push(this.watcher,
      this.watcher.onDidChange((u) => void this.reread(u)),
      this.watcher.onDidDelete((u) => this.clear(u)));
  }

  /** A file changed on disk: when it is not open, read it again to know whether its results are stale. */
  private async reread(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    if (!this.runs.has(key) && !this.verifications.has(key)) return;
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    try {
      this.diskHashes.set(key, textHash(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri))));
    } catch {
      this.diskHashes.delete(key);
    }
    this.checkStale(uri);
  }

  private scheduleStaleCheck(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!this.runs.has(key) && !this.verifications.has(key)) return;
    const t = this.timers.get(key);
    if (t !== undefined) clearTimeout(t);
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); this.checkStale(uri); }, STALE_CHECK_MS));
  }

  private checkStale(uri: vscode.Uri): void {
    const key = uri.toString();
    const run = this.runs.get(key);
    const stale = run ? run.records.some((r) => this.isStale(uri, r)) : this.isStale(uri, this.verifications.get(key));
    if (stale === (this.staleShown.get(key) ?? false)) return;
    this.staleShown.set(key, stale);
    this.changed.fire(uri);
    if (stale) this.staled.fire(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    for (const e of [this.changed, this.stored, this.verified, this.staled]) e.dispose();
  }
}

/**
 * The inspector's webview panel: one panel, reused; strict CSP with a fresh nonce per document; resources only from
 * dist/ and media/; data posted as transferable ArrayBuffers in chunks; every webview message validated before the
 * host acts on it. Survives reloads through the panel serializer (the webview restores its own state).
 */
import * as vscode from 'vscode';
import type { DataMessage, SourceState, ViewDto, ViewMessage, WebviewMessage } from '../../protocol/messages';
import { validateWebviewMessage } from '../../protocol/validate';
import { viewMessages } from '../../protocol/convert';
import { inspectorHtml, makeNonce } from './html';

export interface Payload {
  readonly view: ViewDto;
  readonly arrays: readonly { readonly input?: BigUint64Array; readonly pfns: BigUint64Array }[];
}

export interface PanelEvents {
  onSelect(walkIndex: number, first: number, end: number): void;
  onRejected(error: string): void;
  /** open a kernel-source URL the webview asked for (the validator accepted only KERNEL_SOURCE_URL_RE) */
  openExternal(url: string): Thenable<boolean> | void;
  log(message: string): void;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The tab icon: the HMM Lens mark in a light and a dark variant (tab icons are images; currentColor is not themed). */
export function inspectorIconPath(extensionUri: vscode.Uri): { light: vscode.Uri; dark: vscode.Uri } {
  return { light: vscode.Uri.joinPath(extensionUri, 'media', 'inspector-light.svg'),
    dark: vscode.Uri.joinPath(extensionUri, 'media', 'inspector-dark.svg') };
}

export class InspectorPanel {
  private payload?: Payload;
  private session = 0;
  private ready = false;
  private sending?: Promise<void>;
  /** a reveal asked for before the payload could be sent (the webview was still loading): sent after the payload */
  private pendingReveal?: { walkIndex: number; pageIndex: number; detail?: boolean };
  /** whether the shown result's file still is what ran (sent after the payload of each session) */
  private source: { state: SourceState; detail?: string } = { state: 'current' };
  private disposed = false;
  /** messages accepted / rejected from the webview (the integration test reads these) */
  accepted = 0;
  rejected = 0;
  /** errors the webview reported (script errors, malformed host messages) */
  readonly webviewErrors: string[] = [];
  /** the last session the webview reported painted, and how long it took */
  painted?: { session: number; ms: number };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly panel: vscode.WebviewPanel, private readonly extensionUri: vscode.Uri,
    private readonly events: PanelEvents, onDispose: () => void) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = inspectorIconPath(extensionUri);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => { void this.receive(raw); }),
      panel.onDidDispose(() => {
        this.disposed = true;
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
  }

  private html(): string {
    const w = this.panel.webview;
    const uri = (...p: string[]) => w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...p)).toString();
    return inspectorHtml({ cspSource: w.cspSource, nonce: makeNonce(), scriptUri: uri('dist', 'webview', 'main.js'),
      styleUri: uri('dist', 'webview', 'main.css'), codiconUri: uri('dist', 'codicons', 'codicon.css') });
  }

  /** Handle one raw message from the webview; returns whether it was accepted. */
  async receive(raw: unknown): Promise<boolean> {
    const v = validateWebviewMessage(raw);
    if (!v.ok) {
      this.rejected++;
      this.events.onRejected(v.error);
      return false;
    }
    if (!(await this.handle(v.message))) return false;
    this.accepted++;
    return true;
  }

  /** Act on a valid message; false when it does not fit what the panel shows (counted as rejected). */
  private async handle(m: WebviewMessage): Promise<boolean> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.payload) this.startSending();
        break;
      case 'select': {
        const walk = this.payload?.view.walks[m.walkIndex];
        if (!walk || m.end > walk.pages) {
          this.rejected++;
          this.events.onRejected(`select: walk ${m.walkIndex} range [${m.first}, ${m.end}) is outside the shown result`);
          return false;
        }
        this.events.onSelect(m.walkIndex, m.first, m.end);
        break;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(`HMM Lens: copied ${m.text.split('\n').length - 1} lines (${m.format})`, 3000);
        break;
      case 'openSource': {
        const file = this.payload?.view.file;
        if (!file) return true;
        const uri = /^[a-z][a-z0-9+.-]+:/i.test(file) && !/^[a-z]:[\\/]/i.test(file) ? vscode.Uri.parse(file) : vscode.Uri.file(file);
        const pos = new vscode.Position(m.line - 1, m.col - 1);
        await vscode.window.showTextDocument(uri, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One });
        break;
      }
      case 'painted':
        this.painted = { session: m.session, ms: m.ms };
        break;
      case 'openExternal':
        await this.events.openExternal(m.url);
        break;
      case 'error':
        if (this.webviewErrors.length < 100) this.webviewErrors.push(m.message);
        this.events.log(`inspector webview: ${m.message}`);
        break;
    }
    return true;
  }

  show(payload: Payload, title: string): void {
    this.payload = payload;
    this.source = { state: 'current' };
    this.pendingReveal = undefined;
    this.panel.title = title;
    this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
    if (this.ready) this.startSending();
  }

  /** the session number of the payload being sent (matches `painted.session` once drawn) */
  get currentSession(): number {
    return this.session;
  }

  get current(): Payload | undefined {
    return this.payload;
  }

  /** Send the current payload (a new session: the webview drops chunks of older ones). */
  private startSending(): void {
    const payload = this.payload;
    if (!payload) return;
    const session = ++this.session;
    const prev = this.sending ?? Promise.resolve();
    this.sending = prev.then(async () => {
      for (const m of viewMessages(session, payload.view, payload.arrays)) {
        if (this.disposed || session !== this.session) return;
        await this.post(m);
      }
      if (this.disposed || session !== this.session) return;
      if (this.source.state !== 'current') await this.panel.webview.postMessage({ type: 'source', session, ...this.source });
      const r = this.pendingReveal;
      this.pendingReveal = undefined;
      if (r && !this.disposed && session === this.session) await this.panel.webview.postMessage({ type: 'reveal', ...r });
    }).catch((e: unknown) => this.events.log(`inspector: sending data failed: ${String(e)}`));
  }

  private post(m: ViewMessage | DataMessage): Thenable<boolean> {
    // the ArrayBuffer inside a data message is a tight copy: VS Code transfers it without JSON
    return this.panel.webview.postMessage(m);
  }

  reveal(walkIndex: number, pageIndex: number, detail?: boolean): void {
    this.panel.reveal(undefined, true);
    const m = { walkIndex, pageIndex, ...(detail ? { detail: true } : {}) };
    // a new panel sends its payload only once the webview says it is ready: until then, keep the reveal for after it
    if (!this.ready || !this.sending) {
      this.pendingReveal = m;
      return;
    }
    void this.sending.then(() => this.panel.webview.postMessage({ type: 'reveal', ...m }));
  }

  /** Say whether the shown result's file changed since it ran (the webview marks the result outdated). */
  setSource(state: SourceState, detail?: string): void {
    this.source = { state, ...(detail !== undefined ? { detail } : {}) };
    if (!this.ready || !this.sending) return;
    const session = this.session;
    void this.sending.then(() => {
      if (!this.disposed && session === this.session) return this.panel.webview.postMessage({ type: 'source', session, ...this.source });
      return undefined;
    });
  }

  dispose(): void {
    this.panel.dispose();
  }
}

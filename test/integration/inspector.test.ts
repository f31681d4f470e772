// The inspector panel inside a real VS Code: opened through the API the extension uses, with the strict CSP and
// narrow resource roots; its webview loads and says ready; the host rejects malformed webview messages and acts on
// valid ones (selection events, clipboard).
import * as vscode from 'vscode';
import assert from 'node:assert/strict';
import { registerInspector } from '../../src/extension/inspector';
import { faultWalk, retryResult, snapshotWalk } from '../e2e/fixtures/inspector/results';

const EXTENSION_ID = 'hmm-lens.hmm-lens';

async function waitFor(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

suite('inspector', () => {
  const subscriptions: vscode.Disposable[] = [];
  let inspector: ReturnType<typeof registerInspector>;

  suiteSetup(() => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    // a second inspector under its own view type, so this suite does not collide with the extension's own
    const context = { extensionUri: ext.extensionUri, subscriptions } as unknown as vscode.ExtensionContext;
    inspector = registerInspector(context, { viewType: 'hmmLens.inspector.integrationTest' });
  });

  suiteTeardown(() => {
    inspector.testing.panel()?.dispose();
    for (const d of subscriptions) d.dispose();
  });

  test('showResult opens one webview panel with scripts, a nonce CSP and resource roots limited to dist/ and media/', async () => {
    inspector.showResult(retryResult(), 1);
    const panel = inspector.testing.panel();
    assert.ok(panel, 'no panel');
    assert.equal(panel.viewType, 'hmmLens.inspector.integrationTest');
    assert.equal(panel.title, 'HMM: <img src=x onerror=alert(1)>');
    const html = panel.webview.html;
    const csp = (/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '').replace(/&#39;|&apos;/g, "'");
    const nonce = /script-src 'nonce-([\w-]{24})'$/.exec(csp)?.[1];
    assert.ok(nonce, `no nonce in ${csp}`);
    const src = panel.webview.cspSource;
    assert.equal(csp, `default-src 'none'; img-src ${src} blob: data:; font-src ${src}; style-src ${src}; script-src 'nonce-${nonce}'`);
    assert.match(html, new RegExp(`<script nonce="${nonce}" src="[^"]+/dist/webview/main\\.js"></script>`));
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval|<img/);
    assert.ok(!html.includes('onerror'), 'scenario strings never enter the HTML');
    const roots = (panel.webview.options.localResourceRoots ?? []).map((u) => u.path.split('/').slice(-1)[0]).sort();
    assert.deepEqual(roots, ['dist', 'media']);
    assert.equal(panel.webview.options.enableScripts, true);
    // the tab icon: the light and dark SVGs shipped in media/
    const icon = panel.iconPath as { light: vscode.Uri; dark: vscode.Uri } | undefined;
    assert.ok(icon && 'light' in icon, 'no light/dark iconPath');
    assert.deepEqual([icon.light.path.split('/').slice(-2).join('/'), icon.dark.path.split('/').slice(-2).join('/')],
      ['media/inspector-light.svg', 'media/inspector-dark.svg']);
    for (const u of [icon.light, icon.dark]) {
      const svg = new TextDecoder().decode(await vscode.workspace.fs.readFile(u));
      assert.match(svg, /^<svg [^>]*viewBox="0 0 24 24"/);
    }
    const payload = inspector.testing.payload();
    assert.equal(payload?.view.walkIndex, 1);
    assert.equal(payload?.arrays.length, 2);
    // a second call reuses the panel
    inspector.compare(snapshotWalk(), faultWalk(), 'snapshot vs fault');
    assert.equal(inspector.testing.panel(), panel);
    assert.equal(inspector.testing.payload()?.view.kind, 'compare');
  });

  test('the webview loads under the CSP and says ready; it reports no errors', async function () {
    this.timeout(90_000);
    inspector.testing.panel()?.reveal();
    await waitFor(() => inspector.testing.counts().accepted > 0, 'the webview\'s ready message', 80_000);
    await waitFor(() => inspector.testing.painted()?.current === true, 'the webview to paint the comparison', 60_000);
    assert.ok(inspector.testing.painted()!.ms < 5000);
    assert.deepEqual([...inspector.testing.webviewErrors()], [], 'script errors or CSP violations in the webview');
  });

  test('malformed webview messages are rejected; nothing happens', async () => {
    const fired: unknown[] = [];
    const sub = inspector.onDidSelect((e) => fired.push(e));
    try {
      const before = inspector.testing.counts().rejected;
      for (const bad of [undefined, 42, 'select', { type: 'select' }, { type: 'select', walkIndex: 0, first: 4, end: 2 },
        { type: 'select', walkIndex: 0, first: 0, end: 17 }, { type: 'select', walkIndex: 5, first: 0, end: 1 },
        { type: 'copy', format: 'rtf', text: 'x' }, { type: 'openSource', line: -1, col: 1 }, { type: 'eval', code: '1' },
        { type: 'ready', extra: true }]) {
        assert.equal(await inspector.testing.receive(bad), false, `accepted ${JSON.stringify(bad)}`);
      }
      assert.equal(inspector.testing.counts().rejected - before, 11);
      assert.deepEqual(fired, []);
    } finally {
      sub.dispose();
    }
  });

  test('valid messages: a selection fires onDidSelect, a copy lands on the clipboard', async () => {
    const fired: { walkIndex: number; first: number; end: number }[] = [];
    const sub = inspector.onDidSelect((e) => fired.push(e));
    try {
      assert.equal(await inspector.testing.receive({ type: 'select', walkIndex: 1, first: 4, end: 7 }), true);
      assert.deepEqual(fired, [{ walkIndex: 1, first: 4, end: 7 }]);
      assert.equal(await inspector.testing.receive({ type: 'copy', format: 'hex', text: '0xc000000000001004\n' }), true);
      assert.equal(await vscode.env.clipboard.readText(), '0xc000000000001004\n');
    } finally {
      sub.dispose();
    }
  });

  test('showValues and reveal work; an unknown layout is reported, not thrown', async () => {
    inspector.showValues(new BigUint64Array([0x8000000000001234n]), 'v6.16', 'one value');
    assert.equal(inspector.testing.payload()?.view.kind, 'values');
    inspector.reveal(0, 0);
    assert.doesNotThrow(() => inspector.showValues(new BigUint64Array(1), 'v99.0', 'bad'));
    assert.equal(inspector.testing.payload()?.view.kind, 'values', 'the previous view stays');
    assert.equal(inspector.testing.payload()?.view.title, 'one value');
  });
});

/**
 * The inspector's HTML document with its Content-Security-Policy. No vscode import: the standalone test harness
 * builds the same page. Nothing from a scenario goes into this HTML; all data arrives later as messages.
 */
export interface InspectorHtmlOptions {
  /** webview.cspSource */
  readonly cspSource: string;
  readonly nonce: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconUri: string;
  /** scripts to load before the app (test harness only) */
  readonly preScripts?: readonly string[];
}

export function inspectorCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function inspectorHtml(o: InspectorHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('nonce must be at least 16 base64 characters');
  const n = attr(o.nonce);
  const pre = (o.preScripts ?? []).map((s) => `  <script nonce="${n}" src="${attr(s)}"></script>\n`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(inspectorCsp(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${attr(o.codiconUri)}" id="vscode-codicon-stylesheet" nonce="${n}">
  <link rel="stylesheet" href="${attr(o.styleUri)}" nonce="${n}">
  <title>HMM Inspector</title>
</head>
<body>
  <div id="app" role="application" aria-label="HMM inspector"></div>
${pre}  <script nonce="${n}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** A fresh nonce from a CSPRNG (globalThis.crypto exists in Node 20 and in browsers). */
export function makeNonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
}

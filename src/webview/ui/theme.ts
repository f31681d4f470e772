/** Colours for canvas drawing, read from CSS custom properties that map to the VS Code theme (media CSS). */
import { Kind, KIND_COUNT } from '../model/pageKinds';

const KIND_VARS: Record<number, string> = {
  [Kind.None]: '--hmm-kind-none', [Kind.PresentRO]: '--hmm-kind-present-ro', [Kind.PresentRW]: '--hmm-kind-present-rw',
  [Kind.Zero]: '--hmm-kind-zero', [Kind.Thp]: '--hmm-kind-thp', [Kind.Hugetlb]: '--hmm-kind-hugetlb',
  [Kind.Swap]: '--hmm-kind-swap', [Kind.Migration]: '--hmm-kind-migration', [Kind.Exclusive]: '--hmm-kind-exclusive',
  [Kind.Hwpoison]: '--hmm-kind-hwpoison', [Kind.Special]: '--hmm-kind-special', [Kind.Error]: '--hmm-kind-error',
  [Kind.NotWalked]: '--hmm-kind-not-walked', [Kind.NotSeen]: '--hmm-kind-not-seen', [Kind.Huge]: '--hmm-kind-huge',
  [Kind.Loading]: '--hmm-kind-loading',
};
const DEVICE_VARS = ['--hmm-device-0', '--hmm-device-1', '--hmm-device-2', '--hmm-device-3'];

export interface Palette {
  kind: string[];
  fg: string;
  muted: string;
  border: string;
  highlight: string;
  selection: string;
  background: string;
  focus: string;
  font: string;
}

export function readPalette(el: HTMLElement = document.body): Palette {
  const cs = getComputedStyle(el);
  const get = (v: string, fb: string) => cs.getPropertyValue(v).trim() || fb;
  const kind: string[] = [];
  for (let k = 0; k < KIND_COUNT; k++) {
    kind[k] = k >= Kind.DevicePrivate ? get(DEVICE_VARS[(k - Kind.DevicePrivate) % DEVICE_VARS.length], '#0aa')
      : get(KIND_VARS[k] ?? '--hmm-kind-none', '#888');
  }
  return {
    kind, fg: get('--vscode-foreground', '#ccc'), muted: get('--vscode-descriptionForeground', '#999'),
    border: get('--hmm-map-border', '#555'), highlight: get('--hmm-map-highlight', '#fc0'),
    selection: get('--hmm-map-selection', '#08f'), background: get('--vscode-editor-background', '#1e1e1e'),
    focus: get('--vscode-focusBorder', '#07f'),
    font: `${get('--vscode-editor-font-size', '11')}px ${get('--vscode-editor-font-family', 'monospace')}`.replace(/pxpx/, 'px'),
  };
}

/** Re-run `f` when the theme changes (VS Code swaps the body class and the style variables). */
export function onThemeChange(f: () => void): void {
  new MutationObserver(f).observe(document.body, { attributes: true, attributeFilter: ['class', 'style'] });
}

/**
 * Quick fixes for the parser's "did you mean" messages: every message that ends with `did you mean "x"?` names the
 * bad word first (`unknown prot "rwz"`, `unknown mapping "bfu"`, `unknown token "ordr=9"`); the fix replaces that
 * word inside the diagnostic's range with the suggestion. No vscode import.
 */

export interface TextFix {
  readonly title: string;
  /** offsets in the diagnostic's range text: [start, end) */
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const SUGGESTION = /did you mean "([^"]+)"\?/;

function wordAt(text: string, word: string): number {
  const isWord = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    const rightOk = !isWord(word[word.length - 1]) || !isWord(text[i + word.length]);
    if (!isWord(text[i - 1]) && rightOk) return i;
  }
  return -1;
}

/** The fix of a "did you mean" diagnostic, given the text its range covers; undefined when it has none. */
export function didYouMeanFix(message: string, rangeText: string): TextFix | undefined {
  const s = SUGGESTION.exec(message);
  if (!s) return undefined;
  const suggestion = s[1];
  const head = message.slice(0, s.index);
  const quoted = /"([^"]*)"/.exec(head);
  let bad = quoted?.[1];
  if (bad === undefined || bad.endsWith('…')) {
    const whole = rangeText.trim();
    if (!/^[^\s]+$/.test(whole)) return undefined;
    bad = whole;
  }
  let replaceBy = suggestion;
  // `unknown token "ordr=9"` → "order=": the key part only, the value stays
  const eq = bad.indexOf('=');
  if (suggestion.endsWith('=') && eq > 0) { bad = bad.slice(0, eq + 1); replaceBy = suggestion; }
  const at = wordAt(rangeText, bad);
  if (at < 0) return undefined;
  return { title: `Change "${bad}" to "${replaceBy}"`, start: at, end: at + bad.length, text: replaceBy };
}

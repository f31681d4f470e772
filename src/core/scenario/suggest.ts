/** "did you mean" for unknown names: the closest allowed word by edit distance, case-insensitively. */

function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length > 64 || b.length > 64) return Math.max(a.length, b.length);
  // optimal string alignment: insertions, deletions, substitutions and swaps of neighbours cost 1
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The allowed word closest to `word`, or undefined when none is close enough to be a plausible typo. */
export function closest(word: string, allowed: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(w, a.toLowerCase());
    if (d < bestD) { bestD = d; best = a; }
  }
  if (best === undefined) return undefined;
  if (w.length >= 3) {
    const prefix = allowed.find((a) => a.toLowerCase().startsWith(w) || w.startsWith(a.toLowerCase()));
    if (prefix !== undefined && bestD > 1) return prefix;
  }
  const threshold = Math.max(1, Math.floor(Math.max(w.length, best.length) / 3));
  return bestD <= threshold ? best : undefined;
}

/** `; did you mean "x"?` or the empty string. */
export function didYouMean(word: string, allowed: readonly string[]): string {
  const c = closest(word, allowed);
  return c !== undefined && c !== word ? `; did you mean "${c}"?` : '';
}

/** `a, b or c` */
export function listWords(words: readonly string[], conj = 'or'): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} ${conj} ${words[words.length - 1]}`;
}

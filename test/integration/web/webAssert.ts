// Minimal assertions for the web suite (node:assert is a Node module and the web host has none).
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function ok(value: unknown, message = 'expected a truthy value'): asserts value {
  if (!value) throw new AssertionError(message);
}

export function equal<T>(actual: T, expected: T, message?: string): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${message ? message + ': ' : ''}expected ${show(expected)}, got ${show(actual)}`);
  }
}

export function match(actual: string, re: RegExp, message?: string): void {
  if (!re.test(actual)) throw new AssertionError(`${message ? message + ': ' : ''}${show(actual)} does not match ${re}`);
}

/** Equal strings; on a difference, names the first differing offset with some context. */
export function sameText(actual: string, expected: string, message: string): void {
  if (actual === expected) return;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  throw new AssertionError(`${message}: lengths ${actual.length} vs ${expected.length}, first difference at ${i}: ` +
    `${show(actual.slice(Math.max(0, i - 40), i + 40))} vs ${show(expected.slice(Math.max(0, i - 40), i + 40))}`);
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

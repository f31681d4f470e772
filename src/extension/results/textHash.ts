/** A short fingerprint of a scenario's text: a result remembers the text it ran on, so an edit makes it stale. */

/** FNV-1a (32 bits) over the UTF-16 code units, with the length: `1f3a…:1234`. No vscode import. */
export function textHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return `${(h >>> 0).toString(16).padStart(8, '0')}:${text.length}`;
}

/** Addresses of walk entries, and parsing what a user types into "jump to address". */

/** Address of entry i as 0x hex, or the index in brackets when the values have no address. */
export function addressOf(start: bigint | null, pageSize: number, i: number): string {
  if (start === null) return `[${i}]`;
  return '0x' + (start + BigInt(i) * BigInt(pageSize)).toString(16);
}

export type JumpTarget = { ok: true; index: number } | { ok: false; error: string };

/**
 * Parse "0x7f0000001000", "7f0000001000" (hex when it has hex letters or a 0x), "#12" / "[12]" (entry index) or a
 * decimal address, and turn it into an entry index of a walk of `pages` pages at `start`.
 */
export function parseJump(text: string, start: bigint | null, pageSize: number, pages: number): JumpTarget {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return { ok: false, error: 'Type an address (0x…) or an entry index (#N).' };
  const idx = /^(?:#|\[)\s*(\d+)\s*\]?$/.exec(t);
  if (idx || start === null) {
    const n = Number(idx ? idx[1] : t);
    if (!Number.isInteger(n) || n < 0) return { ok: false, error: `"${text}" is not an entry index.` };
    if (n >= pages) return { ok: false, error: `Entry ${n} is past the last entry (${pages - 1}).` };
    return { ok: true, index: n };
  }
  let addr: bigint;
  try {
    if (/^0x[0-9a-f]+$/i.test(t)) addr = BigInt(t);
    else if (/^[0-9]+$/.test(t)) addr = BigInt(t);
    else if (/^[0-9a-f]+$/i.test(t)) addr = BigInt('0x' + t);
    else return { ok: false, error: `"${text}" is not an address: use hex like 0x7f0000001000 or #index.` };
  } catch {
    return { ok: false, error: `"${text}" is not an address.` };
  }
  const ps = BigInt(pageSize);
  const end = start + BigInt(pages) * ps;
  if (addr < start || addr >= end) {
    return { ok: false, error: `0x${addr.toString(16)} is outside the walk [0x${start.toString(16)}, 0x${end.toString(16)}).` };
  }
  return { ok: true, index: Number((addr - start) / ps) };
}

/**
 * What the webview keeps in VS Code's webview state (getState/setState) to come back after a reload: the view DTO,
 * the UI state, and the arrays when they are small enough (as base64); larger results must be opened again.
 */
import type { ViewDto } from '../../protocol/messages';

export const MAX_PERSISTED_ENTRIES = 1 << 18;

export interface PersistedState {
  readonly version: 1;
  readonly view: ViewDto;
  /** per walk: base64 of the input and output arrays, or null when not kept */
  readonly arrays: readonly ({ readonly input?: string; readonly pfns: string } | null)[];
  readonly ui: Record<string, unknown>;
}

export function toBase64(a: BigUint64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(s: string): BigUint64Array {
  const bin = atob(s);
  if (bin.length % 8 !== 0) throw new Error('persisted array length is not a multiple of 8 bytes');
  const buf = new ArrayBuffer(bin.length);
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new BigUint64Array(buf);
}

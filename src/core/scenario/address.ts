/**
 * Address expressions: a number (`0x7f0000000000`), a mapping's name (`buf`, its first page) or a name plus a
 * page offset (`buf+3`). Names must be given by an earlier `mmap` step.
 */
import { isScalar } from 'yaml';
import type { AddressExpr, SourcePos } from './ast';
import { USER_ADDRESS_END } from './limits';
import { clip, hex, parseBigIntText, type ParseCtx, type YNode } from './parse-ctx';
import { didYouMean } from './suggest';

export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ADDR_NAME_RE = /^([A-Za-z_][A-Za-z0-9_.-]*?)\s*(?:\+\s*([0-9]+|0x[0-9a-fA-F]+))?$/;

/** Mapping names known at a point of the file: defined so far, and all names defined anywhere (for hints). */
export interface NameScope {
  readonly defined: Map<string, { readonly pages: number; readonly pos: SourcePos }>;
  readonly all: Map<string, SourcePos>;
  /** names of mmap steps that are themselves invalid (reported there): a later reference is no new error */
  readonly invalid: Map<string, SourcePos>;
}

export function parseAddressText(text: string): { abs: bigint } | { name: string; offset: bigint } | undefined {
  const n = parseBigIntText(text);
  if (n !== undefined) return { abs: n };
  const m = ADDR_NAME_RE.exec(text.trim());
  if (!m) return undefined;
  return { name: m[1], offset: m[2] !== undefined ? BigInt(m[2]) : 0n };
}

/** Reads an address; reports wrong type, negative, unaligned, out-of-range values and unknown names. */
export function readAddress(ctx: ParseCtx, node: YNode, what: string, pageSize: number, scope: NameScope,
  at?: SourcePos): AddressExpr | undefined {
  const n = ctx.resolve(node);
  const pos = ctx.pos(n, at);
  if (!n || !isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'bigint' && typeof n.value !== 'number')) {
    ctx.error(pos, `${what} must be an address: a number (0x7f0000000000), a mapping name (buf) or a name plus pages (buf+3); got ${ctx.describe(n)}`);
    return undefined;
  }
  let parsed: ReturnType<typeof parseAddressText>;
  if (typeof n.value === 'bigint') parsed = { abs: n.value };
  else if (typeof n.value === 'number') {
    if (!Number.isInteger(n.value)) {
      ctx.error(pos, `${what} must be a whole number or a mapping name, got ${ctx.describe(n)}`);
      return undefined;
    }
    parsed = { abs: BigInt(n.value) };
  } else parsed = parseAddressText(n.value);
  if (!parsed) {
    ctx.error(pos, `${what} "${clip(String(n.value))}" is not an address; expected a number (0x7f0000000000), a mapping name (buf) or a name plus pages (buf+3)`);
    return undefined;
  }
  return checkAddress(ctx, parsed, what, pageSize, scope, pos);
}

export function checkAddress(ctx: ParseCtx, parsed: NonNullable<ReturnType<typeof parseAddressText>>, what: string,
  pageSize: number, scope: NameScope, pos: SourcePos): AddressExpr | undefined {
  if ('abs' in parsed) {
    const v = parsed.abs;
    if (v < 0n) {
      ctx.error(pos, `${what} ${hex(v)} is negative; addresses are between 0 and ${hex(USER_ADDRESS_END)}`);
      return undefined;
    }
    if (v >= USER_ADDRESS_END) {
      ctx.error(pos, `${what} ${hex(v)} is above the user address space (addresses are below ${hex(USER_ADDRESS_END)})`);
      return undefined;
    }
    if (v % BigInt(pageSize) !== 0n) {
      ctx.error(pos, `${what} ${hex(v)} is not aligned to the page size ${pageSize} (${hex(BigInt(pageSize))}); the nearest page is ${hex(v - (v % BigInt(pageSize)))}`);
      return undefined;
    }
    return { kind: 'abs', value: v, pos };
  }
  if (parsed.offset > BigInt(ctx.limits.maxStepPages)) {
    ctx.error(pos, `${what}: page offset ${parsed.offset} is too large (at most ${ctx.limits.maxStepPages})`);
    return undefined;
  }
  if (!scope.defined.has(parsed.name)) {
    const broken = scope.invalid.get(parsed.name);
    if (broken && broken.line < pos.line) return undefined;
    const later = scope.all.get(parsed.name);
    if (later) {
      ctx.error(pos, `${what}: mapping "${parsed.name}" is used before the mmap step that names it (line ${later.line})`);
    } else {
      const known = [...scope.defined.keys()];
      ctx.error(pos, `${what}: unknown mapping "${clip(parsed.name)}"; ${known.length ? `mappings named so far: ${known.join(', ')}` : 'no mmap step has named a mapping yet (mmap: { name: buf, … })'}${didYouMean(parsed.name, known)}`);
    }
    return undefined;
  }
  return { kind: 'name', name: parsed.name, offsetPages: Number(parsed.offset), pos };
}

/** For an absolute start: the range of `pages` pages must stay in the user address space. */
export function checkRangeEnd(ctx: ParseCtx, a: AddressExpr | undefined, pages: number | undefined, pageSize: number,
  what: string): void {
  if (!a || a.kind !== 'abs' || pages === undefined) return;
  const end = a.value + BigInt(pages) * BigInt(pageSize);
  if (end > USER_ADDRESS_END) {
    ctx.error(a.pos, `${what}: ${pages} pages from ${hex(a.value)} end at ${hex(end)}, above the user address space (${hex(USER_ADDRESS_END)})`);
  }
}

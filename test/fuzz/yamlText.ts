/**
 * A small YAML emitter for the fuzzers: it writes any JS value (numbers, bigints as hex or decimal, strings,
 * arrays, maps) in block or flow style, so generated documents look like the scenario files people write and can
 * carry values the `yaml` library would quote or refuse (hex bigints, bare `buf+3`, raw text fragments).
 */

/** A value written verbatim (already YAML): a hex number, a bare token, a deliberately broken fragment. */
export class Raw {
  constructor(readonly text: string) {}
}

export type YValue = null | boolean | number | bigint | string | Raw | YValue[] | { [k: string]: YValue };

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_+.\- ]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|y|n)$/i;

export function scalar(v: Exclude<YValue, YValue[] | { [k: string]: YValue }>): string {
  if (v === null) return 'null';
  if (v instanceof Raw) return v.text;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? '.inf' : v < 0 ? '-.inf' : '.nan';
  if (typeof v === 'bigint') return v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16);
  if (PLAIN_SAFE.test(v) && !RESERVED.test(v) && !v.endsWith(' ')) return v;
  return JSON.stringify(v);
}

function isMapValue(v: YValue): v is { [k: string]: YValue } {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Raw);
}

export function flow(v: YValue): string {
  if (Array.isArray(v)) return '[' + v.map(flow).join(', ') + ']';
  if (isMapValue(v)) return '{ ' + Object.entries(v).map(([k, x]) => `${scalar(k)}: ${flow(x)}`).join(', ') + ' }';
  return scalar(v);
}

/** Block style down to `flowDepth` levels of nesting, flow style below. */
export function block(v: YValue, indent = 0, flowDepth = 2): string {
  const pad = ' '.repeat(indent);
  if (flowDepth <= 0 || !(Array.isArray(v) || isMapValue(v))) return pad + flow(v) + '\n';
  if (Array.isArray(v)) {
    if (v.length === 0) return pad + '[]\n';
    return v.map((x) => {
      if (Array.isArray(x) || isMapValue(x)) {
        const inner = flowDepth - 1 <= 0 ? flow(x) + '\n' : block(x, indent + 2, flowDepth - 1).slice(indent + 2);
        return `${pad}- ${inner}`;
      }
      return `${pad}- ${scalar(x)}\n`;
    }).join('');
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return pad + '{}\n';
  return entries.map(([k, x]) => {
    if ((Array.isArray(x) && x.length) || (isMapValue(x) && Object.keys(x).length)) {
      return flowDepth - 1 <= 0 ? `${pad}${scalar(k)}: ${flow(x)}\n` : `${pad}${scalar(k)}:\n${block(x, indent + 2, flowDepth - 1)}`;
    }
    return `${pad}${scalar(k)}: ${flow(x)}\n`;
  }).join('');
}

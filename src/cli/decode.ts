/** `hmm-lens decode VALUE... [--kernel ID] [--legacy PROFILE] [--layout ID] [--page-size N] [--json]` */
import { decodePfn, formatDecoded, getLayout, hex, listLayouts, resolveLayout, type PfnLayout } from '../core/layouts';
import { parseBigIntText } from '../core/scenario/parse-ctx';
import { didYouMean } from '../core/scenario/suggest';
import { optFlag, optString, UsageError, type ParsedArgs } from './args';
import type { CliIo } from './io';

export function pickLayout(args: ParsedArgs, io: CliIo): PfnLayout | undefined {
  const id = optString(args, 'layout');
  if (id !== undefined) {
    const l = getLayout(id);
    if (!l) {
      const ids = listLayouts().map((x) => x.id);
      throw new UsageError(`unknown layout "${id}"; expected ${ids.join(', ')}${didYouMean(id, ids)}`);
    }
    return l;
  }
  const kernel = optString(args, 'kernel') ?? 'latest';
  const legacy = optString(args, 'legacy');
  const r = resolveLayout(kernel, legacy);
  for (const p of r.problems) io.err(`hmm-lens: ${p.severity}: ${p.message}\n`);
  if (!r.layout) return undefined;
  if (r.layout.era === 'legacy' && legacy === undefined) {
    io.err(`hmm-lens: warning: kernel ${kernel} uses a driver-defined encoding; decoding with the default ${r.layout.profile?.name ?? 'amdgpu'} profile (--legacy amdgpu|nouveau|test_hmm)\n`);
  }
  return r.layout;
}

export function decodeCommand(args: ParsedArgs, io: CliIo): number {
  if (args.positional.length === 0) throw new UsageError('decode needs at least one VALUE (e.g. hmm-lens decode 0xc000000000001234)');
  const layout = pickLayout(args, io);
  if (!layout) return 2;
  const ps = optString(args, 'page-size');
  const pageSize = ps === undefined ? 4096 : Number(ps);
  if (![4096, 16384, 65536].includes(pageSize)) throw new UsageError(`unsupported --page-size ${ps}; expected 4096, 16384 or 65536`);
  const values: bigint[] = [];
  let bad = false;
  for (const v of args.positional) {
    const n = parseBigIntText(v);
    if (n === undefined || n < 0n || n > 0xffffffffffffffffn) {
      io.err(`hmm-lens: error: "${v}" is not a u64 value; write it in hex (0x8000000000001234) or decimal\n`);
      bad = true;
    } else values.push(n);
  }
  if (bad) return 2;
  if (optFlag(args, 'json')) {
    const doc = values.map((raw) => {
      const d = decodePfn(raw, layout, pageSize);
      return { value: hex(raw), layout: layout.id, flags: [...d.flags], ...(d.value ? { special: d.value } : {}),
        pfn: hex(d.pfn), physAddr: hex(d.physAddr), order: d.order, mappingSize: hex(d.mappingSize),
        meaning: d.meaning, problems: [...d.problems], text: formatDecoded(d) };
    });
    io.out(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }
  for (const raw of values) {
    const d = decodePfn(raw, layout, pageSize);
    io.out(`0x${raw.toString(16).padStart(16, '0')}  ${formatDecoded(d)}\n`);
    io.out(`  ${d.meaning}\n`);
    for (const p of d.problems) io.out(`  problem: ${p}\n`);
  }
  return 0;
}

export function layoutsCommand(args: ParsedArgs, io: CliIo): number {
  const all = listLayouts();
  if (optFlag(args, 'json')) {
    io.out(`${JSON.stringify(all.map((l) => ({ id: l.id, title: l.title, since: l.since ?? null, until: l.until ?? null,
      era: l.era, flags: l.flags.map((f) => ({ name: f.name, mask: hex(f.mask), direction: f.direction, ...(f.inputAlias ? { inputAlias: f.inputAlias } : {}) })),
      order: l.order ?? null, pfnShift: l.pfnShift, ...(l.values ? { values: Object.fromEntries(Object.entries(l.values).map(([k, v]) => [k, hex(v as bigint)])) } : {}),
    })), null, 2)}\n`);
    return 0;
  }
  io.out('Layouts (kernel id → layout: see docs/layouts.md)\n');
  for (const l of all) {
    const range = l.since ? `${l.since}${l.until ? (l.until === l.since ? '' : `–${l.until}`) : '–latest'}` : 'not merged';
    io.out(`\n${l.id}  (${range})\n  ${l.title}\n`);
    for (const f of l.flags) {
      if (f.mask === 0n) continue;
      io.out(`  ${f.name.padEnd(16)} ${hex(f.mask).padEnd(20)} ${f.direction}${f.inputAlias ? ` (input: ${f.inputAlias})` : ''}\n`);
    }
    if (l.order) io.out(`  ${'order'.padEnd(16)} bits ${l.order.shift}..${l.order.shift + l.order.bits - 1}\n`);
    if (l.values) {
      for (const [k, v] of Object.entries(l.values)) io.out(`  ${k.padEnd(16)} ${hex(v as bigint)} (whole word)\n`);
      io.out(`  ${'pfn_shift'.padEnd(16)} ${l.pfnShift}\n`);
    }
  }
  io.out('\nKernel ids: vX.Y from v4.17 to the newest modelled release, or latest; an id between two changes uses the older layout.\n'
    + 'Kernels up to v5.7 need the driver\'s legacy profile (--legacy amdgpu|nouveau|test_hmm; default amdgpu).\n'
    + 'Proposals are named explicitly: --kernel proposal:device-private, proposal:migrate.\n');
  return 0;
}

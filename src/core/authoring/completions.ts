/**
 * Completion for scenario files from the format itself: step names (as snippets), the keys each map takes, enum
 * values (prot, mmap flags, advice, mode, pte states, marker kinds, filesystems, huge page sizes), input and output
 * flag names of the file's own layout, expected-entry tokens, mapping names defined before the step, declared
 * devices and `kernel:` ids. No vscode import: the editor's provider turns these into CompletionItems.
 */
import { LATEST_RELEASE } from '../kernel-id';
import { BUILTIN_PROFILES, flagNamesForInput, PROPOSAL_LAYOUTS, resolveLayout } from '../layouts';
import type { PfnLayout } from '../layouts/types';
import { HUGE_PAGE_SIZES } from '../mm/hugetlb';
import { ERRNOS, WALK_MODES } from '../scenario/parse-walk';
import { ADVICES, FILE_SYSTEMS, MARKER_KINDS, MMAP_FLAGS, PROTS, PTE_STATES, STEP_OPS } from '../scenario/parse-steps';
import { outputFlagNames } from '../scenario/tokens';
import { cursorContext, type CursorContext } from './cursor';
import { KEY_DOCS, keyScope, STEP_DOCS, tokenDoc, VALUE_DOCS } from './docs';
import { scenarioFacts, type ScenarioFacts } from './facts';

export type CompletionKind = 'property' | 'step' | 'value' | 'flag' | 'token' | 'mapping' | 'device' | 'kernel' | 'snippet';

export interface CompletionEntry {
  readonly label: string;
  readonly kind: CompletionKind;
  readonly detail?: string;
  /** Markdown */
  readonly documentation?: string;
  /** text to insert (VS Code snippet syntax when `snippet`); default the label */
  readonly insert?: string;
  readonly snippet?: boolean;
  /** sort key; default the label */
  readonly sort?: string;
}

export interface Completions {
  readonly items: readonly CompletionEntry[];
  /** the characters before the position that the items replace */
  readonly prefix: string;
}

/** Every kernel id `kernel:` accepts: latest, each release from the newest down to v4.17, the proposals. */
export function kernelIds(): string[] {
  const ids = ['latest'];
  const latest: { major: number; minor: number } = LATEST_RELEASE;
  for (let major = latest.major; major >= 4; major--) {
    const top = major === latest.major ? latest.minor : major === 5 ? 19 : 20;
    const bottom = major === 4 ? 17 : 0;
    for (let minor = top; minor >= bottom; minor--) ids.push(`v${major}.${minor}`);
  }
  return [...ids, ...PROPOSAL_LAYOUTS.map((p) => p.id)];
}

function values(list: readonly string[], docs?: Readonly<Record<string, string>>, detail?: string): CompletionEntry[] {
  return list.map((v, i) => ({ label: v, kind: 'value', detail, documentation: docs?.[v], sort: String(i).padStart(3, '0') }));
}

function stepSnippet(op: string, facts: ScenarioFacts): string {
  const at = `\${1:${facts.mappings[0]?.name ?? 'buf'}}`;
  const dev = facts.devices[0] ?? 'gpu0';
  switch (op) {
    case 'mmap': return `mmap: { name: \${1:buf}, pages: \${2:4}, prot: \${3|${PROTS.join(',')}|} }`;
    case 'munmap': return `munmap: { at: ${at}, pages: \${2:1} }`;
    case 'mprotect': return `mprotect: { at: ${at}, pages: \${2:1}, prot: \${3|${PROTS.join(',')}|} }`;
    case 'read': case 'write': return `${op}: { at: ${at} }`;
    case 'fork': return 'fork: {}';
    case 'madvise': return `madvise: { at: ${at}, pages: \${2:1}, advice: \${3|${ADVICES.join(',')}|} }`;
    case 'migrate': return `migrate: { at: ${at}, pages: \${2:1}, to: \${3:${dev}} }`;
    case 'exclusive': return `exclusive: { at: ${at}, pages: \${2:1}, device: \${3:${dev}} }`;
    case 'set': return `set: { at: ${at}, pte: \${2|${PTE_STATES.join(',')}|} }`;
    default: return `walk:\n    name: \${1:snap}\n${facts.devices.length ? `    device: ${dev}\n` : ''}    at: \${2:${facts.mappings[0]?.name ?? 'buf'}}\n    pages: \${3:${facts.mappings[0]?.pages ?? 4}}\n    mode: \${4|${WALK_MODES.join(',')}|}`;
  }
}

function steps(facts: ScenarioFacts, walks = true): CompletionEntry[] {
  return STEP_OPS.filter((op) => walks || op !== 'walk').map((op, i) => ({ label: op, kind: 'step', detail: 'step',
    documentation: STEP_DOCS[op], insert: stepSnippet(op, facts), snippet: true, sort: String(i).padStart(3, '0') }));
}

function keys(scope: keyof typeof KEY_DOCS, present: readonly string[]): CompletionEntry[] {
  return Object.entries(KEY_DOCS[scope]).filter(([k]) => !present.includes(k)).map(([k, doc], i) => ({
    label: k, kind: 'property', documentation: doc, insert: `${k}: `, sort: String(i).padStart(3, '0') }));
}

function flagDocOf(layout: PfnLayout): (name: string) => string | undefined {
  return (name) => layout.flags.find((f) => f.name === name || f.inputAlias === name)?.doc;
}

function inputFlags(layout: PfnLayout, only?: 'sticky'): CompletionEntry[] {
  const names = only === 'sticky' ? layout.flags.filter((f) => f.direction === 'inout').map((f) => f.name) : flagNamesForInput(layout);
  const doc = flagDocOf(layout);
  return names.map((n) => ({ label: n, kind: 'flag', detail: `input flag · layout ${layout.id}`, documentation: doc(n) }));
}

/** Tokens of an expected entry (`VALID WRITE order=9 dev=gpu0 *512`), given the tokens already written. */
function entryTokens(ctx: CursorContext, facts: ScenarioFacts): CompletionEntry[] {
  const layout = facts.layout;
  const written = ctx.before.split(/\s+/).filter((t) => t && t !== ctx.prefix);
  const doc = flagDocOf(layout);
  if (ctx.prefix.startsWith('dev=')) {
    return facts.devices.map((d) => ({ label: `dev=${d}`, kind: 'device', detail: 'device-private memory of', documentation: tokenDoc(`dev=${d}`) }));
  }
  if (ctx.prefix.startsWith('order=') && layout.order) {
    const max = 2 ** layout.order.bits - 1;
    return [0, 9, 18].filter((n) => n <= max).map((n) => ({ label: `order=${n}`, kind: 'token', documentation: tokenDoc(`order=${n}`) }));
  }
  const flags = outputFlagNames(layout).filter((f) => !written.includes(f));
  const out: CompletionEntry[] = flags.map((f, i) => ({ label: f, kind: 'flag', detail: `output flag · layout ${layout.id}`,
    documentation: tokenDoc(f, doc), sort: `0${i}` }));
  if (written.length === 0) out.push({ label: 'NONE', kind: 'token', documentation: tokenDoc('NONE'), sort: '1' });
  if (!written.includes('zero') && !written.some((t) => t.startsWith('dev='))) out.push({ label: 'zero', kind: 'token', documentation: tokenDoc('zero'), sort: '2' });
  if (layout.order && !written.some((t) => t.startsWith('order='))) {
    out.push({ label: 'order=', kind: 'token', documentation: tokenDoc('order=9'), insert: 'order=${1|9,0,18|}', snippet: true, sort: '3' });
  }
  if (!written.some((t) => t.startsWith('dev=')) && !written.includes('zero')) {
    for (const d of facts.devices) out.push({ label: `dev=${d}`, kind: 'device', documentation: tokenDoc(`dev=${d}`), sort: '4' });
  }
  if (!written.some((t) => t.startsWith('pfn=')) && !written.includes('zero')) {
    out.push({ label: 'pfn=', kind: 'token', documentation: tokenDoc('pfn='), insert: 'pfn=0x${1:0}', snippet: true, sort: '5' });
  }
  if (written.length > 0) out.push({ label: '*N', kind: 'token', documentation: tokenDoc('*N'), insert: '*${1:2}', snippet: true, sort: '6' });
  return out;
}

function mappingNames(facts: ScenarioFacts, beforeStep: number | undefined): CompletionEntry[] {
  return facts.mappings.filter((m) => beforeStep === undefined || m.step < beforeStep).map((m) => ({
    label: m.name, kind: 'mapping', detail: `mapping${m.pages !== undefined ? ` · ${m.pages} page${m.pages === 1 ? '' : 's'}` : ''}`,
    documentation: `The first page of the mapping \`${m.name}\` (step ${m.step + 1}); \`${m.name}+N\` is N pages further.` }));
}

function devices(facts: ScenarioFacts, extra: readonly string[] = []): CompletionEntry[] {
  return [...facts.devices.map((d) => ({ label: d, kind: 'device' as const, detail: 'declared device' })),
    ...extra.map((d) => ({ label: d, kind: 'value' as const, detail: d === 'system' ? 'back to system RAM' : undefined }))];
}

function kernels(): CompletionEntry[] {
  return kernelIds().map((id, i) => {
    const l = resolveLayout(id).layout;
    return { label: id, kind: 'kernel', detail: l ? `layout ${l.id}` : undefined, documentation: l?.title, sort: String(i).padStart(3, '0') };
  });
}

/** The step index (in `steps`) the path lies in, and the step's operation. */
function stepOf(path: readonly (string | number)[]): { index?: number; op?: string } {
  if (path[0] !== 'steps' || typeof path[1] !== 'number') return {};
  return { index: path[1], op: typeof path[2] === 'string' ? path[2] : undefined };
}

function valueItems(key: string, ctx: CursorContext, facts: ScenarioFacts): CompletionEntry[] {
  const path = ctx.path;
  const { index, op } = stepOf(path);
  const parent = path[path.length - 2];
  if (path.length === 1) {
    switch (key) {
      case 'hmm': return values(['1'], { 1: 'format version 1' });
      case 'kernel': return kernels();
      case 'legacy': return BUILTIN_PROFILES.map((p) => ({ label: p.name, kind: 'value', documentation: p.doc }));
      case 'page_size': return values(['4096', '16384', '65536']);
      default: return [];
    }
  }
  if (path.length === 3 && path[0] === 'steps' && typeof path[1] === 'number' && (STEP_OPS as readonly string[]).includes(key)) {
    // `- mmap: ` → the step's fields
    const body = stepSnippet(key, facts);
    const at = body.indexOf(':');
    return [{ label: key === 'walk' ? 'fields' : `{ … }`, kind: 'snippet', insert: body.slice(at + 1).trimStart(), snippet: true, documentation: STEP_DOCS[key] }];
  }
  if (parent === 'input' || parent === 'sticky') return inputFlags(facts.layout, parent === 'sticky' ? 'sticky' : undefined);
  // a word under a key whose value is a map (`expect:` then a new line): that map's keys
  if (key === 'expect') return keys('expect', []);
  if (key === 'input' || key === 'sticky') return mappingNames(facts, index).map((m) => ({ ...m, insert: `${m.label}: ` }));
  switch (key) {
    case 'prot': return values(PROTS, VALUE_DOCS.prot);
    case 'mode': return values(WALK_MODES, VALUE_DOCS.mode);
    case 'advice': return values(ADVICES, VALUE_DOCS.advice);
    case 'fs': return values(FILE_SYSTEMS, VALUE_DOCS.fs);
    case 'huge_page': return values(HUGE_PAGE_SIZES);
    case 'kind': return values(MARKER_KINDS, VALUE_DOCS.kind);
    case 'state': case 'pte': return values(PTE_STATES, VALUE_DOCS.state);
    case 'flags': return op === 'mmap' ? values(MMAP_FLAGS, VALUE_DOCS.flags) : [];
    case 'retry': case 'refill': case 'write': return values(['true', 'false']);
    case 'ret': return values(['0', ...Object.keys(ERRNOS).map((e) => `-${e}`)]);
    case 'at': return mappingNames(facts, index);
    case 'to': return devices(facts, ['system']);
    case 'device': return devices(facts);
    case 'default_flags': case 'pfn_flags_mask': return inputFlags(facts.layout);
    case 'pfns': return entryTokens(ctx, facts);
    case 'step': return steps(facts, false);
    default: return [];
  }
}

function itemItems(ctx: CursorContext, facts: ScenarioFacts): CompletionEntry[] {
  const path = ctx.path;
  const owner = path[path.length - 2];
  if (path.length === 2 && owner === 'steps') return steps(facts);
  if (path.length === 2 && owner === 'devices') {
    return ['gpu0', 'gpu1', 'gpu2'].filter((d) => !facts.devices.includes(d)).map((d) => ({ label: d, kind: 'device', detail: 'a device name' }));
  }
  if (owner === 'pfns') return entryTokens(ctx, facts);
  const unused = (xs: CompletionEntry[]) => xs.filter((x) => !ctx.siblings.includes(x.label));
  if (owner === 'flags' && stepOf(path).op === 'mmap') return unused(values(MMAP_FLAGS, VALUE_DOCS.flags));
  if (owner === 'default_flags' || owner === 'pfn_flags_mask') return unused(inputFlags(facts.layout));
  const grand = path[path.length - 3];
  if (grand === 'input' || grand === 'sticky') return unused(inputFlags(facts.layout, grand === 'sticky' ? 'sticky' : undefined));
  return [];
}

function keyItems(ctx: CursorContext, facts: ScenarioFacts): CompletionEntry[] {
  const path = ctx.path;
  const last = path[path.length - 1];
  if (path.length === 2 && path[0] === 'steps') return steps(facts);
  if (last === 'input' || last === 'sticky') {
    return mappingNames(facts, stepOf(path).index).map((m) => ({ ...m, insert: `${m.label}: ` }));
  }
  if (path.length === 2 && path[0] === 'legacy' && (last === 'flags' || last === 'values')) {
    const names = last === 'flags' ? ['VALID', 'WRITE', 'DEVICE_PRIVATE'] : ['ERROR', 'NONE', 'SPECIAL'];
    return names.filter((n) => !ctx.siblings.includes(n)).map((n) => ({ label: n, kind: 'property', insert: `${n}: ` }));
  }
  if (last === 'step' && path[path.length - 3] === 'during') return steps(facts, false);
  const scope = keyScope(path);
  return scope ? keys(scope, ctx.siblings) : [];
}

/** Completion at character `offset` of a scenario's text; undefined where nothing applies (a comment). */
export function completeAt(text: string, offset: number): Completions | undefined {
  const ctx = cursorContext(text, offset);
  if (!ctx) return undefined;
  const facts = scenarioFacts(ctx.doc);
  const path = ctx.path;
  let items: CompletionEntry[];
  if (ctx.role === 'key') items = keyItems(ctx, facts);
  else if (ctx.role === 'item') items = itemItems(ctx, facts);
  else items = valueItems(String(path[path.length - 1]), ctx, facts);
  return { items, prefix: ctx.prefix };
}

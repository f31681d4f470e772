/**
 * Which scenario mapping a user virtual address falls in, for the address hover: the hovered scenario itself, then
 * the scenarios with a last run (their open text, else the VMAs the run reported), then the other open scenarios.
 * Mappings are placed without running anything (core/scenario/mappings) and cached per parsed text.
 */
import * as vscode from 'vscode';
import { scenarioCore } from '../coreLoader';
import type { Scenario } from '../../core/scenario/ast';
import type { ScenarioMappings } from '../../core/scenario/mappings';
import type { ScenarioResult } from '../../core/scenario/result';
import { displayName } from '../scenario/store';
import { isScenarioDocument } from '../scenario/language';
import type { AddressMatch } from './addressMarkdown';

/** What the lookup reads of the scenario store. */
export interface MappingSource {
  parse(doc: vscode.TextDocument): { readonly scenario?: Scenario };
  allRuns(): readonly (readonly [string, { readonly result: ScenarioResult }])[];
}

const MAX_SHOWN = 3;
const placed = new WeakMap<Scenario, ScenarioMappings>();

function mappingsOf(s: Scenario): ScenarioMappings {
  let m = placed.get(s);
  if (!m) { m = scenarioCore().scenarioMappings(s); placed.set(s, m); }
  return m;
}

function fromDocument(src: MappingSource, doc: vscode.TextDocument, addr: bigint, where: AddressMatch['where']): AddressMatch | undefined {
  const s = src.parse(doc).scenario;
  if (!s) return undefined;
  const hit = scenarioCore().mappingAt(mappingsOf(s), addr);
  if (!hit) return undefined;
  return { file: displayName(doc.uri), where, ...(hit.mapping.name ? { mapping: hit.mapping.name } : {}), line: hit.mapping.line,
    page: hit.page, pages: hit.mapping.pages, ...(hit.unmappedAtLine ? { unmappedAtLine: hit.unmappedAtLine } : {}) };
}

/** A closed scenario's last run: the VMAs its walks reported. */
function fromRun(result: ScenarioResult, addr: bigint): AddressMatch | undefined {
  for (const w of result.walks) {
    const v = w.vmas.find((x) => addr >= x.start && addr < x.end);
    if (!v) continue;
    const ps = BigInt(w.pageSize);
    return { file: result.file, where: 'last run', ...(v.name ? { mapping: v.name } : {}),
      page: Number((addr - v.start) / ps), pages: Number((v.end - v.start) / ps) };
  }
  return undefined;
}

/** The matches to show (at most MAX_SHOWN) and how many more scenarios hold the address. */
export function findAddress(src: MappingSource, doc: vscode.TextDocument, addr: bigint): { matches: AddressMatch[]; more: number } {
  const all: AddressMatch[] = [];
  const seen = new Set<string>();
  const open = new Map(vscode.workspace.textDocuments.filter(isScenarioDocument).map((d) => [d.uri.toString(), d]));
  const tryDoc = (d: vscode.TextDocument, where: AddressMatch['where']) => {
    const key = d.uri.toString();
    if (seen.has(key)) return;
    seen.add(key);
    const m = fromDocument(src, d, addr, where);
    if (m) all.push(m);
  };
  if (isScenarioDocument(doc)) tryDoc(doc, 'this file');
  for (const [key, run] of [...src.allRuns()].reverse()) {
    const d = open.get(key);
    if (d) { tryDoc(d, 'last run'); continue; }
    if (seen.has(key)) continue;
    seen.add(key);
    const m = fromRun(run.result, addr);
    if (m) all.push(m);
  }
  for (const d of open.values()) tryDoc(d, 'open scenario');
  return { matches: all.slice(0, MAX_SHOWN), more: Math.max(0, all.length - MAX_SHOWN) };
}

/**
 * What completion needs to know of a scenario being written, read leniently from its YAML document (it may not
 * parse as a scenario yet): the kernel and its pfn layout, the devices, and the mapping names with the step that
 * names them. No vscode import.
 */
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { layoutForKernel, resolveLayout } from '../layouts';
import type { PfnLayout } from '../layouts/types';

export interface MappingName {
  readonly name: string;
  /** index of the mmap step in `steps` */
  readonly step: number;
  readonly pages?: number;
}

export interface ScenarioFacts {
  readonly kernel: string;
  readonly layout: PfnLayout;
  readonly devices: readonly string[];
  readonly mappings: readonly MappingName[];
}

function str(n: unknown): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

export function scenarioFacts(doc: Document): ScenarioFacts {
  const root = doc.contents as Node | null;
  const top = root && isMap(root) ? root : undefined;
  const get = (k: string) => top?.items.find((p) => str(p.key) === k)?.value as Node | undefined;
  const kernel = str(get('kernel'))?.trim() || 'latest';
  const legacyNode = get('legacy');
  const legacy = str(legacyNode);
  let layout: PfnLayout;
  try {
    layout = resolveLayout(kernel, legacy).layout ?? layoutForKernel('latest');
  } catch {
    layout = layoutForKernel('latest');
  }
  const devNode = get('devices');
  const devices = devNode && isSeq(devNode) ? devNode.items.map(str).filter((d): d is string => !!d && /^[A-Za-z_]/.test(d)) : [];
  const mappings: MappingName[] = [];
  const steps = get('steps');
  if (steps && isSeq(steps)) {
    steps.items.forEach((it, i) => {
      if (!isMap(it) || it.items.length !== 1 || str(it.items[0].key) !== 'mmap') return;
      const body = it.items[0].value;
      if (!isMap(body)) return;
      const name = str(body.items.find((p) => str(p.key) === 'name')?.value);
      const pages = Number(str(body.items.find((p) => str(p.key) === 'pages')?.value));
      if (name && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) mappings.push({ name, step: i, ...(Number.isSafeInteger(pages) ? { pages } : {}) });
    });
  }
  return { kernel, layout, devices, mappings };
}

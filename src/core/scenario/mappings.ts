/**
 * Where a scenario's mappings lie, without running it: every mmap placed as the runner places it (its `at`, else the
 * lowest free 2 MiB-aligned gap at or above 0x7f0000000000), munmaps applied in file order. Faults, `populate`,
 * walks and the rest are skipped: they never move a mapping. The address hover uses it to say which mapping and page
 * an address such as 0x7f0000200000 falls in.
 */
import type { Prot, Scenario } from './ast';
import { createRunner, ScenarioRunner } from './run';
import { doMmap } from '../mm/mmap';

export interface MappingSpan {
  /** the mmap's `name`, when it has one */
  readonly name?: string;
  /** first byte */
  readonly start: bigint;
  readonly pages: number;
  readonly pageSize: number;
  readonly prot: Prot;
  /** 1-based line of the mmap step */
  readonly line: number;
}

export interface UnmapSpan {
  readonly start: bigint;
  readonly pages: number;
  readonly line: number;
}

export interface ScenarioMappings {
  readonly mappings: readonly MappingSpan[];
  readonly unmaps: readonly UnmapSpan[];
  readonly pageSize: number;
}

/** The mappings of `s` in file order (an mmap that would fail is left out). Never throws. */
export function scenarioMappings(s: Scenario): ScenarioMappings {
  const mappings: MappingSpan[] = [];
  const unmaps: UnmapSpan[] = [];
  const r = createRunner(s);
  if (!(r instanceof ScenarioRunner)) return { mappings, unmaps, pageSize: s.pageSize };
  const ps = BigInt(s.pageSize);
  for (const st of s.steps) {
    try {
      if (st.op === 'mmap') {
        const at = st.at ? r.vpn(st.at) : undefined;
        if (at !== undefined) r.checkRange(at, st.pages);
        // placement only: no populate faults, whatever the size
        const vpn = doMmap(r.p, { start: at, pages: st.pages, prot: st.prot, flags: { ...st.flags, populate: false } });
        if (st.name) r.names.set(st.name, { vpn, pages: st.pages });
        mappings.push({ ...(st.name ? { name: st.name } : {}), start: BigInt(vpn) * ps, pages: st.pages,
          pageSize: s.pageSize, prot: st.prot, line: st.pos.line });
      } else if (st.op === 'munmap') {
        const vpn = r.vpn(st.at);
        r.step(st);
        unmaps.push({ start: BigInt(vpn) * ps, pages: st.pages, line: st.pos.line });
      }
    } catch {
      // the runner reports what fails; a placement that fails maps nothing here
    }
  }
  return { mappings, unmaps, pageSize: s.pageSize };
}

export interface MappingHit {
  readonly mapping: MappingSpan;
  /** 0-based page of the address inside the mapping */
  readonly page: number;
  /** byte offset inside that page */
  readonly offset: bigint;
  /** line of a later munmap that removed this page, if one did */
  readonly unmappedAtLine?: number;
}

/** The mapping holding `addr` — the latest mmap covering it in file order — or undefined. */
export function mappingAt(m: ScenarioMappings, addr: bigint): MappingHit | undefined {
  const ps = BigInt(m.pageSize);
  for (let i = m.mappings.length - 1; i >= 0; i--) {
    const x = m.mappings[i];
    const end = x.start + BigInt(x.pages) * ps;
    if (addr < x.start || addr >= end) continue;
    const unmap = m.unmaps.find((u) => u.line > x.line && addr >= u.start && addr < u.start + BigInt(u.pages) * ps);
    return { mapping: x, page: Number((addr - x.start) / ps), offset: (addr - x.start) % ps,
      ...(unmap ? { unmappedAtLine: unmap.line } : {}) };
  }
  return undefined;
}

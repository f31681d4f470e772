/**
 * Deterministic generated scenarios for the benchmark suite (YAML text, as users write it). The same call gives
 * the same text on every run and machine: sizes are fixed and the only randomness is a seeded PRNG.
 */

export const PAGES_1G = 262_144; // 1 GiB of 4 KiB pages
export const PAGES_64G = 16_777_216; // 64 GiB of 4 KiB pages

/** mulberry32: a small seeded PRNG, good enough for layouts of runs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BenchScenario {
  readonly file: string;
  readonly text: string;
  /** pages of the (first) walk */
  readonly pages: number;
  /** pages holding a populated entry after setup */
  readonly populated: number;
  /** maximal runs of one entry state in the walked range, as the generator laid them out */
  readonly runs: number;
}

function header(name: string, extra = ''): string {
  return `hmm: 1\nname: ${name}\nkernel: latest\n${extra}steps:\n`;
}

function walk(name: string, pages: number, mode: string, device?: string): string {
  return `  - walk: { name: ${name}, at: buf, pages: ${pages}, mode: ${mode}${device ? `, device: ${device}` : ''} }\n`;
}

/** 1 GiB of present, writable 4 KiB pages (private anonymous, written once). */
export function presentScenario(pages = PAGES_1G, walks = 1): BenchScenario {
  let t = header(`bench present 4K x${pages}`);
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  t += `  - write: { at: buf, pages: ${pages} }\n`;
  for (let i = 0; i < walks; i++) t += walk(`snap${i + 1}`, pages, 'snapshot');
  return { file: 'bench-present.hmm.yaml', text: t, pages, populated: pages, runs: 1 };
}

/** Setup only (no walk): the same address space as presentScenario, for the memory measurement. */
export function presentSetupScenario(pages: number, populate: boolean): BenchScenario {
  let t = header(`bench present setup x${pages}`);
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  if (populate) t += `  - write: { at: buf, pages: ${pages} }\n`;
  t += walk('probe', 1, 'snapshot');
  return { file: 'bench-present-setup.hmm.yaml', text: t, pages: 1, populated: populate ? pages : 0, runs: 1 };
}

/** 1 GiB of transparent huge pages: madvise(MADV_HUGEPAGE) on a 2 MiB-aligned mapping, then written. */
export function thpScenario(pages = PAGES_1G, walks = 1): BenchScenario {
  let t = header(`bench THP x${pages}`);
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  t += `  - madvise: { at: buf, pages: ${pages}, advice: hugepage }\n`;
  t += `  - write: { at: buf, pages: ${pages} }\n`;
  for (let i = 0; i < walks; i++) t += walk(`snap${i + 1}`, pages, 'snapshot');
  return { file: 'bench-thp.hmm.yaml', text: t, pages, populated: pages, runs: 1 };
}

/**
 * 64 GiB mapped, 1% populated: chunks of 256 written pages every 25,600 pages (655 chunks, 167,680 pages), at
 * offsets that do not line up with 2 MiB boundaries.
 */
export function sparseScenario(pages = PAGES_64G, chunk = 256, stride = 25_600, walks = 1): BenchScenario {
  let t = header(`bench sparse x${pages}`);
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  let populated = 0;
  let runs = 0;
  for (let off = 37; off + chunk <= pages; off += stride) {
    t += `  - write: { at: buf+${off}, pages: ${chunk} }\n`;
    populated += chunk;
    runs += 2;
  }
  for (let i = 0; i < walks; i++) t += walk(`snap${i + 1}`, pages, 'snapshot');
  return { file: 'bench-sparse.hmm.yaml', text: t, pages, populated, runs: runs + 1 };
}

/** The entry states the mixed workload lays out with `set` steps (over written, present pages). */
export const MIXED_STATES = [
  'pte: { state: none }',
  'pte: { state: swap }',
  'pte: { state: migration, write: true }',
  'pte: { state: device_private, device: gpu0, write: true }',
  'pte: { state: device_private, device: gpu1, write: false }',
  'pte: { state: zero }',
  'pte: { state: hwpoison }',
] as const;

/**
 * 1 GiB of mixed entry states: every page written, then runs of 1..64 pages put into one of MIXED_STATES with
 * `set`, separated by runs of present pages. Walked as device gpu0 (gpu0's device-private pages are VALID).
 */
export function mixedScenario(pages = PAGES_1G, seed = 0x5eed, walks = 1): BenchScenario {
  const rnd = prng(seed);
  let t = header(`bench mixed x${pages}`, 'devices: [gpu0, gpu1]\n');
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  t += `  - write: { at: buf, pages: ${pages} }\n`;
  let off = 0;
  let runs = 0;
  let populated = pages;
  while (off < pages) {
    const gap = 1 + Math.floor(rnd() * 64);
    off += gap;
    runs++;
    if (off >= pages) break;
    const len = Math.min(1 + Math.floor(rnd() * 64), pages - off);
    const state = MIXED_STATES[Math.floor(rnd() * MIXED_STATES.length)];
    t += `  - set: { at: buf+${off}, pages: ${len}, ${state} }\n`;
    if (state.includes('none')) populated -= len;
    off += len;
    runs++;
  }
  for (let i = 0; i < walks; i++) t += walk(`snap${i + 1}`, pages, 'snapshot', 'gpu0');
  return { file: 'bench-mixed.hmm.yaml', text: t, pages, populated, runs };
}

/** 1 GiB of empty private anonymous memory, walked with a fault request (`fault` = read, `fault_write`). */
export function faultScenario(mode: 'fault' | 'fault_write', pages = PAGES_1G): BenchScenario {
  let t = header(`bench ${mode} x${pages}`);
  t += `  - mmap: { name: buf, pages: ${pages}, prot: rw, flags: [private, anonymous] }\n`;
  t += walk(mode, pages, mode);
  return { file: `bench-${mode}.hmm.yaml`, text: t, pages, populated: 0, runs: 1 };
}

/**
 * A kernel log of about `bytes` characters in the shape drivers print (amdgpu/nouveau/xe debug lines and
 * test_hmm-style dumps): most lines carry one or more u64 pfn values as 0x-prefixed hex, some carry addresses and
 * other hex numbers, some carry none. Returns the text and the number of 16-digit values written.
 */
export function kernelLog(bytes: number, seed = 0x106): { text: string; pfnValues: number; lines: number } {
  const rnd = prng(seed);
  const hex16 = (hi: number, lo: number) => '0x' + (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
  const parts: string[] = [];
  let size = 0;
  let pfnValues = 0;
  let lines = 0;
  let ts = 1000;
  const flagsHi = [0x80000000, 0xc0000000, 0xa0000000, 0xc1200000, 0x90000000, 0x00000000];
  while (size < bytes) {
    ts += rnd() * 0.01;
    const stamp = `[${ts.toFixed(6).padStart(12, ' ')}]`;
    const k = rnd();
    let line: string;
    if (k < 0.5) {
      const v = hex16(flagsHi[Math.floor(rnd() * flagsHi.length)] | Math.floor(rnd() * 0x3f), Math.floor(rnd() * 0xffffffff));
      line = `${stamp} amdgpu 0000:03:00.0: amdgpu_hmm_range_get_pages: pfns[${Math.floor(rnd() * 512)}]=${v}`;
      pfnValues++;
    } else if (k < 0.75) {
      const a = hex16(0x80000000, Math.floor(rnd() * 0xffffffff));
      const b = hex16(0xc0000000, Math.floor(rnd() * 0xffffffff));
      line = `${stamp} nouveau 0000:01:00.0: svm: fault addr 0x7f${Math.floor(rnd() * 0xffffffff).toString(16)} pfn ${a} ${b}`;
      pfnValues += 2;
    } else if (k < 0.9) {
      line = `${stamp} xe 0000:00:02.0: [drm] GT0: PF: ASID ${Math.floor(rnd() * 4096)} VFID 0 PDATA 0x${Math.floor(rnd() * 0xffff).toString(16)} Faulted Address 0x0000${Math.floor(rnd() * 0xffffffff).toString(16)}`;
    } else {
      line = `${stamp} systemd[1]: Started session-${Math.floor(rnd() * 1000)}.scope - Session of user dev.`;
    }
    parts.push(line);
    size += line.length + 1;
    lines++;
  }
  return { text: parts.join('\n') + '\n', pfnValues, lines };
}

/**
 * Documentation of the scenario format's keys, values and expected-entry tokens, for hovers and completion details
 * (the same text as docs/scenario-reference.md, shortened). Keyed by where a key appears: 'top', a step name, 'walk',
 * 'expect', 'pte', 'during', 'legacy'. No vscode import.
 */

export type KeyScope = 'top' | 'mmap' | 'munmap' | 'mprotect' | 'read' | 'write' | 'fork' | 'madvise' | 'migrate'
  | 'exclusive' | 'set' | 'walk' | 'expect' | 'pte' | 'during' | 'legacy';

const AT = 'The address: a number (`0x7f0000000000`, page-aligned), a mapping\'s name (`buf`: its first page) or a name plus pages (`buf+3`). A name must be given by an earlier `mmap` step.';

export const KEY_DOCS: Readonly<Record<KeyScope, Readonly<Record<string, string>>>> = {
  top: {
    hmm: 'Format version: `1`. Required.',
    name: 'The scenario\'s name, shown in the HMM view, the inspector and the Test Explorer (default: the file name).',
    description: 'Free text describing the scenario.',
    kernel: 'Whose behaviour and pfn layout to model: `vX.Y` from `v4.17` to `v6.19`, `latest` (default), or a proposal (`proposal:device-private`, `proposal:migrate`). Each change is modelled at the release that merged it.',
    legacy: 'For `v5.7` and older: the driver\'s encoding of the pfn words (`range->flags[]`, `range->values[]`, `pfn_shift`): `amdgpu` (default, with a warning), `nouveau`, `test_hmm`, or a table `{ profile?, flags, values, pfn_shift }`. Ignored from v5.8 on.',
    page_size: 'The page size: `4096` (default), `16384` or `65536` (also `4K`, `16K`, `64K`).',
    devices: 'Device names, each with its own device-private memory: `[gpu0, gpu1]`. A walk\'s `device` is its `dev_private_owner`; `migrate … to:` moves pages into a device\'s memory. `system` is reserved.',
    steps: 'The operations, in order: `mmap`, `munmap`, `mprotect`, `read`, `write`, `fork`, `madvise`, `migrate`, `exclusive`, `set` change the address space; `walk` calls `hmm_range_fault()` over it. Each step is a map with a single key, the operation.',
  },
  mmap: {
    name: 'A name for the mapping, used in addresses (`buf`, `buf+3`). Letters, digits, `_`, `.`, `-`; unique in the file.',
    at: `Where to map (MAP_FIXED). Default: the lowest free 2 MiB-aligned address at or above \`0x7f0000000000\`. ${AT}`,
    pages: 'The mapping\'s size in pages.',
    prot: 'Protection: `none`, `r`, `rw`, `rx`, `rwx`.',
    flags: 'mmap flags: `private` (default) or `shared`; `anonymous` (default) or `file`; `hugetlb`; `pfnmap`, `io`, `mixedmap` (a driver\'s mapping of a device file); `populate` (MAP_POPULATE).',
    huge_page: 'With the `hugetlb` flag: the huge page size (`2M` default, `1G`; on arm64 also `64K`, `32M`, `512M`, `16G`). The mapping is a whole number of huge pages on a huge-page boundary.',
    fs: 'For a `file` mapping: the file\'s filesystem. `tmpfs` (default) has no write notification; `ext4`, `xfs`, `btrfs` map read faults read-only until the first write (page_mkwrite).',
  },
  munmap: { at: AT, pages: 'How many pages to unmap.' },
  mprotect: { at: AT, pages: 'How many pages.', prot: 'The new protection: `none`, `r`, `rw`, `rx`, `rwx`.' },
  read: { at: AT, pages: 'How many pages the CPU reads (default 1): the fault the CPU would take (the zero page on a first read of private anonymous memory).' },
  write: { at: AT, pages: 'How many pages the CPU writes (default 1): a new page, or copy-on-write after `fork`.' },
  fork: {},
  madvise: { at: AT, pages: 'How many pages.', advice: 'madvise(2) advice: `hugepage`, `nohugepage`, `dontneed`, `pageout` (swap out), `hwpoison`.' },
  migrate: { at: AT, pages: 'How many pages.', to: 'A declared device (migrate_vma to its device-private memory) or `system` (back to RAM).' },
  exclusive: { at: AT, pages: 'How many pages.', device: 'The declared device that gets exclusive access (make_device_exclusive).' },
  set: { at: AT, pages: 'How many page-table entries (default 1).', pte: 'The exact entry state: `none`, `zero`, `present`, `swap`, `migration`, `device_private`, `device_exclusive`, `hwpoison`, `protnone`, `special`, `marker`; or a map `{ state, write?, device?, kind? }`.' },
  walk: {
    name: 'The walk\'s name, shown in CodeLens, the HMM view, the inspector and the Test Explorer (default `walk N`). Keep it unique in the file.',
    device: '`range->dev_private_owner`: device-private pages of this device are reported with their device pfn (VALID, WRITE when writable); pages of other devices are 0 in a snapshot and migrated back by a fault.',
    at: `\`range->start\`. ${AT}`,
    pages: 'How many pages: the hmm_pfns array has one entry per page.',
    mode: 'Shorthand for the request: `snapshot` (default_flags 0: report, never fault), `fault` (`REQ_FAULT`: fault every page in), `fault_write` (`REQ_FAULT | REQ_WRITE`). pfn_flags_mask 0.',
    default_flags: '`range->default_flags`: input flag names (`[REQ_FAULT, REQ_WRITE]`), one string, or a number. Overrides `mode`.',
    pfn_flags_mask: '`range->pfn_flags_mask`: which bits of each input word count as a per-page request. Same forms as default_flags. Default 0.',
    input: 'Per-page input words, keyed by page address inside the walk: `{ buf+3: [REQ_FAULT, REQ_WRITE] }`.',
    sticky: 'Per-page sticky in/out flags set on input (`DMA_MAPPED`, `P2PDMA`, `P2PDMA_BUS`; v6.16+ layouts): kept in every word the walk stores.',
    retry: 'The driver loop of Documentation/mm/hmm.rst: call `hmm_range_fault()` again on -EBUSY and when the notifier sequence changed (default `true`). `false`: one call; a result the notifier invalidated meanwhile is marked stale.',
    refill: 'With `retry`: restore the input words before every new call (default `false`: the words are set once, before `again:`, as hmm.rst shows).',
    during: 'Something that happens while the walk runs: a list of `{ after_pages: N, step: { … } }`.',
    expect: 'What the walk must return: `ret` and/or `pfns`. Checked by every run; the Test Explorer reports it.',
  },
  expect: {
    ret: 'The final return value: `0`, `-EFAULT`, `-EPERM`, `-EBUSY`, `-ENOMEM`, `-EINVAL`, `-EAGAIN`, `-EINTR`, or a number. Checked only when written.',
    pfns: 'The expected hmm_pfns array: one entry per page after `*N` repeats (`[VALID WRITE *2, NONE *3]`). An entry is flag names of the layout, `NONE`, `order=N`, `pfn=0x…`, `zero`, `dev=NAME`, `*N`.',
  },
  pte: {
    state: 'The entry state: `none`, `zero`, `present`, `swap`, `migration`, `device_private`, `device_exclusive`, `hwpoison`, `protnone`, `special`, `marker`.',
    write: 'For `present`, `migration`, `device_private`: whether the entry is writable (default false).',
    device: 'For `device_private`, `device_exclusive`: the declared device that owns the page.',
    kind: 'For `marker`: `guard`, `uffd_wp` or `poisoned`.',
  },
  during: {
    after_pages: 'Run the step once the walk has produced this many pages of output (0 = before the first page).',
    step: 'An address-space step (`munmap`, `mprotect`, `migrate`, …, not a walk) that runs while the walk is in progress.',
  },
  legacy: {
    profile: 'A built-in driver table to start from: `amdgpu`, `nouveau`, `test_hmm`.',
    flags: 'The driver\'s `range->flags[]`: `{ VALID, WRITE, DEVICE_PRIVATE? }` bit values.',
    values: 'The driver\'s `range->values[]`: `{ ERROR, NONE, SPECIAL? }` whole-word values.',
    pfn_shift: '`range->pfn_shift`: where the pfn starts in the word.',
  },
};

export const STEP_DOCS: Readonly<Record<string, string>> = {
  mmap: 'mmap(2): a new mapping and the VMA flags it creates. Fields: `name?`, `at?`, `pages`, `prot`, `flags?`, `huge_page?`, `fs?`.',
  munmap: 'munmap(2). Fields: `at`, `pages`.',
  mprotect: 'mprotect(2). Fields: `at`, `pages`, `prot`.',
  read: 'A CPU read: the fault the CPU would take. Fields: `at`, `pages?` (1).',
  write: 'A CPU write: a new page, or copy-on-write after `fork`. Fields: `at`, `pages?` (1).',
  fork: 'fork(2): private anonymous pages become copy-on-write, shared with a child. No fields: `- fork: {}`.',
  madvise: 'madvise(2). Fields: `at`, `pages`, `advice`.',
  migrate: 'migrate_vma: to a declared device\'s device-private memory, or back with `to: system`. Fields: `at`, `pages`, `to`.',
  exclusive: 'make_device_exclusive for a declared device. Fields: `at`, `pages`, `device`.',
  set: 'Put page-table entries in an exact state, to reproduce a bug report. Fields: `at`, `pages?` (1), `pte`.',
  walk: 'One `hmm_range_fault()` (with the driver\'s retry loop): `at`, `pages`, `device?`, `mode?`, `expect?`, … CodeLens above it runs it.',
};

export const VALUE_DOCS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  prot: { none: 'PROT_NONE: no access (hmm_range_fault() cannot mirror it).', r: 'PROT_READ', rw: 'PROT_READ | PROT_WRITE', rx: 'PROT_READ | PROT_EXEC', rwx: 'PROT_READ | PROT_WRITE | PROT_EXEC' },
  mode: { snapshot: 'default_flags 0: report what is mapped, never fault.', fault: 'REQ_FAULT: fault every page in (read).', fault_write: 'REQ_FAULT | REQ_WRITE: fault every page in for writing.' },
  advice: { hugepage: 'MADV_HUGEPAGE: later faults may map 2 MiB pages where aligned.', nohugepage: 'MADV_NOHUGEPAGE', dontneed: 'MADV_DONTNEED: drop the pages.', pageout: 'MADV_PAGEOUT: swap the pages out.', hwpoison: 'MADV_HWPOISON: poison the pages.' },
  flags: { private: 'MAP_PRIVATE (default)', shared: 'MAP_SHARED', anonymous: 'MAP_ANONYMOUS (default)', file: 'a mapping of a new file of its size', hugetlb: 'MAP_HUGETLB (size: huge_page)', pfnmap: 'VM_PFNMAP: a driver\'s remap_pfn_range() mapping', io: 'VM_IO: device memory', mixedmap: 'VM_MIXEDMAP: vm_insert_page()/vmf_insert_mixed() mapping', populate: 'MAP_POPULATE: fault every page in at mmap' },
  state: { none: 'pte_none: nothing mapped', zero: 'the shared zero page, read-only', present: 'a present page (write: true for writable)', swap: 'a swap entry', migration: 'a migration entry', device_private: 'a device-private entry of `device`', device_exclusive: 'a device-exclusive entry of `device`', hwpoison: 'a hwpoison entry', protnone: 'a PROT_NONE (NUMA hinting) entry', special: 'a special PTE (pte_special)', marker: 'a PTE marker (`kind`)' },
  kind: { guard: 'a guard-region marker (v6.13+)', uffd_wp: 'a userfaultfd write-protect marker', poisoned: 'a poisoned marker' },
  fs: { tmpfs: 'no write notification (default)', ext4: 'write notification (page_mkwrite)', xfs: 'write notification (page_mkwrite)', btrfs: 'write notification (page_mkwrite)' },
};

/** Documentation of an expected-entry token (`ERROR`, `dev=gpu0`, `order=9`, `*512` …); flag docs come from the layout. */
export function tokenDoc(token: string, flagDoc?: (name: string) => string | undefined): string | undefined {
  const eq = token.indexOf('=');
  if (eq > 0) {
    const key = token.slice(0, eq);
    const val = token.slice(eq + 1);
    if (key === 'order') {
      const n = Number(val);
      const size = Number.isInteger(n) && n >= 0 && n < 40 ? ` \`order=${n}\`: a mapping of PAGE_SIZE << ${n} = ${sizeText(4096 * 2 ** n)} with 4 KiB pages.` : '';
      return `**order=N** — the map order field (\`hmm_pfn_to_map_order()\`): the page lies in a CPU mapping of \`PAGE_SIZE << N\` bytes (9 = a 2 MiB THP or hugetlb page, 18 = 1 GiB). Checked always on layouts with an order field (v5.10+), default 0.${size}`;
    }
    if (key === 'dev') return `**dev=${val || 'NAME'}** — the pfn is device-private memory of device \`${val || 'NAME'}\` (declared in \`devices:\`): a walk whose \`device\` is its owner reports the device pfn. Checked only when written.`;
    if (key === 'pfn') return `**pfn=0x…** — the exact pfn of the word${val ? ` (\`${val}\`)` : ''}. Checked only when written.`;
    return undefined;
  }
  if (/^\*\d*$/.test(token)) return `**${token === '*' ? '*N' : token}** — repeat this entry ${token.length > 1 ? `${token.slice(1)} times` : 'N times'} (the last token of an entry).`;
  if (token === 'NONE' || token === '0') return `**${token}** — no flag at all: the page is not mapped (or not reported) for the device. On legacy layouts the whole word equals \`values[NONE]\`.`;
  if (token === 'zero') return '**zero** — the pfn is the shared 4 KiB zero page (`is_zero_pfn()`, pfn 0x1000 in the simulator), as test_hmm marks it; not the huge zero page. Checked only when written.';
  const flag = flagDoc?.(token);
  if (flag !== undefined) return `**${token}** — ${flag}`;
  const builtin: Record<string, string> = {
    VALID: 'HMM_PFN_VALID: the word holds a pfn the device may map (read).',
    WRITE: 'HMM_PFN_WRITE: the CPU mapping is writable: the device may write.',
    ERROR: 'HMM_PFN_ERROR: the page cannot be mirrored (no VMA, PROT_NONE, VM_IO/VM_PFNMAP, a poisoned page …); hmm_range_fault() fills it when it cannot fault, and with REQ_FAULT returns -EFAULT instead. On legacy layouts a whole-word value.',
    SPECIAL: 'legacy whole-word value `values[SPECIAL]`: a special page (zero page, VM_MIXEDMAP).',
  };
  return builtin[token] ? `**${token}** — ${builtin[token]}` : undefined;
}

function sizeText(bytes: number): string {
  const units: [number, string][] = [[2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [n, u] of units) if (bytes >= n && bytes % n === 0) return `${bytes / n} ${u}`;
  return `${bytes} bytes`;
}

/** The scope of the map a key path points into: ['steps', 3, 'walk', 'expect'] → 'expect'. */
export function keyScope(path: readonly (string | number)[]): KeyScope | undefined {
  const strings = path.filter((p): p is string => typeof p === 'string');
  if (strings.length === 0) return 'top';
  const last = strings[strings.length - 1];
  if (last === 'legacy' && strings.length === 1) return 'legacy';
  if (last === 'expect') return 'expect';
  if (last === 'pte') return 'pte';
  if (last === 'during' || (typeof path[path.length - 1] === 'number' && strings[strings.length - 1] === 'during')) return 'during';
  if (last in STEP_DOCS) return last as KeyScope;
  return undefined;
}

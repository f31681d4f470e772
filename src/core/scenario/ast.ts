/**
 * The typed form of a scenario file (format: docs/scenario-reference.md). The parser (./parse.ts) produces it with
 * source positions; the runner (./run.ts) executes it on the simulated address space. This file is the contract
 * between the two.
 */

/** 1-based line and column of a node in the source file. */
export interface SourcePos {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** An address as written: a number, a mapping's name, or a name plus a page offset (`buf+3`). */
export type AddressExpr =
  | { readonly kind: 'abs'; readonly value: bigint; readonly pos: SourcePos }
  | { readonly kind: 'name'; readonly name: string; readonly offsetPages: number; readonly pos: SourcePos };

export type Prot = 'none' | 'r' | 'rw' | 'rx' | 'rwx';

export interface MmapFlags {
  readonly shared: boolean;          // default private
  readonly file: boolean;            // default anonymous
  readonly hugetlb?: HugePageSize;   // huge_page
  readonly pfnmap: boolean;
  readonly io: boolean;
  readonly mixedmap: boolean;
  readonly populate: boolean;
  /**
   * the filesystem a file mapping's file lives on (`fs:`): `tmpfs` (default) has no write notification, so a read
   * fault in a shared writable mapping maps the page writable; the others ask for write notification
   * (vma_wants_writenotify: page_mkwrite), so such a page is mapped read-only until the first write
   */
  readonly fs?: FileSystemKind;
}

export type FileSystemKind = 'tmpfs' | 'ext4' | 'xfs' | 'btrfs';

/** hugetlb page sizes (src/core/mm/hugetlb.ts says which a page size offers). */
export type HugePageSize = '64K' | '2M' | '32M' | '512M' | '1G' | '16G';

export type PteStateSpec =
  | { readonly state: 'none' | 'zero' | 'swap' | 'hwpoison' | 'protnone' | 'special' }
  | { readonly state: 'present'; readonly write: boolean }
  | { readonly state: 'migration'; readonly write: boolean }
  | { readonly state: 'device_private'; readonly device: string; readonly write: boolean }
  | { readonly state: 'device_exclusive'; readonly device: string }
  | { readonly state: 'marker'; readonly marker: 'guard' | 'uffd_wp' | 'poisoned' };

export type Step =
  | { readonly op: 'mmap'; readonly pos: SourcePos; readonly name?: string; readonly at?: AddressExpr;
      readonly pages: number; readonly prot: Prot; readonly flags: MmapFlags }
  | { readonly op: 'munmap'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number }
  | { readonly op: 'mprotect'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number; readonly prot: Prot }
  | { readonly op: 'read' | 'write'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number }
  | { readonly op: 'fork'; readonly pos: SourcePos }
  | { readonly op: 'madvise'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number;
      readonly advice: 'hugepage' | 'nohugepage' | 'dontneed' | 'pageout' | 'hwpoison' }
  | { readonly op: 'migrate'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number; readonly to: string /* device or 'system' */ }
  | { readonly op: 'exclusive'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number; readonly device: string }
  | { readonly op: 'set'; readonly pos: SourcePos; readonly at: AddressExpr; readonly pages: number; readonly pte: PteStateSpec }
  | WalkStep;

export type WalkMode = 'snapshot' | 'fault' | 'fault_write';

/** Flags as written: names of the scenario's layout (REQ_FAULT, REQ_WRITE, DMA_MAPPED…) or a raw number. */
export type FlagsExpr = { readonly names: readonly string[]; readonly raw?: bigint; readonly pos: SourcePos };

export interface DuringStep {
  /** run `step` once the walk has produced this many pages of output (0 = before the first page) */
  readonly afterPages: number;
  readonly step: Exclude<Step, WalkStep>;
  readonly pos: SourcePos;
}

/** One expected pfn entry after `*N` expansion. */
export interface ExpectedEntry {
  /** exact set of output flag names; empty = NONE / 0 */
  readonly flags: readonly string[];
  /** undefined = 0 on layouts with an order field */
  readonly order?: number;
  readonly pfn?: bigint;
  readonly zero?: boolean;
  readonly dev?: string;
  /** the token text as written, for messages */
  readonly text: string;
  readonly pos: SourcePos;
}

export interface WalkExpect {
  readonly ret?: number;             // 0, -14 (EFAULT), -1 (EPERM), -16 (EBUSY), -12 (ENOMEM)
  readonly pfns?: readonly ExpectedEntry[];
  readonly pos: SourcePos;
}

export interface WalkStep {
  readonly op: 'walk';
  readonly pos: SourcePos;
  readonly name: string;             // given, or `walk N` (1-based among walks)
  readonly device?: string;
  readonly at: AddressExpr;
  readonly pages: number;
  readonly mode: WalkMode;
  readonly defaultFlags?: FlagsExpr;
  readonly pfnFlagsMask?: FlagsExpr;
  /** per-page input flags keyed by address expression */
  readonly input: readonly { readonly at: AddressExpr; readonly flags: FlagsExpr }[];
  readonly sticky: readonly { readonly at: AddressExpr; readonly flags: FlagsExpr }[];
  readonly retry: boolean;           // default true
  /** restore the input words before every new call of the retry loop (default false, as Documentation/mm/hmm.rst) */
  readonly refill: boolean;
  readonly during: readonly DuringStep[];
  readonly expect?: WalkExpect;
}

export interface LegacyProfileSpec {
  /** a built-in profile name (amdgpu, nouveau, test_hmm) or a custom one */
  readonly builtin?: string;
  readonly flags?: { readonly VALID: bigint; readonly WRITE: bigint; readonly DEVICE_PRIVATE?: bigint };
  readonly values?: { readonly ERROR: bigint; readonly NONE: bigint; readonly SPECIAL?: bigint };
  readonly pfnShift?: number;
  readonly pos: SourcePos;
}

export interface Scenario {
  readonly file: string;
  readonly version: 1;
  readonly name?: string;
  readonly description?: string;
  /** as written, default 'latest' */
  readonly kernel: string;
  readonly legacy?: LegacyProfileSpec;
  readonly pageSize: 4096 | 16384 | 65536;
  readonly devices: readonly string[];
  readonly steps: readonly Step[];
}

/** A positioned problem in a scenario: the parser's and the runner's only way to report bad input. */
export interface ScenarioDiagnostic {
  readonly file: string;
  readonly pos: SourcePos;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** `file:line:col: error: message`, the form the CLI prints and the Problems panel shows. */
export function formatDiagnostic(d: ScenarioDiagnostic): string {
  return `${d.file}:${d.pos.line}:${d.pos.col}: ${d.severity}: ${d.message}`;
}

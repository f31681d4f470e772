/**
 * Messages between the inspector host (src/extension/inspector) and the inspector webview (src/webview).
 * Only JSON-safe values and ArrayBuffers cross: u64 scalars travel as hex strings ('0x…'), u64 arrays as the
 * ArrayBuffer of a tight BigUint64Array copy, in chunks (see ./transfer.ts).
 * Every message is checked by ./validate.ts on arrival, in both directions.
 */

/** A u64 as a lower-case hex string with the 0x prefix, e.g. '0x8000000000001234'. */
export type Hex = string;

export interface FlagDto {
  readonly name: string;
  readonly mask: Hex;
  readonly direction: 'out' | 'in' | 'inout' | 'req+out';
  readonly inputAlias?: string;
  readonly doc: string;
}

/** PfnLayout with its bigint fields as hex strings. */
export interface LayoutDto {
  readonly id: string;
  readonly title: string;
  readonly era: 'legacy' | 'modern';
  readonly flags: readonly FlagDto[];
  readonly values?: { readonly ERROR: Hex; readonly NONE: Hex; readonly SPECIAL?: Hex };
  readonly pfnShift: number;
  readonly pfnMask: Hex;
  readonly order?: { readonly shift: number; readonly bits: number };
  readonly inoutMask: Hex;
  readonly flagsMask: Hex;
  /** first / last release using it (PfnLayout.since / until); proposals have neither */
  readonly since?: string;
  readonly until?: string;
  /** proposals only: what the series is */
  readonly proposal?: string;
  /** legacy only: the driver table behind it */
  readonly profile?: { readonly name: string; readonly source: 'builtin' | 'custom' | 'default'; readonly doc: string };
}

export type TraceKind = 'output' | 'fault' | 'restart' | 'retry' | 'error' | 'notifier' | 'during' | 'info';

export interface TraceEventDto {
  readonly attempt: number;
  readonly fn: string;
  readonly first: number;
  readonly end: number;
  readonly state: string;
  readonly rule: string;
  readonly why: string;
  readonly kind: TraceKind;
}

export interface MismatchDto {
  readonly index: number;
  readonly address: Hex;
  readonly expected: string;
  readonly actual: string;
  readonly actualDecoded: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A VMA overlapping the walked range (WalkResult.vmas): [start, end) as the walk saw it when it returned. */
export interface VmaDto {
  readonly start: Hex;
  readonly end: Hex;
  /** `rw-`, `r-x`, `---` … */
  readonly prot: string;
  /** VM_READ, VM_WRITE, VM_IO … (the core's `VM_READ|VM_WRITE` split at '|'; empty for no flag) */
  readonly flags: readonly string[];
  /** private anonymous, shared anonymous (shmem), file (shared), hugetlb 2M … */
  readonly backing: string;
  /** the scenario's name of the mapping that starts here */
  readonly name?: string;
}

export interface WalkDto {
  readonly name: string;
  readonly line: number;
  readonly col: number;
  /** first address of the walk; null for a bare value array (showValues) */
  readonly start: Hex | null;
  readonly pages: number;
  readonly pageSize: number;
  readonly ret: number;
  readonly attempts: number;
  readonly layoutId: string;
  readonly trace: readonly TraceEventDto[];
  readonly expect?: { readonly ok: boolean; readonly retOk: boolean; readonly mismatches: readonly MismatchDto[] };
  /** retry: false and the one call returned 0 on a range invalidated meanwhile (a driver would call again) */
  readonly stale?: boolean;
  /** whether an input array follows (showValues sends none) */
  readonly hasInput: boolean;
  readonly vmas: readonly VmaDto[];
}

export interface DiagnosticDto {
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * A compare view of the simulator against a real kernel (hmm-lens verify): the pages the oracle's comparison found
 * different (real pfns never equal the simulator's, so raw words do not tell), and what it said.
 */
export interface KernelCompareDto {
  /** the differing page indices of the walk (both sides start at the same address) */
  readonly differing: readonly number[];
  /** how many pages differ in all (differing may be capped) */
  readonly total: number;
  /** 'agree', 'disagree' */
  readonly status: 'agree' | 'disagree';
  /** the outcome lines (return code, calls, stale) and why the first pages differ */
  readonly notes: readonly string[];
}

export interface ViewDto {
  readonly kind: 'result' | 'values' | 'compare';
  readonly title: string;
  readonly file?: string;
  readonly kernel?: string;
  readonly walks: readonly WalkDto[];
  /** the walk to show first (for 'compare': walks[0] is A, walks[1] is B) */
  readonly walkIndex: number;
  readonly layouts: readonly LayoutDto[];
  readonly diagnostics: readonly DiagnosticDto[];
  /** compare views of the simulator (walks[0]) against a real kernel (walks[1]) */
  readonly kernelCompare?: KernelCompareDto;
}

export type ArrayName = 'input' | 'pfns';

// ---- host → webview ----
export interface ViewMessage { readonly type: 'view'; readonly session: number; readonly view: ViewDto }
/** `count` u64 entries starting at entry `offset` of walk `walk`'s array; `total` = the array's length. */
export interface DataMessage {
  readonly type: 'data'; readonly session: number; readonly walk: number; readonly array: ArrayName;
  readonly offset: number; readonly total: number; readonly buffer: ArrayBuffer;
}
/** Select entry `pageIndex` of walk `walkIndex`; with `detail`, open the detail pane on it (HMM: Decode PFN Value). */
export interface RevealMessage { readonly type: 'reveal'; readonly walkIndex: number; readonly pageIndex: number; readonly detail?: boolean }
/**
 * Whether the file a shown result came from still is what ran: 'current'; 'changed' (edited since the run);
 * 'invalid' (edited and no longer parses); 'deleted'. `session` is the view it is about.
 */
export type SourceState = 'current' | 'changed' | 'invalid' | 'deleted';
export interface SourceMessage { readonly type: 'source'; readonly session: number; readonly state: SourceState; readonly detail?: string }
export type HostMessage = ViewMessage | DataMessage | RevealMessage | SourceMessage;

// ---- webview → host ----
export interface ReadyMessage { readonly type: 'ready' }
export interface SelectMessage { readonly type: 'select'; readonly walkIndex: number; readonly first: number; readonly end: number }
export type CopyFormat = 'hex' | 'c' | 'markdown';
export interface CopyMessage { readonly type: 'copy'; readonly format: CopyFormat; readonly text: string }
export interface OpenSourceMessage { readonly type: 'openSource'; readonly line: number; readonly col: number }
export interface ErrorReportMessage { readonly type: 'error'; readonly message: string }
/** The webview drew session `session` (view and data complete); `ms` from the last chunk to the painted frame. */
export interface PaintedMessage { readonly type: 'painted'; readonly session: number; readonly ms: number }
/** Open a page of the public kernel source browser (the webview cannot open URLs itself): only KERNEL_SOURCE_URL_RE. */
export interface OpenExternalMessage { readonly type: 'openExternal'; readonly url: string }
export type WebviewMessage = ReadyMessage | SelectMessage | CopyMessage | OpenSourceMessage | ErrorReportMessage | PaintedMessage
  | OpenExternalMessage;

/**
 * The only URLs the webview may ask the host to open: Bootlin's Elixir cross-reference for a Linux release, an
 * identifier (/C/ident/NAME) or a source file (/source/PATH).
 */
export const KERNEL_SOURCE_URL_RE = /^https:\/\/elixir\.bootlin\.com\/linux\/v\d{1,2}\.\d{1,3}(?:\.\d{1,4})?\/(?:C\/ident\/[A-Za-z_][A-Za-z0-9_]{0,99}|source\/[a-z0-9_][a-z0-9_./-]{0,199}(?:#L\d{1,6})?)$/;

/** Largest text the host copies to the clipboard for the webview (characters). */
export const MAX_COPY_CHARS = 16 * 1024 * 1024;
/** Entries per data chunk: 512K entries = 4 MiB per message. */
export const CHUNK_ENTRIES = 512 * 1024;
/** Largest array the protocol accepts (entries): 2^26 = 64M pages. */
export const MAX_ENTRIES = 1 << 26;

/**
 * What running a scenario yields: one result per walk, plus the trace. Serializable except for the bigint arrays;
 * `toJson` in ./json.ts turns it into the CLI's --json document (u64 values as hex strings).
 */
import type { SourcePos, ScenarioDiagnostic } from './ast';
import type { DecodedPfn } from '../layouts/types';

/** One event of the walk trace, compressed by range: a 1M-page walk yields events proportional to runs. */
export interface TraceEvent {
  /** attempt number (1-based): each internal restart or driver retry starts a new attempt */
  readonly attempt: number;
  /** the kernel function this step mirrors: hmm_range_fault, hmm_vma_walk_test, hmm_vma_walk_hole, hmm_vma_walk_pmd,
   *  hmm_vma_handle_pte, hmm_vma_walk_pud, hmm_vma_walk_hugetlb_entry, hmm_vma_fault, handle_mm_fault,
   *  mmu_interval_check_retry, mmu_interval_read_begin … */
  readonly fn: string;
  /** page index range [first, end) within the walk's output array; for events not tied to pages, first=end */
  readonly first: number;
  readonly end: number;
  /** entry state seen, e.g. 'pte:present-rw', 'pmd:thp-ro', 'hole:no-vma', 'vma:VM_IO' */
  readonly state: string;
  /** the rule applied, short: 'store pfn|VALID|WRITE', 'fill ERROR', 'fault write', 'return -EBUSY' */
  readonly rule: string;
  /** why, in a sentence a driver developer reads */
  readonly why: string;
  /** kind of event for markers in the UI */
  readonly kind: 'output' | 'fault' | 'restart' | 'retry' | 'error' | 'notifier' | 'during' | 'info';
}

export interface WalkMismatch {
  readonly index: number;
  readonly address: bigint;
  readonly expected: string;
  readonly actual: string;
  /** decoded actual */
  readonly actualDecoded: string;
  readonly pos: SourcePos;
  readonly message: string;
  /** what differs, without the page: `VALID WRITE missing; pfn 0x0 is not device-private memory, expected gpu0's` */
  readonly why?: string;
}

/** A VMA overlapping the walked range, as it was when the walk returned. */
export interface VmaInfo {
  readonly start: bigint;
  readonly end: bigint;
  /** `rw-`, `r-x`, `---` … */
  readonly prot: string;
  /** VM_READ|VM_WRITE|VM_IO … as the walk's VMA test sees them */
  readonly flags: string;
  /** private anonymous, shared anonymous (shmem), file, hugetlb 2M/1G */
  readonly backing: string;
  /** the scenario's name of the mapping that starts here, if any */
  readonly name?: string;
}

export interface WalkResult {
  readonly name: string;
  readonly pos: SourcePos;
  readonly start: bigint;
  readonly pages: number;
  readonly pageSize: number;
  /** final return code of the driver loop (or of the single call when retry is false) */
  readonly ret: number;
  /** number of hmm_range_fault() calls the driver loop made */
  readonly attempts: number;
  /**
   * retry: false only — the one call returned 0 but mmu_interval_read_retry() is true: the range was invalidated
   * while it ran, so a driver following Documentation/mm/hmm.rst would not use these pfns and would call again
   */
  readonly stale?: boolean;
  /**
   * the input words as the driver filled them; absent when the driver filled none (every word 0: the walk has no
   * `input` or `sticky` entries), so a large walk does not carry a second array of zeros
   */
  readonly input?: BigUint64Array;
  /** the array after the walk (outputs below `last`, inputs from `last` on when ret != 0) */
  readonly pfns: BigUint64Array;
  readonly layoutId: string;
  /** the VMAs overlapping [start, start + pages), in address order */
  readonly vmas: readonly VmaInfo[];
  readonly trace: readonly TraceEvent[];
  /** `mismatches` lists at most the first 1000 pages; `total` counts every mismatching page (absent = the list) */
  readonly expect?: { readonly ok: boolean; readonly retOk: boolean; readonly mismatches: readonly WalkMismatch[];
    readonly total?: number };
}

export interface ScenarioResult {
  readonly file: string;
  readonly name?: string;
  readonly kernel: string;
  readonly layoutId: string;
  readonly walks: readonly WalkResult[];
  /** errors found while running (an access the VMA forbids, a `set` state the VMA cannot hold…) */
  readonly diagnostics: readonly ScenarioDiagnostic[];
}

export type { DecodedPfn };

/**
 * Per-kernel-release behaviour switches of the simulated hmm_range_fault() and of the mm model around it.
 *
 * Each switch names the release where the behaviour changed (the first release with the new behaviour) and the
 * kernel function whose behaviour it follows. A release id between two changes behaves like the older change.
 * Where the release could not be pinned exactly the comment says so (≈) and which side we chose.
 * Releases before 5.5 are modelled like 5.6 (the walk_page_range()/test_walk structure arrived in 5.5) with the
 * per-VMA loop of 4.17–5.4 where it differs: its VMA checks (`perVmaLoop`) and the clearing of [last, end) on error.
 */
import { atLeast, isKernelError, parseKernelId, type KernelVersion } from './kernel-id';

export interface Behaviour {
  readonly kernel: KernelVersion;
  /** The scenario named a proposal layout (`proposal:…`): latest behaviour plus that proposal's output flags. */
  readonly proposal?: string;

  /** ≤5.7 — hmm_device_entry_from_pfn(): driver flags/values/pfn_shift; flags[VALID] ORed into every page word. */
  readonly legacyEncoding: boolean;
  /** ≤5.7 — hmm_range_fault() returns `long`: a page count on success (5.8 made it 0 / -errno). */
  readonly returnsPageCount: boolean;
  /** ≤5.4 — the per-VMA loop of hmm_range_fault() clears [last, end) to values[NONE] on error (hmm_pfns_clear).
   *  Removed in 5.5 by "mm/hmm: make full use of walk_page_range()" (the walk_page_range()/test_walk rework). */
  readonly clearsOnError: boolean;
  /** ≤5.4 — the per-VMA loop of hmm_range_fault() (removed by "mm/hmm: make full use of walk_page_range()" in 5.5)
   *  checks each VMA before walking it: VM_IO/VM_PFNMAP/VM_MIXEDMAP → -EFAULT at once (nothing cleared); no VM_READ →
   *  the WHOLE range is cleared to values[NONE] (hmm_pfns_clear(range->start, range->end)) and -EPERM is returned,
   *  in a snapshot too. */
  readonly perVmaLoop: boolean;
  /** ≤5.7 — hmm_vma_walk.last is moved by the stores: to the end of each PTE loop, PMD/PUD/hugetlb fill and
   *  excluded-VMA fill, to the START of a hole stored without a fault, to the address of a fault. The `long` success
   *  value is (last - start) >> PAGE_SHIFT, so a range ending in an unfaulted hole counts short. */
  readonly lastMovedByStores: boolean;
  /** ≤5.6 — hmm_vma_walk_hole_() faults page by page: values[NONE] is stored in each page right before its fault
   *  and values[ERROR] into the page whose fault fails (hmm_vma_do_fault); a hole without a VMA with a request
   *  stores values[ERROR] into its first page. 5.7+: nothing is stored on these paths. */
  readonly holeFaultPerPage: boolean;
  /** ≤5.6 — hmm_vma_handle_pte(): a non-present entry that is not swap, device-private or migration (hwpoison …)
   *  stores values[ERROR] and returns -EFAULT even in a snapshot. 5.7 checks the request first (snapshot: NONE). */
  readonly nonPresentErrorInSnapshot: boolean;
  /** ≤5.6 — that "everything else" -EFAULT also stores values[ERROR] into the failing entry. Removed by "mm/hmm: do
   *  not set pfns when returning an error code" (Jason Gunthorpe, in the hmm pull for 5.7): from 5.7 the failing
   *  word keeps its input. */
  readonly storesErrorOnFailure: boolean;
  /** ≤5.6 — hmm_vma_handle_pte(): a special PTE stores values[SPECIAL] and returns -EFAULT even in a snapshot.
   *  (Unreachable with the modelled VMAs: special PTEs live in VM_MIXEDMAP/VM_PFNMAP VMAs, excluded before 5.17.) */
  readonly specialEfaultInSnapshot: boolean;
  /** ≤5.6 — hmm_vma_walk_hole(): a hole without a VMA in a snapshot stores values[NONE] (5.7+: ERROR). */
  readonly snapshotNoVmaHoleNone: boolean;
  /** ≤5.6 — hmm_vma_walk_test(): VM_IO/VM_PFNMAP/VM_MIXEDMAP give -EFAULT even in a snapshot. */
  readonly excludedVmaEfaultInSnapshot: boolean;
  /** ≤5.6 — hmm_vma_walk_test(): a VMA without VM_READ fills values[NONE] when no fault is requested. */
  readonly noReadVmaFillsNone: boolean;
  /** ≤5.6 — HMM_PFN_DEVICE_PRIVATE flag: every device-private page is reported (no dev_private_owner) with the flag;
   *  it is faulted back only when the input also has flags[DEVICE_PRIVATE] (hmm_pte_need_fault()). */
  readonly devicePrivateFlag: boolean;
  /** <5.17 — hmm_vma_walk_test() excludes VM_MIXEDMAP (87c01d57fa23 allowed it in 5.17, stable 5.10.94/5.15.17). */
  readonly mixedmapExcluded: boolean;
  /** ≥5.10 — hmm_pfn_flags_order(): map order written for PMD, PUD and hugetlb leaves (when the layout has the field). */
  readonly orderField: boolean;
  /** ≥5.14 — device-exclusive swap entries exist (make_device_exclusive_range) and hmm_vma_handle_pte() faults them. */
  readonly deviceExclusive: boolean;
  /** 5.14–6.14 — make_device_exclusive_range() skips tail pages of a THP (PageTail) and hands its head page to an
   *  rmap walk that replaces every PTE mapping the folio (page_make_device_exclusive_one(), per VMA, stopping at an
   *  entry that already is device-exclusive). ≈6.15 ("mm/rmap: implement make_device_exclusive() using folio_walk
   *  instead of rmap walk") converts exactly the PTE of each page asked for. */
  readonly exclusiveWholeFolio: boolean;
  /**
   * hmm_vma_handle_pte() "none-like" test: ≤5.18 pte_none only ('none'); 5.19–6.18 pte_none_mostly(): any PTE marker
   * ('all'); ≈6.19 (softleaf conversion) only the uffd-wp marker ('uffd-wp').
   */
  readonly markersNoneLike: 'none' | 'all' | 'uffd-wp';
  /** Release where each PTE marker kind first exists: uffd-wp 5.19, poisoned (swapin-error marker) ≈6.2, guard 6.13. */
  readonly markerKinds: ReadonlySet<'guard' | 'uffd_wp' | 'poisoned'>;
  /** ≥6.4 — uffd-wp markers in private anonymous memory (UFFD_FEATURE_WP_UNPOPULATED, "mm/uffd:
   *  UFFD_FEATURE_WP_UNPOPULATED"). Before, pte_install_uffd_wp_if_needed() (zap) and change_pte_range()
   *  (UFFDIO_WRITEPROTECT) install uffd-wp markers only in file-backed VMAs (shmem, hugetlbfs). */
  readonly uffdWpMarkersInAnon: boolean;
  /** ≈6.0 (mm-hotfixes 2022-07-29, "fault non-owner device private entries") — hmm_vma_handle_pte() faults a
   *  device-private entry of another owner (migrate_to_ram) instead of returning -EFAULT. */
  readonly faultNonOwnerDevicePrivate: boolean;
  /** ≥6.18 — hmm_vma_handle_absent_pmd(): device-private PMD entries (device-private THP) are reported or faulted.
   *  Before, every non-present non-migration PMD is -EFAULT with a request, else ERROR. */
  readonly absentPmdDevicePrivate: boolean;
  /** ≈6.19 — migrate_vma with MIGRATE_VMA_SELECT_COMPOUND (device-private THP support): a whole PMD-mapped THP, or
   *  a whole empty PMD, becomes a device-private PMD entry. Before, migrate_vma_collect_pmd() splits the THP.
   *  (Reviewers on the HMM_PFN_DEVICE_PRIVATE thread: "support for 2M device pages … in the 6.19 PR, but
   *  hmm_vma_handle_absent_pmd is already upstream".) */
  readonly deviceThpMigration: boolean;
  /** ≥6.13 — do_huge_pmd_wp_page() → do_huge_zero_wp_pmd(): a write fault on the huge zero PMD installs a new
   *  PMD-mapped THP (under an MMU_NOTIFY_CLEAR invalidation of the PMD) instead of splitting the PMD into zero-page
   *  PTEs and copying the one page written ("mm: allocate THP on hugezeropage wp-fault", commit 1ced09e0331f). */
  readonly hugeZeroWpAllocatesThp: boolean;
  /** ≥6.16 — every store keeps the input's HMM_PFN_INOUT_FLAGS (when the layout has them). */
  readonly stickyInout: boolean;
  /** ≈5.19 — change_pte_range()/can_change_pte_writable(): mprotect(PROT_WRITE) maps exclusive anonymous pages
   *  writable at once (older kernels leave them read-only until the write fault reuses them). */
  readonly mprotectUpgradesExclusiveAnon: boolean;
  /** ≈6.11 — do_swap_page(): an exclusive swapped-in page in a VM_WRITE VMA is mapped writable even on a read
   *  fault (c18160dba5ff, June 2024). Before, only a write fault maps it writable. */
  readonly swapinWritableOnRead: boolean;
  /** ≈6.5 — change_protection(): the lazy PROTECTION_VMA invalidation starts at the first non-none PUD (older: PMD). */
  readonly mprotectNotifierLevel: 'pmd' | 'pud';
}

export function behaviourFor(k: KernelVersion, proposal?: string): Behaviour {
  const markerKinds = new Set<'guard' | 'uffd_wp' | 'poisoned'>();
  if (atLeast(k, 5, 19)) markerKinds.add('uffd_wp');
  if (atLeast(k, 6, 2)) markerKinds.add('poisoned');
  if (atLeast(k, 6, 13)) markerKinds.add('guard');
  return {
    kernel: k,
    proposal,
    legacyEncoding: !atLeast(k, 5, 8),
    returnsPageCount: !atLeast(k, 5, 8),
    clearsOnError: !atLeast(k, 5, 5),
    perVmaLoop: !atLeast(k, 5, 5),
    lastMovedByStores: !atLeast(k, 5, 8),
    holeFaultPerPage: !atLeast(k, 5, 7),
    nonPresentErrorInSnapshot: !atLeast(k, 5, 7),
    storesErrorOnFailure: !atLeast(k, 5, 7),
    specialEfaultInSnapshot: !atLeast(k, 5, 7),
    snapshotNoVmaHoleNone: !atLeast(k, 5, 7),
    excludedVmaEfaultInSnapshot: !atLeast(k, 5, 7),
    noReadVmaFillsNone: !atLeast(k, 5, 7),
    devicePrivateFlag: !atLeast(k, 5, 7),
    mixedmapExcluded: !atLeast(k, 5, 17),
    orderField: atLeast(k, 5, 10),
    deviceExclusive: atLeast(k, 5, 14),
    exclusiveWholeFolio: atLeast(k, 5, 14) && !atLeast(k, 6, 15),
    markersNoneLike: atLeast(k, 6, 19) ? 'uffd-wp' : atLeast(k, 5, 19) ? 'all' : 'none',
    markerKinds,
    uffdWpMarkersInAnon: atLeast(k, 6, 4),
    faultNonOwnerDevicePrivate: atLeast(k, 6, 0),
    absentPmdDevicePrivate: atLeast(k, 6, 18),
    deviceThpMigration: atLeast(k, 6, 19),
    stickyInout: atLeast(k, 6, 16),
    hugeZeroWpAllocatesThp: atLeast(k, 6, 13),
    mprotectUpgradesExclusiveAnon: atLeast(k, 5, 19),
    swapinWritableOnRead: atLeast(k, 6, 11),
    mprotectNotifierLevel: atLeast(k, 6, 5) ? 'pud' : 'pmd',
  };
}

/** Behaviour for a scenario's `kernel:` value (`v5.7`, `latest`, or a proposal name, which behaves like latest). */
export function behaviourForKernel(kernel: string): Behaviour | { error: string } {
  const t = kernel.trim();
  if (t.startsWith('proposal:')) {
    const k = parseKernelId('latest');
    if (isKernelError(k)) return k;
    return behaviourFor(k, t);
  }
  const k = parseKernelId(t);
  if (isKernelError(k)) return k;
  return behaviourFor(k);
}

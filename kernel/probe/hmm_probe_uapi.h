/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * hmm_probe: the ioctl interface between the HMM Lens executor (user space) and the probe module, which runs
 * hmm_range_fault() on the calling process the way a device driver does (Documentation/mm/hmm.rst) and returns the
 * raw hmm_pfns words. Written for HMM Lens; not part of Linux.
 *
 * Device: /dev/hmm_probe (a misc device). Every request acts on current->mm.
 */
#ifndef HMM_PROBE_UAPI_H
#define HMM_PROBE_UAPI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define HMM_PROBE_VERSION 1

/* hmm_probe_info.features */
#define HMM_PROBE_F_DEVICE_PRIVATE	(1u << 0) /* two devices own device-private memory: MIGRATE, EXCLUSIVE */
#define HMM_PROBE_F_EXCLUSIVE		(1u << 1) /* make_device_exclusive() is available */

struct hmm_probe_info {
	__u32 version;			/* out: HMM_PROBE_VERSION */
	__u32 features;			/* out: HMM_PROBE_F_* */
	__u64 page_size;		/* out: PAGE_SIZE */
	__u64 device_pages;		/* out: device-private pages per device (0 without DEVICE_PRIVATE) */
	char release[64];		/* out: utsname()->release, NUL-terminated */
};

/* hmm_probe_walk.flags */
#define HMM_PROBE_WALK_RETRY	(1u << 0) /* the documented driver loop: again on -EBUSY and on read_retry */
#define HMM_PROBE_WALK_REFILL	(1u << 1) /* with RETRY: restore the input words before every new call */

/* owner values: a probe device index, or none */
#define HMM_PROBE_OWNER_NONE	(-1)

/*
 * One hmm_range_fault() walk of [start, start + npages * PAGE_SIZE) of the caller's mm, with an mmu interval
 * notifier inserted over that range for the duration of the request.
 *
 * words: npages u64, the driver's hmm_pfns array: input (per-page request flags) in, output out, exactly as the
 *        kernel left it after the last call (no refill unless HMM_PROBE_WALK_REFILL).
 * facts: npages u8 (or 0): for each word with HMM_PFN_VALID, what the probe knows of its pfn: HMM_PROBE_FACT_*.
 *        Computed after the last call, also when it failed.
 */
struct hmm_probe_walk {
	__u64 start;			/* in: user address, page aligned */
	__u64 npages;			/* in: 1 .. HMM_PROBE_MAX_PAGES */
	__u64 default_flags;		/* in: hmm_range.default_flags */
	__u64 pfn_flags_mask;		/* in: hmm_range.pfn_flags_mask */
	__u64 words;			/* in: user pointer to npages __u64 */
	__u64 facts;			/* in: user pointer to npages __u8, or 0 */
	__s32 owner;			/* in: hmm_range.dev_private_owner: device index 0/1 or HMM_PROBE_OWNER_NONE */
	__u32 flags;			/* in: HMM_PROBE_WALK_* */
	__u32 max_calls;		/* in: with RETRY, give up after this many calls (0: 64); ret is then -EBUSY */
	__s32 ret;			/* out: the last hmm_range_fault() return value, or -EBUSY when the loop gave up */
	__u32 calls;			/* out: number of hmm_range_fault() calls */
	/*
	 * out: without RETRY, 1 when the call returned 0 but mmu_interval_read_retry() says the range was
	 * invalidated meanwhile (a driver would retry)
	 */
	__u32 stale;
};

#define HMM_PROBE_MAX_PAGES	(1ull << 20)	/* 4 GiB of 4 KiB pages */

/* hmm_probe_walk facts, one byte per page */
#define HMM_PROBE_FACT_ZERO		(1u << 0) /* the shared zero page (is_zero_pfn) */
#define HMM_PROBE_FACT_HUGE_ZERO	(1u << 1) /* a page of the huge zero page */
#define HMM_PROBE_FACT_DEV0		(1u << 2) /* device-private page of probe device 0 */
#define HMM_PROBE_FACT_DEV1		(1u << 3) /* device-private page of probe device 1 */
#define HMM_PROBE_FACT_DEV_OTHER	(1u << 4) /* device-private page of another owner */
#define HMM_PROBE_FACT_NO_PAGE		(1u << 5) /* pfn has no struct page (pfn_valid() false) */
#define HMM_PROBE_FACT_COMPOUND		(1u << 6) /* the page belongs to a compound page (THP, hugetlb) */
#define HMM_PROBE_FACT_ANON		(1u << 7) /* PageAnon */

/*
 * Migrate [start, start + npages) to device-private memory of device `to` (0/1), or back to system memory
 * (HMM_PROBE_TO_SYSTEM) from every probe device, with migrate_vma_setup/pages/finalize, per VMA.
 * Pages migrate_vma_setup() does not select are left alone, as a driver would.
 */
#define HMM_PROBE_TO_SYSTEM	(-1)
struct hmm_probe_migrate {
	__u64 start;			/* in */
	__u64 npages;			/* in */
	__s32 to;			/* in: device index or HMM_PROBE_TO_SYSTEM */
	__u32 pad;
	__u64 migrated;			/* out: pages that moved */
};

/* make_device_exclusive() of [start, start + npages) for device `owner` (0/1). */
struct hmm_probe_exclusive {
	__u64 start;			/* in */
	__u64 npages;			/* in */
	__s32 owner;			/* in */
	__u32 pad;
	__u64 done;			/* out: pages made exclusive */
};

/*
 * Insert pages into a VM_MIXEDMAP mapping of /dev/hmm_probe, as a driver's mmap or fault handler does.
 *   HMM_PROBE_INSERT_PAGE:    a new zeroed page with vm_insert_page() (a normal PTE, vma->vm_page_prot)
 *   HMM_PROBE_INSERT_SPECIAL: the pfn of a probe-owned page with vmf_insert_mixed() (a special PTE on
 *                             architectures with pte_special)
 */
#define HMM_PROBE_INSERT_PAGE		0
#define HMM_PROBE_INSERT_SPECIAL	1
struct hmm_probe_insert {
	__u64 start;			/* in */
	__u64 npages;			/* in */
	__u32 kind;			/* in: HMM_PROBE_INSERT_* */
	__u32 pad;
};

/*
 * mmap() of /dev/hmm_probe: the page offset chooses the VMA flags the probe's mmap handler sets, so a scenario's
 * driver mappings exist for real. Any combination of the bits below except PFNMAP|MIXEDMAP (the kernel forbids
 * both). The handler never fills the mapping: its fault handler returns VM_FAULT_SIGBUS; pages come from
 * HMM_PROBE_IOC_INSERT. Offset = bits << page shift.
 */
#define HMM_PROBE_MAP_PFNMAP	(1u << 0) /* VM_PFNMAP */
#define HMM_PROBE_MAP_IO	(1u << 1) /* VM_IO */
#define HMM_PROBE_MAP_MIXEDMAP	(1u << 2) /* VM_MIXEDMAP */
/*
 * vm_ops->pfn_mkwrite: write notification, so a shared writable mapping's vm_page_prot is read-only and the pages
 * inserted into it map read-only until written.
 */
#define HMM_PROBE_MAP_WRNOTIFY	(1u << 3)

#define HMM_PROBE_IOC_MAGIC	'H'
#define HMM_PROBE_IOC_INFO	_IOR(HMM_PROBE_IOC_MAGIC, 0x00, struct hmm_probe_info)
#define HMM_PROBE_IOC_WALK	_IOWR(HMM_PROBE_IOC_MAGIC, 0x01, struct hmm_probe_walk)
#define HMM_PROBE_IOC_MIGRATE	_IOWR(HMM_PROBE_IOC_MAGIC, 0x02, struct hmm_probe_migrate)
#define HMM_PROBE_IOC_EXCLUSIVE	_IOWR(HMM_PROBE_IOC_MAGIC, 0x03, struct hmm_probe_exclusive)
#define HMM_PROBE_IOC_INSERT	_IOW(HMM_PROBE_IOC_MAGIC, 0x04, struct hmm_probe_insert)

#endif /* HMM_PROBE_UAPI_H */

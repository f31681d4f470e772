// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hmm_probe: lets a user program ask the kernel what hmm_range_fault() returns for its own address
 * space.
 *
 * The module behaves like a small device driver that mirrors the caller's page tables
 * (Documentation/mm/hmm.rst): every walk inserts an mmu interval notifier over the requested range,
 * runs the documented retry loop (or a single call) and hands back the raw hmm_pfns words plus a
 * few facts about the pages they point at. On kernels with CONFIG_DEVICE_PRIVATE it also owns two
 * devices with private memory, so that pages can be migrated to a device and back, and made
 * device-exclusive. A misc device file can be mapped with VM_PFNMAP, VM_IO or VM_MIXEDMAP so that
 * driver mappings exist for real.
 *
 * The user interface is hmm_probe_uapi.h. Written for HMM Lens; not part of Linux.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/hmm.h>
#include <linux/mmu_notifier.h>
#include <linux/migrate.h>
#include <linux/memremap.h>
#include <linux/memory_hotplug.h>
#include <linux/rmap.h>
#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/pfn_t.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>

#include "hmm_probe_uapi.h"

#define HPROBE_NDEV		2
/* Pages handled per migrate_vma_setup() or make_device_exclusive_range() call. */
#define HPROBE_BATCH		512UL
#define HPROBE_MAX_CALLS	64
#define HPROBE_WALK_FLAGS	(HMM_PROBE_WALK_RETRY | HMM_PROBE_WALK_REFILL)
#define HPROBE_MAP_BITS		(HMM_PROBE_MAP_PFNMAP | HMM_PROBE_MAP_IO | \
				 HMM_PROBE_MAP_MIXEDMAP | HMM_PROBE_MAP_WRNOTIFY)

static_assert(sizeof(unsigned long) == sizeof(__u64));

static unsigned long device_mib = 64;
module_param(device_mib, ulong, 0444);
MODULE_PARM_DESC(device_mib, "device-private memory per probe device in MiB (default 64, 2..4096)");

/*
 * One probe device. Its address is the owner token: hmm_range.dev_private_owner, pgmap->owner and
 * the migrate_vma pgmap_owner all use it. The devices exist as tokens on every kernel; they own
 * memory only when the kernel has CONFIG_DEVICE_PRIVATE and the memory could be hot-plugged
 * (`live`).
 */
struct hprobe_dev {
	bool live;
	unsigned long npages;
	struct resource *res;
	spinlock_t lock;		/* protects spare[] and nspare */
	struct page **spare;		/* device pages nobody uses */
	unsigned long nspare;
	struct dev_pagemap pgmap;	/* last: ends in a flexible array */
};

static struct hprobe_dev hprobe_devs[HPROBE_NDEV];

static void *hprobe_owner(int index)
{
	return index < 0 ? NULL : &hprobe_devs[index];
}

static bool hprobe_have_devices(void)
{
	return hprobe_devs[0].live && hprobe_devs[1].live;
}

/* Per open file: the pages handed out by HMM_PROBE_INSERT_SPECIAL into mappings of this file. */
struct hprobe_file {
	spinlock_t lock;		/* protects specials */
	struct list_head specials;
};

/*
 * The checks every range argument gets: page aligned, 1..HMM_PROBE_MAX_PAGES pages, inside user
 * space.
 */
static int hprobe_check_range(u64 start, u64 npages, unsigned long *endp)
{
	u64 len, end;

	if (!npages || npages > HMM_PROBE_MAX_PAGES)
		return -EINVAL;
	if (start & ~PAGE_MASK)
		return -EINVAL;
	len = npages << PAGE_SHIFT;
	if (check_add_overflow(start, len, &end) || end > TASK_SIZE)
		return -EINVAL;
	*endp = end;
	return 0;
}

/* ---- Device-private memory ------------------------------------------------------------------- */

#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)

static struct hprobe_dev *hprobe_dev_of(struct page *page)
{
	return container_of(page->pgmap, struct hprobe_dev, pgmap);
}

static bool hprobe_is_ours(struct page *page)
{
	int i;

	if (!page || !is_device_private_page(page))
		return false;
	for (i = 0; i < HPROBE_NDEV; i++)
		if (page->pgmap == &hprobe_devs[i].pgmap)
			return true;
	return false;
}

/*
 * A device page in use keeps its contents in a system page of its own (zone_device_data), standing
 * in for the device's memory: data written before a migration to the device is there after the
 * migration back. Returns the device page locked with one reference, or NULL when either kind of
 * memory ran out.
 */
static struct page *hprobe_dev_alloc(struct hprobe_dev *dev)
{
	struct page *store, *dpage = NULL;
	unsigned long irqflags;

	store = alloc_page(GFP_HIGHUSER);
	if (!store)
		return NULL;
	spin_lock_irqsave(&dev->lock, irqflags);
	if (dev->nspare)
		dpage = dev->spare[--dev->nspare];
	spin_unlock_irqrestore(&dev->lock, irqflags);
	if (!dpage) {
		__free_page(store);
		return NULL;
	}
	dpage->zone_device_data = store;
	zone_device_page_init(dpage);
	return dpage;
}

/*
 * dev_pagemap_ops.page_free: the last reference to a device page is gone; it becomes spare again.
 */
static void hprobe_page_free(struct page *page)
{
	struct hprobe_dev *dev = hprobe_dev_of(page);
	struct page *store = page->zone_device_data;
	unsigned long irqflags;

	page->zone_device_data = NULL;
	if (store)
		__free_page(store);
	spin_lock_irqsave(&dev->lock, irqflags);
	if (!WARN_ON_ONCE(dev->nspare >= dev->npages))
		dev->spare[dev->nspare++] = page;
	spin_unlock_irqrestore(&dev->lock, irqflags);
}

/*
 * Give every selected device page of @src a new system page holding its data. @vma may be NULL
 * (module exit). Entries without a device page (holes, which migrate_vma_setup() selects in
 * anonymous VMAs) are left alone: moving device memory back never populates anything.
 */
static int hprobe_fill_to_system(unsigned long *src, unsigned long *dst, unsigned long npages,
				 struct vm_area_struct *vma, unsigned long start)
{
	unsigned long i;
	int err = 0;

	for (i = 0; i < npages; i++) {
		struct page *dpage = migrate_pfn_to_page(src[i]);
		struct page *spage;

		if (!(src[i] & MIGRATE_PFN_MIGRATE) || !hprobe_is_ours(dpage))
			continue;
		if (vma)
			spage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, start + i * PAGE_SIZE);
		else
			spage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOFAIL);
		if (!spage) {
			err = -ENOMEM;
			continue;
		}
		lock_page(spage);
		if (dpage->zone_device_data)
			copy_highpage(spage, dpage->zone_device_data);
		else
			clear_highpage(spage);
		dst[i] = migrate_pfn(page_to_pfn(spage)) | (src[i] & MIGRATE_PFN_WRITE);
	}
	return err;
}

static unsigned long hprobe_count_moved(const unsigned long *src, const unsigned long *dst,
					unsigned long npages)
{
	unsigned long i, moved = 0;

	for (i = 0; i < npages; i++)
		if ((src[i] & MIGRATE_PFN_MIGRATE) && dst[i])
			moved++;
	return moved;
}

/*
 * dev_pagemap_ops.migrate_to_ram: a CPU fault (or a fault on behalf of another owner) on one device
 * page.
 */
static vm_fault_t hprobe_migrate_to_ram(struct vm_fault *vmf)
{
	struct hprobe_dev *dev = hprobe_dev_of(vmf->page);
	unsigned long src = 0, dst = 0;
	struct migrate_vma mig = {
		.vma = vmf->vma,
		.start = ALIGN_DOWN(vmf->address, PAGE_SIZE),
		.end = ALIGN_DOWN(vmf->address, PAGE_SIZE) + PAGE_SIZE,
		.src = &src,
		.dst = &dst,
		.pgmap_owner = dev,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	int err;

	if (migrate_vma_setup(&mig))
		return VM_FAULT_SIGBUS;
	/* Nothing selected: someone else moved the page meanwhile; the fault is simply retried. */
	if (!mig.cpages)
		return 0;
	err = hprobe_fill_to_system(&src, &dst, 1, mig.vma, mig.start);
	migrate_vma_pages(&mig);
	migrate_vma_finalize(&mig);
	return err ? VM_FAULT_SIGBUS : 0;
}

static const struct dev_pagemap_ops hprobe_pgmap_ops = {
	.page_free = hprobe_page_free,
	.migrate_to_ram = hprobe_migrate_to_ram,
};

/* Device pages for every selected source of a migration to @dev. */
static int hprobe_fill_to_device(struct hprobe_dev *dev, struct migrate_vma *mig)
{
	unsigned long i;

	for (i = 0; i < mig->npages; i++) {
		unsigned long s = mig->src[i];
		struct page *spage = migrate_pfn_to_page(s);
		struct page *dpage;
		bool writable;

		if (!(s & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = hprobe_dev_alloc(dev);
		if (!dpage)
			return -ENOMEM;
		if (spage) {
			copy_highpage(dpage->zone_device_data, spage);
			writable = s & MIGRATE_PFN_WRITE;
		} else {
			/* pte_none or the zero page: the device page starts zeroed */
			clear_highpage(dpage->zone_device_data);
			writable = mig->vma->vm_flags & VM_WRITE;
		}
		mig->dst[i] = migrate_pfn(page_to_pfn(dpage)) | (writable ? MIGRATE_PFN_WRITE : 0);
	}
	return 0;
}

/*
 * One migrate_vma round over [start, end) inside @vma; @to is a device index or
 * HMM_PROBE_TO_SYSTEM.
 */
static int hprobe_migrate_chunk(struct vm_area_struct *vma, unsigned long start, unsigned long end,
				int to, unsigned long *src, unsigned long *dst, u64 *moved)
{
	struct migrate_vma mig;
	int d, err = 0, ret;

	for (d = 0; d < HPROBE_NDEV; d++) {
		if (to >= 0 && d != to)
			continue;
		memset(&mig, 0, sizeof(mig));
		mig.vma = vma;
		mig.start = start;
		mig.end = end;
		mig.src = src;
		mig.dst = dst;
		mig.pgmap_owner = &hprobe_devs[d];
		mig.flags = to >= 0 ? MIGRATE_VMA_SELECT_SYSTEM : MIGRATE_VMA_SELECT_DEVICE_PRIVATE;
		ret = migrate_vma_setup(&mig);
		if (ret)
			return ret;
		if (!mig.cpages)
			continue;
		if (to >= 0)
			ret = hprobe_fill_to_device(&hprobe_devs[d], &mig);
		else
			ret = hprobe_fill_to_system(mig.src, mig.dst, mig.npages, vma, start);
		if (ret && !err)
			err = ret;
		migrate_vma_pages(&mig);
		*moved += hprobe_count_moved(mig.src, mig.dst, mig.npages);
		migrate_vma_finalize(&mig);
	}
	return err;
}

static int hprobe_do_migrate(struct hmm_probe_migrate *m, unsigned long end)
{
	struct mm_struct *mm = current->mm;
	unsigned long *src, *dst, addr = m->start;
	int err = 0;

	src = kvcalloc(HPROBE_BATCH, sizeof(*src), GFP_KERNEL);
	dst = kvcalloc(HPROBE_BATCH, sizeof(*dst), GFP_KERNEL);
	if (!src || !dst) {
		err = -ENOMEM;
		goto out_free;
	}
	if (!mm || !mmget_not_zero(mm)) {
		err = -EINVAL;
		goto out_free;
	}
	mmap_read_lock(mm);
	while (addr < end && !err) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		unsigned long stop;

		if (!vma) {
			err = -EFAULT;
			break;
		}
		stop = min(end, vma->vm_end);
		while (addr < stop && !err) {
			unsigned long next = min(stop, addr + HPROBE_BATCH * PAGE_SIZE);

			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			err = hprobe_migrate_chunk(vma, addr, next, m->to, src, dst, &m->migrated);
			addr = next;
		}
	}
	mmap_read_unlock(mm);
	mmput(mm);
out_free:
	kvfree(src);
	kvfree(dst);
	return err;
}

static int hprobe_do_exclusive(struct hmm_probe_exclusive *x, unsigned long end)
{
	struct mm_struct *mm = current->mm;
	unsigned long addr = x->start;
	struct page **pages;
	int err = 0;

	pages = kvcalloc(HPROBE_BATCH, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	if (!mm || !mmget_not_zero(mm)) {
		kvfree(pages);
		return -EINVAL;
	}
	mmap_read_lock(mm);
	while (addr < end) {
		unsigned long next = min(end, addr + HPROBE_BATCH * PAGE_SIZE);
		int i, n;

		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		n = make_device_exclusive_range(mm, addr, next, pages, hprobe_owner(x->owner));
		if (n < 0) {
			err = n;
			break;
		}
		if (!n) {
			err = -EFAULT;
			break;
		}
		/*
		 * The device would program its atomic mapping here; then it lets go of the pages.
		 */
		for (i = 0; i < n; i++) {
			if (!pages[i])
				continue;
			x->done++;
			unlock_page(pages[i]);
			put_page(pages[i]);
		}
		addr += (unsigned long)n << PAGE_SHIFT;
	}
	mmap_read_unlock(mm);
	mmput(mm);
	kvfree(pages);
	return err;
}

/*
 * Moves whatever device memory is still in use back to system memory, so the pagemap can go away.
 */
static void hprobe_dev_evict(struct hprobe_dev *dev)
{
	unsigned long *src, *dst, first = PHYS_PFN(dev->pgmap.range.start);

	src = kvcalloc(dev->npages, sizeof(*src), GFP_KERNEL | __GFP_NOFAIL);
	dst = kvcalloc(dev->npages, sizeof(*dst), GFP_KERNEL | __GFP_NOFAIL);
	migrate_device_range(src, first, dev->npages);
	hprobe_fill_to_system(src, dst, dev->npages, NULL, 0);
	migrate_device_pages(src, dst, dev->npages);
	migrate_device_finalize(src, dst, dev->npages);
	kvfree(src);
	kvfree(dst);
}

static void hprobe_dev_remove(struct hprobe_dev *dev)
{
	int tries;

	if (!dev->live)
		return;
	for (tries = 0; tries < 5 && READ_ONCE(dev->nspare) != dev->npages; tries++)
		hprobe_dev_evict(dev);
	if (READ_ONCE(dev->nspare) != dev->npages)
		pr_warn("%lu device pages still in use; waiting for them\n",
			dev->npages - READ_ONCE(dev->nspare));
	memunmap_pages(&dev->pgmap);
	release_mem_region(dev->res->start, resource_size(dev->res));
	kvfree(dev->spare);
	dev->live = false;
}

static int hprobe_dev_add(struct hprobe_dev *dev, unsigned long bytes)
{
	unsigned long i, first;
	void *addr;

	dev->npages = bytes >> PAGE_SHIFT;
	dev->spare = kvcalloc(dev->npages, sizeof(*dev->spare), GFP_KERNEL);
	if (!dev->spare)
		return -ENOMEM;
	dev->res = request_free_mem_region(&iomem_resource, bytes, "hmm_probe");
	if (IS_ERR(dev->res)) {
		kvfree(dev->spare);
		return PTR_ERR(dev->res);
	}
	memset(&dev->pgmap, 0, sizeof(dev->pgmap));
	dev->pgmap.type = MEMORY_DEVICE_PRIVATE;
	dev->pgmap.range.start = dev->res->start;
	dev->pgmap.range.end = dev->res->end;
	dev->pgmap.nr_range = 1;
	dev->pgmap.ops = &hprobe_pgmap_ops;
	dev->pgmap.owner = dev;
	addr = memremap_pages(&dev->pgmap, numa_node_id());
	if (IS_ERR(addr)) {
		release_mem_region(dev->res->start, resource_size(dev->res));
		kvfree(dev->spare);
		return PTR_ERR(addr);
	}
	/* Stacked so that allocations hand out ascending pfns. */
	first = PHYS_PFN(dev->pgmap.range.start);
	for (i = 0; i < dev->npages; i++)
		dev->spare[i] = pfn_to_page(first + dev->npages - 1 - i);
	dev->nspare = dev->npages;
	dev->live = true;
	return 0;
}

static void hprobe_devices_init(void)
{
	unsigned long bytes;
	int i, err;

	if (device_mib < 2 || device_mib > 4096) {
		pr_warn("device_mib=%lu is outside 2..4096; no device-private memory\n",
			device_mib);
		return;
	}
	bytes = device_mib << 20;
	for (i = 0; i < HPROBE_NDEV; i++) {
		err = hprobe_dev_add(&hprobe_devs[i], bytes);
		if (err) {
			pr_warn("device %d: no device-private memory (%d)\n", i, err);
			while (--i >= 0)
				hprobe_dev_remove(&hprobe_devs[i]);
			return;
		}
	}
	pr_info("2 devices with %lu device-private pages each\n", hprobe_devs[0].npages);
}

static void hprobe_devices_exit(void)
{
	int i;

	for (i = 0; i < HPROBE_NDEV; i++)
		hprobe_dev_remove(&hprobe_devs[i]);
}

#else /* !CONFIG_DEVICE_PRIVATE */

static int hprobe_do_migrate(struct hmm_probe_migrate *m, unsigned long end)
{
	return -EOPNOTSUPP;
}

static int hprobe_do_exclusive(struct hmm_probe_exclusive *x, unsigned long end)
{
	return -EOPNOTSUPP;
}

static void hprobe_devices_init(void)
{
	pr_info("kernel without CONFIG_DEVICE_PRIVATE: no device-private memory\n");
}

static void hprobe_devices_exit(void)
{
}

#endif /* CONFIG_DEVICE_PRIVATE */

/* ---- Walks ----------------------------------------------------------------------------------- */

/*
 * What a mirroring driver keeps per range: the interval notifier and the lock guarding its device
 * table.
 */
struct hprobe_mirror {
	struct mmu_interval_notifier notifier;
	struct mutex update;		/* the driver's page-table update lock */
	void *owner;
};

static bool hprobe_invalidate(struct mmu_interval_notifier *mni,
			      const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct hprobe_mirror *mirror = container_of(mni, struct hprobe_mirror, notifier);

	/*
	 * A driver migrating its own pages updates its own tables; no need to restart its walks for
	 * that.
	 */
	if (range->event == MMU_NOTIFY_MIGRATE && mirror->owner && range->owner == mirror->owner)
		return true;
	if (mmu_notifier_range_blockable(range))
		mutex_lock(&mirror->update);
	else if (!mutex_trylock(&mirror->update))
		return false;
	mmu_interval_set_seq(mni, cur_seq);
	mutex_unlock(&mirror->update);
	return true;
}

static const struct mmu_interval_notifier_ops hprobe_mirror_ops = {
	.invalidate = hprobe_invalidate,
};

/*
 * The huge zero page is not exported. Recognise it as what it is: a PMD-order compound page that is
 * neither anonymous nor hugetlb and belongs to no file.
 */
static bool hprobe_is_huge_zero(struct page *page)
{
	struct page *head;

	if (!PageCompound(page))
		return false;
	head = compound_head(page);
	return compound_order(head) == PMD_SHIFT - PAGE_SHIFT && !PageAnon(head) &&
	       !PageHuge(head) && !READ_ONCE(head->mapping);
}

static u8 hprobe_page_facts(struct page *page)
{
	u8 facts = 0;

	if (PageCompound(page))
		facts |= HMM_PROBE_FACT_COMPOUND;
	if (PageAnon(page))
		facts |= HMM_PROBE_FACT_ANON;
	return facts;
}

/*
 * Facts about the pfn of one output word. A word the last call did not reach still holds its input
 * value, so the pfn may be anything: only online memory and live device pagemaps are looked at.
 */
static u8 hprobe_facts(unsigned long word)
{
	unsigned long pfn = word & ~HMM_PFN_FLAGS;
	struct dev_pagemap *pgmap;
	struct page *page;
	u8 facts;
	int i;

	if (!(word & HMM_PFN_VALID))
		return 0;
	if (!pfn_valid(pfn))
		return HMM_PROBE_FACT_NO_PAGE;
	if (is_zero_pfn(pfn))
		return HMM_PROBE_FACT_ZERO;
	page = pfn_to_online_page(pfn);
	if (page) {
		facts = hprobe_page_facts(page);
		if (hprobe_is_huge_zero(page))
			facts |= HMM_PROBE_FACT_HUGE_ZERO;
		return facts;
	}
	pgmap = get_dev_pagemap(pfn, NULL);
	if (!pgmap)
		return 0;
	facts = hprobe_page_facts(pfn_to_page(pfn));
	if (pgmap->type == MEMORY_DEVICE_PRIVATE) {
		facts |= HMM_PROBE_FACT_DEV_OTHER;
		for (i = 0; i < HPROBE_NDEV; i++) {
			if (pgmap->owner == &hprobe_devs[i]) {
				facts &= ~HMM_PROBE_FACT_DEV_OTHER;
				facts |= i ? HMM_PROBE_FACT_DEV1 : HMM_PROBE_FACT_DEV0;
			}
		}
	}
	put_dev_pagemap(pgmap);
	return facts;
}

/* The driver loop of hmm.rst, bounded by max_calls; or a single call. */
static void hprobe_mirror_range(struct hprobe_mirror *mirror, struct hmm_range *range,
				struct hmm_probe_walk *w, const unsigned long *input,
				unsigned long npages)
{
	struct mm_struct *mm = mirror->notifier.mm;
	bool retry = w->flags & HMM_PROBE_WALK_RETRY;
	u32 max_calls = w->max_calls ? w->max_calls : HPROBE_MAX_CALLS;
	bool again;
	int ret;

	for (;;) {
		if (input && w->calls)
			memcpy(range->hmm_pfns, input, npages * sizeof(*input));
		range->notifier_seq = mmu_interval_read_begin(&mirror->notifier);
		mmap_read_lock(mm);
		ret = hmm_range_fault(range);
		mmap_read_unlock(mm);
		w->calls++;
		if (!retry) {
			if (!ret) {
				mutex_lock(&mirror->update);
				w->stale = mmu_interval_read_retry(&mirror->notifier,
								   range->notifier_seq);
				mutex_unlock(&mirror->update);
			}
			break;
		}
		if (ret && ret != -EBUSY)
			break;
		if (!ret) {
			mutex_lock(&mirror->update);
			again = mmu_interval_read_retry(&mirror->notifier, range->notifier_seq);
			/* A driver would program its device table here, under the update lock. */
			mutex_unlock(&mirror->update);
			if (!again)
				break;
		}
		if (w->calls >= max_calls) {
			ret = -EBUSY;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	w->ret = ret;
}

static long hprobe_walk(void __user *uarg)
{
	struct hmm_probe_walk w;
	struct hprobe_mirror *mirror = NULL;
	unsigned long *pfns = NULL, *input = NULL;
	u8 __user *ufacts;
	u64 __user *uwords;
	struct mm_struct *mm = current->mm;
	struct hmm_range range = {};
	unsigned long end, npages, i;
	u8 *facts = NULL;
	long err;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	err = hprobe_check_range(w.start, w.npages, &end);
	if (err)
		return err;
	if (w.flags & ~HPROBE_WALK_FLAGS)
		return -EINVAL;
	if (w.owner < HMM_PROBE_OWNER_NONE || w.owner >= HPROBE_NDEV)
		return -EINVAL;
	if (!mm)
		return -EINVAL;
	npages = w.npages;
	uwords = u64_to_user_ptr(w.words);
	ufacts = u64_to_user_ptr(w.facts);
	w.ret = 0;
	w.calls = 0;
	w.stale = 0;

	pfns = kvmalloc_array(npages, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	err = -EFAULT;
	if (copy_from_user(pfns, uwords, npages * sizeof(*pfns)))
		goto out;
	if (ufacts && clear_user(ufacts, npages))
		goto out;
	err = -ENOMEM;
	if ((w.flags & HMM_PROBE_WALK_RETRY) && (w.flags & HMM_PROBE_WALK_REFILL)) {
		input = kvmalloc_array(npages, sizeof(*input), GFP_KERNEL);
		if (!input)
			goto out;
		memcpy(input, pfns, npages * sizeof(*input));
	}
	if (ufacts) {
		facts = kvzalloc(npages, GFP_KERNEL);
		if (!facts)
			goto out;
	}
	mirror = kzalloc(sizeof(*mirror), GFP_KERNEL);
	if (!mirror)
		goto out;
	mutex_init(&mirror->update);
	mirror->owner = hprobe_owner(w.owner);

	err = -EINVAL;
	if (!mmget_not_zero(mm))
		goto out;
	err = mmu_interval_notifier_insert(&mirror->notifier, mm, w.start, end - w.start,
					   &hprobe_mirror_ops);
	if (err) {
		mmput(mm);
		goto out;
	}
	range.notifier = &mirror->notifier;
	range.start = w.start;
	range.end = end;
	range.hmm_pfns = pfns;
	range.default_flags = w.default_flags;
	range.pfn_flags_mask = w.pfn_flags_mask;
	range.dev_private_owner = mirror->owner;

	hprobe_mirror_range(mirror, &range, &w, input, npages);

	if (facts) {
		mmap_read_lock(mm);
		for (i = 0; i < npages; i++) {
			facts[i] = hprobe_facts(pfns[i]);
			if (!(i % 4096))
				cond_resched();
		}
		mmap_read_unlock(mm);
	}
	mmu_interval_notifier_remove(&mirror->notifier);
	mmput(mm);

	err = -EFAULT;
	if (copy_to_user(uwords, pfns, npages * sizeof(*pfns)))
		goto out;
	if (facts && copy_to_user(ufacts, facts, npages))
		goto out;
	if (copy_to_user(uarg, &w, sizeof(w)))
		goto out;
	err = 0;
out:
	kfree(mirror);
	kvfree(facts);
	kvfree(input);
	kvfree(pfns);
	return err;
}

/* ---- INFO, MIGRATE, EXCLUSIVE ---------------------------------------------------------------- */

static long hprobe_info(void __user *uarg)
{
	struct hmm_probe_info info;

	memset(&info, 0, sizeof(info));
	info.version = HMM_PROBE_VERSION;
	info.page_size = PAGE_SIZE;
	if (hprobe_have_devices()) {
		info.features = HMM_PROBE_F_DEVICE_PRIVATE | HMM_PROBE_F_EXCLUSIVE;
		info.device_pages = hprobe_devs[0].npages;
	}
	strscpy(info.release, utsname()->release, sizeof(info.release));
	return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
}

static long hprobe_migrate(void __user *uarg)
{
	struct hmm_probe_migrate m;
	unsigned long end;
	long err;

	if (copy_from_user(&m, uarg, sizeof(m)))
		return -EFAULT;
	err = hprobe_check_range(m.start, m.npages, &end);
	if (err)
		return err;
	if (m.to != HMM_PROBE_TO_SYSTEM && (m.to < 0 || m.to >= HPROBE_NDEV))
		return -EINVAL;
	if (!hprobe_have_devices())
		return -EOPNOTSUPP;
	m.migrated = 0;
	err = hprobe_do_migrate(&m, end);
	if (err)
		return err;
	return copy_to_user(uarg, &m, sizeof(m)) ? -EFAULT : 0;
}

static long hprobe_exclusive(void __user *uarg)
{
	struct hmm_probe_exclusive x;
	unsigned long end;
	long err;

	if (copy_from_user(&x, uarg, sizeof(x)))
		return -EFAULT;
	err = hprobe_check_range(x.start, x.npages, &end);
	if (err)
		return err;
	if (x.owner < 0 || x.owner >= HPROBE_NDEV)
		return -EINVAL;
	if (!hprobe_have_devices())
		return -EOPNOTSUPP;
	x.done = 0;
	err = hprobe_do_exclusive(&x, end);
	if (err)
		return err;
	return copy_to_user(uarg, &x, sizeof(x)) ? -EFAULT : 0;
}

/* ---- Driver mappings: mmap and INSERT -------------------------------------------------------- */

static vm_fault_t hprobe_vm_fault(struct vm_fault *vmf)
{
	/* Pages of a probe mapping only ever come from HMM_PROBE_IOC_INSERT. */
	return VM_FAULT_SIGBUS;
}

/*
 * Write notification without page_mkwrite: having pfn_mkwrite makes vma_wants_writenotify() true, so a shared
 * writable mapping gets a read-only vm_page_prot; the first write to an inserted page then reuses it in place
 * (wp_page_reuse), and to a special entry goes through here.
 */
static vm_fault_t hprobe_vm_pfn_mkwrite(struct vm_fault *vmf)
{
	return 0;
}

static const struct vm_operations_struct hprobe_vm_ops = {
	.fault = hprobe_vm_fault,
};

static const struct vm_operations_struct hprobe_vm_ops_wrnotify = {
	.fault = hprobe_vm_fault,
	.pfn_mkwrite = hprobe_vm_pfn_mkwrite,
};

static void hprobe_vma_add_flags(struct vm_area_struct *vma, unsigned long flags)
{
#ifdef HPROBE_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static int hprobe_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long bits = vma->vm_pgoff;
	unsigned long flags = VM_DONTEXPAND | VM_DONTDUMP;

	if (bits & ~(unsigned long)HPROBE_MAP_BITS)
		return -EINVAL;
	if ((bits & HMM_PROBE_MAP_PFNMAP) && (bits & HMM_PROBE_MAP_MIXEDMAP))
		return -EINVAL;
	if (bits & HMM_PROBE_MAP_PFNMAP)
		flags |= VM_PFNMAP;
	if (bits & HMM_PROBE_MAP_IO)
		flags |= VM_IO;
	if (bits & HMM_PROBE_MAP_MIXEDMAP)
		flags |= VM_MIXEDMAP;
	if (bits & HMM_PROBE_MAP_WRNOTIFY)
		vma->vm_ops = &hprobe_vm_ops_wrnotify;
	else
		vma->vm_ops = &hprobe_vm_ops;
	vma->vm_private_data = file->private_data;
	hprobe_vma_add_flags(vma, flags);
	return 0;
}

static int hprobe_insert_one(struct vm_area_struct *vma, unsigned long addr, u32 kind)
{
	struct hprobe_file *owner = vma->vm_private_data;
	struct page *page;
	vm_fault_t vmf;
	int err;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	if (kind == HMM_PROBE_INSERT_PAGE) {
		/* The mapping takes its own reference; the probe keeps none. */
		err = vm_insert_page(vma, addr, page);
		put_page(page);
		return err;
	}
	/* The page stays the probe's until the file that was mapped is released. */
	spin_lock(&owner->lock);
	list_add(&page->lru, &owner->specials);
	spin_unlock(&owner->lock);
	vmf = vmf_insert_mixed(vma, addr, pfn_to_pfn_t(page_to_pfn(page)));
	if (vmf & VM_FAULT_ERROR)
		return (vmf & VM_FAULT_OOM) ? -ENOMEM : -EFAULT;
	return 0;
}

static long hprobe_insert(void __user *uarg)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct hmm_probe_insert ins;
	unsigned long end, addr;
	long err;

	if (copy_from_user(&ins, uarg, sizeof(ins)))
		return -EFAULT;
	err = hprobe_check_range(ins.start, ins.npages, &end);
	if (err)
		return err;
	if (ins.kind != HMM_PROBE_INSERT_PAGE && ins.kind != HMM_PROBE_INSERT_SPECIAL)
		return -EINVAL;
	if (!mm)
		return -EINVAL;
	mmap_read_lock(mm);
	vma = vma_lookup(mm, ins.start);
	err = -EINVAL;
	if (!vma || (vma->vm_ops != &hprobe_vm_ops && vma->vm_ops != &hprobe_vm_ops_wrnotify) ||
	    end > vma->vm_end || !vma->vm_private_data)
		goto out;
	if (!(vma->vm_flags & VM_MIXEDMAP) || (vma->vm_flags & VM_PFNMAP))
		goto out;
	err = 0;
	for (addr = ins.start; addr < end && !err; addr += PAGE_SIZE)
		err = hprobe_insert_one(vma, addr, ins.kind);
out:
	mmap_read_unlock(mm);
	return err;
}

/* ---- The misc device ------------------------------------------------------------------------- */

static int hprobe_open(struct inode *inode, struct file *file)
{
	struct hprobe_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	spin_lock_init(&pf->lock);
	INIT_LIST_HEAD(&pf->specials);
	file->private_data = pf;
	return 0;
}

static int hprobe_release(struct inode *inode, struct file *file)
{
	struct hprobe_file *pf = file->private_data;
	struct page *page, *tmp;

	/*
	 * Every mapping of this file holds a reference to it: none is left, so no PTE maps these
	 * pages.
	 */
	list_for_each_entry_safe(page, tmp, &pf->specials, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	kfree(pf);
	return 0;
}

static long hprobe_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case HMM_PROBE_IOC_INFO:
		return hprobe_info(uarg);
	case HMM_PROBE_IOC_WALK:
		return hprobe_walk(uarg);
	case HMM_PROBE_IOC_MIGRATE:
		return hprobe_migrate(uarg);
	case HMM_PROBE_IOC_EXCLUSIVE:
		return hprobe_exclusive(uarg);
	case HMM_PROBE_IOC_INSERT:
		return hprobe_insert(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations hprobe_fops = {
	.owner = THIS_MODULE,
	.open = hprobe_open,
	.release = hprobe_release,
	.unlocked_ioctl = hprobe_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = hprobe_mmap,
	.llseek = noop_llseek,
};

static struct miscdevice hprobe_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "hmm_probe",
	.fops = &hprobe_fops,
	.mode = 0666,
};

static int __init hprobe_init(void)
{
	int i, err;

	for (i = 0; i < HPROBE_NDEV; i++)
		spin_lock_init(&hprobe_devs[i].lock);
	hprobe_devices_init();
	err = misc_register(&hprobe_misc);
	if (err)
		hprobe_devices_exit();
	return err;
}

static void __exit hprobe_exit(void)
{
	misc_deregister(&hprobe_misc);
	hprobe_devices_exit();
}

module_init(hprobe_init);
module_exit(hprobe_exit);

MODULE_DESCRIPTION("HMM Lens probe: raw hmm_range_fault() results for user space");
MODULE_LICENSE("Dual MIT/GPL");

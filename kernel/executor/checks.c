// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hmm-exec --probe-checks: the probe's argument checks, each with the answer the uapi header
 * promises. Prints `@hmm check NAME ok` or `@hmm check NAME FAIL expected=E got=G`, then
 * `@hmm checks done`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "hmm_exec.h"

#define CHECK_PAGES	4
#define KERNEL_ADDR	0xffff800000000000ULL
/* Beyond the largest user address space x86-64 has (57 bits), whatever the paging mode. */
#define BEYOND_USER	(1ULL << 56)

struct ctx {
	int fd;
	long page;
	uint64_t buf;		/* CHECK_PAGES anonymous pages, written */
	uint64_t words[CHECK_PAGES];
	uint8_t facts[CHECK_PAGES];
	int devpriv;
	int failed;
};

static const char *errname(int rc)
{
	return rc ? errno_name(-rc) : "0";
}

static void check_rc(struct ctx *c, const char *name, int expected, int got)
{
	if (expected == got) {
		out("@hmm check %s ok", name);
		return;
	}
	out("@hmm check %s FAIL expected=%s got=%s", name, errname(expected), errname(got));
	c->failed++;
}

static void check_num(struct ctx *c, const char *name, long long expected, long long got)
{
	if (expected == got) {
		out("@hmm check %s ok", name);
		return;
	}
	out("@hmm check %s FAIL expected=%lld got=%lld", name, expected, got);
	c->failed++;
}

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static void walk_init(struct ctx *c, struct hmm_probe_walk *w)
{
	memset(w, 0, sizeof(*w));
	memset(c->words, 0, sizeof(c->words));
	w->start = c->buf;
	w->npages = CHECK_PAGES;
	w->words = (uintptr_t)c->words;
	w->facts = (uintptr_t)c->facts;
	w->owner = HMM_PROBE_OWNER_NONE;
}

static int walk_with(struct ctx *c, uint64_t start, uint64_t npages, int owner, uint32_t flags)
{
	struct hmm_probe_walk w;

	walk_init(c, &w);
	w.start = start;
	w.npages = npages;
	w.owner = owner;
	w.flags = flags;
	return do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w);
}

static uint64_t unmapped_page(struct ctx *c)
{
	(void)c;
	return own_hole();
}

static void walk_checks(struct ctx *c)
{
	struct hmm_probe_walk w;
	uint64_t hole = unmapped_page(c);
	void *ro;
	int rc;

	walk_init(c, &w);
	rc = do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w);
	check_rc(c, "walk-valid", 0, rc);
	check_num(c, "walk-valid-ret", 0, w.ret);
	check_num(c, "walk-valid-calls", 1, w.calls);
	check_num(c, "walk-valid-word-valid", 1, !!(c->words[0] >> 63));

	check_rc(c, "walk-zero-pages", -EINVAL, walk_with(c, c->buf, 0, -1, 0));
	check_rc(c, "walk-too-many-pages", -EINVAL,
		 walk_with(c, c->buf, HMM_PROBE_MAX_PAGES + 1, -1, 0));
	check_rc(c, "walk-npages-2^63", -EINVAL, walk_with(c, c->buf, 1ULL << 63, -1, 0));
	check_rc(c, "walk-unaligned-start", -EINVAL, walk_with(c, c->buf + 1, 1, -1, 0));
	check_rc(c, "walk-kernel-address", -EINVAL, walk_with(c, KERNEL_ADDR, 1, -1, 0));
	check_rc(c, "walk-beyond-task-size", -EINVAL,
		 walk_with(c, BEYOND_USER - (uint64_t)c->page, 2, -1, 0));
	check_rc(c, "walk-wraps-past-2^64", -EINVAL,
		 walk_with(c, 0ULL - (uint64_t)c->page, 2, -1, 0));
	check_rc(c, "walk-owner-2", -EINVAL, walk_with(c, c->buf, 1, 2, 0));
	check_rc(c, "walk-owner-minus-2", -EINVAL, walk_with(c, c->buf, 1, -2, 0));
	check_rc(c, "walk-unknown-flag-bit2", -EINVAL, walk_with(c, c->buf, 1, -1, 1u << 2));
	check_rc(c, "walk-unknown-flag-bit31", -EINVAL, walk_with(c, c->buf, 1, -1, 1u << 31));
	check_rc(c, "walk-owner-0", 0, walk_with(c, c->buf, 1, 0, 0));
	check_rc(c, "walk-owner-1-retry-refill", 0,
		 walk_with(c, c->buf, 1, 1, HMM_PROBE_WALK_RETRY | HMM_PROBE_WALK_REFILL));

	walk_init(c, &w);
	w.words = 0;
	check_rc(c, "walk-words-null", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w));
	walk_init(c, &w);
	w.words = hole;
	check_rc(c, "walk-words-unmapped", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w));
	walk_init(c, &w);
	w.facts = hole;
	check_rc(c, "walk-facts-unmapped", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w));
	ro = mmap(NULL, (size_t)c->page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro != MAP_FAILED) {
		walk_init(c, &w);
		w.npages = 1;
		w.words = (uintptr_t)ro;
		check_rc(c, "walk-words-read-only", -EFAULT,
			 do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w));
		munmap(ro, (size_t)c->page);
	}
	check_rc(c, "walk-request-null", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_WALK, NULL));

	/* A fault requested on a hole: the ioctl succeeds, hmm_range_fault() says -EFAULT. */
	walk_init(c, &w);
	w.start = hole;
	w.npages = 1;
	w.default_flags = 1ULL << 63;
	rc = do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w);
	check_rc(c, "walk-hole-fault", 0, rc);
	check_num(c, "walk-hole-fault-ret", -EFAULT, w.ret);
}

static void ioctl_checks(struct ctx *c)
{
	struct hmm_probe_info info;
	uint32_t small = 0;

	memset(&info, 0, sizeof(info));
	check_rc(c, "info", 0, do_ioctl(c->fd, HMM_PROBE_IOC_INFO, &info));
	check_num(c, "info-version", HMM_PROBE_VERSION, info.version);
	check_num(c, "info-page-size", c->page, (long long)info.page_size);
	check_num(c, "info-features-consistent", !!(info.features & HMM_PROBE_F_DEVICE_PRIVATE),
		  info.device_pages != 0);
	c->devpriv = !!(info.features & HMM_PROBE_F_DEVICE_PRIVATE);
	check_rc(c, "info-request-null", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_INFO, NULL));
	check_rc(c, "ioctl-unknown-number", -ENOTTY,
		 do_ioctl(c->fd, _IO(HMM_PROBE_IOC_MAGIC, 0x3f), NULL));
	check_rc(c, "ioctl-other-magic", -ENOTTY, do_ioctl(c->fd, _IO('Z', 0x01), NULL));
	check_rc(c, "ioctl-walk-wrong-size", -ENOTTY,
		 do_ioctl(c->fd, _IOWR(HMM_PROBE_IOC_MAGIC, 0x01, uint32_t), &small));
}

static int migrate(struct ctx *c, uint64_t start, uint64_t npages, int to, uint64_t *migrated)
{
	struct hmm_probe_migrate m = { .start = start, .npages = npages, .to = to };
	int rc = do_ioctl(c->fd, HMM_PROBE_IOC_MIGRATE, &m);

	if (migrated)
		*migrated = m.migrated;
	return rc;
}

static int exclusive(struct ctx *c, uint64_t start, uint64_t npages, int owner, uint64_t *done)
{
	struct hmm_probe_exclusive x = { .start = start, .npages = npages, .owner = owner };
	int rc = do_ioctl(c->fd, HMM_PROBE_IOC_EXCLUSIVE, &x);

	if (done)
		*done = x.done;
	return rc;
}

static void device_checks(struct ctx *c)
{
	int unsupported = c->devpriv ? 0 : -EOPNOTSUPP;
	uint64_t n = 0;

	check_rc(c, "migrate-zero-pages", -EINVAL, migrate(c, c->buf, 0, 0, NULL));
	check_rc(c, "migrate-too-many-pages", -EINVAL,
		 migrate(c, c->buf, HMM_PROBE_MAX_PAGES + 1, 0, NULL));
	check_rc(c, "migrate-unaligned-start", -EINVAL, migrate(c, c->buf + 8, 1, 0, NULL));
	check_rc(c, "migrate-kernel-address", -EINVAL, migrate(c, KERNEL_ADDR, 1, 0, NULL));
	check_rc(c, "migrate-wraps-past-2^64", -EINVAL,
		 migrate(c, 0ULL - (uint64_t)c->page, 2, 0, NULL));
	check_rc(c, "migrate-to-2", -EINVAL, migrate(c, c->buf, 1, 2, NULL));
	check_rc(c, "migrate-to-minus-2", -EINVAL, migrate(c, c->buf, 1, -2, NULL));
	check_rc(c, "migrate-request-null", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_MIGRATE, NULL));
	check_rc(c, "migrate-to-0", unsupported, migrate(c, c->buf, CHECK_PAGES, 0, &n));
	if (c->devpriv)
		check_num(c, "migrate-to-0-count", CHECK_PAGES, (long long)n);
	check_rc(c, "migrate-to-system", unsupported,
		 migrate(c, c->buf, CHECK_PAGES, HMM_PROBE_TO_SYSTEM, &n));
	if (c->devpriv) {
		check_num(c, "migrate-to-system-count", CHECK_PAGES, (long long)n);
		check_rc(c, "migrate-hole", -EFAULT, migrate(c, unmapped_page(c), 1, 1, NULL));
	}

	check_rc(c, "exclusive-zero-pages", -EINVAL, exclusive(c, c->buf, 0, 0, NULL));
	check_rc(c, "exclusive-unaligned-start", -EINVAL, exclusive(c, c->buf + 8, 1, 0, NULL));
	check_rc(c, "exclusive-kernel-address", -EINVAL, exclusive(c, KERNEL_ADDR, 1, 0, NULL));
	check_rc(c, "exclusive-owner-none", -EINVAL,
		 exclusive(c, c->buf, 1, HMM_PROBE_OWNER_NONE, NULL));
	check_rc(c, "exclusive-owner-2", -EINVAL, exclusive(c, c->buf, 1, 2, NULL));
	check_rc(c, "exclusive-request-null", -EFAULT,
		 do_ioctl(c->fd, HMM_PROBE_IOC_EXCLUSIVE, NULL));
	check_rc(c, "exclusive-owner-1", unsupported, exclusive(c, c->buf, CHECK_PAGES, 1, &n));
	if (c->devpriv)
		check_num(c, "exclusive-owner-1-count", CHECK_PAGES, (long long)n);
}

static void *map_dev(struct ctx *c, unsigned int bits, size_t pages)
{
	void *p = mmap(NULL, pages * (size_t)c->page, PROT_READ | PROT_WRITE, MAP_SHARED, c->fd,
		       (off_t)bits * c->page);

	return p == MAP_FAILED ? NULL : p;
}

static int map_dev_rc(struct ctx *c, unsigned int bits)
{
	void *p = mmap(NULL, (size_t)c->page, PROT_READ, MAP_SHARED, c->fd, (off_t)bits * c->page);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, (size_t)c->page);
	return 0;
}

static int insert(struct ctx *c, uint64_t start, uint64_t npages, uint32_t kind)
{
	struct hmm_probe_insert ins = { .start = start, .npages = npages, .kind = kind };

	return do_ioctl(c->fd, HMM_PROBE_IOC_INSERT, &ins);
}

static void read_page(void *arg)
{
	(void)LOAD_ONCE(arg);
}

static void mapping_checks(struct ctx *c)
{
	unsigned char *mixed, *pfnmap, *io;
	struct hmm_probe_walk w;
	uintptr_t at;
	int rc, code;

	check_rc(c, "mmap-pfnmap-and-mixedmap", -EINVAL,
		 map_dev_rc(c, HMM_PROBE_MAP_PFNMAP | HMM_PROBE_MAP_MIXEDMAP));
	check_rc(c, "mmap-unknown-bit", -EINVAL, map_dev_rc(c, HMM_PROBE_MAP_WRNOTIFY << 1));
	check_rc(c, "mmap-mixedmap-wrnotify", 0,
		 map_dev_rc(c, HMM_PROBE_MAP_MIXEDMAP | HMM_PROBE_MAP_WRNOTIFY));
	check_rc(c, "mmap-pfnmap-io", 0, map_dev_rc(c, HMM_PROBE_MAP_PFNMAP | HMM_PROBE_MAP_IO));
	check_rc(c, "mmap-mixedmap-io", 0,
		 map_dev_rc(c, HMM_PROBE_MAP_MIXEDMAP | HMM_PROBE_MAP_IO));

	mixed = map_dev(c, HMM_PROBE_MAP_MIXEDMAP, 2);
	pfnmap = map_dev(c, HMM_PROBE_MAP_PFNMAP, 1);
	io = map_dev(c, HMM_PROBE_MAP_IO, 1);
	check_num(c, "mmap-dev-mappings", 1, mixed && pfnmap && io);
	if (!mixed || !pfnmap || !io)
		goto out;

	check_rc(c, "insert-zero-pages", -EINVAL,
		 insert(c, (uintptr_t)mixed, 0, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-unaligned-start", -EINVAL,
		 insert(c, (uintptr_t)mixed + 8, 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-kernel-address", -EINVAL,
		 insert(c, KERNEL_ADDR, 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-bad-kind", -EINVAL, insert(c, (uintptr_t)mixed, 1, 2));
	check_rc(c, "insert-anon-mapping", -EINVAL, insert(c, c->buf, 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-unmapped", -EINVAL,
		 insert(c, unmapped_page(c), 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-pfnmap-mapping", -EINVAL,
		 insert(c, (uintptr_t)pfnmap, 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-io-mapping", -EINVAL,
		 insert(c, (uintptr_t)io, 1, HMM_PROBE_INSERT_SPECIAL));
	check_rc(c, "insert-past-mapping-end", -EINVAL,
		 insert(c, (uintptr_t)mixed, 3, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-request-null", -EFAULT, do_ioctl(c->fd, HMM_PROBE_IOC_INSERT, NULL));

	at = 0;
	check_num(c, "dev-fault-sigbus", SIGBUS, guarded(read_page, mixed, &at, &code));
	check_rc(c, "insert-page", 0, insert(c, (uintptr_t)mixed, 1, HMM_PROBE_INSERT_PAGE));
	check_rc(c, "insert-special", 0,
		 insert(c, (uintptr_t)mixed + c->page, 1, HMM_PROBE_INSERT_SPECIAL));
	check_num(c, "insert-page-readable", 0, guarded(read_page, mixed, &at, &code));

	walk_init(c, &w);
	w.start = (uintptr_t)mixed;
	w.npages = 2;
	rc = do_ioctl(c->fd, HMM_PROBE_IOC_WALK, &w);
	check_rc(c, "walk-mixedmap", 0, rc);
	check_num(c, "walk-mixedmap-ret", 0, w.ret);
out:
	if (mixed)
		munmap(mixed, 2 * (size_t)c->page);
	if (pfnmap)
		munmap(pfnmap, (size_t)c->page);
	if (io)
		munmap(io, (size_t)c->page);
}

int probe_checks(int fd)
{
	struct ctx c;
	unsigned char *buf;
	int i;

	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.page = sysconf(_SC_PAGESIZE);
	buf = own_alloc(CHECK_PAGES * (size_t)c.page);
	if (!buf) {
		out("@hmm check setup FAIL expected=0 got=ENOMEM");
		out("@hmm checks done");
		return 1;
	}
	for (i = 0; i < CHECK_PAGES; i++)
		STORE_ONCE(buf + (size_t)i * c.page, 1);
	c.buf = (uintptr_t)buf;

	ioctl_checks(&c);
	walk_checks(&c);
	device_checks(&c);
	mapping_checks(&c);

	own_free(buf, CHECK_PAGES * (size_t)c.page);
	out("@hmm checks done");
	return c.failed ? 1 : 0;
}

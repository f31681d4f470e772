// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hmm-exec: runs one HMM Lens program (kernel/executor/PROGRAM.md) as a real process, every walk
 * through /dev/hmm_probe, and prints what the kernel returned.
 *
 *   hmm-exec [--timeout SECONDS] PROGRAM
 *   hmm-exec --info
 *   hmm-exec --probe-checks
 *
 * Build from the repository root with gcc -static -O2 -Wall -Wextra -Werror -Ikernel/probe, the three .c files
 * of this folder (kernel/README.md has the command line).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "hmm_exec.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT		26
#endif
#ifndef MAP_HUGE_2MB
#define MAP_HUGE_2MB		(21 << MAP_HUGE_SHIFT)
#endif
#ifndef MAP_HUGE_1GB
#define MAP_HUGE_1GB		(30 << MAP_HUGE_SHIFT)
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef UFFD_FEATURE_WP_HUGETLBFS_SHMEM
#define UFFD_FEATURE_WP_HUGETLBFS_SHMEM	(1 << 12)
#endif
#ifndef UFFD_FEATURE_WP_UNPOPULATED
#define UFFD_FEATURE_WP_UNPOPULATED	(1 << 13)
#endif
#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC		0x01021994
#endif

#define DEFAULT_TIMEOUT	120
#define MAX_CHILDREN	64
#define MAX_UFFD	64
#define MAX_TOKENS	12
/*
 * The executor's own buffers live here, far below the addresses programs use (0x7f0000000000 and
 * up).
 */
#define OWN_BASE	0x200000000000UL

enum op_kind {
	OP_MMAP, OP_MUNMAP, OP_MPROTECT, OP_READ, OP_WRITE, OP_FORK, OP_MADVISE, OP_MIGRATE,
	OP_EXCLUSIVE, OP_INSERT, OP_UFFD_WP, OP_WALK, OP_IN, OP_GO, OP_PROC_SNAPSHOT,
};

enum backing { B_ANON, B_FILE, B_HUGE_2M, B_HUGE_1G, B_DEV };

struct op {
	enum op_kind kind;
	int line;
	char *text;
	uint64_t addr;
	uint64_t pages;
	/* mmap, mprotect */
	int prot;
	int shared;
	enum backing backing;
	unsigned int devbits;
	int populate;
	/* madvise, migrate, exclusive, insert */
	int advice;
	int target;
	/* walk */
	uint64_t id;
	uint64_t dflt;
	uint64_t mask;
	int owner;
	uint32_t walk_flags;
	/* in: first = addr, count = pages; go: walk = the op index of its walk */
	uint64_t word;
	int walk;
};

struct program {
	char name[128];
	struct op *ops;
	int nops;
};

static long page_size;
static int probe_fd = -1;
static pid_t children[MAX_CHILDREN];
static int nchildren;
static int uffds[MAX_UFFD];
static int nuffds;
static char tmpdir[256];

/*
 * What the signal handlers write when a program cannot go on: "@hmm fail " + abort_line + " SIGNAL"
 * or " TIMEOUT" + abort_tail (the operation's text and the program's end line), prepared before
 * each operation.
 */
static char abort_line[16] = "0";
static char abort_tail[1024] = " executor\n";

/*
 * ---- memory of the executor's own
 * ------------------------------------------------------------------
 */

/*
 * A stack of mappings from OWN_BASE up: the executor frees what it allocates in reverse order (a
 * walk's buffers), so the region stays small and never grows towards the addresses programs use.
 */
static uintptr_t own_next = OWN_BASE;

static size_t own_len(size_t size)
{
	size_t len = (size + (size_t)page_size - 1) & ~((size_t)page_size - 1);

	return len ? len : (size_t)page_size;
}

void *own_alloc(size_t size)
{
	size_t len = own_len(size);
	void *p;

	p = mmap((void *)own_next, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == (void *)own_next) {
		own_next += len;
		return p;
	}
	if (p != MAP_FAILED)
		munmap(p, len);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void own_free(void *p, size_t size)
{
	size_t len = own_len(size);

	if (!p)
		return;
	munmap(p, len);
	if ((uintptr_t)p + len == own_next)
		own_next = (uintptr_t)p;
}

/* An address where nothing is mapped: the page just below the executor's own region. */
uintptr_t own_hole(void)
{
	return OWN_BASE - (uintptr_t)page_size;
}

/*
 * ---- signals
 * -------------------------------------------------------------------------------------
 */

static sigjmp_buf guard_env;
static int guard_active;
static uintptr_t guard_addr;
static int guard_code;

static void kill_children(void)
{
	int i;

	for (i = 0; i < nchildren; i++)
		kill(children[i], SIGKILL);
}

static void write_str(const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(STDOUT_FILENO, s, n);

		if (w <= 0 && errno != EINTR)
			return;
		if (w > 0) {
			s += w;
			n -= (size_t)w;
		}
	}
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (__atomic_load_n(&guard_active, __ATOMIC_SEQ_CST)) {
		__atomic_store_n(&guard_addr, (uintptr_t)si->si_addr, __ATOMIC_SEQ_CST);
		__atomic_store_n(&guard_code, si->si_code, __ATOMIC_SEQ_CST);
		siglongjmp(guard_env, sig);
	}
	/*
	 * A signal no operation expected (e.g. the kernel killing the process): the program ends
	 * here.
	 */
	out_flush_from_signal();
	write_str("@hmm fail ");
	write_str(abort_line);
	write_str(sig == SIGBUS ? " SIGBUS" : " SIGSEGV");
	write_str(abort_tail);
	kill_children();
	_exit(1);
}

static void on_alarm(int sig)
{
	(void)sig;
	out_flush_from_signal();
	write_str("@hmm fail ");
	write_str(abort_line);
	write_str(" TIMEOUT");
	write_str(abort_tail);
	kill_children();
	_exit(1);
}

int guarded(void (*fn)(void *arg), void *arg, uintptr_t *fault_addr, int *fault_code)
{
	int sig = sigsetjmp(guard_env, 1);

	if (sig) {
		__atomic_store_n(&guard_active, 0, __ATOMIC_SEQ_CST);
		*fault_addr = __atomic_load_n(&guard_addr, __ATOMIC_SEQ_CST);
		*fault_code = __atomic_load_n(&guard_code, __ATOMIC_SEQ_CST);
		return sig;
	}
	__atomic_store_n(&guard_active, 1, __ATOMIC_SEQ_CST);
	fn(arg);
	__atomic_store_n(&guard_active, 0, __ATOMIC_SEQ_CST);
	return 0;
}

static void install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/*
 * ---- parsing
 * -------------------------------------------------------------------------------------
 */

static char parse_err[256];

static int perr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(parse_err, sizeof(parse_err), fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_hex(const char *s, uint64_t *v)
{
	char *end;

	if (strncmp(s, "0x", 2) || !s[2])
		return perr("'%s' is not a 0x hexadecimal number", s);
	errno = 0;
	*v = strtoull(s + 2, &end, 16);
	if (errno || *end)
		return perr("'%s' is not a 0x hexadecimal number", s);
	return 0;
}

static int parse_dec(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return perr("'%s' is not a decimal count", s);
	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end)
		return perr("'%s' is not a decimal count", s);
	return 0;
}

static int parse_range(char **tok, int ntok, struct op *o)
{
	if (ntok < 3)
		return perr("%s needs ADDR PAGES", tok[0]);
	if (parse_hex(tok[1], &o->addr) || parse_dec(tok[2], &o->pages))
		return -1;
	if (!o->pages)
		return perr("PAGES must be at least 1");
	return 0;
}

static int parse_prot(const char *s, int *prot)
{
	static const struct { const char *name; int prot; } prots[] = {
		{ "none", PROT_NONE }, { "r", PROT_READ }, { "rw", PROT_READ | PROT_WRITE },
		{ "rx", PROT_READ | PROT_EXEC }, { "rwx", PROT_READ | PROT_WRITE | PROT_EXEC },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		if (!strcmp(s, prots[i].name)) {
			*prot = prots[i].prot;
			return 0;
		}
	}
	return perr("unknown protection '%s'", s);
}

static int parse_devflags(const char *s, unsigned int *bits)
{
	char buf[64], *save = NULL, *t;

	*bits = 0;
	if (strlen(s) >= sizeof(buf))
		return perr("dev flags '%s' too long", s);
	strcpy(buf, s);
	for (t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (!strcmp(t, "pfnmap"))
			*bits |= HMM_PROBE_MAP_PFNMAP;
		else if (!strcmp(t, "io"))
			*bits |= HMM_PROBE_MAP_IO;
		else if (!strcmp(t, "mixedmap"))
			*bits |= HMM_PROBE_MAP_MIXEDMAP;
		else if (!strcmp(t, "wrnotify"))
			*bits |= HMM_PROBE_MAP_WRNOTIFY;
		else
			return perr("unknown dev flag '%s'", t);
	}
	return 0;
}

static int parse_mmap(char **tok, int ntok, struct op *o)
{
	if (ntok < 6 || ntok > 7)
		return perr("mmap needs ADDR PAGES PROT SHARING BACKING [populate]");
	if (parse_range(tok, ntok, o) || parse_prot(tok[3], &o->prot))
		return -1;
	if (!strcmp(tok[4], "private"))
		o->shared = 0;
	else if (!strcmp(tok[4], "shared"))
		o->shared = 1;
	else
		return perr("unknown sharing '%s'", tok[4]);
	if (!strncmp(tok[5], "dev:", 4)) {
		o->backing = B_DEV;
		if (parse_devflags(tok[5] + 4, &o->devbits))
			return -1;
	} else if (!strcmp(tok[5], "anon")) {
		o->backing = B_ANON;
	} else if (!strcmp(tok[5], "file")) {
		o->backing = B_FILE;
	} else if (!strcmp(tok[5], "hugetlb-2M")) {
		o->backing = B_HUGE_2M;
	} else if (!strcmp(tok[5], "hugetlb-1G")) {
		o->backing = B_HUGE_1G;
	} else {
		return perr("unknown backing '%s'", tok[5]);
	}
	if (ntok == 7) {
		if (strcmp(tok[6], "populate"))
			return perr("unknown mmap option '%s'", tok[6]);
		o->populate = 1;
	}
	return 0;
}

static int parse_madvise(char **tok, int ntok, struct op *o)
{
	static const struct { const char *name; int advice; } advices[] = {
		{ "hugepage", MADV_HUGEPAGE }, { "nohugepage", MADV_NOHUGEPAGE },
		{ "dontneed", MADV_DONTNEED }, { "pageout", MADV_PAGEOUT },
		{ "hwpoison", MADV_HWPOISON },
	};
	size_t i;

	if (ntok != 4)
		return perr("madvise needs ADDR PAGES ADVICE");
	if (parse_range(tok, ntok, o))
		return -1;
	for (i = 0; i < ARRAY_SIZE(advices); i++) {
		if (!strcmp(tok[3], advices[i].name)) {
			o->advice = advices[i].advice;
			return 0;
		}
	}
	return perr("unknown advice '%s'", tok[3]);
}

static int parse_device(const char *s, int *dev, int allow_system)
{
	if (!strcmp(s, "0"))
		*dev = 0;
	else if (!strcmp(s, "1"))
		*dev = 1;
	else if (allow_system && !strcmp(s, "system"))
		*dev = HMM_PROBE_TO_SYSTEM;
	else
		return perr("unknown device '%s'", s);
	return 0;
}

static int parse_walk(char **tok, int ntok, struct op *o)
{
	if (ntok != 8)
		return perr("walk needs ID ADDR PAGES DEFAULT MASK OWNER MODE");
	if (parse_dec(tok[1], &o->id) || parse_hex(tok[2], &o->addr) ||
	    parse_dec(tok[3], &o->pages) || parse_hex(tok[4], &o->dflt) ||
	    parse_hex(tok[5], &o->mask))
		return -1;
	if (!o->pages)
		return perr("PAGES must be at least 1");
	if (!strcmp(tok[6], "-1"))
		o->owner = HMM_PROBE_OWNER_NONE;
	else if (parse_device(tok[6], &o->owner, 0))
		return -1;
	if (!strcmp(tok[7], "once"))
		o->walk_flags = 0;
	else if (!strcmp(tok[7], "retry"))
		o->walk_flags = HMM_PROBE_WALK_RETRY;
	else if (!strcmp(tok[7], "retry-refill"))
		o->walk_flags = HMM_PROBE_WALK_RETRY | HMM_PROBE_WALK_REFILL;
	else
		return perr("unknown walk mode '%s'", tok[7]);
	return 0;
}

static int parse_op(char **tok, int ntok, struct op *o, struct program *prog, int *cur_walk)
{
	const char *k = tok[0];

	if (!strcmp(k, "mmap")) {
		o->kind = OP_MMAP;
		return parse_mmap(tok, ntok, o);
	}
	if (!strcmp(k, "munmap") || !strcmp(k, "read") || !strcmp(k, "write") ||
	    !strcmp(k, "uffd-wp")) {
		o->kind = !strcmp(k, "munmap") ? OP_MUNMAP : !strcmp(k, "read") ? OP_READ :
			  !strcmp(k, "write") ? OP_WRITE : OP_UFFD_WP;
		if (ntok != 3)
			return perr("%s needs ADDR PAGES", k);
		return parse_range(tok, ntok, o);
	}
	if (!strcmp(k, "mprotect")) {
		o->kind = OP_MPROTECT;
		if (ntok != 4)
			return perr("mprotect needs ADDR PAGES PROT");
		return parse_range(tok, ntok, o) || parse_prot(tok[3], &o->prot) ? -1 : 0;
	}
	if (!strcmp(k, "fork")) {
		o->kind = OP_FORK;
		return ntok == 1 ? 0 : perr("fork takes no arguments");
	}
	if (!strcmp(k, "madvise")) {
		o->kind = OP_MADVISE;
		return parse_madvise(tok, ntok, o);
	}
	if (!strcmp(k, "migrate") || !strcmp(k, "exclusive")) {
		int migrate = k[0] == 'm';

		o->kind = migrate ? OP_MIGRATE : OP_EXCLUSIVE;
		if (ntok != 4)
			return perr("%s needs ADDR PAGES %s", k, migrate ? "TO" : "DEV");
		if (parse_range(tok, ntok, o) || parse_device(tok[3], &o->target, migrate))
			return -1;
		return 0;
	}
	if (!strcmp(k, "insert")) {
		o->kind = OP_INSERT;
		if (ntok != 4)
			return perr("insert needs ADDR PAGES KIND");
		if (parse_range(tok, ntok, o))
			return -1;
		if (!strcmp(tok[3], "page"))
			o->target = HMM_PROBE_INSERT_PAGE;
		else if (!strcmp(tok[3], "special"))
			o->target = HMM_PROBE_INSERT_SPECIAL;
		else
			return perr("unknown insert kind '%s'", tok[3]);
		return 0;
	}
	if (!strcmp(k, "proc-snapshot")) {
		o->kind = OP_PROC_SNAPSHOT;
		if (ntok != 4)
			return perr("proc-snapshot needs ID ADDR PAGES");
		if (parse_dec(tok[1], &o->id) || parse_hex(tok[2], &o->addr) ||
		    parse_dec(tok[3], &o->pages))
			return -1;
		if (!o->pages || o->pages > HMM_PROBE_MAX_PAGES)
			return perr("PAGES must be 1 to %llu",
				    (unsigned long long)HMM_PROBE_MAX_PAGES);
		return 0;
	}
	if (!strcmp(k, "walk")) {
		o->kind = OP_WALK;
		*cur_walk = prog->nops;
		return parse_walk(tok, ntok, o);
	}
	if (!strcmp(k, "in")) {
		const struct op *w;

		o->kind = OP_IN;
		if (*cur_walk < 0)
			return perr("'in' before any walk");
		w = &prog->ops[*cur_walk];
		if (ntok != 4)
			return perr("in needs FIRST COUNT WORD");
		if (parse_dec(tok[1], &o->addr) || parse_dec(tok[2], &o->pages) ||
		    parse_hex(tok[3], &o->word))
			return -1;
		if (o->addr > w->pages || o->pages > w->pages - o->addr)
			return perr("words %llu..%llu are outside walk %llu's %llu pages",
				    (unsigned long long)o->addr,
				    (unsigned long long)(o->addr + o->pages),
				    (unsigned long long)w->id, (unsigned long long)w->pages);
		o->walk = *cur_walk;
		return 0;
	}
	if (!strcmp(k, "go")) {
		o->kind = OP_GO;
		if (*cur_walk < 0)
			return perr("'go' before any walk");
		o->walk = *cur_walk;
		return ntok == 1 ? 0 : perr("go takes no arguments");
	}
	return perr("unknown operation '%s'", k);
}

static int split(char *s, char **tok)
{
	int n = 0;
	char *save = NULL, *t;

	for (t = strtok_r(s, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = t;
	}
	return n;
}

static char *read_file(const char *path)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap + 1), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb)
				break;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = 0;
	return buf;
}

/* Returns 0, or the failing line number with parse_err set. */
static int parse_program(char *text, struct program *prog)
{
	char *line, *next, *tok[MAX_TOKENS], copy[1024];
	int lineno = 0, have_header = 0, cur_walk = -1, cap = 0, ntok;
	struct op *o;

	for (line = text; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		lineno++;
		if (line[strspn(line, " \t\r")] == '#')
			continue;
		if (strlen(line) >= sizeof(copy)) {
			perr("line too long");
			return lineno;
		}
		strcpy(copy, line);
		ntok = split(copy, tok);
		if (ntok < 0) {
			perr("too many tokens");
			return lineno;
		}
		if (!ntok)
			continue;
		if (!have_header) {
			if (ntok != 3 || strcmp(tok[0], "hmm-exec") || strcmp(tok[1], "1") ||
			    strlen(tok[2]) >= sizeof(prog->name)) {
				perr("the header must be 'hmm-exec 1 NAME'");
				return lineno;
			}
			strcpy(prog->name, tok[2]);
			have_header = 1;
			continue;
		}
		if (prog->nops == cap) {
			struct op *n;

			cap = cap ? cap * 2 : 64;
			n = realloc(prog->ops, (size_t)cap * sizeof(*n));
			if (!n) {
				perr("out of memory");
				return lineno;
			}
			prog->ops = n;
		}
		o = &prog->ops[prog->nops];
		memset(o, 0, sizeof(*o));
		o->line = lineno;
		o->walk = -1;
		if (parse_op(tok, ntok, o, prog, &cur_walk))
			return lineno;
		o->text = strdup(line);
		if (!o->text) {
			perr("out of memory");
			return lineno;
		}
		while (*o->text == ' ' || *o->text == '\t')
			o->text++;
		prog->nops++;
	}
	if (!have_header) {
		perr("no 'hmm-exec 1 NAME' header");
		return lineno ? lineno : 1;
	}
	return 0;
}

/*
 * ---- operations
 * ----------------------------------------------------------------------------------
 */

static int open_probe(void)
{
	if (probe_fd < 0)
		probe_fd = open(PROBE_DEV, O_RDWR | O_CLOEXEC);
	return probe_fd < 0 ? -errno : 0;
}

static void pick_tmpdir(void)
{
	const char *env = getenv("HMM_EXEC_TMPDIR");
	static const char * const dirs[] = { "/tmp", "/dev/shm" };
	struct statfs sf;
	size_t i;

	if (env && *env) {
		snprintf(tmpdir, sizeof(tmpdir), "%s", env);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!statfs(dirs[i], &sf) && sf.f_type == TMPFS_MAGIC) {
			snprintf(tmpdir, sizeof(tmpdir), "%s", dirs[i]);
			return;
		}
	}
	tmpdir[0] = 0;		/* no tmpfs mounted: memfd_create(), which is shmem as well */
}

/* A new file of @len bytes on tmpfs. @path receives its name ("" for a memfd). */
static int make_file(size_t len, char *path, size_t pathlen)
{
	int fd;

	path[0] = 0;
	if (tmpdir[0]) {
		snprintf(path, pathlen, "%s/hmm-exec.XXXXXX", tmpdir);
		fd = mkstemp(path);
	} else {
		fd = (int)syscall(SYS_memfd_create, "hmm-exec", 0);
	}
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len)) {
		int err = -errno;

		close(fd);
		if (path[0])
			unlink(path);
		return err;
	}
	return fd;
}

static int op_mmap(const struct op *o)
{
	size_t len = o->pages * (uint64_t)page_size;
	int flags = (o->shared ? MAP_SHARED : MAP_PRIVATE) | MAP_FIXED_NOREPLACE;
	char path[PATH_MAX];
	int fd = -1, err = 0;
	off_t off = 0;
	void *p;

	path[0] = 0;
	switch (o->backing) {
	case B_ANON:
		flags |= MAP_ANONYMOUS;
		break;
	case B_HUGE_2M:
		flags |= MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB;
		break;
	case B_HUGE_1G:
		flags |= MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB;
		break;
	case B_FILE:
		fd = make_file(len, path, sizeof(path));
		if (fd < 0)
			return fd;
		break;
	case B_DEV:
		err = open_probe();
		if (err)
			return err;
		fd = probe_fd;
		off = (off_t)o->devbits * page_size;
		break;
	}
	if (o->populate)
		flags |= MAP_POPULATE;
	p = mmap((void *)o->addr, len, o->prot, flags, fd, off);
	if (p == MAP_FAILED) {
		err = -errno;
	} else if (p != (void *)o->addr) {
		munmap(p, len);
		err = -EEXIST;
	}
	if (o->backing == B_FILE) {
		close(fd);
		if (path[0])
			unlink(path);
	}
	return err;
}

struct access {
	uintptr_t start;
	uint64_t pages;
	int write;
};

static void touch_pages(void *arg)
{
	const struct access *a = arg;
	uint64_t i;

	for (i = 0; i < a->pages; i++) {
		uintptr_t p = a->start + i * (uint64_t)page_size;

		if (a->write)
			STORE_ONCE(p, 0x5a);
		else
			(void)LOAD_ONCE(p);
	}
}

static int op_access(const struct op *o, char *why, size_t whylen)
{
	struct access a = { .start = o->addr, .pages = o->pages, .write = o->kind == OP_WRITE };
	uintptr_t at = 0;
	int code = 0;
	int sig = guarded(touch_pages, &a, &at, &code);

	if (sig)
		snprintf(why, whylen, " (at 0x%lx)", (unsigned long)at);
	return sig;
}

struct madvise_call {
	const struct op *op;
	int ret;
};

static void call_madvise(void *arg)
{
	struct madvise_call *m = arg;

	size_t len = m->op->pages * (uint64_t)page_size;

	m->ret = madvise((void *)m->op->addr, len, m->op->advice) ? -errno : 0;
}

/*
 * Since about 6.4 (not in 6.1) MADV_HWPOISON poisons with "action required" semantics: besides
 * poisoning, the kernel sends SIGBUS (BUS_MCEERR_AR) to the calling process for its own mapping of
 * the page. The poison is in place either way and the address space is the one the program
 * describes, so that signal is taken as part of the operation and the program goes on; any other
 * signal ends it.
 */
static int op_madvise(const struct op *o)
{
	struct madvise_call m = { .op = o, .ret = 0 };
	uintptr_t at = 0;
	int code = 0, sig;

	if (o->advice != MADV_HWPOISON) {
		call_madvise(&m);
		return m.ret;
	}
	sig = guarded(call_madvise, &m, &at, &code);
	if (!sig)
		return m.ret;
	if (sig == SIGBUS && (code == BUS_MCEERR_AR || code == BUS_MCEERR_AO))
		return 0;
	return sig;
}

static int op_fork(void)
{
	pid_t parent = getpid(), pid;

	if (nchildren == MAX_CHILDREN)
		return -EAGAIN;
	out_flush();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		for (;;)
			pause();
	}
	children[nchildren++] = pid;
	return 0;
}

static int op_uffd_wp(const struct op *o)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct uffdio_writeprotect wp;
	uint64_t avail;
	int fd;

	if (nuffds == MAX_UFFD)
		return -EMFILE;
	/* UFFDIO_API can be called once per descriptor: ask what exists on one, use another. */
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	avail = api.features;
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	memset(&api, 0, sizeof(api));
	api.api = UFFD_API;
	api.features = avail & (UFFD_FEATURE_WP_UNPOPULATED | UFFD_FEATURE_WP_HUGETLBFS_SHMEM);
	memset(&reg, 0, sizeof(reg));
	reg.range.start = o->addr;
	reg.range.len = o->pages * (uint64_t)page_size;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	memset(&wp, 0, sizeof(wp));
	wp.range = reg.range;
	wp.mode = UFFDIO_WRITEPROTECT_MODE_WP;
	if (ioctl(fd, UFFDIO_API, &api) || ioctl(fd, UFFDIO_REGISTER, &reg) ||
	    ioctl(fd, UFFDIO_WRITEPROTECT, &wp)) {
		int err = -errno;

		close(fd);
		return err;
	}
	uffds[nuffds++] = fd;
	return 0;
}

static int op_ioctl_range(const struct op *o)
{
	int err = open_probe();

	if (err)
		return err;
	if (o->kind == OP_MIGRATE) {
		struct hmm_probe_migrate m = {
			.start = o->addr, .npages = o->pages, .to = o->target,
		};

		return ioctl(probe_fd, HMM_PROBE_IOC_MIGRATE, &m) ? -errno : 0;
	}
	if (o->kind == OP_EXCLUSIVE) {
		struct hmm_probe_exclusive x = {
			.start = o->addr, .npages = o->pages, .owner = o->target,
		};

		return ioctl(probe_fd, HMM_PROBE_IOC_EXCLUSIVE, &x) ? -errno : 0;
	}
	{
		struct hmm_probe_insert ins = {
			.start = o->addr, .npages = o->pages, .kind = o->target,
		};

		return ioctl(probe_fd, HMM_PROBE_IOC_INSERT, &ins) ? -errno : 0;
	}
}

/*
 * Runs of words: words[first + k] = word + k * delta, all with the same facts; maximal and greedy.
 */
static void print_runs(const uint64_t *words, const uint8_t *facts, uint64_t n)
{
	uint64_t i = 0, k, delta;

	while (i < n) {
		delta = 0;
		if (i + 1 < n && facts[i + 1] == facts[i] && words[i + 1] == words[i] + 1)
			delta = 1;
		for (k = 1; i + k < n; k++)
			if (facts[i + k] != facts[i] || words[i + k] != words[i] + k * delta)
				break;
		out("@hmm r %llu %llu %016llx %llu %02x", (unsigned long long)i,
		    (unsigned long long)k, (unsigned long long)words[i], (unsigned long long)delta,
		    facts[i]);
		i += k;
	}
}

static int op_go(const struct program *prog, const struct op *o)
{
	const struct op *w = &prog->ops[o->walk];
	struct hmm_probe_walk req;
	uint64_t *words = NULL, i;
	uint8_t *facts = NULL;
	size_t wlen = w->pages * sizeof(*words);
	int err, j;

	err = open_probe();
	if (err)
		return err;
	if (w->pages > HMM_PROBE_MAX_PAGES)
		return -EINVAL;
	words = own_alloc(wlen);
	facts = own_alloc(w->pages);
	if (!words || !facts) {
		err = -ENOMEM;
		goto out;
	}
	memset(words, 0, wlen);
	for (j = o->walk + 1; j < prog->nops && &prog->ops[j] != o; j++) {
		const struct op *in = &prog->ops[j];

		if (in->kind != OP_IN || in->walk != o->walk)
			continue;
		for (i = 0; i < in->pages; i++)
			words[in->addr + i] = in->word;
	}
	memset(&req, 0, sizeof(req));
	req.start = w->addr;
	req.npages = w->pages;
	req.default_flags = w->dflt;
	req.pfn_flags_mask = w->mask;
	req.words = (uintptr_t)words;
	req.facts = (uintptr_t)facts;
	req.owner = w->owner;
	req.flags = w->walk_flags;
	if (ioctl(probe_fd, HMM_PROBE_IOC_WALK, &req)) {
		err = -errno;
		goto out;
	}
	out("@hmm walk %llu ret=%d calls=%u stale=%u pages=%llu", (unsigned long long)w->id,
	    req.ret, req.calls, req.stale, (unsigned long long)w->pages);
	print_runs(words, facts, w->pages);
	out("@hmm endwalk %llu", (unsigned long long)w->id);
	/* what the kernel said reaches the console before the next step can take it down */
	out_flush();
out:
	own_free(facts, w->pages);
	own_free(words, wlen);
	return err;
}

/*
 * ---- proc-snapshot
 * -------------------------------------------------------------------------------
 *
 * What /proc says about this process right now, for the capture comparison (PROGRAM.md): the mapping
 * lines of /proc/self/smaps with the fields a capture uses, mountinfo, the pagemap entries of one
 * range as runs, the kpageflags of the pfns found there and, when device or other pfn entries are
 * among them, /proc/iomem. Reading these files changes nothing in the range: no page is touched.
 */

#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_FRAME	((1ULL << 55) - 1)
#define SWP_TYPE_MASK	31ULL
/* swap types below this are swap areas; from it on, entries that name a pfn (classify.ts) */
#define SWP_FIRST_PFN	22ULL
#define SWP_MARKER	31ULL

static const char * const snap_fields[] = {
	"Rss:", "Swap:", "AnonHugePages:", "KernelPageSize:", "Shared_Clean:", "Shared_Dirty:",
	"VmFlags:",
};

static int snap_header_line(const char *l)
{
	const char *dash = strchr(l, '-');
	const char *space = strchr(l, ' ');

	return isxdigit((unsigned char)l[0]) && dash && space && dash < space;
}

/* Field lines a capture uses; a size of 0 kB is left out (a missing size reads as 0), except Rss. */
static int snap_wanted(const char *l)
{
	size_t i, n;

	if (snap_header_line(l))
		return 1;
	for (i = 0; i < ARRAY_SIZE(snap_fields); i++) {
		n = strlen(snap_fields[i]);
		if (strncmp(l, snap_fields[i], n))
			continue;
		if (i == 0 || !strcmp(snap_fields[i], "VmFlags:"))
			return 1;
		l += n + strspn(l + n, " ");
		return strncmp(l, "0 kB", 4) != 0;
	}
	return 0;
}

/* Collapses the column padding of a mapping line (a path keeps single spaces). */
static void snap_squeeze(char *l)
{
	char *start = l, *w = l;

	for (; *l; l++)
		if (*l != ' ' || w == start || w[-1] != ' ')
			*w++ = *l;
	*w = 0;
}

/* Prints the lines of @path as "@hmm TAG LINE"; with @filter only the lines snap_wanted() keeps. */
static int snap_file(const char *path, const char *tag, int filter)
{
	char *text = read_file(path), *line, *next;

	if (!text)
		return -errno;
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		else
			next = line + strlen(line);
		if (!*line || (filter && !snap_wanted(line)))
			continue;
		if (filter && snap_header_line(line))
			snap_squeeze(line);
		out("@hmm %s %s", tag, line);
	}
	free(text);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The pfn whose kpageflags a capture needs for pagemap entry @w, or 0. */
static uint64_t snap_pfn(uint64_t w)
{
	uint64_t type;

	if (w & PM_PRESENT)
		return w & PM_FRAME;
	if (!(w & PM_SWAP))
		return 0;
	type = w & SWP_TYPE_MASK;
	if (type < SWP_FIRST_PFN || type == SWP_MARKER)
		return 0;
	return (w & PM_FRAME) >> 5;
}

/* Runs of non-zero entries: words[k] = words[i] + (k - i) * delta, delta 0, 1 or 32. */
static void snap_pagemap_runs(const uint64_t *w, uint64_t n, uint64_t addr)
{
	static const uint64_t deltas[] = { 0, 1, 32 };
	uint64_t i = 0, k, delta;
	size_t d;

	while (i < n) {
		if (!w[i]) {
			i++;
			continue;
		}
		delta = 0;
		for (d = 0; i + 1 < n && d < ARRAY_SIZE(deltas); d++) {
			if (w[i + 1] == w[i] + deltas[d]) {
				delta = deltas[d];
				break;
			}
		}
		for (k = 1; i + k < n && w[i + k] == w[i] + k * delta; k++)
			;
		out("@hmm pm 0x%llx %llu %016llx %llu",
		    (unsigned long long)(addr + i * (uint64_t)page_size), (unsigned long long)k,
		    (unsigned long long)w[i], (unsigned long long)delta);
		i += k;
	}
}

/*
 * kpageflags of the sorted, distinct pfns, as runs of equal flags over consecutive pfns. The file ends
 * at max_pfn: pfns above it (device memory) get no line.
 */
static int snap_kpageflags(int fd, const uint64_t *pfn, uint64_t n)
{
	uint64_t i = 0, run_pfn = 0, run_count = 0, run_flags = 0, flags;
	ssize_t r;

	while (i < n) {
		r = pread(fd, &flags, sizeof(flags), (off_t)(pfn[i] * sizeof(flags)));
		if (r < 0)
			return -errno;
		if (r != (ssize_t)sizeof(flags))
			break;
		if (run_count && pfn[i] == run_pfn + run_count && flags == run_flags) {
			run_count++;
		} else {
			if (run_count)
				out("@hmm kpf 0x%llx %llu %016llx", (unsigned long long)run_pfn,
				    (unsigned long long)run_count, (unsigned long long)run_flags);
			run_pfn = pfn[i];
			run_count = 1;
			run_flags = flags;
		}
		i++;
	}
	if (run_count)
		out("@hmm kpf 0x%llx %llu %016llx", (unsigned long long)run_pfn,
		    (unsigned long long)run_count, (unsigned long long)run_flags);
	return 0;
}

static int op_proc_snapshot(const struct op *o)
{
	size_t len = o->pages * sizeof(uint64_t);
	uint64_t *words = own_alloc(len), *pfns = own_alloc(len), i, npfn = 0, k;
	char mode[64] = "unknown", *thp, *open_br, *close_br;
	int pm = -1, kpf = -1, err = 0, pfn_entries = 0;
	struct utsname un;
	ssize_t r;

	if (!words || !pfns) {
		err = -ENOMEM;
		goto out;
	}
	pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (pm < 0) {
		err = -errno;
		goto out;
	}
	r = pread(pm, words, len, (off_t)(o->addr / (uint64_t)page_size * sizeof(uint64_t)));
	if (r < 0) {
		err = -errno;
		goto out;
	}
	memset((char *)words + r, 0, len - (size_t)r);
	kpf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	thp = read_file("/sys/kernel/mm/transparent_hugepage/enabled");
	if (thp) {
		open_br = strchr(thp, '[');
		close_br = open_br ? strchr(open_br, ']') : NULL;
		if (close_br && close_br - open_br - 1 < (long)sizeof(mode)) {
			memcpy(mode, open_br + 1, close_br - open_br - 1);
			mode[close_br - open_br - 1] = 0;
		}
		free(thp);
	}
	if (uname(&un))
		strcpy(un.release, "unknown");
	out("@hmm proc-begin %llu release=%s page_size=%ld thp=%s kpf=%d start=0x%llx pages=%llu",
	    (unsigned long long)o->id, un.release, page_size, mode, kpf >= 0,
	    (unsigned long long)o->addr, (unsigned long long)o->pages);
	err = snap_file("/proc/self/smaps", "proc-smaps", 1);
	if (!err)
		err = snap_file("/proc/self/mountinfo", "proc-mount", 0);
	if (err)
		goto out;
	snap_pagemap_runs(words, o->pages, o->addr);
	for (i = 0; i < o->pages; i++) {
		uint64_t pfn = snap_pfn(words[i]);

		if (!pfn)
			continue;
		if (!(words[i] & PM_PRESENT))
			pfn_entries = 1;
		pfns[npfn++] = pfn;
	}
	if (kpf >= 0 && npfn) {
		qsort(pfns, npfn, sizeof(*pfns), cmp_u64);
		for (i = 1, k = 1; i < npfn; i++)
			if (pfns[i] != pfns[k - 1])
				pfns[k++] = pfns[i];
		err = snap_kpageflags(kpf, pfns, k);
		if (err)
			goto out;
	}
	if (pfn_entries)
		snap_file("/proc/iomem", "proc-iomem", 0);
	out("@hmm proc-end %llu", (unsigned long long)o->id);
out:
	if (kpf >= 0)
		close(kpf);
	if (pm >= 0)
		close(pm);
	own_free(pfns, len);
	own_free(words, len);
	return err;
}

static void set_abort_msg(const struct program *prog, const struct op *o)
{
	snprintf(abort_line, sizeof(abort_line), "%d", o ? o->line : 0);
	snprintf(abort_tail, sizeof(abort_tail), " %s\n@hmm end %s failed\n",
		 o ? o->text : "program", prog->name);
}

/* Runs one operation: 0, a negative errno, or a positive signal number (with @why set). */
static int run_op(const struct program *prog, const struct op *o, char *why, size_t whylen)
{
	size_t len = o->pages * (uint64_t)page_size;

	why[0] = 0;
	switch (o->kind) {
	case OP_MMAP:
		return op_mmap(o);
	case OP_MUNMAP:
		return munmap((void *)o->addr, len) ? -errno : 0;
	case OP_MPROTECT:
		return mprotect((void *)o->addr, len, o->prot) ? -errno : 0;
	case OP_READ:
	case OP_WRITE:
		return op_access(o, why, whylen);
	case OP_FORK:
		return op_fork();
	case OP_MADVISE:
		return op_madvise(o);
	case OP_MIGRATE:
	case OP_EXCLUSIVE:
	case OP_INSERT:
		return op_ioctl_range(o);
	case OP_UFFD_WP:
		return op_uffd_wp(o);
	case OP_WALK:
	case OP_IN:
		return 0;
	case OP_GO:
		return op_go(prog, o);
	case OP_PROC_SNAPSHOT:
		return op_proc_snapshot(o);
	}
	return -EINVAL;
}

static void end_program(void)
{
	int i;

	alarm(0);
	kill_children();
	for (i = 0; i < nchildren; i++)
		waitpid(children[i], NULL, 0);
	nchildren = 0;
	for (i = 0; i < nuffds; i++)
		close(uffds[i]);
	nuffds = 0;
}

static int run_program(const char *path, unsigned int timeout)
{
	struct program prog;
	char *text = read_file(path), why[64];
	int bad, i, r, failed = 0;

	memset(&prog, 0, sizeof(prog));
	if (!text) {
		out("@hmm begin %s", path);
		out("@hmm fail 0 %s cannot read %s", errno_name(errno), path);
		out("@hmm end %s failed", path);
		return 1;
	}
	bad = parse_program(text, &prog);
	out("@hmm begin %s", prog.name[0] ? prog.name : path);
	if (bad) {
		out("@hmm fail %d EINVAL parse: %s", bad, parse_err);
		out("@hmm end %s failed", prog.name[0] ? prog.name : path);
		return 1;
	}
	out_flush();
	set_abort_msg(&prog, NULL);
	alarm(timeout);
	for (i = 0; i < prog.nops && !failed; i++) {
		const struct op *o = &prog.ops[i];

		set_abort_msg(&prog, o);
		r = run_op(&prog, o, why, sizeof(why));
		if (r < 0) {
			out("@hmm fail %d %s %s", o->line, errno_name(-r), o->text);
			failed = 1;
		} else if (r > 0) {
			out("@hmm fail %d %s %s%s", o->line, r == SIGBUS ? "SIGBUS" : "SIGSEGV",
			    o->text, why);
			failed = 1;
		}
	}
	end_program();
	out("@hmm end %s %s", prog.name, failed ? "failed" : "ok");
	return failed;
}

static int print_info(void)
{
	struct hmm_probe_info info;
	int err = open_probe();

	if (!err && ioctl(probe_fd, HMM_PROBE_IOC_INFO, &info))
		err = -errno;
	if (err) {
		out("@hmm fail 0 %s %s HMM_PROBE_IOC_INFO", errno_name(-err), PROBE_DEV);
		return 1;
	}
	info.release[sizeof(info.release) - 1] = 0;
	out("@hmm info version=%u features=%u page_size=%llu device_pages=%llu release=%s",
	    info.version, info.features, (unsigned long long)info.page_size,
	    (unsigned long long)info.device_pages, info.release);
	return 0;
}

static void print_help(void)
{
	fprintf(stderr, "usage: hmm-exec [--timeout SECONDS] PROGRAM\n"
			"       hmm-exec --info\n"
			"       hmm-exec --probe-checks\n");
}

int main(int argc, char **argv)
{
	unsigned int timeout = DEFAULT_TIMEOUT;
	int argi = 1, rc;

	page_size = sysconf(_SC_PAGESIZE);
	install_handlers();
	pick_tmpdir();
	if (argi + 1 < argc && !strcmp(argv[argi], "--timeout")) {
		timeout = (unsigned int)strtoul(argv[argi + 1], NULL, 10);
		argi += 2;
	}
	if (argi + 1 != argc) {
		print_help();
		return 2;
	}
	if (!strcmp(argv[argi], "--info")) {
		rc = print_info();
	} else if (!strcmp(argv[argi], "--probe-checks")) {
		rc = open_probe();
		if (rc) {
			out("@hmm fail 0 %s open %s", errno_name(-rc), PROBE_DEV);
			rc = 1;
		} else {
			rc = probe_checks(probe_fd);
		}
	} else if (argv[argi][0] != '-') {
		rc = run_program(argv[argi], timeout);
	} else {
		print_help();
		return 2;
	}
	out_flush();
	return rc;
}

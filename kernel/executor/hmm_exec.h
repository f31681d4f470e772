/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hmm-exec: runs HMM Lens programs (kernel/executor/PROGRAM.md) as real processes and reports
 * what the kernel and the hmm_probe module returned. Shared declarations of the executor's files.
 */
#ifndef HMM_EXEC_H
#define HMM_EXEC_H

#include <stdint.h>
#include <stddef.h>

#include "hmm_probe_uapi.h"

#define PROBE_DEV "/dev/hmm_probe"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * One access that must really reach memory: the user-space counterpart of the kernel's READ_ONCE()
 * and WRITE_ONCE(), so the compiler neither drops nor merges the loads and stores a program asks
 * for.
 */
#define LOAD_ONCE(p)		(*(const __volatile__ unsigned char *)(p))
#define STORE_ONCE(p, v)	(*(__volatile__ unsigned char *)(p) = (v))

/* out.c: buffered output on standard output, every line complete before it can be written */
void out(const char *fmt, ...);
void out_flush(void);
void out_flush_from_signal(void);
const char *errno_name(int err);

/* checks.c */
int probe_checks(int fd);

/* hmm_exec.c: memory of the executor's own, far from the addresses programs use */
void *own_alloc(size_t size);
void own_free(void *p, size_t size);
uintptr_t own_hole(void);

/*
 * Protected accesses: the callback runs with SIGSEGV and SIGBUS caught. Returns 0, or the signal
 * number that interrupted it (with *fault_addr and *fault_code set from its siginfo).
 */
int guarded(void (*fn)(void *arg), void *arg, uintptr_t *fault_addr, int *fault_code);

#endif /* HMM_EXEC_H */

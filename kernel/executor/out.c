// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hmm-exec output: a write(2)-based stream. Lines are appended whole and the length is published
 * after the bytes, so the buffer always ends on a line boundary and a signal handler (the timeout)
 * can write it out and add its own lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hmm_exec.h"

#define OUT_CAP		(256 * 1024)
#define OUT_LINE	1024

static char out_buf[OUT_CAP];
static size_t out_len;

static void write_all(const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

void out_flush(void)
{
	size_t n = __atomic_load_n(&out_len, __ATOMIC_ACQUIRE);

	write_all(out_buf, n);
	__atomic_store_n(&out_len, 0, __ATOMIC_RELEASE);
}

/*
 * Only async-signal-safe calls: what is buffered goes out; the caller adds its lines with write(2).
 */
void out_flush_from_signal(void)
{
	int saved = errno;

	out_flush();
	errno = saved;
}

void out(const char *fmt, ...)
{
	char line[OUT_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (out_len + (size_t)n > OUT_CAP)
		out_flush();
	memcpy(out_buf + out_len, line, (size_t)n);
	__atomic_store_n(&out_len, out_len + (size_t)n, __ATOMIC_RELEASE);
}

/* The errno's symbolic name ("EINVAL"), as glibc knows it; "0" for no error. */
const char *errno_name(int err)
{
	static char unknown[16];
	const char *name;

	if (err < 0)
		err = -err;
	if (!err)
		return "0";
	name = strerrorname_np(err);
	if (name)
		return name;
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error messages for callers: functions that fail fill a caller's buffer
 * with the reason and return -1. errbuf_set() does both in one line.
 */
#ifndef VPNSUITE_ERRBUF_H
#define VPNSUITE_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* Formats into err (if any) and returns -1. */
__attribute__((format(printf, 3, 4))) static inline int
errbuf_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

#endif

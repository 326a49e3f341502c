// SPDX-License-Identifier: GPL-2.0-only
/*
 * output_diag.c - the leaf every output module may call: the diagnostics
 * line on stderr. It calls nothing else in output/, so output.c, the queue
 * and the transports all sit above it and none of them calls back up.
 */
#include <stdarg.h>
#include <stdio.h>

#include "output/output_int.h"

/* Diagnostics go to stderr, never into the event stream. */
void out_diag__log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("minerwatch: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

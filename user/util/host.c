// SPDX-License-Identifier: GPL-2.0-only
/*
 * util/host.c - the host name, read in one place (see host.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "util/host.h"

int host__name(char *buf, size_t len, const char *fallback)
{
	if (!len)
		return -1;
	if (gethostname(buf, len - 1) == 0 && buf[0]) {
		buf[len - 1] = '\0';
		return 0;
	}
	snprintf(buf, len, "%s", fallback);
	return -1;
}

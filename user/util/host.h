/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/host.h - facts about this host that several stages print.
 */
#ifndef MW_UTIL_HOST_H
#define MW_UTIL_HOST_H

#include <stddef.h>

/*
 * The host name as the kernel has it (uname's nodename), NUL-terminated
 * and cut to len - 1 bytes. When it cannot be read or is empty, fallback
 * is copied instead and -1 returned; 0 otherwise. Callers apply their own
 * format's rules on top (RFC 5424 allows printable ASCII only; JSON
 * escapes anything), never a second read.
 */
int host__name(char *buf, size_t len, const char *fallback);

#endif /* MW_UTIL_HOST_H */

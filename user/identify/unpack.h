/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unpack.h - the identify stage's second look at packed programs. A
 * UPX-packed file holds its program compressed: a scan of the file sees
 * the packer, not the miner. Once the unpacker stub has run, the program
 * lies in the process's memory as the linker laid it out; the content
 * worker reads that image through /proc/PID/mem and scans it with the same
 * rules.
 */
#ifndef MW_UNPACK_H
#define MW_UNPACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define UNPACK_WAIT_MS 3000 /* an unpacker may take this long (9 MB: ~1.5 s) */

/* An ELF with UPX's header (l_info "UPX!") where UPX puts it. */
bool unpack__is_upx(const unsigned char *buf, size_t len);

/* A growable buffer the caller owns (the worker's read buffer). */
struct unpack_buf {
	unsigned char *buf;
	size_t cap;
};

/*
 * Wait (at most UNPACK_WAIT_MS) until process pid, still running the file
 * st, has an anonymous executable, read-only mapping and its mappings
 * stopped changing (the unpacker is done), then copy
 * its image (the mappings from the lowest address up to the first one of
 * another file or of the kernel: heap, libraries, stack) into ub, at most
 * max bytes. 0 and *len, or a negative errno with *why (a static string).
 */
int unpack__image(uint32_t pid, const struct stat *st, uint64_t max,
		  struct unpack_buf *ub, size_t *len, const char **why);

#endif /* MW_UNPACK_H */

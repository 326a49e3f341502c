// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_elf - libFuzzer target for the content worker's ELF check: any
 * bytes as a whole file (hostile headers, counts and offsets near 2^64)
 * must give an answer without reading outside the buffer; so must the
 * same bytes as the head of a longer file (the worker reads big files a
 * window at a time and checks the ELF on the first 64 KiB).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "identify/content_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: ASan sees any read past the end. */
	unsigned char *b = malloc(size ? size : 1);
	const char *why;

	if (!b)
		return 0;
	memcpy(b, data, size);
	why = elf__truncated(b, size, size);
	if (why && strncmp(why, "truncated ELF", 13))
		abort();
	/* The head of a file up to 4 GiB longer (length from the bytes). */
	why = elf__truncated(b, size,
			     size + (size >= 4 ? (uint64_t)data[size - 1] << 24
					       : 0));
	if (why && strncmp(why, "truncated ELF", 13))
		abort();
	free(b);
	return 0;
}

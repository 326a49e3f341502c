// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_elf - libFuzzer target for the content worker's ELF check: any
 * bytes as a whole file (hostile headers, counts and offsets near 2^64)
 * must give an answer without reading outside the buffer.
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
	why = elf__truncated(b, size);
	if (why && strncmp(why, "truncated ELF", 13))
		abort();
	free(b);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * content_int.h - the content worker's pure helpers, exposed for the unit
 * tests (tests/unit/test_content.c).
 */
#ifndef MW_CONTENT_INT_H
#define MW_CONTENT_INT_H

#include <stddef.h>
#include <stdint.h>

/* enum yara_loc bits for an executable path and its process flags. */
unsigned content__location(const char *exe, uint32_t proc_flags);

/*
 * Why a file of len bytes, whose first head_len bytes are head, is a
 * broken ELF, or NULL when it is not an ELF or is whole: headers or
 * segments that reach past the end of the file. Program headers beyond
 * the head are not read. elf_check.c.
 */
const char *elf__truncated(const unsigned char *head, size_t head_len,
			   uint64_t len);

#endif /* MW_CONTENT_INT_H */

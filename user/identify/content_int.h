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
 * Why buf (a whole file of len bytes) is a broken ELF, or NULL when it is
 * not an ELF or is whole: headers or segments that reach past the end of
 * the file. elf_check.c.
 */
const char *elf__truncated(const unsigned char *buf, size_t len);

#endif /* MW_CONTENT_INT_H */

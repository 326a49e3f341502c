/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_decode.h - pure helpers of the file sensor's decoding (file_decode.c):
 * operation names and lexical path normalization.
 */
#ifndef MW_FILE_DECODE_H
#define MW_FILE_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* "file-write", "file-create", "truncate", ... or "file-unknown". */
const char *file_op__str(uint32_t op);

/*
 * Normalize an absolute path in place, lexically: collapse "//", drop "."
 * and resolve ".." against the preceding component (never above "/"),
 * drop a trailing "/". A path that does not start with '/' is left as it
 * is. Returns the new length.
 */
size_t file_path__normalize(char *path);

#endif /* MW_FILE_DECODE_H */

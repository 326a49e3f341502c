/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * decode.h - validate ring buffer records before anything reads them.
 *
 * The kernel side is ours, but a record is still bytes of a given size: a
 * length that points past the end is rejected and counted, never trusted.
 */
#ifndef MW_DECODE_H
#define MW_DECODE_H

#include <stddef.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

/* Pointers into an exec record; valid while the record is. */
struct exec_view {
	const struct mw_exec_event *e;
	const char *exe;  /* NUL-terminated */
	const char *args; /* args_len bytes, NUL-separated */
	size_t args_len;
	const char *cwd;      /* NUL-terminated */
	const char *filename; /* NUL-terminated */
};

/* 0, or -EINVAL when the record is malformed. */
int decode__hdr(const void *data, size_t size, const struct mw_hdr **out);
int decode__exec(const void *data, size_t size, struct exec_view *out);

/* Pointers into a file record; valid while the record is. */
struct file_view {
	const struct mw_file_event *e;
	const char *path;   /* NUL-terminated */
	const char *target; /* NUL-terminated, or NULL when none */
	const char *seen_as; /* the caller's view of path when it named the
			      * object differently (MW_FILE_ANCHORED), or NULL */
	const char *target_seen_as; /* the same for target, or NULL */
};

int decode__file(const void *data, size_t size, struct file_view *out);

/* Pointers into a BPF-LSM refusal record; valid while the record is. */
struct deny_view {
	const struct mw_deny_event *e;
	const char *path; /* NUL-terminated: the file or directory refused */
	const char *name; /* NUL-terminated: entry name, "" when none */
};

/*
 * A struct mw_deny_event: a known operation, and both strings inside the
 * record and terminated where their lengths say.
 */
int decode__deny(const void *data, size_t size, struct deny_view *out);

#endif /* MW_DECODE_H */

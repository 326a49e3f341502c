/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_event.h - a decoded file sensor record (struct mw_event.file), the
 * names of its operations, and the pure helpers the sensor's userspace
 * side needs: lexical path normalization and the translation of a rule's
 * path condition into in-kernel watch entries.
 */
#ifndef MW_FILE_EVENT_H
#define MW_FILE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "rules/rules.h"

/*
 * One change to a watched file. Strings are borrowed from the decoder for
 * the duration of one dispatch.
 */
struct mw_file_info {
	uint32_t op;		 /* enum mw_file_op */
	const char *action;	 /* event.action: "file-write", ... */
	const char *path;	 /* absolute, normalized */
	const char *target_path; /* rename destination, link source, symlink
				  * contents; NULL when the op has none */
	const char *name;	 /* last component of path (points into it) */
	uint32_t flags;		 /* enum mw_file_flags */
	int64_t size_before;	 /* -1 when unknown */
	int64_t size_after;	 /* -1 when unknown */
	uint64_t ino;		 /* 0 when resolved by name */
	uint32_t dev;
	uint32_t mode;	     /* chmod: new mode; else i_mode or 0 */
	uint32_t uid, gid;   /* chown: new owner, UINT32_MAX unchanged */
	uint32_t open_flags; /* open: O_* flags */
	uint32_t attr;	     /* chattr: FS_*_FL flags set */
};

/* "file-write", "file-create", "truncate", ... or "file-unknown". */
const char *file_op__str(uint32_t op);

/*
 * Normalize an absolute path in place, lexically: collapse "//", drop "."
 * and resolve ".." against the preceding component (never above "/"),
 * drop a trailing "/". A path that does not start with '/' is left as it
 * is. Returns the new length.
 */
size_t file_path__normalize(char *path);

/* One in-kernel watch entry (enum mw_watch_kind + its key text). */
struct file_watch_entry {
	uint32_t kind; /* MW_WATCH_PREFIX, _EXACT, _NAME or _DIR */
	char key[MW_WATCH_KEY];
};

/*
 * Translate one path constraint into the in-kernel entry that lets every
 * path it can match through (and as little else as it can). Returns 0 and
 * fills *out, or -ERANGE when no entry can bound it (a bare "*", a name
 * too long for the name maps, ...): the caller then reports the rule as
 * not filterable in the kernel.
 */
int file_watch__entry(enum rules_watch_op op, const char *value,
		      struct file_watch_entry *out);

#endif /* MW_FILE_EVENT_H */

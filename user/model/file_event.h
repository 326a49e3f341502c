/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_event.h - a decoded file sensor record (struct mw_event.file): part
 * of the event model every stage after the sensors reads. Decoded by
 * sensors/file_sensor.c; which paths the kernel watches is derived from
 * the rules (rules/file_watch.h).
 */
#ifndef MW_FILE_EVENT_H
#define MW_FILE_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

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
	const char *seen_as;	 /* the caller's name for the file when it
				  * differs from path (chroot, bind mount,
				  * /proc/PID/root); NULL when the same */
	const char *target_seen_as; /* the same for target_path (rename,
				     * link); NULL when the same */
	uint32_t flags;		 /* enum mw_file_flags */
	int64_t size_before;	 /* -1 when unknown */
	int64_t size_after;	 /* -1 when unknown */
	uint64_t ino;		 /* 0 when resolved by name */
	uint32_t dev;
	uint32_t mode;	     /* chmod: new mode; else i_mode or 0 */
	uint32_t uid, gid;   /* chown: new owner, UINT32_MAX unchanged */
	uint32_t open_flags; /* open: O_* flags */
	uint32_t attr;	     /* chattr: FS_*_FL flags set */
	uint64_t count;	     /* occurrences this record stands for (>= 1):
			      * repeats folded in the kernel included */
};

#endif /* MW_FILE_EVENT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_watch.h - the file rules' path conditions as in-kernel watch
 * entries (file_watch.c, docs/file-sensor.md): part of deriving the kernel
 * filters from the rules; kernel/ writes the entries into the watch maps.
 */
#ifndef MW_FILE_WATCH_H
#define MW_FILE_WATCH_H

#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "rules/rules.h"

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

#endif /* MW_FILE_WATCH_H */

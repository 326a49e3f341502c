/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.h - the config file (/etc/minerwatch/minerwatch.json), a JSON
 * object mirroring the command line. Precedence: built-in defaults, then
 * the file, then the command line; an option given on the command line
 * replaces the file's value (for repeatable ones, the whole list).
 */
#ifndef MW_CONFIG_H
#define MW_CONFIG_H

#include <stddef.h>

#include "app/monitor.h"

#define CONFIG_DEFAULT_PATH "/etc/minerwatch/minerwatch.json"

/* Which options a source (file or command line) set: bits of a mask. */
enum config_field {
	CONFIG_RULES = 1 << 0,
	CONFIG_OUTPUTS = 1 << 1,
	CONFIG_ENFORCE = 1 << 2,
	CONFIG_EVENTS = 1 << 3,
	CONFIG_STATS = 1 << 4,
	CONFIG_CGROUP = 1 << 5,
	CONFIG_PIN = 1 << 6,
	CONFIG_CONTROL = 1 << 7,
	CONFIG_SPOOL = 1 << 8,
	CONFIG_VERBOSE = 1 << 9,
	CONFIG_AGGREGATE = 1 << 10,
	CONFIG_CONTENT = 1 << 11,
	CONFIG_CONTENT_MAX = 1 << 12,
	CONFIG_CONTENT_CACHE = 1 << 13,
	CONFIG_CONTENT_WORKERS = 1 << 14,
	CONFIG_UNPACK = 1 << 15,
};

struct config;

/*
 * Parse the file at path into o (only the keys present change o; *set gets
 * their CONFIG_* bits). Strings in o point into the returned config, which
 * the caller owns (free with config__free() after o is no longer used).
 * Unknown keys, wrong types and out-of-range values are refused: returns
 * -EINVAL (-ENOENT for a missing file) with "FILE: key 'K': why" in err.
 */
int config__load(const char *path, struct monitor_opts *o, unsigned *set,
		 struct config **out, char *err, size_t err_len);
void config__free(struct config *c); /* NULL is fine */

/* Copy into dst every option whose bit is in cli_set from cli. */
void config__overlay(struct monitor_opts *dst, const struct monitor_opts *cli,
		     unsigned cli_set);

#endif /* MW_CONFIG_H */

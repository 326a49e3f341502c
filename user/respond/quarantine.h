/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * quarantine.h - after a kill on a content or hash match (enforce mode),
 * move the executable out of reach: into a root-only directory, mode
 * 0000, beside a JSON manifest (original path, owner, mode, times,
 * SHA-256) that `minerwatch --restore ID` uses to put it back.
 */
#ifndef MW_QUARANTINE_H
#define MW_QUARANTINE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define QUARANTINE_DEFAULT_DIR "/var/lib/minerwatch/quarantine"

struct quarantine_opts {
	const char *dir;	/* NULL: QUARANTINE_DEFAULT_DIR */
	const char *only_under; /* quarantine only paths under it (NULL: all) */
};

/* The file as judged: its path and identity (kernel dev encoding). */
struct quarantine_req {
	const char *path;
	uint32_t dev;
	uint64_t ino;
	const char *sha256; /* hex */
	const char *rule_id;
};

struct quarantine_result {
	char id[64];
	char stored[PATH_MAX];	 /* the quarantined file */
	char manifest[PATH_MAX]; /* its manifest */
	char why[320];		 /* not quarantined: why */
};

/*
 * Move q->path into quarantine when it still names the judged file.
 * Returns 0, or a negative errno with res->why saying why not (read-only
 * file system, busy, gone, replaced, outside --quarantine-under). The file
 * is never removed before its copy and manifest are safely written.
 */
int quarantine__file(const struct quarantine_opts *o,
		     const struct quarantine_req *q,
		     struct quarantine_result *res);

/*
 * Put quarantined file id back where it was, with its owner, mode and
 * times, after checking its SHA-256. Returns 0, or a negative errno with
 * msg saying why (msg also gets the success line).
 */
int quarantine__restore(const char *dir, const char *id, char *msg,
			size_t msg_len);

#endif /* MW_QUARANTINE_H */

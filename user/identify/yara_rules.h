/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * yara_rules.h - the content rules (rules/yara/ files) compiled with
 * libyara, and one scan of a buffer against them.
 *
 * A compiled set is immutable and reference counted: the worker holds it
 * for the length of one scan while a reload swaps in the next one.
 */
#ifndef MW_YARA_RULES_H
#define MW_YARA_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/content_event.h"

struct yara_set;

/*
 * Where the file was started from, for rules that judge a packer by its
 * place (the externals mw_temp_dir, mw_hidden_path, mw_world_writable_dir
 * and mw_fileless of every rule file).
 */
enum yara_loc {
	YARA_LOC_TEMP = 1 << 0,		  /* /tmp, /var/tmp, /dev/shm, ... */
	YARA_LOC_HIDDEN = 1 << 1,	  /* a path component starts with '.' */
	YARA_LOC_WORLD_WRITABLE = 1 << 2, /* its directory is o+w */
	YARA_LOC_FILELESS = 1 << 3,	  /* memfd or deleted */
};

/* Once per process, before anything else here; 0 or a negative errno. */
int yara_rules__init(void);
void yara_rules__fini(void);

/*
 * Compile every *.yar / *.yara of paths (files, or directories read in
 * name order). On success *out owns a set with one reference and *n_files
 * says how many files it holds (0 is a valid, empty set). On failure
 * returns -EINVAL (or another negative errno) and err names the file and
 * line of the first error.
 */
int yara_rules__compile(const char *const *paths, int n_paths,
			struct yara_set **out, int *n_files, char *err,
			size_t err_len);
void yara_rules__get(struct yara_set *s);
void yara_rules__put(struct yara_set *s);	 /* NULL is fine */
int yara_rules__count(const struct yara_set *s); /* rules compiled */

/*
 * Scan buf with s: matched rule identifiers into c->sigs. Returns 0, or a
 * negative errno with *why set to a static reason (timeout, memory).
 */
int yara_rules__scan(struct yara_set *s, const void *buf, size_t len,
		     unsigned loc, struct mw_content *c, const char **why);

/*
 * A file too big to hold whole, scanned a window at a time. fetch returns
 * len bytes at off (NULL on a read error); the pointer may be reused by
 * the next call. Windows overlap by YARA_OVERLAP bytes, so a string up to
 * that long is found across a window edge (YARA counts a match seen in
 * two windows once: it keys matches by file offset).
 */
#define YARA_OVERLAP 4096
struct yara_source {
	uint64_t size;
	size_t window; /* bytes each step advances; blocks are window+overlap */
	const unsigned char *(*fetch)(void *ctx, uint64_t off, size_t len);
	void *ctx;
};

/* As yara_rules__scan, over src. A read error is -EIO ("read error"). */
int yara_rules__scan_source(struct yara_set *s, const struct yara_source *src,
			    unsigned loc, struct mw_content *c,
			    const char **why);

#endif /* MW_YARA_RULES_H */

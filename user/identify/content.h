/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * content.h - the identify stage: what an executable file is, by its
 * bytes. Every exec is handed to a worker thread through a bounded queue;
 * the worker digests the file (SHA-256) and scans it with the YARA rules,
 * caches the verdict by device, inode and change time, and hands it back
 * through a second queue that the loop drains. The ring-buffer reader only
 * ever copies a few fields into the queue: it never opens, reads, hashes
 * or scans.
 *
 * Bad input never blocks the worker: the file is opened non-blocking and
 * must be a regular file with the identity the kernel reported; a file
 * over the size cap, one that changes while it is read, a truncated ELF,
 * a FIFO or a vanished process come back unscanned with the reason.
 */
#ifndef MW_CONTENT_H
#define MW_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/content_event.h"
#include "model/event.h"

struct content;

struct content_opts {
	const char *const *yara_paths; /* rule files or directories */
	int n_yara_paths;
	/* None given: the yara/ folder of each of these that has one. */
	const char *const *rule_paths;
	int n_rule_paths;
	uint64_t max_size; /* files above are not read (0: the default) */
	int queue_len;	   /* pending execs (0: the default) */
	int cache_slots;   /* verdicts cached (0: the default) */
	int workers;	   /* worker threads (0: one) */
	bool no_unpack;	   /* never scan a packed program's running image */
};

#define CONTENT_DEFAULT_MAX_SIZE (64ULL << 20)
#define CONTENT_DEFAULT_QUEUE 4096
#define CONTENT_DEFAULT_CACHE 1024
#define CONTENT_REMEMBERED 4096 /* denied files, as mw_deny_inodes holds */

/* What the command line and the config file accept for those sizes. */
#define CONTENT_MAX_SIZE_MB_LO 1
#define CONTENT_MAX_SIZE_MB_HI 4096
#define CONTENT_CACHE_LO 16
#define CONTENT_CACHE_HI 1048576
#define CONTENT_WORKERS_LO 1
#define CONTENT_WORKERS_HI 16

/*
 * Compile the YARA rules and start the worker. On failure returns a
 * negative errno and err names the rule file and line (a bad rule) or what
 * else failed.
 */
int content__new(const struct content_opts *o, struct content **out, char *err,
		 size_t err_len);
void content__free(struct content *c); /* NULL is fine; joins the worker */

/*
 * Recompile the YARA rules from the same paths. On failure the running
 * rules stay, err says why (file and line) and a negative errno returns.
 */
int content__reload(struct content *c, char *err, size_t err_len);
int content__rules(const struct content *c); /* compiled YARA rules */

/*
 * Queue p's executable (exec_ts_ns: the exec's boot ns, for the latency).
 * Never blocks. -ENOSPC when the queue is full (counted as overflow),
 * -EINVAL when p has no executable to read.
 */
int content__submit(struct content *c, const struct mw_process *p,
		    uint64_t exec_ts_ns);

/* One verdict the worker finished; who it is about. */
struct content_result {
	uint32_t pid;
	uint64_t start_ns; /* the process's start, to know it is the same */
	uint64_t exec_ts_ns;
	char *exe; /* the path the exec record gave; owned (free()) */
	struct mw_content c;
};

/*
 * Take one finished verdict into r: 1, or 0 when none is waiting. The
 * caller owns r->exe from then on and frees it.
 */
int content__poll(struct content *c, struct content_result *r);

/*
 * The cached verdict on a file (kernel dev encoding, inode): true and out
 * filled. For the kernel's kill by identity, whose record names only the
 * inode: its alert still carries the digest and the signatures.
 */
bool content__known(struct content *c, uint32_t dev, uint64_t ino,
		    struct mw_content *out);

/*
 * Keep mc (a file the responder denied by identity) apart from the verdict
 * cache, so content__known() still answers for it once its cache slot went
 * to another file. The oldest goes past CONTENT_REMEMBERED.
 */
void content__remember(struct content *c, const struct mw_content *mc);

/* Add sig to mc's signatures unless there or full. */
void content__add_sig(struct mw_content *mc, const char *sig);

struct content_stats {
	uint64_t submitted;	  /* execs queued */
	uint64_t queue_overflow;  /* execs not queued: the queue was full */
	uint64_t results_dropped; /* verdicts lost: the loop fell behind */
	uint64_t scanned;	  /* files read, hashed and scanned */
	uint64_t cached;	  /* verdicts from the cache */
	uint64_t unscanned;	  /* reported unscanned, with a reason */
	uint64_t size_cap;	  /* of those: over the size cap */
	uint64_t matches;	  /* files with at least one signature */
	uint64_t unpacked;	  /* packed programs' images scanned */
};
void content__stats(struct content *c, struct content_stats *st);

#endif /* MW_CONTENT_H */

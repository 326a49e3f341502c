/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * content_event.h - what the content worker (identify/) learned about one
 * executable file: its SHA-256 and the YARA rules its bytes matched, or
 * why it could not be read. The rules read it as
 * minerwatch.process.signatures; the reporter as minerwatch.content.*.
 */
#ifndef MW_CONTENT_EVENT_H
#define MW_CONTENT_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "model/event.h"

#define MW_CONTENT_MAX_SIGS 8 /* matched YARA rules kept per file */
#define MW_CONTENT_SIG_LEN 64 /* a YARA rule identifier, with its NUL */

struct mw_content {
	/*
	 * The whole, intact file went through the YARA rules. false with a
	 * reason (a static string) when it could not be read, or was read
	 * but is broken (a truncated ELF: sigs then still hold what matched).
	 */
	bool scanned;
	const char *reason;
	char sha256[MW_SHA256_HEX]; /* hex digest, "" when not hashed */
	int n_sigs;		    /* matched rules, in rule order */
	char sigs[MW_CONTENT_MAX_SIGS][MW_CONTENT_SIG_LEN];
	uint64_t size;	     /* file size in bytes */
	bool cached;	     /* the verdict came from the cache */
	uint64_t latency_ns; /* exec (boot ns) to the verdict judged */
	uint32_t dev;	     /* file identity, kernel encoding */
	uint64_t ino;
	/*
	 * A UPX-packed file: its program exists only in memory. unpacked:
	 * the running image was scanned too (its matches are in sigs);
	 * else image_reason (static) says why not.
	 */
	bool packed, unpacked;
	const char *image_reason;
};

#endif /* MW_CONTENT_EVENT_H */

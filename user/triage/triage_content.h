/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triage_content.h - triage's content verdicts (SHA-256 and YARA
 * signatures of a file's bytes), see triage_content.c.
 */
#ifndef MW_TRIAGE_CONTENT_H
#define MW_TRIAGE_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "model/content_event.h"

struct triage;

/*
 * The verdict on the regular file behind fd (path: where it was started
 * from, for the place externals; proc_flags: MW_PROC_MEMFD/DELETED) into
 * c. 0 when it was hashed (c->scanned says whether the YARA pass was
 * whole); -EINVAL when fd is not a regular file, -EIO when it could not
 * be read (c->reason says why).
 */
int triage_content__fd(struct triage *t, int fd, const char *path,
		       uint32_t proc_flags, struct mw_content *c);
/* The same for a path (opened read-only, non-blocking). */
int triage_content__path(struct triage *t, const char *path,
			 struct mw_content *c);

/*
 * The programs a command line names (absolute paths to executable files,
 * and those a shell script among them names, one level down), judged by
 * content with the daemon's MW-CONTENT rules: reasons appended to why, the
 * highest severity returned (0: none). Every hashed file is kept in
 * t->referenced until the next call (triage_content__referenced).
 */
int triage_content__command(struct triage *t, const char *cmd, char *why,
			    size_t why_len);
/* minerwatch.triage.referenced_files of the last judged command on doc. */
void triage_content__referenced(struct triage *t, json_t *doc);

#endif /* MW_TRIAGE_CONTENT_H */

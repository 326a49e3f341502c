/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_fold.h - the file sensor's memory of its last record per fold pair
 * (bpf/fold.bpf.h): when the kernel's drain hands over the repeats of a
 * pair that went quiet, they are reported against that record, the real
 * one the sensor sent for the pair.
 */
#ifndef MW_FILE_FOLD_H
#define MW_FILE_FOLD_H

#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct file_fold;

/* max: records kept at once. NULL on ENOMEM. */
struct file_fold *file_fold__new(unsigned int max);
void file_fold__free(struct file_fold *ff); /* NULL is fine */

/*
 * Keep a copy of record e (size bytes) as its pair's last one, replacing
 * the previous. Returns 0, or -ENOSPC/-ENOMEM when it cannot be kept (the
 * pair's drained repeats will then be counted as untracked).
 */
int file_fold__remember(struct file_fold *ff, const struct mw_file_event *e,
			size_t size);

/* The pair's last record and its size, or NULL; borrowed until the next
 * call into ff. */
const struct mw_file_event *file_fold__find(struct file_fold *ff,
					    const struct mw_fold_key *k,
					    size_t *size);

/*
 * Forget records sent before before_ns: once the kernel's window after a
 * record has passed and the drain ran, its pair holds nothing more until
 * the next record. Returns how many were forgotten.
 */
unsigned int file_fold__expire(struct file_fold *ff, uint64_t before_ns);

/* Records kept now. */
unsigned int file_fold__size(const struct file_fold *ff);

#endif /* MW_FILE_FOLD_H */

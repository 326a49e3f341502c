// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_fold.c - the file sensor's last record per fold pair (see
 * file_fold.h): a chained hash table of record copies, keyed by the
 * struct mw_fold_key the kernel put in each record. Records leave once
 * the kernel's window after them has passed and the drain has run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/file_fold.h"
#include "util/fnv.h"

#define FOLD_BUCKETS 4096 /* power of two */

struct fold_rec {
	struct fold_rec *next;
	struct mw_fold_key key;
	uint64_t ts_ns; /* the record's hdr.ts_ns */
	size_t size;
	struct mw_file_event e[]; /* size bytes */
};

struct file_fold {
	struct fold_rec *bucket[FOLD_BUCKETS];
	unsigned int size, max;
};

static unsigned int fold_hash(const struct mw_fold_key *k)
{
	return fnv1a32(FNV32_INIT, k, sizeof(*k)) & (FOLD_BUCKETS - 1);
}

struct file_fold *file_fold__new(unsigned int max)
{
	struct file_fold *ff = calloc(1, sizeof(*ff));

	if (ff)
		ff->max = max;
	return ff;
}

void file_fold__free(struct file_fold *ff)
{
	if (!ff)
		return;
	file_fold__expire(ff, UINT64_MAX);
	free(ff);
}

static struct fold_rec **slot(struct file_fold *ff, const struct mw_fold_key *k)
{
	struct fold_rec **pp = &ff->bucket[fold_hash(k)];

	while (*pp && memcmp(&(*pp)->key, k, sizeof(*k)) != 0)
		pp = &(*pp)->next;
	return pp;
}

int file_fold__remember(struct file_fold *ff, const struct mw_file_event *e,
			size_t size)
{
	struct fold_rec **pp = slot(ff, &e->fold), *r = *pp, *n;

	if (!r && ff->size >= ff->max)
		return -ENOSPC;
	n = realloc(r, sizeof(*n) + size);
	if (!n)
		return -ENOMEM;
	if (!r) {
		n->next = NULL;
		ff->size++;
	}
	*pp = n; /* realloc may have moved it; next is kept */
	n->key = e->fold;
	n->ts_ns = e->hdr.ts_ns;
	n->size = size;
	memcpy(n->e, e, size);
	return 0;
}

const struct mw_file_event *
file_fold__find(struct file_fold *ff, const struct mw_fold_key *k, size_t *size)
{
	struct fold_rec *r = *slot(ff, k);

	if (!r)
		return NULL;
	*size = r->size;
	return r->e;
}

unsigned int file_fold__expire(struct file_fold *ff, uint64_t before_ns)
{
	struct fold_rec **pp, *r;
	unsigned int i, n = 0;

	for (i = 0; i < FOLD_BUCKETS; i++) {
		pp = &ff->bucket[i];
		while ((r = *pp)) {
			if (r->ts_ns >= before_ns) {
				pp = &r->next;
				continue;
			}
			*pp = r->next;
			free(r);
			ff->size--;
			n++;
		}
	}
	return n;
}

unsigned int file_fold__size(const struct file_fold *ff)
{
	return ff->size;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_jparse.c - systemd journal headers, entry stamps and the holes
 * among them (see triage_jparse.h). Every offset and size comes from a
 * file an attacker may have written: each is checked against the length
 * before use; nothing here follows a pointer the caller did not bound.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage_jparse.h"

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int tjparse__header(const unsigned char *b, size_t len, struct tj_header *h)
{
	memset(h, 0, sizeof(*h));
	if (len < TJ_HEADER_MIN || memcmp(b, "LPKSHHRH", 8))
		return -EINVAL;
	h->compatible = le32(b + 8);
	h->incompatible = le32(b + 12);
	h->state = b[16];
	memcpy(h->seqnum_id, b + 72, 16);
	memcpy(h->tail_boot_id, b + 56, 16);
	h->header_size = le64(b + 88);
	h->arena_size = le64(b + 96);
	h->n_entries = le64(b + 152);
	h->tail_seqnum = le64(b + 160);
	h->head_seqnum = le64(b + 168);
	h->entry_array_offset = le64(b + 176);
	h->head_realtime = le64(b + 184);
	h->tail_realtime = le64(b + 192);
	h->tail_monotonic = le64(b + 200);
	if (h->header_size < TJ_HEADER_MIN || h->header_size > 4096 ||
	    h->arena_size > (1ULL << 48) ||
	    (h->n_entries && h->tail_seqnum < h->head_seqnum))
		return -EINVAL;
	return 0;
}

int tjparse__array(const unsigned char *b, size_t len, bool compact,
		   uint64_t *size, uint64_t *next)
{
	if (len < TJ_ARRAY_HEAD || b[0] != TJ_OBJECT_ENTRY_ARRAY)
		return -EINVAL;
	*size = le64(b + 8);
	*next = le64(b + 16);
	if (*size < TJ_ARRAY_HEAD)
		return -EINVAL;
	return compact ? 4 : 8;
}

int tjparse__entry(const unsigned char *b, size_t len, struct tj_entry *e,
		   uint8_t boot_id[16])
{
	if (len < TJ_ENTRY_STAMPS || b[0] != TJ_OBJECT_ENTRY ||
	    le64(b + 8) < TJ_ENTRY_STAMPS)
		return -EINVAL;
	e->seqnum = le64(b + 16);
	e->realtime = le64(b + 24);
	e->monotonic = le64(b + 32);
	memcpy(boot_id, b + 40, 16);
	return 0;
}

static int by_seq(const void *a, const void *b)
{
	const struct tj_entry *x = a, *y = b;

	if (x->seqid != y->seqid)
		return (int)x->seqid - (int)y->seqid;
	return (x->seqnum > y->seqnum) - (x->seqnum < y->seqnum);
}

static int by_mono(const void *a, const void *b)
{
	const struct tj_entry *x = a, *y = b;

	if (x->boot != y->boot)
		return (int)x->boot - (int)y->boot;
	return (x->monotonic > y->monotonic) - (x->monotonic < y->monotonic);
}

static void hole_at(struct tj_hole *h, const struct tj_entry *a,
		    const struct tj_entry *b)
{
	*h = (struct tj_hole){.boot = a->boot,
			      .seqid = a->seqid,
			      .from_seq = a->seqnum,
			      .to_seq = b->seqnum,
			      .from_rt = a->realtime,
			      .to_rt = b->realtime,
			      .from_mono = a->monotonic,
			      .to_mono = b->monotonic};
}

int tjparse__seq_holes(struct tj_entry *e, size_t n, struct tj_hole *out,
		       int max)
{
	size_t i;
	int found = 0;

	qsort(e, n, sizeof(*e), by_seq);
	for (i = 1; i < n; i++) {
		if (e[i].seqid != e[i - 1].seqid ||
		    e[i].seqnum <= e[i - 1].seqnum + 2)
			continue;
		if (found < max)
			hole_at(&out[found], &e[i - 1], &e[i]);
		found++;
	}
	return found;
}

int tjparse__time_gaps(struct tj_entry *e, size_t n, uint64_t gap_us,
		       struct tj_hole *out, int max)
{
	size_t i;
	int found = 0;

	qsort(e, n, sizeof(*e), by_mono);
	for (i = 1; i < n; i++) {
		if (e[i].boot != e[i - 1].boot ||
		    e[i].monotonic - e[i - 1].monotonic < gap_us)
			continue;
		if (found < max)
			hole_at(&out[found], &e[i - 1], &e[i]);
		found++;
	}
	return found;
}

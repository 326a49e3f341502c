/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.h - a consumer of one BPF ring buffer that maps the data pages once.
 *
 * libbpf's ring_buffer maps a ring's data pages twice in a row, so that a
 * record crossing the end reads as one piece; every page then counts twice
 * in the daemon's RSS. Here the
 * data is mapped once and the rare record that wraps is joined in a
 * scratch buffer. The protocol is the kernel's (kernel/bpf/ringbuf.c): an
 * 8-byte header whose length carries a busy and a discard bit, records
 * rounded up to 8 bytes, the consumer position published with a release
 * store after each record.
 */
#ifndef MW_RING_H
#define MW_RING_H

#include <stddef.h>
#include <stdint.h>

/* A record's handler: loader_record_fn's shape (ring.h is below loader). */
typedef int (*ring_record_fn)(void *ctx, void *data, size_t size);

struct mw_ring {
	int map_fd;
	size_t page;		     /* the mappings' page size */
	uint64_t mask;		     /* data bytes - 1 (a power of two) */
	uint64_t *consumer_pos;	     /* our page, read-write */
	const uint64_t *producer_pos; /* the kernel's page, read-only */
	const uint8_t *data;	     /* the data pages, mapped once */
	uint8_t *scratch;	     /* a wrapping record, joined */
	size_t scratch_len;
	uint64_t unjoined; /* wrapping records skipped: no memory to join */
	ring_record_fn fn;
	void *ctx;
};

/* Map the ring of map_fd; 0 or -errno (nothing left mapped). */
int ring__open(struct mw_ring *r, int map_fd, ring_record_fn fn, void *ctx);
/*
 * Hand every committed record to fn, in order, until the ring is empty or
 * a record is still being written. Returns the records handed over, or
 * fn's negative return (the consumer position is past that record). A
 * wrapping record that cannot be joined (no memory) is skipped and counted
 * in unjoined.
 */
int64_t ring__consume(struct mw_ring *r);
/* Unmap; fine on a zeroed or closed ring. */
void ring__close(struct mw_ring *r);

#endif /* MW_RING_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * ring.c - a BPF ring buffer consumer with the data pages mapped once
 * (see ring.h for why). The kernel lays a ring out as a consumer page, a
 * producer page, then the data; mmap of the map fd takes page offsets into
 * that layout, so the consumer page is mapped read-write alone and the
 * producer page plus one copy of the data read-only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "kernel/ring.h"

/* A wrapping record up to this size needs no allocation while consuming. */
#define SCRATCH_START (64u << 10)

int ring__open(struct mw_ring *r, int map_fd, ring_record_fn fn, void *ctx)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	void *cons, *prod;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1)))
		return -EINVAL;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	cons = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd,
		    0);
	if (cons == MAP_FAILED)
		return -errno;
	/* The producer page, then the data once (not twice, as libbpf). */
	prod = mmap(NULL, r->page + info.max_entries, PROT_READ, MAP_SHARED,
		    map_fd, (off_t)r->page);
	if (prod == MAP_FAILED) {
		ret = -errno;
		munmap(cons, r->page);
		return ret;
	}
	r->scratch = malloc(SCRATCH_START);
	if (!r->scratch) {
		munmap(prod, r->page + info.max_entries);
		munmap(cons, r->page);
		return -ENOMEM;
	}
	r->scratch_len = SCRATCH_START;
	r->map_fd = map_fd;
	r->mask = info.max_entries - 1;
	r->consumer_pos = cons;
	r->producer_pos = prod;
	r->data = (const uint8_t *)prod + r->page;
	r->fn = fn;
	r->ctx = ctx;
	return 0;
}

/*
 * The record of len bytes whose data starts at offset off of the data
 * area, as one piece: in place, or joined in the scratch buffer when it
 * runs past the end. NULL when the scratch buffer cannot grow.
 */
static void *record_at(struct mw_ring *r, uint64_t off, uint32_t len)
{
	uint64_t size = r->mask + 1, first;

	if (len > size - BPF_RINGBUF_HDR_SZ) /* the kernel never makes one */
		return NULL;
	if (off + len <= size)
		return (void *)(r->data + off);
	if (len > r->scratch_len) {
		uint8_t *p = realloc(r->scratch, len);

		if (!p)
			return NULL;
		r->scratch = p;
		r->scratch_len = len;
	}
	first = size - off;
	memcpy(r->scratch, r->data + off, first);
	memcpy(r->scratch + first, r->data, len - first);
	return r->scratch;
}

int64_t ring__consume(struct mw_ring *r)
{
	uint64_t cons, prod;
	int64_t cnt = 0;
	int ret;

	if (!r->data)
		return 0;
	cons = __atomic_load_n(r->consumer_pos, __ATOMIC_ACQUIRE);
	for (;;) {
		prod = __atomic_load_n(r->producer_pos, __ATOMIC_ACQUIRE);
		if (cons >= prod)
			break;
		while (cons < prod) {
			/* Headers are 8-aligned, 8 bytes: never split. */
			const uint32_t *hdr =
			    (const uint32_t *)(r->data + (cons & r->mask));
			uint32_t hlen = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			uint32_t len = hlen & ~(BPF_RINGBUF_BUSY_BIT |
						BPF_RINGBUF_DISCARD_BIT);
			uint64_t off = (cons + BPF_RINGBUF_HDR_SZ) & r->mask;
			void *rec;

			/* Reserved but not committed yet: later. */
			if (hlen & BPF_RINGBUF_BUSY_BIT)
				return cnt;
			cons += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7ull;
			if (!(hlen & BPF_RINGBUF_DISCARD_BIT)) {
				rec = record_at(r, off, len);
				if (!rec) {
					r->unjoined++; /* counted, skipped */
				} else {
					ret = r->fn(r->ctx, rec, len);
					if (ret < 0) {
						__atomic_store_n(
						    r->consumer_pos, cons,
						    __ATOMIC_RELEASE);
						return ret;
					}
					cnt++;
				}
			}
			__atomic_store_n(r->consumer_pos, cons,
					 __ATOMIC_RELEASE);
		}
	}
	return cnt;
}

void ring__close(struct mw_ring *r)
{
	if (r->consumer_pos)
		munmap(r->consumer_pos, r->page);
	if (r->producer_pos)
		munmap((void *)r->producer_pos, r->page + r->mask + 1);
	free(r->scratch);
	memset(r, 0, sizeof(*r));
	r->map_fd = -1;
}

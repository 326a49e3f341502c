// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the ring consumer reads the kernel's ring layout (8-byte
 * headers with busy and discard bits, records rounded to 8) from one
 * mapping of the data, joining the record that runs past the end. The
 * ring here is plain memory laid out as the kernel lays it out; the
 * integration tests read the real rings through the same code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/bpf.h>

#include "kernel/ring.h"

#define SIZE 4096u

struct fake {
	struct mw_ring r;
	uint64_t cons, prod;
	uint8_t data[SIZE] __attribute__((aligned(8)));
	/* what the handler saw */
	char seen[8][SIZE];
	size_t seen_len[8];
	int nseen;
	int fail_at; /* the handler returns -1 on this record (1-based) */
};

static int handler(void *ctx, void *data, size_t size)
{
	struct fake *f = ctx;

	assert_true(f->nseen < 8);
	memcpy(f->seen[f->nseen], data, size);
	f->seen_len[f->nseen] = size;
	f->nseen++;
	return f->nseen == f->fail_at ? -1 : 0;
}

static struct fake *fake_new(uint64_t start)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->cons = f->prod = start;
	f->r.mask = SIZE - 1;
	f->r.consumer_pos = &f->cons;
	f->r.producer_pos = &f->prod;
	f->r.data = f->data;
	f->r.fn = handler;
	f->r.ctx = f;
	return f;
}

/* Write one record at the producer position, as the kernel does. */
static void produce(struct fake *f, const char *payload, uint32_t flags)
{
	uint32_t len = (uint32_t)strlen(payload) + 1, i;
	uint64_t at = f->prod & (SIZE - 1);
	uint32_t hdr[2] = {len | flags, 0};

	memcpy(f->data + at, hdr, sizeof(hdr));
	for (i = 0; i < len; i++)
		f->data[(at + BPF_RINGBUF_HDR_SZ + i) & (SIZE - 1)] =
		    (uint8_t)payload[i];
	f->prod += (len + BPF_RINGBUF_HDR_SZ + 7) & ~7u;
}

static void fake_free(struct fake *f)
{
	free(f->r.scratch);
	free(f);
}

static void test_in_order(void **state)
{
	struct fake *f = fake_new(0);

	(void)state;
	produce(f, "first", 0);
	produce(f, "second record", 0);
	assert_int_equal(ring__consume(&f->r), 2);
	assert_string_equal(f->seen[0], "first");
	assert_int_equal(f->seen_len[0], 6);
	assert_string_equal(f->seen[1], "second record");
	assert_int_equal(f->cons, f->prod);
	/* Empty: nothing more. */
	assert_int_equal(ring__consume(&f->r), 0);
	fake_free(f);
}

/* A record whose data runs past the end arrives whole, in order. */
static void test_wrapping_record_joined(void **state)
{
	/* 16 bytes before the end: the header fits, the data wraps. */
	struct fake *f = fake_new(3 * SIZE - 16);
	char big[100];

	(void)state;
	memset(big, 'w', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'A';
	big[sizeof(big) - 2] = 'Z';
	produce(f, big, 0);
	produce(f, "after", 0);
	assert_int_equal(ring__consume(&f->r), 2);
	assert_int_equal(f->seen_len[0], sizeof(big));
	assert_string_equal(f->seen[0], big);
	assert_string_equal(f->seen[1], "after");
	assert_int_equal(f->r.unjoined, 0);
	assert_int_equal(f->cons, f->prod);
	fake_free(f);
}

/* A record still being written stops the reader where it is. */
static void test_busy_record_waits(void **state)
{
	struct fake *f = fake_new(64);
	uint64_t busy_at;

	(void)state;
	produce(f, "done", 0);
	busy_at = f->prod;
	produce(f, "in progress", BPF_RINGBUF_BUSY_BIT);
	produce(f, "behind it", 0);
	assert_int_equal(ring__consume(&f->r), 1);
	assert_int_equal(f->cons, busy_at);
	/* Committed: the reader goes on from there. */
	f->data[(busy_at & (SIZE - 1)) + 3] &= (uint8_t)~0x80;
	assert_int_equal(ring__consume(&f->r), 2);
	assert_string_equal(f->seen[1], "in progress");
	assert_string_equal(f->seen[2], "behind it");
	fake_free(f);
}

/* Discarded records are stepped over, not handed out. */
static void test_discarded_skipped(void **state)
{
	struct fake *f = fake_new(0);

	(void)state;
	produce(f, "kept", 0);
	produce(f, "thrown away", BPF_RINGBUF_DISCARD_BIT);
	produce(f, "kept too", 0);
	assert_int_equal(ring__consume(&f->r), 2);
	assert_string_equal(f->seen[1], "kept too");
	assert_int_equal(f->cons, f->prod);
	fake_free(f);
}

/* A handler error stops the reader past that record and is returned. */
static void test_handler_error(void **state)
{
	struct fake *f = fake_new(0);
	uint64_t second_end;

	(void)state;
	f->fail_at = 2;
	produce(f, "one", 0);
	produce(f, "two", 0);
	second_end = f->prod;
	produce(f, "three", 0);
	assert_int_equal(ring__consume(&f->r), -1);
	assert_int_equal(f->cons, second_end);
	f->fail_at = 0;
	assert_int_equal(ring__consume(&f->r), 1);
	assert_string_equal(f->seen[2], "three");
	fake_free(f);
}

/* A length no ring can hold is counted, skipped, never read past. */
static void test_impossible_length_counted(void **state)
{
	struct fake *f = fake_new(0);
	uint32_t hdr[2] = {SIZE, 0};

	(void)state;
	memcpy(f->data, hdr, sizeof(hdr));
	f->prod = SIZE + BPF_RINGBUF_HDR_SZ;
	assert_int_equal(ring__consume(&f->r), 0);
	assert_int_equal(f->r.unjoined, 1);
	assert_int_equal(f->cons, f->prod);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_in_order),
	    cmocka_unit_test(test_wrapping_record_joined),
	    cmocka_unit_test(test_busy_record_waits),
	    cmocka_unit_test(test_discarded_skipped),
	    cmocka_unit_test(test_handler_error),
	    cmocka_unit_test(test_impossible_length_counted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

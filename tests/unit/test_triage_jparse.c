// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: triage's systemd journal reader (user/triage/triage_jparse.c):
 * header fields at systemd's offsets, damaged headers refused, entry and
 * entry array objects, and the two kinds of holes (sequence numbers
 * missing across files; a silence within one boot on the monotonic
 * clock, not across a reboot). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "triage/triage_jparse.h"

static void put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static void test_header(void **state)
{
	unsigned char b[TJ_HEADER_READ] = "LPKSHHRH";
	struct tj_header h;

	(void)state;
	b[12] = 0x10; /* compact */
	b[16] = 2;    /* archived */
	memset(b + 72, 0xab, 16);
	put64(b + 88, 264);
	put64(b + 96, 4096);
	put64(b + 152, 3);
	put64(b + 160, 12);
	put64(b + 168, 10);
	put64(b + 176, 5000);
	put64(b + 184, 1000000);
	put64(b + 192, 2000000);
	assert_int_equal(tjparse__header(b, sizeof(b), &h), 0);
	assert_true(h.incompatible & TJ_INCOMPAT_COMPACT);
	assert_int_equal(h.state, 2);
	assert_int_equal(h.seqnum_id[15], 0xab);
	assert_int_equal(h.n_entries, 3);
	assert_int_equal(h.head_seqnum, 10);
	assert_int_equal(h.tail_seqnum, 12);
	assert_int_equal(h.entry_array_offset, 5000);
	assert_int_equal(h.tail_realtime, 2000000);
	/* Too short, another signature, tail before head, absurd sizes. */
	assert_int_equal(tjparse__header(b, TJ_HEADER_MIN - 1, &h), -EINVAL);
	put64(b + 160, 9);
	assert_int_equal(tjparse__header(b, sizeof(b), &h), -EINVAL);
	put64(b + 160, 12);
	put64(b + 88, 1 << 20);
	assert_int_equal(tjparse__header(b, sizeof(b), &h), -EINVAL);
	put64(b + 88, 264);
	b[0] = 'X';
	assert_int_equal(tjparse__header(b, sizeof(b), &h), -EINVAL);
}

static void test_objects(void **state)
{
	unsigned char a[TJ_ARRAY_HEAD] = {TJ_OBJECT_ENTRY_ARRAY};
	unsigned char e[TJ_ENTRY_STAMPS] = {TJ_OBJECT_ENTRY};
	uint64_t size, next;
	struct tj_entry en;
	uint8_t boot[16];

	(void)state;
	put64(a + 8, 24 + 4 * 10);
	put64(a + 16, 9000);
	assert_int_equal(tjparse__array(a, sizeof(a), true, &size, &next), 4);
	assert_int_equal(size, 64);
	assert_int_equal(next, 9000);
	assert_int_equal(tjparse__array(a, sizeof(a), false, &size, &next), 8);
	put64(a + 8, 8); /* smaller than its own head */
	assert_int_equal(tjparse__array(a, sizeof(a), false, &size, &next),
			 -EINVAL);
	a[0] = TJ_OBJECT_ENTRY;
	assert_int_equal(tjparse__array(a, sizeof(a), false, &size, &next),
			 -EINVAL);
	put64(e + 8, 200);
	put64(e + 16, 42);
	put64(e + 24, 1700000000000000ULL);
	put64(e + 32, 5000000);
	memset(e + 40, 7, 16);
	assert_int_equal(tjparse__entry(e, sizeof(e), &en, boot), 0);
	assert_int_equal(en.seqnum, 42);
	assert_int_equal(en.monotonic, 5000000);
	assert_int_equal(boot[0], 7);
	assert_int_equal(tjparse__entry(e, sizeof(e) - 1, &en, boot), -EINVAL);
	e[0] = TJ_OBJECT_ENTRY_ARRAY;
	assert_int_equal(tjparse__entry(e, sizeof(e), &en, boot), -EINVAL);
}

#define MIN_US (60ULL * 1000000)

static void test_holes(void **state)
{
	/* Two files of one seqnum id, one entry missing (a failed write),
	 * then 1 and 3 of another id; 14 after 8 missing: one hole. */
	struct tj_entry e[] = {
	    {.seqnum = 14, .seqid = 0}, {.seqnum = 1, .seqid = 0},
	    {.seqnum = 2, .seqid = 0},	{.seqnum = 4, .seqid = 0},
	    {.seqnum = 5, .seqid = 0},	{.seqnum = 5, .seqid = 0},
	    {.seqnum = 1, .seqid = 1},	{.seqnum = 3, .seqid = 1},
	};
	struct tj_hole h[4];

	(void)state;
	assert_int_equal(tjparse__seq_holes(e, 8, h, 4), 1);
	assert_int_equal(h[0].seqid, 0);
	assert_int_equal(h[0].from_seq, 5);
	assert_int_equal(h[0].to_seq, 14);
	/* Holes beyond max are counted, not written. */
	assert_int_equal(tjparse__seq_holes(e, 8, h, 0), 1);
	assert_int_equal(tjparse__seq_holes(e, 0, h, 4), 0);
}

static void test_gaps(void **state)
{
	/* Boot 0: entries at 1, 30 and 200 min (a 170-minute silence);
	 * boot 1 starts at monotonic 0 again: a reboot is no silence. */
	struct tj_entry e[] = {
	    {.monotonic = 200 * MIN_US, .realtime = 300, .boot = 0},
	    {.monotonic = 1 * MIN_US, .realtime = 100, .boot = 0},
	    {.monotonic = 30 * MIN_US, .realtime = 130, .boot = 0},
	    {.monotonic = 1 * MIN_US, .realtime = 900, .boot = 1},
	    {.monotonic = 100 * MIN_US, .realtime = 999, .boot = 1},
	};
	struct tj_hole h[4];

	(void)state;
	assert_int_equal(tjparse__time_gaps(e, 5, 120 * MIN_US, h, 4), 1);
	assert_int_equal(h[0].boot, 0);
	assert_int_equal(h[0].from_mono, 30 * MIN_US);
	assert_int_equal(h[0].to_mono, 200 * MIN_US);
	assert_int_equal(h[0].from_rt, 130);
	assert_int_equal(h[0].to_rt, 300);
	assert_int_equal(tjparse__time_gaps(e, 5, 60 * MIN_US, h, 4), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_objects),
	    cmocka_unit_test(test_holes),
	    cmocka_unit_test(test_gaps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

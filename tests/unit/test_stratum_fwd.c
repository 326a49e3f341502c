/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_stratum_fwd.c - the userspace continuation of the stratum window
 * (user/sensors/stratum_fwd.c): a flow the kernel gave up on at its budget
 * is read on from the handed-over parser state; the flow table is bounded
 * (cap, eviction), and what it drops is counted by cause.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sensors/stratum_fwd.h"
#include "stratum.h"

#define SEC 1000000000ULL

static const char login[] =
    "{\"id\":1,\"method\":\"login\",\"params\":{\"login\":\"4A\","
    "\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}\n";

static union {
	struct mw_net_event e;
	unsigned char b[sizeof(struct mw_net_event) + MW_STRATUM_BUF];
} rec;

static struct mw_net_event *mk(uint64_t cookie, uint64_t ts, uint32_t flags,
			       const void *data, size_t n)
{
	memset(&rec, 0, sizeof(rec));
	rec.e.hdr.type = MW_EV_NET;
	rec.e.hdr.ts_ns = ts;
	rec.e.kind = MW_NET_STRATUM_FWD;
	rec.e.cookie = cookie;
	rec.e.flags = flags;
	rec.e.data_len = (uint16_t)n;
	memcpy(rec.e.data, data, n);
	return &rec.e;
}

static int start(struct stratum_fwd *t, uint64_t cookie, uint64_t ts,
		 const struct stratum_scan *st)
{
	return stratum_fwd__record(
	    t, mk(cookie, ts, MW_NET_FWD_START, st, sizeof(*st)));
}

static int data(struct stratum_fwd *t, uint64_t cookie, uint64_t ts,
		const char *s, uint32_t flags)
{
	return stratum_fwd__record(t, mk(cookie, ts, flags, s, strlen(s)));
}

/* ~9 KiB of decoy JSON-RPC lines, then the login: all in *len bytes. */
static char *stream(size_t *len, int with_login)
{
	static char buf[16384];
	size_t n = 0;
	int i;

	for (i = 0; n < 9300; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "{\"id\":%d,\"method\":\"%s\",\"params\":"
				      "{\"pad\":\"%080d\"}}\n   \n",
				      i, i % 2 ? "login" : "getjob", i);
	if (with_login)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", login);
	*len = n;
	return buf;
}

/*
 * What the kernel does: whole chunks while they fit the byte budget, then
 * the state and the rest to userspace. Returns the first method found
 * (kernel or userspace) and how many records userspace decided on.
 */
static int run(struct stratum_fwd *t, uint64_t cookie, const char *s, size_t n,
	       size_t chunk, int *decided)
{
	static unsigned char buf[MW_STRATUM_BUF];
	struct stratum_scan st = {0};
	char piece[MW_NET_DATA_MAX + 1];
	size_t off = 0, c;
	int m;

	*decided = 0;
	for (; off < n; off += c) {
		c = n - off < chunk ? n - off : chunk;
		if (st.bytes + c > MW_STRATUM_FLOW_BYTES)
			break;
		memcpy(buf, s + off, c);
		st.packets++;
		m = stratum__feed(&st, buf, (unsigned int)c);
		if (m)
			return m;
	}
	assert_int_equal(start(t, cookie, 1, &st), 0);
	m = 0;
	for (; off < n; off += c) {
		int r;

		c = n - off < chunk ? n - off : chunk;
		memcpy(piece, s + off, c);
		piece[c] = '\0';
		r = stratum_fwd__record(t, mk(cookie, 2, 0, piece, c));
		if (r > 0) {
			(*decided)++;
			m = m ? m : r;
		}
	}
	return m;
}

/* A login past the kernel's 8 KiB is found in userspace, once. */
static void test_fwd_login_after_window(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(64, 60 * SEC);
	struct stratum_fwd_stats st;
	size_t n, chunk;
	char *s = stream(&n, 1);
	int d;

	(void)state;
	/* Cut every way: a line split across the handover is read whole. */
	for (chunk = 7; chunk <= MW_NET_DATA_MAX; chunk += 101) {
		assert_int_equal(run(t, 100 + chunk, s, n, chunk, &d),
				 MW_STRATUM_LOGIN);
		assert_int_equal(d, 1);
	}
	/* A keepalived after the login is not a second alert. */
	assert_int_equal(
	    data(t, 100 + 7, 3, "{\"method\":\"keepalived\"}\n", 0), 0);
	stratum_fwd__stats(t, &st);
	assert_int_equal(st.flows, 6);
	assert_int_equal(st.matched, 6);
	assert_int_equal(st.bad, 0);
	stratum_fwd__free(t);
}

/* The same decoys with no login: nothing, whatever the cut. */
static void test_fwd_benign(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(64, 60 * SEC);
	size_t n;
	char *s = stream(&n, 0);
	int d;

	(void)state;
	assert_int_equal(run(t, 1, s, n, MW_NET_DATA_MAX, &d), 0);
	assert_int_equal(run(t, 2, s, n, 33, &d), 0);
	assert_int_equal(d, 0);
	stratum_fwd__free(t);
}

/* The handed-over state matters: a message begun in the kernel ends here. */
static void test_fwd_state_carried(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(64, 60 * SEC);
	struct stratum_scan st = {0};
	static unsigned char buf[MW_STRATUM_BUF];
	const char *head = "{\"id\":1,\"method\":\"login\",";

	(void)state;
	memcpy(buf, head, strlen(head));
	assert_int_equal(stratum__feed(&st, buf, strlen(head)), 0);
	assert_int_equal(start(t, 7, 1, &st), 0);
	assert_int_equal(data(t, 7, 2, "\"params\":{\"agent\":\"x\"}}\n", 0),
			 MW_STRATUM_LOGIN);
	/* Without the state (a fresh parser): the tail alone is nothing. */
	memset(&st, 0, sizeof(st));
	assert_int_equal(start(t, 8, 1, &st), 0);
	assert_int_equal(data(t, 8, 2, "\"params\":{\"agent\":\"x\"}}\n", 0),
			 0);
	stratum_fwd__free(t);
}

/* GAP: the kernel skipped bytes; the rest of that line is unknown. */
static void test_fwd_gap(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(64, 60 * SEC);
	struct stratum_scan st = {0};

	(void)state;
	assert_int_equal(start(t, 9, 1, &st), 0);
	assert_int_equal(data(t, 9, 2, "{\"id\":1,", MW_NET_FWD_GAP), 0);
	assert_int_equal(data(t, 9, 3,
			      "\"method\":\"login\",\"params\":"
			      "{\"agent\":\"x\"}}\n",
			      0),
			 0);
	assert_int_equal(data(t, 9, 4, login, 0), MW_STRATUM_LOGIN);
	stratum_fwd__free(t);
}

/* Bounded: a full table evicts (counted); an evicted flow's bytes are
 * read from its next line on; END and the idle timeout free flows. */
static void test_fwd_table_bounds(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(8, 10 * SEC);
	struct stratum_fwd_stats fs;
	struct stratum_scan st = {0};
	uint64_t c;

	(void)state;
	for (c = 1; c <= 100; c++)
		assert_int_equal(start(t, c, c, &st), 0);
	assert_true(stratum_fwd__count(t) <= 8);
	stratum_fwd__stats(t, &fs);
	assert_int_equal(fs.flows, 100);
	assert_int_equal(fs.evicted + stratum_fwd__count(t), 100);
	/* Flow 1 was evicted: an orphan, read from the next line. */
	assert_int_equal(data(t, 1, 200, login, 0), 0);
	assert_int_equal(data(t, 1, 201, login, 0), MW_STRATUM_LOGIN);
	stratum_fwd__stats(t, &fs);
	assert_int_equal(fs.orphans, 1);
	/* END frees, counted as spent. */
	assert_int_equal(start(t, 500, 202, &st), 0);
	assert_int_equal(
	    stratum_fwd__record(t, mk(500, 203, MW_NET_FWD_END, "", 0)), 0);
	stratum_fwd__stats(t, &fs);
	assert_int_equal(fs.spent, 1);
	/* Idle past the timeout: all freed; only undecided ones counted. */
	{
		uint64_t before = fs.expired;
		unsigned int held = stratum_fwd__count(t);

		stratum_fwd__expire(t, 1000 * SEC);
		assert_int_equal(stratum_fwd__count(t), 0);
		stratum_fwd__stats(t, &fs);
		/* flow 1 was decided: freed but not a loss */
		assert_int_equal(fs.expired - before, held - 1);
	}
	stratum_fwd__free(t);
}

/* Bad records are refused and counted; a nonsense state cannot crash it. */
static void test_fwd_malformed(void **state)
{
	struct stratum_fwd *t = stratum_fwd__new(16, 10 * SEC);
	struct stratum_fwd_stats fs;
	struct stratum_scan st;

	(void)state;
	assert_int_equal(stratum_fwd__record(t, mk(0, 1, 0, "x", 1)), -EINVAL);
	assert_int_equal(
	    stratum_fwd__record(t, mk(5, 1, MW_NET_FWD_START, "x", 1)),
	    -EINVAL);
	assert_int_equal(
	    stratum_fwd__record(
		t, mk(5, 1, MW_NET_FWD_START | MW_NET_FWD_END, "", 0)),
	    -EINVAL);
	stratum_fwd__stats(t, &fs);
	assert_int_equal(fs.bad, 3);
	/* Depth past the limit, found set, an unknown mode: a reset. */
	memset(&st, 0xff, sizeof(st));
	assert_int_equal(start(t, 6, 1, &st), 0);
	assert_int_equal(data(t, 6, 2, "}]}]\"x\"", 0), 0);
	assert_int_equal(data(t, 6, 3, login, 0), 0); /* rest of the line */
	assert_int_equal(data(t, 6, 4, login, 0), MW_STRATUM_LOGIN);
	memset(&st, 0, sizeof(st));
	st.mode = SM_JSON; /* in a message at depth 0: impossible */
	assert_int_equal(start(t, 7, 1, &st), 0);
	assert_int_equal(data(t, 7, 2, "}}}}", 0), 0);
	stratum_fwd__free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fwd_login_after_window),
	    cmocka_unit_test(test_fwd_benign),
	    cmocka_unit_test(test_fwd_state_carried),
	    cmocka_unit_test(test_fwd_gap),
	    cmocka_unit_test(test_fwd_table_bounds),
	    cmocka_unit_test(test_fwd_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

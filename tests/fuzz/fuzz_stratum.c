// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_stratum - libFuzzer target for the stratum recogniser the kernel
 * runs on every outbound flow (bpf/stratum.h). Whatever the bytes:
 * - no out-of-bounds access (the buffer is exactly MW_STRATUM_BUF bytes,
 *   the size the kernel's slot gives it);
 * - the answer does not depend on how the flow is cut into packets (the
 *   first input byte picks the packet size; within the packet budget);
 * - a single-line JSON object that jansson reads as a stratum request
 *   (method value, and an agent key in params for a login) is recognised:
 *   the byte-level parser agrees with a real JSON parser;
 * - the userspace continuation (user/sensors/stratum_fwd.c): a flow the
 *   kernel hands over at any chunk boundary, read on from the handed-over
 *   state, ends as the same parser reading the whole flow with no budget;
 *   and a START record with any bytes as the parser state is survived.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linux/types.h>

#include "events.h"
#include "sensors/stratum_fwd.h"
#include "stratum.h"

static int feed_split(const uint8_t *d, size_t n, size_t step)
{
	static unsigned char buf[MW_STRATUM_BUF];
	struct stratum_scan st = {0};
	size_t off, k;
	int m = 0;

	for (off = 0; off < n && !m; off += k) {
		k = n - off < step ? n - off : step;
		memset(buf, 0xa5, sizeof(buf));
		memcpy(buf, d + off, k);
		st.packets++;
		m = stratum__feed(&st, buf, k);
		if (!m && stratum__spent(&st))
			break;
	}
	return m;
}

static union {
	struct mw_net_event e;
	unsigned char b[sizeof(struct mw_net_event) + MW_STRATUM_BUF];
} rec;

static int fwd_rec(struct stratum_fwd *t, uint32_t flags, const void *p,
		   size_t n)
{
	memset(&rec, 0, sizeof(rec));
	rec.e.hdr.type = MW_EV_NET;
	rec.e.kind = MW_NET_STRATUM_FWD;
	rec.e.cookie = 42;
	rec.e.flags = flags;
	rec.e.data_len = (uint16_t)n;
	memcpy(rec.e.data, p, n);
	return stratum_fwd__record(t, &rec.e);
}

/*
 * The kernel reads step-sized chunks until `handover` bytes, then the
 * state and the rest go to userspace, step bytes a record. Returns the
 * first method found on either side.
 */
static int feed_handover(const uint8_t *d, size_t n, size_t step,
			 size_t handover)
{
	static unsigned char buf[MW_STRATUM_BUF];
	struct stratum_scan st = {0};
	struct stratum_fwd *t = stratum_fwd__new(4, 1);
	size_t off, k;
	int m = 0, r;

	if (!t)
		abort();
	for (off = 0; off < n && off + step <= handover && !m; off += k) {
		k = n - off < step ? n - off : step;
		memcpy(buf, d + off, k);
		m = stratum__feed_more(&st, buf, k);
	}
	if (!m && fwd_rec(t, MW_NET_FWD_START, &st, sizeof(st)))
		abort();
	for (; off < n && !m; off += k) {
		k = n - off < step ? n - off : step;
		r = fwd_rec(t, 0, d + off, k);
		if (r < 0)
			abort();
		m = r;
	}
	stratum_fwd__free(t);
	return m;
}

/* Any bytes as the handed-over state, then the input: no crash. */
static void fwd_any_state(const uint8_t *d, size_t n)
{
	struct stratum_scan st;
	struct stratum_fwd *t = stratum_fwd__new(4, 1);
	size_t off, k;

	if (!t || n < sizeof(st))
		goto out;
	memcpy(&st, d, sizeof(st));
	fwd_rec(t, MW_NET_FWD_START, &st, sizeof(st));
	for (off = sizeof(st); off < n; off += k) {
		k = n - off < MW_NET_DATA_MAX ? n - off : MW_NET_DATA_MAX;
		fwd_rec(t, d[off] & 1 ? MW_NET_FWD_GAP : 0, d + off, k);
	}
out:
	stratum_fwd__free(t);
}

/* The whole flow read by one parser with no budget. */
static int feed_unbounded(const uint8_t *d, size_t n)
{
	static unsigned char buf[MW_STRATUM_BUF];
	struct stratum_scan st = {0};
	size_t off, k;
	int m = 0;

	for (off = 0; off < n && !m; off += k) {
		k = n - off < MW_STRATUM_SCAN ? n - off : MW_STRATUM_SCAN;
		memcpy(buf, d + off, k);
		m = stratum__feed_more(&st, buf, k);
	}
	return m;
}

static int str_is(json_t *v, const char *lit)
{
	return json_is_string(v) && json_string_length(v) == strlen(lit) &&
	       memcmp(json_string_value(v), lit, strlen(lit)) == 0;
}

/* What a JSON parser says the message is (0: not stratum). */
static int oracle(const uint8_t *d, size_t n)
{
	json_error_t err;
	json_t *doc, *m, *params;
	int want = 0;
	size_t i, opens = 0;

	if (n > MW_STRATUM_FLOW_BYTES - 64 || memchr(d, '\n', n))
		return -1;
	for (i = 0; i < n; i++)
		opens += d[i] == '{' || d[i] == '[';
	if (opens > MW_STRATUM_DEPTH)
		return -1;
	doc = json_loadb((const char *)d, n, JSON_REJECT_DUPLICATES, &err);
	if (!doc)
		return -1;
	m = json_object_get(doc, "method");
	params = json_object_get(doc, "params");
	if (str_is(m, "login"))
		want =
		    json_is_object(params) && json_object_get(params, "agent")
			? MW_STRATUM_LOGIN
			: 0;
	else if (str_is(m, "mining.subscribe"))
		want = MW_STRATUM_SUBSCRIBE;
	else if (str_is(m, "mining.authorize"))
		want = MW_STRATUM_AUTHORIZE;
	else if (str_is(m, "submit") || str_is(m, "mining.submit"))
		want = MW_STRATUM_SUBMIT;
	else if (str_is(m, "keepalived"))
		want = MW_STRATUM_KEEPALIVED;
	json_decref(doc);
	return want;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t step;
	int whole, split, want;

	if (size < 1)
		return 0;
	step = data[0] % 64 + 1;
	data++, size--;
	/* Packets beyond the flow's packet budget are not read, by design. */
	if ((size + step - 1) / step >= MW_STRATUM_FLOW_PACKETS)
		step = size / (MW_STRATUM_FLOW_PACKETS - 2) + 1;
	whole = feed_split(data, size, MW_STRATUM_SCAN);
	split = feed_split(data, size, step);
	if (whole != split)
		abort();
	want = oracle(data, size);
	if (want > 0 && whole != want)
		abort();
	/* Handed over anywhere: the same answer as no budget at all. */
	if (feed_handover(data, size, step, (size * data[-1]) / 256) !=
	    feed_unbounded(data, size))
		abort();
	fwd_any_state(data, size);
	return 0;
}

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
 *   the byte-level parser agrees with a real JSON parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <linux/types.h>

#include "events.h"
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
	return 0;
}

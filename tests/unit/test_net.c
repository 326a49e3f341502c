/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_net.c - the network sensor's pure logic: the stratum matcher the
 * kernel runs (bpf/stratum.h, same source), DNS answer parsing, and the
 * burst windows behind scan and brute-force alerts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/types.h>
#include "events.h"
#include "stratum.h"
#include "sensors/dns.h"
#include "sensors/net_burst.h"

#define SEC 1000000000ULL

/* --- stratum ------------------------------------------------------------ */

static int match(const char *s)
{
	static unsigned char buf[MW_STRATUM_BUF];
	size_t n = strlen(s);

	memset(buf, 0, sizeof(buf));
	if (n > MW_NET_DATA_MAX)
		n = MW_NET_DATA_MAX;
	memcpy(buf, s, n);
	return stratum__match(buf, n);
}

static void test_stratum_methods(void **state)
{
	static const struct {
		const char *payload;
		int want;
	} cases[] = {
	    {"{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"login\",\"params\":{"
	     "\"login\":\"4A\",\"pass\":\"x\",\"agent\":\"XMRig/6.21.0\"}}\n",
	     MW_STRATUM_LOGIN},
	    /* Whitespace the way some miners format it. */
	    {"  {\"id\": 1, \"method\" : \"login\", \"params\": {\"agent\": "
	     "\"xmr-stak/2.10\"}}\n",
	     MW_STRATUM_LOGIN},
	    {"{\"id\":1,\"method\":\"mining.subscribe\",\"params\":["
	     "\"cpuminer\"]}"
	     "\n",
	     MW_STRATUM_SUBSCRIBE},
	    {"{\"params\":[\"w\",\"x\"],\"id\":2,\"method\":\"mining."
	     "authorize\"}\n",
	     MW_STRATUM_AUTHORIZE},
	    {"{\"id\":4,\"method\":\"submit\",\"params\":{\"id\":\"1\","
	     "\"nonce\":"
	     "\"a\"}}\n",
	     MW_STRATUM_SUBMIT},
	    {"{\"id\":5,\"method\":\"mining.submit\",\"params\":[]}\n",
	     MW_STRATUM_SUBMIT},
	    {"{\"id\":6,\"jsonrpc\":\"2.0\",\"method\":\"keepalived\","
	     "\"params\":"
	     "{\"id\":\"x\"}}\n",
	     MW_STRATUM_KEEPALIVED},
	    /* JSON-RPC login without an agent: some web API, not XMRig. */
	    {"{\"id\":1,\"method\":\"login\",\"params\":{\"user\":\"a\"}}",
	     MW_STRATUM_NONE},
	    /* Other protocols. */
	    {"GET / HTTP/1.1\r\nHost: "
	     "x\r\n\r\n{\"method\":\"login\",\"agent\":1}",
	     MW_STRATUM_NONE},
	    {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", MW_STRATUM_NONE},
	    {"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", MW_STRATUM_NONE},
	    {"{\"jsonrpc\":\"2.0\",\"method\":\"eth_blockNumber\",\"id\":1}",
	     MW_STRATUM_NONE},
	    /* A method name that only starts like one. */
	    {"{\"method\":\"submitted\",\"id\":1}", MW_STRATUM_NONE},
	    {"{\"method\":\"login", MW_STRATUM_NONE},
	    {"", MW_STRATUM_NONE},
	    {"{", MW_STRATUM_NONE},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = match(cases[i].payload);

		if (got != cases[i].want)
			fail_msg("case %zu: got %d, want %d: %s", i, got,
				 cases[i].want, cases[i].payload);
	}
}

/* Read as JSON: what a byte search got wrong, each in one buffer. */
static void test_stratum_json(void **state)
{
	static const struct {
		const char *payload;
		int want;
	} cases[] = {
	    /* The decoy: a "method" string before the real key, 16 spaces
	     * before the JSON. */
	    {"                {\"id\":\"\\\"method\\\":\\\"x\\\"\",\"x\":\"method\","
	     "\"method\":\"login\",\"params\":{\"agent\":\"XMRig/6\"}}\n",
	     MW_STRATUM_LOGIN},
	    /* Whitespace, any amount, anywhere between tokens. */
	    {"{   \t\r   \"method\"       :       \"mining.subscribe\"   }",
	     MW_STRATUM_SUBSCRIBE},
	    /* Key order: params (with the agent) before method. */
	    {"{\"params\":{\"pass\":\"x\",\"agent\":\"a\"},\"method\":\"login\"}",
	     MW_STRATUM_LOGIN},
	    /* \\u-escaped keys and values. */
	    {"{\"\\u006dethod\":\"l\\u006Fgin\",\"params\":{\"\\u0061gent\":1}}",
	     MW_STRATUM_LOGIN},
	    {"{\"meth\\u006fd\":\"mining\\u002esubscribe\"}", MW_STRATUM_SUBSCRIBE},
	    /* Junk lines and bytes before the message. */
	    {"\x01\x02garbage\r\nmore junk }}]]\n{\"method\":\"submit\"}",
	     MW_STRATUM_SUBMIT},
	    /* A decoy second "method" with another value does not hide it. */
	    {"{\"method\":\"eth_call\",\"method\":\"mining.authorize\"}",
	     MW_STRATUM_AUTHORIZE},
	    /* Not the key: in a string, in a nested object, in an array. */
	    {"{\"note\":\"\\\"method\\\":\\\"mining.subscribe\\\"\"}", MW_STRATUM_NONE},
	    {"{\"a\":{\"method\":\"mining.subscribe\"}}", MW_STRATUM_NONE},
	    {"{\"a\":[\"method\",\"mining.subscribe\"]}", MW_STRATUM_NONE},
	    /* The agent must be a key of params, not a value or elsewhere. */
	    {"{\"method\":\"login\",\"params\":{\"x\":\"agent\"}}", MW_STRATUM_NONE},
	    {"{\"method\":\"login\",\"params\":{\"x\":{\"agent\":1}}}",
	     MW_STRATUM_NONE},
	    /* A newline ends a message: no key/value pairs across lines. */
	    {"{\"method\":\n\"mining.subscribe\"}", MW_STRATUM_NONE},
	    /* Escaped into something else is something else. */
	    {"{\"method\":\"login\\u0000\",\"params\":{\"agent\":1}}",
	     MW_STRATUM_NONE},
	    {"{\"method\":\"\\u00e9login\",\"params\":{\"agent\":1}}",
	     MW_STRATUM_NONE},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = match(cases[i].payload);

		if (got != cases[i].want)
			fail_msg("case %zu: got %d, want %d: %s", i, got,
				 cases[i].want, cases[i].payload);
	}
}

/* Feed s in pieces of step bytes, as packets of one flow. */
static int match_split(const char *s, size_t step)
{
	static unsigned char buf[MW_STRATUM_BUF];
	struct stratum_scan st = {0};
	size_t n = strlen(s), off, k;
	int m = 0;

	for (off = 0; off < n && !m; off += k) {
		k = n - off < step ? n - off : step;
		memset(buf, 0, sizeof(buf));
		memcpy(buf, s + off, k);
		st.packets++;
		m = stratum__feed(&st, buf, k);
		if (!m && stratum__spent(&st))
			break;
	}
	return m;
}

/* A message split across packets, at every byte; tiny junk packets first. */
static void test_stratum_split(void **state)
{
	const char *msg = "{\"id\":1,\"method\":\"login\",\"params\":{\"login\":"
			  "\"4A\",\"agent\":\"XMRig/6.21.0\"}}\n";
	char junk[256];
	size_t step;

	for (step = 1; step <= strlen(msg); step++)
		if (match_split(msg, step) != MW_STRATUM_LOGIN)
			fail_msg("split every %zu bytes: not recognised", step);
	/* Three (or thirty) tiny junk packets do not spend the budget. */
	snprintf(junk, sizeof(junk), "a\nb\nc\n%s", msg);
	assert_int_equal(match_split(junk, 2), MW_STRATUM_LOGIN);
}

/* The budget is bytes per flow: whitespace padding inside it is read. */
static void test_stratum_window(void **state)
{
	static char big[MW_STRATUM_FLOW_BYTES + 200];
	int pad;

	pad = 2000;
	snprintf(big, sizeof(big),
		 "{\"pad\":\"%*s\",%*s\"method\":\"mining.subscribe\"}", pad, "",
		 pad, "");
	assert_int_equal(match_split(big, MW_NET_DATA_MAX),
			 MW_STRATUM_SUBSCRIBE);
	/* Past the flow's byte budget: given up. */
	pad = MW_STRATUM_FLOW_BYTES;
	snprintf(big, sizeof(big),
		 "{\"pad\":\"%*s\",\"method\":\"mining.subscribe\"}", pad - 20,
		 "");
	assert_int_equal(match_split(big, MW_NET_DATA_MAX), MW_STRATUM_NONE);
	/* Nesting past MW_STRATUM_DEPTH gives up until the next line. */
	memset(big, '[', 40);
	snprintf(big + 40, sizeof(big) - 40, "\n{\"method\":\"submit\"}");
	big[0] = '{';
	big[1] = '"';
	big[2] = 'a';
	big[3] = '"';
	big[4] = ':';
	assert_int_equal(match_split(big, 7), MW_STRATUM_SUBMIT);
}

/* --- DNS ---------------------------------------------------------------- */

/* A response for name with the given answer records appended. */
static size_t dns_msg(uint8_t *m, const char *name, const uint8_t *answers,
		      size_t alen, int ancount)
{
	size_t o = 12;
	const char *s = name;

	memset(m, 0, 12);
	m[0] = 0x12;
	m[2] = 0x81;
	m[3] = 0x80;
	m[5] = 1;
	m[7] = ancount;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		m[o++] = l;
		memcpy(m + o, s, l);
		o += l;
		s += l + (dot ? 1 : 0);
	}
	m[o++] = 0;
	memcpy(m + o, "\x00\x01\x00\x01", 4);
	o += 4;
	memcpy(m + o, answers, alen);
	return o + alen;
}

static void test_dns_a_aaaa_cname(void **state)
{
	/* CNAME -> (pointer) then A and AAAA for the target. */
	static const uint8_t ans[] =
	    "\xc0\x0c\x00\x05\x00\x01\x00\x00\x00\x3c\x00\x06\x03pxy\xc0\x10"
	    "\xc0\x2d\x00\x01\x00\x01\x00\x00\x01\x00\x00\x04\xc6\x33\x64\x07"
	    "\xc0\x2d\x00\x1c\x00\x01\x00\x00\x00\x3c\x00\x10"
	    "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x07";
	uint8_t m[512];
	struct dns_answer a;
	char ip[64];
	size_t n = dns_msg(m, "Pool.SupportXMR.com", ans, sizeof(ans) - 1, 3);

	assert_int_equal(dns__parse(m, n, &a), 0);
	assert_string_equal(a.name, "pool.supportxmr.com");
	assert_int_equal(a.n, 2);
	assert_int_equal(a.a[0].family, AF_INET);
	inet_ntop(AF_INET, a.a[0].addr, ip, sizeof(ip));
	assert_string_equal(ip, "198.51.100.7");
	assert_int_equal(a.a[0].ttl, 256);
	assert_int_equal(a.a[1].family, AF_INET6);
	inet_ntop(AF_INET6, a.a[1].addr, ip, sizeof(ip));
	assert_string_equal(ip, "2001:db8::7");
}

static void test_dns_malformed(void **state)
{
	uint8_t m[512];
	struct dns_answer a;
	size_t n, i;

	/* A query (QR clear), too short, no answers. */
	n = dns_msg(m, "a.example", NULL, 0, 0);
	assert_int_equal(dns__parse(m, n, &a), -ENOENT);
	m[2] = 0x01;
	assert_int_equal(dns__parse(m, n, &a), -EINVAL);
	assert_int_equal(dns__parse(m, 5, &a), -EINVAL);
	/* A compression loop: a pointer to itself. */
	n = dns_msg(m, "a.example", (const uint8_t *)"\xc0\x1b", 2, 1);
	m[12] = 0xc0;
	m[13] = 12;
	assert_int_equal(dns__parse(m, n, &a), -EINVAL);
	/* Truncated at every length: never reads past the end (ASan). */
	n = dns_msg(m, "b.example",
		    (const uint8_t *)"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c"
				     "\x00\x04\x0a\x00\x00\x01",
		    16, 1);
	assert_int_equal(dns__parse(m, n, &a), 0);
	for (i = 0; i < n; i++)
		dns__parse(m, i, &a);
	/* rdlength beyond the message. */
	m[n - 5] = 0xff;
	assert_int_not_equal(dns__parse(m, n, &a), 0);
}

/* --- bursts ------------------------------------------------------------- */

static const struct burst_params params = {
    .idle_ns = 2 * SEC,
    .max_ns = 10 * SEC,
    .fanout_hosts = 32,
    .fanout_ports = 32,
    .brute_count = 10,
    .login_idle_ns = 2 * SEC,
    .login_max_ns = 10 * SEC,
};

static void addr4(uint8_t *a, int last)
{
	memset(a, 0, 16);
	a[0] = 198;
	a[1] = 51;
	a[2] = 100;
	a[3] = last;
}

static void test_burst_fanout_once(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t a[16];
	int i;

	assert_non_null(b);
	for (i = 1; i <= 200; i++) {
		addr4(a, i);
		burst__connect(b, SEC + i * 1000000ULL, 42, "scan", AF_INET, a,
			       445);
	}
	/* Still going: the crossing is reported, once. */
	assert_true(burst__next(b, SEC + 1 * SEC, &r));
	assert_true(r.crossing);
	assert_int_equal(r.hosts, 200);
	assert_false(burst__next(b, SEC + 1 * SEC, &r));
	/* Idle for 2 s: exactly one report with the counts. */
	assert_true(burst__next(b, 4 * SEC, &r));
	assert_false(r.crossing);
	assert_int_equal(r.kind, BURST_FANOUT);
	assert_int_equal(r.pid, 42);
	assert_string_equal(r.comm, "scan");
	assert_int_equal(r.hosts, 200);
	assert_int_equal(r.ports, 1);
	assert_int_equal(r.count, 200);
	assert_false(burst__next(b, 4 * SEC, &r));
	burst__free(b);
}

/* The crossing is reported at the connect that crosses, not at the end. */
static void test_burst_fanout_crossing(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t a[16];
	int i;

	for (i = 1; i < params.fanout_hosts; i++) {
		addr4(a, i);
		burst__connect(b, i * 1000000ULL, 5, "scan", AF_INET, a, 445);
		assert_false(burst__next(b, i * 1000000ULL, &r));
	}
	addr4(a, i);
	burst__connect(b, i * 1000000ULL, 5, "scan", AF_INET, a, 445);
	assert_true(burst__next(b, i * 1000000ULL, &r));
	assert_true(r.crossing);
	assert_int_equal(r.kind, BURST_FANOUT);
	assert_int_equal(r.hosts, params.fanout_hosts);
	assert_int_equal(r.pid, 5);
	/* More hosts: no second crossing in the same window. */
	addr4(a, 200);
	burst__connect(b, (i + 1) * 1000000ULL, 5, "scan", AF_INET, a, 445);
	assert_false(burst__next(b, (i + 1) * 1000000ULL, &r));
	burst__free(b);
}

static void test_burst_below_threshold(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t a[16];
	int i;

	/*
	 * A browser: a handful of hosts, repeatedly. Not a scan; the
	 * repeated service shows up as a brute-force candidate, which the
	 * rules only alert on for login ports.
	 */
	for (i = 0; i < 100; i++) {
		addr4(a, i % 5);
		burst__connect(b, i * 10000000ULL, 7, "curl", AF_INET, a, 443);
	}
	while (burst__next(b, 100 * SEC, &r)) {
		assert_int_not_equal(r.kind, BURST_FANOUT);
		assert_int_equal(r.port, 443);
	}
	burst__free(b);
}

static void test_burst_long_scan_windows(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t a[16];
	int i, reports = 0, crossings = 0;
	uint64_t t = 0;

	/* 25 s of one connect per 50 ms to new ports: reported per 10 s. */
	for (i = 0; i < 500; i++) {
		t = i * 50000000ULL;
		addr4(a, 1);
		burst__connect(b, t, 9, "nmap", AF_INET, a, 1 + i);
		while (burst__next(b, t, &r)) {
			reports += r.kind == BURST_FANOUT && !r.crossing;
			crossings += r.crossing;
		}
	}
	while (burst__next(b, t + 3 * SEC, &r)) {
		reports += r.kind == BURST_FANOUT && !r.crossing;
		crossings += r.crossing;
	}
	assert_int_equal(reports, 3);
	assert_int_equal(crossings, 3);
	burst__free(b);
}

static void test_burst_brute_in(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t src[16], src2[16], dst[16];
	int i, n = 0;

	addr4(src, 2);
	addr4(src2, 3);
	addr4(dst, 1);
	for (i = 0; i < 30; i++)
		burst__accept(b, i * 10000000ULL, AF_INET, src, dst, 22);
	/* Another source with a few connections stays quiet. */
	for (i = 0; i < 3; i++)
		burst__accept(b, i * 10000000ULL, AF_INET, src2, dst, 22);
	/* The crossing (at the threshold), then the final counts. */
	while (burst__next(b, 5 * SEC, &r)) {
		n++;
		assert_int_equal(r.kind, BURST_BRUTE_IN);
		assert_int_equal(r.count, 30); /* fed before the first poll */
		assert_true(r.crossing == (n == 1));
		assert_int_equal(r.port, 22);
		assert_memory_equal(r.addr, src, 16);
	}
	assert_int_equal(n, 2);
	burst__free(b);
}

static void test_burst_brute_out(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t dst[16];
	int i, brute = 0, fan = 0;

	addr4(dst, 9);
	/* Polled as the loop does: the crossing comes at the threshold. */
	for (i = 0; i < 40; i++) {
		burst__connect(b, i * 1000000ULL, 77, "hydra", AF_INET, dst,
			       22);
		while (burst__next(b, i * 1000000ULL, &r)) {
			assert_int_equal(r.kind, BURST_BRUTE_OUT);
			assert_true(r.crossing);
			assert_int_equal(r.count, params.brute_count);
			brute++;
		}
	}
	while (burst__next(b, 5 * SEC, &r)) {
		if (r.kind == BURST_BRUTE_OUT) {
			brute++;
			assert_false(r.crossing);
			assert_int_equal(r.count, 40);
			assert_int_equal(r.pid, 77);
			assert_int_equal(r.port, 22);
		}
		fan += r.kind == BURST_FANOUT;
	}
	assert_int_equal(brute, 2);
	assert_int_equal(fan, 0); /* one host, one port: not a scan */
	burst__free(b);
}

/*
 * hydra -t 4 against OpenSSH on Debian 12, as measured: 4 connections
 * every 32 s. With the default windows the login brute force crosses at
 * the third batch (12) and ends 40 s after the last; the same pacing to a
 * web port is no burst at all.
 */
static void test_burst_login_pacing(void **state)
{
	struct burst *b = burst__new(NULL);
	struct burst_report r;
	uint8_t dst[16], src[16];
	int batch, k, crossings = 0, ends = 0, web = 0;
	uint64_t t = 0;

	addr4(dst, 1);
	addr4(src, 2);
	for (batch = 0; batch < 4; batch++) {
		for (k = 0; k < 4; k++) {
			t = batch * 32 * SEC + k * 1000000ULL;
			burst__connect(b, t, 88, "hydra", AF_INET, dst, 22);
			burst__accept(b, t, AF_INET, src, dst, 22);
			burst__connect(b, t, 89, "curl", AF_INET, dst, 443);
		}
		while (burst__next(b, t, &r)) {
			web += r.port == 443;
			if (r.crossing) {
				assert_int_equal(batch, 2);
				assert_int_equal(r.count, 12);
				crossings++;
			}
		}
	}
	while (burst__next(b, t + 41 * SEC, &r)) {
		web += r.port == 443;
		if (!r.crossing) {
			assert_int_equal(r.count, 16);
			ends++;
		}
	}
	assert_int_equal(crossings, 2); /* outbound and inbound */
	assert_int_equal(ends, 2);
	assert_int_equal(web, 0);
	burst__free(b);
}

/* Many processes at once: memory stays bounded, nothing crashes. */
static void test_burst_table_full(void **state)
{
	struct burst *b = burst__new(&params);
	struct burst_report r;
	uint8_t a[16];
	int i;

	for (i = 0; i < 5000; i++) {
		addr4(a, i & 0xff);
		burst__connect(b, i * 1000ULL, 1000 + i, "x", AF_INET, a, 80);
	}
	while (burst__next(b, 100 * SEC, &r))
		;
	burst__free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stratum_methods),
	    cmocka_unit_test(test_stratum_json),
	    cmocka_unit_test(test_stratum_split),
	    cmocka_unit_test(test_stratum_window),
	    cmocka_unit_test(test_dns_a_aaaa_cname),
	    cmocka_unit_test(test_dns_malformed),
	    cmocka_unit_test(test_burst_fanout_once),
	    cmocka_unit_test(test_burst_fanout_crossing),
	    cmocka_unit_test(test_burst_below_threshold),
	    cmocka_unit_test(test_burst_long_scan_windows),
	    cmocka_unit_test(test_burst_brute_in),
	    cmocka_unit_test(test_burst_brute_out),
	    cmocka_unit_test(test_burst_login_pacing),
	    cmocka_unit_test(test_burst_table_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_tls.c - the TLS ClientHello decoder (user/sensors/tls.c) and the
 * record check the kernel runs (bpf/tls_record.h, same source): server
 * name, JA4-style fingerprint, hellos cut by the kernel's copy limit, and
 * malformed lengths.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/types.h>
#include "events.h"
#include "tls_record.h"
#include "sensors/hosts.h"
#include "sensors/tls.h"
#include <arpa/inet.h>
#include <sys/socket.h>

/*
 * A real ClientHello: Python 3 ssl (OpenSSL 3) to server_hostname
 * "pool.example-mine.test" with ALPN h2, http/1.1. 517 bytes: OpenSSL pads
 * it to 512 + 5, so the kernel's 512-byte copy cuts it inside the padding
 * extension, which is the last one.
 */
static const uint8_t openssl_hello[] = {
    0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xac,
    0x9c, 0x8e, 0x95, 0xee, 0xf2, 0x25, 0x5c, 0x9f, 0x74, 0xe5, 0xdf, 0x35,
    0xe0, 0x3a, 0xd6, 0xa8, 0xdb, 0xd8, 0x91, 0x14, 0xc2, 0x41, 0x0a, 0x13,
    0x86, 0x0b, 0xec, 0xf9, 0x9d, 0x8f, 0x70, 0x20, 0x84, 0x3f, 0x53, 0x1d,
    0x67, 0x29, 0x2c, 0x3a, 0xf9, 0xcd, 0x41, 0xeb, 0xb1, 0x7a, 0x60, 0xed,
    0xe1, 0x57, 0xc0, 0x18, 0x88, 0xb2, 0x17, 0x75, 0x24, 0x51, 0xc0, 0x22,
    0x0b, 0x21, 0x9c, 0xb8, 0x00, 0x24, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01,
    0xc0, 0x2c, 0xc0, 0x30, 0xc0, 0x2b, 0xc0, 0x2f, 0xcc, 0xa9, 0xcc, 0xa8,
    0xc0, 0x24, 0xc0, 0x28, 0xc0, 0x23, 0xc0, 0x27, 0x00, 0x9f, 0x00, 0x9e,
    0x00, 0x6b, 0x00, 0x67, 0x00, 0xff, 0x01, 0x00, 0x01, 0x8f, 0x00, 0x00,
    0x00, 0x1b, 0x00, 0x19, 0x00, 0x00, 0x16, 0x70, 0x6f, 0x6f, 0x6c, 0x2e,
    0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2d, 0x6d, 0x69, 0x6e, 0x65,
    0x2e, 0x74, 0x65, 0x73, 0x74, 0x00, 0x0b, 0x00, 0x04, 0x03, 0x00, 0x01,
    0x02, 0x00, 0x0a, 0x00, 0x16, 0x00, 0x14, 0x00, 0x1d, 0x00, 0x17, 0x00,
    0x1e, 0x00, 0x19, 0x00, 0x18, 0x01, 0x00, 0x01, 0x01, 0x01, 0x02, 0x01,
    0x03, 0x01, 0x04, 0x00, 0x23, 0x00, 0x00, 0x00, 0x10, 0x00, 0x0e, 0x00,
    0x0c, 0x02, 0x68, 0x32, 0x08, 0x68, 0x74, 0x74, 0x70, 0x2f, 0x31, 0x2e,
    0x31, 0x00, 0x16, 0x00, 0x00, 0x00, 0x17, 0x00, 0x00, 0x00, 0x0d, 0x00,
    0x2a, 0x00, 0x28, 0x04, 0x03, 0x05, 0x03, 0x06, 0x03, 0x08, 0x07, 0x08,
    0x08, 0x08, 0x09, 0x08, 0x0a, 0x08, 0x0b, 0x08, 0x04, 0x08, 0x05, 0x08,
    0x06, 0x04, 0x01, 0x05, 0x01, 0x06, 0x01, 0x03, 0x03, 0x03, 0x01, 0x03,
    0x02, 0x04, 0x02, 0x05, 0x02, 0x06, 0x02, 0x00, 0x2b, 0x00, 0x05, 0x04,
    0x03, 0x04, 0x03, 0x03, 0x00, 0x2d, 0x00, 0x02, 0x01, 0x01, 0x00, 0x33,
    0x00, 0x26, 0x00, 0x24, 0x00, 0x1d, 0x00, 0x20, 0xe5, 0xcf, 0xbe, 0xf4,
    0x9b, 0x24, 0x06, 0x1c, 0xe7, 0x5a, 0x40, 0x34, 0x52, 0x12, 0x0d, 0x33,
    0x58, 0xc2, 0xf7, 0x2c, 0xcd, 0x2f, 0xb6, 0x76, 0xcd, 0x6c, 0x6b, 0x09,
    0x3b, 0xbe, 0x0c, 0x78, 0x00, 0x15, 0x00, 0xc5, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00,
};

static void test_real_hello(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_int_equal(sizeof(openssl_hello), 517);
	assert_true(tls__client_hello(openssl_hello, sizeof(openssl_hello)));
	assert_int_equal(
	    tls__parse_hello(openssl_hello, sizeof(openssl_hello), &h), 0);
	assert_string_equal(h.sni, "pool.example-mine.test");
	assert_int_equal(h.version, 0x0304);
	assert_false(h.truncated);
	/* TLS 1.3, SNI, 18 ciphers, 12 extensions, ALPN h2. */
	assert_string_equal(h.ja4, "t13d1812h2_85036bcba153_d41ae481755e");
	assert_string_equal(tls__version_str(h.version), "1.3");
}

/* What the kernel sends: the first MW_NET_DATA_MAX bytes. */
static void test_cut_in_padding(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_int_equal(tls__parse_hello(openssl_hello, MW_NET_DATA_MAX, &h),
			 0);
	assert_string_equal(h.sni, "pool.example-mine.test");
	assert_false(h.truncated);
	assert_string_equal(h.ja4, "t13d1812h2_85036bcba153_d41ae481755e");
}

/* Cut before the end: the name (early) is kept, no fingerprint. */
static void test_cut_early(void **state)
{
	struct tls_hello h;

	(void)state;
	assert_int_equal(tls__parse_hello(openssl_hello, 200, &h), 0);
	assert_string_equal(h.sni, "pool.example-mine.test");
	assert_true(h.truncated);
	assert_string_equal(h.ja4, "");
	assert_int_equal(tls__parse_hello(openssl_hello, 60, &h), 0);
	assert_string_equal(h.sni, "");
	assert_true(h.truncated);
}

/* Every prefix parses or is refused; none reads past its end (ASan). */
static void test_every_prefix(void **state)
{
	struct tls_hello h;
	size_t n;

	(void)state;
	for (n = 0; n <= sizeof(openssl_hello); n++) {
		uint8_t *b = malloc(n ? n : 1);
		int ret;

		memcpy(b, openssl_hello, n);
		ret = tls__parse_hello(b, n, &h);
		if (n < MW_TLS_HEADER)
			assert_int_equal(ret, -EINVAL);
		else
			assert_int_equal(ret, 0);
		free(b);
	}
}

/* A hand-built TLS 1.2 hello; returns its length. */
static size_t build(uint8_t *b, const uint8_t *ciphers, size_t nc,
		    const uint8_t *exts, size_t ne)
{
	size_t n = 0, hs;

	memcpy(b, "\x16\x03\x01\x00\x00\x01\x00\x00\x00\x03\x03", 11);
	n = 11;
	memset(b + n, 0x55, 32); /* random */
	n += 32;
	b[n++] = 0; /* no session id */
	b[n++] = nc >> 8;
	b[n++] = nc & 0xff;
	memcpy(b + n, ciphers, nc);
	n += nc;
	b[n++] = 1; /* compression: null */
	b[n++] = 0;
	if (exts) {
		b[n++] = ne >> 8;
		b[n++] = ne & 0xff;
		memcpy(b + n, exts, ne);
		n += ne;
	}
	hs = n - 9;
	b[3] = (n - 5) >> 8;
	b[4] = (n - 5) & 0xff;
	b[7] = hs >> 8;
	b[8] = hs & 0xff;
	return n;
}

static const uint8_t ciphers[] = {0x0a, 0x0a, 0xc0, 0x2f, 0x00, 0x2f};
static const uint8_t exts[] = {
    0x1a, 0x1a, 0x00, 0x00,				  /* GREASE */
    0x00, 0x00, 0x00, 0x11, 0x00, 0x0f, 0x00, 0x00, 0x0c, /* SNI */
    'p',  'o',	'o',  'l',  '.',  'e',	'x',  'a',  'm',  'p',	'l',
    'e',  0x00, 0x10, 0x00, 0x05, 0x00, 0x03, 0x02, 'h',  '2',	/* ALPN */
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,				/* ec formats */
    0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x1d,		/* groups */
    0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x08, 0x04, /* sigs */
};

static void test_built_hello(void **state)
{
	uint8_t b[512];
	struct tls_hello h;
	size_t n = build(b, ciphers, sizeof(ciphers), exts, sizeof(exts));

	(void)state;
	assert_int_equal(tls__parse_hello(b, n, &h), 0);
	assert_string_equal(h.sni, "pool.example");
	/*
	 * GREASE left out; SNI and ALPN counted, not hashed. Hashes checked
	 * with Python: sha256("002f,c02f")[:12], and
	 * sha256("000a,000b,000d_0403,0804")[:12].
	 */
	assert_string_equal(h.ja4, "t12d0205h2_37f356531c84_876bcc86782c");
}

static void test_no_extensions(void **state)
{
	uint8_t b[512];
	struct tls_hello h;
	size_t n = build(b, ciphers + 4, 2, NULL, 0);

	(void)state;
	assert_int_equal(tls__parse_hello(b, n, &h), 0);
	assert_string_equal(h.sni, "");
	/* sha256("002f")[:12]; no extensions: zeros. */
	assert_string_equal(h.ja4, "t12i010000_ba72b8082249_000000000000");
}

/* Lengths that point past their container are refused. */
static void test_malformed(void **state)
{
	uint8_t b[512];
	struct tls_hello h;
	size_t n = build(b, ciphers, sizeof(ciphers), exts, sizeof(exts));
	size_t ext_len_at = 9 + 2 + 32 + 1 + 2 + sizeof(ciphers) + 2;

	(void)state;
	b[ext_len_at + 1] += 1; /* extensions one byte longer than the hello */
	assert_int_equal(tls__parse_hello(b, n, &h), -EINVAL);
	n = build(b, ciphers, sizeof(ciphers), exts, sizeof(exts));
	b[9 + 2 + 32] = 200; /* a session id longer than the hello */
	assert_int_equal(tls__parse_hello(b, n, &h), -EINVAL);
	n = build(b, ciphers, 3, NULL, 0); /* odd cipher list */
	assert_int_equal(tls__parse_hello(b, n, &h), -EINVAL);
	n = build(b, ciphers, sizeof(ciphers), exts, sizeof(exts));
	b[7] = 0xff; /* handshake longer than its record */
	assert_int_equal(tls__parse_hello(b, n, &h), -EINVAL);
	assert_int_equal(tls__parse_hello(NULL, 0, &h), -EINVAL);
}

/* The kernel's check: only a handshake record holding a ClientHello. */
static void test_record_check(void **state)
{
	static const char *not_tls[] = {
	    "{\"id\":1,\"method\":\"login\",\"params\":{}}",
	    "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	    "SSH-2.0-OpenSSH_9.2\r\n",
	};
	uint8_t b[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(not_tls) / sizeof(not_tls[0]); i++)
		assert_false(tls__client_hello((const uint8_t *)not_tls[i],
					       strlen(not_tls[i])));
	memcpy(b, openssl_hello, sizeof(b));
	assert_true(tls__client_hello(b, sizeof(b)));
	b[5] = 2; /* ServerHello */
	assert_false(tls__client_hello(b, sizeof(b)));
	memcpy(b, openssl_hello, sizeof(b));
	b[0] = 23; /* application data */
	assert_false(tls__client_hello(b, sizeof(b)));
	assert_false(tls__client_hello(openssl_hello, 8));
}

/* The name a hosts file gives an address (no SNI, no DNS: XMRig 6.16). */
static void test_hosts(void **state)
{
	static const char text[] =
	    "127.0.0.1\tlocalhost\n"
	    "::1 localhost ip6-localhost ip6-loopback\n"
	    "# 10.0.0.9 commented.example\n"
	    "10.0.0.7   gulf.moneroocean.stream  gulf # pinned\n"
	    "127.0.0.1 eu.pool.mw-test-mining.example\n"
	    "2001:db8::5 v6.pool.example\n";
	uint8_t a4[4], a6[16];
	char out[256];

	(void)state;
	inet_pton(AF_INET, "10.0.0.7", a4);
	assert_int_equal(hosts__parse(text, AF_INET, a4, out, sizeof(out)), 0);
	assert_string_equal(out, "gulf.moneroocean.stream");
	/* localhost aliases are skipped: the next line names it. */
	inet_pton(AF_INET, "127.0.0.1", a4);
	assert_int_equal(hosts__parse(text, AF_INET, a4, out, sizeof(out)), 0);
	assert_string_equal(out, "eu.pool.mw-test-mining.example");
	inet_pton(AF_INET6, "2001:db8::5", a6);
	assert_int_equal(hosts__parse(text, AF_INET6, a6, out, sizeof(out)), 0);
	assert_string_equal(out, "v6.pool.example");
	inet_pton(AF_INET6, "::1", a6);
	assert_int_equal(hosts__parse(text, AF_INET6, a6, out, sizeof(out)),
			 -ENOENT);
	inet_pton(AF_INET, "10.0.0.9", a4);
	assert_int_equal(hosts__parse(text, AF_INET, a4, out, sizeof(out)),
			 -ENOENT);
	/* A name longer than the room is not cut: skipped. */
	inet_pton(AF_INET, "10.0.0.7", a4);
	assert_int_equal(hosts__parse(text, AF_INET, a4, out, 10), 0);
	assert_string_equal(out, "gulf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_real_hello),
	    cmocka_unit_test(test_cut_in_padding),
	    cmocka_unit_test(test_cut_early),
	    cmocka_unit_test(test_every_prefix),
	    cmocka_unit_test(test_built_hello),
	    cmocka_unit_test(test_no_extensions),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_record_check),
	    cmocka_unit_test(test_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

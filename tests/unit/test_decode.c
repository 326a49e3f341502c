// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: ring buffer records are bounds-checked before use. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sensors/decode.h"

static union {
	struct mw_exec_event e;
	char raw[sizeof(struct mw_exec_event) + 256];
} buf;

/* Build a well-formed exec record; returns its size. */
static size_t build_exec(void)
{
	static const char data[] =
	    "/usr/bin/xmrig\0xmrig\0-o\0pool\0/root\0./xmrig";
	size_t size = sizeof(buf.e) + sizeof(data);

	memset(&buf, 0, sizeof(buf));
	buf.e.hdr.type = MW_EV_EXEC;
	buf.e.hdr.size = size;
	buf.e.exe_len = strlen("/usr/bin/xmrig");
	buf.e.args_len = sizeof("xmrig\0-o\0pool"); /* NULs included */
	buf.e.cwd_len = strlen("/root");
	buf.e.filename_len = strlen("./xmrig");
	memcpy(buf.e.data, data, sizeof(data));
	return size;
}

static void test_exec_ok(void **state)
{
	size_t size = build_exec();
	struct exec_view v;

	assert_int_equal(decode__exec(&buf, size, &v), 0);
	assert_string_equal(v.exe, "/usr/bin/xmrig");
	assert_int_equal(v.args_len, 14);
	assert_memory_equal(v.args, "xmrig\0-o\0pool", 14);
	assert_string_equal(v.cwd, "/root");
	assert_string_equal(v.filename, "./xmrig");
}

static void test_exec_malformed(void **state)
{
	struct exec_view v;
	size_t size;

	size = build_exec();
	assert_int_equal(decode__exec(&buf, sizeof(buf.e) - 1, &v), -EINVAL);

	size = build_exec();
	buf.e.hdr.size = size + 1; /* claims more than we got */
	assert_int_equal(decode__exec(&buf, size, &v), -EINVAL);

	size = build_exec();
	buf.e.exe_len = 200; /* string runs past the end */
	assert_int_equal(decode__exec(&buf, size, &v), -EINVAL);

	size = build_exec();
	buf.e.exe_len = 3; /* no NUL where the length says */
	assert_int_equal(decode__exec(&buf, size, &v), -EINVAL);

	size = build_exec();
	buf.e.args_len = 0xffff; /* args past the end */
	assert_int_equal(decode__exec(&buf, size, &v), -EINVAL);

	size = build_exec();
	buf.e.hdr.type = MW_EV_EXIT; /* wrong tag */
	assert_int_equal(decode__exec(&buf, size, &v), -EINVAL);
}

static union {
	struct mw_deny_event e;
	char raw[sizeof(struct mw_deny_event) + 64];
} dbuf;

/* A refused write to /etc/cron.d/x as lsm.bpf.c sends it; its size. */
static size_t build_deny(void)
{
	static const char data[] = "/etc/cron.d\0x";
	size_t size = sizeof(dbuf.e) + sizeof(data);

	memset(&dbuf, 0, sizeof(dbuf));
	dbuf.e.hdr.type = MW_EV_DENY;
	dbuf.e.hdr.size = size;
	dbuf.e.op = MW_DENY_OP_OPEN_WRITE;
	dbuf.e.path_len = strlen("/etc/cron.d");
	dbuf.e.name_len = 1;
	memcpy(dbuf.e.data, data, sizeof(data));
	return size;
}

static void test_deny(void **state)
{
	struct deny_view v;
	size_t size = build_deny();

	assert_int_equal(decode__deny(&dbuf, size, &v), 0);
	assert_string_equal(v.path, "/etc/cron.d");
	assert_string_equal(v.name, "x");
	/* shorter than it says, lengths past the end, a missing NUL */
	assert_int_equal(decode__deny(&dbuf, size - 1, &v), -EINVAL);
	dbuf.e.name_len = 40;
	assert_int_equal(decode__deny(&dbuf, size, &v), -EINVAL);
	size = build_deny();
	dbuf.e.path_len = 3;
	assert_int_equal(decode__deny(&dbuf, size, &v), -EINVAL);
	/* an operation the kernel side never sends */
	size = build_deny();
	dbuf.e.op = 99;
	assert_int_equal(decode__deny(&dbuf, size, &v), -EINVAL);
	size = build_deny();
	dbuf.e.hdr.type = MW_EV_FILE;
	assert_int_equal(decode__deny(&dbuf, size, &v), -EINVAL);
}

static void test_hdr(void **state)
{
	const struct mw_hdr *h;
	size_t size = build_exec();

	assert_int_equal(decode__hdr(&buf, size, &h), 0);
	assert_ptr_equal(h, &buf.e.hdr);
	assert_int_equal(decode__hdr(&buf, sizeof(struct mw_hdr) - 1, &h),
			 -EINVAL);
	buf.e.hdr.size = 4;
	assert_int_equal(decode__hdr(&buf, size, &h), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exec_ok),
	    cmocka_unit_test(test_exec_malformed),
	    cmocka_unit_test(test_hdr),
	    cmocka_unit_test(test_deny),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}

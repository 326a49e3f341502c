// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: hostile bytes become valid UTF-8 JSON, losslessly escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/jsonx.h"

struct san_case {
	const char *in;
	size_t len;
	const char *want;
	int changed;
};

static void test_sanitize_table(void **state)
{
	static const struct san_case cases[] = {
	    {"plain", 5, "plain", 0},
	    {"caf\xc3\xa9", 5, "caf\xc3\xa9", 0},	    /* valid 2-byte */
	    {"\xe2\x82\xac", 3, "\xe2\x82\xac", 0},	    /* euro sign */
	    {"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80", 0}, /* emoji */
	    {"a\xffz", 3, "a\\xffz", 1},		    /* invalid byte */
	    {"\xc3", 1, "\\xc3", 1},			    /* truncated seq */
	    {"\xc0\xaf", 2, "\\xc0\\xaf", 1},		    /* overlong '/' */
	    {"\xed\xa0\x80", 3, "\\xed\\xa0\\x80", 1},	    /* surrogate */
	    {"\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80", 1}, /* > U+10FFFF */
	    {"a\0b", 3, "a\\x00b", 1}, /* embedded NUL */
	    {"", 0, "", 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int changed = -1;
		char *out =
		    jsonx_utf8_sanitize(cases[i].in, cases[i].len, &changed);

		assert_non_null(out);
		assert_string_equal(out, cases[i].want);
		assert_int_equal(changed, cases[i].changed);
		free(out);
	}
}

/* Control characters, quotes, newlines: jansson escapes, result parses. */
static void test_hostile_roundtrip(void **state)
{
	const char hostile[] = "evil\"\n\r\t\\name\x01\x1b[31m\xff";
	json_t *doc = json_object(), *back;
	json_error_t jerr;
	char *line;

	json_object_set_new(doc, "p", jsonx_strn(hostile, sizeof(hostile) - 1));
	line = json_dumps(doc, JSON_COMPACT);
	assert_non_null(line);
	assert_null(strchr(line, '\n')); /* one event, one line */
	back = json_loads(line, 0, &jerr);
	assert_non_null(back);
	assert_string_equal(json_string_value(json_object_get(back, "p")),
			    "evil\"\n\r\t\\name\x01\x1b[31m\\xff");
	json_decref(back);
	json_decref(doc);
	free(line);
}

static void test_set_path_nests(void **state)
{
	json_t *doc = json_object();

	jsonx_set_path(doc, "process.parent.name", json_string("bash"));
	jsonx_set_path(doc, "process.pid", json_integer(7));
	jsonx_set_path(doc, "top", json_true());
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(json_object_get(doc, "process"), "parent"),
		"name")),
	    "bash");
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(doc, "process"), "pid")),
			 7);
	assert_true(json_is_true(json_object_get(doc, "top")));
	jsonx_set_path(doc, "x.y", NULL); /* NULL value: no-op */
	assert_null(json_object_get(doc, "x"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sanitize_table),
	    cmocka_unit_test(test_hostile_roundtrip),
	    cmocka_unit_test(test_set_path_nests),
	};

	return cmocka_run_group_tests_name("jsonx", tests, NULL, NULL);
}

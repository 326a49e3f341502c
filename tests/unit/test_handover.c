// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: `minerwatch report` (user/handover/) on small streams:
 * hostile strings escaped in HTML and text, repeats folded, bad lines
 * counted, --from/--to, lineage into one tree, exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "handover/handover.h"

static char dir[] = "/tmp/mw-handover-XXXXXX";
static char in[64], html[64], txt[64];

/* A bash that started a miner named like a script tag with a newline. */
static const char stream[] =
    "{\"@timestamp\":\"2026-12-01T10:00:00.000001Z\",\"event\":{\"kind\":"
    "\"alert\",\"action\":\"exec\",\"severity\":90},\"rule\":{\"id\":"
    "\"MW-MINER-001\",\"name\":\"Known cryptominer executed\"},\"process\":"
    "{\"pid\":20,\"entity_id\":\"e20\",\"name\":\"<script>alert(1)</script>"
    "\",\"executable\":\"/tmp/.x/a\\nb\",\"command_line\":\"./m\",\"parent\":"
    "{\"pid\":10,\"entity_id\":\"e10\",\"name\":\"bash\"}},\"minerwatch\":"
    "{\"ancestry\":[{\"pid\":10,\"entity_id\":\"e10\",\"name\":\"bash\"},"
    "{\"pid\":5,\"entity_id\":\"e5\",\"name\":\"sshd\"}]},\"host\":"
    "{\"hostname\":\"web-01\"}}\n"
    "{\"@timestamp\":\"2026-12-01T10:00:01Z\",\"event\":{\"kind\":\"alert\","
    "\"action\":\"exec\",\"severity\":90},\"rule\":{\"id\":\"MW-MINER-001\","
    "\"name\":\"Known cryptominer executed\"},\"process\":{\"pid\":20,"
    "\"entity_id\":\"e20\"}}\n"
    "{\"@timestamp\":\"2026-12-01T10:00:02Z\",\"event\":{\"kind\":\"event\","
    "\"action\":\"kill\",\"outcome\":\"success\",\"severity\":90},\"rule\":"
    "{\"id\":\"MW-MINER-001\"},\"process\":{\"pid\":20,\"entity_id\":"
    "\"e20\"}}\n"
    "{\"@timestamp\":\"2026-12-01T09:00:00Z\",\"event\":{\"kind\":\"alert\","
    "\"severity\":80},\"rule\":{\"id\":\"MW-PERSIST-001\",\"name\":\"Cron\"},"
    "\"file\":{\"path\":\"/etc/cron.d/x\"}}\n"
    "{\"@timestamp\":\"2026-12-01T09:00:00Z\",\"event\":{\"kind\":\"state\","
    "\"action\":\"health\"}}\n"
    "not json\n"
    "[1,2]\n";

static int setup(void **state)
{
	FILE *f;

	if (!mkdtemp(dir))
		return -1;
	snprintf(in, sizeof(in), "%s/in.json", dir);
	snprintf(html, sizeof(html), "%s/r.html", dir);
	snprintf(txt, sizeof(txt), "%s/r.txt", dir);
	f = fopen(in, "w");
	if (!f)
		return -1;
	fputs(stream, f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	unlink(in);
	unlink(html);
	unlink(txt);
	rmdir(dir);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);

	if (f && buf)
		fread(buf, 1, (1 << 20) - 1, f);
	if (f)
		fclose(f);
	return buf;
}

static int run(const char *a, const char *b, const char *c, const char *d,
	       const char *e)
{
	const char *argv[8] = {"report", a, b, c, d, e, NULL};
	int argc = 1;

	while (argv[argc])
		argc++;
	return handover__main(argc, (char **)argv);
}

static void test_html(void **state)
{
	char *s;

	assert_int_equal(run(in, "-o", html, NULL, NULL), 0);
	s = slurp(html);
	assert_non_null(s);
	/* Hostile strings: escaped, never markup. */
	assert_null(strstr(s, "<script>alert"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	/* Nothing loads from anywhere. */
	assert_non_null(strstr(s, "default-src 'none'"));
	assert_null(strstr(s, "src=\"http"));
	/* Folded: the alert twice, shown once with its count. */
	assert_non_null(strstr(s, "&times;2"));
	/* The tree: sshd > bash > the miner, killed. */
	assert_non_null(strstr(s, "<b>sshd</b>"));
	assert_true(strstr(s, "<b>sshd</b>") < strstr(s, "<b>bash</b>"));
	assert_true(strstr(s, "<b>bash</b>") < strstr(s, "alert(1)"));
	assert_non_null(strstr(s, "killed"));
	assert_non_null(strstr(s, "2 not JSON (skipped)"));
	assert_non_null(strstr(s, "1 process(es) killed"));
	free(s);
}

static void test_text(void **state)
{
	char *s;

	assert_int_equal(run("--from", "2026-12-01T09:30:00Z", in, "-o", txt),
			 0);
	s = slurp(txt);
	assert_non_null(s);
	assert_non_null(strstr(s, "/tmp/.x/a\\x0ab"));
	assert_non_null(strstr(s, "(x2)"));
	assert_non_null(strstr(s, "[KILLED]"));
	/* The 09:00 cron alert and health event are outside --from. */
	assert_null(strstr(s, "/etc/cron.d/x"));
	assert_non_null(strstr(s, "2 outside --from/--to"));
	assert_non_null(strstr(s, "host: web-01"));
	free(s);
}

static void test_usage(void **state)
{
	assert_int_equal(run(in, NULL, NULL, NULL, NULL), 2); /* no -o */
	assert_int_equal(run("--from", "yesterday", in, "-o", txt), 2);
	assert_int_equal(run("/nonexistent/x.json", "-o", txt, NULL, NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_config.c - the config file: every key, refusals that name file and
 * key, all-or-nothing loading, and command-line precedence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"

static char path[64];
/* Strings in the opts point into the loaded configs: kept to the end. */
static struct config *kept[64];
static int n_kept;

static int setup(void **state)
{
	int fd;

	strcpy(path, "/tmp/mw-config-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	while (n_kept)
		config__free(kept[--n_kept]);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Load text; returns the result, err and o filled. */
static int load(const char *text, struct monitor_opts *o, unsigned *set,
		char *err, size_t len)
{
	struct config *c = NULL;
	int ret;

	write_file(text);
	ret = config__load(path, o, set, &c, err, len);
	if (!ret && n_kept < 64)
		kept[n_kept++] = c;
	else
		config__free(c);
	return ret;
}

static void test_every_key(void **state)
{
	struct monitor_opts o = {.stats_interval = 60};
	unsigned set = 0;
	char err[256] = "";

	assert_int_equal(
	    load("{\"rules\": [\"/etc/minerwatch/rules\", \"/x.json\"],"
		 " \"outputs\": [\"stdout\", \"syslog+tcp://127.0.0.1:514\"],"
		 " \"enforce\": true, \"events\": true, \"verbose\": false,"
		 " \"stats_interval\": 30, \"cgroup\": \"/sys/fs/cgroup/k\","
		 " \"pin_dir\": \"/sys/fs/bpf/minerwatch\","
		 " \"control_socket\": \"/run/minerwatch/control.sock\","
		 " \"spool_dir\": \"/var/lib/minerwatch/spool\"}",
		 &o, &set, err, sizeof(err)),
	    0);
	assert_int_equal(o.n_rule_paths, 2);
	assert_string_equal(o.rule_paths[1], "/x.json");
	assert_int_equal(o.n_outputs, 2);
	assert_string_equal(o.outputs[1], "syslog+tcp://127.0.0.1:514");
	assert_true(o.enforce);
	assert_true(o.events);
	assert_false(o.verbose);
	assert_int_equal(o.stats_interval, 30);
	assert_string_equal(o.cgroup, "/sys/fs/cgroup/k");
	assert_string_equal(o.pin_dir, "/sys/fs/bpf/minerwatch");
	assert_string_equal(o.control, "/run/minerwatch/control.sock");
	assert_string_equal(o.spool_dir, "/var/lib/minerwatch/spool");
	assert_int_equal(set, CONFIG_RULES | CONFIG_OUTPUTS | CONFIG_ENFORCE |
				  CONFIG_EVENTS | CONFIG_VERBOSE |
				  CONFIG_STATS | CONFIG_CGROUP | CONFIG_PIN |
				  CONFIG_CONTROL | CONFIG_SPOOL);
}

static void test_string_or_list(void **state)
{
	struct monitor_opts o = {0};
	unsigned set = 0;
	char err[256];

	assert_int_equal(load("{\"rules\": \"/r\", \"outputs\": \"stdout\"}",
			      &o, &set, err, sizeof(err)),
			 0);
	assert_int_equal(o.n_rule_paths, 1);
	assert_string_equal(o.rule_paths[0], "/r");
	assert_int_equal(o.n_outputs, 1);
}

static void test_empty_turns_off(void **state)
{
	struct monitor_opts o = {.pin_dir = "/p", .control = "/c"};
	unsigned set = 0;
	char err[256];

	assert_int_equal(load("{\"pin_dir\": \"\", \"control_socket\": \"\"}",
			      &o, &set, err, sizeof(err)),
			 0);
	assert_null(o.pin_dir);
	assert_null(o.control);
}

static void test_only_present_keys_change(void **state)
{
	struct monitor_opts o = {.stats_interval = 60, .enforce = true};
	unsigned set = 0;
	char err[256];

	assert_int_equal(load("{\"events\": true}", &o, &set, err, sizeof(err)),
			 0);
	assert_int_equal(o.stats_interval, 60);
	assert_true(o.enforce);
	assert_int_equal(set, CONFIG_EVENTS);
}

static const struct {
	const char *text;
	const char *want; /* substring of the message after the path */
} refused[] = {
    {"{\"enforce\": \"yes\"}", "key 'enforce': must be true or false"},
    {"{\"stats_interval\": 90000}",
     "key 'stats_interval': 90000 is out of range 0-86400"},
    {"{\"stats_interval\": -1}", "key 'stats_interval': -1 is out of range"},
    {"{\"stats_interval\": 1.5}", "key 'stats_interval': must be an integer"},
    {"{\"rules\": 3}", "key 'rules': must be a string or an array"},
    {"{\"rules\": [\"a\", 1]}", "key 'rules': entries must be non-empty"},
    {"{\"outputs\": [\"\"]}", "key 'outputs': entries must be non-empty"},
    {"{\"cgroup\": 1}", "key 'cgroup': must be a string"},
    {"{\"spool_dir\": \"\"}", "key 'spool_dir': must not be empty"},
    {"{\"enforse\": true}", "key 'enforse': unknown key"},
    {"{\"events\": true, \"events\": false}", "duplicate object key"},
    {"[1, 2]", "must be a JSON object"},
    {"{\"content\": 1}", "key 'content': must be true or false"},
    {"{\"content_unpack\": \"no\"}",
     "key 'content_unpack': must be true or false"},
    {"{\"content_max_size_mb\": 0}",
     "key 'content_max_size_mb': 0 is out of range 1-4096"},
    {"{\"content_max_size_mb\": \"64M\"}",
     "key 'content_max_size_mb': must be an integer"},
    {"{\"content_cache\": 8}",
     "key 'content_cache': 8 is out of range 16-1048576"},
    {"{\"content_workers\": 17}",
     "key 'content_workers': 17 is out of range 1-16"},
    {"{\"content_workers\": 0}", "key 'content_workers': 0 is out of"},
    {"{\"enforce\": true,\n \"events\": }", ":2:"},
};

static void test_refused(void **state)
{
	struct monitor_opts o = {.stats_interval = 60};
	unsigned set = 0;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		err[0] = '\0';
		if (load(refused[i].text, &o, &set, err, sizeof(err)) !=
		    -EINVAL)
			fail_msg("accepted: %s", refused[i].text);
		if (strncmp(err, path, strlen(path)) ||
		    !strstr(err, refused[i].want))
			fail_msg("%s: message '%s' lacks '%s'", refused[i].text,
				 err, refused[i].want);
	}
}

static void test_all_or_nothing(void **state)
{
	struct monitor_opts o = {.stats_interval = 60};
	unsigned set = 0;
	char err[256];

	/* enforce is good, the next key is not: o is untouched. */
	assert_int_equal(load("{\"enforce\": true, \"stats_interval\": \"x\"}",
			      &o, &set, err, sizeof(err)),
			 -EINVAL);
	assert_false(o.enforce);
	assert_int_equal(o.stats_interval, 60);
}

static void test_missing_file(void **state)
{
	struct monitor_opts o = {0};
	struct config *c = NULL;
	unsigned set = 0;
	char err[256];

	assert_int_equal(config__load("/nonexistent/minerwatch.json", &o, &set,
				      &c, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/minerwatch.json"));
}

/* The content worker's keys, and the command line over them. */
static void test_content_keys(void **state)
{
	struct monitor_opts o = {0}, cli = {0};
	unsigned set = 0;
	char err[256] = "";

	assert_int_equal(load("{\"content\": false, \"content_unpack\": false,"
			      " \"content_max_size_mb\": 128,"
			      " \"content_cache\": 4096,"
			      " \"content_workers\": 2}",
			      &o, &set, err, sizeof(err)),
			 0);
	assert_true(o.content_off);
	assert_true(o.unpack_off);
	assert_int_equal(o.content_max_mb, 128);
	assert_int_equal(o.content_cache, 4096);
	assert_int_equal(o.content_workers, 2);
	assert_int_equal(set, CONFIG_CONTENT | CONFIG_UNPACK |
				  CONFIG_CONTENT_MAX | CONFIG_CONTENT_CACHE |
				  CONFIG_CONTENT_WORKERS);
	cli.content_workers = 4;
	config__overlay(&o, &cli, CONFIG_CONTENT_WORKERS);
	assert_int_equal(o.content_workers, 4);
	assert_int_equal(o.content_cache, 4096);
	assert_true(o.content_off);
	assert_int_equal(load("{\"content\": true}", &o, &set, err,
			      sizeof(err)),
			 0);
	assert_false(o.content_off);
}

static void test_command_line_wins(void **state)
{
	struct monitor_opts file = {.stats_interval = 60};
	struct monitor_opts cli = {0};
	unsigned set = 0;
	char err[256];

	assert_int_equal(load("{\"rules\": [\"/a\", \"/b\"], \"outputs\": "
			      "[\"stdout\"], \"stats_interval\": 10, "
			      "\"pin_dir\": \"/p\", \"enforce\": true}",
			      &file, &set, err, sizeof(err)),
			 0);
	cli.rule_paths[0] = "/cli";
	cli.n_rule_paths = 1;
	cli.stats_interval = 0;
	cli.pin_dir = NULL; /* --no-pin */
	config__overlay(&file, &cli, CONFIG_RULES | CONFIG_STATS | CONFIG_PIN);
	/* A repeatable option replaces the whole list. */
	assert_int_equal(file.n_rule_paths, 1);
	assert_string_equal(file.rule_paths[0], "/cli");
	assert_int_equal(file.stats_interval, 0);
	assert_null(file.pin_dir);
	/* What the command line did not give stays from the file. */
	assert_int_equal(file.n_outputs, 1);
	assert_true(file.enforce);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_string_or_list),
	    cmocka_unit_test(test_empty_turns_off),
	    cmocka_unit_test(test_only_present_keys_change),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_all_or_nothing),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_command_line_wins),
	    cmocka_unit_test(test_content_keys),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

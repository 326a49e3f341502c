// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests: the file sensor keeps the last record of each fold pair
 * until the kernel's window after it has passed, never more than max.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sensors/file_fold.h"

#define SEC 1000000000ULL

/* A record of size bytes for pair (tgid, ino) sent at ts. */
static struct mw_file_event *rec(uint32_t tgid, uint64_t ino, uint64_t ts,
				 const char *path, size_t *size)
{
	size_t n = sizeof(struct mw_file_event) + strlen(path) + 1;
	struct mw_file_event *e = calloc(1, n);

	assert_non_null(e);
	e->hdr.type = MW_EV_FILE;
	e->hdr.size = n;
	e->hdr.ts_ns = ts;
	e->fold.tgid = tgid;
	e->fold.kind = MW_FOLD_KIND(MW_EV_FILE, MW_FILE_OP_TRUNC_OPEN);
	e->fold.obj = ino;
	e->path_len = strlen(path);
	memcpy(e->data, path, strlen(path) + 1);
	*size = n;
	return e;
}

static void test_last_record_per_pair(void **state)
{
	struct file_fold *ff = file_fold__new(16);
	struct mw_file_event *a, *b, *c;
	const struct mw_file_event *got;
	size_t sa, sb, sc, sz;

	(void)state;
	a = rec(10, 1, SEC, "/var/log/a", &sa);
	b = rec(10, 1, 2 * SEC, "/var/log/a-longer-path", &sb);
	c = rec(11, 1, 2 * SEC, "/var/log/c", &sc);
	assert_int_equal(file_fold__remember(ff, a, sa), 0);
	assert_int_equal(file_fold__remember(ff, b, sb), 0); /* replaces a */
	assert_int_equal(file_fold__remember(ff, c, sc), 0);
	assert_int_equal(file_fold__size(ff), 2);
	got = file_fold__find(ff, &a->fold, &sz);
	assert_non_null(got);
	assert_int_equal(sz, sb);
	assert_string_equal(got->data, "/var/log/a-longer-path");
	got = file_fold__find(ff, &c->fold, &sz);
	assert_non_null(got);
	assert_string_equal(got->data, "/var/log/c");
	/* Sent before 2 s: gone; the others stay. */
	assert_int_equal(file_fold__expire(ff, 2 * SEC), 0);
	assert_int_equal(file_fold__expire(ff, 2 * SEC + 1), 2);
	assert_null(file_fold__find(ff, &a->fold, &sz));
	free(a);
	free(b);
	free(c);
	file_fold__free(ff);
}

static void test_full_refuses(void **state)
{
	struct file_fold *ff = file_fold__new(2);
	struct mw_file_event *e;
	size_t sz;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		e = rec(20 + i, 5, SEC, "/etc/cron.d/x", &sz);
		assert_int_equal(file_fold__remember(ff, e, sz),
				 i < 2 ? 0 : -ENOSPC);
		free(e);
	}
	assert_int_equal(file_fold__size(ff), 2);
	file_fold__free(ff); /* frees what it holds */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_last_record_per_pair),
	    cmocka_unit_test(test_full_refuses),
	};

	return cmocka_run_group_tests_name("file_fold", tests, NULL, NULL);
}

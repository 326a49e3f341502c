/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_quarantine.c - the quarantine and --restore on files in a private
 * temporary directory: the move (mode 0000, manifest fields), the
 * restore (content, mode, times), and every refusal (outside the scope,
 * the path names another file, no path, a second restore, a bad id).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "model/hash.h"
#include "respond/quarantine.h"

struct fixture {
	char dir[64];
	char file[128];
	char qdir[128];
	struct quarantine_req q;
	char hex[MW_SHA256_HEX];
	struct stat st;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct timespec t[2] = {{1000000000, 123}, {1100000000, 456}};
	int fd;

	snprintf(f->dir, sizeof(f->dir), "/tmp/mw-q-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->file, sizeof(f->file), "%s/payload", f->dir);
	snprintf(f->qdir, sizeof(f->qdir), "%s/q", f->dir);
	fd = open(f->file, O_WRONLY | O_CREAT, 0751);
	if (fd < 0 || write(fd, "not really a miner\n", 19) != 19)
		return -1;
	close(fd);
	chmod(f->file, 0751);
	utimensat(AT_FDCWD, f->file, t, 0);
	stat(f->file, &f->st);
	hash__file(open(f->file, O_RDONLY), f->hex);
	f->q = (struct quarantine_req){.path = f->file,
				       .dev = major(f->st.st_dev) << 20 |
					      minor(f->st.st_dev),
				       .ino = f->st.st_ino,
				       .sha256 = f->hex,
				       .rule_id = "MW-TEST"};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

static void test_quarantine_and_restore(void **state)
{
	struct fixture *f = *state;
	struct quarantine_opts o = {.dir = f->qdir, .only_under = f->dir};
	struct quarantine_result r;
	char msg[512], hex[MW_SHA256_HEX];
	struct stat st;
	json_t *m;

	assert_int_equal(quarantine__file(&o, &f->q, &r), 0);
	assert_int_equal(access(f->file, F_OK), -1);
	assert_int_equal(stat(r.stored, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0);
	assert_int_equal(stat(f->qdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	m = json_load_file(r.manifest, 0, NULL);
	assert_non_null(m);
	assert_string_equal(
	    json_string_value(json_object_get(m, "original_path")), f->file);
	assert_string_equal(json_string_value(json_object_get(m, "mode")),
			    "0751");
	assert_string_equal(json_string_value(json_object_get(m, "sha256")),
			    f->hex);
	assert_int_equal(json_integer_value(json_object_get(m, "mtime_ns")),
			 1100000000LL * 1000000000LL + 456);
	json_decref(m);

	assert_int_equal(quarantine__restore(f->qdir, r.id, msg, sizeof(msg)),
			 0);
	assert_int_equal(stat(f->file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0751);
	assert_int_equal(st.st_mtim.tv_sec, 1100000000);
	assert_int_equal(st.st_mtim.tv_nsec, 456);
	assert_int_equal(hash__file(open(f->file, O_RDONLY), hex), 0);
	assert_string_equal(hex, f->hex);
	/* Restored once: the entry is gone, a second restore is refused. */
	assert_int_not_equal(
	    quarantine__restore(f->qdir, r.id, msg, sizeof(msg)), 0);
}

static void test_refusals(void **state)
{
	struct fixture *f = *state;
	struct quarantine_opts scoped = {.dir = f->qdir, .only_under = "/srv"};
	struct quarantine_opts o = {.dir = f->qdir, .only_under = f->dir};
	struct quarantine_req other = f->q;
	struct quarantine_result r;
	char msg[512];

	assert_int_not_equal(quarantine__file(&scoped, &f->q, &r), 0);
	assert_non_null(strstr(r.why, "outside the quarantine scope"));
	other.ino++;
	assert_int_not_equal(quarantine__file(&o, &other, &r), 0);
	assert_non_null(strstr(r.why, "names another file"));
	other = f->q;
	other.path = NULL;
	assert_int_not_equal(quarantine__file(&o, &other, &r), 0);
	assert_non_null(strstr(r.why, "memfd or deleted"));
	/* Nothing moved by any of these. */
	assert_int_equal(access(f->file, F_OK), 0);
	assert_int_equal(
	    quarantine__restore(f->qdir, "../etc/passwd", msg, sizeof(msg)),
	    -EINVAL);
	assert_int_not_equal(quarantine__restore(f->qdir,
						 "20990101T000000Z-none", msg,
						 sizeof(msg)),
			     0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_quarantine_and_restore, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

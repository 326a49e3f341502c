/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_content.c - the identify stage without the kernel: the ELF checks
 * on cut and hostile headers, where a file was started from, the shipped
 * YARA rules (they compile; a bad file is refused naming file and line;
 * no file of the system's /usr/bin nor this freshly built program
 * matches, even judged as if started from /tmp), and the worker (a
 * verdict, then the cached one, and a full queue counted).
 */
#include <dirent.h>
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "identify/content.h"
#include "identify/content_int.h"
#include "identify/unpack.h"
#include "identify/yara_rules.h"
#include "model/hash.h"

#define ALL_PLACES                                                             \
	(YARA_LOC_TEMP | YARA_LOC_HIDDEN | YARA_LOC_WORLD_WRITABLE |           \
	 YARA_LOC_FILELESS)

/* A whole file into memory (malloc'd), or NULL. */
static unsigned char *slurp(const char *path, size_t *len)
{
	struct stat st;
	unsigned char *b;
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (64 << 20) ||
	    !(b = malloc(st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	while (got < (size_t)st.st_size &&
	       (n = read(fd, b + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	*len = got;
	return b;
}

/* --- ELF checks ---------------------------------------------------------- */

static void test_elf_whole_and_cut(void **state)
{
	size_t len;
	unsigned char *b = slurp("/proc/self/exe", &len);
	const char *why;

	(void)state;
	assert_non_null(b);
	assert_null(elf__truncated(b, len, len));
	why = elf__truncated(b, 4000, 4000);
	assert_non_null(why);
	assert_non_null(strstr(why, "truncated ELF"));
	/* Cut by one byte: the section header table is the file's tail. */
	assert_non_null(elf__truncated(b, len - 1, len - 1));
	assert_non_null(elf__truncated(b, 20, 20));
	/* A head of the file judged against the file's whole length. */
	assert_null(elf__truncated(b, 65536, len));
	assert_non_null(elf__truncated(b, 65536, 4000));
	free(b);
}

static void test_elf_hostile_headers(void **state)
{
	unsigned char h[64] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1};

	(void)state;
	/* 65535 program headers at an offset far past the end. */
	h[32] = 0xff;
	h[33] = 0xff;
	h[54] = 56;
	h[56] = 0xff;
	h[57] = 0xff;
	assert_non_null(elf__truncated(h, sizeof(h), sizeof(h)));
	/* Not an ELF at all: not our business. */
	assert_null(elf__truncated((const unsigned char *)"#!/bin/sh\n", 10, 10));
	assert_null(elf__truncated((const unsigned char *)"", 0, 0));
}

/* --- places -------------------------------------------------------------- */

static void test_location(void **state)
{
	(void)state;
	assert_int_equal(content__location("/usr/bin/ls", 0), 0);
	assert_true(content__location("/tmp/x", 0) & YARA_LOC_TEMP);
	assert_true(content__location("/tmp/x", 0) & YARA_LOC_WORLD_WRITABLE);
	assert_true(content__location("/dev/shm/x", 0) & YARA_LOC_TEMP);
	assert_int_equal(content__location("/root/.bashtemp/x", 0) &
			     YARA_LOC_HIDDEN,
			 YARA_LOC_HIDDEN);
	assert_int_equal(content__location("/memfd:x", MW_PROC_MEMFD),
			 YARA_LOC_FILELESS);
	assert_true(content__location("/usr/bin/x", MW_PROC_DELETED) &
		    YARA_LOC_FILELESS);
}

/* --- the shipped rules -----------------------------------------------------
 */

static struct yara_set *shipped(void)
{
	const char *paths[] = {"rules/yara"};
	struct yara_set *s = NULL;
	char err[512] = "";
	int n = 0;

	assert_int_equal(
	    yara_rules__compile(paths, 1, &s, &n, err, sizeof(err)), 0);
	assert_true(n >= 2);
	return s;
}

static void test_shipped_rules_compile(void **state)
{
	struct yara_set *s = shipped();

	(void)state;
	assert_true(yara_rules__count(s) >= 8);
	yara_rules__put(s);
}

static void test_bad_rule_names_file_and_line(void **state)
{
	char dir[] = "/tmp/mw-yara-XXXXXX", path[64], err[512] = "";
	const char *paths[1];
	struct yara_set *s = NULL;
	int n = 0;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/bad.yar", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("rule ok { condition: true }\n\nrule broken { strings: $a = "
	      "\"x\" condition: $a and }\n",
	      f);
	fclose(f);
	paths[0] = dir;
	assert_int_equal(
	    yara_rules__compile(paths, 1, &s, &n, err, sizeof(err)), -EINVAL);
	assert_null(s);
	assert_non_null(strstr(err, "bad.yar:3:"));
	unlink(path);
	rmdir(dir);
}

static void test_miner_strings_match(void **state)
{
	/*
	 * '#' for '/', put back at run time: this program's own bytes must
	 * not hold the table (it is scanned as a benign fresh build below).
	 */
	static const char tmpl[] =
	    "\x7f"
	    "ELF\2\1\1\0rx#0\0rx#wow\0rx#arq\0cn#half\0cn#rwz\0cn-lite#1\0"
	    "cn-heavy#xhv\0argon2#chukwa\0";
	struct yara_set *s = shipped();
	struct mw_content c = {0};
	const char *why = NULL;
	char body[sizeof(tmpl)];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tmpl); i++)
		body[i] = tmpl[i] == '#' ? '/' : tmpl[i];
	assert_int_equal(yara_rules__scan(s, body, sizeof(body), 0, &c, &why),
			 0);
	assert_int_equal(c.n_sigs, 1);
	assert_string_equal(c.sigs[0], "MW_Miner_XMRig_Algorithms");
	/* The same words in a text file are no ELF: nothing. */
	assert_int_equal(
	    yara_rules__scan(s, body + 8, sizeof(body) - 8, 0, &c, &why), 0);
	assert_int_equal(c.n_sigs, 0);
	yara_rules__put(s);
}

/* A memory "file" for yara_rules__scan_source, counting its fetches. */
struct mem_src {
	const unsigned char *b;
	int fetches;
};

static const unsigned char *mem_fetch(void *ctx, uint64_t off, size_t len)
{
	struct mem_src *m = ctx;

	(void)len;
	m->fetches++;
	return m->b + off;
}

/*
 * A big file is scanned a window at a time: six algorithm names (the
 * rule needs six) with one, "cn/half", across a window edge are found,
 * thanks to the windows' overlap; the ELF magic at 0 is read again for
 * the condition after the scan moved past it.
 */
static void test_windows_find_across_edges(void **state)
{
	static const char tmpl[] =
	    "rx#0\0rx#wow\0rx#arq\0cn#half\0cn#rwz\0cn-lite#1\0";
	const size_t win = 64 << 10, size = 5 * win + 123;
	unsigned char *b = calloc(1, size);
	struct yara_set *s = shipped();
	struct mem_src m = {.b = b};
	struct yara_source src = {
	    .size = size, .window = win, .fetch = mem_fetch, .ctx = &m};
	struct mw_content c = {0};
	const char *why = NULL;
	size_t i, at = 3 * win - 21; /* "cn/half" at the edge -2 */

	(void)state;
	assert_non_null(b);
	memcpy(b, "\x7f" "ELF\2\1\1", 7);
	for (i = 0; i < sizeof(tmpl); i++)
		b[at + i] = tmpl[i] == '#' ? '/' : tmpl[i];
	assert_int_equal(yara_rules__scan_source(s, &src, 0, &c, &why), 0);
	assert_int_equal(c.n_sigs, 1);
	assert_string_equal(c.sigs[0], "MW_Miner_XMRig_Algorithms");
	assert_true(m.fetches >= 6);
	/* Without the ELF magic at offset 0 (read again): nothing. */
	b[0] = 0;
	assert_int_equal(yara_rules__scan_source(s, &src, 0, &c, &why), 0);
	assert_int_equal(c.n_sigs, 0);
	yara_rules__put(s);
	free(b);
}

/* Scan one file as if it ran from the worst place; fail on any match. */
static void scan_clean(struct yara_set *s, const char *path, int *n)
{
	struct mw_content c = {0};
	const char *why = NULL;
	unsigned char *b;
	size_t len;

	b = slurp(path, &len);
	if (!b)
		return;
	assert_int_equal(yara_rules__scan(s, b, len, ALL_PLACES, &c, &why), 0);
	if (c.n_sigs)
		fail_msg("%s matched %s", path, c.sigs[0]);
	(*n)++;
	free(b);
}

static void test_usr_bin_and_fresh_build_raise_nothing(void **state)
{
	struct yara_set *s = shipped();
	char path[4096];
	struct dirent *de;
	DIR *d = opendir("/usr/bin");
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/usr/bin/%s", de->d_name);
		scan_clean(s, path, &n);
	}
	closedir(d);
	assert_true(n > 100);
	/* This test binary: a C program built minutes ago. */
	scan_clean(s, "/proc/self/exe", &n);
	yara_rules__put(s);
}

/* --- the worker ------------------------------------------------------------
 */

static int wait_result(struct content *c, struct content_result *r)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (content__poll(c, r)) {
			free(r->exe);
			return 1;
		}
		usleep(10000);
	}
	return 0;
}

static void self_proc(struct mw_process *p, char *exe, size_t len)
{
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", exe, len - 1);

	assert_true(n > 0);
	exe[n] = '\0';
	assert_int_equal(stat(exe, &st), 0);
	memset(p, 0, sizeof(*p));
	p->pid = getpid();
	p->exe = exe;
	p->exe_ino = st.st_ino;
	p->exe_dev = major(st.st_dev) << 20 | minor(st.st_dev);
}

static void test_worker_verdict_then_cache(void **state)
{
	const char *paths[] = {"rules/yara"};
	struct content_opts o = {.yara_paths = paths, .n_yara_paths = 1};
	struct content_result *r = malloc(sizeof(*r));
	char exe[4096], hex[MW_SHA256_HEX], err[256];
	struct content *c = NULL;
	struct mw_process p;

	(void)state;
	assert_non_null(r);
	assert_int_equal(content__new(&o, &c, err, sizeof(err)), 0);
	self_proc(&p, exe, sizeof(exe));
	assert_int_equal(content__submit(c, &p, 0), 0);
	assert_true(wait_result(c, r));
	assert_true(r->c.scanned);
	assert_false(r->c.cached);
	assert_int_equal(r->c.n_sigs, 0);
	assert_int_equal(hash__file(open(exe, O_RDONLY), hex), 0);
	assert_string_equal(r->c.sha256, hex);
	assert_int_equal(content__submit(c, &p, 0), 0);
	assert_true(wait_result(c, r));
	assert_true(r->c.cached);
	assert_string_equal(r->c.sha256, hex);
	content__free(c);
	free(r);
}

/*
 * A file the responder denied keeps its digest for content__known() after
 * its verdict-cache slot went to another file (the kernel's later kill of
 * that inode still carries the hash); an evicted, undenied one does not.
 */
static void test_denied_digest_outlives_eviction(void **state)
{
	const char *paths[] = {"rules/yara"};
	struct content_opts o = {.yara_paths = paths,
				 .n_yara_paths = 1,
				 .cache_slots = 1};
	struct content_result *r = malloc(sizeof(*r));
	struct mw_process p, q;
	struct mw_content k;
	char exe[4096], other[] = "/bin/true", err[256];
	struct content *c = NULL;
	struct stat st;

	(void)state;
	assert_non_null(r);
	assert_int_equal(content__new(&o, &c, err, sizeof(err)), 0);
	self_proc(&p, exe, sizeof(exe));
	assert_int_equal(content__submit(c, &p, 0), 0);
	assert_true(wait_result(c, r));
	assert_true(content__known(c, p.exe_dev, p.exe_ino, &k));
	content__remember(c, &r->c); /* the responder denied it */
	/* Another file takes the only cache slot. */
	assert_int_equal(stat(other, &st), 0);
	q = p;
	q.pid = 0x7ffffff0; /* no such process: read through the path */
	q.exe = other;
	q.exe_ino = st.st_ino;
	q.exe_dev = major(st.st_dev) << 20 | minor(st.st_dev);
	assert_int_equal(content__submit(c, &q, 0), 0);
	assert_true(wait_result(c, r));
	assert_true(r->c.scanned);
	assert_true(content__known(c, q.exe_dev, q.exe_ino, &k));
	/* The denied one: still known, with its digest. */
	memset(&k, 0, sizeof(k));
	assert_true(content__known(c, p.exe_dev, p.exe_ino, &k));
	assert_int_equal(hash__file(open(exe, O_RDONLY), err), 0);
	assert_string_equal(k.sha256, err);
	assert_true(k.cached);
	content__free(c);
	free(r);
}

/* The running image of a packed program is only looked at when packed. */
static void test_upx_marks(void **state)
{
	unsigned char buf[2048] = {0x7f, 'E', 'L', 'F'};

	(void)state;
	assert_false(unpack__is_upx(buf, sizeof(buf)));
	memcpy(buf + 236, "UPX!", 4);
	assert_true(unpack__is_upx(buf, sizeof(buf)));
	assert_false(unpack__is_upx(buf, 100)); /* past the end: not read */
	buf[0] = 0;
	assert_false(unpack__is_upx(buf, sizeof(buf)));
}

static void test_worker_queue_overflow_counted(void **state)
{
	struct content_opts o = {.queue_len = 2};
	struct content_stats st;
	struct content *c = NULL;
	struct mw_process p;
	char exe[4096], err[256];
	int i, refused = 0;

	(void)state;
	assert_int_equal(content__new(&o, &c, err, sizeof(err)), 0);
	self_proc(&p, exe, sizeof(exe));
	for (i = 0; i < 200; i++)
		refused += content__submit(c, &p, 0) == -ENOSPC;
	content__stats(c, &st);
	assert_true(refused > 0);
	assert_int_equal(st.queue_overflow, refused);
	content__free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elf_whole_and_cut),
	    cmocka_unit_test(test_elf_hostile_headers),
	    cmocka_unit_test(test_location),
	    cmocka_unit_test(test_shipped_rules_compile),
	    cmocka_unit_test(test_bad_rule_names_file_and_line),
	    cmocka_unit_test(test_miner_strings_match),
	    cmocka_unit_test(test_windows_find_across_edges),
	    cmocka_unit_test(test_usr_bin_and_fresh_build_raise_nothing),
	    cmocka_unit_test(test_worker_verdict_then_cache),
	    cmocka_unit_test(test_worker_queue_overflow_counted),
	    cmocka_unit_test(test_denied_digest_outlives_eviction),
	    cmocka_unit_test(test_upx_marks),
	};

	if (yara_rules__init())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}

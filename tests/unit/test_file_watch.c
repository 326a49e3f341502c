/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_file_watch.c - the file sensor's pure logic: lexical path
 * normalization, the translation of path conditions into in-kernel watch
 * entries, the watch list the rule engine derives from file rules, and
 * following a string through another task's /proc/PID/root.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sensors/decode.h"
#include "model/file_event.h"
#include "sensors/file_decode.h"
#include "sensors/file_proc_root.h"
#include "sensors/sensors.h"
#include "rules/file_homes.h"
#include "rules/file_watch.h"
#include "rules/rules.h"

/* make runs the tests from the top of the tree. */
#ifndef MW_SRC
#define MW_SRC "."
#endif

static void test_normalize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"/root/.ssh/./authorized_keys", "/root/.ssh/authorized_keys"},
	    {"/root/.ssh/../.ssh/authorized_keys",
	     "/root/.ssh/authorized_keys"},
	    {"/var/log//auth.log", "/var/log/auth.log"},
	    {"/var/tmp/../log/wtmp", "/var/log/wtmp"},
	    {"/../../etc/shadow", "/etc/shadow"},
	    {"/", "/"},
	    {"//", "/"},
	    {"/a/b/..", "/a"},
	    {"/a/..", "/"},
	    {"/a/b/", "/a/b"},
	    {"/.", "/"},
	    {"/..hidden/x", "/..hidden/x"},
	    {"/a/.b/c", "/a/.b/c"},
	    {"relative/../x", "relative/../x"}, /* left alone */
	};
	char buf[256];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		n = file_path__normalize(buf);
		assert_string_equal(buf, cases[i].out);
		assert_int_equal(n, strlen(cases[i].out));
	}
}

static void test_proc_root_prefix(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		uint32_t pid;
	} cases[] = {
	    {"/proc/1/root/etc/cron.d/x", 12, 1},
	    {"/proc/4194304/root", 18, 4194304},
	    {"/proc/12/root/", 13, 12},
	    {"/proc/12/rootfs/x", 0, 0},
	    {"/proc/self/root/etc", 0, 0}, /* the kernel follows that one */
	    {"/proc/0/root/x", 0, 0},
	    {"/proc//root/x", 0, 0},
	    {"/proc/123456789/root/x", 0, 0},
	    {"/proc/12/cwd/x", 0, 0},
	    {"/x/proc/1/root/etc", 0, 0},
	};
	uint32_t pid;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid = 0;
		assert_int_equal(file_proc_root__prefix(cases[i].in, &pid),
				 cases[i].len);
		if (cases[i].len)
			assert_int_equal(pid, cases[i].pid);
	}
}

/* An anchor map holding "/" only (this process's root). */
static int root_anchor(void *ctx, uint64_t dev, uint64_t ino, char *buf,
		       size_t n)
{
	struct stat st;

	(void)ctx;
	if (stat("/", &st) || st.st_dev != dev || st.st_ino != ino || n < 1)
		return -ENOENT;
	buf[0] = '\0';
	return 0;
}

static void test_proc_root_follow(void **state)
{
	struct sensors s = {.anchor_name = root_anchor};
	struct mw_hdr h = {.pidns = 0xEFFFFFFCU, .ts_ns = 5000000000ULL};
	char in[128], out[256];
	struct stat st;
	unsigned i;

	(void)state;
	/* By host pid: this process's root is "/". */
	snprintf(in, sizeof(in), "/proc/%d/root/etc/cron.d/job", getpid());
	assert_true(file_proc_root__follow(&s, &h, in, out, sizeof(out)));
	assert_string_equal(out, "/etc/cron.d/job");
	snprintf(in, sizeof(in), "/proc/%d/root", getpid());
	assert_true(file_proc_root__follow(&s, &h, in, out, sizeof(out)));
	assert_string_equal(out, "/");
	assert_int_equal(s.proc_root_unresolved, 0);

	/* A root that is no anchor: left as given, counted. */
	s.anchor_name = NULL;
	strcpy(out, "untouched");
	assert_false(file_proc_root__follow(&s, &h, in, out, sizeof(out)));
	assert_string_equal(out, "untouched");
	assert_int_equal(s.proc_root_unresolved, 1);
	s.anchor_name = root_anchor;

	/*
	 * A caller in another pid namespace costs a /proc scan, at most 8 a
	 * second (test_file_identity_names follows a real one): here a
	 * namespace no task is in, found in none.
	 */
	assert_int_equal(stat("/proc/self/ns/pid", &st), 0);
	h.pidns = (uint32_t)st.st_ino + 1;
	snprintf(in, sizeof(in), "/proc/%d/root/x", getpid());
	for (i = 0; i < 8; i++)
		file_proc_root__follow(&s, &h, in, out, sizeof(out));
	assert_int_equal(s.proc_root_scans, 8);
	i = (unsigned)s.proc_root_unresolved;
	assert_false(file_proc_root__follow(&s, &h, in, out, sizeof(out)));
	assert_int_equal(s.proc_root_unresolved, i + 1);
	h.ts_ns += 1000000000ULL; /* the next second: a new budget */
	file_proc_root__follow(&s, &h, in, out, sizeof(out));
	assert_int_equal(s.proc_root_scans, 1);
}

static void test_op_names(void **state)
{
	(void)state;
	assert_string_equal(file_op__str(MW_FILE_OP_WRITE), "file-write");
	assert_string_equal(file_op__str(MW_FILE_OP_CREATE), "file-create");
	assert_string_equal(file_op__str(MW_FILE_OP_TRUNC_OPEN), "truncate");
	assert_string_equal(file_op__str(MW_FILE_OP_TRUNCATE), "truncate");
	assert_string_equal(file_op__str(MW_FILE_OP_RENAME), "rename");
	assert_string_equal(file_op__str(MW_FILE_OP_UNLINK), "unlink");
	assert_string_equal(file_op__str(MW_FILE_OP_SYMLINK), "symlink");
	assert_string_equal(file_op__str(MW_FILE_OP_CHATTR), "chattr");
	assert_string_equal(file_op__str(0), "file-unknown");
	assert_string_equal(file_op__str(999), "file-unknown");
}

static void test_entries(void **state)
{
	static const struct {
		enum rules_watch_op op;
		const char *value;
		int ret;
		uint32_t kind;
		const char *key;
	} cases[] = {
	    {RULES_WATCH_EQ, "/etc/crontab", 0, MW_WATCH_EXACT, "/etc/crontab"},
	    {RULES_WATCH_EQ, "crontab", -ERANGE, 0, NULL},
	    {RULES_WATCH_PREFIX, "/var/log/", 0, MW_WATCH_PREFIX, "/var/log/"},
	    {RULES_WATCH_PREFIX, "/etc/cron", 0, MW_WATCH_PREFIX, "/etc/cron"},
	    {RULES_WATCH_PREFIX, "/", -ERANGE, 0, NULL},
	    {RULES_WATCH_PREFIX, "var/log", -ERANGE, 0, NULL},
	    /* a literal last component: a name anywhere */
	    {RULES_WATCH_GLOB, "*/.ssh/authorized_keys", 0, MW_WATCH_NAME,
	     "authorized_keys"},
	    {RULES_WATCH_GLOB, "/home/*/.bashrc", 0, MW_WATCH_NAME, ".bashrc"},
	    /* no wildcard: one path */
	    {RULES_WATCH_GLOB, "/etc/ld.so.preload", 0, MW_WATCH_EXACT,
	     "/etc/ld.so.preload"},
	    /* a narrow literal prefix */
	    {RULES_WATCH_GLOB, "/var/log/*", 0, MW_WATCH_PREFIX, "/var/log/"},
	    {RULES_WATCH_GLOB, "/etc/cron.*/*", 0, MW_WATCH_PREFIX,
	     "/etc/cron."},
	    {RULES_WATCH_GLOB, "/root/.*_history", 0, MW_WATCH_PREFIX,
	     "/root/."},
	    /* a wide prefix but a literal parent: its children */
	    {RULES_WATCH_GLOB, "/home/*/.config/systemd/user/*", 0,
	     MW_WATCH_DIR, "user"},
	    {RULES_WATCH_GLOB, "*/.ssh/*", 0, MW_WATCH_DIR, ".ssh"},
	    /* nothing bounds these */
	    {RULES_WATCH_GLOB, "*", -ERANGE, 0, NULL},
	    {RULES_WATCH_GLOB, "/*", -ERANGE, 0, NULL},
	    {RULES_WATCH_GLOB, "*/*_history", -ERANGE, 0, NULL},
	    {RULES_WATCH_SUFFIX, "/.bash_history", 0, MW_WATCH_NAME,
	     ".bash_history"},
	    {RULES_WATCH_SUFFIX, "_history", -ERANGE, 0, NULL},
	    {RULES_WATCH_SUFFIX, "/x/.bash_history", -ERANGE, 0, NULL},
	    {RULES_WATCH_NAME, "wtmp", 0, MW_WATCH_NAME, "wtmp"},
	    {RULES_WATCH_NAME, "a/b", -ERANGE, 0, NULL},
	    /* a name must fit the 32-byte key with its NUL */
	    {RULES_WATCH_NAME, "0123456789012345678901234567890", 0,
	     MW_WATCH_NAME, "0123456789012345678901234567890"},
	    {RULES_WATCH_NAME, "01234567890123456789012345678901", -ERANGE, 0,
	     NULL},
	};
	struct file_watch_entry e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = file_watch__entry(cases[i].op, cases[i].value, &e);

		if (ret != cases[i].ret)
			fail_msg("%s: got %d, want %d", cases[i].value, ret,
				 cases[i].ret);
		if (ret)
			continue;
		assert_int_equal(e.kind, cases[i].kind);
		assert_string_equal(e.key, cases[i].key);
	}
}

/* A long exact path still fits (the LPM key holds 256 bytes). */
static void test_entry_long(void **state)
{
	struct file_watch_entry e;
	char p[300];

	(void)state;
	memset(p, 'a', sizeof(p));
	p[0] = '/';
	p[255] = '\0'; /* 255 bytes and the NUL: exactly a key */
	assert_int_equal(file_watch__entry(RULES_WATCH_EQ, p, &e), 0);
	p[255] = 'a';
	p[256] = '\0';
	assert_int_equal(file_watch__entry(RULES_WATCH_EQ, p, &e), -ERANGE);
}

/* --- the watch list derived from loaded rules ----------------------------- */

struct seen {
	char v[32][128];
	int op[32];
	int n;
	int unbounded[8];
	int n_unbounded;
};

static void on_path(enum rules_watch_op op, const char *value, int idx,
		    void *ctx)
{
	struct seen *s = ctx;

	(void)idx;
	assert_true(s->n < 32);
	snprintf(s->v[s->n], sizeof(s->v[0]), "%s", value);
	s->op[s->n++] = op;
}

static void on_unbounded(int idx, void *ctx)
{
	struct seen *s = ctx;

	s->unbounded[s->n_unbounded++] = idx;
}

static bool seen_has(const struct seen *s, int op, const char *v)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->op[i] == op && strcmp(s->v[i], v) == 0)
			return true;
	return false;
}

static const char rules_json[] =
    "{\"lists\": {\"cron\": [\"/etc/cron.d/\", \"/var/spool/cron/\"]},\n"
    " \"rules\": [\n"
    "  {\"id\": \"F1\", \"name\": \"cron\", \"event\": \"file\",\n"
    "   \"condition\": {\"all\": [\n"
    "     {\"field\": \"event.action\", \"in\": [\"file-write\"]},\n"
    "     {\"any\": [{\"field\": \"file.path\", \"prefix\": \"@cron\"},\n"
    "              {\"field\": \"file.target_path\", \"eq\": "
    "\"/etc/crontab\"}]}]},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1053.003\"]}},\n"
    "  {\"id\": \"F2\", \"name\": \"keys\", \"event\": \"file\",\n"
    "   \"condition\": {\"field\": \"file.path\", \"glob\": "
    "\"*/.ssh/authorized_keys\"},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1098.004\"]}},\n"
    "  {\"id\": \"F3\", \"name\": \"action only\", \"event\": \"file\",\n"
    "   \"condition\": {\"field\": \"event.action\", \"eq\": \"chattr\"},\n"
    "   \"severity\": 10, \"mitre\": {\"techniques\": [\"T1222.002\"]}},\n"
    "  {\"id\": \"F4\", \"name\": \"half bounded any\", \"event\": \"file\",\n"
    "   \"condition\": {\"any\": [\n"
    "     {\"field\": \"file.path\", \"eq\": \"/etc/x\"},\n"
    "     {\"field\": \"process.name\", \"eq\": \"vi\"}]},\n"
    "   \"severity\": 10, \"mitre\": {\"techniques\": [\"T1222.002\"]}},\n"
    "  {\"id\": \"F5\", \"name\": \"names\", \"event\": \"file\",\n"
    "   \"condition\": {\"all\": [\n"
    "     {\"not\": {\"field\": \"file.path\", \"prefix\": \"/tmp/\"}},\n"
    "     {\"field\": \"file.name\", \"in\": [\"wtmp\", \"btmp\"]}]},\n"
    "   \"severity\": 10, \"mitre\": {\"techniques\": [\"T1070.002\"]}},\n"
    "  {\"id\": \"F6\", \"name\": \"disabled\", \"event\": \"file\",\n"
    "   \"enabled\": false,\n"
    "   \"condition\": {\"field\": \"file.path\", \"eq\": \"/disabled\"},\n"
    "   \"severity\": 10, \"mitre\": {\"techniques\": [\"T1070.002\"]}},\n"
    "  {\"id\": \"E1\", \"name\": \"exec\", \"event\": \"exec\",\n"
    "   \"condition\": {\"field\": \"process.name\", \"eq\": \"xmrig\"},\n"
    "   \"severity\": 10, \"mitre\": {\"techniques\": [\"T1496\"]}}\n"
    " ]}\n";

/* Load the rule file text json (through a private temporary file). */
static struct rules *rules_from_json(const char *json)
{
	char dir[] = "/tmp/mw-fw-XXXXXX", path[64], err[512];
	const char *paths[1] = {path};
	struct rules *rs = NULL;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	chmod(dir, 0755);
	snprintf(path, sizeof(path), "%s/f.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
	chmod(path, 0644);
	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("load: %s", err);
	unlink(path);
	rmdir(dir);
	return rs;
}

static void test_rules_watch_paths(void **state)
{
	struct rules *rs = rules_from_json(rules_json);
	struct seen s = {0};
	int n;

	(void)state;
	n = rules__file_watch_paths(rs, on_path, &s, on_unbounded);
	/* F3 (action only) and F4 (any() with an unbounded side) */
	assert_int_equal(n, 2);
	assert_int_equal(s.n_unbounded, 2);
	assert_int_equal(s.unbounded[0], rules__find(rs, "F3"));
	assert_int_equal(s.unbounded[1], rules__find(rs, "F4"));
	assert_true(seen_has(&s, RULES_WATCH_PREFIX, "/etc/cron.d/"));
	assert_true(seen_has(&s, RULES_WATCH_PREFIX, "/var/spool/cron/"));
	assert_true(seen_has(&s, RULES_WATCH_EQ, "/etc/crontab"));
	assert_true(seen_has(&s, RULES_WATCH_GLOB, "*/.ssh/authorized_keys"));
	assert_true(seen_has(&s, RULES_WATCH_NAME, "wtmp"));
	assert_true(seen_has(&s, RULES_WATCH_NAME, "btmp"));
	/* nothing from the not(), the disabled rule, the exec rule, F4 */
	assert_false(seen_has(&s, RULES_WATCH_PREFIX, "/tmp/"));
	assert_false(seen_has(&s, RULES_WATCH_EQ, "/disabled"));
	assert_false(seen_has(&s, RULES_WATCH_EQ, "/etc/x"));
	assert_int_equal(s.n, 6);
	rules__free(rs);
}

/* Deny rules for files: their exact paths and directories, to protect. */
static const char deny_json[] =
    "{\"rules\": [\n"
    "  {\"id\": \"D1\", \"name\": \"cron\", \"event\": \"file\",\n"
    "   \"action\": \"deny\",\n"
    "   \"condition\": {\"any\": [\n"
    "     {\"field\": \"file.path\", \"prefix\": \"/etc/cron.d//\"},\n"
    "     {\"field\": \"file.path\", \"eq\": \"/etc/crontab\"}]},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1053.003\"]}},\n"
    "  {\"id\": \"D2\", \"name\": \"glob\", \"event\": \"file\",\n"
    "   \"action\": \"deny\",\n"
    "   \"condition\": {\"field\": \"file.path\", \"glob\": "
    "\"*/.ssh/authorized_keys\"},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1098.004\"]}},\n"
    "  {\"id\": \"D3\", \"name\": \"kill\", \"event\": \"file\",\n"
    "   \"action\": \"kill\",\n"
    "   \"condition\": {\"field\": \"file.path\", \"eq\": \"/etc/passwd\"},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1098\"]}},\n"
    "  {\"id\": \"D4\", \"name\": \"off\", \"event\": \"file\",\n"
    "   \"action\": \"deny\", \"enabled\": false,\n"
    "   \"condition\": {\"field\": \"file.path\", \"eq\": \"/etc/shadow\"},\n"
    "   \"severity\": 80, \"mitre\": {\"techniques\": [\"T1098\"]}}\n"
    " ]}\n";

static void on_deny_path(const char *path, int idx, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < 32);
	snprintf(s->v[s->n], sizeof(s->v[0]), "%s", path);
	s->op[s->n++] = idx;
}

static void test_rules_deny_paths(void **state)
{
	struct rules *rs = rules_from_json(deny_json);
	struct seen s = {0};

	(void)state;
	rules__file_deny_paths(rs, on_deny_path, &s);
	assert_int_equal(s.n, 2);
	assert_true(seen_has(&s, 0, "/etc/cron.d"));
	assert_true(seen_has(&s, 0, "/etc/crontab"));
	rules__free(rs);
}

/* The shipped rules: every file rule is bounded, every value translates. */
static void check_entry(enum rules_watch_op op, const char *value, int idx,
			void *ctx)
{
	struct file_watch_entry e;

	(void)idx;
	(void)ctx;
	if (file_watch__entry(op, value, &e))
		fail_msg("shipped rule path \"%s\" has no kernel entry", value);
}

static void test_shipped_rules(void **state)
{
	const char *paths[2] = {MW_SRC "/rules/persistence.json",
				MW_SRC "/rules/anti-forensics.json"};
	struct rules *rs = NULL;
	char err[512];

	(void)state;
	if (rules__load(paths, 2, &rs, err, sizeof(err)))
		fail_msg("load: %s", err);
	assert_int_equal(rules__file_watch_paths(rs, check_entry, NULL, NULL),
			 0);
	rules__free(rs);
}

/* --- decoding a file record ----------------------------------------------- */

static size_t file_rec(char *buf, const char *path, const char *target)
{
	struct mw_file_event *e = (void *)buf;
	size_t pl = strlen(path), tl = target ? strlen(target) : 0;

	memset(e, 0, sizeof(*e));
	e->hdr.type = MW_EV_FILE;
	e->op = MW_FILE_OP_RENAME;
	e->path_len = pl;
	e->target_len = tl;
	memcpy(e->data, path, pl + 1);
	if (target)
		memcpy(e->data + pl + 1, target, tl + 1);
	e->hdr.size = sizeof(*e) + pl + 1 + (target ? tl + 1 : 0);
	return e->hdr.size;
}

static void test_decode(void **state)
{
	static char buf[sizeof(struct mw_file_event) + 256]
	    __attribute__((aligned(8)));
	struct mw_file_event *e = (void *)buf;
	struct file_view v;
	size_t n;

	(void)state;
	n = file_rec(buf, "/var/log/sedAb12", "/var/log/syslog");
	assert_int_equal(decode__file(buf, n, &v), 0);
	assert_string_equal(v.path, "/var/log/sedAb12");
	assert_string_equal(v.target, "/var/log/syslog");

	n = file_rec(buf, "/etc/crontab", NULL);
	assert_int_equal(decode__file(buf, n, &v), 0);
	assert_null(v.target);

	/* a record shorter than its header says */
	assert_int_equal(decode__file(buf, n - 1, &v), -EINVAL);
	/* a length that points past the data */
	e->path_len += 1;
	assert_int_equal(decode__file(buf, n, &v), -EINVAL);
	/* a string without its NUL */
	n = file_rec(buf, "/etc/crontab", NULL);
	e->data[e->path_len] = 'x';
	assert_int_equal(decode__file(buf, n, &v), -EINVAL);
	/* a target that does not fit */
	n = file_rec(buf, "/a", "/b");
	e->target_len = 10;
	assert_int_equal(decode__file(buf, n, &v), -EINVAL);
	/* another record type */
	n = file_rec(buf, "/a", NULL);
	e->hdr.type = MW_EV_EXEC;
	assert_int_equal(decode__file(buf, n, &v), -EINVAL);

	/* the caller's view after the path (a rebased path, no target) */
	n = file_rec(buf, "/etc/cron.d/job", "/x/etc/cron.d/job");
	e->seen_len = e->target_len;
	e->target_len = 0;
	assert_int_equal(decode__file(buf, n, &v), 0);
	assert_null(v.target);
	assert_string_equal(v.seen_as, "/x/etc/cron.d/job");
	/* a view that does not fit */
	e->seen_len += 1;
	assert_int_equal(decode__file(buf, n, &v), -EINVAL);

	/* a rename's target view only: path, target, target's view */
	n = file_rec(buf, "/a", "/etc/cron.d/j");
	memcpy(e->data + 17, "/proc/self/root/etc/cron.d/j", 29);
	e->tseen_len = 28;
	e->hdr.size = sizeof(*e) + 17 + 29;
	assert_int_equal(decode__file(buf, e->hdr.size, &v), 0);
	assert_string_equal(v.target, "/etc/cron.d/j");
	assert_null(v.seen_as);
	assert_string_equal(v.target_seen_as, "/proc/self/root/etc/cron.d/j");
	/* a target view without its NUL */
	e->tseen_len = 27;
	assert_int_equal(decode__file(buf, e->hdr.size, &v), -EINVAL);
}

/* minerwatch.file.in_home: directly in a home of the passwd file given. */
static void test_in_home(void **state)
{
	char path[] = "/tmp/mw-test-passwd.XXXXXX";
	static const struct {
		const char *path;
		bool in;
	} cases[] = {
	    {"/root/.bashrc", true},
	    {"/home/alice/.profile", true},
	    {"/home/alice/", true},
	    {"/home/alice/project/.bashrc", false},
	    {"/home/bob/.bashrc", true},    /* pw_dir "/home/bob/" */
	    {"/home/carol/.bashrc", false}, /* not an account */
	    {"/var/backups/etc-x/skel/.bashrc", false},
	    {"/etc/skel/.bashrc", false},
	    {"/.bashrc", false}, /* daemon's "/" is no home */
	    {"/bin/.bashrc", false},
	    {".bashrc", false},
	};
	FILE *f;
	size_t i;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("root:x:0:0:root:/root:/bin/bash\n"
	      "daemon:x:1:1:daemon:/:/usr/sbin/nologin\n"
	      "alice:x:1000:1000::/home/alice:/bin/bash\n"
	      "bob:x:1001:1001::/home/bob/:/bin/bash\n",
	      f);
	fclose(f);
	file_homes__set_passwd(path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (file_homes__in_home(cases[i].path) != cases[i].in)
			fail_msg("%s: expected %d", cases[i].path, cases[i].in);
	/* A new account counts at once: the file is read again. */
	f = fopen(path, "a");
	assert_non_null(f);
	fputs("carol:x:1002:1002::/home/carol:/bin/bash\n", f);
	fclose(f);
	assert_true(file_homes__in_home("/home/carol/.bashrc"));
	unlink(path);
	assert_false(file_homes__in_home("/root/.bashrc"));
	file_homes__set_passwd("/etc/passwd");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_proc_root_prefix),
	    cmocka_unit_test(test_proc_root_follow),
	    cmocka_unit_test(test_op_names),
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_entry_long),
	    cmocka_unit_test(test_rules_watch_paths),
	    cmocka_unit_test(test_rules_deny_paths),
	    cmocka_unit_test(test_shipped_rules),
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_in_home),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

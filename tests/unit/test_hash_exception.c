/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hash_exception.c - exceptions by hash (issue 14): a rule whose
 * exception tests process.hash.sha256 spares exactly that binary; the
 * exec's judgement waits for the hash (respond/hash_wait.c) and a process
 * is never spared by a hash it does not have: no hash, judged; hash not
 * there by the deadline, judged without it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/event.h"
#include "model/proc_cache.h"
#include "output/output.h"
#include "report/reporter.h"
#include "respond/hash_wait.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "util/clock.h"

#define GOOD "1111111111111111111111111111111111111111111111111111111111111111"
#define OTHER "2222222222222222222222222222222222222222222222222222222222222222"

static char dir[64];

static struct rules *load(void)
{
	char path[128], err[512];
	const char *paths[1] = {path};
	struct rules *rs = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/r.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(
	    f,
	    "{\"rules\": ["
	    "{\"id\": \"T-1\", \"name\": \"t\", \"event\": \"exec\","
	    " \"condition\": {\"field\": \"process.name\", \"eq\": \"xmrig\"},"
	    " \"exceptions\": [{\"any\": [{\"field\": \"process.hash.sha256\","
	    " \"eq\": \"" GOOD "\"}, {\"not\": {\"field\": \"process.pid\","
	    " \"range\": \"1-4000000\"}}]}],"
	    " \"severity\": 90, \"mitre\": {\"techniques\": [\"T1496\"]},"
	    " \"action\": \"kill\"},"
	    "{\"id\": \"T-2\", \"name\": \"t\", \"event\": \"exec\","
	    " \"condition\": {\"field\": \"process.name\", \"eq\": \"xmrig\"},"
	    " \"exceptions\": [{\"field\": \"process.executable\","
	    " \"eq\": \"/nowhere\"}],"
	    " \"severity\": 50, \"mitre\": {\"techniques\": [\"T1496\"]}}]}");
	fclose(f);
	chmod(path, 0644);
	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("load: %s", err);
	return rs;
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/mw-test-hashexc-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A process named xmrig (this test's own pid, so it is in /proc). */
static void proc_set(struct mw_process *p, const char *sha)
{
	static char exe[] = "/tmp/x/xmrig";

	memset(p, 0, sizeof(*p));
	p->pid = (uint32_t)getpid();
	p->start_ns = 77;
	p->loginuid = UINT32_MAX;
	p->exe = exe;
	p->name = exe + 7;
	snprintf(p->sha256, sizeof(p->sha256), "%s", sha);
}

/* The engine: the exception spares that hash only, never a missing one. */
static void test_rule_engine(void **state)
{
	struct rules *rs = load();
	struct mw_process p;
	struct mw_event ev = {.kind = MW_KIND_EXEC, .proc = &p};

	(void)state;
	assert_true(rule__hash_exception(rules__get(rs, 0)));
	assert_false(rule__hash_exception(rules__get(rs, 1)));
	proc_set(&p, GOOD);
	assert_int_equal(rules__eval(rs, &ev, NULL, NULL), 1); /* T-2 only */
	proc_set(&p, OTHER);
	assert_int_equal(rules__eval(rs, &ev, NULL, NULL), 2);
	proc_set(&p, "");
	assert_int_equal(rules__eval(rs, &ev, NULL, NULL), 2);
	rules__free(rs);
}

/* The table: bounded, keyed by pid and start, deadlines. */
static void test_table(void **state)
{
	struct hash_wait *hw = hash_wait__new(2);
	uint64_t start;
	uint32_t pid;

	(void)state;
	assert_int_equal(hash_wait__add(hw, 10, 1, 100), 0);
	assert_int_equal(hash_wait__add(hw, 10, 1, 500), 0); /* same: kept */
	assert_int_equal(hash_wait__add(hw, 11, 1, 200), 0);
	assert_int_equal(hash_wait__add(hw, 12, 1, 200), -ENOSPC);
	assert_int_equal(hash_wait__add(hw, 0, 1, 200), -EINVAL);
	assert_true(hash_wait__has(hw, 10, 1));
	assert_false(hash_wait__has(hw, 10, 2)); /* a reused pid */
	assert_int_equal(hash_wait__expired(hw, 99, &pid, &start), 0);
	assert_int_equal(hash_wait__expired(hw, 100, &pid, &start), 1);
	assert_int_equal(pid, 10);
	hash_wait__del(hw, 10, 1);
	assert_int_equal(hash_wait__count(hw), 1);
	assert_int_equal(hash_wait__add(hw, 12, 1, 200), 0);
	hash_wait__free(hw);
}

struct fx {
	struct output *out;
	struct reporter *rep;
	struct proc_cache *pc;
	struct verdict *v;
	struct rules *rs;
};

static void fx_open(struct fx *f)
{
	char spec[128], err[256];
	const char *specs[1] = {spec};

	snprintf(spec, sizeof(spec), "file:%s/out.json", dir);
	assert_int_equal(output__open(specs, 1, &f->out, err, sizeof(err)), 0);
	f->rep = reporter__new(f->out, 0, 64);
	f->pc = proc_cache__new();
	f->v = verdict__new(f->rep, f->pc, NULL, false);
	f->rs = load();
	verdict__set_rules(f->v, f->rs, 1);
}

static void fx_close(struct fx *f)
{
	verdict__free(f->v);
	proc_cache__free(f->pc);
	reporter__free(f->rep);
	output__close(f->out);
	rules__free(f->rs);
}

static uint64_t alerts(struct fx *f)
{
	struct verdict_stats st;

	verdict__stats(f->v, &st);
	return st.alerts;
}

/* Exec with the hash coming: T-1 waits, T-2 fires; then the content. */
static void test_verdict_waits(void **state)
{
	struct fx f;
	struct mw_process p;
	struct mw_event ev = {.kind = MW_KIND_EXEC, .proc = &p};
	struct verdict_stats st;

	(void)state;
	fx_open(&f);
	/* The excepted binary: waits, then spared. */
	proc_set(&p, "");
	ev.hash_coming = true;
	verdict__judge(f.v, &ev);
	assert_int_equal(alerts(&f), 1); /* T-2 */
	proc_set(&p, GOOD);
	ev.hash_coming = false;
	verdict__content(f.v, &ev);
	assert_int_equal(alerts(&f), 1);
	/* Another hash: waits, then T-1 fires (T-2 is not repeated). */
	proc_set(&p, "");
	p.start_ns = 78;
	ev.hash_coming = true;
	verdict__judge(f.v, &ev);
	assert_int_equal(alerts(&f), 2);
	proc_set(&p, OTHER);
	p.start_ns = 78;
	verdict__content(f.v, &ev);
	assert_int_equal(alerts(&f), 3);
	/* No hash coming (content off, queue full): judged at once. */
	proc_set(&p, "");
	p.start_ns = 79;
	ev.hash_coming = false;
	verdict__judge(f.v, &ev);
	assert_int_equal(alerts(&f), 5);
	verdict__stats(f.v, &st);
	assert_int_equal(st.hash_waits, 2);
	fx_close(&f);
}

/* A hash that never comes: at the deadline, judged without it. */
static void test_verdict_deadline(void **state)
{
	struct fx f;
	struct mw_process *p;
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct verdict_stats st;
	char *name;

	(void)state;
	fx_open(&f);
	p = proc_cache__get(f.pc, (uint32_t)getpid()); /* from /proc */
	assert_non_null(p);
	p->sha256[0] = '\0';
	name = p->name;
	p->name = (char *)"xmrig";
	ev.proc = p;
	ev.hash_coming = true;
	verdict__judge(f.v, &ev);
	assert_int_equal(alerts(&f), 1); /* T-2 */
	p->sha256[0] = '\0'; /* T-2's own digest of the file: forgotten */
	verdict__hash_waits(f.v, clock__boot_ns());
	assert_int_equal(alerts(&f), 1); /* not yet */
	verdict__hash_waits(f.v, clock__boot_ns() + HASH_WAIT_NS + 1);
	assert_int_equal(alerts(&f), 2); /* T-1, without the hash */
	verdict__stats(f.v, &st);
	assert_int_equal(st.hash_wait_expired, 1);
	/* The late verdict then repeats nothing. */
	verdict__content(f.v, &ev);
	assert_int_equal(alerts(&f), 2);
	p->name = name;
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_engine),
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_verdict_waits),
	    cmocka_unit_test(test_verdict_deadline),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

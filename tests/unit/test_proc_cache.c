// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: process cache bookkeeping, lineage, ids, argv, containers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <sys/wait.h>
#include <unistd.h>

#include "model/proc_cache.h"

static struct mw_hdr hdr(uint32_t pid, uint32_t ppid, uint64_t start)
{
	struct mw_hdr h = {.pid = pid,
			   .tid = pid,
			   .ppid = ppid,
			   .start_ns = start,
			   .ts_ns = start + 1,
			   .loginuid = UINT32_MAX};

	strcpy(h.comm, "t");
	return h;
}

static void test_args(void **state)
{
	struct mw_process p = {0};
	static const char a[] = "xmrig\0-o\0stratum+tcp://x:3333\0";

	assert_int_equal(proc_set_args(&p, a, sizeof(a) - 1), 0);
	assert_int_equal(p.argc, 3);
	assert_string_equal(p.argv[2], "stratum+tcp://x:3333");
	assert_null(p.argv[3]);
	assert_string_equal(p.cmdline, "xmrig -o stratum+tcp://x:3333");
	/* Empty arguments in the middle are arguments. */
	assert_int_equal(proc_set_args(&p, "a\0\0b", 4), 0);
	assert_int_equal(p.argc, 3);
	assert_string_equal(p.argv[1], "");
	assert_int_equal(proc_set_args(&p, "", 0), 0);
	assert_int_equal(p.argc, 0);
	assert_null(p.argv);
}

static void test_container_id(void **state)
{
	static const char id[] =
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	struct {
		const char *fmt;
		int has;
	} cases[] = {
	    {"0::/system.slice/docker-%s.scope\n", 1},
	    {"12:memory:/docker/%s\n0::/\n", 1},
	    {"0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-%s.scope\n",
	     1},
	    {"0::/kubepods/burstable/pod123/%s\n", 1},
	    {"0::/machine.slice/libpod-%s.scope\n", 1},
	    {"0::/crio-%s.scope\n", 1},
	    {"0::/user.slice/user-0.slice/session-3.scope\n", 0},
	    {"0::/x%s\n", 0}, /* not a separate run of 64 hex digits */
	};
	char text[512], out[65];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), cases[i].fmt, id);
		proc_container_id(text, out);
		if (cases[i].has)
			assert_string_equal(out, id);
		else
			assert_string_equal(out, "");
	}
}

static void test_fork_exec_exit_lineage(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	const struct mw_process *chain[8];
	struct mw_hdr h;
	struct mw_process *p;
	static const char args[] = "sh\0-c\0run";

	assert_non_null(pc);
	h = hdr(100, 1, 1000000000);
	p = proc_cache__on_exec(pc, &h, "/bin/sh", args, sizeof(args), "/",
				"/bin/sh", 0);
	assert_non_null(p);
	assert_string_equal(p->name, "sh");
	h = hdr(200, 100, 2000000000);
	p = proc_cache__on_fork(pc, &h);
	/* A forked child runs its parent's image until it execs. */
	assert_string_equal(p->exe, "/bin/sh");
	assert_string_equal(p->cmdline, "sh -c run");
	assert_int_equal(p->image_pid, 100);
	/* ... and so does its own forked child (a pool of workers). */
	h = hdr(250, 200, 2100000000);
	assert_int_equal(proc_cache__on_fork(pc, &h)->image_pid, 100);
	h = hdr(200, 100, 2000000000);
	p = proc_cache__on_exec(pc, &h, "/root/.x/xmrig", "./xmrig", 8,
				"/root/.x", "./xmrig", MW_PROC_DELETED);
	assert_string_equal(p->exec_path, "/root/.x/xmrig");
	assert_int_equal(p->image_pid, 200); /* its own image now */
	assert_int_equal(proc_cache__ancestors(pc, p, chain, 8), 1);
	assert_int_equal(chain[0]->pid, 100);
	assert_string_equal(p->parent_entity_id, chain[0]->entity_id);

	/* The parent exits: lineage still resolves during the grace period. */
	h = hdr(100, 1, 1000000000);
	h.ts_ns = 5000000000ULL;
	proc_cache__on_exit(pc, &h);
	assert_int_equal(proc_cache__ancestors(pc, p, chain, 8), 1);
	proc_cache__expire(pc, 5000000000ULL + 1);
	assert_non_null(proc_cache__lookup(pc, 100));
	proc_cache__expire(pc, 5000000000ULL + 31000000000ULL);
	assert_null(proc_cache__lookup(pc, 100));
	assert_int_equal(proc_cache__ancestors(pc, p, chain, 8), 0);

	/* A new process reusing pid 100 is not the old parent. */
	h = hdr(100, 1, 9000000000ULL);
	proc_cache__on_fork(pc, &h);
	assert_int_equal(proc_cache__ancestors(pc, p, chain, 8), 0);
	proc_cache__free(pc);
}

static void test_entity_id_stable(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	char a[MW_ENTITY_ID_LEN], b[MW_ENTITY_ID_LEN], c[MW_ENTITY_ID_LEN];

	/* Same clock tick (as /proc reports it): same id. */
	proc_cache__entity_id(pc, 42, 1234560000000ULL, a);
	proc_cache__entity_id(pc, 42, 1234560000000ULL + 999, b);
	proc_cache__entity_id(pc, 43, 1234560000000ULL, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 16);
	proc_cache__free(pc);
}

static void test_seed_self(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	struct mw_process *self;

	assert_int_equal(proc_cache__seed(pc, "/proc"), 0);
	self = proc_cache__lookup(pc, getpid());
	assert_non_null(self);
	assert_non_null(self->exe);
	assert_true(strstr(self->exe, "test_proc_cache") != NULL);
	assert_int_equal(self->ppid, getppid());
	assert_true(self->flags & MW_PROC_SEEDED);
	proc_cache__free(pc);
}

/*
 * At the cap, the oldest exited record makes room first; when every record
 * is alive the cap gives way (counted); expiry frees the exited ones.
 */
static void test_cap_evicts_exited_first(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	struct proc_cache_stats st;
	struct mw_hdr h;
	uint32_t pid;

	assert_non_null(pc);
	proc_cache__set_cap(pc, 8);
	for (pid = 1000; pid < 1008; pid++) {
		h = hdr(pid, 1, pid * 1000ULL);
		assert_non_null(proc_cache__on_fork(pc, &h));
	}
	/* 1002 exits first, then 1005. */
	h = hdr(1002, 1, 1002000ULL);
	proc_cache__on_exit(pc, &h);
	h = hdr(1005, 1, 1005000ULL);
	proc_cache__on_exit(pc, &h);

	h = hdr(2000, 1, 2000000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h));
	assert_null(proc_cache__lookup(pc, 1002)); /* oldest exited went */
	assert_non_null(proc_cache__lookup(pc, 1005));
	h = hdr(2001, 1, 2001000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h));
	assert_null(proc_cache__lookup(pc, 1005));
	/* All alive now: the cap gives way rather than lose a process. */
	h = hdr(2002, 1, 2002000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h));
	proc_cache__stats(pc, &st);
	assert_int_equal(st.size, 9);
	assert_int_equal(st.evicted, 2);
	assert_int_equal(st.over_cap, 1);
	assert_int_equal(st.exited, 0);
	for (pid = 1000; pid < 1008; pid++) {
		h = hdr(pid, 1, pid * 1000ULL);
		h.ts_ns = 5000000000ULL;
		proc_cache__on_exit(pc, &h);
	}
	proc_cache__stats(pc, &st);
	assert_int_equal(st.exited, 6);
	proc_cache__expire(pc, 40000000000ULL);
	proc_cache__stats(pc, &st);
	assert_int_equal(st.size, 3);
	assert_int_equal(st.exited, 0);
	proc_cache__free(pc);
}

/*
 * An exec storm: more exits than PC_EXITED_CAP within the grace period.
 * The newest exited records stay, the oldest go early (counted), live
 * ones are untouched.
 */
static void test_exited_cap(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	struct proc_cache_stats st;
	const uint32_t n = PC_EXITED_CAP + 100;
	struct mw_hdr h;
	uint32_t pid;

	(void)state;
	assert_non_null(pc);
	h = hdr(500, 1, 1000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h)); /* stays alive */
	for (pid = 1000; pid < 1000 + n; pid++) {
		h = hdr(pid, 500, pid * 1000ULL);
		assert_non_null(proc_cache__on_fork(pc, &h));
		proc_cache__on_exit(pc, &h);
	}
	proc_cache__stats(pc, &st);
	assert_int_equal(st.exited, PC_EXITED_CAP);
	assert_int_equal(st.evicted, 100);
	assert_int_equal(st.size, PC_EXITED_CAP + 1);
	assert_null(proc_cache__lookup(pc, 1000 + 99));	    /* oldest went */
	assert_non_null(proc_cache__lookup(pc, 1000 + 100)); /* newest stay */
	assert_non_null(proc_cache__lookup(pc, 1000 + n - 1));
	assert_non_null(proc_cache__lookup(pc, 500));
	proc_cache__free(pc);
}

/*
 * A lost exit record: the process is gone but its record says alive. The
 * reconcile pass (when enabled) marks it exited, then it expires.
 */
static void test_reconcile_lost_exit(void **state)
{
	struct proc_cache *pc = proc_cache__new();
	struct proc_cache_stats st;
	struct mw_hdr h;
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child); /* reaped: gone */
	h = hdr((uint32_t)child, 1, 1000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h));
	h = hdr((uint32_t)getpid(), 1, 2000ULL);
	assert_non_null(proc_cache__on_fork(pc, &h));

	proc_cache__expire(pc, 100000000000ULL); /* reconcile off */
	proc_cache__stats(pc, &st);
	assert_int_equal(st.reconciled, 0);
	proc_cache__set_reconcile(pc, true);
	proc_cache__expire(pc, 200000000000ULL);
	proc_cache__stats(pc, &st);
	assert_int_equal(st.reconciled, 1); /* ours is alive */
	assert_int_equal(st.exited, 1);
	proc_cache__expire(pc, 240000000000ULL);
	assert_null(proc_cache__lookup(pc, (uint32_t)child));
	assert_non_null(proc_cache__lookup(pc, (uint32_t)getpid()));
	proc_cache__free(pc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_args),
	    cmocka_unit_test(test_container_id),
	    cmocka_unit_test(test_fork_exec_exit_lineage),
	    cmocka_unit_test(test_entity_id_stable),
	    cmocka_unit_test(test_seed_self),
	    cmocka_unit_test(test_cap_evicts_exited_first),
	    cmocka_unit_test(test_exited_cap),
	    cmocka_unit_test(test_reconcile_lost_exit),
	};

	return cmocka_run_group_tests_name("proc_cache", tests, NULL, NULL);
}

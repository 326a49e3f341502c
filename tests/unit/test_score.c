/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_score.c - CPU behaviour (model/cpu.c: busy after a sustained run)
 * and the behaviour score (respond/score.c): each weak signal alone stays
 * below 50, together they pass it, and benign CPU work in the usual
 * places stays below.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model/behaviour_event.h"
#include "model/cgroup_cpu.h"
#include "model/cpu.h"
#include "respond/score.h"

#define SEC 1000000000ULL
#define HZ 100

/* --- cpu ---------------------------------------------------------------- */

static void test_cpu_first_sample_covers_life(void **state)
{
	struct mw_process p = {.pid = 7, .start_ns = 100 * SEC};

	(void)state;
	/* Started 16 s ago, used 16 s of CPU: busy at its first sample. */
	assert_true(cpu__update(&p, 116 * SEC, HZ, 16 * HZ, 100 * HZ, 0));
	assert_int_equal(cpu__busy_pct(&p, HZ), 100);
	/* An old idle process is not. */
	memset(&p, 0, sizeof(p));
	p.start_ns = 10 * SEC;
	assert_false(cpu__update(&p, 1000 * SEC, HZ, 30 * HZ, 10 * HZ, 0));
	assert_int_equal(p.cpu_busy_ns, 0);
}

static void test_cpu_sustained_run(void **state)
{
	struct mw_process p = {.pid = 7, .start_ns = 100 * SEC};
	unsigned long long t = 0;
	uint64_t now = 100 * SEC;
	int i;

	(void)state;
	assert_false(cpu__update(&p, now, HZ, t, 100 * HZ, 0));
	/* 2.5 s samples at 80% of a core: busy once 15 s are reached. */
	for (i = 1; i <= 6; i++) {
		now += 2500 * 1000000ULL;
		t += 200; /* 2 s of CPU */
		assert_int_equal(cpu__update(&p, now, HZ, t, 100 * HZ, 0),
				 i == 6);
	}
	/* One quiet interval ends the run. */
	now += 2500 * 1000000ULL;
	t += 10;
	assert_false(cpu__update(&p, now, HZ, t, 100 * HZ, 0));
	assert_int_equal(p.cpu_busy_ns, 0);
}

/* 60% of a core is active but below the busy average. */
static void test_cpu_half_core(void **state)
{
	struct mw_process p = {.pid = 7, .start_ns = 100 * SEC};
	unsigned long long t = 0;
	uint64_t now = 100 * SEC;
	int i;

	(void)state;
	cpu__update(&p, now, HZ, t, 100 * HZ, 0);
	for (i = 0; i < 20; i++) {
		now += 2500 * 1000000ULL;
		t += 150;
		assert_false(cpu__update(&p, now, HZ, t, 100 * HZ, 0));
	}
	assert_int_equal(cpu__busy_pct(&p, HZ), 60);
}

/* Another process under the same pid: its numbers are not ours. */
static void test_cpu_pid_reuse(void **state)
{
	struct mw_process p = {.pid = 7, .start_ns = 100 * SEC};

	(void)state;
	assert_false(cpu__update(&p, 200 * SEC, HZ, 100 * HZ, 150 * HZ, 0));
	assert_int_equal(p.cpu_ts_ns, 0);
}

/* --- score -------------------------------------------------------------- */

static struct mw_process named(const char *name)
{
	struct mw_process p = {0};

	strncpy(p.comm, name, sizeof(p.comm) - 1);
	return p;
}

/* ev for proc with one parent; ts_ns marks "sampled" (no terminal). */
static int score(struct mw_process *proc, struct mw_process *parent)
{
	struct mw_behaviour_info b;
	struct mw_event ev = {
	    .kind = MW_KIND_BEHAVIOUR, .proc = proc, .parent = parent};

	score__compute(&ev, &b);
	return b.score;
}

static void test_score_each_alone_below_50(void **state)
{
	struct mw_process sh = named("bash");
	static const uint32_t sigs[] = {MW_SIG_CPU_BUSY,     MW_SIG_POOL_PORT,
					MW_SIG_WEAK_RULE,    MW_SIG_CHILD_T1496,
					MW_SIG_CONFIG,	     MW_SIG_EXE_WW,
					MW_SIG_EXE_UNLINKED, MW_SIG_CPU_TUNING};
	struct mw_process p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		p = (struct mw_process){.exe = "/usr/bin/x",
					.signals = sigs[i]};
		assert_in_range(score(&p, &sh), 1, 49);
	}
	p = (struct mw_process){.exe = "/tmp/x"};
	assert_in_range(score(&p, &sh), 1, 49);
	p = (struct mw_process){.exe = "/root/.bashtemp/x"};
	assert_in_range(score(&p, &sh), 1, 49);
	p = (struct mw_process){.exe = "/usr/bin/x", .flags = MW_PROC_DELETED};
	assert_in_range(score(&p, &sh), 1, 49);
}

static void test_score_adds_up(void **state)
{
	struct mw_process cron = named("cron"), sh = named("bash");
	struct mw_behaviour_info b;
	struct mw_process p = {.exe = "/tmp/.x/kworkerd",
			       .signals = MW_SIG_CPU_BUSY,
			       .cpu_ts_ns = 1};
	struct mw_event ev = {
	    .kind = MW_KIND_BEHAVIOUR, .proc = &p, .parent = &cron};
	int i;

	(void)state;
	score__compute(&ev, &b);
	/* busy 30 + hidden dir 25 + cron 10 + no terminal 5 */
	assert_int_equal(b.score, 70);
	assert_int_equal(b.n_evidence, 4);
	assert_string_equal(b.evidence[0], "cpu_busy");
	assert_string_equal(b.evidence[1], "exe_in_hidden_dir");
	assert_string_equal(b.evidence[2], "started_by_cron");
	assert_string_equal(b.evidence[3], "no_terminal");
	/* Not busy: a temp executable on a pool port with a config. */
	p = (struct mw_process){.exe = "/tmp/app/x",
				.signals = MW_SIG_POOL_PORT | MW_SIG_CONFIG};
	assert_int_equal(score(&p, &sh), 70);
	/* Everything: capped. */
	p.signals = 0x3f;
	p.flags = MW_PROC_DELETED;
	for (i = 0; i < 3; i++)
		assert_int_equal(score(&p, &cron), 100);
}

/* Benign CPU work where it belongs stays below 50. */
static void test_score_benign(void **state)
{
	struct mw_process cron = named("cron"), sshd = named("sshd");
	struct mw_process p = {
	    .exe = "/usr/bin/gzip", .signals = MW_SIG_CPU_BUSY, .cpu_ts_ns = 1};

	(void)state;
	assert_int_equal(score(&p, &cron), 45); /* nightly gzip */
	p.exe = "/usr/lib/gcc/x86_64-linux-gnu/12/cc1";
	assert_int_equal(score(&p, &sshd), 45); /* a build over SSH */
	p.tty_nr = 34816;			/* with a terminal */
	assert_int_equal(score(&p, &sshd), 40);
}

static void test_places(void **state)
{
	(void)state;
	assert_true(score__exe_temp("/tmp/x"));
	assert_true(score__exe_temp("/dev/shm/x"));
	assert_true(score__exe_temp("/var/tmp/a/b"));
	assert_false(score__exe_temp("/usr/bin/tmp"));
	assert_false(score__exe_temp(NULL));
	assert_true(score__exe_hidden("/root/.bashtemp/x"));
	assert_true(score__exe_hidden("/tmp/.X11-unix/.x/y"));
	assert_false(score__exe_hidden("/usr/bin/.hidden-file"));
	assert_false(score__exe_hidden("/usr/./bin/x"));
	assert_false(score__exe_hidden("/usr/bin/x"));
}

/* A cgroup at a full core for 15 s is busy; a pause starts over. */
static void test_cgroup_busy(void **state)
{
	uint64_t st[4] = {0}, us = 0, t = 1000000000ULL, step = CPU_SAMPLE_NS;
	struct mw_process p = {.exe = "/tmp/x", .signals = MW_SIG_CGROUP_BUSY};
	int i;

	(void)state;
	assert_false(cgroup_cpu__update(st, us, t)); /* first: a baseline */
	for (i = 1; i <= 5; i++) {
		us += step / 1000 * 95 / 100;
		assert_false(cgroup_cpu__update(st, us, t + i * step));
	}
	us += step / 1000;
	assert_true(cgroup_cpu__update(st, us, t + 6 * step)); /* 15 s */
	/* An idle interval: the run starts over. */
	assert_false(cgroup_cpu__update(st, us + 1000, t + 7 * step));
	assert_int_equal(st[2], 0);
	/* The counter going back (a new cgroup under the id): a baseline. */
	assert_false(cgroup_cpu__update(st, 5, t + 8 * step));
	/* Its stand-in scores like a busy process. */
	{
		struct mw_behaviour_info b;
		struct mw_event ev = {.kind = MW_KIND_BEHAVIOUR, .proc = &p};

		score__compute(&ev, &b);
		assert_int_equal(b.score, 55);
		assert_string_equal(b.evidence[0], "cgroup_cpu_busy");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cpu_first_sample_covers_life),
	    cmocka_unit_test(test_cpu_sustained_run),
	    cmocka_unit_test(test_cpu_half_core),
	    cmocka_unit_test(test_cpu_pid_reuse),
	    cmocka_unit_test(test_score_each_alone_below_50),
	    cmocka_unit_test(test_score_adds_up),
	    cmocka_unit_test(test_score_benign),
	    cmocka_unit_test(test_places),
	    cmocka_unit_test(test_cgroup_busy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

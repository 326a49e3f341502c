// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_incident.c - findings grouped into incidents (respond/incident.c):
 * one process tree is one incident, a dropped or killed program's path
 * joins its later runs, a restart by cron names the cron file, unrelated
 * findings stay apart, ancestors from before the daemon never join.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/file_event.h"
#include "respond/incident.h"
#include "rules/rules.h"
#include "sensors/drop.h"

static struct rules *rs;

static int setup(void **state)
{
	char path[] = "/tmp/mw-test-incident-XXXXXX";
	const char *paths[1] = {path};
	char err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	fputs("{\"rules\": ["
	      "{\"id\": \"R-EXEC\", \"name\": \"x\", \"event\": \"exec\","
	      " \"condition\": {\"field\": \"process.name\", \"eq\": \"x\"},"
	      " \"severity\": 70, \"mitre\": {\"techniques\": [\"T1496\"]}},"
	      "{\"id\": \"R-CRON\", \"name\": \"c\", \"event\": \"file\","
	      " \"condition\": {\"field\": \"file.path\", \"prefix\": "
	      "\"/var/spool/cron/\"}, \"severity\": 60,"
	      " \"mitre\": {\"techniques\": [\"T1053.003\"]}}]}",
	      f);
	fclose(f);
	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("rules: %s", err);
	unlink(path);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rules__free(rs);
	return 0;
}

static struct mw_process proc(uint32_t pid, uint32_t ppid, const char *exe,
			      const char *name)
{
	struct mw_process p = {.pid = pid, .ppid = ppid};

	snprintf(p.entity_id, sizeof(p.entity_id), "%016x", pid * 7919u);
	snprintf(p.comm, sizeof(p.comm), "%s", name);
	p.exe = (char *)exe;
	p.name = (char *)name;
	return p;
}

/* ev for p with ancestors a[0] (parent), a[1], ... */
static struct mw_event event(const struct mw_process *p,
			     const struct mw_process **a, int n)
{
	struct mw_event ev = {.kind = MW_KIND_EXEC, .ts_ns = 1000000000ULL,
			      .proc = p};

	ev.parent = n > 0 ? a[0] : NULL;
	ev.ancestors = n > 1 ? a + 1 : NULL;
	ev.n_ancestors = n > 1 ? n - 1 : 0;
	return ev;
}

static const char *tag(struct incidents *in, const struct mw_event *ev,
		       int rule, char out[INCIDENT_ID_LEN])
{
	const char *id = incidents__tag(in, ev, rules__get(rs, rule), NULL);

	assert_non_null(id);
	snprintf(out, INCIDENT_ID_LEN, "%s", id);
	return out;
}

static void test_tree_drop_kill_restart(void **state)
{
	struct incidents *in = incidents__new(NULL);
	struct mw_process login = proc(100, 1, "/usr/sbin/sshd", "sshd");
	struct mw_process shell = proc(200, 100, "/bin/bash", "bash");
	struct mw_process old = proc(50, 10, "/bin/bash", "bash");
	struct mw_process miner = proc(300, 200, "/tmp/.x/kworker", "x");
	struct mw_process cron = proc(400, 1, "/usr/sbin/cron", "cron");
	struct mw_process job = proc(401, 400, "/usr/sbin/cron", "cron");
	struct mw_process again = proc(402, 401, "/tmp/.x/kworker", "x");
	struct mw_process other = proc(500, 50, "/usr/bin/x", "x");
	struct mw_file_info cronf = {.path = "/var/spool/cron/crontabs/root",
				     .action = "file-write"};
	const struct mw_process *a1[] = {&shell, &login};
	const struct mw_process *a2[] = {&job, &cron};
	const struct mw_process *a3[] = {&old};
	struct mw_event ev;
	struct incident_restart r;
	char id1[INCIDENT_ID_LEN], id2[INCIDENT_ID_LEN];

	(void)state;
	assert_non_null(in);
	old.flags = MW_PROC_SEEDED;
	/* The shell writes cron; its miner is in the same tree. */
	ev = event(&shell, a1 + 1, 1);
	ev.kind = MW_KIND_FILE;
	ev.file = &cronf;
	tag(in, &ev, 1, id1);
	ev = event(&miner, a1, 2);
	assert_string_equal(tag(in, &ev, 0, id2), id1);
	incidents__killed(in, &ev);
	/* Cron's job had a finding of its own first: another incident. */
	ev = event(&job, a2 + 1, 1);
	tag(in, &ev, 0, id2);
	assert_string_not_equal(id2, id1);
	/* Cron brings it back: another tree, the killed program's path. */
	ev = event(&again, a2, 2);
	assert_true(incidents__restart(in, &ev, &r));
	assert_string_equal(r.id, id1);
	assert_string_equal(r.via, "cron");
	assert_string_equal(r.evidence, "restart_by_cron");
	assert_string_equal(r.file, "/var/spool/cron/crontabs/root");
	assert_string_equal(tag(in, &ev, 0, id2), id1);
	/* Unrelated, under a shell from before the daemon: its own. */
	ev = event(&other, a3, 1);
	tag(in, &ev, 0, id2);
	assert_string_not_equal(id2, id1);
	/* A program not killed, run by cron: no restart. */
	ev = event(&other, a2, 2);
	assert_false(incidents__restart(in, &ev, &r));
	incidents__free(in);
}

/*
 * A killed interpreter is not every later run of it: python3 killed for
 * one script, then python3 run for another under a session whose pid 1 is
 * not systemd, is no restart; the same command line under systemd is.
 */
static void test_interpreter_restart(void **state)
{
	struct incidents *in = incidents__new(NULL);
	struct mw_process init = proc(1, 0, "/usr/bin/process_api", "process_api");
	struct mw_process sh = proc(20, 1, "/usr/bin/bash", "bash");
	struct mw_process py = proc(21, 20, "/usr/bin/python3.11", "python3");
	struct mw_process py2 = proc(22, 20, "/usr/bin/python3.11", "python3");
	struct mw_process sd = proc(30, 1, "/usr/lib/systemd/systemd", "systemd");
	struct mw_process py3 = proc(31, 30, "/usr/bin/python3.11", "python3");
	struct mw_process py4 = proc(32, 30, "/usr/bin/python3.11", "python3");
	const struct mw_process *a1[] = {&sh, &init};
	const struct mw_process *a2[] = {&sd};
	struct incident_restart r;
	struct mw_event ev;
	char id[INCIDENT_ID_LEN];

	(void)state;
	assert_non_null(in);
	py.cmdline = "python3 -c import socket; pool()";
	py2.cmdline = "python3 /opt/app/report.py";
	py3.cmdline = "python3 /opt/app/report.py";
	py4.cmdline = py.cmdline;
	ev = event(&py, a1, 2);
	tag(in, &ev, 0, id);
	incidents__killed(in, &ev);
	/* Another python3 line, under a pid 1 that is not systemd. */
	ev = event(&py2, a1, 2);
	assert_false(incidents__restart(in, &ev, &r));
	/* Another line under systemd: not the killed program. */
	ev = event(&py3, a2, 1);
	assert_false(incidents__restart(in, &ev, &r));
	/* The killed line again, run by systemd: a restart. */
	ev = event(&py4, a2, 1);
	assert_true(incidents__restart(in, &ev, &r));
	assert_string_equal(r.via, "systemd");
	/* The killed line under the non-systemd pid 1: no persistence. */
	py2.cmdline = py.cmdline;
	ev = event(&py2, a1, 2);
	assert_false(incidents__restart(in, &ev, &r));
	incidents__free(in);
}

static void test_tcp_line(void **state)
{
	char peer[64];

	(void)state;
	/* 127.0.0.1:8932 from 127.0.0.1:41234, inode 12345. */
	assert_true(drop__tcp_line("  3: 0100007F:A112 0100007F:22E4 01 "
				   "00000000:00000000 00:00000000 00000000 "
				   "    0        0 12345 1 0000",
				   12345, peer, sizeof(peer)));
	assert_string_equal(peer, "127.0.0.1:8932");
	assert_false(drop__tcp_line("  3: 0100007F:A112 0100007F:22E4 01 "
				    "00000000:00000000 00:00000000 00000000 "
				    "    0        0 12345 1 0000",
				    999, peer, sizeof(peer)));
	/* A listener has no peer. */
	assert_false(drop__tcp_line("  0: 0100007F:22E4 00000000:0000 0A "
				    "00000000:00000000 00:00000000 00000000 "
				    "    0        0 777 1 0000",
				    777, peer, sizeof(peer)));
	/* IPv4-mapped IPv6 as IPv4; garbage refused. */
	assert_true(drop__tcp_line(
	    "  0: 00000000000000000000000000000000:A112 "
	    "0000000000000000FFFF00000100007F:0050 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 42 1", 42, peer,
	    sizeof(peer)));
	assert_string_equal(peer, "127.0.0.1:80");
	assert_false(drop__tcp_line("garbage", 1, peer, sizeof(peer)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree_drop_kill_restart),
	    cmocka_unit_test(test_interpreter_restart),
	    cmocka_unit_test(test_tcp_line),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * test_names.c - process.name is the name a program was run by: the
 * model's rule (model/proc_name.c) case by case, then the default rules on
 * what the real sensor reported on Debian 12 for modprobe, iptables,
 * service and busybox (tests/unit/fixtures/exec/, recorded by
 * tests/integration/test_exec_names.sh with MW_FIXTURE_OUT) and for the
 * intrusion chain's shell tricks, miner command lines and attack tools
 * (recorded by tools/record-exec-fixtures). Each fixture
 * record goes through the process cache as the exec sensor feeds it (exe,
 * argv, cwd and execve path as the kernel gave them), never a hand-built
 * process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "model/proc_cache.h"
#include "model/proc_name.h"
#include "rules/rules.h"

#ifndef MW_SRC
#define MW_SRC "."
#endif

/* --- the naming rule ------------------------------------------------------ */

struct name_case {
	const char *exec_path, *exe, *comm;
	const char *argv[3];
	const char *want;
};

static const struct name_case name_cases[] = {
    /* exec seen: the execve path's base name, whatever the file is. */
    {"/usr/sbin/modprobe",
     "/usr/bin/kmod",
     "modprobe",
     {"modprobe", "-n"},
     "modprobe"},
    {"/usr/sbin/iptables",
     "/usr/sbin/xtables-nft-multi",
     "iptables",
     {"iptables", "-F"},
     "iptables"},
    {"/usr/sbin/service", "/usr/bin/dash", "service", {"/bin/sh"}, "service"},
    /* Not cut at 15 bytes as comm is. */
    {"/usr/bin/x86_energy_perf_policy",
     "/usr/bin/x86_energy_perf_policy",
     "x86_energy_perf",
     {"x"},
     "x86_energy_perf_policy"},
    /* busybox by its own name: the applet. */
    {"/bin/busybox",
     "/bin/busybox",
     "busybox",
     {"busybox", "modprobe"},
     "modprobe"},
    {"/bin/busybox",
     "/bin/busybox",
     "busybox",
     {"busybox", "--list"},
     "busybox"},
    {"/bin/busybox", "/bin/busybox", "busybox", {"busybox"}, "busybox"},
    /* argv[0] is the caller's choice and does not name the program. */
    {"/tmp/x/xmrig", "/tmp/x/xmrig", "xmrig", {"[kworker/0:1]"}, "xmrig"},
    /* Learned from /proc: comm, or argv[0]/exe when comm is them cut. */
    {NULL, "/usr/bin/kmod", "modprobe", {"modprobe", "msr"}, "modprobe"},
    {NULL,
     "/usr/bin/x86_energy_perf_policy",
     "x86_energy_perf",
     {"x86_energy_perf_policy"},
     "x86_energy_perf_policy"},
    {NULL,
     "/usr/bin/x86_energy_perf_policy",
     "x86_energy_perf",
     {"other"},
     "x86_energy_perf_policy"},
    {NULL, "/tmp/.x/miner", "kswapd0", {"grep"}, "kswapd0"},
    {NULL, "/usr/bin/busybox", "busybox", {"busybox", "wget"}, "wget"},
    {NULL, NULL, "kthreadd", {NULL}, "kthreadd"},
};

static void test_pick(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		const struct name_case *c = &name_cases[i];
		struct mw_process p = {0};
		char *argv[3] = {0};
		const char *got;
		int n = 0;

		p.exec_path = (char *)c->exec_path;
		p.exe = (char *)c->exe;
		snprintf(p.comm, sizeof(p.comm), "%s", c->comm);
		while (n < 2 && c->argv[n]) {
			argv[n] = (char *)c->argv[n];
			n++;
		}
		p.argv = n ? argv : NULL;
		p.argc = n;
		got = proc_name__pick(&p);
		if (!got || strcmp(got, c->want)) {
			print_error("case %zu (%s): got %s, want %s\n", i,
				    c->exec_path ? c->exec_path : c->exe,
				    got ? got : "(null)", c->want);
			fail();
		}
	}
}

/* ld.so PROGRAM: the program it loads is the exec path, and the name. */
static void test_loader(void **state)
{
	static const struct {
		const char *exe, *args[6], *want;
	} cases[] = {
	    {"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	     {"/lib64/ld-linux-x86-64.so.2", "./xmrig", "-o", NULL},
	     "/root/.x/xmrig"},
	    {"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	     {"ld.so", "--library-path", "/tmp", "--inhibit-cache", "/opt/m",
	      NULL},
	     "/opt/m"},
	    {"/lib/ld-musl-x86_64.so.1",
	     {"ld", "--", "bin/m", NULL},
	     "/root/.x/bin/m"},
	    /* Not the loader, or no program: unchanged. */
	    {"/usr/bin/bash", {"bash", "./x", NULL}, NULL},
	    {"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
	     {"ld.so", "--list", NULL},
	     NULL},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mw_process p = {0};
		char *argv[6] = {0};
		int n = 0;

		while (cases[i].args[n]) {
			argv[n] = (char *)cases[i].args[n];
			n++;
		}
		p.exe = (char *)cases[i].exe;
		p.exec_path = strdup(cases[i].exe);
		p.cwd = "/root/.x";
		p.argv = argv;
		p.argc = n;
		assert_int_equal(proc_name__loader(&p), cases[i].want != NULL);
		if (cases[i].want)
			assert_string_equal(p.exec_path, cases[i].want);
		free(p.exec_path);
	}
}

/* --- the default rules on recorded exec records --------------------------- */

struct fixture_case {
	const char *file;
	const char *want; /* sorted rule ids, ',' */
};

static const struct fixture_case fixture_cases[] = {
    {"modprobe.json", "MW-MINER-008"},
    {"iptables.json", "MW-EVASION-003"},
    {"service.json", "MW-EVASION-001"},
    {"busybox-modprobe.json", "MW-MINER-008"},
    /* tools/record-exec-fixtures: the intrusion chain's shell tricks. */
    {"evasion-curl-sh.json", "MW-EVASION-004"},
    {"evasion-base64-sh.json", "MW-EVASION-005"},
    {"evasion-devtcp.json", "MW-EVASION-006"},
    {"evasion-pkill.json", "MW-EVASION-002"},
    {"forensics-journal-vacuum.json", "MW-FORENSICS-001"},
    {"exec-devshm.json", "MW-EXEC-004"},
    {"exec-kthread-argv0.json", "MW-EXEC-003,MW-EXEC-007"},
    {"miner-algo.json", "MW-EXEC-003,MW-MINER-004"},
    {"miner-pool-login.json", "MW-EXEC-003,MW-MINER-005"},
    {"miner-wallet.json", "MW-EXEC-003,MW-MINER-006"},
    {"benign-args.json", "MW-EXEC-003"},
    {"recon-hydra.json", "MW-RECON-004"},
    {"recon-masscan.json", "MW-RECON-001"},
};

static const char *jstr(json_t *doc, const char *a, const char *b,
			const char *c)
{
	json_t *o = json_object_get(doc, a);

	if (b)
		o = json_object_get(o, b);
	if (c)
		o = json_object_get(o, c);
	return json_string_value(o);
}

/* argv as the kernel record carries it: NUL-separated. */
static size_t args_of(json_t *args, char *buf, size_t len)
{
	size_t off = 0, i;
	json_t *a;

	json_array_foreach(args, i, a)
	{
		const char *s = json_string_value(a);
		size_t l = strlen(s ? s : "") + 1;

		if (off + l > len)
			break;
		memcpy(buf + off, s ? s : "", l);
		off += l;
	}
	return off;
}

/* Feed one recorded process (pid, parent pid) to the cache as an exec. */
static struct mw_process *feed(struct proc_cache *pc, json_t *proc,
			       const char *comm, const char *exec_path,
			       uint32_t pid, uint32_t ppid)
{
	struct mw_hdr h = {.pid = pid,
			   .tid = pid,
			   .ppid = ppid,
			   .start_ns = pid,
			   .ts_ns = pid + 1,
			   .loginuid = UINT32_MAX};
	const char *exe =
	    json_string_value(json_object_get(proc, "executable"));
	const char *cwd =
	    json_string_value(json_object_get(proc, "working_directory"));
	char args[4096];
	size_t n = args_of(json_object_get(proc, "args"), args, sizeof(args));

	snprintf(h.comm, sizeof(h.comm), "%s", comm ? comm : "");
	return proc_cache__on_exec(pc, &h, exe, args, n, cwd ? cwd : "/",
				   exec_path ? exec_path : exe, 0);
}

static int collect(const struct rule *r, int idx, const struct mw_event *ev,
		   void *ctx)
{
	char *ids = ctx;

	if (ids[0])
		strcat(ids, ",");
	strcat(ids, rule__id(r));
	return 0;
}

static void check_fixture(struct rules *rs, const struct fixture_case *c)
{
	const struct mw_process *chain[8];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	struct proc_cache *pc = proc_cache__new();
	char path[512], pexec[512], ids[512] = "";
	const char *pexe, *pname, *slash;
	struct mw_process *p;
	json_error_t jerr;
	json_t *doc, *parent;

	snprintf(path, sizeof(path), "%s/tests/unit/fixtures/exec/%s", MW_SRC,
		 c->file);
	doc = json_load_file(path, 0, &jerr);
	if (!doc)
		fail_msg("%s: %s", path, jerr.text);
	assert_non_null(pc);
	/* The parent as reported: its executable, and the name it ran by. */
	parent = json_object_get(json_object_get(doc, "process"), "parent");
	pexe = json_string_value(json_object_get(parent, "executable"));
	pname = json_string_value(json_object_get(parent, "name"));
	if (pexe && pname && (slash = strrchr(pexe, '/')))
		snprintf(pexec, sizeof(pexec), "%.*s/%s", (int)(slash - pexe),
			 pexe, pname);
	else
		snprintf(pexec, sizeof(pexec), "%s", pexe ? pexe : "");
	if (pexe)
		feed(pc, parent, pname, pexec, 100, 1);
	p = feed(pc, json_object_get(doc, "process"),
		 jstr(doc, "minerwatch", "process", "comm"),
		 jstr(doc, "minerwatch", "process", "exec_path"), 101, 100);
	assert_non_null(p);
	/* The model names it as the daemon did when it was recorded. */
	assert_string_equal(p->name, jstr(doc, "process", "name", NULL));
	ev.proc = p;
	proc_cache__lineage(pc, &ev, chain, 8);
	rules__eval(rs, &ev, collect, ids);
	if (strcmp(ids, c->want)) {
		print_error("%s: got [%s], want [%s]\n", c->file, ids, c->want);
		fail();
	}
	json_decref(doc);
	proc_cache__free(pc);
}

static void test_fixtures(void **state)
{
	const char *paths[1] = {MW_SRC "/rules"};
	struct rules *rs;
	char err[512];
	size_t i;

	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		fail_msg("loading rules: %s", err);
	for (i = 0; i < sizeof(fixture_cases) / sizeof(fixture_cases[0]); i++)
		check_fixture(rs, &fixture_cases[i]);
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pick),
	    cmocka_unit_test(test_loader),
	    cmocka_unit_test(test_fixtures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

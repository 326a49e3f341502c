// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests: triage's parsers of auth.log lines, syslog stamps, utmp
 * records and leftover-file shapes (user/triage/triage_parse.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utmp.h>

#include <cmocka.h>

#include "triage/triage_parse.h"

/* 2026-12-01T12:00:00Z, in the local time zone of the run. */
static const time_t NOW = 1796126400;

static void test_syslog_time(void **state)
{
	int64_t when = 0;

	assert_int_equal(
	    tparse__syslog_time("2026-12-01T03:12:00Z x", 22, NOW, &when), 20);
	assert_int_equal(when, 1796094720);
	assert_int_equal(tparse__syslog_time("2026-12-01T04:12:00.5+01:00 x",
					     29, NOW, &when),
			 27);
	assert_int_equal(when, 1796094720);
	/* RFC 3164: local time; the year is guessed. */
	assert_int_equal(
	    tparse__syslog_time("Dec  1 03:12:00 h", 17, NOW, &when), 15);
	{
		struct tm tm;
		time_t t = when;

		localtime_r(&t, &tm);
		assert_int_equal(tm.tm_hour, 3);
		assert_int_equal(tm.tm_year, 126);
	}
	/* A date after tomorrow is last year's. */
	assert_int_equal(
	    tparse__syslog_time("Dec 25 03:12:00 h", 17, NOW, &when), 15);
	assert_true(when < NOW - 300 * 86400);
	assert_int_equal(tparse__syslog_time("Foo  1 03:12:00", 15, NOW, &when),
			 0);
	assert_int_equal(tparse__syslog_time("Dec  1 03:12", 12, NOW, &when),
			 0);
	assert_int_equal(tparse__syslog_time("", 0, NOW, &when), 0);
}

struct auth_case {
	const char *line;
	enum tparse_auth_kind kind;
	const char *user, *ip, *method;
};

static void test_auth_lines(void **state)
{
	static const struct auth_case cases[] = {
	    {"Dec  1 03:11:01 h sshd[9]: Failed password for root from "
	     "203.0.113.7 port 41 ssh2",
	     AUTH_FAIL, "root", "203.0.113.7", "password"},
	    {"Dec  1 03:11:01 h sshd[9]: Failed password for invalid user "
	     "bob smith from 2001:db8::1 port 41 ssh2",
	     AUTH_FAIL, "bob smith", "2001:db8::1", "password"},
	    {"Dec  1 03:11:01 h sshd[9]: Invalid user oracle from 192.0.2.1 "
	     "port 5",
	     AUTH_FAIL, "oracle", "192.0.2.1", "invalid-user"},
	    {"Dec  1 03:12:01 h sshd[9]: Accepted publickey for root from "
	     "203.0.113.7 port 5122 ssh2: ED25519 SHA256:x",
	     AUTH_ACCEPT, "root", "203.0.113.7", "publickey"},
	    {"Dec  1 03:12:00 h chpasswd[1]: pam_unix(chpasswd:chauthtok): "
	     "password changed for root",
	     AUTH_PASSWD_CHANGE, "root", "", ""},
	    {"Dec  1 03:12:00 h passwd[1]: password for 'alice' changed by "
	     "'root'",
	     AUTH_PASSWD_CHANGE, "alice", "", ""},
	    {"Dec  1 03:12:00 h sshd[9]: Accepted password for root", AUTH_NONE,
	     "", "", ""},
	    {"Dec  1 03:12:00 h CRON[9]: pam_unix(cron:session): session "
	     "opened for user root",
	     AUTH_NONE, "", "", ""},
	    {"Dec  1 03:12:00 h passwd[1]: password for ' changed", AUTH_NONE,
	     "", "", ""},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tparse_auth a;
		enum tparse_auth_kind k = tparse__auth_line(
		    cases[i].line, strlen(cases[i].line), NOW, &a);

		assert_int_equal(k, cases[i].kind);
		if (k == AUTH_NONE)
			continue;
		assert_string_equal(a.user, cases[i].user);
		assert_string_equal(a.ip, cases[i].ip);
		assert_string_equal(a.method, cases[i].method);
		assert_true(a.when > 0);
	}
}

static void test_utmp(void **state)
{
	unsigned char buf[TPARSE_UTMP_SIZE] = {0};
	struct tparse_utmp u;
	struct utmp r = {0};

	assert_int_equal(tparse__utmp(buf, sizeof(buf) - 1, &u), -EINVAL);
	assert_int_equal(tparse__utmp(buf, sizeof(buf), &u), 0);
	assert_true(u.zeroed);
	r.ut_type = USER_PROCESS;
	r.ut_pid = 42;
	memcpy(r.ut_user, "rootrootrootrootrootrootrootroot", 32); /* no NUL */
	strcpy(r.ut_host, "198.51.100.9");
	r.ut_tv.tv_sec = 1796094720;
	memcpy(buf, &r, sizeof(r));
	assert_int_equal(tparse__utmp(buf, sizeof(buf), &u), 0);
	assert_false(u.zeroed);
	assert_int_equal(u.type, USER_PROCESS);
	assert_int_equal(u.pid, 42);
	assert_int_equal(strlen(u.user), 32);
	assert_string_equal(u.host, "198.51.100.9");
	assert_int_equal(u.when, 1796094720);
}

static void test_leftover_shapes(void **state)
{
	static const struct {
		const char *line;
		bool cred;
		enum tparse_scan_kind scan;
	} cases[] = {
	    {"root:123456", true, SCAN_NONE},
	    {"10.0.0.1:admin:admin", true, SCAN_NONE},
	    {"root:x:0:0:root:/root:/bin/bash", false, SCAN_NONE},
	    {"http://example.com", false, SCAN_NONE},
	    {"key = value", false, SCAN_NONE},
	    {"PATH=/usr/bin:/bin", false, SCAN_NONE},
	    {"root:", false, SCAN_NONE},
	    {"Discovered open port 22/tcp on 192.0.2.4", false, SCAN_MASSCAN},
	    {"open tcp 3389 192.0.2.9 1700000000", false, SCAN_MASSCAN},
	    {"[22][ssh] host: 192.0.2.1   login: root   password: toor", false,
	     SCAN_HYDRA},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = strlen(cases[i].line);

		assert_int_equal(tparse__cred_line(cases[i].line, n),
				 cases[i].cred);
		assert_int_equal(tparse__scanner_line(cases[i].line, n),
				 cases[i].scan);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_syslog_time),
	    cmocka_unit_test(test_auth_lines),
	    cmocka_unit_test(test_utmp),
	    cmocka_unit_test(test_leftover_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

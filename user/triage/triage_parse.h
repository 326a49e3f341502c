/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triage_parse.h - the byte-level parsers of triage: syslog time stamps,
 * sshd/passwd lines of auth.log, utmp records (wtmp, btmp), and the
 * shapes of files attackers leave behind. Pure functions over untrusted
 * bytes (fuzzed by tests/fuzz/fuzz_triage_*.c): no I/O, no allocation.
 */
#ifndef MW_TRIAGE_PARSE_H
#define MW_TRIAGE_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The time stamp at the start of a syslog line: RFC 3164 ("Dec  1
 * 23:00:01", local time, year guessed so the stamp is not after now + 1
 * day) or RFC 3339 ("2026-12-01T23:00:01.123+00:00"). Returns the bytes it
 * took (> 0) and sets *when (unix seconds), or 0 when the line has none.
 */
size_t tparse__syslog_time(const char *line, size_t len, time_t now,
			   int64_t *when);

enum tparse_auth_kind {
	AUTH_NONE = 0,
	AUTH_FAIL,	    /* Failed password/publickey, invalid user */
	AUTH_ACCEPT,	    /* Accepted password/publickey/... */
	AUTH_PASSWD_CHANGE, /* password changed for USER */
};

/* One line of auth.log/secure, as far as the way in is concerned. */
struct tparse_auth {
	enum tparse_auth_kind kind;
	int64_t when;	 /* 0 when the line had no time stamp */
	char user[64];	 /* "" when the line names none */
	char ip[64];	 /* source address, "" when none */
	char method[32]; /* "password", "publickey", ... */
};

/* Parse one line (without its newline). Returns kind (AUTH_NONE: skip). */
enum tparse_auth_kind tparse__auth_line(const char *line, size_t len,
					time_t now, struct tparse_auth *out);

#define TPARSE_UTMP_SIZE 384 /* struct utmp on Linux (glibc, 64-bit) */

/* One wtmp/btmp record. */
struct tparse_utmp {
	int type; /* ut_type: 7 USER_PROCESS, 6 LOGIN_PROCESS, 2 BOOT */
	int pid;
	char line[33], user[33], host[257];
	int64_t when; /* ut_tv.tv_sec */
	bool zeroed;  /* every byte zero: wiped by a log cleaner */
};

/* Decode TPARSE_UTMP_SIZE bytes at buf. Returns 0, -EINVAL on short len. */
int tparse__utmp(const unsigned char *buf, size_t len, struct tparse_utmp *out);

/* A "user:password"-shaped line (not passwd/shadow, not a URL, not k=v). */
bool tparse__cred_line(const char *line, size_t len);

enum tparse_scan_kind {
	SCAN_NONE = 0,
	SCAN_MASSCAN, /* "Discovered open port 22/tcp on 1.2.3.4", list format
		       */
	SCAN_HYDRA, /* "[22][ssh] host: 1.2.3.4   login: root   password: x" */
};
enum tparse_scan_kind tparse__scanner_line(const char *line, size_t len);

#endif /* MW_TRIAGE_PARSE_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_parse.c - parsers for the bytes triage reads from logs and files
 * (see triage_parse.h). Every input is attacker-controlled: lines are cut
 * to a fixed buffer, every field is bounded, nothing is trusted to be NUL
 * terminated or UTF-8.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utmp.h>

#include "triage/triage_parse.h"

_Static_assert(sizeof(struct utmp) == TPARSE_UTMP_SIZE,
	       "struct utmp is not the 384-byte Linux record");

#define LINE_MAX_PARSE 2048

/* A NUL-terminated copy of at most LINE_MAX_PARSE - 1 bytes. */
static void line_copy(char *dst, const char *s, size_t len)
{
	if (len > LINE_MAX_PARSE - 1)
		len = LINE_MAX_PARSE - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static int month_of(const char *s)
{
	static const char m[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (strncmp(s, m + 3 * i, 3) == 0)
			return i;
	return -1;
}

static bool digits(const char *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* "Dec  1 23:00:01" (15 bytes), local time, year guessed. */
static size_t rfc3164(const char *s, size_t len, time_t now, int64_t *when)
{
	struct tm tm = {0}, nowtm;
	int mon, day;
	time_t t;

	if (len < 15 || s[3] != ' ' || s[9] != ':' || s[12] != ':' ||
	    s[6] != ' ')
		return 0;
	mon = month_of(s);
	if (mon < 0 || !(s[4] == ' ' || isdigit((unsigned char)s[4])) ||
	    !isdigit((unsigned char)s[5]) || !digits(s + 7, 2) ||
	    !digits(s + 10, 2) || !digits(s + 13, 2))
		return 0;
	day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
	if (day < 1 || day > 31)
		return 0;
	localtime_r(&now, &nowtm);
	tm.tm_year = nowtm.tm_year;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = (s[7] - '0') * 10 + (s[8] - '0');
	tm.tm_min = (s[10] - '0') * 10 + (s[11] - '0');
	tm.tm_sec = (s[13] - '0') * 10 + (s[14] - '0');
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* No year in the stamp: a date after tomorrow was last year's. */
	if (t != (time_t)-1 && t > now + 86400) {
		tm.tm_year--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	if (t == (time_t)-1)
		return 0;
	*when = t;
	return 15;
}

/* "2026-12-01T23:00:01[.frac](Z|+hh:mm|-hh:mm)". */
static size_t rfc3339(const char *s, size_t len, int64_t *when)
{
	struct tm tm = {0};
	size_t i = 19;
	int off = 0;

	if (len < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) ||
	    s[7] != '-' || !digits(s + 8, 2) ||
	    (s[10] != 'T' && s[10] != ' ') || !digits(s + 11, 2) ||
	    s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' ||
	    !digits(s + 17, 2))
		return 0;
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = (s[5] - '0') * 10 + (s[6] - '0') - 1;
	tm.tm_mday = (s[8] - '0') * 10 + (s[9] - '0');
	tm.tm_hour = (s[11] - '0') * 10 + (s[12] - '0');
	tm.tm_min = (s[14] - '0') * 10 + (s[15] - '0');
	tm.tm_sec = (s[17] - '0') * 10 + (s[18] - '0');
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1)
		return 0;
	if (i < len && s[i] == '.')
		for (i++; i < len && isdigit((unsigned char)s[i]); i++)
			;
	if (i < len && s[i] == 'Z') {
		i++;
	} else if (i + 6 <= len && (s[i] == '+' || s[i] == '-') &&
		   digits(s + i + 1, 2) && s[i + 3] == ':' &&
		   digits(s + i + 4, 2)) {
		off = ((s[i + 1] - '0') * 10 + (s[i + 2] - '0')) * 3600 +
		      ((s[i + 4] - '0') * 10 + (s[i + 5] - '0')) * 60;
		if (s[i] == '-')
			off = -off;
		i += 6;
	}
	*when = (int64_t)timegm(&tm) - off;
	return i;
}

size_t tparse__syslog_time(const char *line, size_t len, time_t now,
			   int64_t *when)
{
	size_t n;

	if (!len)
		return 0;
	if (isdigit((unsigned char)line[0]))
		return rfc3339(line, len, when);
	n = rfc3164(line, len, now, when);
	return n;
}

/* Copy the token at p (up to a space) into out; returns the end. */
static const char *token(const char *p, char *out, size_t size)
{
	size_t n = 0;

	while (*p && *p != ' ' && n + 1 < size)
		out[n++] = *p++;
	out[n] = '\0';
	while (*p && *p != ' ')
		p++;
	return p;
}

/* "... for [invalid user ]USER from IP ..." after the verb. */
static void user_from(const char *p, struct tparse_auth *out)
{
	const char *from;

	if (strncmp(p, "invalid user ", 13) == 0)
		p += 13;
	from = strstr(p, " from ");
	if (!from)
		return;
	/* The user name may itself hold spaces: take all up to " from ". */
	snprintf(out->user, sizeof(out->user), "%.*s",
		 (int)(from - p < 63 ? from - p : 63), p);
	token(from + 6, out->ip, sizeof(out->ip));
}

enum tparse_auth_kind tparse__auth_line(const char *line, size_t len,
					time_t now, struct tparse_auth *out)
{
	char buf[LINE_MAX_PARSE];
	const char *p, *q;
	size_t ts;

	memset(out, 0, sizeof(*out));
	line_copy(buf, line, len);
	ts = tparse__syslog_time(buf, strlen(buf), now, &out->when);
	if (!ts)
		out->when = 0;
	if ((p = strstr(buf + ts, "]: Accepted ")) ||
	    (p = strstr(buf + ts, ": Accepted "))) {
		p = strstr(p, "Accepted ") + 9;
		p = token(p, out->method, sizeof(out->method));
		if (strncmp(p, " for ", 5) != 0)
			return AUTH_NONE;
		user_from(p + 5, out);
		out->kind = out->ip[0] ? AUTH_ACCEPT : AUTH_NONE;
	} else if ((p = strstr(buf + ts, ": Failed "))) {
		p = token(p + 9, out->method, sizeof(out->method));
		if (strncmp(p, " for ", 5) != 0)
			return AUTH_NONE;
		user_from(p + 5, out);
		out->kind = out->ip[0] ? AUTH_FAIL : AUTH_NONE;
	} else if ((p = strstr(buf + ts, ": Invalid user "))) {
		user_from(p + 15, out);
		snprintf(out->method, sizeof(out->method), "invalid-user");
		out->kind = out->ip[0] ? AUTH_FAIL : AUTH_NONE;
	} else if ((p = strstr(buf + ts, "password changed for "))) {
		token(p + 21, out->user, sizeof(out->user));
		out->kind = AUTH_PASSWD_CHANGE;
	} else if ((p = strstr(buf + ts, "password for '")) &&
		   (q = strchr(p + 14, '\'')) &&
		   strncmp(q, "' changed", 9) == 0) {
		/* passwd (shadow-utils): "password for 'root' changed by". */
		snprintf(out->user, sizeof(out->user), "%.*s",
			 (int)(q - (p + 14) < 63 ? q - (p + 14) : 63), p + 14);
		out->kind = AUTH_PASSWD_CHANGE;
	}
	return out->kind;
}

static void field_copy(char *dst, size_t size, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < size && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

int tparse__utmp(const unsigned char *buf, size_t len, struct tparse_utmp *out)
{
	struct utmp u;
	size_t i;

	if (len < TPARSE_UTMP_SIZE)
		return -EINVAL;
	memcpy(&u, buf, sizeof(u));
	memset(out, 0, sizeof(*out));
	out->zeroed = true;
	for (i = 0; i < TPARSE_UTMP_SIZE; i++)
		if (buf[i]) {
			out->zeroed = false;
			break;
		}
	out->type = u.ut_type;
	out->pid = u.ut_pid;
	field_copy(out->line, sizeof(out->line), u.ut_line, sizeof(u.ut_line));
	field_copy(out->user, sizeof(out->user), u.ut_user, sizeof(u.ut_user));
	field_copy(out->host, sizeof(out->host), u.ut_host, sizeof(u.ut_host));
	out->when = u.ut_tv.tv_sec;
	return 0;
}

bool tparse__cred_line(const char *line, size_t len)
{
	size_t i, colons = 0, ulen = 0;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	if (len < 3 || len > 200)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = line[i];

		if (c == ' ' || c == '\t' || c < 0x20 || c == '=' || c == '/')
			return false;
		if (c == ':') {
			if (!colons)
				ulen = i;
			colons++;
		}
	}
	/* user:password, perhaps host:user:password; passwd has 6 colons. */
	return colons >= 1 && colons <= 2 && ulen > 0 && ulen <= 64 &&
	       line[len - 1] != ':' && !(line[ulen + 1] == '/');
}

enum tparse_scan_kind tparse__scanner_line(const char *line, size_t len)
{
	char buf[LINE_MAX_PARSE];
	char proto[8];
	unsigned port;

	line_copy(buf, line, len);
	if (strstr(buf, "Discovered open port ") ||
	    strstr(buf, "scanner=\"masscan\""))
		return SCAN_MASSCAN;
	/* masscan -oL: "open tcp 22 192.0.2.7 1700000000". */
	if (sscanf(buf, "open %7s %u ", proto, &port) == 2 &&
	    (strcmp(proto, "tcp") == 0 || strcmp(proto, "udp") == 0))
		return SCAN_MASSCAN;
	if (buf[0] == '[' && strstr(buf, "] host: ") &&
	    strstr(buf, "login: ") && strstr(buf, "password: "))
		return SCAN_HYDRA;
	return SCAN_NONE;
}

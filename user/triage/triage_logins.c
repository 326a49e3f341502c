// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_logins.c - "What was wiped?" in the login records, by what the
 * files say about each other rather than by their shape (triage_wiped.c
 * has the shape: partial and zeroed records). A log cleaner that removes
 * its own login from wtmp (utmpdump, edit, write back) leaves:
 * - lastlog (per uid, written by sshd and login beside wtmp) naming a
 *   login at a time wtmp has no record of;
 * - a wtmp that records boots (the host writes "reboot" records) and
 *   spans this boot, but has no record of it;
 * - wtmp, btmp or lastlog created after the boot with no rotated sibling
 *   (deleted and recreated) - the same judgement as the text logs.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/jsonx.h"
#include "triage/triage.h"
#include "triage/triage_parse.h"

#define LASTLOG_SIZE 292 /* struct lastlog: int32 time, line[32], host[256] */
#define MAX_LOGINS 65536 /* wtmp login records kept (newest) */
#define SAME_LOGIN_S 10	 /* lastlog and wtmp are written together */
#define BOOT_WINDOW_S 600

static const struct triage_rule r_lastlog = {
    "MW-TRIAGE-206", "Login in lastlog missing from wtmp", "T1070.002",
    "Defense Evasion", 75};
static const struct triage_rule r_noboot = {
    "MW-TRIAGE-207", "wtmp has no record of this boot", "T1070.002",
    "Defense Evasion", 60};

struct login {
	char user[33];
	int64_t when;
};

struct wtmp_view {
	struct login *l;
	int n;		/* kept */
	uint64_t total; /* seen */
	int64_t first; /* earliest record, 0 none */
	int boots;     /* BOOT_TIME records */
	bool this_boot;
};

static void wtmp_read(struct triage *t, const char *path, struct wtmp_view *v)
{
	unsigned char rec[TPARSE_UTMP_SIZE];
	struct tparse_utmp u;
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		if (tparse__utmp(rec, sizeof(rec), &u) || u.zeroed)
			continue;
		if (u.when > 0 && (!v->first || u.when < v->first))
			v->first = u.when;
		if (u.type == 2) { /* BOOT_TIME */
			v->boots++;
			if (u.when >= t->boot - 120 &&
			    u.when <= t->boot + BOOT_WINDOW_S)
				v->this_boot = true;
		}
		if (u.type != 7 || !u.user[0])
			continue;
		/* A ring: the newest MAX_LOGINS logins are kept. */
		snprintf(v->l[v->total % MAX_LOGINS].user, sizeof(v->l[0].user),
			 "%s", u.user);
		v->l[v->total++ % MAX_LOGINS].when = u.when;
		if (v->n < MAX_LOGINS)
			v->n++;
	}
	fclose(f);
}

static bool wtmp_has(const struct wtmp_view *v, const char *user, int64_t when)
{
	int i;

	for (i = v->n - 1; i >= 0; i--)
		if (strncmp(v->l[i].user, user, 32) == 0 &&
		    v->l[i].when >= when - SAME_LOGIN_S &&
		    v->l[i].when <= when + SAME_LOGIN_S)
			return true;
	return false;
}

static void missing_login(struct triage *t, const char *user, int64_t when,
			  const char *host)
{
	char ts[40];
	json_t *doc;

	triage__iso(when, ts, sizeof(ts));
	doc = triage__add(t, TRIAGE_WIPED, &r_lastlog, -1, when,
			  "lastlog: %s logged in at %s from %s; wtmp has no "
			  "such login",
			  user, ts, host[0] ? host : "?");
	if (!doc)
		return;
	triage__file_fields(doc, "/var/log/wtmp");
	jsonx_set_path(doc, "user.name", jsonx_str(user));
	if (host[0])
		jsonx_set_path(doc, "minerwatch.triage.lastlog_host",
			       jsonx_str(host));
	triage__detail(t, "its record was removed from /var/log/wtmp");
}

/* Each account's lastlog record (indexed by uid) against wtmp. */
static void lastlog_vs_wtmp(struct triage *t, const struct wtmp_view *v)
{
	unsigned char rec[LASTLOG_SIZE];
	char host[257];
	struct passwd *pw;
	struct stat st;
	int32_t when;
	FILE *f;
	int fd;

	fd = open("/var/log/lastlog", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	f = fopen("/etc/passwd", "re");
	if (!f || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (f)
			fclose(f);
		close(fd);
		return;
	}
	while ((pw = fgetpwent(f))) {
		off_t off = (off_t)pw->pw_uid * LASTLOG_SIZE;

		if (off + LASTLOG_SIZE > st.st_size ||
		    pread(fd, rec, sizeof(rec), off) != sizeof(rec))
			continue;
		memcpy(&when, rec, sizeof(when));
		/* Before wtmp's first record: rotated away, not removed. */
		if (when <= 0 || when < v->first || when > t->now + 86400)
			continue;
		if (wtmp_has(v, pw->pw_name, when))
			continue;
		memcpy(host, rec + 36, 256);
		host[256] = '\0';
		missing_login(t, pw->pw_name, when, host);
	}
	fclose(f);
	close(fd);
}

void triage__logins(struct triage *t)
{
	struct wtmp_view v = {.l = calloc(MAX_LOGINS, sizeof(struct login))};
	json_t *doc;
	struct stat st;

	if (!v.l)
		return;
	wtmp_read(t, "/var/log/wtmp", &v);
	if (v.first)
		lastlog_vs_wtmp(t, &v);
	/* Boots recorded, the file spans this one, its record is gone. */
	if (v.boots && v.first && v.first < t->boot - 120 && !v.this_boot &&
	    t->now - t->boot > BOOT_WINDOW_S &&
	    stat("/var/log/wtmp", &st) == 0 && st.st_mtime > t->boot) {
		doc = triage__add(t, TRIAGE_WIPED, &r_noboot, -1, t->boot,
				  "/var/log/wtmp records %d boot(s) but not "
				  "this one",
				  v.boots);
		if (doc)
			triage__file_fields(doc, "/var/log/wtmp");
	}
	free(v.l);
}

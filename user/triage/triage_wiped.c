// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_wiped.c - "What was wiped?" and "How did it get in?". The text
 * logs (auth.log, secure, syslog, messages): empty ones, ones that start
 * mid-line, and gaps longer than --gap-minutes with no restart after them;
 * the login records (wtmp, btmp, lastlog): a size that is not a whole
 * number of records, zeroed records; shell histories that are empty or
 * linked to /dev/null. The way in comes from the same files: SSH logins
 * accepted from an address after a burst of failures (auth.log, and
 * btmp joined with wtmp), and password changes, at night above all.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/jsonx.h"
#include "triage/triage.h"
#include "triage/triage_parse.h"

#define LOG_MAX (256u << 20) /* of a text log, its end */
#define MAX_SOURCES 4096
#define BURST 5 /* failures before a success that make it a brute force */

static const struct triage_rule r_empty = {"MW-AF-001", "Log emptied",
					   "T1070.002", "Defense Evasion", 75};
static const struct triage_rule r_young = {
    "MW-AF-003", "Log recreated while the host was up", "T1070.002",
    "Defense Evasion", 60};
static const struct triage_rule r_cut = {"MW-AF-001", "Log truncated",
					 "T1070.002", "Defense Evasion", 70};
static const struct triage_rule r_gap = {"MW-TRIAGE-201", "Gap in a system log",
					 "T1070.002", "Defense Evasion", 65};
static const struct triage_rule r_utmp = {"MW-TRIAGE-202",
					  "Login records truncated or zeroed",
					  "T1070.002", "Defense Evasion", 75};
static const struct triage_rule r_hist = {
    "MW-AF-004", "Shell history cleared or linked away", "T1070.003",
    "Defense Evasion", 70};
static const struct triage_rule r_brute = {
    "MW-TRIAGE-301", "SSH login after a burst of failures", "T1110.001,T1078",
    "Initial Access", 85};
static const struct triage_rule r_seen = {"MW-TRIAGE-302",
					  "Login from an address seen failing",
					  "T1110,T1078", "Initial Access", 60};
static const struct triage_rule r_failing = {"MW-TRIAGE-303",
					     "Burst of failed logins", "T1110",
					     "Credential Access", 30};
static const struct triage_rule r_passwd = {
    "MW-PERSIST-009", "Password changed", "T1098", "Persistence", 30};

static const char *const text_logs[] = {"/var/log/auth.log", "/var/log/secure",
					"/var/log/syslog", "/var/log/messages"};

/* Failures per source address, and what came after. */
struct source {
	char ip[64];
	int fails;
	int64_t first, last;
	char user[64]; /* last user tried */
};

struct way_in {
	struct source *s;
	int n;
};

static struct source *source_of(struct way_in *w, const char *ip)
{
	int i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->s[i].ip, ip) == 0)
			return &w->s[i];
	if (w->n == MAX_SOURCES)
		return NULL;
	memset(&w->s[w->n], 0, sizeof(w->s[0]));
	snprintf(w->s[w->n].ip, sizeof(w->s[0].ip), "%s", ip);
	return &w->s[w->n++];
}

/* A line that says the logger or the host (re)started. */
static bool restart_line(const char *l)
{
	return strstr(l, "rsyslogd") || strstr(l, "kernel: Linux version") ||
	       strstr(l, "Journal started") || strstr(l, "syslogd started") ||
	       strstr(l, "kernel: Command line");
}

static void gap_found(struct triage *t, const char *path, int64_t from,
		      int64_t to, int lineno)
{
	char a[40], b[40];
	json_t *doc;

	triage__iso(from, a, sizeof(a));
	triage__iso(to, b, sizeof(b));
	doc = triage__add(t, TRIAGE_WIPED, &r_gap, -1, from,
			  "%s: no line for %lld min (%s to %s)", path,
			  (long long)(to - from) / 60, a, b);
	if (!doc)
		return;
	triage__file_fields(doc, path);
	jsonx_set_path(doc, "event.start", json_string(a));
	jsonx_set_path(doc, "event.end", json_string(b));
	jsonx_set_path(doc, "minerwatch.triage.line_number",
		       json_integer(lineno));
	jsonx_set_path(doc, "minerwatch.triage.gap_minutes",
		       json_integer((to - from) / 60));
}

static void auth_event(struct triage *t, struct way_in *w, const char *path,
		       const struct tparse_auth *a);

/* Creation time (statx btime), 0 when the filesystem does not keep it. */
static int64_t birth_of(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &stx) ||
	    !(stx.stx_mask & STATX_BTIME))
		return 0;
	return stx.stx_btime.tv_sec;
}

/*
 * A log born after the boot is a rotation when a sibling (name.1,
 * name-20261201, ...) was renamed at that moment (its ctime); otherwise
 * it was deleted and recreated (or replaced) while the host was up.
 */
static void young_log(struct triage *t, const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash + 1;
	int64_t born = birth_of(path);
	char dir[256], sib[4200];
	struct dirent *de;
	json_t *doc;
	DIR *d;

	if (!born || born < t->boot + 600 || !slash)
		return;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		size_t n = strlen(base);
		struct stat st;

		if (strncmp(de->d_name, base, n) ||
		    (de->d_name[n] != '.' && de->d_name[n] != '-'))
			continue;
		snprintf(sib, sizeof(sib), "%s/%s", dir, de->d_name);
		if (lstat(sib, &st) == 0 && st.st_ctime >= born - 300 &&
		    st.st_ctime <= born + 300) {
			closedir(d);
			return;
		}
	}
	if (d)
		closedir(d);
	doc = triage__add(t, TRIAGE_WIPED, &r_young, -1, born,
			  "%s was created %lld min after the boot, not by a "
			  "rotation",
			  path, (long long)(born - t->boot) / 60);
	if (doc)
		triage__file_fields(doc, path);
}

/*
 * Open a log for streaming: its last LOG_MAX bytes (the recent past is what
 * matters; memory stays small whatever its size). *cut is set when the
 * start was skipped, so the first line is partial by our doing. NULL when
 * missing (silent) or unreadable (listed).
 */
static FILE *log_open(struct triage *t, const char *path, off_t *size,
		      bool *cut)
{
	FILE *f = fopen(path, "re");
	struct stat st;

	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR)
			triage__unreadable(t, TRIAGE_WIPED, path, errno);
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return NULL;
	}
	*size = st.st_size;
	*cut = st.st_size > (off_t)LOG_MAX;
	if (*cut)
		fseeko(f, st.st_size - (off_t)LOG_MAX, SEEK_SET);
	return f;
}

static void log_finding(struct triage *t, const struct triage_rule *r,
			const char *path, const char *what)
{
	json_t *doc =
	    triage__add(t, TRIAGE_WIPED, r, -1, 0, "%s %s", path, what);

	if (doc)
		triage__file_fields(doc, path);
}

/* One text log: empty, starts mid-line, gaps; sshd lines to w. */
static void text_log(struct triage *t, const char *path, struct way_in *w,
		     bool judge)
{
	int64_t prev = 0, when;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0;
	off_t size;
	ssize_t l;
	bool cut;
	FILE *f;

	f = log_open(t, path, &size, &cut);
	if (!f)
		return;
	if (judge)
		young_log(t, path);
	if (size == 0 && judge)
		log_finding(t, &r_empty, path, "is empty");
	while ((l = getline(&line, &cap, f)) > 0) {
		struct tparse_auth a;

		lineno++;
		if (line[l - 1] == '\n')
			line[--l] = '\0';
		if (!judge || (cut && lineno == 1)) {
			/* only the sshd lines; or a line we cut ourselves */
		} else if (tparse__syslog_time(line, l, t->now, &when)) {
			if (prev && when - prev > t->o->gap_minutes * 60 &&
			    !restart_line(line))
				gap_found(t, path, prev, when, lineno);
			prev = when;
		} else if (lineno == 1) {
			log_finding(t, &r_cut, path,
				    "starts in the middle of a line");
		}
		if (w && tparse__auth_line(line, l, t->now, &a))
			auth_event(t, w, path, &a);
	}
	free(line);
	fclose(f);
}

/*
 * Call fn on each record of a wtmp/btmp file, read 384 bytes at a time (a
 * brute-forced host's btmp can be huge). *size gets the file's size and
 * *zeroed the count of all-zero records. -1 when missing or unreadable.
 */
typedef void (*utmp_fn)(struct triage *t, const struct tparse_utmp *u,
			const char *path, struct way_in *w);
static int utmp_each(struct triage *t, enum triage_section s, const char *path,
		     utmp_fn fn, struct way_in *w, off_t *size, int *zeroed)
{
	unsigned char rec[TPARSE_UTMP_SIZE];
	struct tparse_utmp u;
	struct stat st;
	FILE *f = fopen(path, "re");

	*zeroed = 0;
	if (!f) {
		if (errno != ENOENT && errno != ENOTDIR)
			triage__unreadable(t, s, path, errno);
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return -1;
	}
	*size = st.st_size;
	while (fread(rec, sizeof(rec), 1, f) == 1) {
		tparse__utmp(rec, sizeof(rec), &u);
		if (u.zeroed)
			(*zeroed)++;
		else if (fn)
			fn(t, &u, path, w);
	}
	fclose(f);
	return 0;
}

/* Records cut or zeroed: what a log cleaner leaves. */
static void utmp_file(struct triage *t, const char *path)
{
	off_t size;
	int zeroed;
	json_t *doc;

	if (utmp_each(t, TRIAGE_WIPED, path, NULL, NULL, &size, &zeroed))
		return;
	young_log(t, path);
	if (size % TPARSE_UTMP_SIZE == 0 && !zeroed)
		return;
	doc = triage__add(t, TRIAGE_WIPED, &r_utmp, -1, 0,
			  "%s: %lld bytes (%s%lld), %d zeroed record(s)", path,
			  (long long)size,
			  size % TPARSE_UTMP_SIZE ? "a partial record of " : "",
			  (long long)(size % TPARSE_UTMP_SIZE), zeroed);
	if (doc) {
		triage__file_fields(doc, path);
		jsonx_set_path(doc, "minerwatch.triage.zeroed_records",
			       json_integer(zeroed));
		jsonx_set_path(doc, "minerwatch.triage.partial_bytes",
			       json_integer(size % TPARSE_UTMP_SIZE));
	}
}

/* lastlog: 292-byte records indexed by uid (sparse is normal). */
static void lastlog(struct triage *t)
{
	static const char path[] = "/var/log/lastlog";
	struct stat st;
	json_t *doc;

	if (stat(path, &st))
		return;
	young_log(t, path);
	if (st.st_size % 292 == 0)
		return;
	doc = triage__add(t, TRIAGE_WIPED, &r_utmp, -1, 0,
			  "%s: %lld bytes, not a whole number of records", path,
			  (long long)st.st_size);
	if (doc)
		triage__file_fields(doc, path);
}

static void history(struct triage *t, const char *path)
{
	char target[256];
	struct stat st;
	json_t *doc;
	ssize_t n;

	if (lstat(path, &st))
		return;
	if (S_ISLNK(st.st_mode)) {
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (strcmp(target, "/dev/null"))
			return;
		doc = triage__add(t, TRIAGE_WIPED, &r_hist, -1, st.st_mtime,
				  "%s -> /dev/null", path);
		if (doc) {
			triage__file_fields(doc, path);
			jsonx_set_path(doc, "file.target_path",
				       json_string(target));
		}
	} else if (S_ISREG(st.st_mode) && st.st_size == 0) {
		doc = triage__add(t, TRIAGE_WIPED, &r_hist, 50, st.st_mtime,
				  "%s is empty", path);
		if (doc)
			triage__file_fields(doc, path);
	}
}

static void histories(struct triage *t)
{
	static const char *const names[] = {".bash_history", ".zsh_history",
					    ".sh_history", ".ash_history",
					    ".history"};
	char path[4200];
	struct passwd *pw;
	size_t i;
	FILE *f = fopen("/etc/passwd", "re");

	if (!f)
		return;
	while ((pw = fgetpwent(f))) {
		if (!pw->pw_dir || pw->pw_dir[0] != '/' ||
		    strcmp(pw->pw_dir, "/") == 0)
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", pw->pw_dir,
				 names[i]);
			history(t, path);
		}
	}
	fclose(f);
}

void triage__wiped(struct triage *t)
{
	size_t i;

	for (i = 0; i < sizeof(text_logs) / sizeof(text_logs[0]); i++)
		text_log(t, text_logs[i], NULL, true);
	utmp_file(t, "/var/log/wtmp");
	utmp_file(t, "/var/log/btmp");
	lastlog(t);
	histories(t);
	triage__logins(t);
	triage__journal(t);
}

/* --- the way in ------------------------------------------------------------
 */

static void auth_event(struct triage *t, struct way_in *w, const char *path,
		       const struct tparse_auth *a)
{
	struct source *s;
	json_t *doc;

	if (a->kind == AUTH_PASSWD_CHANGE) {
		struct tm tm;
		time_t when = a->when;
		bool night;

		localtime_r(&when, &tm);
		night = a->when && tm.tm_hour < 6;
		doc = triage__add(t, TRIAGE_WAYIN, &r_passwd, night ? 65 : -1,
				  a->when, "password of %s changed%s (%s)",
				  a->user, night ? " at night" : "", path);
		if (doc) {
			jsonx_set_path(doc, "user.name", jsonx_str(a->user));
			jsonx_set_path(doc, "log.file.path", jsonx_str(path));
		}
		return;
	}
	s = source_of(w, a->ip);
	if (!s)
		return;
	if (a->kind == AUTH_FAIL) {
		if (!s->fails)
			s->first = a->when;
		s->fails++;
		s->last = a->when;
		snprintf(s->user, sizeof(s->user), "%s", a->user);
		return;
	}
	if (!s->fails)
		return;
	doc = triage__add(t, TRIAGE_WAYIN,
			  s->fails >= BURST ? &r_brute : &r_seen, -1, a->when,
			  "%s logged in from %s (%s) after %d failure(s)",
			  a->user, a->ip, a->method, s->fails);
	if (!doc)
		return;
	jsonx_set_path(doc, "source.ip", jsonx_str(a->ip));
	jsonx_set_path(doc, "user.name", jsonx_str(a->user));
	jsonx_set_path(doc, "log.file.path", jsonx_str(path));
	jsonx_set_path(doc, "event.outcome", json_string("success"));
	jsonx_set_path(doc, "minerwatch.triage.failures",
		       json_integer(s->fails));
	s->fails = -1000000; /* reported: one finding per address */
}

/* A login (wtmp) or a failure (btmp) with the address it came from. */
static void utmp_login(struct triage *t, const struct tparse_utmp *u,
		       const char *path, struct way_in *w)
{
	bool failure = strstr(path, "btmp") != NULL;
	struct tparse_auth a = {.kind = failure ? AUTH_FAIL : AUTH_ACCEPT,
				.when = u->when};

	/* btmp: LOGIN_PROCESS or USER_PROCESS; wtmp: USER_PROCESS. */
	if (!u->host[0] || (u->type != 7 && !(failure && u->type == 6)))
		return;
	snprintf(a.ip, sizeof(a.ip), "%.63s", u->host);
	snprintf(a.user, sizeof(a.user), "%s", u->user);
	snprintf(a.method, sizeof(a.method), failure ? "btmp" : "wtmp");
	auth_event(t, w, path, &a);
}

static void failing_sources(struct triage *t, struct way_in *w)
{
	int i;

	for (i = 0; i < w->n; i++) {
		struct source *s = &w->s[i];
		json_t *doc;

		if (s->fails < 4 * BURST)
			continue;
		doc = triage__add(t, TRIAGE_WAYIN, &r_failing, -1, s->first,
				  "%d failed logins from %s (last user %s)",
				  s->fails, s->ip, s->user);
		if (doc) {
			jsonx_set_path(doc, "source.ip", jsonx_str(s->ip));
			jsonx_set_path(doc, "event.outcome",
				       json_string("failure"));
		}
	}
}

static bool has_lines(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_size > 0;
}

struct jline_ctx {
	struct triage *t;
	struct way_in *w;
};

/* One journal line (as a syslog line): the same judgement as auth.log. */
static void journal_line(const char *line, size_t len, void *vctx)
{
	struct jline_ctx *c = vctx;
	struct tparse_auth a;

	if (tparse__auth_line(line, len, c->t->now, &a))
		auth_event(c->t, c->w, "journal", &a);
}

void triage__way_in(struct triage *t)
{
	struct jline_ctx jc = {.t = t};
	struct way_in w = {.s = calloc(MAX_SOURCES, sizeof(struct source))};
	char path[64];
	off_t size;
	int zeroed;
	size_t i;

	if (!w.s)
		return;
	/* Oldest first: the rotated file, then the current one. */
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s.1", text_logs[i]);
		text_log(t, path, &w, false);
		text_log(t, text_logs[i], &w, false);
	}
	/*
	 * Then the journal: the only copy where no syslog daemon runs, or
	 * where auth.log was emptied. Where auth.log has lines, a syslog
	 * daemon copies the journal into it: not read twice.
	 */
	jc.w = &w;
	if (!has_lines("/var/log/auth.log") && !has_lines("/var/log/secure"))
		triage__journal_lines(t, journal_line, &jc);
	failing_sources(t, &w);
	/* btmp/wtmp: the same judgement on the binary records. */
	w.n = 0;
	utmp_each(t, TRIAGE_WAYIN, "/var/log/btmp", utmp_login, &w, &size,
		  &zeroed);
	utmp_each(t, TRIAGE_WAYIN, "/var/log/wtmp", utmp_login, &w, &size,
		  &zeroed);
	free(w.s);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_persist.c - "How does it persist?": every place Linux starts
 * something by itself, read as it is on disk: cron (system, per-user,
 * anacron, the cron.{hourly,...} scripts), systemd units and timers
 * (system and per-user), authorized_keys of every account, the dynamic
 * linker's preload list, rc.local and init scripts, shell startup files,
 * sudoers drop-ins, extra uid-0 accounts; and on each of these files an
 * immutable or append-only flag (triage__slurp). The rule ids are the
 * daemon's for the same place (MW-PERSIST-*), so a SIEM joins a triage
 * finding with the alert the daemon would have raised on the write.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report/jsonx.h"
#include "triage/triage.h"
#include "triage/triage_content.h"

#define FILE_MAX (4 << 20)

static const struct triage_rule r_cron = {
    "MW-PERSIST-001", "Cron entry runs a suspicious command", "T1053.003",
    "Persistence", 80};
static const struct triage_rule r_preload = {
    "MW-PERSIST-005", "Dynamic linker preload list in use", "T1574.006",
    "Persistence", 90};
static const struct triage_rule r_unit = {
    "MW-PERSIST-006", "systemd unit runs a suspicious command", "T1543.002",
    "Persistence", 70};
static const struct triage_rule r_startup = {
    "MW-PERSIST-007", "Shell startup file runs a suspicious command",
    "T1546.004", "Persistence", 60};
static const struct triage_rule r_shadow = {"MW-PERSIST-009",
					    "Password changed after install",
					    "T1098", "Persistence", 30};
static const struct triage_rule r_uid0 = {"MW-PERSIST-010",
					  "Account with uid 0 besides root",
					  "T1136.001", "Persistence", 85};
static const struct triage_rule r_sudo = {
    "MW-PERSIST-011", "sudoers grants everything without a password",
    "T1548.003", "Privilege Escalation", 60};
static const struct triage_rule r_init = {
    "MW-PERSIST-012", "Boot script runs a suspicious command", "T1037.004",
    "Persistence", 65};

/* Call fn on each regular entry of dir (sorted), skipping dot files. */
typedef void (*entry_fn)(struct triage *t, const char *path, void *ctx);
static void each_file(struct triage *t, const char *dir, bool dotfiles,
		      entry_fn fn, void *ctx)
{
	struct dirent **names;
	char path[4200];
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			triage__unreadable(t, TRIAGE_PERSIST, dir, errno);
		return;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		if (strcmp(names[i]->d_name, ".") &&
		    strcmp(names[i]->d_name, "..") &&
		    (dotfiles || names[i]->d_name[0] != '.')) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
				fn(t, path, ctx);
		}
		free(names[i]);
	}
	free(names);
}

/* A finding per suspicious line of a file of commands. */
static void judge_lines(struct triage *t, const char *path,
			const struct triage_rule *r,
			const char *(*command_of)(char *line))
{
	char *buf, *line, *save, why[1024];
	size_t len;
	int lineno = 0;

	buf = triage__slurp(t, TRIAGE_PERSIST, path, FILE_MAX, &len, true);
	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *cmd;
		struct stat st;
		json_t *doc;
		int sev;

		lineno++;
		cmd = command_of(line);
		if (!cmd)
			continue;
		sev = triage__judge_command(t, cmd, why, sizeof(why));
		if (!sev)
			continue;
		doc = triage__add(t, TRIAGE_PERSIST, r,
				  sev > r->severity ? sev : r->severity,
				  stat(path, &st) ? 0 : st.st_mtime,
				  "%s:%d: %s", path, lineno, cmd);
		if (!doc)
			break;
		triage__file_fields(doc, path);
		jsonx_set_path(doc, "minerwatch.triage.line", jsonx_str(line));
		jsonx_set_path(doc, "minerwatch.triage.line_number",
			       json_integer(lineno));
		jsonx_set_path(doc, "minerwatch.triage.reasons",
			       jsonx_str(why));
		triage_content__referenced(t, doc);
		triage__detail(t, "why: %s", why);
	}
	free(buf);
}

static char *skip_ws(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static char *skip_field(char *s)
{
	while (*s && *s != ' ' && *s != '\t')
		s++;
	return skip_ws(s);
}

/* Comments, blank lines and VAR=value lines run nothing. */
static bool no_command(const char *s)
{
	const char *eq = strchr(s, '='), *sp = strpbrk(s, " \t");

	return !*s || *s == '#' ||
	       (eq && (!sp || eq < sp) && *s != '@' && *s != '*' &&
		!(*s >= '0' && *s <= '9'));
}

/* A crontab line: the command after the schedule (and the user). */
static const char *cron_command(char *line, bool with_user)
{
	char *s = skip_ws(line);
	int i;

	if (no_command(s))
		return NULL;
	if (*s == '@') {
		s = skip_field(s);
	} else {
		for (i = 0; i < 5 && *s; i++)
			s = skip_field(s);
	}
	if (with_user)
		s = skip_field(s);
	return *s ? s : NULL;
}

static const char *system_cron_command(char *line)
{
	return cron_command(line, true);
}

static const char *user_cron_command(char *line)
{
	return cron_command(line, false);
}

/* anacrontab: "period delay job-id command". */
static const char *anacron_command(char *line)
{
	char *s = skip_ws(line);
	int i;

	if (no_command(s))
		return NULL;
	for (i = 0; i < 3 && *s; i++)
		s = skip_field(s);
	return *s ? s : NULL;
}

/* A script: every line that is not a comment. */
static const char *script_command(char *line)
{
	char *s = skip_ws(line);

	return *s && *s != '#' ? s : NULL;
}

/* systemd: the Exec*= lines. */
static const char *unit_command(char *line)
{
	char *s = skip_ws(line);

	if (strncmp(s, "Exec", 4) || !strchr(s, '='))
		return NULL;
	return skip_ws(strchr(s, '=') + 1);
}

static void cron_system_file(struct triage *t, const char *path, void *ctx)
{
	judge_lines(t, path, &r_cron, system_cron_command);
}

static void cron_user_file(struct triage *t, const char *path, void *ctx)
{
	judge_lines(t, path, &r_cron, user_cron_command);
}

static void cron_script(struct triage *t, const char *path, void *ctx)
{
	judge_lines(t, path, &r_cron, script_command);
}

static void cron(struct triage *t)
{
	static const char *const scripts[] = {
	    "/etc/cron.hourly", "/etc/cron.daily", "/etc/cron.weekly",
	    "/etc/cron.monthly", "/etc/cron.yearly"};
	size_t i;

	cron_system_file(t, "/etc/crontab", NULL);
	each_file(t, "/etc/cron.d", false, cron_system_file, NULL);
	each_file(t, "/var/spool/cron/crontabs", true, cron_user_file, NULL);
	/* Red Hat keeps user crontabs in /var/spool/cron itself. */
	each_file(t, "/var/spool/cron", true, cron_user_file, NULL);
	judge_lines(t, "/etc/anacrontab", &r_cron, anacron_command);
	for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++)
		each_file(t, scripts[i], false, cron_script, NULL);
}

static void unit_file(struct triage *t, const char *path, void *ctx)
{
	size_t n = strlen(path);

	if ((n > 8 && strcmp(path + n - 8, ".service") == 0) ||
	    (n > 6 && strcmp(path + n - 6, ".timer") == 0))
		judge_lines(t, path, &r_unit, unit_command);
}

/* Unit directories and the *.wants/ directories inside them. */
static void unit_dir(struct triage *t, const char *dir)
{
	struct dirent **names;
	char path[4200];
	int n, i;

	each_file(t, dir, false, unit_file, NULL);
	n = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < n; i++) {
		size_t l = strlen(names[i]->d_name);

		if (l > 6 && strcmp(names[i]->d_name + l - 6, ".wants") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir,
				 names[i]->d_name);
			each_file(t, path, false, unit_file, NULL);
		}
		free(names[i]);
	}
	if (n >= 0)
		free(names);
}

static void startup_file(struct triage *t, const char *path, void *ctx)
{
	judge_lines(t, path, ctx, script_command);
}

/* What each account has: keys, startup files; uid 0 besides root. */
static void accounts(struct triage *t)
{
	static const char *const rc[] = {
	    ".bashrc",	    ".profile", ".bash_profile", ".bash_login",
	    ".bash_logout", ".zshrc",	".zprofile"};
	char path[4200];
	struct passwd *pw;
	size_t i;
	FILE *f;

	f = fopen("/etc/passwd", "re");
	if (!f) {
		if (errno != ENOENT)
			triage__unreadable(t, TRIAGE_PERSIST, "/etc/passwd",
					   errno);
		return;
	}
	while ((pw = fgetpwent(f))) {
		if (pw->pw_uid == 0 && strcmp(pw->pw_name, "root")) {
			json_t *doc = triage__add(
			    t, TRIAGE_PERSIST, &r_uid0, -1, 0,
			    "account %s has uid 0 (home %s, shell %s)",
			    pw->pw_name, pw->pw_dir, pw->pw_shell);

			if (doc) {
				jsonx_set_path(doc, "user.name",
					       jsonx_str(pw->pw_name));
				jsonx_set_path(doc, "user.id",
					       json_string("0"));
				triage__file_fields(doc, "/etc/passwd");
			}
		}
		if (!pw->pw_dir || pw->pw_dir[0] != '/' ||
		    strcmp(pw->pw_dir, "/") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/.ssh/authorized_keys",
			 pw->pw_dir);
		triage__authorized_keys(t, path);
		snprintf(path, sizeof(path), "%s/.ssh/authorized_keys2",
			 pw->pw_dir);
		triage__authorized_keys(t, path);
		for (i = 0; i < sizeof(rc) / sizeof(rc[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", pw->pw_dir,
				 rc[i]);
			judge_lines(t, path, &r_startup, script_command);
		}
		snprintf(path, sizeof(path), "%s/.config/systemd/user",
			 pw->pw_dir);
		unit_dir(t, path);
	}
	fclose(f);
}

/* Where each preloaded library lives, and whether it is there at all. */
static void preload_libs(struct triage *t, json_t *libs)
{
	char why[512];
	struct stat st;
	size_t i;

	for (i = 0; i < json_array_size(libs); i++) {
		const char *lib = json_string_value(json_array_get(libs, i));
		char cmd[4200];

		/* As a command, so the hidden/temp path patterns judge it. */
		snprintf(cmd, sizeof(cmd), "exec %s", lib);
		triage__judge_command(t, cmd, why, sizeof(why));
		triage__detail(t, "%s: %s%s%s", lib,
			       stat(lib, &st) ? "missing" : "present",
			       why[0] ? ", " : "", why);
	}
}

static void preload(struct triage *t)
{
	static const char path[] = "/etc/ld.so.preload";
	char *buf, *line, *save;
	json_t *doc, *libs;
	struct stat st;
	size_t len;
	int n = 0;

	buf = triage__slurp(t, TRIAGE_PERSIST, path, FILE_MAX, &len, true);
	if (!buf)
		return;
	libs = json_array();
	for (line = strtok_r(buf, " \t\n", &save); line;
	     line = strtok_r(NULL, " \t\n", &save)) {
		if (*line == '#')
			continue;
		json_array_append_new(libs, jsonx_str(line));
		n++;
	}
	if (n) {
		doc = triage__add(t, TRIAGE_PERSIST, &r_preload, -1,
				  stat(path, &st) ? 0 : st.st_mtime,
				  "%s preloads %d librar%s into every program",
				  path, n, n == 1 ? "y" : "ies");
		if (doc) {
			triage__file_fields(doc, path);
			jsonx_set_path(doc, "minerwatch.triage.libraries",
				       json_incref(libs));
			preload_libs(t, libs);
		}
	}
	json_decref(libs);
	free(buf);
}

/* "user ALL=(ALL) NOPASSWD: ALL" for anyone but root and admin groups. */
static void sudoers_file(struct triage *t, const char *path, void *ctx)
{
	char *buf, *line, *save;
	size_t len;

	buf = triage__slurp(t, TRIAGE_PERSIST, path, FILE_MAX, &len, true);
	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s = skip_ws(line), *nop = strstr(s, "NOPASSWD:");
		json_t *doc;

		if (*s == '#' || !nop || !strstr(nop, "ALL") ||
		    strncmp(s, "root", 4) == 0 || strncmp(s, "%sudo", 5) == 0 ||
		    strncmp(s, "%wheel", 6) == 0 ||
		    strncmp(s, "%admin", 6) == 0)
			continue;
		doc = triage__add(t, TRIAGE_PERSIST, &r_sudo, -1, 0, "%s: %s",
				  path, s);
		if (doc)
			triage__file_fields(doc, path);
	}
	free(buf);
}

/*
 * /etc/shadow's third field: the day of the last password change. A day
 * after the install is worth a line on the timeline (the logs say the
 * hour, when they survived: MW-PERSIST-009 in the way in).
 */
static void shadow_days(struct triage *t)
{
	char *buf, *line, *save;
	size_t len;

	buf = triage__slurp(t, TRIAGE_PERSIST, "/etc/shadow", FILE_MAX, &len,
			    true);
	if (!buf)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *user = line, *pw = strchr(line, ':'), *day;
		long d;
		json_t *doc;

		if (!pw || !(day = strchr(pw + 1, ':')))
			continue;
		*pw++ = '\0';
		d = strtol(day + 1, NULL, 10);
		/* Locked and empty hashes ("*", "!") have no password. */
		if (d <= 0 || *pw == '*' || *pw == '!' || *pw == ':' ||
		    !t->install || d * 86400 <= t->install + 86400)
			continue;
		doc = triage__add(t, TRIAGE_PERSIST, &r_shadow, -1, d * 86400,
				  "password of %s changed on day %ld (shadow)",
				  user, d);
		if (doc) {
			jsonx_set_path(doc, "user.name", jsonx_str(user));
			triage__file_fields(doc, "/etc/shadow");
		}
	}
	free(buf);
}

void triage__persistence(struct triage *t)
{
	static const char *const unit_dirs[] = {
	    "/etc/systemd/system", "/run/systemd/system", "/etc/systemd/user",
	    "/usr/local/lib/systemd/system"};
	static const char *const startup[] = {"/etc/profile",
					      "/etc/bash.bashrc", "/etc/zshrc",
					      "/etc/environment"};
	size_t i;

	cron(t);
	for (i = 0; i < sizeof(unit_dirs) / sizeof(unit_dirs[0]); i++)
		unit_dir(t, unit_dirs[i]);
	preload(t);
	accounts(t);
	judge_lines(t, "/etc/rc.local", &r_init, script_command);
	each_file(t, "/etc/init.d", false, startup_file, (void *)&r_init);
	for (i = 0; i < sizeof(startup) / sizeof(startup[0]); i++)
		judge_lines(t, startup[i], &r_startup, script_command);
	each_file(t, "/etc/profile.d", false, startup_file, (void *)&r_startup);
	sudoers_file(t, "/etc/sudoers", NULL);
	each_file(t, "/etc/sudoers.d", false, sudoers_file, NULL);
	/* Flags on the account databases (read for nothing else here). */
	free(triage__slurp(t, TRIAGE_PERSIST, "/etc/passwd", 1, &i, true));
	shadow_days(t);
}

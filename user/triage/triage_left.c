// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_left.c - "What was left behind?": the temporary directories and
 * the hidden directories of every home (and of /), walked to a bounded
 * depth and file count, each file's first 64 KiB looked at: credential
 * lists (files full of user:password lines, like the incident's password
 * file), scanner output (masscan, hydra), and executables (ELF) sitting
 * where nothing should be installed.
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

#define HEAD_MAX (64 * 1024)
#define MAX_FILES 20000
#define MAX_DEPTH 4

static const struct triage_rule r_creds = {
    "MW-TRIAGE-401", "Credential list left behind", "T1110,T1552.001",
    "Credential Access", 70};
static const struct triage_rule r_scan = {
    "MW-TRIAGE-402", "Scanner or brute-forcer output left behind",
    "T1046,T1110", "Discovery", 70};
static const struct triage_rule r_elf = {
    "MW-TRIAGE-403", "Executable in a temporary or hidden directory",
    "T1105,T1564.001", "Command and Control", 60};

struct walk {
	struct triage *t;
	int files;
};

/* Count credential-shaped and scanner lines in the head of a file. */
static void text_shape(const char *buf, size_t len, int *lines, int *creds,
		       int *masscan, int *hydra)
{
	size_t off = 0;

	*lines = *creds = *masscan = *hydra = 0;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t l = nl ? (size_t)(nl - (buf + off)) : len - off;

		if (l) {
			(*lines)++;
			*creds += tparse__cred_line(buf + off, l);
			switch (tparse__scanner_line(buf + off, l)) {
			case SCAN_MASSCAN:
				(*masscan)++;
				break;
			case SCAN_HYDRA:
				(*hydra)++;
				break;
			default:
				break;
			}
		}
		off += l + 1;
	}
}

static void file_judge(struct walk *w, const char *path, const struct stat *st)
{
	int fd, lines, creds, masscan, hydra;
	char buf[HEAD_MAX];
	json_t *doc = NULL;
	ssize_t n;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			triage__unreadable(w->t, TRIAGE_LEFT, path, errno);
		return;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return;
	/* Programs and libraries; object files (ET_REL) are build leftovers. */
	if (n >= 18 && memcmp(buf, "\177ELF", 4) == 0) {
		if (buf[16] == 1 || !(st->st_mode & 0111))
			return;
		doc = triage__add(w->t, TRIAGE_LEFT, &r_elf, -1, st->st_mtime,
				  "executable %s (%lld bytes)", path,
				  (long long)st->st_size);
		if (doc) {
			triage__file_fields(doc, path);
			jsonx_set_path(doc, "file.type", json_string("file"));
		}
		return;
	}
	if (memchr(buf, '\0', n))
		return; /* other binary data */
	text_shape(buf, n, &lines, &creds, &masscan, &hydra);
	if (masscan || hydra)
		doc = triage__add(w->t, TRIAGE_LEFT, &r_scan, -1, st->st_mtime,
				  "%s: %d %s line(s)", path,
				  masscan ? masscan : hydra,
				  masscan ? "masscan" : "hydra");
	else if (lines >= 3 && creds * 10 >= lines * 6)
		doc = triage__add(w->t, TRIAGE_LEFT, &r_creds, -1, st->st_mtime,
				  "%s: %d of %d lines are user:password", path,
				  creds, lines);
	if (doc)
		triage__file_fields(doc, path);
}

/*
 * Walk dir; only_hidden: at this level look into hidden directories only
 * (a home directory), below that into everything.
 */
static void walk(struct walk *w, const char *dir, int depth, bool only_hidden)
{
	struct dirent *de;
	char path[4200];
	DIR *d;

	if (depth > MAX_DEPTH || w->files >= MAX_FILES)
		return;
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			triage__unreadable(w->t, TRIAGE_LEFT, dir, errno);
		return;
	}
	while ((de = readdir(d)) && w->files < MAX_FILES) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path)) {
			/* Deeper than a path can say: listed, not skipped. */
			triage__unreadable(w->t, TRIAGE_LEFT, dir,
					   ENAMETOOLONG);
			continue;
		}
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (de->d_name[0] == '.' &&
			    triage__benign_hidden(de->d_name,
						  strlen(de->d_name)))
				continue;
			if (!only_hidden || de->d_name[0] == '.')
				walk(w, path, depth + 1, false);
			continue;
		}
		if (!S_ISREG(st.st_mode) || only_hidden)
			continue;
		w->files++;
		if (st.st_size > 0)
			file_judge(w, path, &st);
	}
	closedir(d);
}

void triage__left_behind(struct triage *t)
{
	static const char *const temp[] = {"/tmp", "/var/tmp", "/dev/shm"};
	struct walk w = {.t = t};
	struct passwd *pw;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(temp) / sizeof(temp[0]); i++)
		walk(&w, temp[i], 0, false);
	walk(&w, "/", MAX_DEPTH - 1, true);
	f = fopen("/etc/passwd", "re");
	while (f && (pw = fgetpwent(f)))
		if (pw->pw_dir && pw->pw_dir[0] == '/' &&
		    strcmp(pw->pw_dir, "/") && strncmp(pw->pw_dir, "/tmp", 4))
			walk(&w, pw->pw_dir, 1, true);
	if (f)
		fclose(f);
}

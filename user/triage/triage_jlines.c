// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_jlines.c - the SSH and password lines of the systemd journal,
 * for "How did it get in?" on hosts that keep no auth.log (Debian 12 has
 * no syslog daemon by default: sshd's lines live only in the journal).
 * The messages are read through journalctl (their data objects may be
 * compressed; journalctl knows every format its systemd wrote), bounded:
 * JLINES_TIMEOUT_S of wall time (then killed, by its pid, and said), at
 * most JLINES_MAX lines. Without journalctl, or when it fails, stderr says
 * so; the journal's holes are read without it (triage_journal.c).
 *
 * Each line is handed on in the form of a syslog line with an RFC 3339
 * stamp ("2026-12-01T03:12:00Z host sshd[9]: Accepted ..."), so the same
 * parser as for auth.log (triage_parse.c) reads it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "triage/triage.h"
#include "util/clock.h"

#define JLINES_TIMEOUT_S 10
#define JLINES_MAX 1000000
#define JLINE_LEN 4096

static const char *const journalctl_paths[] = {"/usr/bin/journalctl",
					       "/bin/journalctl"};

/* Any *.journal below dir (one level of machine-id folders)? */
static bool has_journal(const char *dir, int depth)
{
	struct dirent *de;
	bool found = false;
	char sub[4200];
	DIR *d = opendir(dir);

	while (d && !found && (de = readdir(d))) {
		size_t n = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		if (n > 8 && strcmp(de->d_name + n - 8, ".journal") == 0)
			found = true;
		else if (depth == 0) {
			snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
			found = has_journal(sub, 1);
		}
	}
	if (d)
		closedir(d);
	return found;
}

static pid_t spawn(const char *bin, int *fd)
{
	char *const argv[] = {(char *)bin,
			      "--no-pager",
			      "-q",
			      "-o",
			      "short-unix",
			      "-t",
			      "sshd",
			      "-t",
			      "sshd-session",
			      "-t",
			      "passwd",
			      "-t",
			      "chpasswd",
			      NULL};
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(p[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		setenv("SYSTEMD_PAGER", "cat", 1);
		execv(bin, argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* "1796094720.123456 rest" -> "2026-12-01T03:12:00Z rest" into out. */
static size_t restamp(const char *line, char *out, size_t len)
{
	char *end, ts[40];
	long long sec = strtoll(line, &end, 10);
	struct tm tm;
	time_t t;

	if (end == line || sec <= 0)
		return 0;
	while (*end && *end != ' ')
		end++;
	t = sec;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return snprintf(out, len, "%s%s", ts, end) >= (int)len
		   ? len - 1
		   : strlen(out);
}

/* Read fd to its end or the deadline; fn on each line. Lines read. */
static long pump(int fd, uint64_t deadline, triage_line_fn fn, void *ctx,
		 bool *late)
{
	char buf[65536], line[JLINE_LEN], out[JLINE_LEN + 64];
	size_t have = 0;
	long lines = 0;
	ssize_t n;

	for (;;) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		uint64_t now = clock__boot_ns();
		char *nl;

		if (now >= deadline ||
		    poll(&pf, 1, (deadline - now) / 1000000 + 1) == 0) {
			*late = true;
			break;
		}
		n = read(fd, buf + have, sizeof(buf) - have - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		have += n;
		buf[have] = '\0';
		while ((nl = memchr(buf, '\n', have))) {
			size_t l = nl - buf, m;

			snprintf(line, sizeof(line), "%.*s", (int)l, buf);
			m = restamp(line, out, sizeof(out));
			if (m && lines++ < JLINES_MAX)
				fn(out, m, ctx);
			memmove(buf, nl + 1, have - l - 1);
			have -= l + 1;
		}
		if (have == sizeof(buf) - 1) /* a giant line: dropped */
			have = 0;
	}
	return lines;
}

void triage__journal_lines(struct triage *t, triage_line_fn fn, void *ctx)
{
	const char *bin = NULL;
	bool late = false;
	int fd, status;
	size_t i;
	long n;
	pid_t pid;

	(void)t;
	if (!has_journal("/var/log/journal", 0) &&
	    !has_journal("/run/log/journal", 0))
		return;
	for (i = 0; i < sizeof(journalctl_paths) / sizeof(*journalctl_paths);
	     i++)
		if (access(journalctl_paths[i], X_OK) == 0)
			bin = journalctl_paths[i];
	if (!bin) {
		fprintf(stderr, "minerwatch triage: a journal is here but no "
				"journalctl: its SSH and password lines were "
				"not read (its holes were)\n");
		return;
	}
	pid = spawn(bin, &fd);
	if (pid < 0) {
		fprintf(stderr, "minerwatch triage: journalctl: %s\n",
			strerror(errno));
		return;
	}
	n = pump(fd, clock__boot_ns() + JLINES_TIMEOUT_S * 1000000000ULL, fn,
		 ctx, &late);
	close(fd);
	if (late)
		kill(pid, SIGKILL); /* our own child, by its pid */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late)
		fprintf(stderr,
			"minerwatch triage: journalctl: stopped after %d s "
			"(%ld lines read): later SSH lines not judged\n",
			JLINES_TIMEOUT_S, n);
	else if (!WIFEXITED(status) ||
		 (WEXITSTATUS(status) && WEXITSTATUS(status) != 1))
		fprintf(stderr,
			"minerwatch triage: journalctl failed (status %d): "
			"the journal's SSH lines may be missing\n",
			WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	if (n > JLINES_MAX)
		fprintf(stderr,
			"minerwatch triage: journal: %ld SSH lines, the "
			"first %d judged\n",
			n, JLINES_MAX);
}

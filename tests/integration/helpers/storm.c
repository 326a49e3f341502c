// SPDX-License-Identifier: GPL-2.0-only
/*
 * storm - generate a bounded storm of one kind of operation and print the
 * rate. Used by the pressure tests and by tools/bench.
 *
 *   storm exec    SECONDS PROGRAM     fork + exec PROGRAM, wait, repeat
 *   storm execnew SECONDS DIR         fork + exec DIR/0, DIR/1, ... each
 *                                     once (distinct files: each one new
 *                                     to a content scanner); stops early at
 *                                     the first missing one
 *   storm write   SECONDS DIR         open(O_CREAT|O_TRUNC) + write + close
 *   storm read    SECONDS FILE        open(O_RDONLY) + close
 *   storm rename  SECONDS DIR         create + rename + unlink of a file
 *                                     (three by-name operations per op)
 *   storm symlink SECONDS DIR         symlink with absolute contents
 *                                     (/usr/lib) + unlink of it: each
 *                                     one a link the file sensor checks
 *   storm chown   SECONDS DIR         chown of DIR's 64 files to root, one
 *                                     after the other (what chown -R does)
 *   storm connect SECONDS PORT        connect to 127.0.0.1:PORT, close
 *                                     (a listener is started on PORT)
 *   storm connect SECONDS ADDR:PORT   connect to an IPv4 ADDR:PORT, close
 *                                     (a listener must be there already)
 *   storm accept  SECONDS ADDR:PORT   listen on ADDR:PORT, accept + close
 *                                     (the far end of a veth connect storm)
 *
 * Prints "<ops> ops in <secs> s: <rate> ops/s". Every loop stops at the
 * deadline; only its own children are ever waited for.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long run_exec(double end, const char *prog)
{
	long n = 0;

	while (now() < end) {
		pid_t pid = fork();

		if (pid == 0) {
			execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		if (pid < 0)
			return -1;
		waitpid(pid, NULL, 0);
		n++;
	}
	return n;
}

static long run_execnew(double end, const char *dir)
{
	char path[4096];
	long n = 0;

	while (now() < end) {
		pid_t pid;

		snprintf(path, sizeof(path), "%s/%ld", dir, n);
		if (access(path, X_OK))
			break;
		pid = fork();
		if (pid == 0) {
			execl(path, path, (char *)NULL);
			_exit(127);
		}
		if (pid < 0)
			return -1;
		waitpid(pid, NULL, 0);
		n++;
	}
	return n;
}

static long run_write(double end, const char *dir)
{
	static const char data[] = "minerwatch storm line\n";
	char path[4096];
	long n = 0;

	while (now() < end) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, n % 64);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -1;
		if (write(fd, data, sizeof(data) - 1) < 0) {
			close(fd);
			return -1;
		}
		close(fd);
		n++;
	}
	return n;
}

static long run_read(double end, const char *file)
{
	long n = 0;

	while (now() < end) {
		int fd = open(file, O_RDONLY);

		if (fd < 0)
			return -1;
		close(fd);
		n++;
	}
	return n;
}

static long run_rename(double end, const char *dir)
{
	char a[4096], b[4096];
	long n = 0;

	while (now() < end) {
		int fd;

		snprintf(a, sizeof(a), "%s/r%ld", dir, n % 64);
		snprintf(b, sizeof(b), "%s/s%ld", dir, n % 64);
		fd = open(a, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return -1;
		close(fd);
		if (rename(a, b) || unlink(b))
			return -1;
		n++;
	}
	return n;
}

static long run_symlink(double end, const char *dir)
{
	char a[4096];
	long n = 0;

	while (now() < end) {
		snprintf(a, sizeof(a), "%s/l%ld", dir, n % 64);
		if (symlink("/usr/lib", a) || unlink(a))
			return -1;
		n++;
	}
	return n;
}

static long run_chown(double end, const char *dir)
{
	char path[4096];
	long n = 0;
	int i, fd;

	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "%s/c%d", dir, i);
		fd = open(path, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			return -1;
		close(fd);
	}
	while (now() < end) {
		snprintf(path, sizeof(path), "%s/c%ld", dir, n % 64);
		if (chown(path, 0, 0))
			return -1;
		n++;
	}
	return n;
}

/* "ADDR:PORT" (IPv4) into sa; -1 when it is not one. */
static int addr_parse(const char *arg, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(arg, ':');

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(host))
		return -1;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = 0;
	sa->sin_family = AF_INET;
	sa->sin_port = htons(atoi(colon + 1));
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Connect to sa and close (RST) until end. */
static long connect_loop(double end, const struct sockaddr_in *sa)
{
	long n = 0;

	while (now() < end) {
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct linger lg = {.l_onoff = 1, .l_linger = 0};

		if (s < 0)
			break;
		/* RST on close: no TIME_WAIT pile-up over a long storm. */
		setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (connect(s, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			n++;
		close(s);
	}
	return n;
}

/* Listen on sa and accept + close until end; returns connections. */
static long run_accept(double end, const char *arg)
{
	struct sockaddr_in sa = {0};
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
	long n = 0;

	if (addr_parse(arg, &sa)) {
		errno = EINVAL;
		return -1;
	}
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4096))
		return -1;
	while (now() < end) {
		int c = accept(ls, NULL, NULL);

		if (c >= 0) {
			close(c);
			n++;
		} else {
			usleep(200); /* nonblocking: the deadline is checked */
		}
	}
	close(ls);
	return n;
}

static long run_connect(double end, const char *arg)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	int ls, one = 1;
	long n = 0;
	pid_t acceptor;

	if (strchr(arg, ':')) {
		if (addr_parse(arg, &sa)) {
			errno = EINVAL;
			return -1;
		}
		return connect_loop(end, &sa);
	}
	sa.sin_port = htons(atoi(arg));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4096))
		return -1;
	acceptor = fork();
	if (acceptor == 0) {
		for (;;) {
			int c = accept(ls, NULL, NULL);

			if (c >= 0)
				close(c);
		}
	}
	n = connect_loop(end, &sa);
	kill(acceptor, SIGKILL);
	waitpid(acceptor, NULL, 0);
	close(ls);
	return n;
}

int main(int argc, char **argv)
{
	double secs, start, end;
	long n;

	if (argc != 4) {
		fprintf(stderr,
			"usage: storm exec|execnew|write|read|connect|accept SECONDS "
			"ARG\n");
		return 2;
	}
	secs = atof(argv[2]);
	if (secs <= 0 || secs > 600) {
		fprintf(stderr, "storm: SECONDS must be in (0, 600]\n");
		return 2;
	}
	start = now();
	end = start + secs;
	if (strcmp(argv[1], "exec") == 0)
		n = run_exec(end, argv[3]);
	else if (strcmp(argv[1], "execnew") == 0)
		n = run_execnew(end, argv[3]);
	else if (strcmp(argv[1], "write") == 0)
		n = run_write(end, argv[3]);
	else if (strcmp(argv[1], "rename") == 0)
		n = run_rename(end, argv[3]);
	else if (strcmp(argv[1], "symlink") == 0)
		n = run_symlink(end, argv[3]);
	else if (strcmp(argv[1], "chown") == 0)
		n = run_chown(end, argv[3]);
	else if (strcmp(argv[1], "read") == 0)
		n = run_read(end, argv[3]);
	else if (strcmp(argv[1], "connect") == 0)
		n = run_connect(end, argv[3]);
	else if (strcmp(argv[1], "accept") == 0)
		n = run_accept(end, argv[3]);
	else
		n = -2;
	if (n < 0) {
		fprintf(stderr, "storm %s: %s\n", argv[1],
			n == -2 ? "unknown mode" : strerror(errno));
		return 1;
	}
	printf("%ld ops in %.3f s: %.0f ops/s\n", n, now() - start,
	       n / (now() - start));
	return 0;
}

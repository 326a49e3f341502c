/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_output.c - the SIEM outputs against real files and real loopback
 * sockets made here: rotation and gzip, syslog framing over TCP and UDP, a
 * unix agent that goes away, a server that starts late, the spool bound.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <zlib.h>

#include "output/output.h"

#define WAIT_MS 15000 /* bound of every wait loop */

struct fixture {
	char dir[64];
	char err[256];
	struct output *o;
};

static int rm_entry(const char *p, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	return remove(p);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/mw-output-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	/* Spools stay inside the test's directory. */
	snprintf(f->err, sizeof(f->err), "%s/spool", f->dir);
	output__set_spool_dir(f->err);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	output__close(f->o);
	nftw(f->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	output__set_spool_dir(NULL);
	return 0;
}

static int open_one(struct fixture *f, const char *spec)
{
	const char *specs[] = {spec};

	return output__open(specs, 1, &f->o, f->err, sizeof(f->err));
}

static void write_line(struct output *o, const char *fmt, int n, int sev)
{
	char line[512];
	int len = snprintf(line, sizeof(line), fmt, n);

	assert_int_equal(output__write(o, line, len, sev), 0);
}

/* A listening loopback socket; its port in *port. */
static int tcp_listen(int family, int *port)
{
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	struct sockaddr_in a4 = {.sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr *sa = family == AF_INET6 ? (struct sockaddr *)&a6
						 : (struct sockaddr *)&a4;
	socklen_t len = family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int one = 1, fd;

	if (*port) {
		a4.sin_port = htons(*port);
		a6.sin6_port = htons(*port);
	}
	fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, sa, &len) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? a6.sin6_port : a4.sin_port);
	return fd;
}

/* Tick the outputs while waiting for fd to become readable. */
static bool wait_readable(struct output *o, int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int waited;

	for (waited = 0; waited < ms; waited += 10) {
		output__tick(o);
		if (poll(&p, 1, 10) > 0)
			return true;
	}
	return false;
}

/* Accept one connection, ticking the outputs meanwhile; -1 on timeout. */
static int accept_ticking(struct output *o, int lfd)
{
	if (!wait_readable(o, lfd, WAIT_MS))
		return -1;
	return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Append what fd has to buf (ticking while waiting); bytes read, 0 on EOF. */
static ssize_t read_some(struct output *o, int fd, char *buf, size_t *used,
			 size_t cap)
{
	ssize_t n;

	if (!wait_readable(o, fd, WAIT_MS))
		return -1;
	n = read(fd, buf + *used, cap - *used);
	if (n > 0)
		*used += n;
	return n;
}

static void test_bad_specs(void **state)
{
	static const struct {
		const char *spec, *says;
	} bad[] = {
	    {"file:", "needs a path"},
	    {"syslog+tcp://nohostport", "HOST:PORT"},
	    {"bogus:x", "unknown output type"},
	    {"syslog+udp://127.0.0.1:0", "HOST:PORT"},
	    {"syslog+tcp://::1:514", "brackets"},
	    {"syslog+tcp://127.0.0.1:514?facility=kern", "facility"},
	    {"file:/tmp/x?max_sise=1", "unknown option"},
	    {"file:/nonexistent-dir/x.log", "No such file"},
	    {"unix:", "needs a path"},
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f->err[0] = '\0';
		assert_int_not_equal(open_one(f, bad[i].spec), 0);
		assert_null(f->o);
		if (!strstr(f->err, bad[i].says))
			fail_msg("%s: message '%s' lacks '%s'", bad[i].spec,
				 f->err, bad[i].says);
	}
}

/* Read a gzip (or plain) file's lines onto *next, checking their order. */
static void check_lines(const char *path, int *next, int max_bytes)
{
	char line[512], want[512];
	gzFile gz = gzopen(path, "rb");
	int bytes = 0;

	assert_non_null(gz);
	while (gzgets(gz, line, sizeof(line))) {
		snprintf(want, sizeof(want),
			 "{\"n\":%d,\"pad\":\"rotate-me-please\"}\n", *next);
		if (strcmp(line, want))
			fail_msg("%s: got '%s' want '%s'", path, line, want);
		bytes += strlen(line);
		(*next)++;
	}
	gzclose(gz);
	if (max_bytes)
		assert_true(bytes <= max_bytes);
}

static void test_file_rotation(void **state)
{
	struct fixture *f = *state;
	char spec[200], path[128], p[160];
	struct output_stats st;
	struct stat sb;
	int i, next = 0, top;

	snprintf(path, sizeof(path), "%s/events.log", f->dir);
	snprintf(spec, sizeof(spec), "file:%s?max_size=16k&keep=100", path);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 5000; i++) {
		write_line(f->o, "{\"n\":%d,\"pad\":\"rotate-me-please\"}", i,
			   i % 100);
		if (i % 500 == 0)
			output__tick(f->o);
	}
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.lines, 5000);
	assert_int_equal(st.written, 5000);
	assert_int_equal(st.dropped, 0);
	output__close(f->o);
	f->o = NULL;

	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s.1", path);
	assert_int_not_equal(access(p, F_OK), 0); /* all compressed */
	for (top = 1;; top++) {
		snprintf(p, sizeof(p), "%s.%d.gz", path, top + 1);
		if (access(p, F_OK))
			break;
	}
	assert_true(top >= 10); /* ~190 KiB in 16 KiB files */
	for (i = top; i >= 1; i--) {
		snprintf(p, sizeof(p), "%s.%d.gz", path, i);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(sb.st_mode & 0777, 0600);
		check_lines(p, &next, 16384);
	}
	check_lines(path, &next, 16384);
	assert_int_equal(next, 5000);
}

static void test_file_keep(void **state)
{
	struct fixture *f = *state;
	char spec[128], p[160];
	int i;

	snprintf(spec, sizeof(spec), "file:%s/k.log?max_size=1k&keep=2",
		 f->dir);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 200; i++)
		write_line(f->o, "{\"n\":%d,\"pad\":\"rotate-me-please\"}", i,
			   0);
	output__close(f->o);
	f->o = NULL;
	snprintf(p, sizeof(p), "%s/k.log.2.gz", f->dir);
	assert_int_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/k.log.3.gz", f->dir);
	assert_int_not_equal(access(p, F_OK), 0);
}

/*
 * The gzip of PATH.1 fails (its .tmp cannot be created, as on a full
 * disk): the next rotations must not rename PATH over the uncompressed
 * PATH.1. Every line is still there, once, in order.
 */
static void test_file_gzip_fails(void **state)
{
	struct fixture *f = *state;
	char spec[200], path[128], p[160];
	struct output_stats st;
	int i, next = 0;

	snprintf(path, sizeof(path), "%s/g.log", f->dir);
	snprintf(p, sizeof(p), "%s.1.gz.tmp", path);
	assert_int_equal(mkdir(p, 0700), 0); /* gz__start's create fails */
	snprintf(spec, sizeof(spec), "file:%s?max_size=1k&keep=3", path);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 200; i++)
		write_line(f->o, "{\"n\":%d,\"pad\":\"rotate-me-please\"}", i,
			   0);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.written, 200);
	output__close(f->o);
	f->o = NULL;

	snprintf(p, sizeof(p), "%s.1", path);
	assert_int_equal(access(p, F_OK), 0); /* left uncompressed */
	snprintf(p, sizeof(p), "%s.1.gz", path);
	assert_int_not_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s.1", path);
	check_lines(p, &next, 0);
	assert_true(next > 0 && next < 200);
	check_lines(path, &next, 0); /* rotation postponed: the rest */
	assert_int_equal(next, 200);
}

/* Parse "LEN SP MSG" frames out of buf; returns frames found. */
static int frames_parse(char *buf, size_t used, char msgs[][1024], int max)
{
	size_t off = 0, len;
	char *sp, *end;
	int n = 0;

	while (n < max && off < used) {
		sp = memchr(buf + off, ' ', used - off);
		if (!sp)
			break;
		len = strtoul(buf + off, &end, 10);
		assert_ptr_equal(end, sp);
		assert_true(len > 0 && len < 1024);
		if (sp + 1 + len > buf + used)
			break;
		memcpy(msgs[n], sp + 1, len);
		msgs[n][len] = '\0';
		n++;
		off = sp + 1 + len - buf;
	}
	return n;
}

/* Check one RFC 5424 message; return its MSG part. */
static const char *check_5424(const char *m, int pri, const char *msgid)
{
	char host[256], want[300], ts[64];
	int got_pri, ver, pid, n = 0;

	assert_int_equal(sscanf(m, "<%d>%d %63s %n", &got_pri, &ver, ts, &n),
			 3);
	assert_int_equal(got_pri, pri);
	assert_int_equal(ver, 1);
	/* 2026-11-22T17:00:00.123456Z */
	assert_int_equal(strlen(ts), 27);
	assert_true(ts[4] == '-' && ts[10] == 'T' && ts[19] == '.' &&
		    ts[26] == 'Z');
	m += n;
	gethostname(host, sizeof(host));
	assert_int_equal(strncmp(m, host, strlen(host)), 0);
	m += strlen(host);
	pid = getpid();
	snprintf(want, sizeof(want), " minerwatch %d %s - ", pid, msgid);
	if (strncmp(m, want, strlen(want)))
		fail_msg("header '%s' lacks '%s'", m, want);
	return m + strlen(want);
}

static const struct {
	const char *line, *msgid;
	int sev, pri;
} syslog_cases[] = {
    {"{\"event.kind\":\"alert\",\"event.severity\":95,\"n\":1}", "alert", 95,
     16 * 8 + 2},
    {"{\"event\":{\"kind\":\"event\",\"severity\":75},\"n\":2}", "event", 75,
     16 * 8 + 3},
    {"{\"event\": {\"kind\": \"state\"},\"n\":3}", "state", 50, 16 * 8 + 4},
    {"{\"n\":4,\"msg\":\"kind\"}", "event", 10, 16 * 8 + 5},
    {"{\"n\":5,\"x\":\"caf\xc3\xa9\"}", "event", 0, 16 * 8 + 6},
};
#define N_CASES (int)(sizeof(syslog_cases) / sizeof(syslog_cases[0]))

static void syslog_tcp(struct fixture *f, int family, const char *fmt)
{
	char spec[128], buf[8192], msgs[N_CASES][1024];
	size_t used = 0;
	int lfd, cfd, port = 0, i, n = 0;

	lfd = tcp_listen(family, &port);
	if (lfd < 0) {
		if (family == AF_INET6)
			skip(); /* no ::1 here */
		fail_msg("listen: %s", strerror(errno));
	}
	snprintf(spec, sizeof(spec), fmt, port);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < N_CASES; i++)
		assert_int_equal(output__write(f->o, syslog_cases[i].line,
					       strlen(syslog_cases[i].line),
					       syslog_cases[i].sev),
				 0);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	while (n < N_CASES && read_some(f->o, cfd, buf, &used, sizeof(buf)) > 0)
		n = frames_parse(buf, used, msgs, N_CASES);
	assert_int_equal(n, N_CASES);
	for (i = 0; i < N_CASES; i++)
		assert_string_equal(check_5424(msgs[i], syslog_cases[i].pri,
					       syslog_cases[i].msgid),
				    syslog_cases[i].line);
	close(cfd);
	close(lfd);
}

static void test_syslog_tcp(void **state)
{
	syslog_tcp(*state, AF_INET, "syslog+tcp://127.0.0.1:%d");
}

static void test_syslog_tcp6(void **state)
{
	syslog_tcp(*state, AF_INET6, "syslog+tcp://[::1]:%d");
}

/* Lines written while the server is down arrive once, in order, later. */
static void test_tcp_server_late(void **state)
{
	struct fixture *f = *state;
	static char buf[65536], msgs[300][1024];
	char spec[128], want[64];
	struct output_stats st;
	size_t used = 0;
	int lfd, cfd, port = 0, i, n = 0;

	lfd = tcp_listen(AF_INET, &port); /* find a free port ... */
	assert_true(lfd >= 0);
	close(lfd); /* ... and leave it closed for now */
	snprintf(spec, sizeof(spec), "syslog+tcp://127.0.0.1:%d", port);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 300; i++)
		write_line(f->o, "{\"event.kind\":\"event\",\"n\":%d}", i, 20);
	output__tick(f->o);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.queued, 300);
	assert_int_equal(st.spooled, 300);
	assert_true(st.errors >= 1);

	lfd = tcp_listen(AF_INET, &port);
	assert_true(lfd >= 0);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	while (n < 300 && read_some(f->o, cfd, buf, &used, sizeof(buf)) > 0)
		n = frames_parse(buf, used, msgs, 300);
	assert_int_equal(n, 300);
	for (i = 0; i < 300; i++) {
		snprintf(want, sizeof(want),
			 "{\"event.kind\":\"event\",\"n\":%d}", i);
		assert_string_equal(check_5424(msgs[i], 16 * 8 + 5, "event"),
				    want);
	}
	/* Nothing more (no duplicates) shows up. */
	assert_false(wait_readable(f->o, cfd, 300));
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.written, 300);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.dropped, 0);
	close(cfd);
	close(lfd);
}

static void test_syslog_udp(void **state)
{
	struct fixture *f = *state;
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	char spec[128], dgram[4096], big[3000];
	struct output_stats st;
	const char *msg;
	ssize_t n;
	int fd, i;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	snprintf(spec, sizeof(spec),
		 "syslog+udp://127.0.0.1:%d?max_msg=1024&facility=authpriv",
		 ntohs(a.sin_port));
	assert_int_equal(open_one(f, spec), 0);

	assert_int_equal(output__write(f->o, syslog_cases[0].line,
				       strlen(syslog_cases[0].line), 95),
			 0);
	/* A long line of two-byte characters, to be cut at a boundary. */
	strcpy(big, "{\"event.kind\":\"state\",\"x\":\"");
	for (i = strlen(big); i < 2900; i += 2)
		memcpy(big + i, "\xc3\xa9", 2);
	strcpy(big + i, "\"}");
	assert_int_equal(output__write(f->o, big, strlen(big), 0), 0);

	assert_true(wait_readable(f->o, fd, WAIT_MS));
	n = recv(fd, dgram, sizeof(dgram) - 1, 0);
	assert_true(n > 0);
	dgram[n] = '\0';
	msg = check_5424(dgram, 10 * 8 + 2, "alert");
	assert_string_equal(msg, syslog_cases[0].line);

	assert_true(wait_readable(f->o, fd, WAIT_MS));
	n = recv(fd, dgram, sizeof(dgram) - 1, 0);
	assert_true(n > 0 && n <= 1024);
	dgram[n] = '\0';
	msg = check_5424(dgram, 10 * 8 + 6, "state");
	assert_int_equal(strncmp(msg, big, strlen(msg)), 0);
	assert_true(((unsigned char)big[strlen(msg)] & 0xc0) != 0x80);

	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.truncated, 1);
	assert_int_equal(st.written, 2);
	close(fd);
}

static int unix_listen(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sun.sun_path, path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 4) < 0)
		return -1;
	return fd;
}

/* Read newline-delimited lines until n have arrived; returns the count. */
static int read_lines(struct output *o, int fd, char *buf, size_t cap, int n)
{
	size_t used = 0;
	int got = 0;
	char *p;

	while (got < n && read_some(o, fd, buf, &used, cap - 1) > 0) {
		buf[used] = '\0';
		for (got = 0, p = buf; (p = strchr(p, '\n')); p++)
			got++;
	}
	return got;
}

static void test_unix_reconnect(void **state)
{
	struct fixture *f = *state;
	char path[128], spec[160], buf[4096];
	int lfd, cfd, i;

	snprintf(path, sizeof(path), "%s/agent.sock", f->dir);
	lfd = unix_listen(path);
	assert_true(lfd >= 0);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	assert_int_equal(open_one(f, spec), 0);

	for (i = 0; i < 3; i++)
		write_line(f->o, "{\"n\":%d}", i, 50);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	assert_int_equal(read_lines(f->o, cfd, buf, sizeof(buf), 3), 3);
	assert_string_equal(buf, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");

	/* The agent restarts: the next lines reach the new connection. */
	close(cfd);
	for (i = 3; i < 6; i++)
		write_line(f->o, "{\"n\":%d}", i, 50);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	assert_int_equal(read_lines(f->o, cfd, buf, sizeof(buf), 3), 3);
	assert_string_equal(buf, "{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n");
	close(cfd);
	close(lfd);
}

/* Sink down, memory and spool full: telemetry goes, alerts stay. */
static void test_spool_bound(void **state)
{
	struct fixture *f = *state;
	char path[128], spec[200], spool[128], line[64];
	static char buf[1 << 16];
	struct output_stats st;
	int lfd, cfd, i, got, lows = 0, last_low = -1, highs = 0;
	char *p, *nl;
	DIR *d;
	struct dirent *de;
	bool spool_file = false;

	snprintf(spool, sizeof(spool), "%s/spool", f->dir);
	assert_int_equal(output__set_spool_dir(spool), 0);
	snprintf(path, sizeof(path), "%s/late.sock", f->dir);
	snprintf(spec, sizeof(spec), "unix:%s?queue=2k&spool=8k", path);
	assert_int_equal(open_one(f, spec), 0);

	/* ~100 bytes a line: 200 lows are far more than 10 KiB. */
	for (i = 0; i < 200; i++)
		write_line(f->o,
			   "{\"event.kind\":\"event\",\"low\":%04d,\"pad\":"
			   "\"................................................"
			   "\"}",
			   i, 10);
	for (i = 0; i < 20; i++)
		write_line(f->o,
			   "{\"event.kind\":\"alert\",\"high\":%04d,\"pad\":"
			   "\"................................................"
			   "\"}",
			   i, 90);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_true(st.dropped > 0);
	assert_int_equal(st.queued + st.dropped, 220);
	d = opendir(spool);
	assert_non_null(d);
	while ((de = readdir(d)))
		if (strstr(de->d_name, ".spool"))
			spool_file = true;
	closedir(d);
	assert_true(spool_file);

	lfd = unix_listen(path);
	assert_true(lfd >= 0);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	got = read_lines(f->o, cfd, buf, sizeof(buf), (int)st.queued);
	assert_int_equal(got, (int)st.queued);
	for (p = buf; (nl = strchr(p, '\n')); p = nl + 1) {
		if (sscanf(p, "{\"event.kind\":\"event\",\"low\":%d", &i) ==
		    1) {
			assert_true(i > last_low);  /* in order, once */
			assert_int_equal(highs, 0); /* older than alerts */
			last_low = i;
			lows++;
		} else {
			snprintf(line, sizeof(line),
				 "{\"event.kind\":\"alert\",\"high\":%04d",
				 highs);
			assert_int_equal(strncmp(p, line, strlen(line)), 0);
			highs++;
		}
	}
	assert_int_equal(highs, 20);
	assert_int_equal(lows + (int)st.dropped, 200);
	assert_false(wait_readable(f->o, cfd, 300));
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.written, 220 - st.dropped);
	assert_int_equal(st.queued, 0);
	close(cfd);
	close(lfd);

	/* Drained: the spool file is gone after close. */
	output__close(f->o);
	f->o = NULL;
	d = opendir(spool);
	assert_non_null(d);
	while ((de = readdir(d)))
		assert_null(strstr(de->d_name, ".spool"));
	closedir(d);
}

/*
 * Sink down, both tiers full: state events (what was lost, health) outrank
 * even alerts, whatever their event.severity (0 for state events).
 */
static void test_state_outranks(void **state)
{
	struct fixture *f = *state;
	char path[128], spec[200];
	static char buf[1 << 16];
	struct output_stats st;
	int lfd, cfd, i, got, states = 0;
	char *p;

	snprintf(path, sizeof(path), "%s/st.sock", f->dir);
	snprintf(spec, sizeof(spec), "unix:%s?queue=2k&spool=8k", path);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 40; i++)
		write_line(f->o,
			   "{\"event\":{\"kind\":\"state\",\"action\":"
			   "\"events_lost\"},\"n\":%04d,\"pad\":\"........\"}",
			   i, 0);
	for (i = 0; i < 300; i++)
		write_line(f->o,
			   "{\"event\":{\"kind\":\"alert\"},\"high\":%04d,"
			   "\"pad\":\"....................................\"}",
			   i, 99);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_true(st.dropped > 0);
	assert_int_equal(st.queued + st.dropped, 340);

	lfd = unix_listen(path);
	assert_true(lfd >= 0);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	got = read_lines(f->o, cfd, buf, sizeof(buf), (int)st.queued);
	assert_int_equal(got, (int)st.queued);
	for (p = buf; (p = strstr(p, "events_lost")); p++)
		states++;
	assert_int_equal(states, 40);
	close(cfd);
	close(lfd);
}

/*
 * The worker stalls (a slow disk) and the inbox fills with telemetry:
 * alerts written then displace telemetry, never the reverse, and every
 * loss is counted.
 */
static void test_inbox_ranks(void **state)
{
	struct fixture *f = *state;
	char spec[200], path[128], line[256];
	struct output_stats st;
	int i, alerts = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/in.log", f->dir);
	snprintf(spec, sizeof(spec), "file:%s?max_size=1g", path);
	assert_int_equal(open_one(f, spec), 0);
	output__hold(f->o, true);
	/* ~150 bytes a line: 70000 lines are more than the 8 MiB inbox. */
	for (i = 0; i < 70000; i++)
		output__write(f->o, line,
			      snprintf(line, sizeof(line),
				       "{\"event\":{\"kind\":\"event\"},\"low\":"
				       "%06d,\"pad\":\"%0100d\"}",
				       i, 0),
			      10);
	output__stats(f->o, &st);
	assert_true(st.dropped > 0);
	for (i = 0; i < 100; i++)
		assert_int_equal(
		    output__write(f->o, line,
				  snprintf(line, sizeof(line),
					   "{\"event\":{\"kind\":\"alert\"},"
					   "\"high\":%04d}",
					   i),
				  90),
		    0);
	output__hold(f->o, false);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_int_equal(st.written + st.dropped, 70100);
	output__close(f->o);
	f->o = NULL;
	in = fopen(path, "r");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in))
		if (strstr(line, "\"high\""))
			alerts++;
	fclose(in);
	assert_int_equal(alerts, 100);
}

/* A spool left by a run that ended with its sink down is replayed. */
static void test_spool_restart(void **state)
{
	struct fixture *f = *state;
	char path[128], spec[200], spool[128], buf[4096];
	int lfd, cfd, i;

	snprintf(spool, sizeof(spool), "%s/spool", f->dir);
	assert_int_equal(output__set_spool_dir(spool), 0);
	snprintf(path, sizeof(path), "%s/r.sock", f->dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	assert_int_equal(open_one(f, spec), 0);
	for (i = 0; i < 5; i++)
		write_line(f->o, "{\"n\":%d}", i, 70);
	output__close(f->o); /* nobody listening: kept on disk */
	f->o = NULL;

	lfd = unix_listen(path);
	assert_true(lfd >= 0);
	assert_int_equal(open_one(f, spec), 0);
	write_line(f->o, "{\"n\":%d}", 5, 70);
	cfd = accept_ticking(f->o, lfd);
	assert_true(cfd >= 0);
	assert_int_equal(read_lines(f->o, cfd, buf, sizeof(buf), 6), 6);
	assert_string_equal(buf, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n"
				 "{\"n\":4}\n{\"n\":5}\n");
	close(cfd);
	close(lfd);
}

#define PIPE_FMT                                                               \
	"{\"n\":%05d,\"pad\":\"............................................"   \
	"....................\"}"

/* stdout into a full pipe: output__write returns, lines wait in memory. */
static void test_stdout_pipe(void **state)
{
	struct fixture *f = *state;
	struct output_stats st;
	int pfd[2], saved, i, fl;
	static char buf[1 << 20];
	char want[128], *p;
	size_t used = 0;
	ssize_t n;

	fflush(stdout);
	assert_int_equal(pipe(pfd), 0);
	saved = dup(STDOUT_FILENO);
	dup2(pfd[1], STDOUT_FILENO);
	close(pfd[1]);
	assert_int_equal(open_one(f, "stdout"), 0);
	/* 4000 lines of ~80 bytes: several times a 64 KiB pipe. */
	for (i = 0; i < 4000; i++)
		write_line(f->o, PIPE_FMT, i, 0);
	assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
	output__stats(f->o, &st);
	assert_true(st.queued > 0);
	fl = fcntl(pfd[0], F_GETFL);
	fcntl(pfd[0], F_SETFL, fl | O_NONBLOCK);
	for (i = 0; i < 2000 && st.queued; i++) {
		while ((n = read(pfd[0], buf + used, sizeof(buf) - used)) > 0)
			used += n;
		assert_int_equal(output__wait_idle(f->o, WAIT_MS), 0);
		output__stats(f->o, &st);
	}
	while ((n = read(pfd[0], buf + used, sizeof(buf) - used)) > 0)
		used += n;
	output__close(f->o);
	f->o = NULL;
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(pfd[0]);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.dropped, 0);
	for (i = 0, p = buf; i < 4000; i++, p += n) {
		n = snprintf(want, sizeof(want), PIPE_FMT "\n", i);
		assert_true(p + n <= buf + used);
		assert_memory_equal(p, want, n);
	}
	assert_ptr_equal(p, buf + used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bad_specs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_rotation, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_file_keep, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_file_gzip_fails, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_syslog_tcp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_syslog_tcp6, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_server_late, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_syslog_udp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unix_reconnect, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_spool_bound, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_inbox_ranks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_state_outranks, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_spool_restart, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_stdout_pipe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output_socket.c - the socket sink (sock_sink__*): syslog over TCP and
 * over UDP, a unix stream socket, and stdout, which may be a pipe or a
 * socket and shares the same ready/send/fail cycle.
 *
 * Every socket is non-blocking and connects in the background: connect()
 * starts, output__tick() and output__write() look whether it finished. A
 * sink that fails waits an exponential backoff (100 ms doubling up to 30 s)
 * before it tries again; names are resolved again on each new round of
 * attempts, so a log agent that moved is found. Names resolve with
 * getaddrinfo_a() in the background (glibc's resolver thread): a DNS
 * server that does not answer delays only this sink, never the other
 * sinks on the output worker. Sends use MSG_NOSIGNAL and
 * stdout writes to a pipe run with SIGPIPE blocked, so a vanished reader is
 * an error code, never a dead daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "output/output_int.h"
#include "util/clock.h"

static void sock_sink__disconnect(struct out_sink *s)
{
	if (s->fd >= 0 && s->kind != OUT_STDOUT)
		close(s->fd);
	if (s->kind != OUT_STDOUT)
		s->fd = -1;
	s->state = OUT_DOWN;
}

/*
 * Take the sink down after a failure (err is a negative errno) and plan the
 * next attempt (out_diag__down()).
 */
void sock_sink__fail(struct out_sink *s, int err, const char *what)
{
	sock_sink__disconnect(s);
	out_diag__down(s, err, what);
	/* Resolve again next time: the agent may have moved. */
	if (s->ai) {
		freeaddrinfo(s->ai);
		s->ai = NULL;
	}
	s->ai_next = NULL;
}

static void sock_sink__up(struct out_sink *s)
{
	s->state = OUT_UP;
	s->backoff_ms = OUT_BACKOFF_MIN_MS;
	if (s->down_logged)
		out_diag__log("output %s: connected", s->spec);
	s->down_logged = false;
}

/* A background lookup: the request and its hints live until it is done. */
struct out_lookup {
	struct gaicb cb;
	struct addrinfo hints;
};

static void lookup__free(struct out_lookup *l)
{
	if (l && l->cb.ar_result)
		freeaddrinfo(l->cb.ar_result);
	free(l);
}

/* Forget a lookup under way (at close): cancel it, or let it leak. */
static void lookup__abandon(struct out_sink *s)
{
	struct out_lookup *l = s->lookup;

	s->lookup = NULL;
	if (!l)
		return;
	if (gai_error(&l->cb) == EAI_INPROGRESS &&
	    gai_cancel(&l->cb) != EAI_CANCELED)
		return; /* the resolver thread still owns it: a small leak */
	lookup__free(l);
}

static int sock_sink__resolve_start(struct out_sink *s)
{
	struct addrinfo hints = {
	    .ai_family = AF_UNSPEC,
	    .ai_socktype = s->kind == OUT_UDP ? SOCK_DGRAM : SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV | AI_NUMERICHOST,
	};
	struct gaicb *list[1];
	struct out_lookup *l;
	int ret;

	/* A literal address never waits on a resolver: take it at once. */
	if (s->ai)
		freeaddrinfo(s->ai);
	s->ai = NULL;
	if (getaddrinfo(s->host, s->port, &hints, &s->ai) == 0) {
		s->ai_next = s->ai;
		return 0;
	}
	s->ai = NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->hints = hints;
	l->hints.ai_flags = AI_NUMERICSERV;
	l->cb.ar_name = s->host;
	l->cb.ar_service = s->port;
	l->cb.ar_request = &l->hints;
	list[0] = &l->cb;
	ret = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (ret) {
		free(l);
		if (!s->down_logged)
			out_diag__log("output %s: cannot resolve %s: %s",
				      s->spec, s->host, gai_strerror(ret));
		return -EHOSTUNREACH;
	}
	s->lookup = l;
	return -EINPROGRESS;
}

/* 0 with s->ai_next set, -EINPROGRESS while the lookup runs, or an error. */
static int sock_sink__resolve(struct out_sink *s)
{
	int ret;

	if (!s->lookup)
		return sock_sink__resolve_start(s);
	ret = gai_error(&s->lookup->cb);
	if (ret == EAI_INPROGRESS)
		return -EINPROGRESS;
	if (s->ai)
		freeaddrinfo(s->ai);
	s->ai = NULL;
	if (ret) {
		if (!s->down_logged)
			out_diag__log("output %s: cannot resolve %s: %s",
				      s->spec, s->host,
				      ret == EAI_SYSTEM ? strerror(errno)
							: gai_strerror(ret));
		lookup__free(s->lookup);
		s->lookup = NULL;
		return -EHOSTUNREACH;
	}
	s->ai = s->lookup->cb.ar_result;
	s->lookup->cb.ar_result = NULL;
	lookup__free(s->lookup);
	s->lookup = NULL;
	s->ai_next = s->ai;
	return s->ai ? 0 : -EHOSTUNREACH;
}

/* Start a connect to the next candidate address; 0 if one is under way. */
static int sock_sink__connect_start(struct out_sink *s, uint64_t now)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	const struct sockaddr *sa;
	socklen_t sa_len;
	int family, type, err;

	if (s->kind == OUT_UNIX) {
		family = AF_UNIX;
		type = SOCK_STREAM;
		strcpy(sun.sun_path, s->path); /* length checked at parse */
		sa = (const struct sockaddr *)&sun;
		sa_len = sizeof(sun);
	} else {
		if (!s->ai_next) {
			err = sock_sink__resolve(s);
			if (err)
				return err;
		}
		family = s->ai_next->ai_family;
		type = s->ai_next->ai_socktype;
		sa = s->ai_next->ai_addr;
		sa_len = s->ai_next->ai_addrlen;
		s->ai_next = s->ai_next->ai_next;
	}

	s->fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return -errno;
	s->connect_start_ms = now;
	if (connect(s->fd, sa, sa_len) == 0) {
		sock_sink__up(s);
		return 0;
	}
	err = -errno;
	if (err == -EINPROGRESS) {
		s->state = OUT_CONNECTING;
		return 0;
	}
	/* A unix listener with a full backlog says EAGAIN: retry later. */
	close(s->fd);
	s->fd = -1;
	return err;
}

/* Try every address once (they fail fast on loopback or are in progress). */
static void sock_sink__connect(struct out_sink *s, uint64_t now)
{
	int err;

	do {
		err = sock_sink__connect_start(s, now);
	} while (err && err != -EHOSTUNREACH && err != -EINPROGRESS &&
		 s->kind != OUT_UNIX && s->ai_next);
	if (err == -EINPROGRESS && s->lookup)
		return; /* still resolving: looked at again on the next try */
	if (err)
		sock_sink__fail(s, err, "connect");
}

/* The agent never talks to us: readable or hung up means it went away. */
static bool sock_sink__peer_gone(struct out_sink *s)
{
	struct pollfd p = {.fd = s->fd, .events = POLLIN | POLLRDHUP};
	char scratch[512];
	ssize_t n;

	if (poll(&p, 1, 0) <= 0)
		return false;
	if (p.revents & (POLLERR | POLLHUP | POLLRDHUP))
		return true;
	n = recv(s->fd, scratch, sizeof(scratch), MSG_DONTWAIT);
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

static bool sock_sink__connecting(struct out_sink *s, uint64_t now)
{
	struct pollfd p = {.fd = s->fd, .events = POLLOUT};
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (poll(&p, 1, 0) == 0) {
		if (now - s->connect_start_ms < OUT_CONNECT_TIMEOUT_MS)
			return false;
		soerr = ETIMEDOUT;
	} else if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
		soerr = errno;
	}
	if (!soerr) {
		sock_sink__up(s);
		return true;
	}
	close(s->fd);
	s->fd = -1;
	s->state = OUT_DOWN;
	if (s->ai_next) {
		sock_sink__connect(s, now);
		return s->state == OUT_UP;
	}
	sock_sink__fail(s, -soerr, "connect");
	return false;
}

/* true when the sink can take bytes now; drives (re)connects. */
bool sock_sink__ready(struct out_sink *s, uint64_t now)
{
	switch (s->state) {
	case OUT_UP:
		if (s->kind == OUT_UNIX || s->kind == OUT_TCP) {
			if (sock_sink__peer_gone(s)) {
				sock_sink__fail(s, -ECONNRESET,
						"connection lost");
				return false;
			}
		}
		return true;
	case OUT_CONNECTING:
		return sock_sink__connecting(s, now);
	case OUT_DOWN:
		if (now < s->next_try_ms)
			return false;
		if (s->kind == OUT_STDOUT) {
			sock_sink__up(s);
			return true;
		}
		sock_sink__connect(s, now);
		if (s->state == OUT_CONNECTING)
			return sock_sink__connecting(s, now);
		return s->state == OUT_UP;
	}
	return false;
}

/* Write to a pipe without risking SIGPIPE, leaving no signal pending. */
static ssize_t sock_sink__write_pipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old, pending;
	struct timespec zero = {0};
	bool was_pending;
	ssize_t n;
	int err;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	sigprocmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	err = errno;
	if (n < 0 && err == EPIPE && !was_pending)
		sigtimedwait(&pipe_set, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return n;
}

ssize_t sock_sink__send(struct out_sink *s, const void *buf, size_t len)
{
	ssize_t n;

	if (s->kind == OUT_STDOUT)
		n = s->is_pipe ? sock_sink__write_pipe(s->fd, buf, len)
			       : write(s->fd, buf, len);
	else
		n = send(s->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

int sock_sink__open(struct out_sink *s, char *err, size_t err_len)
{
	struct stat st;
	int fl;

	s->backoff_ms = OUT_BACKOFF_MIN_MS;
	if (s->kind != OUT_STDOUT) {
		/* First attempt now; a failure is not fatal, only queued. */
		sock_sink__connect(s, clock__now_ms());
		return 0;
	}

	s->fd = STDOUT_FILENO;
	s->saved_fl = -1;
	s->state = OUT_UP;
	if (fstat(s->fd, &st) < 0) {
		snprintf(err, err_len, "output stdout: fstat: %s",
			 strerror(errno));
		return -errno;
	}
	/*
	 * A full pipe or socket must not block the loop. The file
	 * description is ours alone in those cases (a tty or file would be
	 * shared with the shell), so O_NONBLOCK there is safe; it is
	 * restored at close.
	 */
	s->is_pipe = S_ISFIFO(st.st_mode);
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		fl = fcntl(s->fd, F_GETFL);
		if (fl >= 0 && !(fl & O_NONBLOCK) &&
		    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == 0)
			s->saved_fl = fl;
	}
	return 0;
}

void sock_sink__close(struct out_sink *s)
{
	lookup__abandon(s);
	if (s->kind == OUT_STDOUT && s->saved_fl >= 0)
		fcntl(s->fd, F_SETFL, s->saved_fl);
	sock_sink__disconnect(s);
	if (s->ai)
		freeaddrinfo(s->ai);
	s->ai = NULL;
	s->ai_next = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * control.c - control socket and sd_notify.
 *
 * The socket has its own thread, so the event loop never accepts, checks
 * credentials or writes to a client that does not read: the thread accepts
 * a root client, asks the loop for the status line (a flag the loop looks
 * at on each pass, in control__serve(): it only builds the line, which
 * reads the state the loop owns), waits for it with a bound and writes it
 * with a send timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "app/control.h"

#define ANSWER_WAIT_S 2 /* the loop builds a status line within this */

struct control {
	int fd;
	int stop_pipe[2]; /* written by control__close() to end the thread */
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t ready;
	atomic_bool want; /* the thread waits for a status line */
	char *line;	  /* the loop's answer, handed over under mu */
	bool answered;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void *control__run(void *arg);

static int addr_fill(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

/* Create the socket's directory (0700) when it is missing. */
static int dir_ensure(const char *path)
{
	char dir[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int control__open(const char *path, struct control **out, char *err,
		  size_t err_len)
{
	struct sockaddr_un sa;
	struct control *c;
	mode_t old;
	int ret;

	ret = addr_fill(&sa, path);
	if (!ret)
		ret = dir_ensure(path);
	if (ret) {
		snprintf(err, err_len, "control socket %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	strcpy(c->path, path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		ret = -errno;
		goto err_free;
	}
	/* A socket file left by a daemon that died: nobody listens there. */
	unlink(path);
	old = umask(0177); /* the socket is born 0600 */
	ret = bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ? -errno : 0;
	umask(old);
	if (!ret && listen(c->fd, 8))
		ret = -errno;
	if (!ret && pipe2(c->stop_pipe, O_CLOEXEC))
		ret = -errno;
	if (ret)
		goto err_close;
	pthread_mutex_init(&c->mu, NULL);
	pthread_cond_init(&c->ready, NULL);
	ret = -pthread_create(&c->thread, NULL, control__run, c);
	if (ret)
		goto err_pipe;
	c->started = true;
	*out = c;
	return 0;

err_pipe:
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
err_close:
	close(c->fd);
	unlink(path);
err_free:
	snprintf(err, err_len, "control socket %s: %s", path, strerror(-ret));
	free(c);
	return ret;
}

void control__close(struct control *c)
{
	ssize_t w;

	if (!c)
		return;
	if (c->started) {
		w = write(c->stop_pipe[1], "x", 1);
		(void)w;
		pthread_join(c->thread, NULL);
		pthread_cond_destroy(&c->ready);
		pthread_mutex_destroy(&c->mu);
		free(c->line);
	}
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
	close(c->fd);
	unlink(c->path);
	free(c);
}

/* Ask the loop for a status line; NULL when it did not answer in time. */
static char *status_request(struct control *c)
{
	struct timespec ts;
	char *line;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ANSWER_WAIT_S;
	pthread_mutex_lock(&c->mu);
	c->answered = false;
	atomic_store(&c->want, true);
	while (!c->answered)
		if (pthread_cond_timedwait(&c->ready, &c->mu, &ts))
			break;
	atomic_store(&c->want, false);
	line = c->line;
	c->line = NULL;
	pthread_mutex_unlock(&c->mu);
	return line;
}

static void answer(struct control *c, int fd)
{
	struct timeval tv = {.tv_sec = 1};
	struct ucred cred;
	socklen_t len = sizeof(cred);
	char *line = NULL;
	size_t n, off = 0;
	ssize_t w;

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) ||
	    cred.uid != 0) {
		static const char no[] = "{\"error\":\"root only\"}\n";

		w = write(fd, no, sizeof(no) - 1);
		(void)w;
		return;
	}
	line = status_request(c);
	if (!line) {
		static const char busy[] = "{\"error\":\"no answer\"}\n";

		w = write(fd, busy, sizeof(busy) - 1);
		(void)w;
		return;
	}
	n = strlen(line);
	while (off < n) {
		w = write(fd, line + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += w;
	}
	if (off == n)
		w = write(fd, "\n", 1);
	free(line);
}

/* The control thread: accept until control__close() writes the pipe. */
static void *control__run(void *arg)
{
	struct control *c = arg;
	struct pollfd p[2] = {{.fd = c->fd, .events = POLLIN},
			      {.fd = c->stop_pipe[0], .events = POLLIN}};
	int fd;

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		answer(c, fd);
		close(fd);
	}
	return NULL;
}

int control__serve(struct control *c, control_status_fn status, void *ctx)
{
	char *line;

	if (!c || !atomic_load(&c->want))
		return 0;
	line = status(ctx);
	pthread_mutex_lock(&c->mu);
	if (atomic_load(&c->want) && !c->answered) {
		free(c->line);
		c->line = line;
		line = NULL;
		c->answered = true;
		pthread_cond_signal(&c->ready);
	}
	pthread_mutex_unlock(&c->mu);
	free(line);
	return 1;
}

int control__query(const char *path, char *err, size_t err_len)
{
	struct timeval tv = {.tv_sec = 5};
	struct sockaddr_un sa;
	char buf[4096];
	ssize_t n;
	int fd, ret;

	ret = addr_fill(&sa, path);
	if (ret) {
		snprintf(err, err_len, "control socket %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		ret = -errno;
		snprintf(err, err_len,
			 "cannot reach the daemon at %s: %s (is minerwatch "
			 "running, and are you root?)",
			 path, strerror(-ret));
		close(fd);
		return ret;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stdout);
	ret = n < 0 ? -errno : 0;
	if (ret)
		snprintf(err, err_len, "reading from %s: %s", path,
			 strerror(-ret));
	close(fd);
	return ret;
}

int control__sd_notify(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	int fd, ret = 0;

	if (!path || !*path)
		return 0;
	/* "@name" is an abstract socket; anything else must be absolute. */
	if ((path[0] != '/' && path[0] != '@') ||
	    strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	strcpy(sa.sun_path, path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		   (struct sockaddr *)&sa, len) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

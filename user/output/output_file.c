/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output_file.c - the file sink: append, rotate by size and age, gzip the
 * rotated file.
 *
 * Rotation happens between two records, so no line is split or lost:
 * PATH.(i).gz moves to PATH.(i+1).gz, the oldest beyond `keep` is removed,
 * PATH becomes PATH.1 and a new PATH is opened at once. PATH.1 is then
 * gzipped into PATH.1.gz a slice at a time from output__tick(), so a 100 MiB
 * file never stalls the event loop; a rotation that finds the previous
 * compression unfinished completes it first; one whose compression failed
 * (a full disk) is postponed a minute rather than overwrite PATH.1. fsync
 * policy: fdatasync at most once a second while lines are being written,
 * before every rotation and at close (failures counted: sync_errors); gzip
 * output is fsynced before it is renamed into place. Repeating failures
 * are logged once a minute.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/output_int.h"
#include "util/clock.h"

#define GZ_SLICE_MS 20	      /* compression time per tick */
#define GZ_CHUNK (256u << 10) /* bytes read per gzwrite */
#define SYNC_EVERY_MS 1000

static char *file_sink__name(const char *path, unsigned int i,
			     const char *suffix)
{
	char *p;

	if (asprintf(&p, "%s.%u%s", path, i, suffix) < 0)
		return NULL;
	return p;
}

static int file_sink__reopen(struct out_sink *s)
{
	struct stat st;

	s->fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0)
		return -errno;
	s->size = fstat(s->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	s->opened_ms = clock__now_ms();
	return 0;
}

/* Forget the job: close its input, free its names (files stay as they are). */
static void gz__clear(struct out_gzjob *j)
{
	uint64_t log_ms = j->log_ms;

	if (j->in_fd >= 0)
		close(j->in_fd);
	free(j->src);
	free(j->tmp);
	free(j->dst);
	memset(j, 0, sizeof(*j));
	j->in_fd = -1;
	j->log_ms = log_ms;
}

static void gz__abort(struct out_gzjob *j, const char *what, int err)
{
	/* A full disk fails every try: say it once a minute. */
	if (out_diag__due(&j->log_ms))
		out_diag__log("output file: gzip %s -> %s: %s failed: %s; "
			      "left uncompressed, retried at the next "
			      "rotation",
			      j->src, j->dst, what, strerror(-err));
	if (j->gz)
		gzclose(j->gz);
	unlink(j->tmp);
	gz__clear(j);
}

/* Start gzipping PATH.1 into PATH.1.gz (via a .tmp); 0 or -errno. */
static int gz__start(struct out_sink *s)
{
	struct out_gzjob *j = &s->gz;
	int out_fd;

	j->src = file_sink__name(s->path, 1, "");
	j->dst = file_sink__name(s->path, 1, ".gz");
	j->tmp = file_sink__name(s->path, 1, ".gz.tmp");
	j->in_fd = -1;
	if (!j->src || !j->dst || !j->tmp) {
		gz__abort(j, "start", -ENOMEM);
		return -ENOMEM;
	}
	j->in_fd = open(j->src, O_RDONLY | O_CLOEXEC);
	if (j->in_fd < 0) {
		gz__abort(j, "open", -errno);
		return -EIO;
	}
	out_fd = open(j->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out_fd < 0) {
		gz__abort(j, "create", -errno);
		return -EIO;
	}
	j->gz = gzdopen(out_fd, "wb6");
	if (!j->gz) {
		close(out_fd);
		gz__abort(j, "gzdopen", -ENOMEM);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Compress for at most budget_ms (0: to the end). Returns 1 while work is
 * left, 0 when done or failed.
 */
static int gz__step(struct out_sink *s, uint64_t budget_ms)
{
	struct out_gzjob *j = &s->gz;
	uint64_t until = clock__now_ms() + budget_ms;
	char *buf;
	ssize_t n;
	int fd, err;

	if (!j->src)
		return 0;
	buf = malloc(GZ_CHUNK);
	if (!buf)
		return 1;
	do {
		n = read(j->in_fd, buf, GZ_CHUNK);
		if (n < 0) {
			free(buf);
			gz__abort(j, "read", -errno);
			return 0;
		}
		if (n > 0 && gzwrite(j->gz, buf, n) != n) {
			free(buf);
			gz__abort(j, "gzwrite", -EIO);
			return 0;
		}
	} while (n > 0 && (!budget_ms || clock__now_ms() < until));
	free(buf);
	if (n > 0)
		return 1;

	/* Done: make the .gz durable before it replaces the plain file. */
	if (gzflush(j->gz, Z_FINISH) != Z_OK) {
		gz__abort(j, "gzflush", -EIO);
		return 0;
	}
	fd = open(j->tmp, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	err = gzclose(j->gz);
	j->gz = NULL;
	if (err != Z_OK) {
		gz__abort(j, "gzclose", -EIO);
		return 0;
	}
	if (rename(j->tmp, j->dst) < 0) {
		gz__abort(j, "rename", -errno);
		return 0;
	}
	unlink(j->src);
	gz__clear(j);
	return 0;
}

/* Finish (or, if a crash left one, restart) the compression of PATH.1. */
static void gz__finish(struct out_sink *s)
{
	char *plain = file_sink__name(s->path, 1, "");

	if (!s->gz.src && plain && access(plain, F_OK) == 0)
		gz__start(s);
	free(plain);
	gz__step(s, 0);
}

/* fdatasync, counted and said (once a minute) when it fails. */
static void file_sink__sync(struct out_sink *s)
{
	if (fdatasync(s->fd) == 0)
		return;
	s->sync_errors++;
	if (out_diag__due(&s->file_log_ms))
		out_diag__log("output %s: fdatasync: %s (%llu failures so far)",
			      s->spec, strerror(errno),
			      (unsigned long long)s->sync_errors);
}

/*
 * PATH.1 is still there after gz__finish(): its compression failed (a full
 * disk). Renaming PATH onto it would destroy those lines, so keep
 * appending to PATH and try again in a minute.
 */
static bool file_sink__postpone(struct out_sink *s)
{
	char *plain = file_sink__name(s->path, 1, "");
	bool busy = !plain || access(plain, F_OK) == 0;

	free(plain);
	if (!busy)
		return false;
	s->rotate_next_ms = clock__now_ms() + OUT_LOG_EVERY_MS;
	s->opened_ms = clock__now_ms();
	if (out_diag__due(&s->file_log_ms))
		out_diag__log("output %s: rotation postponed: %s.1 is not "
			      "compressed yet (gzip failed); appending to %s",
			      s->spec, s->path, s->path);
	return true;
}

static int file_sink__rotate(struct out_sink *s)
{
	char *from = NULL, *to = NULL, *plain;
	unsigned int i;
	int err = 0;

	gz__finish(s);
	if (s->keep && file_sink__postpone(s))
		return 0;
	file_sink__sync(s);
	close(s->fd);
	s->fd = -1;
	s->dirty = false;

	if (s->keep == 0) {
		if (unlink(s->path) < 0)
			err = -errno;
		goto reopen;
	}
	for (i = s->keep; i >= 1 && !err; i--) {
		from = file_sink__name(s->path, i, ".gz");
		to = i == s->keep ? NULL
				  : file_sink__name(s->path, i + 1, ".gz");
		if (!from || (i != s->keep && !to))
			err = -ENOMEM;
		else if (i == s->keep && unlink(from) < 0 && errno != ENOENT)
			err = -errno;
		else if (i != s->keep && rename(from, to) < 0 &&
			 errno != ENOENT)
			err = -errno;
		free(from);
		free(to);
	}
	plain = file_sink__name(s->path, 1, "");
	if (!err && (!plain || rename(s->path, plain) < 0))
		err = plain ? -errno : -ENOMEM;
	free(plain);
	if (!err)
		gz__start(s);
reopen:
	if (err) {
		s->errors++;
		out_diag__log(
		    "output %s: rotation failed: %s; appending to the "
		    "current file",
		    s->spec, strerror(-err));
	}
	err = file_sink__reopen(s);
	if (err) {
		s->errors++;
		out_diag__log("output %s: reopen after rotation failed: %s",
			      s->spec, strerror(-err));
	}
	/* Avoid retrying a failing rotation on every line. */
	s->opened_ms = clock__now_ms();
	return err;
}

int file_sink__open(struct out_sink *s, char *err, size_t err_len)
{
	char *plain = file_sink__name(s->path, 1, ""), *gz, *tmp;
	int ret;

	ret = file_sink__reopen(s);
	if (ret) {
		snprintf(err, err_len, "output %s: cannot open %s: %s", s->spec,
			 s->path, strerror(-ret));
		free(plain);
		return ret;
	}
	/* Leftovers of a crash during compression: finish the job. */
	gz = file_sink__name(s->path, 1, ".gz");
	tmp = file_sink__name(s->path, 1, ".gz.tmp");
	if (tmp)
		unlink(tmp);
	if (plain && gz && access(plain, F_OK) == 0) {
		if (access(gz, F_OK) == 0)
			unlink(plain); /* renamed but not yet removed */
		else
			gz__start(s);
	}
	free(plain);
	free(gz);
	free(tmp);
	return 0;
}

/*
 * Called before each record: rotate first if it would push the file past
 * max_size, so a line always lands whole in one file. 0 when the file can
 * take len bytes now.
 */
int file_sink__prepare(struct out_sink *s, size_t len)
{
	uint64_t now = clock__now_ms();
	int err;

	if (s->fd < 0) {
		if (now < s->next_try_ms)
			return -EAGAIN;
		err = file_sink__reopen(s);
		if (err) {
			s->next_try_ms = now + OUT_BACKOFF_MAX_MS;
			return err;
		}
	}
	if (s->size && s->max_size && s->size + len > s->max_size &&
	    now >= s->rotate_next_ms)
		return file_sink__rotate(s);
	return 0;
}

/* The file can take bytes now, or its reopen is due (file_sink__prepare()). */
bool file_sink__ready(struct out_sink *s, uint64_t now)
{
	return s->fd >= 0 || now >= s->next_try_ms;
}

ssize_t file_sink__send(struct out_sink *s, const void *buf, size_t len)
{
	ssize_t n = write(s->fd, buf, len);

	if (n < 0)
		return -errno;
	s->size += n;
	s->dirty = true;
	return n;
}

/*
 * A write failed (err is a negative errno): close the file and reopen it
 * after a backoff, keeping the part of the record already written.
 */
void file_sink__fail(struct out_sink *s, int err, const char *what)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	out_diag__down(s, err, what);
}

void file_sink__tick(struct out_sink *s, uint64_t now)
{
	if (s->fd >= 0 && s->size && s->max_age_ms &&
	    now - s->opened_ms >= s->max_age_ms && now >= s->rotate_next_ms)
		file_sink__rotate(s);
	if (s->fd >= 0 && s->dirty && now - s->last_sync_ms >= SYNC_EVERY_MS) {
		file_sink__sync(s);
		s->dirty = false;
		s->last_sync_ms = now;
	}
	gz__step(s, GZ_SLICE_MS);
}

void file_sink__close(struct out_sink *s)
{
	gz__step(s, 0);
	if (s->fd >= 0) {
		file_sink__sync(s);
		close(s->fd);
	}
	s->fd = -1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * quarantine.c - the respond stage's quarantine of a judged executable and
 * its restore (see quarantine.h).
 *
 * Order matters: the file's identity is checked (the path must still name
 * the inode the content worker judged), then the file goes into the
 * quarantine directory by rename (same file system) or copy, the manifest
 * is written, and only then is the original path removed. When the
 * removal fails (read-only file system, a mount point, ...) the copy is
 * undone and the reason reported: nothing is left half-done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "model/hash.h"
#include "respond/quarantine.h"

static const char *qdir(const struct quarantine_opts *o)
{
	return o && o->dir ? o->dir : QUARANTINE_DEFAULT_DIR;
}

/* mkdir -p with 0700 for what we create; the leaf must be root-only. */
static int dir_make(const char *dir)
{
	char tmp[PATH_MAX], *p;
	struct stat st;

	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0700) && errno != EEXIST)
		return -errno;
	if (lstat(tmp, &st) || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* Someone else's directory could take or swap what we put there. */
	if (st.st_uid != geteuid())
		return -EPERM;
	if (st.st_mode & 077)
		return chmod(tmp, 0700) ? -errno : 0;
	return 0;
}

static int copy_fd(int in, int out)
{
	char buf[65536];
	ssize_t n, w, off;

	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (off = 0; off < n; off += w) {
			w = write(out, buf + off, n - off);
			if (w < 0)
				return -errno;
		}
	}
	return fsync(out) ? -errno : 0;
}

/* Copy src to a new file dst (mode 0000); 0 or -errno, dst gone then. */
static int copy_file(const char *src, const char *dst)
{
	int in, out, ret;

	in = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0000);
	if (out < 0) {
		ret = -errno;
		close(in);
		return ret;
	}
	ret = copy_fd(in, out);
	close(in);
	close(out);
	if (ret)
		unlink(dst);
	return ret;
}

static int64_t ts_ns(struct timespec t)
{
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int manifest_write(const struct quarantine_req *q,
			  const struct quarantine_result *r,
			  const struct stat *st)
{
	char mode[8];
	json_t *m;
	int ret;

	snprintf(mode, sizeof(mode), "%04o", st->st_mode & 07777);
	m = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:i,s:i,s:s,s:I,s:I,s:I,s:I}",
		      "id", r->id, "original_path", q->path, "stored",
		      r->stored, "sha256", q->sha256 ? q->sha256 : "",
		      "rule_id", q->rule_id ? q->rule_id : "", "size",
		      (json_int_t)st->st_size, "uid", (int)st->st_uid, "gid",
		      (int)st->st_gid, "mode", mode, "atime_ns",
		      (json_int_t)ts_ns(st->st_atim), "mtime_ns",
		      (json_int_t)ts_ns(st->st_mtim), "ctime_ns",
		      (json_int_t)ts_ns(st->st_ctim), "quarantined_at",
		      (json_int_t)time(NULL));
	if (!m)
		return -ENOMEM;
	ret = json_dump_file(m, r->manifest, JSON_INDENT(2)) ? -EIO : 0;
	json_decref(m);
	if (!ret && chmod(r->manifest, 0600))
		ret = -errno;
	return ret;
}

static void make_id(const struct quarantine_req *q, char *id, size_t len)
{
	struct tm tm;
	time_t now = time(NULL);
	char ts[32];

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(id, len, "%s-%.12s-%llu", ts,
		 q->sha256 && q->sha256[0] ? q->sha256 : "nohash",
		 (unsigned long long)q->ino);
}

static bool same_file(const struct quarantine_req *q, const struct stat *st)
{
	return st->st_ino == q->ino && major(st->st_dev) == (q->dev >> 20) &&
	       minor(st->st_dev) == (q->dev & 0xfffff);
}

static int why(struct quarantine_result *r, int err, const char *what)
{
	snprintf(r->why, sizeof(r->why), "%s%s%s", what, err ? ": " : "",
		 err ? strerror(-err) : "");
	return err ? err : -EPERM;
}

/* Is the file one we may move: regular, still the judged one, in scope. */
static int check(const struct quarantine_opts *o,
		 const struct quarantine_req *q, struct stat *st,
		 struct quarantine_result *r)
{
	size_t n = o && o->only_under ? strlen(o->only_under) : 0;

	while (n > 1 && o->only_under[n - 1] == '/')
		n--; /* "/srv/" is "/srv" */

	if (!q->path || q->path[0] != '/')
		return why(r, 0, "no path to the file (memfd or deleted)");
	if (n && (strncmp(q->path, o->only_under, n) || q->path[n] != '/'))
		return why(r, 0,
			   "outside the quarantine scope "
			   "(--quarantine-under)");
	if (lstat(q->path, st))
		return why(r, -errno, "file is gone");
	if (!S_ISREG(st->st_mode))
		return why(r, 0, "not a regular file");
	if (!same_file(q, st))
		return why(r, 0, "the path names another file now");
	return 0;
}

int quarantine__file(const struct quarantine_opts *o,
		     const struct quarantine_req *q,
		     struct quarantine_result *r)
{
	bool renamed = false;
	struct stat st;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = check(o, q, &st, r);
	if (ret)
		return ret;
	ret = dir_make(qdir(o));
	if (ret)
		return why(r, ret, "quarantine directory");
	make_id(q, r->id, sizeof(r->id));
	snprintf(r->stored, sizeof(r->stored), "%s/%s.bin", qdir(o), r->id);
	snprintf(r->manifest, sizeof(r->manifest), "%s/%s.json", qdir(o),
		 r->id);
	/*
	 * Another name still links the inode: copy, so that name keeps its
	 * mode (the kernel's deny by inode stops it running anyway).
	 */
	if (st.st_nlink == 1 && rename(q->path, r->stored) == 0) {
		renamed = true;
	} else if (st.st_nlink == 1 && errno != EXDEV) {
		return why(r, -errno, "cannot move the file");
	} else {
		ret = copy_file(q->path, r->stored);
		if (ret)
			return why(r, ret, "cannot copy the file");
	}
	chmod(r->stored, 0000);
	ret = manifest_write(q, r, &st);
	if (!ret && !renamed && unlink(q->path))
		ret = -errno;
	if (ret) {
		/* Undo: the original stays where it was. */
		if (renamed && rename(r->stored, q->path) == 0)
			chmod(q->path, st.st_mode & 07777);
		else
			unlink(r->stored);
		unlink(r->manifest);
		return why(r, ret, "cannot remove the original");
	}
	return 0;
}

/* --- restore ------------------------------------------------------------- */

static bool id_ok(const char *id)
{
	size_t i, n = strlen(id);

	if (!n || n > 60)
		return false;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= 'A' && id[i] <= 'Z') || id[i] == '-'))
			return false;
	return true;
}

static struct timespec ns_ts(json_int_t ns)
{
	struct timespec t = {.tv_sec = ns / 1000000000LL,
			     .tv_nsec = ns % 1000000000LL};

	return t;
}

/* Owner, mode and times from the manifest onto the restored file. */
static int attrs_set(const char *path, json_t *m)
{
	struct timespec times[2];
	unsigned long mode;

	mode = strtoul(json_string_value(json_object_get(m, "mode")), NULL, 8);
	if (chown(path, json_integer_value(json_object_get(m, "uid")),
		  json_integer_value(json_object_get(m, "gid"))) ||
	    chmod(path, mode & 07777))
		return -errno;
	times[0] = ns_ts(json_integer_value(json_object_get(m, "atime_ns")));
	times[1] = ns_ts(json_integer_value(json_object_get(m, "mtime_ns")));
	return utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW) ? -errno
								     : 0;
}

static int put_back(const char *stored, const char *path)
{
	if (rename(stored, path) == 0)
		return 0;
	if (errno != EXDEV)
		return -errno;
	return copy_file(stored, path);
}

/* The restored file's digest against the manifest's. */
static int digest_ok(const char *path, json_t *m)
{
	const char *want = json_string_value(json_object_get(m, "sha256"));
	char hex[MW_SHA256_HEX];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (hash__file(fd, hex))
		return -EIO;
	return !want || !want[0] || strcmp(want, hex) == 0 ? 0 : -EBADMSG;
}

int quarantine__restore(const char *dir, const char *id, char *msg, size_t len)
{
	char manifest[PATH_MAX], stored[PATH_MAX];
	const char *path;
	json_error_t je;
	json_t *m;
	int ret;

	dir = dir ? dir : QUARANTINE_DEFAULT_DIR;
	if (!id_ok(id)) {
		snprintf(msg, len, "'%s' is not a quarantine id", id);
		return -EINVAL;
	}
	snprintf(manifest, sizeof(manifest), "%s/%s.json", dir, id);
	snprintf(stored, sizeof(stored), "%s/%s.bin", dir, id);
	m = json_load_file(manifest, 0, &je);
	path =
	    m ? json_string_value(json_object_get(m, "original_path")) : NULL;
	if (!path || path[0] != '/' ||
	    !json_is_string(json_object_get(m, "mode"))) {
		snprintf(msg, len, "%s: %s", manifest,
			 m ? "no original_path or mode" : je.text);
		json_decref(m);
		return -EINVAL;
	}
	if (access(path, F_OK) == 0) {
		snprintf(msg, len, "%s exists: not overwritten", path);
		json_decref(m);
		return -EEXIST;
	}
	ret = put_back(stored, path);
	if (!ret)
		ret = attrs_set(path, m);
	if (!ret)
		ret = digest_ok(path, m);
	if (ret) {
		snprintf(msg, len, "restoring %s to %s: %s", id, path,
			 strerror(-ret));
	} else {
		unlink(stored);
		unlink(manifest);
		snprintf(msg, len, "restored %s to %s", id, path);
	}
	json_decref(m);
	return ret;
}

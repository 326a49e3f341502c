// SPDX-License-Identifier: GPL-2.0-only
/*
 * uring_file - change a file through io_uring only (liburing), the way an
 * attacker avoids the syscall tracepoints:
 *
 *   uring_file write     PATH TEXT  OPENAT(O_WRONLY|O_CREAT|O_TRUNC) + WRITE
 *   uring_file rename    OLD NEW    RENAMEAT
 *   uring_file unlink    PATH       UNLINKAT
 *   uring_file ftruncate PATH LEN   OPENAT(O_WRONLY) + FTRUNCATE (6.9+)
 *   uring_file skipwrite PATH TEXT  OPENAT(O_WRONLY|O_CREAT|O_APPEND) with
 *                                   IOSQE_CQE_SKIP_SUCCESS (no completion:
 *                                   the fd is guessed) + write(2)
 *   uring_file skipunlink PATH      UNLINKAT with IOSQE_CQE_SKIP_SUCCESS
 *   uring_file link      OLD NEW    LINKAT (a hard link)
 *   uring_file symlink   TARGET NEW SYMLINKAT (NEW points to TARGET)
 *   uring_file fdwrites  READY GO TEXT FIXED SKIP SKIPFIXED
 *                                   open(2) the three files for appending,
 *                                   create READY, wait for GO (30 s at most),
 *                                   then write TEXT through io_uring only:
 *                                   to FIXED as a registered file
 *                                   (IOSQE_FIXED_FILE), to SKIP by fd with
 *                                   IOSQE_CQE_SKIP_SUCCESS, to SKIPFIXED as
 *                                   a registered file with both flags
 *
 * No syscall opens, writes, renames or unlinks the file: only the
 * io_uring tracepoints can see these. Exit 0 on success, 3 when the
 * kernel does not have the operation (EINVAL/EOPNOTSUPP), 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OP_FTRUNCATE 55 /* IORING_OP_FTRUNCATE, newer than liburing 2.3 */

static struct io_uring ring;

/* Submit the prepared SQE, wait, return its result (or -errno). */
static int run(void)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_submit(&ring);

	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&ring, &cqe);
	if (ret < 0)
		return ret;
	ret = cqe->res;
	io_uring_cqe_seen(&ring, cqe);
	return ret;
}

static int uring_open(const char *path, int flags)
{
	io_uring_prep_openat(io_uring_get_sqe(&ring), AT_FDCWD, path, flags,
			     0644);
	return run();
}

static int do_write(const char *path, const char *text)
{
	int fd = uring_open(path, O_WRONLY | O_CREAT | O_TRUNC), n;

	if (fd < 0)
		return fd;
	io_uring_prep_write(io_uring_get_sqe(&ring), fd, text, strlen(text), 0);
	n = run();
	close(fd);
	return n < 0 ? n : 0;
}

static int do_ftruncate(const char *path, long len)
{
	int fd = uring_open(path, O_WRONLY), ret;

	if (fd < 0)
		return fd;
	io_uring_prep_rw(OP_FTRUNCATE, io_uring_get_sqe(&ring), fd, NULL, 0,
			 len);
	ret = run();
	close(fd);
	return ret;
}

/*
 * Submit the prepared SQE with IOSQE_CQE_SKIP_SUCCESS: success posts no
 * completion, so wait for done() instead (bounded: 2 s).
 */
static int run_skip(struct io_uring_sqe *sqe, int (*done)(const char *),
		    const char *arg)
{
	int i, ret;

	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	ret = io_uring_submit(&ring);
	if (ret < 0)
		return ret;
	for (i = 0; i < 200; i++) {
		if (done(arg))
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

static int fd_open(const char *fd)
{
	return fcntl(atoi(fd), F_GETFD) >= 0;
}

static int gone(const char *path)
{
	return access(path, F_OK) != 0;
}

static int do_skipwrite(const char *path, const char *text)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	int guess = dup(0), ret; /* the lowest free fd: the open's */
	char fd[16];

	close(guess);
	snprintf(fd, sizeof(fd), "%d", guess);
	io_uring_prep_openat(sqe, AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND,
			     0644);
	ret = run_skip(sqe, fd_open, fd);
	if (ret < 0)
		return ret;
	if (write(guess, text, strlen(text)) < 0)
		return -errno;
	close(guess);
	return 0;
}

/* Has fd grown past size? (bounded wait for a write with no completion) */
static int grown(int fd, off_t size)
{
	struct stat st;
	int i;

	for (i = 0; i < 200; i++) {
		if (fstat(fd, &st) == 0 && st.st_size > size)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

/* Write text through fd (a registered slot with fixed), maybe no CQE. */
static int uring_fd_write(int fd, int fixed, int skip, int real_fd,
			  const char *text)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct stat st;
	int ret;

	if (fstat(real_fd, &st))
		return -errno;
	io_uring_prep_write(sqe, fd, text, strlen(text), 0);
	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	if (!skip)
		return run() < 0 ? -EIO : 0;
	sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	ret = io_uring_submit(&ring);
	if (ret < 0)
		return ret;
	return grown(real_fd, st.st_size);
}

/*
 * Descriptors opened before the daemon started: only the io_uring writes
 * themselves can be seen (fd 0..2 of argv[5..7] are slots 0..2).
 */
static int do_fdwrites(char **argv)
{
	int fds[3], i, ret;

	for (i = 0; i < 3; i++) {
		fds[i] = open(argv[5 + i], O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fds[i] < 0)
			return -errno;
	}
	ret = io_uring_register_files(&ring, fds, 3);
	if (ret < 0)
		return ret;
	close(open(argv[2], O_WRONLY | O_CREAT, 0644));
	for (i = 0; i < 3000 && access(argv[3], F_OK); i++)
		usleep(10000);
	if (i == 3000)
		return -ETIMEDOUT;
	ret = uring_fd_write(0, 1, 0, fds[0], argv[4]);
	if (!ret)
		ret = uring_fd_write(fds[1], 0, 1, fds[1], argv[4]);
	if (!ret)
		ret = uring_fd_write(2, 1, 1, fds[2], argv[4]);
	return ret;
}

int main(int argc, char **argv)
{
	int ret;

	if (argc < 3) {
		fprintf(stderr, "usage: uring_file write|rename|unlink|"
				"ftruncate ARGS\n");
		return 2;
	}
	ret = io_uring_queue_init(8, &ring, 0);
	if (ret < 0) {
		fprintf(stderr, "io_uring_queue_init: %s\n", strerror(-ret));
		return 3;
	}
	if (!strcmp(argv[1], "write") && argc == 4) {
		ret = do_write(argv[2], argv[3]);
	} else if (!strcmp(argv[1], "rename") && argc == 4) {
		io_uring_prep_renameat(io_uring_get_sqe(&ring), AT_FDCWD,
				       argv[2], AT_FDCWD, argv[3], 0);
		ret = run();
	} else if (!strcmp(argv[1], "unlink") && argc == 3) {
		io_uring_prep_unlinkat(io_uring_get_sqe(&ring), AT_FDCWD,
				       argv[2], 0);
		ret = run();
	} else if (!strcmp(argv[1], "skipwrite") && argc == 4) {
		ret = do_skipwrite(argv[2], argv[3]);
	} else if (!strcmp(argv[1], "skipunlink") && argc == 3) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		io_uring_prep_unlinkat(sqe, AT_FDCWD, argv[2], 0);
		ret = run_skip(sqe, gone, argv[2]);
	} else if (!strcmp(argv[1], "link") && argc == 4) {
		io_uring_prep_linkat(io_uring_get_sqe(&ring), AT_FDCWD,
				     argv[2], AT_FDCWD, argv[3], 0);
		ret = run();
	} else if (!strcmp(argv[1], "symlink") && argc == 4) {
		io_uring_prep_symlinkat(io_uring_get_sqe(&ring), argv[2],
					AT_FDCWD, argv[3]);
		ret = run();
	} else if (!strcmp(argv[1], "fdwrites") && argc == 8) {
		ret = do_fdwrites(argv);
	} else if (!strcmp(argv[1], "ftruncate") && argc == 4) {
		ret = do_ftruncate(argv[2], strtol(argv[3], NULL, 10));
	} else {
		fprintf(stderr, "uring_file: bad arguments\n");
		return 2;
	}
	io_uring_queue_exit(&ring);
	if (ret < 0) {
		fprintf(stderr, "uring_file %s: %s\n", argv[1], strerror(-ret));
		return ret == -EINVAL || ret == -EOPNOTSUPP ? 3 : 1;
	}
	return 0;
}

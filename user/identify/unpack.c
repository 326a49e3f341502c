// SPDX-License-Identifier: GPL-2.0-only
/*
 * unpack.c - the identify stage: the running image of a packed program
 * (see unpack.h). Runs on a content worker, never on the loop.
 *
 * The UPX stub maps anonymous memory writable and executable, decompresses
 * the program into it, then gives each segment its own protection and
 * jumps to the program (some stubs leave their own small writable and
 * executable scratch mapping behind). So "an anonymous mapping is
 * executable and not writable, and the mappings stopped changing" says
 * the stub is done. The image is read through /proc/PID/mem (root may read
 * any process's memory) after checking that pid still runs the same file,
 * so a reused pid is never scanned as if it were the packed program.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "identify/unpack.h"
#include "util/clock.h"

#define MAX_REGIONS 64
#define POLL_NS (10 * 1000000L)

struct region {
	uint64_t start, end;
	bool readable, anon_rx;
};

bool unpack__is_upx(const unsigned char *buf, size_t len)
{
	size_t n = len < 1024 ? len : 1024;

	return len > 64 && !memcmp(buf, "\177ELF", 4) &&
	       memmem(buf, n, "UPX!", 4) != NULL;
}

/* pid still runs st's file (not a reused pid, not a new exec). */
static bool same_exe(uint32_t pid, const struct stat *st)
{
	char path[64];
	struct stat now;

	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	return stat(path, &now) == 0 && now.st_ino == st->st_ino &&
	       now.st_dev == st->st_dev;
}

/*
 * The image's mappings: from the first line of maps up to the first one
 * that names something else (a library, [heap], [stack], [vdso]).
 */
static int regions(uint32_t pid, const struct stat *st, struct region *r,
		   int *n)
{
	char path[64], line[512], perms[8];
	unsigned long long a, b, ino;
	FILE *f;
	int used;

	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	f = fopen(path, "re");
	if (!f)
		return -ESRCH;
	*n = 0;
	while (*n < MAX_REGIONS && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s %*x %*x:%*x %llu %n", &a, &b,
			   perms, &ino, &used) < 4)
			break;
		if (line[used] && line[used] != '\n' && ino != st->st_ino)
			break;
		r[*n] = (struct region){.start = a,
					.end = b,
					.readable = perms[0] == 'r',
					.anon_rx = !ino && perms[1] != 'w' &&
						   perms[2] == 'x'};
		(*n)++;
	}
	fclose(f);
	return *n ? 0 : -ESRCH;
}

static bool same_regions(const struct region *a, int na,
			 const struct region *b, int nb)
{
	int i;

	for (i = 0; na == nb && i < na; i++)
		if (a[i].start != b[i].start || a[i].end != b[i].end ||
		    a[i].readable != b[i].readable ||
		    a[i].anon_rx != b[i].anon_rx)
			return false;
	return na == nb;
}

/* Wait for the stub to finish: 0, or -ESRCH / -ETIMEDOUT with why. */
static int unpacked(uint32_t pid, const struct stat *st, struct region *r,
		    int *n, const char **why)
{
	uint64_t end = clock__boot_ns() + UNPACK_WAIT_MS * 1000000ULL;
	struct timespec pause = {0, POLL_NS};
	struct region prev[MAX_REGIONS];
	int n_prev = -1, i;
	bool rx;

	for (;;) {
		if (!same_exe(pid, st) || regions(pid, st, r, n)) {
			*why = "process gone before its image was read";
			return -ESRCH;
		}
		for (rx = false, i = 0; i < *n; i++)
			rx |= r[i].anon_rx;
		if (rx && same_regions(r, *n, prev, n_prev))
			return 0;
		if (clock__boot_ns() > end) {
			*why = "image not unpacked (no stable executable, "
			       "read-only mapping) within the wait";
			return -ETIMEDOUT;
		}
		memcpy(prev, r, *n * sizeof(*r));
		n_prev = *n;
		nanosleep(&pause, NULL);
	}
}

static int grow(struct unpack_buf *ub, size_t want)
{
	unsigned char *b;

	if (want <= ub->cap)
		return 0;
	b = realloc(ub->buf, want);
	if (!b)
		return -ENOMEM;
	ub->buf = b;
	ub->cap = want;
	return 0;
}

/* Copy the readable regions, in order, into ub (unreadable pages: 0). */
static int copy(uint32_t pid, const struct region *r, int n, uint64_t max,
		struct unpack_buf *ub, size_t *len, const char **why)
{
	char path[64];
	size_t want = 0, at = 0, sz;
	ssize_t got;
	int fd, i;

	for (i = 0; i < n; i++)
		want += r[i].readable ? r[i].end - r[i].start : 0;
	want = want > max ? max : want;
	if (grow(ub, want ? want : 1)) {
		*why = "out of memory for the image";
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "/proc/%u/mem", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "process memory cannot be read";
		return -errno;
	}
	for (i = 0; i < n && at < want; i++) {
		if (!r[i].readable)
			continue;
		sz = r[i].end - r[i].start;
		sz = sz > want - at ? want - at : sz;
		got = pread(fd, ub->buf + at, sz, (off_t)r[i].start);
		if (got < (ssize_t)sz)
			memset(ub->buf + at + (got > 0 ? got : 0), 0,
			       sz - (got > 0 ? got : 0));
		at += sz;
	}
	close(fd);
	*len = at;
	return 0;
}

int unpack__image(uint32_t pid, const struct stat *st, uint64_t max,
		  struct unpack_buf *ub, size_t *len, const char **why)
{
	struct region r[MAX_REGIONS];
	int n = 0, ret;

	ret = unpacked(pid, st, r, &n, why);
	if (ret)
		return ret;
	return copy(pid, r, n, max, ub, len, why);
}

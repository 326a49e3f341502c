/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output_queue.c - the lines one sink has not delivered yet.
 *
 * Newest lines sit in memory; when memory is full its oldest lines spill to
 * an append-only spool file, so delivery order is always spool, then memory.
 * When the spool is full too, the lowest-severity line anywhere (memory,
 * disk or the incoming one) is dropped first and counted: telemetry goes
 * before alerts.
 *
 * Spool file layout: a 16-byte header ("MWSPOOL1", then the u64 offset of
 * the first undelivered record) followed by records of an 8-byte header
 * (u32 length, u8 severity, 3 bytes zero) and the framed bytes. The read
 * offset is written back once a tick, so a spool left by a crash or by a
 * shutdown with the sink down is replayed by the next run; after a crash at
 * most about a second of replayed lines may be delivered twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/output_int.h"

#define SPOOL_MAGIC "MWSPOOL1"
#define SPOOL_HDR 16u
#define REC_HDR 8u
#define REC_MAX (16u << 20) /* sanity bound when reading a spool back */

/* Memory's counters for r coming in (sign 1) or going out (-1). */
static void mem__account(struct out_queue *q, const struct out_rec *r, int sign)
{
	q->mem_bytes += sign * (int64_t)(r->len + sizeof(*r));
	q->mem_count += sign;
	q->mem_hist[r->sev] += sign;
}

static void mem__append(struct out_queue *q, struct out_rec *r)
{
	r->next = NULL;
	r->prev = q->tail;
	if (q->tail)
		q->tail->next = r;
	else
		q->head = r;
	q->tail = r;
	mem__account(q, r, 1);
}

static void mem__prepend(struct out_queue *q, struct out_rec *r)
{
	r->prev = NULL;
	r->next = q->head;
	if (q->head)
		q->head->prev = r;
	else
		q->tail = r;
	q->head = r;
	mem__account(q, r, 1);
}

static void mem__unlink(struct out_queue *q, struct out_rec *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		q->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		q->tail = r->prev;
	mem__account(q, r, -1);
}

/* Lowest severity with a record in hist, OUT_SEV_LEVELS if none. */
static int hist__min(const uint64_t *hist)
{
	int i;

	for (i = 0; i < OUT_SEV_LEVELS; i++)
		if (hist[i])
			return i;
	return OUT_SEV_LEVELS;
}

static int spool__write_hdr(struct out_queue *q, int fd, uint64_t rd)
{
	char hdr[SPOOL_HDR];

	memcpy(hdr, SPOOL_MAGIC, 8);
	memcpy(hdr + 8, &rd, 8);
	if (pwrite(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return errno ? -errno : -EIO;
	return 0;
}

/* Empty the spool file; the caller has counted its records out. */
static void spool__start_over(struct out_queue *q)
{
	q->rd = q->wr = SPOOL_HDR;
	if (ftruncate(q->spool_fd, SPOOL_HDR) == 0)
		spool__write_hdr(q, q->spool_fd, SPOOL_HDR);
}

/* Count a spool failure; say so at most once a minute (a full disk). */
static void spool__fail(struct out_queue *q, const char *what, int err)
{
	q->errors++;
	if (err == -ENOSPC || err == -EDQUOT)
		q->nospace++;
	q->fails_unsaid++;
	if (!out_diag__due(&q->log_ms))
		return;
	out_diag__log("output %s: spool %s: %s failed: %s (%llu failures "
		      "since the last message)",
		      q->name, q->spool_path, what, strerror(-err),
		      (unsigned long long)q->fails_unsaid);
	q->fails_unsaid = 0;
}

/*
 * Read back a spool left by an earlier run: trust the header's read offset,
 * count the records after it, cut a torn record at the end.
 */
static int spool__scan(struct out_queue *q, uint64_t size)
{
	char hdr[SPOOL_HDR], rh[REC_HDR];
	uint64_t rd, off;
	uint32_t len;

	if (pread(q->spool_fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr) ||
	    memcmp(hdr, SPOOL_MAGIC, 8)) {
		out_diag__log(
		    "output %s: spool %s has no valid header, starting "
		    "it over",
		    q->name, q->spool_path);
		goto reset;
	}
	memcpy(&rd, hdr + 8, 8);
	if (rd < SPOOL_HDR || rd > size)
		goto reset;
	for (off = rd; off + REC_HDR <= size; off += REC_HDR + len) {
		if (pread(q->spool_fd, rh, REC_HDR, off) != REC_HDR)
			break;
		memcpy(&len, rh, 4);
		if (len > REC_MAX || (uint8_t)rh[4] >= OUT_SEV_LEVELS ||
		    off + REC_HDR + len > size)
			break;
		q->sp_cnt[(uint8_t)rh[4]]++;
		q->sp_bytes[(uint8_t)rh[4]] += REC_HDR + len;
		q->sp_count++;
	}
	if (off != size && ftruncate(q->spool_fd, off) < 0)
		return -errno;
	q->rd = q->rd_synced = rd;
	q->wr = off;
	if (q->sp_count)
		out_diag__log("output %s: replaying %llu spooled lines from %s",
			      q->name, (unsigned long long)q->sp_count,
			      q->spool_path);
	return 0;
reset:
	if (ftruncate(q->spool_fd, 0) < 0)
		return -errno;
	size = 0;
	q->rd = q->wr = q->rd_synced = SPOOL_HDR;
	return spool__write_hdr(q, q->spool_fd, SPOOL_HDR);
}

/* Open (and create) the spool on first use; 0 when it can take records. */
static int spool__ensure(struct out_queue *q)
{
	char *dir;
	struct stat st;
	int err;

	if (q->spool_fd >= 0)
		return 0;
	if (!q->spool_path || q->spool_broken)
		return -ENOSPC;

	dir = strdup(q->spool_path);
	if (!dir)
		return -ENOMEM;
	/* Only the last component is created: the parent is the admin's. */
	if (mkdir(dirname(dir), 0700) < 0 && errno != EEXIST) {
		err = -errno;
		free(dir);
		goto fail_mkdir;
	}
	free(dir);

	q->spool_fd = open(q->spool_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (q->spool_fd < 0) {
		err = -errno;
		goto fail_open;
	}
	if (fstat(q->spool_fd, &st) < 0) {
		err = -errno;
		goto fail_io;
	}
	if (st.st_size == 0) {
		q->rd = q->wr = q->rd_synced = SPOOL_HDR;
		err = spool__write_hdr(q, q->spool_fd, SPOOL_HDR);
	} else {
		err = spool__scan(q, st.st_size);
	}
	if (err)
		goto fail_io;
	return 0;

fail_io:
	close(q->spool_fd);
	q->spool_fd = -1;
fail_open:
fail_mkdir:
	q->spool_broken = true;
	spool__fail(q, "open", err);
	return err;
}

static void spool__account(uint64_t *cnt, uint64_t *bytes, uint8_t sev,
			   uint32_t len, int sign)
{
	cnt[sev] += sign;
	bytes[sev] += sign * (int64_t)(REC_HDR + len);
}

static int spool__put(int fd, uint64_t off, const struct out_rec *r)
{
	char rh[REC_HDR] = {0};
	ssize_t n;

	memcpy(rh, &r->len, 4);
	rh[4] = r->sev;
	n = pwrite(fd, rh, REC_HDR, off);
	if (n == REC_HDR)
		n = pwrite(fd, r->data, r->len, off + REC_HDR);
	else if (n >= 0)
		return -ENOSPC; /* a short write: the disk filled up */
	if (n < 0)
		return -errno;
	return (size_t)n == r->len ? 0 : -ENOSPC;
}

/* Copy the record at off (header rh, len bytes) to offset out of fd. */
static int spool__copy(struct out_queue *q, int fd, uint64_t off, uint64_t out,
		       const char *rh, uint32_t len)
{
	char buf[65536];
	uint32_t done;
	ssize_t n;

	if (pwrite(fd, rh, REC_HDR, out) != REC_HDR)
		return errno == ENOSPC || errno == EDQUOT ? -errno : -EIO;
	for (done = 0; done < len; done += n) {
		n = pread(q->spool_fd, buf,
			  len - done < sizeof(buf) ? len - done : sizeof(buf),
			  off + REC_HDR + done);
		if (n <= 0)
			return -EIO;
		errno = ENOSPC; /* a short write sets no errno */
		if (pwrite(fd, buf, n, out + REC_HDR + done) != n)
			return errno == EDQUOT ? -EDQUOT
			       : errno == ENOSPC ? -ENOSPC
						 : -EIO;
	}
	return 0;
}

/*
 * Write the live records to a fresh file, leaving out those with severity
 * below `below` and the oldest of severity `below` up to `trim` bytes
 * (counted as dropped), putting `first` (if any) in front, then swap it
 * in. This also reclaims the space of delivered records.
 */
static int spool__rewrite(struct out_queue *q, int below, uint64_t trim,
			  const struct out_rec *first)
{
	uint64_t cnt[OUT_SEV_LEVELS] = {0}, bytes[OUT_SEV_LEVELS] = {0};
	uint64_t off, out = SPOOL_HDR, count = 0, dropped = 0;
	char rh[REC_HDR], *tmp;
	uint32_t len;
	int fd, err;

	if (asprintf(&tmp, "%s.tmp", q->spool_path) < 0)
		return -ENOMEM;
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out_free;
	}
	err = spool__write_hdr(q, fd, SPOOL_HDR);
	if (!err && first) {
		err = spool__put(fd, out, first);
		spool__account(cnt, bytes, first->sev, first->len, 1);
		out += REC_HDR + first->len;
		count++;
	}
	for (off = q->rd; !err && off < q->wr; off += REC_HDR + len) {
		if (pread(q->spool_fd, rh, REC_HDR, off) != REC_HDR) {
			err = -EIO;
			break;
		}
		memcpy(&len, rh, 4);
		if ((uint8_t)rh[4] < below ||
		    ((uint8_t)rh[4] == below && trim)) {
			if ((uint8_t)rh[4] == below)
				trim = trim > REC_HDR + len
					   ? trim - REC_HDR - len
					   : 0;
			dropped++;
			continue;
		}
		err = spool__copy(q, fd, off, out, rh, len);
		if (err)
			break;
		spool__account(cnt, bytes, rh[4], len, 1);
		out += REC_HDR + len;
		count++;
	}
	if (!err && rename(tmp, q->spool_path) < 0)
		err = -errno;
	if (err) {
		close(fd);
		unlink(tmp);
		spool__fail(q, "rewrite", err);
		goto out_free;
	}
	close(q->spool_fd);
	q->spool_fd = fd;
	q->rd = q->rd_synced = SPOOL_HDR;
	q->wr = out;
	q->sp_count = count;
	memcpy(q->sp_cnt, cnt, sizeof(cnt));
	memcpy(q->sp_bytes, bytes, sizeof(bytes));
	q->dropped += dropped;
out_free:
	free(tmp);
	return err;
}

/* Append one record; -ENOSPC when the bound (or a broken spool) says no. */
static int spool__append(struct out_queue *q, const struct out_rec *r)
{
	uint64_t need = REC_HDR + r->len;
	int err;

	err = spool__ensure(q);
	if (err)
		return err;
	if (q->wr - SPOOL_HDR + need > q->spool_max) {
		/* Delivered records still occupy the front: reclaim them. */
		if (q->wr - q->rd + need > q->spool_max || q->rd == SPOOL_HDR)
			return -ENOSPC;
		err = spool__rewrite(q, 0, 0, NULL);
		if (err)
			return err;
	}
	err = spool__put(q->spool_fd, q->wr, r);
	if (err) {
		/* The tail may hold a torn record: cut it off again. */
		if (ftruncate(q->spool_fd, q->wr) < 0)
			q->spool_broken = true;
		spool__fail(q, "write", err);
		return err;
	}
	q->wr += need;
	q->sp_count++;
	spool__account(q->sp_cnt, q->sp_bytes, r->sev, r->len, 1);
	q->spooled++;
	return 0;
}

static int spool__pop(struct out_queue *q, struct out_rec **rp)
{
	char rh[REC_HDR];
	struct out_rec *r;
	uint32_t len;

	if (pread(q->spool_fd, rh, REC_HDR, q->rd) != REC_HDR)
		return -EIO;
	memcpy(&len, rh, 4);
	r = malloc(sizeof(*r) + len);
	if (!r)
		return -ENOMEM;
	if (pread(q->spool_fd, r->data, len, q->rd + REC_HDR) != len) {
		free(r);
		return -EIO;
	}
	r->len = len;
	r->sev = rh[4];
	q->rd += REC_HDR + len;
	q->sp_count--;
	spool__account(q->sp_cnt, q->sp_bytes, r->sev, len, -1);
	if (!q->sp_count) {
		/* Drained: start the file over so it never grows unbounded. */
		spool__start_over(q);
		q->rd_synced = SPOOL_HDR;
	}
	*rp = r;
	return 0;
}

/*
 * Both tiers are full and r wants in: drop the least important line there
 * is. Returns 0 when something else was dropped (the caller retries), or
 * -ENOSPC when r itself is the one to drop.
 */
static int queue__make_room(struct out_queue *q, const struct out_rec *r)
{
	int lo_mem = hist__min(q->mem_hist);
	int lo_sp = q->spool_fd >= 0 ? hist__min(q->sp_cnt) : OUT_SEV_LEVELS;
	uint64_t need, freed;
	struct out_rec *v;
	int level, cap;

	/* Ties go against the newcomer: the older line is already queued. */
	if (lo_mem >= r->sev && lo_sp >= r->sev)
		return -ENOSPC;
	if (lo_mem <= lo_sp) {
		for (v = q->head; v && v->sev != lo_mem; v = v->next)
			;
		mem__unlink(q, v);
		free(v);
		q->dropped++;
		return 0;
	}

	/*
	 * The lowest lines are on disk. Rewriting the spool costs a copy of
	 * it, so free an eighth of the bound at once (oldest lines of the
	 * lowest levels, never of r's level or above) rather than one record
	 * per rewrite.
	 */
	need = REC_HDR + q->head->len + q->spool_max / 8;
	cap = r->sev < lo_mem + 1 ? r->sev : lo_mem + 1;
	for (level = lo_sp, freed = 0; level < cap; level++) {
		if (freed + q->sp_bytes[level] >= need)
			break;
		freed += q->sp_bytes[level];
	}
	return spool__rewrite(q, level, level < cap ? need - freed : 0, NULL)
		   ? -ENOSPC
		   : 0;
}

int queue__init(struct out_queue *q, const char *name, size_t mem_max,
		const char *spool_path, uint64_t spool_max)
{
	memset(q, 0, sizeof(*q));
	q->name = name;
	q->spool_fd = -1;
	q->mem_max = mem_max;
	q->spool_max = spool_max;
	if (!spool_path)
		return 0;
	q->spool_path = strdup(spool_path);
	if (!q->spool_path)
		return -ENOMEM;
	/* A spool left by an earlier run is replayed before anything new. */
	if (access(spool_path, F_OK) == 0)
		spool__ensure(q);
	return 0;
}

/* Takes ownership of r: it is queued, or dropped and counted. */
void queue__push(struct out_queue *q, struct out_rec *r)
{
	while (q->mem_bytes + r->len + sizeof(*r) > q->mem_max && q->head) {
		if (spool__append(q, q->head) == 0) {
			struct out_rec *h = q->head;

			mem__unlink(q, h);
			free(h);
			continue;
		}
		if (queue__make_room(q, r) < 0) {
			q->dropped++;
			free(r);
			return;
		}
	}
	mem__append(q, r);
}

/* Hand over the oldest record (spool first); -ENOENT when empty. */
int queue__pop(struct out_queue *q, struct out_rec **r)
{
	int err;

	if (q->sp_count) {
		err = spool__pop(q, r);
		if (!err)
			return 0;
		/* An unreadable spool would stall the sink forever. */
		spool__fail(q, "read", err);
		q->dropped += q->sp_count;
		memset(q->sp_cnt, 0, sizeof(q->sp_cnt));
		memset(q->sp_bytes, 0, sizeof(q->sp_bytes));
		q->sp_count = 0;
		spool__start_over(q);
	}
	if (!q->head)
		return -ENOENT;
	*r = q->head;
	mem__unlink(q, *r);
	return 0;
}

uint64_t queue__count(const struct out_queue *q)
{
	return q->mem_count + q->sp_count;
}

/* Records lost to the bounds, to a failed spool or by queue__drop(). */
uint64_t queue__dropped(const struct out_queue *q)
{
	return q->dropped;
}

/* Spool I/O failures. */
uint64_t queue__errors(const struct out_queue *q)
{
	return q->errors;
}

/* Spool writes refused for a full disk or quota. */
uint64_t queue__nospace(const struct out_queue *q)
{
	return q->nospace;
}

/*
 * A record meant for this queue is lost (too big to send, or r is NULL
 * because it could not even be built): count it with the queue's other
 * losses. Takes ownership of r.
 */
void queue__drop(struct out_queue *q, struct out_rec *r)
{
	q->dropped++;
	free(r);
}

/* Persist the read offset so a restart does not replay delivered lines. */
void queue__sync(struct out_queue *q)
{
	if (q->spool_fd < 0 || q->rd == q->rd_synced)
		return;
	if (spool__write_hdr(q, q->spool_fd, q->rd) == 0)
		q->rd_synced = q->rd;
}

/*
 * Put back a record popped but not delivered (at shutdown), in front of
 * everything else. Takes ownership of r.
 */
void queue__unpop(struct out_queue *q, struct out_rec *r)
{
	if (!q->sp_count) {
		mem__prepend(q, r);
		return;
	}
	if (spool__rewrite(q, 0, 0, r)) {
		q->dropped++;
	}
	free(r);
}

/*
 * Free the queue. With keep_pending, lines still in memory go to the spool
 * so the next run delivers them; whatever cannot be kept is counted and
 * reported. A zeroed queue that queue__init() never saw is fine too (its
 * sink's spec was refused first): it has no spool path, so no spool fd.
 */
void queue__fini(struct out_queue *q, bool keep_pending)
{
	struct out_rec *r;
	uint64_t lost = 0;

	while ((r = q->head)) {
		mem__unlink(q, r);
		if (!keep_pending || spool__append(q, r))
			lost++;
		free(r);
	}
	q->dropped += lost;
	if (lost)
		out_diag__log("output %s: %llu queued lines lost at shutdown",
			      q->name, (unsigned long long)lost);
	if (q->spool_path && q->spool_fd >= 0) {
		queue__sync(q);
		fsync(q->spool_fd);
		close(q->spool_fd);
		q->spool_fd = -1;
		if (!q->sp_count)
			unlink(q->spool_path);
		else
			out_diag__log(
			    "output %s: %llu lines kept in %s for the "
			    "next run",
			    q->name, (unsigned long long)q->sp_count,
			    q->spool_path);
	}
	free(q->spool_path);
	q->spool_path = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * content.c - the identify stage's worker: each executable's SHA-256 and
 * YARA verdict, off the event loop (see content.h).
 *
 * One thread, two bounded rings under one mutex: jobs in (filled by the
 * ring-buffer reader, which only copies), verdicts out (drained by the
 * loop). The file is read once into memory, capped in size, and both
 * digested (model/hash.c) and scanned (yara_rules.c) from those bytes, so
 * the hash and the signatures describe the same content. Verdicts are
 * cached by device, inode, size, mtime and ctime, so a miner restarted
 * every minute by cron is read once.
 *
 * A UPX-packed file hides its program from a scan of the file: for those
 * the worker also scans the running image once the unpacker is done
 * (unpack.c). Files the responder denied by identity are remembered apart
 * from the verdict cache, so the kernel's later kills of the same inode
 * still carry the digest when the cache slot went to another file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "identify/content.h"
#include "identify/content_int.h"
#include "identify/unpack.h"
#include "identify/yara_rules.h"
#include "model/hash.h"
#include "util/clock.h"

#define RESULTS 1024
#define KEEP_BUF (4 << 20) /* read buffer kept between files */
/*
 * A file is read, hashed and scanned a window at a time, so a 60 MiB
 * binary costs 1 MiB of memory, not 60 (the daemon's peak RSS is the
 * biggest file it scanned otherwise). The head keeps the first bytes for
 * the ELF and UPX header checks.
 */
#define WINDOW (1 << 20)
#define HEAD (64 << 10)

struct job {
	uint32_t pid;
	uint32_t dev; /* kernel encoding; 0 with ino 0: unknown (seeded) */
	uint64_t ino;
	uint64_t start_ns, ts_ns;
	uint32_t flags; /* enum mw_proc_flags */
	char *exe;	/* owned */
};

struct cache_slot {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	unsigned loc;
	bool used;
	struct mw_content c;
};

/* A file the responder denied: its identity outlives the cache slot. */
struct remembered {
	uint32_t dev;
	uint64_t ino;
	struct mw_content c;
};

/* One worker thread and the buffer it reads files into. */
struct worker {
	struct content *c;
	pthread_t th;
	bool started;
	unsigned char *buf;
	size_t buf_cap;
	unsigned char head[HEAD]; /* the file's first head_len bytes */
	size_t head_len;
};

struct content {
	struct worker *w;
	int n_workers;
	pthread_mutex_t mu; /* jobs, results, stats, ys, stop */
	pthread_cond_t cv;
	bool stop;
	struct job *jobs;
	int qlen, qhead, qn;
	struct content_result *res;
	int rhead, rn;
	struct yara_set *ys;
	char **paths;
	int n_paths;
	uint64_t max_size;
	bool no_unpack;
	struct content_stats st;
	pthread_mutex_t cache_mu; /* cache, remembered */
	struct cache_slot *cache;
	unsigned cache_slots;
	struct remembered *mem;
	int mem_n, mem_next;
};

/* --- identity and place ------------------------------------------------ */

static bool same_file(const struct job *j, const struct stat *st)
{
	if (!j->ino && !j->dev)
		return true;
	return st->st_ino == j->ino && major(st->st_dev) == (j->dev >> 20) &&
	       minor(st->st_dev) == (j->dev & 0xfffff);
}

unsigned content__location(const char *exe, uint32_t proc_flags)
{
	static const char *const temp[] = {"/tmp/", "/var/tmp/", "/dev/shm/",
					   "/run/shm/", "/run/user/"};
	unsigned loc = 0, i;
	char dir[4096], *slash;
	struct stat st;

	if (proc_flags & (MW_PROC_MEMFD | MW_PROC_DELETED))
		loc |= YARA_LOC_FILELESS;
	if (!exe || exe[0] != '/')
		return loc;
	for (i = 0; i < sizeof(temp) / sizeof(temp[0]); i++)
		if (strncmp(exe, temp[i], strlen(temp[i])) == 0)
			loc |= YARA_LOC_TEMP;
	if (strstr(exe, "/."))
		loc |= YARA_LOC_HIDDEN;
	snprintf(dir, sizeof(dir), "%s", exe);
	slash = strrchr(dir, '/');
	if (slash) {
		slash[slash == dir] = '\0';
		if (stat(dir, &st) == 0 && (st.st_mode & S_IWOTH))
			loc |= YARA_LOC_WORLD_WRITABLE;
	}
	return loc;
}

/*
 * The executable as a read-only fd that cannot block: the running image
 * through /proc/PID/exe (reaches memfd and deleted files), else the path
 * when it still names the same file. -1 with *why when neither.
 */
static int open_exe(const struct job *j, struct stat *st, const char **why)
{
	char proc[64];
	int fd;

	snprintf(proc, sizeof(proc), "/proc/%u/exe", j->pid);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0 && fstat(fd, st) == 0 && S_ISREG(st->st_mode) &&
	    same_file(j, st))
		return fd;
	if (fd >= 0)
		close(fd);
	if (j->flags & (MW_PROC_MEMFD | MW_PROC_DELETED)) {
		*why = "process gone: its memfd or deleted file is unreachable";
		return -1;
	}
	fd = open(j->exe,
		  O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		*why = "process gone and its file cannot be opened";
		return -1;
	}
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		*why = "not a regular file at the executable's path";
	} else if (!same_file(j, st)) {
		*why = "file replaced since the exec";
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* --- reading -------------------------------------------------------------- */

static bool buf_reserve(struct worker *w, size_t want)
{
	unsigned char *b;

	if (want <= w->buf_cap)
		return true;
	b = realloc(w->buf, want);
	if (!b)
		return false;
	w->buf = b;
	w->buf_cap = want;
	return true;
}

/* One pass over a file: windows for YARA, the digest in file order. */
struct pass {
	struct worker *w;
	int fd;
	uint64_t size, hashed; /* bytes digested so far, from 0 */
	struct hash_stream *hs;
	const char *why; /* the first read failure */
};

/*
 * len bytes at off into w->buf (struct yara_source's fetch). Bytes past
 * what the digest has seen are added to it: YARA asks for the windows in
 * order, and again for a few when a condition reads at an offset.
 */
static const unsigned char *pass_fetch(void *ctx, uint64_t off, size_t len)
{
	struct pass *p = ctx;
	struct worker *w = p->w;
	size_t got = 0;
	ssize_t n;

	if (!buf_reserve(w, len)) {
		p->why = "out of memory for the file";
		return NULL;
	}
	while (got < len) {
		n = pread(p->fd, w->buf + got, len - got, off + got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			p->why = n < 0 ? "read error"
				       : "file changed during the scan (shrank)";
			return NULL;
		}
		got += n;
	}
	if (off == 0) {
		w->head_len = len < HEAD ? len : HEAD;
		memcpy(w->head, w->buf, w->head_len);
	}
	if (off <= p->hashed && p->hashed < off + len) {
		hash__stream_add(p->hs, w->buf + (p->hashed - off),
				 off + len - p->hashed);
		p->hashed = off + len;
	}
	return w->buf;
}

/* The file is not what it was when the pass began. */
static bool changed(int fd, const struct stat *st)
{
	struct stat after;

	return fstat(fd, &after) || after.st_size != st->st_size ||
	       after.st_mtim.tv_sec != st->st_mtim.tv_sec ||
	       after.st_mtim.tv_nsec != st->st_mtim.tv_nsec ||
	       after.st_ctim.tv_nsec != st->st_ctim.tv_nsec;
}

/*
 * Scan the file with ys and digest it, a window at a time. Returns YARA's
 * result (0 or a negative errno with *why); a read failure or a change
 * during the pass is p->why.
 */
static int pass_run(struct pass *p, struct yara_set *ys, unsigned loc,
		    struct mw_content *mc, const char **why)
{
	struct yara_source src = {
	    .size = p->size, .window = WINDOW, .fetch = pass_fetch, .ctx = p};
	size_t n;
	int ret;

	p->w->head_len = 0;
	ret = yara_rules__scan_source(ys, &src, loc, mc, why);
	/* The digest needs every byte, whatever YARA read. */
	while (!p->why && p->hashed < p->size) {
		n = p->size - p->hashed < WINDOW ? p->size - p->hashed : WINDOW;
		pass_fetch(p, p->hashed, n);
	}
	return ret;
}

/* --- the cache ------------------------------------------------------------ */

static struct cache_slot *slot_of(struct content *c, dev_t dev, ino_t ino)
{
	return &c->cache[(ino * 31 + dev) % c->cache_slots];
}

static bool slot_fits(const struct cache_slot *s, const struct stat *st,
		      unsigned loc)
{
	return s->used && s->dev == st->st_dev && s->ino == st->st_ino &&
	       s->size == st->st_size && s->loc == loc &&
	       s->mtime.tv_sec == st->st_mtim.tv_sec &&
	       s->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	       s->ctime.tv_sec == st->st_ctim.tv_sec &&
	       s->ctime.tv_nsec == st->st_ctim.tv_nsec;
}

static bool cache_get(struct content *c, const struct stat *st, unsigned loc,
		      struct mw_content *out)
{
	struct cache_slot *s = slot_of(c, st->st_dev, st->st_ino);
	bool hit;

	pthread_mutex_lock(&c->cache_mu);
	hit = slot_fits(s, st, loc);
	if (hit)
		*out = s->c;
	pthread_mutex_unlock(&c->cache_mu);
	return hit;
}

static void cache_put(struct content *c, const struct stat *st, unsigned loc,
		      const struct mw_content *mc)
{
	struct cache_slot *s = slot_of(c, st->st_dev, st->st_ino);

	pthread_mutex_lock(&c->cache_mu);
	*s = (struct cache_slot){.dev = st->st_dev,
				 .ino = st->st_ino,
				 .size = st->st_size,
				 .mtime = st->st_mtim,
				 .ctime = st->st_ctim,
				 .loc = loc,
				 .used = true,
				 .c = *mc};
	pthread_mutex_unlock(&c->cache_mu);
}

/* Reset on reload: verdicts of the old rules must not stand. */
static void cache_clear(struct content *c)
{
	pthread_mutex_lock(&c->cache_mu);
	memset(c->cache, 0, c->cache_slots * sizeof(*c->cache));
	pthread_mutex_unlock(&c->cache_mu);
}

bool content__known(struct content *c, uint32_t dev, uint64_t ino,
		    struct mw_content *out)
{
	dev_t d = makedev(dev >> 20, dev & 0xfffff);
	struct cache_slot *s;
	bool hit;
	int i;

	if (!c)
		return false;
	s = slot_of(c, d, ino);
	pthread_mutex_lock(&c->cache_mu);
	hit = s->used && s->dev == d && s->ino == ino && s->c.sha256[0];
	if (hit)
		*out = s->c;
	for (i = 0; !hit && i < c->mem_n; i++) {
		hit = c->mem[i].dev == dev && c->mem[i].ino == ino;
		if (hit)
			*out = c->mem[i].c;
	}
	if (hit) {
		out->cached = true;
		out->latency_ns = 0;
	}
	pthread_mutex_unlock(&c->cache_mu);
	return hit;
}

void content__remember(struct content *c, const struct mw_content *mc)
{
	struct remembered *r = NULL;
	int i;

	if (!c || !mc->sha256[0])
		return;
	pthread_mutex_lock(&c->cache_mu);
	for (i = 0; i < c->mem_n && !r; i++)
		if (c->mem[i].dev == mc->dev && c->mem[i].ino == mc->ino)
			r = &c->mem[i];
	if (!r && c->mem_n < CONTENT_REMEMBERED)
		r = &c->mem[c->mem_n++];
	if (!r) { /* full: the oldest goes, as in a ring */
		r = &c->mem[c->mem_next];
		c->mem_next = (c->mem_next + 1) % CONTENT_REMEMBERED;
	}
	*r = (struct remembered){.dev = mc->dev, .ino = mc->ino, .c = *mc};
	pthread_mutex_unlock(&c->cache_mu);
}

/* --- one file ------------------------------------------------------------- */

static void unscanned(struct mw_content *mc, const char *why)
{
	mc->scanned = false;
	mc->reason = why;
}

/* Read, check, digest and scan the file behind fd into mc. */
static void scan_fd(struct worker *w, int fd, const struct stat *st,
		    unsigned loc, struct yara_set *ys, struct mw_content *mc)
{
	struct content *c = w->c;
	struct pass p = {.w = w, .fd = fd, .size = st->st_size};
	const char *why = NULL;
	int ret;

	if ((uint64_t)st->st_size > c->max_size) {
		pthread_mutex_lock(&c->mu);
		c->st.size_cap++;
		pthread_mutex_unlock(&c->mu);
		unscanned(mc, "over the size cap");
		return;
	}
	p.hs = hash__stream_new();
	if (!p.hs) {
		unscanned(mc, "out of memory for the digest");
		return;
	}
	ret = pass_run(&p, ys, loc, mc, &why);
	if (!p.why && changed(fd, st))
		p.why = "file changed during the scan";
	if (hash__stream_end(p.hs, mc->sha256) || p.why) {
		mc->sha256[0] = '\0';
		unscanned(mc, p.why ? p.why : "digest failed");
		return;
	}
	mc->packed = unpack__is_upx(w->head, w->head_len);
	if (ret) {
		unscanned(mc, why);
		return;
	}
	/* Broken files keep what matched: truncation is no way out. */
	why = elf__truncated(w->head, w->head_len, st->st_size);
	if (why)
		unscanned(mc, why);
	else
		mc->scanned = true;
	cache_put(c, st, loc, mc);
}

/*
 * A packed file's program exists only in memory: scan the image once the
 * unpacker ran and add what matched there. Cached with the file, so the
 * next exec of the same packed file needs neither pass.
 */
static void scan_image(struct worker *w, const struct job *j,
		       const struct stat *st, unsigned loc,
		       struct yara_set *ys, struct mw_content *mc)
{
	struct content *c = w->c;
	struct unpack_buf ub = {.buf = w->buf, .cap = w->buf_cap};
	struct mw_content img = {0};
	const char *why = NULL;
	size_t len;
	int i;

	if (c->no_unpack || !mc->packed || mc->unpacked || !ys)
		return;
	if (unpack__image(j->pid, st, c->max_size, &ub, &len, &why) ||
	    yara_rules__scan(ys, ub.buf, len, loc, &img, &why)) {
		mc->image_reason = why;
	} else {
		mc->unpacked = true;
		mc->image_reason = NULL;
		for (i = 0; i < img.n_sigs; i++)
			content__add_sig(mc, img.sigs[i]);
	}
	w->buf = ub.buf;
	w->buf_cap = ub.cap;
	if (mc->unpacked)
		cache_put(c, st, loc, mc);
}

void content__add_sig(struct mw_content *mc, const char *sig)
{
	int i;

	for (i = 0; i < mc->n_sigs; i++)
		if (!strcmp(mc->sigs[i], sig))
			return;
	if (mc->n_sigs < MW_CONTENT_MAX_SIGS)
		snprintf(mc->sigs[mc->n_sigs++], MW_CONTENT_SIG_LEN, "%s", sig);
}

static void identify(struct worker *w, const struct job *j,
		     struct yara_set *ys, struct content_result *r)
{
	struct content *c = w->c;
	struct mw_content *mc = &r->c;
	const char *why = NULL;
	struct stat st;
	unsigned loc;
	int fd;

	memset(r, 0, sizeof(*r));
	r->pid = j->pid;
	r->start_ns = j->start_ns;
	r->exec_ts_ns = j->ts_ns;
	mc->dev = j->dev;
	mc->ino = j->ino;
	fd = open_exe(j, &st, &why);
	if (fd < 0) {
		unscanned(mc, why);
		return;
	}
	mc->size = st.st_size;
	mc->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	mc->ino = st.st_ino;
	loc = content__location(j->exe, j->flags);
	if (cache_get(c, &st, loc, mc))
		mc->cached = true;
	else
		scan_fd(w, fd, &st, loc, ys, mc);
	close(fd);
	scan_image(w, j, &st, loc, ys, mc);
	mc->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	mc->ino = st.st_ino;
	mc->size = st.st_size;
	/* Keep small buffers for the next file; give big ones back. */
	if (w->buf_cap > KEEP_BUF) {
		free(w->buf);
		w->buf = NULL;
		w->buf_cap = 0;
	}
}

/* --- the worker ----------------------------------------------------------- */

static void count(struct content *c, const struct content_result *r)
{
	if (r->c.cached)
		c->st.cached++;
	else if (r->c.scanned)
		c->st.scanned++;
	if (!r->c.scanned)
		c->st.unscanned++;
	if (r->c.n_sigs)
		c->st.matches++;
	if (r->c.unpacked && !r->c.cached)
		c->st.unpacked++;
}

static void *worker(void *arg)
{
	struct worker *w = arg;
	struct content *c = w->c;
	struct content_result *r = malloc(sizeof(*r));
	struct yara_set *ys;
	struct job j;

	if (!r)
		return NULL;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->qn && !c->stop) {
			/*
			 * Idle: the read buffer (a 1 MiB window once a file
			 * was read) goes back until the next burst.
			 */
			free(w->buf);
			w->buf = NULL;
			w->buf_cap = 0;
			pthread_cond_wait(&c->cv, &c->mu);
		}
		if (c->stop)
			break;
		j = c->jobs[c->qhead];
		c->qhead = (c->qhead + 1) % c->qlen;
		/*
		 * Empty: start again at slot 0, so the queue touches only as
		 * many pages as it was ever deep (an exec storm that never
		 * backs up stays in the first page instead of walking all
		 * of it into RSS). The same for the results below.
		 */
		if (!--c->qn)
			c->qhead = 0;
		ys = c->ys;
		if (ys)
			yara_rules__get(ys);
		pthread_mutex_unlock(&c->mu);

		identify(w, &j, ys, r);
		r->c.latency_ns = clock__boot_ns() - j.ts_ns;
		r->exe = j.exe; /* the result owns it now */
		yara_rules__put(ys);

		pthread_mutex_lock(&c->mu);
		count(c, r);
		if (c->rn == RESULTS) {
			c->st.results_dropped++;
			free(r->exe);
			continue;
		}
		c->res[(c->rhead + c->rn) % RESULTS] = *r;
		c->rn++;
	}
	pthread_mutex_unlock(&c->mu);
	free(r);
	return NULL;
}

/* --- the API ------------------------------------------------------------- */

static int paths_copy(struct content *c, const struct content_opts *o)
{
	struct stat st;
	char *p;
	int i;

	c->paths =
	    calloc(o->n_yara_paths + o->n_rule_paths + 1, sizeof(char *));
	if (!c->paths)
		return -ENOMEM;
	for (i = 0; i < o->n_yara_paths; i++) {
		c->paths[i] = strdup(o->yara_paths[i]);
		if (!c->paths[i])
			return -ENOMEM;
		c->n_paths++;
	}
	for (i = 0; !o->n_yara_paths && i < o->n_rule_paths; i++) {
		if (asprintf(&p, "%s/yara", o->rule_paths[i]) < 0)
			return -ENOMEM;
		if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		c->paths[c->n_paths++] = p;
	}
	return 0;
}

static int compile(struct content *c, struct yara_set **out, char *err,
		   size_t err_len)
{
	int n_files = 0;

	*out = NULL;
	if (!c->n_paths)
		return 0;
	return yara_rules__compile((const char *const *)c->paths, c->n_paths,
				   out, &n_files, err, err_len);
}

/* The sizes of o, defaults for zeros; the tables they size. */
static int sized(struct content *c, const struct content_opts *o)
{
	c->max_size = o->max_size ? o->max_size : CONTENT_DEFAULT_MAX_SIZE;
	c->qlen = o->queue_len > 0 ? o->queue_len : CONTENT_DEFAULT_QUEUE;
	c->cache_slots =
	    o->cache_slots > 0 ? o->cache_slots : CONTENT_DEFAULT_CACHE;
	c->n_workers = o->workers > 0 ? o->workers : 1;
	c->no_unpack = o->no_unpack;
	c->jobs = calloc(c->qlen, sizeof(*c->jobs));
	c->res = calloc(RESULTS, sizeof(*c->res));
	c->cache = calloc(c->cache_slots, sizeof(*c->cache));
	c->mem = calloc(CONTENT_REMEMBERED, sizeof(*c->mem));
	c->w = calloc(c->n_workers, sizeof(*c->w));
	return !c->jobs || !c->res || !c->cache || !c->mem || !c->w ? -ENOMEM
								    : 0;
}

static int start_workers(struct content *c, char *err, size_t err_len)
{
	int i, ret;

	for (i = 0; i < c->n_workers; i++) {
		c->w[i].c = c;
		ret = -pthread_create(&c->w[i].th, NULL, worker, &c->w[i]);
		if (ret) {
			snprintf(err, err_len, "content worker: %s",
				 strerror(-ret));
			return ret;
		}
		c->w[i].started = true;
	}
	return 0;
}

int content__new(const struct content_opts *o, struct content **out, char *err,
		 size_t err_len)
{
	struct content *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->cache_mu, NULL);
	pthread_cond_init(&c->cv, NULL);
	ret = sized(c, o);
	if (!ret)
		ret = paths_copy(c, o);
	if (!ret)
		ret = yara_rules__init();
	if (ret)
		snprintf(err, err_len, "content scanner: %s", strerror(-ret));
	else
		ret = compile(c, &c->ys, err, err_len);
	if (!ret)
		ret = start_workers(c, err, err_len);
	if (ret) {
		content__free(c);
		return ret;
	}
	*out = c;
	return 0;
}

static void stop_workers(struct content *c)
{
	bool any = false;
	int i;

	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	for (i = 0; c->w && i < c->n_workers; i++) {
		if (c->w[i].started) {
			pthread_join(c->w[i].th, NULL);
			any = true;
		}
		free(c->w[i].buf);
	}
	if (any)
		yara_rules__fini();
}

void content__free(struct content *c)
{
	int i;

	if (!c)
		return;
	stop_workers(c);
	for (i = 0; c->jobs && i < c->qn; i++)
		free(c->jobs[(c->qhead + i) % c->qlen].exe);
	for (i = 0; c->res && i < c->rn; i++)
		free(c->res[(c->rhead + i) % RESULTS].exe);
	yara_rules__put(c->ys);
	for (i = 0; c->paths && i < c->n_paths; i++)
		free(c->paths[i]);
	free(c->paths);
	free(c->jobs);
	free(c->res);
	free(c->cache);
	free(c->mem);
	free(c->w);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->cache_mu);
	free(c);
}

int content__reload(struct content *c, char *err, size_t err_len)
{
	struct yara_set *ys, *old;
	int ret;

	if (!c) /* content scanning is off */
		return 0;
	ret = compile(c, &ys, err, err_len);
	if (ret)
		return ret;
	pthread_mutex_lock(&c->mu);
	old = c->ys;
	c->ys = ys;
	pthread_mutex_unlock(&c->mu);
	yara_rules__put(old);
	cache_clear(c);
	return 0;
}

int content__rules(const struct content *c)
{
	return c ? yara_rules__count(c->ys) : 0;
}

int content__submit(struct content *c, const struct mw_process *p,
		    uint64_t exec_ts_ns)
{
	struct job *j;
	char *exe;

	if (!c || !p->exe || p->exe[0] != '/')
		return -EINVAL;
	exe = strdup(p->exe);
	if (!exe)
		return -ENOMEM;
	pthread_mutex_lock(&c->mu);
	if (c->qn == c->qlen) {
		c->st.queue_overflow++;
		pthread_mutex_unlock(&c->mu);
		free(exe);
		return -ENOSPC;
	}
	j = &c->jobs[(c->qhead + c->qn) % c->qlen];
	*j = (struct job){.pid = p->pid,
			  .dev = p->exe_dev,
			  .ino = p->exe_ino,
			  .start_ns = p->start_ns,
			  .ts_ns = exec_ts_ns,
			  .flags = p->flags,
			  .exe = exe};
	c->qn++;
	c->st.submitted++;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int content__poll(struct content *c, struct content_result *r)
{
	int got = 0;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->mu);
	if (c->rn) {
		*r = c->res[c->rhead];
		c->rhead = (c->rhead + 1) % RESULTS;
		if (!--c->rn)
			c->rhead = 0;
		got = 1;
	}
	pthread_mutex_unlock(&c->mu);
	return got;
}

void content__stats(struct content *c, struct content_stats *st)
{
	if (!c) {
		memset(st, 0, sizeof(*st));
		return;
	}
	pthread_mutex_lock(&c->mu);
	*st = c->st;
	pthread_mutex_unlock(&c->mu);
}

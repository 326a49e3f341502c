// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_content.c - what a file is by its bytes, for triage: the SHA-256
 * and the YARA verdict of the identify stage (yara_rules.c, the same
 * rules/yara/ files the daemon's content worker scans with), on the
 * executables of running processes (through /proc/PID/exe, which reaches
 * deleted and memfd images) and on the programs persistence entries name.
 * The daemon's content rules (MW-CONTENT-*) then judge the verdict, so a
 * renamed XMRig is a miner here for the same reason it is one there.
 *
 * Synchronous (triage is a one-shot command, no worker thread), cached by
 * file identity (most processes share a handful of executables), each
 * file capped in size, the whole pass capped in time: what was left
 * unread is counted and said, never silently skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "identify/content_int.h"
#include "identify/yara_rules.h"
#include "model/hash.h"
#include "report/jsonx.h"
#include "rules/rules.h"
#include "triage/triage.h"
#include "triage/triage_content.h"
#include "util/clock.h"

#define FILE_CAP (64ULL << 20) /* as the content worker's default */
#define BUDGET_NS (15ULL * 1000000000ULL) /* of reading, for the run */
#define SLOTS 512

struct slot {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	unsigned loc;
	struct mw_content c;
};

struct triage_content {
	struct yara_set *ys;
	int n_rules;
	struct slot *slots;
	int n_slots, evict;
	uint64_t spent_ns;
	int scanned, over_budget, over_cap, unreadable;
	unsigned char *buf;
	size_t cap;
};

static const struct triage_rule r_unscanned = {
    "MW-TRIAGE-103", "Executables left unread by the content scan", "", NULL,
    20};

int triage_content__open(struct triage *t, char *err, size_t err_len)
{
	const char *paths[TRIAGE_MAX_RULE_PATHS];
	struct triage_content *tc;
	char *owned[TRIAGE_MAX_RULE_PATHS];
	struct stat st;
	int i, n = 0, n_files = 0, ret = 0;

	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	t->tc = tc;
	/* As the daemon: the yara/ folder of each rule directory. */
	for (i = 0; i < t->o->n_rule_paths; i++) {
		char *p;

		if (asprintf(&p, "%s/yara", t->o->rule_paths[i]) < 0)
			return -ENOMEM;
		if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
			free(p);
			continue;
		}
		owned[n] = p;
		paths[n++] = p;
	}
	if (n) {
		ret = yara_rules__init();
		if (ret)
			snprintf(err, err_len, "yara: cannot initialise");
		else
			ret = yara_rules__compile(paths, n, &tc->ys, &n_files,
						  err, err_len);
	}
	while (n > 0)
		free(owned[--n]);
	if (!ret)
		tc->n_rules = yara_rules__count(tc->ys);
	return ret;
}

/* The note on what the time or size caps left unread (never silent). */
static void left_unread(struct triage *t, struct triage_content *tc)
{
	json_t *doc;

	if (!tc->over_budget && !tc->over_cap)
		return;
	doc = triage__add(t, TRIAGE_RUNNING, &r_unscanned, -1, 0,
			  "content scan: %d file(s) over the time budget, %d "
			  "over the %llu MiB size cap, left unread",
			  tc->over_budget, tc->over_cap, FILE_CAP >> 20);
	if (doc) {
		jsonx_set_path(doc, "minerwatch.triage.over_budget",
			       json_integer(tc->over_budget));
		jsonx_set_path(doc, "minerwatch.triage.over_size_cap",
			       json_integer(tc->over_cap));
	}
}

void triage_content__close(struct triage *t)
{
	struct triage_content *tc = t->tc;

	if (!tc)
		return;
	left_unread(t, tc);
	if (tc->ys) {
		yara_rules__put(tc->ys);
		yara_rules__fini();
	}
	free(tc->slots);
	free(tc->buf);
	free(tc);
	t->tc = NULL;
}

int triage_content__rules(const struct triage *t)
{
	return t->tc ? t->tc->n_rules : 0;
}

static struct slot *cached(struct triage_content *tc, const struct stat *st,
			   unsigned loc)
{
	int i;

	for (i = 0; i < tc->n_slots; i++) {
		struct slot *s = &tc->slots[i];

		if (s->dev == st->st_dev && s->ino == st->st_ino &&
		    s->size == st->st_size && s->loc == loc &&
		    s->mtime.tv_sec == st->st_mtim.tv_sec &&
		    s->mtime.tv_nsec == st->st_mtim.tv_nsec &&
		    s->ctime.tv_sec == st->st_ctim.tv_sec &&
		    s->ctime.tv_nsec == st->st_ctim.tv_nsec)
			return s;
	}
	return NULL;
}

static void remember(struct triage_content *tc, const struct stat *st,
		     unsigned loc, const struct mw_content *c)
{
	struct slot *s;

	if (!tc->slots)
		tc->slots = calloc(SLOTS, sizeof(*tc->slots));
	if (!tc->slots)
		return;
	/* Full: the oldest goes (a host with 512+ distinct programs). */
	s = &tc->slots[tc->n_slots < SLOTS ? tc->n_slots++
					   : tc->evict++ % SLOTS];
	*s = (struct slot){.dev = st->st_dev,
			   .ino = st->st_ino,
			   .size = st->st_size,
			   .mtime = st->st_mtim,
			   .ctime = st->st_ctim,
			   .loc = loc,
			   .c = *c};
}

/* The whole file into tc->buf; false with c->reason when it could not. */
static bool read_whole(struct triage_content *tc, int fd, const struct stat *st,
		       struct mw_content *c)
{
	size_t want = st->st_size, got = 0;
	ssize_t n;

	if (want > tc->cap) {
		unsigned char *b = realloc(tc->buf, want ? want : 1);

		if (!b) {
			c->reason = "out of memory for the file";
			return false;
		}
		tc->buf = b;
		tc->cap = want;
	}
	while (got < want) {
		n = pread(fd, tc->buf + got, want - got, got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			c->reason = n < 0 ? "read error" : "file shrank while read";
			return false;
		}
		got += n;
	}
	return true;
}

static void scan(struct triage_content *tc, int fd, const struct stat *st,
		 unsigned loc, struct mw_content *c)
{
	uint64_t t0 = clock__boot_ns();
	const char *why = NULL;

	/* Remembered too, so a file is counted once however often named. */
	if ((uint64_t)st->st_size > FILE_CAP) {
		tc->over_cap++;
		c->reason = "over the size cap";
		remember(tc, st, loc, c);
		return;
	}
	if (tc->spent_ns > BUDGET_NS) {
		tc->over_budget++;
		c->reason = "over triage's time budget for content";
		remember(tc, st, loc, c);
		return;
	}
	if (!read_whole(tc, fd, st, c)) {
		tc->unreadable++;
		return;
	}
	hash__buf(tc->buf, st->st_size, c->sha256);
	if (yara_rules__scan(tc->ys, tc->buf, st->st_size, loc, c, &why)) {
		c->reason = why;
	} else {
		/* Broken files keep what matched: truncation is no way out. */
		c->reason = elf__truncated(tc->buf, st->st_size, st->st_size);
		c->scanned = !c->reason;
	}
	tc->scanned++;
	tc->spent_ns += clock__boot_ns() - t0;
	remember(tc, st, loc, c);
}

int triage_content__fd(struct triage *t, int fd, const char *path,
		       uint32_t proc_flags, struct mw_content *c)
{
	struct triage_content *tc = t->tc;
	struct stat st;
	struct slot *s;
	unsigned loc;

	memset(c, 0, sizeof(*c));
	if (!tc || fstat(fd, &st) || !S_ISREG(st.st_mode))
		return -EINVAL;
	loc = content__location(path, proc_flags);
	s = cached(tc, &st, loc);
	if (s) {
		*c = s->c;
		c->cached = true;
	} else {
		scan(tc, fd, &st, loc, c);
	}
	c->size = st.st_size;
	c->dev = major(st.st_dev) << 20 | minor(st.st_dev);
	c->ino = st.st_ino;
	/* Keep small buffers for the next file; give big ones back. */
	if (tc->cap > (4u << 20)) {
		free(tc->buf);
		tc->buf = NULL;
		tc->cap = 0;
	}
	return c->sha256[0] ? 0 : -EIO;
}

int triage_content__path(struct triage *t, const char *path,
			 struct mw_content *c)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int ret;

	memset(c, 0, sizeof(*c));
	if (fd < 0)
		return -errno;
	ret = triage_content__fd(t, fd, path, 0, c);
	close(fd);
	return ret;
}

/* --- programs a persistence entry names ------------------------------------
 */

#define MAX_WORDS 64
#define SCRIPT_MAX (256u << 10)

struct ref_ctx {
	char *why;
	size_t len;
	int sev;
	const char *path;
};

static void why_add(char *why, size_t len, const char *s)
{
	size_t n = strlen(why);

	if (strstr(why, s))
		return;
	snprintf(why + n, len - n, "%s%s", n ? ", " : "", s);
}

static int on_content_rule(const struct rule *r, int idx,
			   const struct mw_event *ev, void *vctx)
{
	struct ref_ctx *x = vctx;
	char buf[4400];

	(void)idx;
	(void)ev;
	if (strncmp(rule__id(r), "MW-CONTENT", 10))
		return 0;
	snprintf(buf, sizeof(buf), "%s is %s (%s)", x->path, rule__name(r),
		 rule__id(r));
	why_add(x->why, x->len, buf);
	if (rule__severity(r) > x->sev)
		x->sev = rule__severity(r);
	return 0;
}

/* One file the command names: its verdict, judged by the content rules. */
static void judge_file(struct triage *t, const char *path, struct ref_ctx *x)
{
	struct mw_process p = {.loginuid = UINT32_MAX};
	struct mw_event ev = {.kind = MW_KIND_EXEC, .proc = &p};
	struct mw_content c;
	json_t *sigs, *ref;
	int i;

	if (triage_content__path(t, path, &c))
		return;
	p.exe = (char *)path;
	p.name = strrchr(path, '/') ? strrchr(path, '/') + 1 : (char *)path;
	snprintf(p.comm, sizeof(p.comm), "%.15s", p.name);
	memcpy(p.sha256, c.sha256, sizeof(p.sha256));
	ev.content = &c;
	x->path = path;
	rules__eval(t->rs, &ev, on_content_rule, x);
	if (!t->referenced && !(t->referenced = json_array()))
		return;
	sigs = json_array();
	for (i = 0; i < c.n_sigs; i++)
		json_array_append_new(sigs, json_string(c.sigs[i]));
	ref = json_pack("{s:o,s:s,s:o}", "path", jsonx_str(path), "sha256",
			c.sha256, "signatures", sigs);
	json_array_append_new(t->referenced, ref);
}

/* Each absolute path among the words of cmd ('"; &|>) end a word). */
static void each_path(struct triage *t, const char *cmd, struct ref_ctx *x,
		      int depth);

/* A script the command runs: the programs it names, one level down. */
static void judge_script(struct triage *t, const char *path, struct ref_ctx *x)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	char *buf = NULL, *line, *save;
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size <= SCRIPT_MAX && (buf = malloc(st.st_size + 1))) {
		n = pread(fd, buf, st.st_size, 0);
		buf[n > 0 ? n : 0] = '\0';
		if (n < 2 || strncmp(buf, "#!", 2))
			buf[0] = '\0';
	}
	close(fd);
	for (line = buf ? strtok_r(buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save))
		if (line[0] != '#')
			each_path(t, line, x, 1);
	free(buf);
}

static void each_path(struct triage *t, const char *cmd, struct ref_ctx *x,
		      int depth)
{
	const char *s = cmd, *e;
	char path[4096];
	struct stat st;
	int words = 0;

	while (*s && words++ < MAX_WORDS) {
		/* systemd's Exec prefixes (-@+!) and --opt=/path too. */
		while (*s && strchr(" \t'\";&|()<>=`-@+!:", *s))
			s++;
		e = s;
		while (*e && !strchr(" \t'\";&|()<>=`:", *e))
			e++;
		if (*s == '/' && e - s < (long)sizeof(path)) {
			snprintf(path, sizeof(path), "%.*s", (int)(e - s), s);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    (st.st_mode & 0111)) {
				judge_file(t, path, x);
				if (!depth)
					judge_script(t, path, x);
			}
		}
		s = e;
	}
}

int triage_content__command(struct triage *t, const char *cmd, char *why,
			    size_t why_len)
{
	struct ref_ctx x = {.why = why, .len = why_len};

	json_decref(t->referenced);
	t->referenced = NULL;
	if (!t->tc || !t->rs)
		return 0;
	each_path(t, cmd, &x, 0);
	return x.sev;
}

void triage_content__referenced(struct triage *t, json_t *doc)
{
	if (!t->referenced || !json_array_size(t->referenced))
		return;
	jsonx_set_path(doc, "minerwatch.triage.referenced_files",
		       json_incref(t->referenced));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * yara_rules.c - content rules through libyara (see yara_rules.h).
 *
 * Part of the identify stage: the content worker (content.c) scans each
 * new executable with the set compiled here. YARA is the field's standard
 * for content rules and operators already write them; we only add four
 * externals that say where the file was started from, so a rule can judge
 * a packer by its place. Compile errors name file and line; the caller
 * keeps the set it had.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yara.h>

#include "identify/yara_rules.h"

#define SCAN_TIMEOUT_S 5 /* a pathological rule never stalls the worker */
#define MAX_FILES 256

struct yara_set {
	YR_RULES *rules;
	int refs; /* under lock */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const externals[] = {"mw_temp_dir", "mw_hidden_path",
					"mw_world_writable_dir", "mw_fileless"};
#define N_EXTERNALS 4

int yara_rules__init(void)
{
	return yr_initialize() == ERROR_SUCCESS ? 0 : -ENOMEM;
}

void yara_rules__fini(void)
{
	yr_finalize();
}

struct compile_err {
	char *buf;
	size_t len;
	bool set;
};

static void on_compile_msg(int level, const char *file, int line,
			   const YR_RULE *rule, const char *msg, void *ctx)
{
	struct compile_err *e = ctx;

	(void)rule;
	if (level != YARA_ERROR_LEVEL_ERROR || e->set)
		return;
	e->set = true;
	snprintf(e->buf, e->len, "%s:%d: %s", file ? file : "?", line, msg);
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Rules decide what gets killed: as rules.c, a file or directory someone
 * else can change is refused. -EPERM: owned by neither root nor us (its
 * owner can make it writable at will); -EACCES: group- or world-writable.
 */
static int unsafe(const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return -EPERM;
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return -EACCES;
	return 0;
}

static void unsafe_msg(int ret, const char *path, const struct stat *st,
		       char *err, size_t err_len)
{
	if (ret == -EPERM)
		snprintf(err, err_len,
			 "%s is owned by uid %u, not root: refusing to load "
			 "rules from it (chown root)",
			 path, st ? (unsigned int)st->st_uid : 0u);
	else
		snprintf(err, err_len,
			 "%s is group- or world-writable: refusing to load "
			 "rules from it (chmod go-w)",
			 path);
}

/* Rule files of one path into files[] (malloc'd names, sorted per dir). */
static int collect(const char *path, char **files, int *n, struct stat *st_out)
{
	struct dirent *de;
	struct stat st;
	int first = *n, ret;
	DIR *d;

	if (stat(path, &st))
		return -errno;
	*st_out = st;
	ret = unsafe(&st);
	if (ret)
		return ret;
	if (!S_ISDIR(st.st_mode)) {
		if (*n == MAX_FILES)
			return -E2BIG;
		files[(*n)++] = strdup(path);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !(has_suffix(de->d_name, ".yar") ||
					      has_suffix(de->d_name, ".yara")))
			continue;
		if (*n == MAX_FILES) {
			closedir(d);
			return -E2BIG;
		}
		if (asprintf(&files[(*n)++], "%s/%s", path, de->d_name) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	qsort(files + first, *n - first, sizeof(char *), cmp_str);
	return 0;
}

static int add_files(YR_COMPILER *c, char **files, int n, char *err,
		     size_t err_len)
{
	struct stat st;
	int i, fd, errors, ret = 0;

	for (i = 0; i < n; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			snprintf(err, err_len, "%s: %s", files[i],
				 strerror(errno));
			return -errno;
		}
		/* Rules decide what gets killed: as rules.c, no one else's. */
		if (fstat(fd, &st) || (ret = unsafe(&st)) != 0) {
			ret = ret ? ret : -EACCES;
			unsafe_msg(ret, files[i], &st, err, err_len);
			close(fd);
			return ret;
		}
		errors = yr_compiler_add_fd(c, fd, NULL, files[i]);
		close(fd);
		if (errors)
			return -EINVAL;
	}
	return 0;
}

static int build(YR_COMPILER *c, char **files, int n, YR_RULES **out, char *err,
		 size_t err_len)
{
	int i, ret;

	for (i = 0; i < N_EXTERNALS; i++)
		if (yr_compiler_define_boolean_variable(c, externals[i], 0))
			return -ENOMEM;
	ret = add_files(c, files, n, err, err_len);
	if (ret)
		return ret;
	if (yr_compiler_get_rules(c, out) != ERROR_SUCCESS) {
		snprintf(err, err_len, "yara: out of memory");
		return -ENOMEM;
	}
	return 0;
}

/* --- compaction ---------------------------------------------------------- */

/*
 * A YR_STREAM over one growing memory buffer. The compiler's arenas are
 * sized for compiling (about 9 MiB resident for our two files, most of
 * it slack); the same rules saved and loaded back take their exact size
 * (about 25 KiB). Measured with libyara 4.2 on Debian 12.
 */
struct memstream {
	unsigned char *b;
	size_t n, cap, pos;
	bool failed;
};

static size_t mem_write(const void *p, size_t size, size_t count, void *u)
{
	struct memstream *m = u;
	size_t k = size * count;

	if (m->n + k > m->cap) {
		size_t cap = (m->n + k) * 2;
		unsigned char *b = realloc(m->b, cap);

		if (!b) {
			m->failed = true;
			return 0;
		}
		m->b = b;
		m->cap = cap;
	}
	memcpy(m->b + m->n, p, k);
	m->n += k;
	return count;
}

static size_t mem_read(void *p, size_t size, size_t count, void *u)
{
	struct memstream *m = u;
	size_t k = size * count;

	if (m->pos + k > m->n)
		return 0;
	memcpy(p, m->b + m->pos, k);
	m->pos += k;
	return count;
}

/*
 * Swap *rules for a compact copy, then give the compiler's freed pages
 * back. On any failure *rules is kept as it was: compaction only saves
 * memory, it never costs the rules.
 */
static void compact(YR_RULES **rules)
{
	struct memstream m = {0};
	YR_STREAM st = {.user_data = &m, .read = mem_read, .write = mem_write};
	YR_RULES *copy = NULL;

	if (yr_rules_save_stream(*rules, &st) == ERROR_SUCCESS && !m.failed &&
	    yr_rules_load_stream(&st, &copy) == ERROR_SUCCESS) {
		yr_rules_destroy(*rules);
		*rules = copy;
	}
	free(m.b);
}

int yara_rules__compile(const char *const *paths, int n_paths,
			struct yara_set **out, int *n_files, char *err,
			size_t err_len)
{
	struct compile_err ce = {.buf = err, .len = err_len};
	char *files[MAX_FILES];
	struct yara_set *s = NULL;
	YR_COMPILER *c = NULL;
	YR_RULES *rules = NULL;
	int i, n = 0, ret = 0;

	for (i = 0; i < n_paths && !ret; i++) {
		struct stat st = {0};

		ret = collect(paths[i], files, &n, &st);
		if (ret == -EACCES || ret == -EPERM)
			unsafe_msg(ret, paths[i], &st, err, err_len);
		else if (ret)
			snprintf(err, err_len, "%s: %s", paths[i],
				 strerror(-ret));
	}
	if (!ret && yr_compiler_create(&c) != ERROR_SUCCESS)
		ret = -ENOMEM;
	if (!ret) {
		yr_compiler_set_callback(c, on_compile_msg, &ce);
		ret = build(c, files, n, &rules, err, err_len);
		if (ret == -EINVAL && !ce.set)
			snprintf(err, err_len, "yara: rules refused");
	}
	if (!ret && !(s = calloc(1, sizeof(*s))))
		ret = -ENOMEM;
	if (ret) {
		if (rules)
			yr_rules_destroy(rules);
	} else {
		s->rules = rules;
		s->refs = 1;
		*out = s;
		*n_files = n;
	}
	if (c)
		yr_compiler_destroy(c);
	if (!ret) {
		compact(&s->rules);
		malloc_trim(0);
	}
	while (n > 0)
		free(files[--n]);
	return ret;
}

void yara_rules__get(struct yara_set *s)
{
	pthread_mutex_lock(&lock);
	s->refs++;
	pthread_mutex_unlock(&lock);
}

void yara_rules__put(struct yara_set *s)
{
	int left;

	if (!s)
		return;
	pthread_mutex_lock(&lock);
	left = --s->refs;
	pthread_mutex_unlock(&lock);
	if (left)
		return;
	yr_rules_destroy(s->rules);
	free(s);
}

int yara_rules__count(const struct yara_set *s)
{
	return s ? (int)s->rules->num_rules : 0;
}

static int on_scan_msg(YR_SCAN_CONTEXT *ctx, int msg, void *data, void *user)
{
	struct mw_content *c = user;
	const YR_RULE *r = data;

	(void)ctx;
	if (msg != CALLBACK_MSG_RULE_MATCHING)
		return CALLBACK_CONTINUE;
	if (c->n_sigs < MW_CONTENT_MAX_SIGS)
		snprintf(c->sigs[c->n_sigs++], MW_CONTENT_SIG_LEN, "%s",
			 r->identifier);
	return CALLBACK_CONTINUE;
}

/* The scan of one set, over an iterator (a buffer or a source). */
static int scan_it(struct yara_set *s, YR_MEMORY_BLOCK_ITERATOR *it,
		   const void *buf, size_t len, unsigned loc,
		   struct mw_content *c, const char **why)
{
	YR_SCANNER *sc;
	int i, ret;

	c->n_sigs = 0;
	if (!s || !s->rules->num_rules)
		return 0;
	if (yr_scanner_create(s->rules, &sc) != ERROR_SUCCESS) {
		*why = "yara: out of memory";
		return -ENOMEM;
	}
	for (i = 0; i < N_EXTERNALS; i++)
		yr_scanner_define_boolean_variable(sc, externals[i],
						   !!(loc & (1u << i)));
	yr_scanner_set_callback(sc, on_scan_msg, c);
	yr_scanner_set_timeout(sc, SCAN_TIMEOUT_S);
	yr_scanner_set_flags(sc, SCAN_FLAGS_FAST_MODE);
	ret = it ? yr_scanner_scan_mem_blocks(sc, it)
		 : yr_scanner_scan_mem(sc, buf, len);
	yr_scanner_destroy(sc);
	if (ret == ERROR_SUCCESS)
		return 0;
	*why = ret == ERROR_SCAN_TIMEOUT	  ? "yara: scan timed out"
	       : ret == ERROR_INSUFFICIENT_MEMORY ? "yara: out of memory"
						  : "yara: scan failed";
	return ret == ERROR_SCAN_TIMEOUT ? -ETIMEDOUT : -EIO;
}

int yara_rules__scan(struct yara_set *s, const void *buf, size_t len,
		     unsigned loc, struct mw_content *c, const char **why)
{
	return scan_it(s, NULL, buf, len, loc, c, why);
}

/* --- windows of a file ---------------------------------------------------- */

struct source_it {
	YR_MEMORY_BLOCK block;
	const struct yara_source *src;
	bool failed; /* a fetch failed: YARA skips the block silently */
};

static const uint8_t *source_fetch(YR_MEMORY_BLOCK *b)
{
	struct source_it *si = b->context;
	const unsigned char *p = si->src->fetch(si->src->ctx, b->base, b->size);

	if (!p)
		si->failed = true;
	return p;
}

static YR_MEMORY_BLOCK *source_at(YR_MEMORY_BLOCK_ITERATOR *it, uint64_t base)
{
	struct source_it *si = it->context;
	uint64_t left;

	it->last_error = ERROR_SUCCESS;
	if (base >= si->src->size)
		return NULL;
	left = si->src->size - base;
	si->block.base = base;
	si->block.size = left < si->src->window + YARA_OVERLAP
			     ? left
			     : si->src->window + YARA_OVERLAP;
	si->block.context = si;
	si->block.fetch_data = source_fetch;
	return &si->block;
}

static YR_MEMORY_BLOCK *source_first(YR_MEMORY_BLOCK_ITERATOR *it)
{
	return source_at(it, 0);
}

static YR_MEMORY_BLOCK *source_next(YR_MEMORY_BLOCK_ITERATOR *it)
{
	struct source_it *si = it->context;

	if (si->block.base + si->block.size >= si->src->size)
		return NULL;
	return source_at(it, si->block.base + si->src->window);
}

static uint64_t source_size(YR_MEMORY_BLOCK_ITERATOR *it)
{
	return ((struct source_it *)it->context)->src->size;
}

int yara_rules__scan_source(struct yara_set *s, const struct yara_source *src,
			    unsigned loc, struct mw_content *c,
			    const char **why)
{
	struct source_it si = {.src = src};
	YR_MEMORY_BLOCK_ITERATOR it = {.context = &si,
				       .first = source_first,
				       .next = source_next,
				       .file_size = source_size};
	int ret;

	if (!src->window)
		return -EINVAL;
	ret = scan_it(s, &it, NULL, 0, loc, c, why);
	if (!ret && si.failed) {
		*why = "read error";
		return -EIO;
	}
	return ret;
}

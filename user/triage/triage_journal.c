// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_journal.c - "What was wiped?" in the systemd journal, read from
 * the files themselves (/var/log/journal and /run/log/journal), not through
 * journalctl: no dependency on its version or on a running journald, and a
 * damaged file is a finding, not an error. From every file's header and
 * entry stamps (triage_jparse.c):
 * - sequence numbers missing between the files present: a journal file
 *   was removed from the middle (vacuuming only ever removes the oldest);
 * - a silence longer than --gap-minutes within one boot, measured on the
 *   monotonic clock (the host was up): the logger was stopped;
 * - the journal of this boot beginning long after the boot: its start
 *   was removed (weighed against journald's own size limit, which also
 *   removes old files);
 * - a *.journal file that is empty or has no journal header.
 * Bounded: at most MAX_ENTRIES stamps (newest files first) and
 * WALK_BUDGET_NS of reading; a cut is said in the finding's detail.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "report/jsonx.h"
#include "triage/triage.h"
#include "triage/triage_jparse.h"
#include "util/clock.h"

#define MAX_ENTRIES (1u << 20)
#define MAX_FILES 2048
#define MAX_IDS 1024
#define MAX_HOLES 16
#define CHUNK 1024 /* entry array items read at once */
#define WALK_BUDGET_NS (10ULL * 1000000000ULL)
#define LATE_START_US (10ULL * 60 * 1000000) /* first entry of the boot */

static const struct triage_rule r_hole = {
    "MW-TRIAGE-203", "Journal entries missing: a journal file removed",
    "T1070.002", "Defense Evasion", 75};
static const struct triage_rule r_gap = {"MW-TRIAGE-201", "Gap in a system log",
					 "T1070.002", "Defense Evasion", 65};
static const struct triage_rule r_late = {
    "MW-TRIAGE-204", "Journal of this boot begins long after the boot",
    "T1070.002", "Defense Evasion", 65};
static const struct triage_rule r_bad = {
    "MW-TRIAGE-205", "Journal file emptied or without a journal header",
    "T1070.002", "Defense Evasion", 70};

struct jfile {
	char *path;
	struct tj_header h;
};

struct jwalk {
	struct triage *t;
	struct jfile *files;
	int n_files;
	struct tj_entry *e;
	size_t n;
	uint8_t boots[MAX_IDS][16], seqids[MAX_IDS][16];
	int n_boots, n_seqids;
	uint64_t bytes; /* of every journal file */
	uint64_t t0;
	bool cut; /* the entry or time cap left entries unread */
};

static int intern(uint8_t (*ids)[16], int *n, const uint8_t id[16])
{
	int i;

	for (i = 0; i < *n; i++)
		if (memcmp(ids[i], id, 16) == 0)
			return i;
	if (*n == MAX_IDS)
		return MAX_IDS - 1; /* pathological: lumped together */
	memcpy(ids[*n], id, 16);
	return (*n)++;
}

static void bad_file(struct triage *t, const char *path, const char *what)
{
	json_t *doc = triage__add(t, TRIAGE_WIPED, &r_bad, -1, 0, "%s %s", path,
				  what);

	if (doc)
		triage__file_fields(doc, path);
}

/* One *.journal file: its header into w->files, or a finding. */
static void add_file(struct jwalk *w, const char *path)
{
	unsigned char buf[TJ_HEADER_READ];
	struct jfile *f;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		triage__unreadable(w->t, TRIAGE_WIPED, path, errno);
		return;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	w->bytes += st.st_size;
	memset(buf, 0, sizeof(buf));
	n = pread(fd, buf, sizeof(buf), 0);
	close(fd);
	if (st.st_size == 0) {
		bad_file(w->t, path, "is empty");
		return;
	}
	f = &w->files[w->n_files];
	if (n < 0 || tjparse__header(buf, n, &f->h)) {
		bad_file(w->t, path, "has no journal header (overwritten?)");
		return;
	}
	f->path = strdup(path);
	if (f->path)
		w->n_files++;
}

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The .journal files of ROOT and of ROOT/MACHINE-ID. */
static void scan_dir(struct jwalk *w, const char *dir, int depth)
{
	char path[4200];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	if (!d) {
		if (errno != ENOENT && errno != ENOTDIR)
			triage__unreadable(w->t, TRIAGE_WIPED, dir, errno);
		return;
	}
	while ((de = readdir(d)) && w->n_files < MAX_FILES) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode) && depth == 0)
			scan_dir(w, path, 1);
		else if (S_ISREG(st.st_mode) && has_suffix(de->d_name, ".journal"))
			add_file(w, path);
	}
	closedir(d);
}

static bool over_budget(struct jwalk *w)
{
	if (w->n >= MAX_ENTRIES ||
	    clock__boot_ns() - w->t0 > WALK_BUDGET_NS) {
		w->cut = true;
		return true;
	}
	return false;
}

/* The entries of items[0..n) (offsets of entry objects) into w->e. */
static void read_entries(struct jwalk *w, int fd, off_t size, int seqid,
			 const unsigned char *items, int item, int n)
{
	unsigned char obj[TJ_ENTRY_STAMPS];
	uint8_t boot[16];
	struct tj_entry *e;
	uint64_t off;
	int i;

	for (i = 0; i < n && !over_budget(w); i++) {
		off = 0;
		memcpy(&off, items + (size_t)i * item, item); /* little end */
		if (!off || off > (uint64_t)size - TJ_ENTRY_STAMPS)
			continue;
		if (pread(fd, obj, sizeof(obj), off) != sizeof(obj))
			continue;
		e = &w->e[w->n];
		if (tjparse__entry(obj, sizeof(obj), e, boot))
			continue;
		e->boot = intern(w->boots, &w->n_boots, boot);
		e->seqid = seqid;
		w->n++;
	}
}

/* Follow a file's chain of entry arrays (offsets only ever grow). */
static void walk_file(struct jwalk *w, const struct jfile *f)
{
	unsigned char head[TJ_ARRAY_HEAD], items[CHUNK * 8];
	bool compact = f->h.incompatible & TJ_INCOMPAT_COMPACT;
	uint64_t arr = f->h.entry_array_offset, prev = 0, size, next, at;
	int seqid = intern(w->seqids, &w->n_seqids, f->h.seqnum_id);
	int item, fd, n;
	struct stat st;

	fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0)
		return;
	if (fstat(fd, &st))
		st.st_size = 0;
	while (arr > prev && arr <= (uint64_t)st.st_size - TJ_ARRAY_HEAD &&
	       !over_budget(w)) {
		if (pread(fd, head, sizeof(head), arr) != sizeof(head))
			break;
		item = tjparse__array(head, sizeof(head), compact, &size, &next);
		if (item < 0 || size > (uint64_t)st.st_size - arr)
			break;
		for (at = TJ_ARRAY_HEAD; at + item <= size && !w->cut;
		     at += (uint64_t)n * item) {
			n = (size - at) / item > CHUNK ? CHUNK
						       : (size - at) / item;
			if (pread(fd, items, (size_t)n * item, arr + at) !=
			    (ssize_t)((size_t)n * item))
				break;
			read_entries(w, fd, st.st_size, seqid, items, item, n);
		}
		prev = arr;
		arr = next;
	}
	close(fd);
}

static int newest_first(const void *a, const void *b)
{
	const struct jfile *x = a, *y = b;

	return (x->h.tail_realtime < y->h.tail_realtime) -
	       (x->h.tail_realtime > y->h.tail_realtime);
}

static void iso_us(uint64_t us, char *buf, size_t len)
{
	triage__iso((int64_t)(us / 1000000), buf, len);
}

static json_t *hole_doc(struct triage *t, const struct triage_rule *r,
			const struct tj_hole *h, const char *fmt, long long v)
{
	char a[40], b[40];
	json_t *doc;

	iso_us(h->from_rt, a, sizeof(a));
	iso_us(h->to_rt, b, sizeof(b));
	doc = triage__add(t, TRIAGE_WIPED, r, -1, h->from_rt / 1000000,
			  "journal: %lld %s between %s and %s", v, fmt, a, b);
	if (!doc)
		return NULL;
	jsonx_set_path(doc, "file.path", json_string("/var/log/journal"));
	jsonx_set_path(doc, "event.start", json_string(a));
	jsonx_set_path(doc, "event.end", json_string(b));
	return doc;
}

static void report_holes(struct jwalk *w)
{
	struct tj_hole h[MAX_HOLES];
	int i, n;
	json_t *doc;

	n = tjparse__seq_holes(w->e, w->n, h, MAX_HOLES);
	for (i = 0; i < n && i < MAX_HOLES; i++) {
		doc = hole_doc(w->t, &r_hole, &h[i], "entries missing",
			       (long long)(h[i].to_seq - h[i].from_seq - 1));
		if (!doc)
			continue;
		jsonx_set_path(doc, "minerwatch.triage.missing_entries",
			       json_integer(h[i].to_seq - h[i].from_seq - 1));
		triage__detail(w->t, "sequence numbers %llu to %llu absent",
			       (unsigned long long)h[i].from_seq + 1,
			       (unsigned long long)h[i].to_seq - 1);
	}
	n = tjparse__time_gaps(w->e, w->n,
			       (uint64_t)w->t->o->gap_minutes * 60 * 1000000, h,
			       MAX_HOLES);
	for (i = 0; i < n && i < MAX_HOLES; i++) {
		long long min = (h[i].to_mono - h[i].from_mono) / 60000000;

		doc = hole_doc(w->t, &r_gap, &h[i],
			       "min with no entry, the host up,", min);
		if (doc)
			jsonx_set_path(doc, "minerwatch.triage.gap_minutes",
				       json_integer(min));
	}
}

/* journald's default SystemMaxUse: 10% of the file system, at most 4 GiB. */
static uint64_t size_limit(void)
{
	struct statvfs sv;
	uint64_t l = 4ULL << 30;

	if (statvfs("/var/log", &sv) == 0 &&
	    (uint64_t)sv.f_blocks * sv.f_frsize / 10 < l)
		l = (uint64_t)sv.f_blocks * sv.f_frsize / 10;
	return l;
}

static bool boot_id_now(uint8_t id[16])
{
	char s[64];
	int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, s, sizeof(s) - 1);
	int i, j;

	if (fd >= 0)
		close(fd);
	if (n < 32)
		return false;
	s[n] = '\0';
	for (i = 0, j = 0; s[i] && j < 32; i++) {
		unsigned v;

		if (s[i] == '-')
			continue;
		if (sscanf(s + i, "%1x", &v) != 1)
			return false;
		id[j / 2] = j % 2 ? id[j / 2] | v : v << 4;
		j++;
	}
	return j == 32;
}

/* This boot's first entry: long after the boot, with nothing to explain. */
static void late_start(struct jwalk *w)
{
	uint64_t first = UINT64_MAX, older = 0;
	uint8_t now[16];
	json_t *doc;
	size_t i;
	int boot;

	if (!w->n || !boot_id_now(now))
		return;
	boot = intern(w->boots, &w->n_boots, now);
	for (i = 0; i < w->n; i++) {
		if (w->e[i].boot == boot && w->e[i].monotonic < first)
			first = w->e[i].monotonic;
		else if (w->e[i].boot != boot)
			older++;
	}
	if (first == UINT64_MAX || first < LATE_START_US || w->cut)
		return;
	/* No earlier boot kept and near the size limit: vacuumed, maybe. */
	doc = triage__add(w->t, TRIAGE_WIPED, &r_late,
			  !older && w->bytes * 2 >= size_limit() ? 30 : -1,
			  w->t->boot + (int64_t)(first / 1000000),
			  "journal: this boot's first entry is %llu min after "
			  "the boot",
			  (unsigned long long)(first / 60000000));
	if (!doc)
		return;
	jsonx_set_path(doc, "file.path", json_string("/var/log/journal"));
	jsonx_set_path(doc, "minerwatch.triage.minutes_after_boot",
		       json_integer(first / 60000000));
	triage__detail(w->t,
		       "%llu entries of earlier boots kept; journal files "
		       "%llu MiB, journald's default limit %llu MiB",
		       (unsigned long long)older,
		       (unsigned long long)(w->bytes >> 20),
		       (unsigned long long)(size_limit() >> 20));
}

void triage__journal(struct triage *t)
{
	struct jwalk w = {.t = t};
	int i;

	w.files = calloc(MAX_FILES, sizeof(*w.files));
	w.e = malloc(MAX_ENTRIES * sizeof(*w.e));
	if (!w.files || !w.e) {
		free(w.files);
		free(w.e);
		return;
	}
	scan_dir(&w, "/var/log/journal", 0);
	scan_dir(&w, "/run/log/journal", 0);
	qsort(w.files, w.n_files, sizeof(*w.files), newest_first);
	w.t0 = clock__boot_ns();
	for (i = 0; i < w.n_files && !w.cut; i++)
		walk_file(&w, &w.files[i]);
	late_start(&w);
	report_holes(&w);
	if (w.cut)
		fprintf(stderr,
			"minerwatch triage: journal: read the newest %zu "
			"entries only (entry or time cap)\n",
			w.n);
	for (i = 0; i < w.n_files; i++)
		free(w.files[i].path);
	free(w.files);
	free(w.e);
}

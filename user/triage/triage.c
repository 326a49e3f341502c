// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage.c - `minerwatch triage`: the command line, the list of findings,
 * and their two outputs (a report for a person, grouped by question, most
 * severe first, with a timeline; or one ECS document per line). The checks
 * live in triage_run.c (what is running), triage_persist.c, triage_wiped.c
 * (wiped logs and the way in) and triage_left.c (what was left behind).
 * Read-only: nothing here writes anywhere but stdout and stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report/jsonx.h"
#include "report/report.h"
#include "rules/rules.h"
#include "triage/triage.h"

#define DEFAULT_RULES "/etc/minerwatch/rules"

static const char *const section_key[TRIAGE_NSECT] = {
    "running", "persistence", "wiped", "way_in", "left_behind"};
static const char *const section_title[TRIAGE_NSECT] = {
    "What is running", "How it persists", "What was wiped", "How it got in",
    "What was left behind"};
static const char *const section_category[TRIAGE_NSECT] = {
    "process", "configuration", "file", "authentication", "file"};

static const struct triage_rule r_unreadable = {
    "MW-TRIAGE-000", "File could not be read", "", NULL, 20};
static const struct triage_rule r_immutable = {
    "MW-PERSIST-013", "Immutable or append-only flag set on a persistence file",
    "T1222.002", "Defense Evasion", 80};

static const char usage[] =
    "Usage: minerwatch triage [OPTIONS]\n"
    "Look at this host as it is (processes, persistence, logs, leftovers)\n"
    "and report what an intrusion left; read-only, no daemon needed.\n"
    "\n"
    "  -r, --rules PATH      rule file or directory (repeatable; default\n"
    "                        " DEFAULT_RULES ", else ./rules)\n"
    "  -j, --json            one ECS document per finding (event.dataset\n"
    "                        minerwatch.triage) instead of the report\n"
    "      --sample-ms N     CPU sampling window (default 1000, 100-30000)\n"
    "      --gap-minutes N   a log silent this long is a gap (default 120)\n"
    "      --min-severity N  print only findings at or above N (default 1)\n"
    "  -h, --help            this text\n"
    "\n"
    "Exit codes: 0 nothing at severity >= 50, 1 something was, 2 usage,\n"
    "3 rules refused.\n"
    "\n"
    "Examples:\n"
    "  minerwatch triage\n"
    "  minerwatch triage --json > triage.jsonl\n";

/* --- findings --------------------------------------------------------------
 */

void triage__iso(int64_t when, char *buf, size_t len)
{
	time_t t = when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *finding_new(struct triage *t, enum triage_section s, int sev,
			   int64_t when, const char *fmt, va_list ap)
{
	struct triage_finding *f;
	char ts[40];
	json_t *doc;

	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 64;
		void *nf = realloc(t->f, cap * sizeof(*t->f));

		if (!nf)
			return NULL;
		t->f = nf;
		t->cap = cap;
	}
	doc = report__base("alert", 0);
	if (!doc)
		return NULL;
	f = &t->f[t->n++];
	memset(f, 0, sizeof(*f));
	f->sect = s;
	f->severity = sev;
	f->when = when;
	f->doc = doc;
	if (vasprintf(&f->summary, fmt, ap) < 0)
		f->summary = NULL;
	/* @timestamp: when the thing found happened, when known. */
	triage__iso(t->now, ts, sizeof(ts));
	jsonx_set_path(doc, "event.created", json_string(ts));
	if (when > 0) {
		triage__iso(when, ts, sizeof(ts));
		json_object_set_new(doc, "@timestamp", json_string(ts));
	}
	jsonx_set_path(doc, "event.dataset", json_string("minerwatch.triage"));
	jsonx_set_path(doc, "event.category",
		       json_pack("[s]", section_category[s]));
	jsonx_set_path(doc, "event.type", json_pack("[s]", "info"));
	jsonx_set_path(doc, "event.action", json_string("triage"));
	jsonx_set_path(doc, "event.severity", json_integer(sev));
	jsonx_set_path(doc, "threat.framework", json_string("MITRE ATT&CK"));
	jsonx_set_path(doc, "minerwatch.triage.section",
		       json_string(section_key[s]));
	if (f->summary)
		json_object_set_new(doc, "message", jsonx_str(f->summary));
	return doc;
}

json_t *triage__add(struct triage *t, enum triage_section s,
		    const struct triage_rule *r, int sev, int64_t when,
		    const char *fmt, ...)
{
	json_t *doc, *ids;
	char *tech, *tok, *save;
	va_list ap;

	va_start(ap, fmt);
	doc = finding_new(t, s, sev >= 0 ? sev : r->severity, when, fmt, ap);
	va_end(ap);
	if (!doc)
		return NULL;
	jsonx_set_path(doc, "rule.id", json_string(r->id));
	jsonx_set_path(doc, "rule.name", json_string(r->name));
	ids = json_array();
	tech = strdup(r->techniques);
	for (tok = tech ? strtok_r(tech, ",", &save) : NULL; tok;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(ids, json_string(tok));
	free(tech);
	jsonx_set_path(doc, "threat.technique.id", ids);
	if (r->tactic)
		jsonx_set_path(doc, "threat.tactic.name",
			       json_pack("[s]", r->tactic));
	return doc;
}

json_t *triage__add_rule(struct triage *t, enum triage_section s,
			 const struct rule *r, int64_t when, const char *fmt,
			 ...)
{
	const char *const *tech;
	json_t *doc, *ids;
	va_list ap;
	int n, i;

	va_start(ap, fmt);
	doc = finding_new(t, s, rule__severity(r), when, fmt, ap);
	va_end(ap);
	if (!doc)
		return NULL;
	jsonx_set_path(doc, "rule.id", jsonx_str(rule__id(r)));
	jsonx_set_path(doc, "rule.name", jsonx_str(rule__name(r)));
	tech = rule__techniques(r, &n);
	ids = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(ids, jsonx_str(tech[i]));
	jsonx_set_path(doc, "threat.technique.id", ids);
	if (rule__tactic(r))
		jsonx_set_path(doc, "threat.tactic.name",
			       json_pack("[o]", jsonx_str(rule__tactic(r))));
	return doc;
}

void triage__detail(struct triage *t, const char *fmt, ...)
{
	struct triage_finding *f;
	char *line, *joined;
	va_list ap;

	if (!t->n)
		return;
	f = &t->f[t->n - 1];
	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0) {
		va_end(ap);
		return;
	}
	va_end(ap);
	if (!f->detail) {
		f->detail = line;
		return;
	}
	if (asprintf(&joined, "%s\n%s", f->detail, line) >= 0) {
		free(f->detail);
		f->detail = joined;
	}
	free(line);
}

void triage__unreadable(struct triage *t, enum triage_section s,
			const char *path, int err)
{
	json_t *doc = triage__add(t, s, &r_unreadable, -1, 0,
				  "%s: unreadable (%s)", path, strerror(err));

	if (doc) {
		jsonx_set_path(doc, "file.path", jsonx_str(path));
		jsonx_set_path(doc, "error.message",
			       json_string(strerror(err)));
	}
}

void triage__file_fields(json_t *doc, const char *path)
{
	struct stat st;
	char ts[40];

	jsonx_set_path(doc, "file.path", jsonx_str(path));
	if (lstat(path, &st))
		return;
	triage__iso(st.st_mtime, ts, sizeof(ts));
	jsonx_set_path(doc, "file.mtime", json_string(ts));
	triage__iso(st.st_ctime, ts, sizeof(ts));
	jsonx_set_path(doc, "file.ctime", json_string(ts));
	jsonx_set_path(doc, "file.size", json_integer(st.st_size));
	snprintf(ts, sizeof(ts), "%u", (unsigned)st.st_uid);
	jsonx_set_path(doc, "file.uid", json_string(ts));
}

/* An immutable or append-only flag keeps an attacker's file in place. */
static void flags_check(struct triage *t, int fd, const char *path)
{
	int attr = 0;
	json_t *doc, *a;

	if (ioctl(fd, FS_IOC_GETFLAGS, &attr) ||
	    !(attr & (FS_IMMUTABLE_FL | FS_APPEND_FL)))
		return;
	doc = triage__add(t, TRIAGE_PERSIST, &r_immutable, -1, 0, "%s is %s",
			  path,
			  attr & FS_IMMUTABLE_FL ? "immutable (chattr +i)"
						 : "append-only (chattr +a)");
	if (!doc)
		return;
	triage__file_fields(doc, path);
	a = json_array();
	if (attr & FS_IMMUTABLE_FL)
		json_array_append_new(a, json_string("immutable"));
	if (attr & FS_APPEND_FL)
		json_array_append_new(a, json_string("append_only"));
	jsonx_set_path(doc, "file.attributes", a);
}

char *triage__slurp(struct triage *t, enum triage_section s, const char *path,
		    size_t max, size_t *len, bool flag_check)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t total = 0;
	struct stat st;
	char *buf;
	ssize_t n;

	if (fd < 0) {
		int err = errno;

		if (err != ENOENT && err != ENOTDIR && err != ELOOP)
			triage__unreadable(t, s, path, err);
		errno = err;
		return NULL;
	}
	/* FIFOs, devices: never block on them, never read them. */
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (flag_check)
		flags_check(t, fd, path);
	buf = malloc(max + 1);
	while (buf && total < max) {
		n = read(fd, buf + total, max - total);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			triage__unreadable(t, s, path, err);
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (n == 0)
			break;
		total += n;
	}
	close(fd);
	if (buf) {
		buf[total] = '\0';
		*len = total;
	}
	return buf;
}

/* --- output ----------------------------------------------------------------
 */

/* Print bytes for a terminal: control bytes and invalid UTF-8 as \xNN. */
static void put_escaped(FILE *out, const char *s)
{
	char *clean;
	size_t i;

	if (!s)
		return;
	clean = jsonx_utf8_sanitize(s, strlen(s), NULL);
	if (!clean)
		return;
	for (i = 0; clean[i]; i++) {
		unsigned char c = clean[i];

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	free(clean);
}

static int by_section_severity(const void *a, const void *b)
{
	const struct triage_finding *x = a, *y = b;

	if (x->sect != y->sect)
		return (int)x->sect - (int)y->sect;
	if (x->severity != y->severity)
		return y->severity - x->severity;
	return (x->when > y->when) - (x->when < y->when);
}

static int by_time(const void *a, const void *b)
{
	const struct triage_finding *x = *(const struct triage_finding **)a;
	const struct triage_finding *y = *(const struct triage_finding **)b;

	return (x->when > y->when) - (x->when < y->when);
}

static const char *rule_id(const struct triage_finding *f)
{
	return json_string_value(
	    json_object_get(json_object_get(f->doc, "rule"), "id"));
}

static void print_finding(FILE *out, const struct triage_finding *f)
{
	char *d, *line, *save;

	fprintf(out, "  [%3d] %-15s ", f->severity, rule_id(f));
	put_escaped(out, f->summary);
	fputc('\n', out);
	if (!f->detail)
		return;
	d = strdup(f->detail);
	for (line = d ? strtok_r(d, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		fputs("          ", out);
		put_escaped(out, line);
		fputc('\n', out);
	}
	free(d);
}

static void print_timeline(FILE *out, const struct triage *t)
{
	const struct triage_finding **tl = calloc(t->n, sizeof(*tl));
	char ts[40];
	int i, n = 0;

	if (!tl)
		return;
	for (i = 0; i < t->n; i++)
		if (t->f[i].when > 0 && t->f[i].severity >= t->o->min_severity)
			tl[n++] = &t->f[i];
	qsort(tl, n, sizeof(*tl), by_time);
	fprintf(out, "\n== Timeline (%d findings with a time, UTC)\n", n);
	for (i = 0; i < n; i++) {
		triage__iso(tl[i]->when, ts, sizeof(ts));
		fprintf(out, "  %s [%3d] %-15s ", ts, tl[i]->severity,
			rule_id(tl[i]));
		put_escaped(out, tl[i]->summary);
		fputc('\n', out);
	}
	free(tl);
}

static void print_human(FILE *out, const struct triage *t)
{
	char ts[40];
	int s, i, shown;

	triage__iso(t->now, ts, sizeof(ts));
	fprintf(out, "minerwatch triage %s, %s\n", MW_VERSION, ts);
	for (s = 0; s < TRIAGE_NSECT; s++) {
		fprintf(out, "\n== %s\n", section_title[s]);
		for (i = 0, shown = 0; i < t->n; i++) {
			if (t->f[i].sect != (enum triage_section)s ||
			    t->f[i].severity < t->o->min_severity)
				continue;
			print_finding(out, &t->f[i]);
			shown++;
		}
		if (!shown)
			fputs("  nothing found\n", out);
	}
	print_timeline(out, t);
}

static void print_json(FILE *out, const struct triage *t)
{
	int i;

	for (i = 0; i < t->n; i++) {
		char *line;

		if (t->f[i].severity < t->o->min_severity)
			continue;
		line = json_dumps(t->f[i].doc, JSON_COMPACT);
		if (line)
			fprintf(out, "%s\n", line);
		free(line);
	}
}

/* --- the command -----------------------------------------------------------
 */

static int parse_num(const char *name, const char *arg, int lo, int hi,
		     int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || *end || end == arg || v < lo || v > hi) {
		fprintf(stderr,
			"minerwatch triage: --%s: '%s' is not a number in "
			"%d-%d\n",
			name, arg, lo, hi);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

enum { OPT_SAMPLE = 256, OPT_GAP, OPT_MINSEV };

static int parse_opts(int argc, char **argv, struct triage_opts *o)
{
	static const struct option lo[] = {
	    {"rules", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"sample-ms", required_argument, NULL, OPT_SAMPLE},
	    {"gap-minutes", required_argument, NULL, OPT_GAP},
	    {"min-severity", required_argument, NULL, OPT_MINSEV},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int ch, bad = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "r:jh", lo, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (o->n_rule_paths == TRIAGE_MAX_RULE_PATHS) {
				fprintf(stderr, "minerwatch triage: too many "
						"--rules\n");
				return -EINVAL;
			}
			o->rule_paths[o->n_rule_paths++] = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_SAMPLE:
			bad |= parse_num("sample-ms", optarg, 100, 30000,
					 &o->sample_ms);
			break;
		case OPT_GAP:
			bad |= parse_num("gap-minutes", optarg, 5, 100000,
					 &o->gap_minutes);
			break;
		case OPT_MINSEV:
			bad |= parse_num("min-severity", optarg, 0, 100,
					 &o->min_severity);
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			fputs(usage, stderr);
			return -EINVAL;
		}
	}
	if (!bad && optind < argc) {
		fprintf(stderr, "minerwatch triage: unexpected argument '%s'\n",
			argv[optind]);
		return -EINVAL;
	}
	return bad ? -EINVAL : 0;
}

/* When this host was installed: the oldest of a few files made then. */
static time_t install_time(void)
{
	static const char *const marks[] = {
	    "/var/log/installer", "/etc/machine-id", "/etc/hostname",
	    "/lost+found", "/var/lib/dpkg/info/base-files.list"};
	time_t best = 0;
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (stat(marks[i], &st) == 0 && (!best || st.st_mtime < best))
			best = st.st_mtime;
	return best;
}

static time_t boot_time(time_t now)
{
	struct timespec b;

	clock_gettime(CLOCK_BOOTTIME, &b);
	return now - b.tv_sec;
}

int triage__main(int argc, char **argv)
{
	struct triage_opts o = {
	    .sample_ms = 1000, .gap_minutes = 120, .min_severity = 1};
	struct triage t = {.o = &o};
	struct rules *rs = NULL;
	char err[1024] = "";
	int i, worst = 0;

	if (parse_opts(argc, argv, &o))
		return 2;
	if (!o.n_rule_paths)
		o.rule_paths[o.n_rule_paths++] =
		    access(DEFAULT_RULES, F_OK) == 0 ? DEFAULT_RULES : "rules";
	if (rules__load(o.rule_paths, o.n_rule_paths, &rs, err, sizeof(err))) {
		fprintf(stderr, "minerwatch triage: %s\n", err);
		return 3;
	}
	if (triage_content__open(&t, err, sizeof(err))) {
		fprintf(stderr, "minerwatch triage: %s\n", err);
		triage_content__close(&t);
		rules__free(rs);
		return 3;
	}
	report__init();
	t.rs = rs;
	t.now = time(NULL);
	t.boot = boot_time(t.now);
	t.install = install_time();
	if (geteuid() != 0)
		fprintf(stderr, "minerwatch triage: not root: other users' "
				"processes and files will be missing\n");

	triage__running(&t);
	triage__persistence(&t);
	triage__wiped(&t);
	triage__way_in(&t);
	triage__left_behind(&t);
	triage_content__close(&t);
	json_decref(t.referenced);

	qsort(t.f, t.n, sizeof(*t.f), by_section_severity);
	if (o.json)
		print_json(stdout, &t);
	else
		print_human(stdout, &t);
	fflush(stdout);
	for (i = 0; i < t.n; i++) {
		if (t.f[i].severity > worst)
			worst = t.f[i].severity;
		json_decref(t.f[i].doc);
		free(t.f[i].summary);
		free(t.f[i].detail);
	}
	free(t.f);
	rules__free(rs);
	return worst >= 50 ? 1 : 0;
}

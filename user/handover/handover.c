// SPDX-License-Identifier: GPL-2.0-only
/*
 * handover.c - `minerwatch report`: the command line, reading the JSON
 * lines (the daemon's stream, triage's output, any mix, any order), and
 * the model the renderers draw: notable documents with repeats folded
 * (same rule, process, path and action), the processes they name linked
 * by lineage (process.parent and minerwatch.ancestry), kills marked, and
 * the incidents: the top-most ancestor (below pid 1) of every process that
 * has an alert or was killed. Lines that are not JSON objects are counted
 * and said in the report, never dropped silently.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handover/handover.h"
#include "util/fnv.h"

#define MAX_DEPTH 64

static const char usage[] =
    "Usage: minerwatch report [OPTIONS] EVENTS.jsonl... -o OUTPUT\n"
    "Turn minerwatch's event stream (and triage --json output) into one\n"
    "self-contained HTML page or a text report.\n"
    "\n"
    "  -o, --output FILE   incident.html (HTML), anything else (text); '-'\n"
    "                      for text on stdout\n"
    "      --format F      html or text, whatever the file name says\n"
    "      --from TIME     only documents at or after TIME\n"
    "      --to TIME       only documents before TIME (TIME: 2026-12-01,\n"
    "                      2026-12-01T23:00:00Z or '2026-12-01 23:00', UTC)\n"
    "  -h, --help          this text\n"
    "\n"
    "Input '-' is stdin. Exit codes: 0 ok, 1 an input or the output could\n"
    "not be read or written, 2 usage.\n"
    "\n"
    "Examples:\n"
    "  minerwatch report /var/log/minerwatch.json -o incident.html\n"
    "  minerwatch report --from 2026-12-01 events.json triage.json -o -\n";

static const char *str_at(json_t *doc, const char *a, const char *b)
{
	json_t *o = json_object_get(doc, a);

	return json_string_value(b ? json_object_get(o, b) : o);
}

/* "2026-12-01T23:00:01.123456Z" (or without fraction) to µs; 0 if not. */
static int64_t parse_time(const char *s)
{
	struct tm tm = {0};
	int n = 0, frac_digits = 0;
	int64_t us = 0;
	const char *p;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon,
			 &tm.tm_mday, &n) != 3)
		return 0;
	p = s + n;
	if (*p == 'T' || *p == ' ') {
		if (sscanf(p + 1, "%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &n) !=
		    2)
			return 0;
		p += 1 + n;
		if (*p == ':' && sscanf(p + 1, "%2d%n", &tm.tm_sec, &n) == 1)
			p += 1 + n;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				if (frac_digits++ < 6)
					us = us * 10 + (*p - '0');
		while (frac_digits++ < 6)
			us *= 10;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (int64_t)timegm(&tm) * 1000000 + us;
}

void ho__time(int64_t us, char *buf, size_t len)
{
	time_t t = us / 1000000;
	struct tm tm;

	if (!us) {
		snprintf(buf, len, "(no time)");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm);
}

/* --- lookups ----------------------------------------------------------------
 */

static int grow(void **arr, int *cap, int n, size_t elem)
{
	void *p;
	int c;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : 256;
	p = realloc(*arr, (size_t)c * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = c;
	return 0;
}

/* Open addressing, power-of-two tables that double at half full. */
static int *slot(int *tab, unsigned size, const char *key,
		 const char *(*key_of)(const struct handover *, int),
		 const struct handover *h)
{
	unsigned i = fnv1a32_str(FNV32_INIT, key) & (size - 1);

	while (tab[i] >= 0 && strcmp(key_of(h, tab[i]), key))
		i = (i + 1) & (size - 1);
	return &tab[i];
}

static const char *proc_key(const struct handover *h, int i)
{
	return h->p[i].entity;
}

static const char *ev_key(const struct handover *h, int i)
{
	return h->ekeys[i];
}

static int rehash(int **tab, unsigned *size, int n,
		  const char *(*key_of)(const struct handover *, int),
		  const struct handover *h)
{
	unsigned ns = *size ? *size * 2 : 1024;
	int *nt, i;

	if ((unsigned)n * 2 < *size)
		return 0;
	nt = malloc(ns * sizeof(*nt));
	if (!nt)
		return -ENOMEM;
	memset(nt, 0xff, ns * sizeof(*nt));
	for (i = 0; i < n; i++)
		*slot(nt, ns, key_of(h, i), key_of, h) = i;
	free(*tab);
	*tab = nt;
	*size = ns;
	return 0;
}

static void set_str(char **dst, const char *s, bool update)
{
	if (!s || (*dst && !update))
		return;
	free(*dst);
	*dst = strdup(s);
}

/*
 * The process with this entity id, learned from o when new. With update
 * (o is the document's own process, not an ancestor), what o says replaces
 * what was known: the entity id survives exec, and the stream is in time
 * order, so the last exec's name and command line win. -1: none.
 */
static int proc_of(struct handover *h, json_t *o, const char *exe_key,
		   bool update)
{
	const char *ent = json_string_value(json_object_get(o, "entity_id"));
	struct ho_proc *p;
	const char *s;
	int *sl;

	if (!ent || !*ent || strcmp(ent, "0") == 0)
		return -1;
	if (rehash(&h->ptab, &h->psize, h->n_p, proc_key, h))
		return -1;
	sl = slot(h->ptab, h->psize, ent, proc_key, h);
	if (*sl < 0) {
		if (grow((void **)&h->p, &h->cap_p, h->n_p, sizeof(*h->p)))
			return -1;
		p = &h->p[h->n_p];
		memset(p, 0, sizeof(*p));
		p->entity = strdup(ent);
		p->parent = p->first_child = p->next_sibling = -1;
		*sl = h->n_p++;
	}
	p = &h->p[*sl];
	if (!p->pid)
		p->pid = json_integer_value(json_object_get(o, "pid"));
	s = json_string_value(json_object_get(o, exe_key));
	/* An exec since: remember what it was (a shell that exec'd ln). */
	if (update && s && p->exe && strcmp(s, p->exe) && p->name)
		set_str(&p->before, p->name, true);
	set_str(&p->name, json_string_value(json_object_get(o, "name")),
		update);
	set_str(&p->exe, json_string_value(json_object_get(o, exe_key)),
		update);
	s = json_string_value(json_object_get(o, "command_line"));
	/* An ancestry entry has no command line: keep the exe's name. */
	set_str(&p->cmdline, s, update);
	return *sl;
}

static void set_parent(struct handover *h, int child, int parent)
{
	if (child >= 0 && parent >= 0 && child != parent &&
	    h->p[child].parent < 0)
		h->p[child].parent = parent;
}

/* The process of a document and its lineage. */
static int learn_lineage(struct handover *h, json_t *doc)
{
	json_t *proc = json_object_get(doc, "process");
	json_t *anc =
	    json_object_get(json_object_get(doc, "minerwatch"), "ancestry");
	int me, prev, i, a;

	me = proc_of(h, proc, "executable", true);
	if (me < 0)
		return -1;
	prev = me;
	set_parent(
	    h, me,
	    proc_of(h, json_object_get(proc, "parent"), "executable", false));
	for (i = 0; i < (int)json_array_size(anc) && i < MAX_DEPTH; i++) {
		a = proc_of(h, json_array_get(anc, i), "executable", false);
		if (a < 0)
			break;
		set_parent(h, prev, a);
		prev = a;
	}
	return me;
}

/* --- notable documents
 * -------------------------------------------------------- */

static void fold_key(json_t *doc, char *buf, size_t len)
{
	snprintf(buf, len, "%s|%s|%s|%s|%s", str_at(doc, "rule", "id") ?: "",
		 str_at(doc, "event", "action") ?: "",
		 str_at(doc, "process", "entity_id") ?: "",
		 str_at(doc, "file", "path") ?: "",
		 str_at(doc, "message", NULL) ?: "");
}

static void what_of(json_t *doc, char *buf, size_t len)
{
	const char *msg = str_at(doc, "message", NULL);
	const char *path = str_at(doc, "file", "path");
	const char *exe = str_at(doc, "process", "executable");
	const char *dst = str_at(doc, "destination", "ip");
	const char *src = str_at(doc, "source", "ip");
	json_t *port =
	    json_object_get(json_object_get(doc, "destination"), "port");

	if (msg)
		snprintf(buf, len, "%s", msg);
	else if (path)
		snprintf(buf, len, "%s by %s", path, exe ? exe : "?");
	else if (dst)
		snprintf(buf, len, "%s -> %s:%lld", exe ? exe : "?", dst,
			 (long long)json_integer_value(port));
	else if (src)
		snprintf(buf, len, "from %s", src);
	else
		snprintf(buf, len, "%s", exe ? exe : "");
}

static char *dup_or(const char *s, const char *dflt)
{
	return strdup(s ? s : dflt);
}

static void add_notable(struct handover *h, json_t *doc, const char *line,
			int64_t when, int proc)
{
	struct ho_event *e;
	char key[8192], what[1024];
	const char *s;
	int *sl;

	fold_key(doc, key, sizeof(key));
	if (rehash(&h->etab, &h->esize, h->n_ev, ev_key, h))
		return;
	sl = slot(h->etab, h->esize, key, ev_key, h);
	if (*sl >= 0) {
		e = &h->ev[*sl];
		e->count++;
		if (when > e->last_us)
			e->last_us = when;
		json_decref(doc);
		return;
	}
	if (h->n_ev == h->cap_ev) {
		char **k;

		if (grow((void **)&h->ev, &h->cap_ev, h->n_ev, sizeof(*h->ev)))
			goto drop;
		k = realloc(h->ekeys, (size_t)h->cap_ev * sizeof(*k));
		if (!k)
			goto drop;
		h->ekeys = k;
	}
	e = &h->ev[h->n_ev];
	memset(e, 0, sizeof(*e));
	h->ekeys[h->n_ev] = strdup(key);
	e->raw = strdup(line);
	e->when_us = e->last_us = when;
	e->count = 1;
	e->proc = proc;
	e->kind = dup_or(str_at(doc, "event", "kind"), "");
	e->action = dup_or(str_at(doc, "event", "action"), "");
	e->rule_id = dup_or(str_at(doc, "rule", "id"), "");
	e->rule_name = dup_or(str_at(doc, "rule", "name"), e->action);
	s = json_string_value(json_object_get(
	    json_object_get(json_object_get(doc, "minerwatch"), "triage"),
	    "section"));
	e->section = s ? strdup(s) : NULL;
	what_of(doc, what, sizeof(what));
	e->what = strdup(what);
	if (str_at(doc, "destination", "ip")) {
		e->dst_ip = strdup(str_at(doc, "destination", "ip"));
		if (asprintf(&e->dst, "%s:%lld", e->dst_ip,
			     (long long)json_integer_value(json_object_get(
				 json_object_get(doc, "destination"),
				 "port"))) < 0)
			e->dst = NULL;
		if (!e->dst) {
			free(e->dst_ip);
			e->dst_ip = NULL;
		}
	}
	e->severity = json_integer_value(
	    json_object_get(json_object_get(doc, "event"), "severity"));
	e->act = strcmp(e->kind, "alert") &&
		 (!strcmp(e->action, "kill") || !strcmp(e->action, "block"));
	e->failed = e->act && str_at(doc, "event", "outcome") &&
		    !strcmp(str_at(doc, "event", "outcome"), "failure");
	e->would = json_is_false(json_object_get(
	    json_object_get(json_object_get(doc, "minerwatch"), "response"),
	    "taken"));
	json_decref(doc);
	if (!h->ekeys[h->n_ev] || !e->raw || !e->kind || !e->action ||
	    !e->rule_id || !e->rule_name || !e->what) {
		free(h->ekeys[h->n_ev]);
		free(e->raw);
		free(e->kind);
		free(e->action);
		free(e->rule_id);
		free(e->rule_name);
		free(e->section);
		free(e->what);
		free(e->dst_ip);
		free(e->dst);
		goto lost;
	}
	*sl = h->n_ev++;
	return;
drop:
	json_decref(doc);
lost:
	/* Said, never silent: the page would be missing an alert. */
	h->lost++;
}

static void note_host(struct handover *h, const char *host)
{
	size_t n = strlen(h->hosts);

	if (!host || strstr(h->hosts, host) ||
	    n + strlen(host) + 3 >= sizeof(h->hosts))
		return;
	snprintf(h->hosts + n, sizeof(h->hosts) - n, "%s%s", n ? ", " : "",
		 host);
}

/*
 * Telemetry that adds nothing to the report (exit, fork, health...) is
 * most of a stream recorded with --events: known by a substring search in
 * the compact form minerwatch writes, it is counted and its time noted
 * without a full parse. Anything else (pretty-printed JSON too) is parsed.
 */
static bool quick_telemetry(struct handover *h, const char *line)
{
	const char *ts;
	int64_t when;

	if ((!strstr(line, "\"kind\":\"event\"") &&
	     !strstr(line, "\"kind\":\"state\"")) ||
	    strstr(line, "\"action\":\"exec\"") ||
	    strstr(line, "\"action\":\"kill\"") ||
	    strstr(line, "\"action\":\"block\"") ||
	    strstr(line, "\"domain\":\"")) /* a name to learn */
		return false;
	ts = strstr(line, "\"@timestamp\":\"");
	when = ts ? parse_time(ts + 14) : 0;
	if ((h->from_us && when < h->from_us) ||
	    (h->to_us && when >= h->to_us)) {
		h->outside++;
		return true;
	}
	if (when && (!h->first_us || when < h->first_us))
		h->first_us = when;
	if (when > h->last_us)
		h->last_us = when;
	h->telemetry++;
	return true;
}

/* One line of input. */
static void take_line(struct handover *h, const char *line, size_t len)
{
	json_error_t jerr;
	const char *kind, *action;
	json_t *doc;
	int64_t when;
	int proc;

	h->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len || quick_telemetry(h, line))
		return;
	doc = json_loadb(line, len, 0, &jerr);
	if (!json_is_object(doc)) {
		h->bad_lines++;
		json_decref(doc);
		return;
	}
	when = parse_time(str_at(doc, "@timestamp", NULL));
	if ((h->from_us && when < h->from_us) ||
	    (h->to_us && when >= h->to_us)) {
		h->outside++;
		json_decref(doc);
		return;
	}
	if (when && (!h->first_us || when < h->first_us))
		h->first_us = when;
	if (when > h->last_us)
		h->last_us = when;
	note_host(h, str_at(doc, "host", "hostname"));
	ho_names__learn(h, doc);
	proc = learn_lineage(h, doc);
	kind = str_at(doc, "event", "kind") ?: "";
	action = str_at(doc, "event", "action") ?: "";
	if (strcmp(kind, "alert") && strcmp(action, "kill") &&
	    strcmp(action, "block")) {
		h->telemetry++;
		json_decref(doc);
		return;
	}
	add_notable(h, doc, line, when, proc);
}

static int read_input(struct handover *h, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (!f) {
		fprintf(stderr, "minerwatch report: %s: %s\n", path,
			strerror(errno));
		return -errno;
	}
	while ((n = getline(&line, &cap, f)) >= 0)
		take_line(h, line, n);
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

/* --- incidents ------------------------------------------------------------ */

/* The top-most known ancestor below pid 1 (pid 1 and kthreadd end it). */
static int root_of(const struct handover *h, int i)
{
	int depth = 0;

	while (h->p[i].parent >= 0 && h->p[h->p[i].parent].pid > 2 &&
	       depth++ < MAX_DEPTH)
		i = h->p[i].parent;
	return i;
}

/* Flag p and its ancestors as shown; link each into its parent's list. */
static void show_chain(struct handover *h, int i)
{
	int depth = 0;

	while (i >= 0 && depth++ < MAX_DEPTH) {
		struct ho_proc *p = &h->p[i];
		int par = p->parent;

		p->shown = true;
		if (par < 0 || h->p[par].pid <= 2 || p->linked)
			return;
		p->linked = true;
		p->next_sibling = h->p[par].first_child;
		h->p[par].first_child = i;
		i = par;
	}
}

/* Incidents, most severe first, then by their first alert. */
struct root_rank {
	int root, sev;
	int64_t first;
};

static int by_rank(const void *a, const void *b)
{
	const struct root_rank *x = a, *y = b;

	if (x->sev != y->sev)
		return y->sev - x->sev;
	return (x->first > y->first) - (x->first < y->first);
}

/* slot[i]: the index in h->roots of process i's incident, -1 none. */
static void rank_roots(struct handover *h, const int *slot)
{
	struct root_rank *rk = calloc(h->n_roots ? h->n_roots : 1, sizeof(*rk));
	int i, j;

	if (!rk)
		return;
	for (j = 0; j < h->n_roots; j++)
		rk[j].root = h->roots[j];
	for (i = 0; i < h->n_p; i++) {
		const struct ho_proc *p = &h->p[i];
		int64_t t;

		if (!p->n_alerts || slot[i] < 0)
			continue;
		j = slot[i];
		t = h->ev[p->alerts[0]].when_us;
		if (p->max_sev > rk[j].sev)
			rk[j].sev = p->max_sev;
		if (!rk[j].first || (t && t < rk[j].first))
			rk[j].first = t;
	}
	qsort(rk, h->n_roots, sizeof(*rk), by_rank);
	for (j = 0; j < h->n_roots; j++)
		h->roots[j] = rk[j].root;
	free(rk);
}

static void build_incidents(struct handover *h)
{
	int i, r, *root_at = NULL, *slot = NULL;

	for (i = 0; i < h->n_ev; i++) {
		struct ho_event *e = &h->ev[i];
		struct ho_proc *p;

		if (e->severity > h->max_sev)
			h->max_sev = e->severity;
		if (e->act && !e->failed)
			*(strcmp(e->action, "kill") ? &h->blocks : &h->kills) +=
			    e->count;
		if (e->act && e->failed)
			h->kills_failed += e->count;
		if (!e->act && e->would)
			h->would_act += e->count;
		if (e->proc < 0)
			continue;
		p = &h->p[e->proc];
		if (e->act && !e->failed && !strcmp(e->action, "kill"))
			p->killed = true;
		if (e->severity > p->max_sev)
			p->max_sev = e->severity;
		if (grow((void **)&p->alerts, &p->cap_alerts, p->n_alerts,
			 sizeof(int)) == 0)
			p->alerts[p->n_alerts++] = i;
	}
	h->roots = calloc(h->n_p ? h->n_p : 1, sizeof(int));
	/* root_at[r]: r's index in roots; slot[i]: i's incident. */
	root_at = malloc((h->n_p ? h->n_p : 1) * sizeof(int));
	slot = malloc((h->n_p ? h->n_p : 1) * sizeof(int));
	if (!h->roots || !root_at || !slot)
		goto out;
	memset(root_at, 0xff, (h->n_p ? h->n_p : 1) * sizeof(int));
	for (i = 0; i < h->n_p; i++) {
		slot[i] = -1;
		if (!h->p[i].n_alerts)
			continue;
		show_chain(h, i);
		r = root_of(h, i);
		if (root_at[r] < 0) {
			root_at[r] = h->n_roots;
			h->roots[h->n_roots++] = r;
		}
		slot[i] = root_at[r];
	}
	rank_roots(h, slot);
out:
	free(root_at);
	free(slot);
}

enum ho_section ho_event__section(const struct ho_event *e)
{
	const char *id = e->rule_id, *s = e->section ? e->section : "";

	if (!strncmp(id, "MW-PERSIST", 10) || !strcmp(s, "persistence"))
		return HO_PERSIST;
	if (!strncmp(id, "MW-AF-", 6) || !strncmp(id, "MW-FORENSICS", 12) ||
	    !strcmp(s, "wiped"))
		return HO_WIPED;
	if (!strcmp(s, "way_in") || !strcmp(id, "MW-NET-006"))
		return HO_WAYIN;
	if (!strcmp(s, "left_behind"))
		return HO_LEFT;
	return HO_NONE;
}

/* --- the command ------------------------------------------------------------
 */

static void handover_free(struct handover *h)
{
	int i;

	for (i = 0; i < h->n_ev; i++) {
		free(h->ev[i].raw);
		free(h->ev[i].kind);
		free(h->ev[i].action);
		free(h->ev[i].rule_id);
		free(h->ev[i].rule_name);
		free(h->ev[i].section);
		free(h->ev[i].what);
		free(h->ev[i].dst_ip);
		free(h->ev[i].dst);
		free(h->ekeys[i]);
	}
	for (i = 0; i < h->n_p; i++) {
		free(h->p[i].entity);
		free(h->p[i].name);
		free(h->p[i].exe);
		free(h->p[i].cmdline);
		free(h->p[i].before);
		free(h->p[i].alerts);
	}
	free(h->ev);
	free(h->ekeys);
	free(h->p);
	free(h->ptab);
	free(h->etab);
	free(h->roots);
	ho_names__free(h);
}

static int time_opt(const char *name, const char *arg, int64_t *out)
{
	*out = parse_time(arg);
	if (*out)
		return 0;
	fprintf(stderr,
		"minerwatch report: --%s: '%s' is not a time "
		"(2026-12-01, 2026-12-01T23:00:00Z)\n",
		name, arg);
	return -EINVAL;
}

static bool ends_with(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && strcmp(s + n - m, sfx) == 0;
}

int handover__main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"format", required_argument, NULL, 'f'},
	    {"from", required_argument, NULL, 'F'},
	    {"to", required_argument, NULL, 'T'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct handover h = {0};
	const char *out_path = NULL, *format = NULL;
	int ch, i, ret = 0;
	bool html;
	FILE *out;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'o':
			out_path = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'F':
			if (time_opt("from", optarg, &h.from_us))
				return 2;
			break;
		case 'T':
			if (time_opt("to", optarg, &h.to_us))
				return 2;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!out_path || optind >= argc ||
	    (format && strcmp(format, "html") && strcmp(format, "text"))) {
		fputs(usage, stderr);
		return 2;
	}
	html = format ? !strcmp(format, "html")
		      : ends_with(out_path, ".html") ||
			    ends_with(out_path, ".htm");
	for (i = optind; i < argc; i++)
		if (read_input(&h, argv[i]))
			ret = 1;
	build_incidents(&h);
	ho_names__apply(&h);
	if (h.lost) {
		fprintf(stderr,
			"minerwatch report: out of memory: %ld alerts left "
			"out of the report\n",
			h.lost);
		ret = 1;
	}
	out = strcmp(out_path, "-") ? fopen(out_path, "we") : stdout;
	if (!out) {
		fprintf(stderr, "minerwatch report: %s: %s\n", out_path,
			strerror(errno));
		handover_free(&h);
		return 1;
	}
	if ((html ? handover__html(&h, out) : handover__text(&h, out)) ||
	    ferror(out))
		ret = 1;
	if (out != stdout && fclose(out)) {
		fprintf(stderr, "minerwatch report: %s: %s\n", out_path,
			strerror(errno));
		ret = 1;
	}
	handover_free(&h);
	return ret;
}

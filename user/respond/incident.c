// SPDX-License-Identifier: GPL-2.0-only
/*
 * incident.c - respond stage: findings grouped into incidents (see
 * incident.h). Called by verdict.c for every match (tag), every kill
 * (killed) and each loop pass (tick, through the behaviour sensor), and
 * by the drop sensor for every exec of a program an incident killed
 * (restart).
 *
 * Keys are 64-bit FNV-1a hashes of "e<entity id>" and "f<path>" in an
 * open-addressing table (INC_SLOTS, linear probing): a finding costs a
 * few hash probes, whatever the number of incidents. At most INC_MAX
 * incidents are held; when full, the one quiet longest is summed up (if
 * it was not yet) and forgotten, and the table rebuilt from the others.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/file_event.h"
#include "report/jsonx.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/incident.h"
#include "respond/score.h"
#include "rules/rules.h"
#include "util/clock.h"
#include "util/fnv.h"
#include "util/procfs.h"

#define INC_MAX 128
#define INC_SLOTS 8192 /* power of two, > INC_MAX * INC_KEYS */
#define INC_KEYS 48    /* keys one incident holds at most */
#define INC_LIST 8     /* rules, techniques, files listed per incident */
#define KEYS_PER_EV 40 /* 2 per ancestor (16 at most) and the rest */
#define KILL_MEMORY_NS (3600ULL * 1000000000ULL)
#define PERSIST_READ 65536

struct killed {
	char exe[PATH_MAX];
	char prog[PATH_MAX]; /* the script an interpreter ran, else exe */
	uint64_t ino, ts_ns;
	uint32_t dev;
	/*
	 * A system program (python3, bash, curl...) killed for what it did:
	 * its restart is the same program with the same command line, not
	 * every later run of that interpreter.
	 */
	bool shared;
	uint64_t args_hash;
};

struct incident {
	bool used;
	char id[INCIDENT_ID_LEN];
	uint64_t serial; /* order of creation: the oldest wins a tie */
	uint64_t first_ns, last_ns, summed_ns; /* summed_ns: last_ns summed */
	uint32_t findings, kills, restarts;
	int max_severity;
	uint64_t keys[INC_KEYS];
	int n_keys;
	char rules[INC_LIST][32];
	int n_rules;
	char techniques[INC_LIST][32];
	int n_techniques;
	char *exes[INC_LIST];
	int n_exes;
	char *persist[INC_LIST]; /* persistence files written */
	int n_persist;
	struct killed killed[4];
	int n_killed;
};

struct slot {
	uint64_t key; /* 0: empty */
	int inc;
};

struct incidents {
	struct reporter *rep;
	struct incident inc[INC_MAX];
	struct slot slots[INC_SLOTS];
	uint64_t serial, last_tick_ns;
	char boot[40];
	int cur; /* the incident of the last tag, -1 none */
	uint64_t kills; /* programs killed, all incidents */
};

struct incidents *incidents__new(struct reporter *rep)
{
	struct incidents *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->rep = rep;
	in->cur = -1;
	if (procfs__read_file("/proc/sys/kernel/random/boot_id", in->boot,
			      sizeof(in->boot)) <= 0)
		in->boot[0] = '\0';
	return in;
}

static void inc_clear(struct incident *c)
{
	int i;

	for (i = 0; i < c->n_exes; i++)
		free(c->exes[i]);
	for (i = 0; i < c->n_persist; i++)
		free(c->persist[i]);
	memset(c, 0, sizeof(*c));
}

void incidents__free(struct incidents *in)
{
	int i;

	if (!in)
		return;
	for (i = 0; i < INC_MAX; i++)
		inc_clear(&in->inc[i]);
	free(in);
}

uint64_t incidents__key(char kind, const char *s)
{
	uint64_t h = fnv1a64(FNV64_INIT, &kind, 1);

	h = fnv1a64_str(h, s);
	return h ? h : 1;
}

/* --- the key table ----------------------------------------------------- */

static int slot_find(const struct incidents *in, uint64_t key)
{
	unsigned int i = (unsigned int)key & (INC_SLOTS - 1), n;

	for (n = 0; n < INC_SLOTS; n++, i = (i + 1) & (INC_SLOTS - 1)) {
		if (!in->slots[i].key)
			return -1;
		if (in->slots[i].key == key)
			return in->slots[i].inc;
	}
	return -1;
}

static void slot_put(struct incidents *in, uint64_t key, int inc)
{
	unsigned int i = (unsigned int)key & (INC_SLOTS - 1), n;

	for (n = 0; n < INC_SLOTS; n++, i = (i + 1) & (INC_SLOTS - 1))
		if (!in->slots[i].key || in->slots[i].key == key) {
			in->slots[i].key = key;
			in->slots[i].inc = inc;
			return;
		}
}

/* A key joins incident idx (a key another incident holds stays there). */
static void key_add(struct incidents *in, int idx, uint64_t key)
{
	struct incident *c = &in->inc[idx];

	if (slot_find(in, key) >= 0 || c->n_keys >= INC_KEYS)
		return;
	c->keys[c->n_keys++] = key;
	slot_put(in, key, idx);
}

static void rebuild(struct incidents *in)
{
	int i, k;

	memset(in->slots, 0, sizeof(in->slots));
	for (i = 0; i < INC_MAX; i++)
		for (k = 0; in->inc[i].used && k < in->inc[i].n_keys; k++)
			slot_put(in, in->inc[i].keys[k], i);
}

/* --- keys of an event -------------------------------------------------- */

/* A program in a temp or hidden place: its path is worth a key. */
static bool placed(const char *path)
{
	return path && (score__exe_temp(path) || score__exe_hidden(path));
}

/*
 * Process keys: the process, then its ancestors while they are part of
 * what happened (started while we ran, not a direct child of init).
 */
static int keys_of(const struct mw_event *ev, uint64_t *k, int max)
{
	const struct mw_process *p = ev->proc, *a;
	int n = 0, i;

	if (p->entity_id[0] && strcmp(p->entity_id, "0") != 0)
		k[n++] = incidents__key('e', p->entity_id);
	for (i = -1; i < ev->n_ancestors && n < max - 4; i++) {
		a = i < 0 ? ev->parent : ev->ancestors[i];
		if (!a || a->pid <= 1 || a->ppid <= 1 ||
		    (a->flags & MW_PROC_SEEDED))
			break;
		k[n++] = incidents__key('e', a->entity_id);
		if (placed(a->exec_path))
			k[n++] = incidents__key('f', a->exec_path);
	}
	if (p->exe)
		k[n++] = incidents__key('f', p->exe);
	if (p->exec_path && placed(p->exec_path))
		k[n++] = incidents__key('f', p->exec_path);
	if (ev->file && ev->file->path)
		k[n++] = incidents__key('f', ev->file->path);
	if (ev->file && ev->file->target_path && n < max)
		k[n++] = incidents__key('f', ev->file->target_path);
	return n;
}

/*
 * The oldest incident any key names: a program killed or dropped in one
 * incident stays in it when run again from a tree that had a finding of
 * its own since (cron's job, a new session).
 */
static int find(const struct incidents *in, const uint64_t *k, int n)
{
	int i, idx, best = -1;

	for (i = 0; i < n; i++) {
		idx = slot_find(in, k[i]);
		if (idx >= 0 && (best < 0 || in->inc[idx].serial <
						 in->inc[best].serial))
			best = idx;
	}
	return best;
}

/* --- incidents --------------------------------------------------------- */

static void sum_up(struct incidents *in, struct incident *c, const char *why);

static int start(struct incidents *in, const struct mw_event *ev,
		 uint64_t now)
{
	int i, idx = -1;
	uint64_t h;
	char buf[64];

	for (i = 0; i < INC_MAX && idx < 0; i++)
		if (!in->inc[i].used)
			idx = i;
	if (idx < 0) {
		idx = 0;
		for (i = 1; i < INC_MAX; i++)
			if (in->inc[i].last_ns < in->inc[idx].last_ns)
				idx = i;
		if (in->inc[idx].last_ns > in->inc[idx].summed_ns)
			sum_up(in, &in->inc[idx], "evicted");
		inc_clear(&in->inc[idx]);
		rebuild(in);
	}
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)++in->serial);
	h = fnv1a64_str(FNV64_INIT, in->boot);
	h = fnv1a64_str(h, buf);
	h = fnv1a64_str(h, ev->proc->entity_id);
	h = fnv1a64(h, &now, sizeof(now));
	in->inc[idx].used = true;
	in->inc[idx].serial = in->serial;
	in->inc[idx].first_ns = now;
	snprintf(in->inc[idx].id, INCIDENT_ID_LEN, "%016llx",
		 (unsigned long long)h);
	return idx;
}

static void list_add(char (*list)[32], int *n, int max, size_t len,
		     const char *s)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strncmp(list[i], s, len - 1) == 0)
			return;
	if (*n < max)
		snprintf(list[(*n)++], len, "%s", s);
}

static void str_add(char **list, int *n, const char *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return;
	if (*n < INC_LIST)
		list[*n] = strdup(s), *n += list[*n] != NULL;
}

static bool persistence(const char *t)
{
	return strncmp(t, "T1053", 5) == 0 || strncmp(t, "T1543", 5) == 0 ||
	       strncmp(t, "T1037", 5) == 0 || strncmp(t, "T1547", 5) == 0;
}

static void count(struct incident *c, const struct mw_event *ev,
		  const struct rule *r)
{
	const char *const *t;
	int n, i;

	c->findings++;
	if (rule__severity(r) > c->max_severity)
		c->max_severity = rule__severity(r);
	list_add(c->rules, &c->n_rules, INC_LIST, sizeof(c->rules[0]),
		 rule__id(r));
	t = rule__techniques(r, &n);
	for (i = 0; i < n; i++) {
		list_add(c->techniques, &c->n_techniques, INC_LIST,
			 sizeof(c->techniques[0]), t[i]);
		if (ev->file && ev->file->path && persistence(t[i]))
			str_add(c->persist, &c->n_persist, ev->file->path);
	}
	if (ev->proc->exe)
		str_add(c->exes, &c->n_exes, ev->proc->exe);
}

const char *incidents__tag(struct incidents *in, const struct mw_event *ev,
			   const struct rule *r, json_t *doc)
{
	uint64_t k[KEYS_PER_EV], now = ev->ts_ns ? ev->ts_ns : clock__boot_ns();
	const char *exe = ev->proc->exe;
	uint64_t exe_key = exe ? incidents__key('f', exe) : 0;
	struct incident *c;
	int n, i, idx;

	if (!in)
		return NULL;
	n = keys_of(ev, k, KEYS_PER_EV);
	idx = find(in, k, n);
	if (idx < 0)
		idx = start(in, ev, now);
	c = &in->inc[idx];
	/*
	 * Its program's path finds an incident that killed it, but becomes a
	 * key itself only when the program sits in a temp or hidden place
	 * (/bin/sh would join every shell to one incident).
	 */
	for (i = 0; i < n; i++)
		if (k[i] != exe_key || placed(exe))
			key_add(in, idx, k[i]);
	if (now > c->last_ns)
		c->last_ns = now;
	count(c, ev, r);
	in->cur = idx;
	if (doc)
		jsonx_set_path(doc, "minerwatch.incident.id",
			       json_string(c->id));
	return c->id;
}

/* A program of the system's own directories, shared by everything. */
static bool system_program(const char *path)
{
	static const char *const dirs[] = {"/usr/", "/bin/", "/sbin/",
					   "/lib/", "/lib64/", "/opt/"};
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strncmp(path, dirs[i], strlen(dirs[i])))
			return true;
	return false;
}

void incidents__killed(struct incidents *in, const struct mw_event *ev)
{
	const struct mw_process *p = ev->proc;
	struct incident *c;
	struct killed *kd;

	if (!in || in->cur < 0 || !p->exe)
		return;
	c = &in->inc[in->cur];
	c->kills++;
	in->kills++;
	key_add(in, in->cur, incidents__key('f', p->exe));
	kd = &c->killed[c->n_killed < 4 ? c->n_killed++ : 3];
	snprintf(kd->exe, sizeof(kd->exe), "%s", p->exe);
	snprintf(kd->prog, sizeof(kd->prog), "%s",
		 p->exec_path ? p->exec_path : p->exe);
	kd->ino = p->exe_ino;
	kd->dev = p->exe_dev;
	kd->shared = system_program(kd->prog);
	kd->args_hash = fnv1a64_str(FNV64_INIT, p->cmdline ? p->cmdline : "");
	kd->ts_ns = ev->ts_ns ? ev->ts_ns : clock__boot_ns();
}

/* --- restart by persistence ------------------------------------------- */

static bool is_cron(const char *n)
{
	return !strcmp(n, "cron") || !strcmp(n, "crond") ||
	       !strcmp(n, "anacron") || !strcmp(n, "atd") ||
	       !strcmp(n, "systemd-cron") || !strcmp(n, "busybox-crond");
}

static bool is_rc(const struct mw_process *a, const char *n)
{
	const char *x = a->exec_path ? a->exec_path : "";

	return !strcmp(n, "rc") || !strcmp(n, "rc.local") ||
	       !strcmp(n, "openrc") || !strcmp(n, "openrc-run") ||
	       strncmp(x, "/etc/init.d/", 12) == 0 ||
	       strncmp(x, "/etc/rc", 7) == 0;
}

/*
 * Who ran it: the nearest of cron, an rc script, systemd. systemd only as
 * the parent or the grandparent (a unit's ExecStart, or its sh -c), and
 * by name: every process has pid 1 among its ancestors, and pid 1 is not
 * systemd everywhere (a container's, this test host's).
 */
static const char *via_of(const struct mw_event *ev, const char **evidence)
{
	const struct mw_process *a;
	const char *n, *script;
	int i;

	for (i = -1; i < ev->n_ancestors; i++) {
		a = i < 0 ? ev->parent : ev->ancestors[i];
		if (!a)
			continue;
		n = a->name ? a->name : a->comm;
		script = a->exec_path ? strrchr(a->exec_path, '/') : NULL;
		if (is_cron(n) || is_cron(a->comm))
			return *evidence = "restart_by_cron", "cron";
		if (is_rc(a, n) || (script && is_rc(a, script + 1)))
			return *evidence = "restart_by_rc", "rc";
		if (i < 1 && (!strcmp(n, "systemd") || !strcmp(a->comm, "systemd")))
			return *evidence = "restart_by_systemd", "systemd";
	}
	return NULL;
}

static bool kind_of(const char *via, const char *path)
{
	if (!strcmp(via, "cron"))
		return strstr(path, "cron") || strstr(path, "/at/");
	if (!strcmp(via, "systemd"))
		return strstr(path, "systemd") || strstr(path, ".service") ||
		       strstr(path, ".timer");
	return strstr(path, "/rc") || strstr(path, "init.d");
}

/* Does the file (seen from pid's root) name the program or its script? */
static bool mentions(const struct mw_event *ev, const char *path, char *buf)
{
	const struct mw_process *p = ev->proc, *a;
	char full[PATH_MAX + 64];
	int i;

	snprintf(full, sizeof(full), "/proc/%u/root%s", p->pid, path);
	if (procfs__read_file(full, buf, PERSIST_READ) <= 0)
		return false;
	if (p->exe && strstr(buf, p->exe))
		return true;
	if (p->exec_path && strstr(buf, p->exec_path))
		return true;
	for (i = -1; i < ev->n_ancestors; i++) {
		a = i < 0 ? ev->parent : ev->ancestors[i];
		if (a && a->exec_path && placed(a->exec_path) &&
		    strstr(buf, a->exec_path))
			return true;
	}
	return false;
}

static void persist_file(const struct incident *c, const struct mw_event *ev,
			 const char *via, char *out, size_t len)
{
	char *buf = malloc(PERSIST_READ);
	int i;

	out[0] = '\0';
	for (i = c->n_persist - 1; i >= 0; i--) {
		if (!kind_of(via, c->persist[i]))
			continue;
		if (!out[0])
			snprintf(out, len, "%s", c->persist[i]);
		if (buf && mentions(ev, c->persist[i], buf)) {
			snprintf(out, len, "%s", c->persist[i]);
			break;
		}
	}
	free(buf);
}

static const struct killed *killed_match(const struct incident *c,
					 const struct mw_process *p,
					 uint64_t now)
{
	int i;

	const char *prog = p->exec_path ? p->exec_path : p->exe;

	for (i = 0; i < c->n_killed; i++) {
		const struct killed *k = &c->killed[i];

		if (now - k->ts_ns > KILL_MEMORY_NS || k->ts_ns > now)
			continue;
		if (k->shared) {
			/* An interpreter or tool: same program, same line. */
			if (!strcmp(k->prog, prog) &&
			    k->args_hash ==
				fnv1a64_str(FNV64_INIT,
					    p->cmdline ? p->cmdline : ""))
				return k;
			continue;
		}
		if (!strcmp(k->exe, p->exe) || !strcmp(k->prog, prog) ||
		    (k->ino && k->ino == p->exe_ino && k->dev == p->exe_dev))
			return k;
	}
	return NULL;
}

bool incidents__any_killed(const struct incidents *in)
{
	return in && in->kills;
}

bool incidents__restart(struct incidents *in, const struct mw_event *ev,
			struct incident_restart *out)
{
	uint64_t now = ev->ts_ns ? ev->ts_ns : clock__boot_ns();
	const struct killed *k = NULL;
	struct incident *c = NULL;
	const char *via, *evidence = NULL;
	int i;

	if (!in || !ev->proc->exe)
		return false;
	for (i = 0; i < INC_MAX && !k; i++) {
		c = &in->inc[i];
		if (c->used && c->n_killed)
			k = killed_match(c, ev->proc, now);
	}
	if (!k)
		return false;
	via = via_of(ev, &evidence);
	if (!via)
		return false;
	c->restarts++;
	memset(out, 0, sizeof(*out));
	memcpy(out->id, c->id, INCIDENT_ID_LEN);
	out->via = via;
	out->evidence = evidence;
	out->killed_ns = k->ts_ns;
	persist_file(c, ev, via, out->file, sizeof(out->file));
	return true;
}

/* --- summaries --------------------------------------------------------- */

static json_t *str_array(char **list, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(list[i]));
	return a;
}

static json_t *fixed_array(const char *list, size_t width, int n)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(list + i * width));
	return a;
}

static void sum_up(struct incidents *in, struct incident *c, const char *why)
{
	json_t *d = json_object(), *doc;
	char ts[64];

	json_object_set_new(d, "id", json_string(c->id));
	json_object_set_new(d, "status", json_string(why));
	json_object_set_new(d, "findings", json_integer(c->findings));
	json_object_set_new(d, "kills", json_integer(c->kills));
	json_object_set_new(d, "restarts", json_integer(c->restarts));
	json_object_set_new(d, "rules", fixed_array(c->rules[0],
						    sizeof(c->rules[0]),
						    c->n_rules));
	json_object_set_new(d, "executables", str_array(c->exes, c->n_exes));
	json_object_set_new(d, "persistence_files",
			    str_array(c->persist, c->n_persist));
	doc = report__state("incident", json_pack("{s:o}", "incident", d));
	if (!doc)
		return;
	jsonx_set_path(doc, "event.severity", json_integer(c->max_severity));
	report__timestamp(c->first_ns, ts, sizeof(ts));
	jsonx_set_path(doc, "event.start", json_string(ts));
	report__timestamp(c->last_ns, ts, sizeof(ts));
	jsonx_set_path(doc, "event.end", json_string(ts));
	jsonx_set_path(doc, "threat.technique.id",
		       fixed_array(c->techniques[0], sizeof(c->techniques[0]),
				   c->n_techniques));
	reporter__emit(in->rep, doc);
	c->summed_ns = c->last_ns;
}

void incidents__tick(struct incidents *in, uint64_t now_ns, bool all)
{
	struct incident *c;
	int i;

	if (!in || (!all && now_ns - in->last_tick_ns < 1000000000ULL))
		return;
	in->last_tick_ns = now_ns;
	for (i = 0; i < INC_MAX; i++) {
		c = &in->inc[i];
		if (!c->used || c->last_ns <= c->summed_ns)
			continue;
		if (all)
			sum_up(in, c, "daemon-stopped");
		else if (now_ns - c->last_ns >= INCIDENT_QUIET_S * 1000000000ULL)
			sum_up(in, c, "quiet");
	}
}

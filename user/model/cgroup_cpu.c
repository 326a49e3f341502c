// SPDX-License-Identifier: GPL-2.0-only
/*
 * cgroup_cpu.c - model stage: CPU behaviour of cgroups (see cgroup_cpu.h).
 *
 * A fixed table of CGROUP_CPU_MAX cgroups keyed by the kernel's cgroup id
 * (the one on every process record), open addressing. A cgroup's path is
 * read once from /proc/PID/cgroup of a process in it; its cpu.stat once
 * per sample. One daemon per process: the table is the module's, used
 * only by the thread that samples.
 *
 * Cost: one small file read per cgroup per sample (2.5 s); a host with
 * 100 containers reads 100 files, about 1 ms.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "model/cgroup_cpu.h"
#include "model/cpu.h"
#include "util/procfs.h"

struct cg {
	uint64_t id;	   /* 0: free */
	uint64_t state[4]; /* cgroup_cpu__update() */
	uint32_t rep;
	uint64_t rep_start;
	bool rep_placed, any_busy, seen, path_tried;
	bool reported; /* this busy run was handed to fn already */
	char path[256];
};

static struct cg table[CGROUP_CPU_MAX];
static char mount_dir[PATH_MAX];
static bool mount_tried;

bool cgroup_cpu__update(uint64_t st[4], uint64_t usage_us, uint64_t now_ns)
{
	uint64_t dt, used;

	if (!st[1] || now_ns <= st[1] || usage_us < st[0]) {
		st[0] = usage_us;
		st[1] = now_ns;
		st[2] = st[3] = 0;
		return false;
	}
	dt = now_ns - st[1];
	used = usage_us - st[0];
	st[0] = usage_us;
	st[1] = now_ns;
	if (used * 1000 * 100 >= dt * CPU_ACTIVE_PCT) {
		st[2] += dt;
		st[3] += used;
	} else {
		st[2] = st[3] = 0;
	}
	return st[2] >= CPU_BUSY_WINDOW_NS &&
	       st[3] * 1000 * 100 >= st[2] * CPU_BUSY_PCT;
}

static struct cg *slot(uint64_t id, bool add)
{
	unsigned int i = (unsigned int)(id * 0x9E3779B97F4A7C15ULL >> 40) %
			 CGROUP_CPU_MAX,
		     n;

	for (n = 0; n < CGROUP_CPU_MAX; n++, i = (i + 1) % CGROUP_CPU_MAX) {
		if (table[i].id == id)
			return &table[i];
		if (!table[i].id) {
			if (!add)
				return NULL;
			memset(&table[i], 0, sizeof(table[i]));
			table[i].id = id;
			return &table[i];
		}
	}
	return NULL; /* full: that cgroup is not followed */
}

void cgroup_cpu__begin(void)
{
	int i;

	for (i = 0; i < CGROUP_CPU_MAX; i++) {
		table[i].seen = false;
		table[i].any_busy = false;
		table[i].rep = 0;
		table[i].rep_placed = false;
		table[i].rep_start = 0;
	}
}

void cgroup_cpu__see(const struct mw_process *p, bool busy, bool placed)
{
	struct cg *c;

	if (!p->cgroup_id)
		return;
	c = slot(p->cgroup_id, true);
	if (!c)
		return;
	c->seen = true;
	c->any_busy |= busy;
	/*
	 * The stand-in: a placed program first, then the oldest: it is judged
	 * a sample later, when a short-lived one is gone already.
	 */
	if (!c->rep || (placed && !c->rep_placed) ||
	    (placed == c->rep_placed && p->start_ns < c->rep_start)) {
		c->rep = p->pid;
		c->rep_start = p->start_ns;
		c->rep_placed = placed;
	}
}

/* The cgroup2 mount point, from /proc/self/mountinfo ("" when none). */
static const char *cg_mount(void)
{
	char line[1024], root[PATH_MAX], dir[PATH_MAX];
	FILE *f;

	if (mount_tried)
		return mount_dir;
	mount_tried = true;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return mount_dir;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " - cgroup2 ") &&
		    sscanf(line, "%*s %*s %*s %4095s %4095s", root, dir) == 2 &&
		    strcmp(root, "/") == 0) {
			snprintf(mount_dir, sizeof(mount_dir), "%s", dir);
			break;
		}
	fclose(f);
	return mount_dir;
}

/* Its path below the mount, from the v2 line "0::/a/b" of a member. */
static void cg_path(struct cg *c)
{
	char path[64], buf[4096], *l;

	c->path_tried = true;
	snprintf(path, sizeof(path), "/proc/%u/cgroup", c->rep);
	if (procfs__read_file(path, buf, sizeof(buf)) <= 0)
		return;
	for (l = buf; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
		if (strncmp(l, "0::", 3) == 0) {
			snprintf(c->path, sizeof(c->path), "%.*s",
				 (int)strcspn(l + 3, "\n"), l + 3);
			return;
		}
}

static bool cg_usage(const struct cg *c, uint64_t *us)
{
	char path[PATH_MAX + 300], buf[512];
	const char *m = cg_mount();

	if (!m[0] || !c->path[0] || strcmp(c->path, "/") == 0)
		return false;
	snprintf(path, sizeof(path), "%s%s/cpu.stat", m, c->path);
	if (procfs__read_file(path, buf, sizeof(buf)) <= 0)
		return false;
	return sscanf(buf, "usage_usec %" SCNu64, us) == 1;
}

/* Drop the cgroups not seen and re-insert the rest (keeps probing right). */
static void compact(void)
{
	static struct cg keep[CGROUP_CPU_MAX];
	struct cg *c;
	int i, n = 0;

	for (i = 0; i < CGROUP_CPU_MAX; i++)
		if (table[i].id && table[i].seen)
			keep[n++] = table[i];
	memset(table, 0, sizeof(table));
	for (i = 0; i < n; i++) {
		c = slot(keep[i].id, true);
		if (c)
			*c = keep[i];
	}
}

int cgroup_cpu__end(uint64_t now_ns, cgroup_busy_fn fn, void *ctx)
{
	struct cgroup_busy b;
	bool busy, gone = false;
	uint64_t us;
	int i, n = 0;

	for (i = 0; i < CGROUP_CPU_MAX; i++) {
		struct cg *c = &table[i];

		if (!c->id)
			continue;
		if (!c->seen) {
			gone = true; /* every member exited */
			continue;
		}
		n++;
		if (!c->path_tried)
			cg_path(c);
		if (!cg_usage(c, &us))
			continue;
		busy = cgroup_cpu__update(c->state, us, now_ns);
		if (!c->state[2])
			c->reported = false; /* the run broke */
		/* A busy process of its own is judged as a process. */
		if (!busy || c->any_busy || c->reported)
			continue;
		c->reported = true;
		b = (struct cgroup_busy){
		    .pid = c->rep,
		    .cgroup_id = c->id,
		    .pct = (int)(c->state[3] * 100000 / c->state[2]),
		    .busy_s = c->state[2] / 1000000000ULL,
		    .path = c->path};
		fn(&b, ctx);
	}
	if (gone)
		compact();
	return n;
}

bool cgroup_cpu__busy_of(uint64_t cgroup_id, struct cgroup_busy *b)
{
	struct cg *c = cgroup_id ? slot(cgroup_id, false) : NULL;

	if (!c || !c->reported || !c->state[2])
		return false;
	*b = (struct cgroup_busy){
	    .pid = c->rep,
	    .cgroup_id = c->id,
	    .pct = (int)(c->state[3] * 100000 / c->state[2]),
	    .busy_s = c->state[2] / 1000000000ULL,
	    .path = c->path};
	return true;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * proc_cache.c - the process model: one record per process, keyed by pid,
 * with lineage.
 *
 * Seeded from /proc at start, then kept current by the exec, fork and exit
 * records the sensors decode; every later stage (rules, respond, report)
 * borrows these records for one event and never writes them: the cache is
 * the only writer (proc_cache__set_sha256 is how a digest gets in). Exited
 * processes linger for a grace period so late records still find their
 * writer and lineage.
 *
 * Memory is bounded: at most PC_CAP records, of which at most
 * PC_EXITED_CAP exited. Exited records wait in a FIFO in exit order; expiry
 * pops its old end (no scan of the table), and a new process at either
 * cap evicts the oldest exited record first (counted); only when every
 * record is a live process does the cap give way (counted). Freed memory
 * is handed back to the system (malloc_trim) every PC_TRIM_AFTER records,
 * and what a burst's expiry left within PC_TRIM_LATEST_NS. An exit record
 * the kernel lost would
 * leave its process alive here forever: once a minute, live records whose
 * pid no longer exists are marked exited (when our pids are the host's).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/proc_cache.h"
#include "model/proc_name.h"
#include "model/behaviour_event.h"
#include "util/procfs.h"
#include "util/fnv.h"

#define PC_BUCKETS 16384		    /* power of two */
#define PC_GRACE_NS (30ULL * 1000000000ULL) /* exited records linger */
#define PC_CG_SLOTS 1024 /* cgroup id -> container id cache */
#define PC_RECONCILE_NS (60ULL * 1000000000ULL)
#define PC_TRIM_AFTER 1024 /* records freed before memory is trimmed */
#define PC_TRIM_LATEST_NS (30ULL * 1000000000ULL) /* the rest trimmed by then */

struct pc_entry {
	struct mw_process p;
	struct pc_entry *next;
	struct pc_entry *xprev, *xnext; /* the exited FIFO, oldest first */
	uint64_t exited_ns; /* 0 while alive */
};

struct cg_slot {
	uint64_t cgroup_id;
	char container_id[65];
};

struct proc_cache {
	struct pc_entry *bucket[PC_BUCKETS];
	unsigned int size, cap;
	struct pc_entry *x_head, *x_tail; /* exited records, oldest first */
	unsigned int exited;
	uint64_t evicted, over_cap, reconciled;
	uint64_t last_reconcile_ns;
	bool reconcile;		 /* /proc shows the kernel's pids */
	unsigned int freed_since_trim;
	uint64_t last_trim_ns;
	char boot_id[40];
	long ticks_per_sec;
	char proc_root[64];
	struct cg_slot cg[PC_CG_SLOTS];
};

static unsigned int pc_hash(uint32_t pid)
{
	return (pid * 2654435761u) & (PC_BUCKETS - 1);
}

void proc_cache__entity_id(const struct proc_cache *pc, uint32_t pid,
			   uint64_t start_ns, char out[MW_ENTITY_ID_LEN])
{
	/* Clock ticks, as /proc/PID/stat has it, so seeded ids agree. */
	uint64_t ticks = start_ns / (1000000000ULL / pc->ticks_per_sec);
	uint64_t h = FNV64_INIT;

	h = fnv1a64_str(h, pc->boot_id);
	h = fnv1a64(h, &pid, sizeof(pid));
	h = fnv1a64(h, &ticks, sizeof(ticks));
	snprintf(out, MW_ENTITY_ID_LEN, "%016llx", (unsigned long long)h);
}

struct proc_cache *proc_cache__new(void)
{
	struct proc_cache *pc = calloc(1, sizeof(*pc));
	FILE *f;

	if (!pc)
		return NULL;
	pc->cap = PC_CAP;
	pc->ticks_per_sec = sysconf(_SC_CLK_TCK);
	if (pc->ticks_per_sec <= 0)
		pc->ticks_per_sec = 100;
	snprintf(pc->proc_root, sizeof(pc->proc_root), "/proc");
	f = fopen("/proc/sys/kernel/random/boot_id", "r");
	if (f) {
		if (!fgets(pc->boot_id, sizeof(pc->boot_id), f))
			pc->boot_id[0] = '\0';
		pc->boot_id[strcspn(pc->boot_id, "\n")] = '\0';
		fclose(f);
	}
	return pc;
}

static void proc_clear(struct mw_process *p)
{
	int i;

	free(p->exe);
	free(p->cwd);
	for (i = 0; p->argv && i < p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->cmdline);
	free(p->exec_path);
	p->exe = p->cwd = p->cmdline = p->exec_path = NULL;
	p->name = NULL;
	p->argv = NULL;
	p->argc = 0;
}

void proc_cache__free(struct proc_cache *pc)
{
	struct pc_entry *e, *next;
	unsigned int i;

	if (!pc)
		return;
	for (i = 0; i < PC_BUCKETS; i++) {
		for (e = pc->bucket[i]; e; e = next) {
			next = e->next;
			proc_clear(&e->p);
			free(e);
		}
	}
	free(pc);
}

static struct pc_entry *entry_find(struct proc_cache *pc, uint32_t pid)
{
	struct pc_entry *e;

	for (e = pc->bucket[pc_hash(pid)]; e; e = e->next)
		if (e->p.pid == pid)
			return e;
	return NULL;
}

struct mw_process *proc_cache__lookup(struct proc_cache *pc, uint32_t pid)
{
	struct pc_entry *e = entry_find(pc, pid);

	return e ? &e->p : NULL;
}

/* Exited records, in exit order. */
static void exited_push(struct proc_cache *pc, struct pc_entry *e)
{
	e->xnext = NULL;
	e->xprev = pc->x_tail;
	if (pc->x_tail)
		pc->x_tail->xnext = e;
	else
		pc->x_head = e;
	pc->x_tail = e;
	pc->exited++;
}

static void exited_unlink(struct proc_cache *pc, struct pc_entry *e)
{
	if (!e->exited_ns)
		return;
	if (e->xprev)
		e->xprev->xnext = e->xnext;
	else
		pc->x_head = e->xnext;
	if (e->xnext)
		e->xnext->xprev = e->xprev;
	else
		pc->x_tail = e->xprev;
	e->xprev = e->xnext = NULL;
	e->exited_ns = 0;
	pc->exited--;
}

static void entry_remove(struct proc_cache *pc, struct pc_entry *victim)
{
	struct pc_entry **pp = &pc->bucket[pc_hash(victim->p.pid)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == victim) {
			*pp = victim->next;
			exited_unlink(pc, victim);
			proc_clear(&victim->p);
			free(victim);
			pc->size--;
			pc->freed_since_trim++;
			return;
		}
	}
}

/*
 * Make room for one more record: at the cap, the oldest exited record goes
 * (counted). When every record is a live process, the cap gives way
 * (counted): a live process without a record would be judged without its
 * name or lineage, which costs more than its few hundred bytes.
 */
static void entry_room(struct proc_cache *pc)
{
	if (pc->size < pc->cap)
		return;
	if (!pc->x_head) {
		pc->over_cap++;
		return;
	}
	entry_remove(pc, pc->x_head);
	pc->evicted++;
}

/* A fresh, empty record for pid (replacing any old one). */
static struct pc_entry *entry_new(struct proc_cache *pc, uint32_t pid)
{
	struct pc_entry *e = entry_find(pc, pid);

	if (e) {
		exited_unlink(pc, e);
		proc_clear(&e->p);
		memset(&e->p, 0, sizeof(e->p));
	} else {
		unsigned int b = pc_hash(pid);

		entry_room(pc);
		e = calloc(1, sizeof(*e));
		if (!e)
			return NULL;
		e->next = pc->bucket[b];
		pc->bucket[b] = e;
		pc->size++;
	}
	e->p.pid = pid;
	e->p.image_pid = pid;
	e->p.loginuid = UINT32_MAX;
	return e;
}

static void proc_set_exe(struct mw_process *p, const char *exe)
{
	const char *slash;

	free(p->exe);
	p->exe = exe && *exe ? strdup(exe) : NULL;
	if (!p->exe) {
		p->name = NULL;
		return;
	}
	slash = strrchr(p->exe, '/');
	p->name = slash ? (char *)slash + 1 : p->exe;
}

int proc_set_args(struct mw_process *p, const char *args, size_t len)
{
	size_t i, start, total = 0;
	int n = 0, k = 0;
	char *c;

	for (i = 0; p->argv && i < (size_t)p->argc; i++)
		free(p->argv[i]);
	free(p->argv);
	free(p->cmdline);
	p->argv = NULL;
	p->cmdline = NULL;
	p->argc = 0;
	/* Trailing NULs are terminators, not empty arguments. */
	while (len && args[len - 1] == '\0')
		len--;
	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		if (args[i] == '\0')
			n++;
	n++;
	p->argv = calloc(n + 1, sizeof(char *));
	p->cmdline = malloc(len + 1);
	if (!p->argv || !p->cmdline)
		return -ENOMEM;
	for (i = 0, start = 0; i <= len; i++) {
		if (i < len && args[i] != '\0')
			continue;
		p->argv[k] = strndup(args + start, i - start);
		if (!p->argv[k])
			return -ENOMEM;
		k++;
		start = i + 1;
	}
	p->argc = k;
	c = p->cmdline;
	for (k = 0; k < p->argc; k++) {
		size_t l = strlen(p->argv[k]);

		if (k)
			c[total++] = ' ';
		memcpy(c + total, p->argv[k], l);
		total += l;
	}
	c[total] = '\0';
	return 0;
}

/* Does the text before p (bounded by start) end with suffix? */
static bool ends_with(const char *start, const char *p, const char *suffix)
{
	size_t n = strlen(suffix);

	return (size_t)(p - start) >= n && !memcmp(p - n, suffix, n);
}

/*
 * Container id in one cgroup path [p, end): the last run of exactly 64
 * lowercase hex digits bounded by non-alphanumerics. That covers docker
 * (/docker/<id>, docker-<id>.scope), containerd (cri-containerd-<id>.scope,
 * /kubepods/<qos>/pod<uid>/<id>, /k8s.io/<id>), cri-o (crio-<id>.scope),
 * podman (libpod-<id>.scope, /libpod_parent/libpod-<id>) and nested docker
 * (the innermost wins). The conmon monitor scopes of cri-o and podman
 * (crio-conmon-<id>, libpod-conmon-<id>) name a container but are not in
 * it: skipped. LXC/Incus have names, not ids: lxc.payload.<name>,
 * /lxc/<name>.
 */
static bool path_container_id(const char *p, const char *end, char out[65])
{
	const char *start = p, *lxc;
	bool found = false;

	while (p < end) {
		size_t n = 0;

		while (p + n < end && isxdigit((unsigned char)p[n]) &&
		       !isupper((unsigned char)p[n]))
			n++;
		if (n == 64 && (p == start || !isalnum((unsigned char)p[-1])) &&
		    (p + n == end || !isalnum((unsigned char)p[n])) &&
		    !ends_with(start, p, "conmon-")) {
			memcpy(out, p, 64);
			out[64] = '\0';
			found = true;
		}
		p += n ? n : 1;
	}
	if (found)
		return true;
	lxc = memmem(start, end - start, "/lxc.payload.", 13);
	if (lxc)
		lxc += 13;
	else if ((lxc = memmem(start, end - start, "/lxc/", 5)))
		lxc += 5;
	if (lxc && lxc < end) {
		size_t n = 0;

		while (lxc + n < end && lxc[n] != '/' && n < 64)
			n++;
		if (n && (lxc + n == end || lxc[n] == '/')) {
			memcpy(out, lxc, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

void proc_container_id(const char *text, char out[65])
{
	const char *line = text;
	char v1[65] = "";

	out[0] = '\0';
	/*
	 * One line per hierarchy, "ID:CONTROLLERS:PATH". The cgroup v2 line
	 * ("0::PATH") is what the kernel hooks see, so it wins; on hybrid
	 * hosts where it says nothing (v2 unused), any v1 line that names a
	 * container does.
	 */
	while (*line) {
		const char *nl = strchr(line, '\n');
		const char *end = nl ? nl : line + strlen(line);
		const char *path = memchr(line, ':', end - line);
		char id[65];

		if (path)
			path = memchr(path + 1, ':', end - path - 1);
		/* Not in the /proc format: take the line as a bare path. */
		if (path_container_id(path ? path + 1 : line, end, id)) {
			if (!strncmp(line, "0::", 3)) {
				strcpy(out, id);
				return;
			}
			strcpy(v1, id);
		}
		line = nl ? nl + 1 : end;
	}
	strcpy(out, v1);
}

static void container_lookup(struct proc_cache *pc, struct mw_process *p)
{
	struct cg_slot *slot = &pc->cg[p->cgroup_id % PC_CG_SLOTS];
	char path[96], text[4096];

	if (p->cgroup_id && slot->cgroup_id == p->cgroup_id) {
		memcpy(p->container_id, slot->container_id, 65);
		return;
	}
	snprintf(path, sizeof(path), "%s/%u/cgroup", pc->proc_root, p->pid);
	if (procfs__read_file(path, text, sizeof(text)) < 0)
		return;
	proc_container_id(text, p->container_id);
	if (p->cgroup_id) {
		slot->cgroup_id = p->cgroup_id;
		memcpy(slot->container_id, p->container_id, 65);
	}
}

/* readlink() a /proc link; strip " (deleted)" and report it. */
static int read_link(const char *path, char *buf, size_t size, int *deleted)
{
	ssize_t n = readlink(path, buf, size - 1);
	static const char sfx[] = " (deleted)";

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (deleted)
		*deleted = 0;
	if ((size_t)n > sizeof(sfx) - 1 &&
	    strcmp(buf + n - (sizeof(sfx) - 1), sfx) == 0) {
		buf[n - (sizeof(sfx) - 1)] = '\0';
		if (deleted)
			*deleted = 1;
	}
	return 0;
}

static uint32_t ns_inode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (uint32_t)st.st_ino : 0;
}

/*
 * A memfd executable found at start: whether it is sealed against writes,
 * as the exec sensor reads it from the inode (F_GET_SEALS on the image
 * reached through /proc/PID/exe). Unreadable counts as unsealed.
 */
static uint32_t memfd_sealed_flag(const char *exe_link)
{
	int fd = open(exe_link, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int seals;

	if (fd < 0)
		return 0;
	seals = fcntl(fd, F_GET_SEALS);
	close(fd);
	if (seals < 0)
		return 0;
	return (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		       ? MW_PROC_MEMFD_SEALED
		       : 0;
}

/* Learn one process from /proc. Returns the record or NULL. */
static struct mw_process *proc_learn(struct proc_cache *pc, uint32_t pid)
{
	char path[96], buf[8192], link[4096];
	struct procfs_stat st;
	struct pc_entry *e;
	struct mw_process *p;
	int deleted = 0;
	char *line;
	ssize_t n;

	if (procfs__stat(pc->proc_root, pid, &st))
		return NULL;
	e = entry_new(pc, pid);
	if (!e)
		return NULL;
	p = &e->p;
	p->ppid = st.ppid;
	p->start_ns = st.start_ticks * (1000000000ULL / pc->ticks_per_sec);
	p->flags = MW_PROC_SEEDED;
	memcpy(p->comm, st.comm, sizeof(p->comm));

	snprintf(path, sizeof(path), "%s/%u/status", pc->proc_root, pid);
	if (procfs__read_file(path, buf, sizeof(buf)) > 0) {
		for (line = strtok(buf, "\n"); line;
		     line = strtok(NULL, "\n")) {
			unsigned int r, eff;

			if (sscanf(line, "Uid: %u %u", &r, &eff) == 2)
				p->uid = r, p->euid = eff;
			else if (sscanf(line, "Gid: %u", &r) == 1)
				p->gid = r;
			else if (strncmp(line, "NSpid:", 6) == 0) {
				char *last = strrchr(line, '\t');

				p->ns_pid =
				    last ? strtoul(last + 1, NULL, 10) : pid;
			}
		}
	}
	snprintf(path, sizeof(path), "%s/%u/loginuid", pc->proc_root, pid);
	if (procfs__read_file(path, buf, sizeof(buf)) > 0)
		p->loginuid = strtoul(buf, NULL, 10);

	snprintf(path, sizeof(path), "%s/%u/exe", pc->proc_root, pid);
	if (read_link(path, link, sizeof(link), &deleted) == 0) {
		proc_set_exe(p, link);
		if (deleted)
			p->flags |= MW_PROC_DELETED;
		if (strncmp(link, "/memfd:", 7) == 0)
			p->flags |= MW_PROC_MEMFD | memfd_sealed_flag(path);
	}
	snprintf(path, sizeof(path), "%s/%u/cwd", pc->proc_root, pid);
	if (read_link(path, link, sizeof(link), NULL) == 0)
		p->cwd = strdup(link);
	snprintf(path, sizeof(path), "%s/%u/cmdline", pc->proc_root, pid);
	n = procfs__read_file(path, buf, sizeof(buf));
	if (n > 0)
		proc_set_args(p, buf, n);
	p->name = proc_name__pick(p);
	snprintf(path, sizeof(path), "%s/%u/ns/pid", pc->proc_root, pid);
	p->pidns = ns_inode(path);
	snprintf(path, sizeof(path), "%s/%u/ns/mnt", pc->proc_root, pid);
	p->mntns = ns_inode(path);
	container_lookup(pc, p);
	proc_cache__entity_id(pc, pid, p->start_ns, p->entity_id);
	return p;
}

/* Parent entity id, from the parent's record when we have it. */
static void parent_link(struct proc_cache *pc, struct mw_process *p)
{
	struct pc_entry *pe = p->ppid ? entry_find(pc, p->ppid) : NULL;

	if (pe)
		memcpy(p->parent_entity_id, pe->p.entity_id, MW_ENTITY_ID_LEN);
	else
		p->parent_entity_id[0] = '\0';
}

int proc_cache__seed(struct proc_cache *pc, const char *proc_root)
{
	struct pc_entry *e;
	struct dirent *de;
	unsigned int i;
	DIR *d;

	if (proc_root)
		snprintf(pc->proc_root, sizeof(pc->proc_root), "%s", proc_root);
	d = opendir(pc->proc_root);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || pid == 0)
			continue;
		proc_learn(pc, pid);
	}
	closedir(d);
	/* Parents are all known now: link entity ids. */
	for (i = 0; i < PC_BUCKETS; i++)
		for (e = pc->bucket[i]; e; e = e->next)
			parent_link(pc, &e->p);
	return 0;
}

struct mw_process *proc_cache__get(struct proc_cache *pc, uint32_t pid)
{
	struct pc_entry *e = entry_find(pc, pid);
	struct mw_process *p;

	if (e)
		return &e->p;
	if (pid == 0)
		return NULL;
	p = proc_learn(pc, pid);
	if (p)
		parent_link(pc, p);
	return p;
}

static void hdr_copy(struct proc_cache *pc, struct mw_process *p,
		     const struct mw_hdr *h)
{
	p->ppid = h->ppid;
	p->ns_pid = h->ns_pid;
	p->uid = h->uid;
	p->gid = h->gid;
	p->euid = h->euid;
	p->loginuid = h->loginuid;
	p->start_ns = h->start_ns;
	p->cgroup_id = h->cgroup_id;
	p->pidns = h->pidns;
	p->mntns = h->mntns;
	memcpy(p->comm, h->comm, sizeof(p->comm));
	p->comm[sizeof(p->comm) - 1] = '\0';
	proc_cache__entity_id(pc, h->pid, h->start_ns, p->entity_id);
}

struct mw_process *proc_cache__on_fork(struct proc_cache *pc,
				       const struct mw_hdr *h)
{
	struct pc_entry *parent = entry_find(pc, h->ppid);
	struct pc_entry *e = entry_new(pc, h->pid);
	struct mw_process *p;

	if (!e)
		return NULL;
	p = &e->p;
	hdr_copy(pc, p, h);
	/* A forked child runs its parent's image until it execs. */
	if (parent) {
		struct mw_process *pp = &parent->p;

		proc_set_exe(p, pp->exe);
		p->cwd = pp->cwd ? strdup(pp->cwd) : NULL;
		if (pp->argc) {
			size_t len = strlen(pp->cmdline) + 1;
			char *tmp = malloc(len);
			size_t off = 0;
			int i;

			if (tmp) {
				for (i = 0; i < pp->argc; i++) {
					size_t l = strlen(pp->argv[i]) + 1;

					memcpy(tmp + off, pp->argv[i], l);
					off += l;
				}
				proc_set_args(p, tmp, off);
				free(tmp);
			}
		}
		p->exec_path = pp->exec_path ? strdup(pp->exec_path) : NULL;
		p->name = proc_name__pick(p);
		p->flags = pp->flags &
			   (MW_PROC_MEMFD | MW_PROC_MEMFD_SEALED |
			    MW_PROC_DELETED | MW_PROC_CONDEMNED);
		p->judged_rule = pp->judged_rule;
		p->judged_gen = pp->judged_gen;
		memcpy(p->container_id, pp->container_id, 65);
		memcpy(p->sha256, pp->sha256, sizeof(p->sha256));
		p->exe_ino = pp->exe_ino;
		p->exe_dev = pp->exe_dev;
		p->image_pid = pp->image_pid ? pp->image_pid : pp->pid;
	}
	parent_link(pc, p);
	return p;
}

/* Absolute form of the execve path: joined to cwd when relative. */
static void exec_path_set(struct mw_process *p, const char *filename)
{
	free(p->exec_path);
	p->exec_path = NULL;
	if (!filename || !*filename)
		return;
	if (filename[0] == '/' || !p->cwd) {
		p->exec_path = strdup(filename);
		return;
	}
	if (strncmp(filename, "./", 2) == 0)
		filename += 2;
	if (asprintf(&p->exec_path, "%s%s%s", p->cwd,
		     strcmp(p->cwd, "/") == 0 ? "" : "/", filename) < 0)
		p->exec_path = NULL;
}

struct mw_process *proc_cache__on_exec(struct proc_cache *pc,
				       const struct mw_hdr *h, const char *exe,
				       const char *args, size_t args_len,
				       const char *cwd, const char *filename,
				       uint32_t flags)
{
	struct pc_entry *e = entry_find(pc, h->pid);
	struct mw_process *p;

	/* Unknown, or a stale record of an earlier process with this pid. */
	if (!e || e->p.start_ns != h->start_ns || e->exited_ns) {
		e = entry_new(pc, h->pid);
		if (!e)
			return NULL;
	}
	p = &e->p;
	hdr_copy(pc, p, h);
	proc_set_exe(p, exe);
	free(p->cwd);
	p->cwd = cwd && *cwd ? strdup(cwd) : NULL;
	proc_set_args(p, args, args_len);
	exec_path_set(p, filename);
	proc_name__loader(p);
	p->name = proc_name__pick(p);
	p->flags = flags | MW_PROC_EXECED;
	p->exec_ts_ns = h->ts_ns;
	p->image_pid = p->pid;
	p->sha256[0] = '\0';
	p->container_id[0] = '\0';
	container_lookup(pc, p);
	parent_link(pc, p);
	return p;
}

static void entry_exited(struct proc_cache *pc, struct pc_entry *e,
			 uint64_t ts_ns)
{
	if (e->exited_ns)
		return;
	e->exited_ns = ts_ns ? ts_ns : 1;
	exited_push(pc, e);
}

/* Past PC_EXITED_CAP exited records, the oldest go early (counted). */
static void exited_trim(struct proc_cache *pc)
{
	while (pc->exited > PC_EXITED_CAP && pc->x_head) {
		entry_remove(pc, pc->x_head);
		pc->evicted++;
	}
}

void proc_cache__on_exit(struct proc_cache *pc, const struct mw_hdr *h)
{
	struct pc_entry *e = entry_find(pc, h->pid);

	if (e) {
		entry_exited(pc, e, h->ts_ns);
		exited_trim(pc);
	}
}

/*
 * Live records whose process is gone (its exit record was lost in a full
 * ring) are marked exited now, so they expire like any other.
 */
static void proc_cache__reconcile(struct proc_cache *pc, uint64_t now_ns)
{
	struct pc_entry *e;
	unsigned int i;

	for (i = 0; i < PC_BUCKETS; i++) {
		for (e = pc->bucket[i]; e; e = e->next) {
			if (e->exited_ns || e->p.pid == 0)
				continue;
			if (kill((pid_t)e->p.pid, 0) < 0 && errno == ESRCH) {
				entry_exited(pc, e, now_ns);
				pc->reconciled++;
			}
		}
	}
}

void proc_cache__set_reconcile(struct proc_cache *pc, bool on)
{
	pc->reconcile = on;
}

void proc_cache__expire(struct proc_cache *pc, uint64_t now_ns)
{
	while (pc->x_head && now_ns > pc->x_head->exited_ns + PC_GRACE_NS)
		entry_remove(pc, pc->x_head);
	exited_trim(pc); /* after a reconcile, below, at the latest next time */
	if (pc->reconcile &&
	    now_ns - pc->last_reconcile_ns >= PC_RECONCILE_NS) {
		pc->last_reconcile_ns = now_ns;
		proc_cache__reconcile(pc, now_ns);
	}
	/*
	 * A burst is over: give its freed memory back, every PC_TRIM_AFTER
	 * records, and what is left over (the tail of a burst's expiry)
	 * within PC_TRIM_LATEST_NS.
	 */
	if (pc->freed_since_trim >= PC_TRIM_AFTER ||
	    (pc->freed_since_trim &&
	     now_ns - pc->last_trim_ns >= PC_TRIM_LATEST_NS)) {
		pc->freed_since_trim = 0;
		pc->last_trim_ns = now_ns;
		malloc_trim(0);
	}
}

void proc_cache__stats(const struct proc_cache *pc, struct proc_cache_stats *st)
{
	st->size = pc->size;
	st->cap = pc->cap;
	st->exited = pc->exited;
	st->evicted = pc->evicted;
	st->over_cap = pc->over_cap;
	st->reconciled = pc->reconciled;
}

void proc_cache__set_cap(struct proc_cache *pc, unsigned int cap)
{
	pc->cap = cap ? cap : PC_CAP;
}

int proc_cache__ancestors(struct proc_cache *pc, const struct mw_process *p,
			  const struct mw_process **out, int max)
{
	const struct mw_process *cur = p;
	int n = 0;

	while (n < max && cur->ppid > 0 && cur->ppid != cur->pid) {
		struct pc_entry *pe = entry_find(pc, cur->ppid);

		if (!pe)
			break;
		/* A reused pid is a different process: the chain ends. */
		if (cur->parent_entity_id[0] &&
		    strcmp(cur->parent_entity_id, pe->p.entity_id) != 0)
			break;
		out[n++] = &pe->p;
		cur = &pe->p;
		if (cur->pid == 1)
			break;
	}
	return n;
}

void proc_cache__lineage(struct proc_cache *pc, struct mw_event *ev,
			 const struct mw_process **chain, int max)
{
	int n = proc_cache__ancestors(pc, ev->proc, chain, max);

	ev->parent = n > 0 ? chain[0] : NULL;
	ev->ancestors = n > 1 ? chain + 1 : NULL;
	ev->n_ancestors = n > 1 ? n - 1 : 0;
}

void proc_cache__add_signals(struct proc_cache *pc, const struct mw_process *p,
			     uint32_t bits)
{
	struct pc_entry *e = entry_find(pc, p->pid);

	if (!e || &e->p != p)
		return;
	if (e->p.signals_exec_ns != e->p.exec_ts_ns) {
		e->p.signals = 0; /* a new program: its own signals */
		e->p.score_judged = 0;
		e->p.signals_exec_ns = e->p.exec_ts_ns;
	}
	e->p.signals |= bits | MW_SIG_DIRTY;
}

void proc_cache__set_sha256(struct proc_cache *pc, const struct mw_process *p,
			    const char hex[MW_SHA256_HEX])
{
	struct pc_entry *e = entry_find(pc, p->pid);

	if (e && &e->p == p)
		memcpy(e->p.sha256, hex, MW_SHA256_HEX);
}

void proc_cache__condemn(struct proc_cache *pc, const struct mw_process *p,
			 int rule_idx, uint32_t gen)
{
	struct pc_entry *e = entry_find(pc, p->pid);

	if (!e || &e->p != p)
		return;
	e->p.flags |= MW_PROC_CONDEMNED;
	e->p.judged_rule = rule_idx;
	e->p.judged_gen = gen;
}

void mw_process__standin(struct mw_process *p, uint32_t pid, const char *comm)
{
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->loginuid = UINT32_MAX;
	snprintf(p->comm, sizeof(p->comm), "%s", pid ? comm : "");
	p->name = p->comm[0] ? p->comm : NULL;
	snprintf(p->entity_id, sizeof(p->entity_id), "0");
}

void proc_cache__for_each(struct proc_cache *pc, proc_cache_fn fn, void *ctx)
{
	struct pc_entry *e;
	unsigned int i;

	for (i = 0; i < PC_BUCKETS; i++)
		for (e = pc->bucket[i]; e; e = e->next)
			if (!e->exited_ns)
				fn(&e->p, ctx);
}

unsigned int proc_cache__size(const struct proc_cache *pc)
{
	return pc->size;
}

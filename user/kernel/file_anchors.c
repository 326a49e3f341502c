// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_anchors.c - the kernel stage's map of watched objects by identity
 * (mw_file_anchors, bpf/file_path.bpf.h): which directories and files the
 * file rules name, by (dev, inode), with the path this daemon's mount
 * namespace gives them.
 *
 * The file sensor's path walk looks each mount root it crosses up in this
 * map; a hit rebases the path on the daemon's name for the object, so a
 * write through a chroot on `mount --rbind / /x`, a bind mount of /etc
 * elsewhere or /proc/PID/root comes out as the watched file's real path.
 * A walk meets only mount roots, and a bind mount's root can be any
 * directory, so the map holds, for every exact or prefix watch entry:
 * the object itself, each ancestor up to "/", and the directories up to
 * two levels below it (/var/spool/cron/crontabs, a systemd .wants dir);
 * plus each account's home and its .ssh from /etc/passwd.
 *
 * It also tells the mount hooks which mount namespace is ours
 * (mw_file_host_ns).
 *
 * Identities change when a watched directory is replaced (renamed over,
 * mounted over): loader__file_anchors_refresh() re-reads them, once a
 * second from the monitor's timer and at every rules load; entries whose
 * path no longer resolves to them are pruned by generation.
 */
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"
#include "rules/file_watch.h"
#include "rules/rules.h"

#define ANCHORS_MAX 4096 /* the map's max_entries */
#define ANCHOR_SUBDIR_DEPTH 2

/* The paths to keep anchored; rebuilt at every rules load. */
struct anchor {
	char path[MW_WATCH_KEY];
	uint16_t flags;		 /* enum mw_anchor_flags */
	struct mw_inode_key key; /* identity last written; ino 0: none */
};

struct anchor_list {
	struct anchor *v;
	int n, cap;
};

static struct anchor_list anchors;
static uint32_t anchors_gen;

static void list_add(const char *p, uint16_t flags)
{
	size_t len = strlen(p);
	int i;

	if (len == 0 || len >= MW_WATCH_KEY || p[0] != '/')
		return;
	for (i = 0; i < anchors.n; i++)
		if (strcmp(anchors.v[i].path, p) == 0) {
			anchors.v[i].flags |= flags;
			return;
		}
	if (anchors.n >= ANCHORS_MAX)
		return;
	if (anchors.n == anchors.cap) {
		int cap = anchors.cap ? 2 * anchors.cap : 64;
		void *nv = realloc(anchors.v, cap * sizeof(*anchors.v));

		if (!nv)
			return; /* fewer anchors: paths fall back to "/" */
		anchors.v = nv;
		anchors.cap = cap;
	}
	memset(&anchors.v[anchors.n], 0, sizeof(anchors.v[0]));
	snprintf(anchors.v[anchors.n].path, MW_WATCH_KEY, "%s", p);
	anchors.v[anchors.n++].flags = flags;
}

/* p and every ancestor of it up to "/". */
static void add_with_ancestors(const char *p, uint16_t flags)
{
	char buf[MW_WATCH_KEY];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", p);
	list_add(buf, flags);
	while ((slash = strrchr(buf, '/')) != NULL) {
		if (slash == buf) {
			list_add("/", 0);
			return;
		}
		*slash = '\0';
		list_add(buf, 0);
	}
}

/* The directories below dir, depth levels down (bounded by the map). */
static void add_subdirs(const char *dir, int depth)
{
	char sub[MW_WATCH_KEY];
	struct dirent *de;
	DIR *d;

	if (depth <= 0 || anchors.n >= ANCHORS_MAX)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL && anchors.n < ANCHORS_MAX) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s",
			     strcmp(dir, "/") ? dir : "",
			     de->d_name) >= (int)sizeof(sub))
			continue;
		list_add(sub, 0);
		add_subdirs(sub, depth - 1);
	}
	closedir(d);
}

/* One watch entry's literal part: the object, or its directory. */
static void entry_visit(enum rules_watch_op op, const char *value, int rule_idx,
			void *ctx)
{
	struct file_watch_entry we;
	char p[MW_WATCH_KEY];
	struct stat st;
	size_t len;
	char *slash;

	(void)rule_idx;
	(void)ctx;
	if (file_watch__entry(op, value, &we) ||
	    !(we.kind & (MW_WATCH_PREFIX | MW_WATCH_EXACT)))
		return;
	snprintf(p, sizeof(p), "%s", we.key);
	len = strlen(p);
	while (len > 1 && p[len - 1] == '/')
		p[--len] = '\0';
	/* "/etc/cron." (a glob's literal part) names no object: its dir. */
	if (stat(p, &st) && (we.kind & MW_WATCH_PREFIX) &&
	    we.key[strlen(we.key) - 1] != '/') {
		slash = strrchr(p, '/');
		if (!slash)
			return;
		*(slash == p ? slash + 1 : slash) = '\0';
	}
	add_with_ancestors(p, MW_ANCHOR_WATCHED);
	if (we.kind & MW_WATCH_PREFIX)
		add_subdirs(p, ANCHOR_SUBDIR_DEPTH);
}

/* Every account's home and its .ssh: the names-anywhere rules' places. */
static void add_homes(void)
{
	char p[MW_WATCH_KEY];
	struct passwd *pw;

	setpwent();
	while ((pw = getpwent()) != NULL) {
		if (!pw->pw_dir || pw->pw_dir[0] != '/' ||
		    strcmp(pw->pw_dir, "/") == 0 ||
		    snprintf(p, sizeof(p), "%s/.ssh", pw->pw_dir) >=
			(int)sizeof(p))
			continue;
		add_with_ancestors(p, 0);
	}
	endpwent();
}

/* The identity path names now; the kernel's s_dev is major << 20 | minor. */
static void anchor_key(const char *p, struct mw_inode_key *k)
{
	struct stat st;

	memset(k, 0, sizeof(*k));
	if (stat(p, &st))
		return; /* not there (yet): walks fall back to an ancestor */
	k->ino = st.st_ino;
	k->dev = major(st.st_dev) << 20 | minor(st.st_dev);
}

static int anchor_put(struct loader *ld, const struct anchor *a, uint32_t gen)
{
	struct mw_file_anchor v = {.gen = gen, .flags = a->flags};

	if (!a->key.ino)
		return 0;
	if (strcmp(a->path, "/") != 0) {
		v.len = strlen(a->path);
		memcpy(v.path, a->path, v.len);
	}
	if (bpf_map_update_elem(ld->m.mw_file_anchors, &a->key, &v, BPF_ANY))
		return -errno;
	return 0;
}

bool file_anchors_has(const char *path)
{
	int i;

	for (i = 0; i < anchors.n; i++)
		if (strcmp(anchors.v[i].path, path) == 0)
			return true;
	return false;
}

int loader__file_anchor_name(struct loader *ld, uint64_t dev, uint64_t ino,
			     char *buf, size_t n)
{
	struct mw_inode_key k = {
	    .ino = ino, .dev = major(dev) << 20 | minor(dev)};
	struct mw_file_anchor v;

	if (bpf_map_lookup_elem(ld->m.mw_file_anchors, &k, &v))
		return -ENOENT;
	if (v.len >= sizeof(v.path) || v.len >= n)
		return -ENAMETOOLONG;
	memcpy(buf, v.path, v.len);
	buf[v.len] = '\0';
	return 0;
}

/* Entries another generation wrote: replaced or gone objects. */
static void anchors_prune(struct loader *ld, uint32_t gen)
{
	int map = ld->m.mw_file_anchors;
	struct mw_inode_key key, next;
	struct mw_file_anchor v;
	void *prev = NULL;

	while (bpf_map_get_next_key(map, prev, &next) == 0) {
		if (bpf_map_lookup_elem(map, &next, &v) == 0 &&
		    v.gen != gen &&
		    bpf_map_delete_elem(map, &next) == 0) {
			prev = NULL; /* restart: entries of gen stay */
			continue;
		}
		key = next;
		prev = &key;
	}
}

/*
 * Re-read every identity; when one changed (a watched directory renamed
 * over or mounted on), write the whole set under a new generation and
 * prune the rest, so an object two paths share keeps its entry.
 */
static int anchors_write(struct loader *ld, bool force)
{
	struct mw_inode_key k;
	bool changed = force;
	int i, ret, err = 0;

	for (i = 0; i < anchors.n; i++) {
		anchor_key(anchors.v[i].path, &k);
		if (memcmp(&k, &anchors.v[i].key, sizeof(k)) != 0) {
			anchors.v[i].key = k;
			changed = true;
		}
	}
	if (!changed)
		return 0;
	anchors_gen++;
	for (i = 0; i < anchors.n; i++) {
		ret = anchor_put(ld, &anchors.v[i], anchors_gen);
		if (ret && !err)
			err = ret;
	}
	anchors_prune(ld, anchors_gen);
	return err;
}

int loader__file_anchors_refresh(struct loader *ld)
{
	if (!ld || ld->m.mw_file_anchors < 0)
		return 0;
	return anchors_write(ld, false);
}

/* Our mount namespace's inode number, for file/mount.bpf.c; 0: unknown. */
static void host_ns_set(struct loader *ld)
{
	char link[64];
	uint32_t zero = 0, ino = 0;
	ssize_t n = readlink("/proc/self/ns/mnt", link, sizeof(link) - 1);

	if (n > 0) {
		link[n] = '\0';
		if (sscanf(link, "mnt:[%u]", &ino) != 1)
			ino = 0;
	}
	bpf_map_update_elem(ld->m.mw_file_host_ns, &zero, &ino, BPF_ANY);
}

int loader__file_anchors_apply(struct loader *ld, const struct rules *rs)
{
	if (!ld || ld->m.mw_file_anchors < 0)
		return 0;
	host_ns_set(ld);
	anchors.n = 0;
	rules__file_watch_paths(rs, entry_visit, NULL, NULL);
	add_homes();
	return anchors_write(ld, true);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_aliases.c - symbolic links into watched places, so that a by-name
 * operation through one is reported under the real path.
 *
 * The tracepoint set resolves a by-name operation's string lexically
 * (bpf/file_path.bpf.h): `ln -s /etc/cron.d /tmp/c; mv job /tmp/c/job`
 * is a rename to "/tmp/c/job", which no watch matches, and the kernel
 * drops it. The link itself is sent when it is created (its contents are
 * absolute or climb with "../": bpf/file/link.bpf.c), and the file sensor
 * hands it here: when the contents, joined to the link's directory, name
 * a directory that is a watched place, an ancestor or near descendant of
 * one (an anchor, file_anchors.c) or lies under a watched prefix, the link
 * becomes an alias: "/tmp/c/" is added to the kernel's prefix map, and
 * paths under it are rewritten to the target's before the rules see them
 * (the caller's string stays as seen_as).
 *
 * The link itself is watched too ("/tmp/c" exactly): renamed, the alias
 * moves with it (`ln -sfn` makes a link under a temporary name and renames
 * it over the old one); removed or renamed over, it is dropped.
 *
 * The kernel watches a new link itself until its record has been judged
 * here (mw_file_links_pending, bpf/file/link.bpf.c): an operation through
 * it right after (`ln -s /etc/cron.d c; mv job c/`) is sent flagged
 * MW_FILE_MATCH_LINK, read after the link's record, so by then either
 * rewritten through the alias or dropped (file_sensor.c). Judged, the
 * link's entry goes (after the alias's own are in place: no gap); those
 * whose record never came are swept after LINK_PENDING_S seconds.
 *
 * At most ALIASES_MAX links are kept, the oldest replaced first and
 * counted (aliases_evicted). The entries are re-added under each rules
 * load's generation (filters.c). A link made before the daemon started is
 * not known; nor is one moved with the directory above it: see
 * docs/file-sensor.md.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <bpf/bpf.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"

#define ALIASES_MAX 256
#define ALIAS_CHAIN_MAX 8 /* links through links followed */
#define LINK_PENDING_S 5  /* a link's kernel watch awaiting its record */
#define LINK_PENDING_MAX 1024 /* mw_file_links_pending's max_entries */

struct alias {
	char link[MW_WATCH_KEY];   /* without a trailing '/' */
	char target[MW_WATCH_KEY]; /* "" for "/" */
	size_t link_len;
};

static struct alias aliases[ALIASES_MAX];
static int n_aliases, next_alias; /* a ring: next_alias is the oldest */
static uint64_t aliases_added, aliases_evicted, links_expired;
static int links_pending; /* entries at the last sweep, the expired gone */

/*
 * The alias whose link is an ancestor of path (or path itself, with
 * itself: a link's own unlink or rename is about the link, not the place
 * it points to); NULL when none.
 */
static const struct alias *alias_of(const char *path, bool itself)
{
	const struct alias *best = NULL;
	int i;

	for (i = 0; i < n_aliases; i++) {
		const struct alias *a = &aliases[i];

		if (strncmp(path, a->link, a->link_len) == 0 &&
		    (path[a->link_len] == '/' ||
		     (itself && path[a->link_len] == '\0')) &&
		    (!best || a->link_len > best->link_len))
			best = a;
	}
	return best;
}

/* path through the aliases (itself: see alias_of()) into out. */
static int alias_follow(const char *path, bool itself, char *out, size_t n)
{
	char buf[2][MW_PATH_MAX];
	const struct alias *a;
	const char *cur = path;
	int i, len, hit = 0;

	for (i = 0; i < ALIAS_CHAIN_MAX && (a = alias_of(cur, itself || i));
	     i++) {
		/* The link itself is its target ("" is "/"). */
		if (cur[a->link_len])
			len = snprintf(buf[i & 1], sizeof(buf[0]), "%s%s",
				       a->target, cur + a->link_len);
		else
			len = snprintf(buf[i & 1], sizeof(buf[0]), "%s",
				       a->target[0] ? a->target : "/");
		if (len < 0 || (size_t)len >= sizeof(buf[0]))
			break;
		cur = buf[i & 1];
		hit = 1;
	}
	if (!hit)
		return -ENOENT;
	if (strlen(cur) >= n)
		return -ENAMETOOLONG;
	memcpy(out, cur, strlen(cur) + 1);
	return 0;
}

int loader__file_alias_resolve(struct loader *ld, const char *path,
			       char *out, size_t n)
{
	(void)ld;
	return alias_follow(path, false, out, n);
}

/*
 * The kernel's watch entries for a: the prefix "link/" (what goes through
 * the link) and the exact "link" (the link itself renamed or removed:
 * `ln -sfn` replaces a link by renaming a fresh one over it).
 */
static void alias_key(const struct alias *a, struct mw_watch_key *key,
		      bool exact)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->path, a->link, a->link_len);
	if (!exact)
		key->path[a->link_len] = '/';
	/* exact: the NUL is part of the key, so it matches itself only */
	key->prefixlen = (uint32_t)(a->link_len + 1) * 8;
}

static int alias_watch(struct loader *ld, const struct alias *a, uint32_t gen)
{
	struct mw_watch_key key;
	int i;

	for (i = 0; i < 2; i++) {
		alias_key(a, &key, i);
		if (bpf_map_update_elem(ld->m.mw_file_prefixes, &key, &gen,
					BPF_ANY))
			return -errno;
	}
	return 0;
}

static void alias_unwatch(struct loader *ld, const struct alias *a)
{
	struct mw_watch_key key;
	int i;

	for (i = 0; i < 2; i++) {
		alias_key(a, &key, i);
		bpf_map_delete_elem(ld->m.mw_file_prefixes, &key);
	}
}

/* The slot of the alias whose link is exactly path; -1 when none. */
static int alias_index(const char *path)
{
	int i;

	for (i = 0; i < n_aliases; i++)
		if (strcmp(aliases[i].link, path) == 0)
			return i;
	return -1;
}

/* Forget slot i (its kernel entries too); the last slot fills the gap. */
static void alias_drop(struct loader *ld, int i)
{
	alias_unwatch(ld, &aliases[i]);
	aliases[i] = aliases[--n_aliases];
	next_alias = 0; /* the ring restarts once it is full again */
}

/*
 * Is the directory t (the daemon's path) one the file rules care about?
 * The strings first: t comes from a link anyone may make, and only a
 * place we watch is worth a stat() (the event loop must not wait on a
 * file system the link's maker mounted).
 */
static bool alias_target_watched(struct loader *ld, const char *t)
{
	const char *p = t[0] ? t : "/";
	struct mw_watch_key key;
	struct stat st;
	size_t len = strlen(t);
	uint32_t val;
	bool hit;

	hit = file_anchors_has(p);
	if (!hit && len + 1 < sizeof(key.path)) {
		/* Under a watched prefix: the trie's longest match for "t/". */
		memset(&key, 0, sizeof(key));
		memcpy(key.path, t, len);
		key.path[len] = '/';
		key.prefixlen = (uint32_t)(len + 1) * 8;
		hit = bpf_map_lookup_elem(ld->m.mw_file_prefixes, &key,
					  &val) == 0 &&
		      !(val & MW_WATCH_EXEC_ONLY);
	}
	/* Only directories hold what we watch through a link. */
	return hit && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int loader__file_alias_moved(struct loader *ld, const char *from,
			     const char *to)
{
	size_t tlen = to ? strlen(to) : 0;
	int i, j;

	if (!ld || !n_aliases)
		return -ENOENT;
	/* Whatever was at to is replaced, an alias link included. */
	if (to && strcmp(from, to) != 0 && (j = alias_index(to)) >= 0)
		alias_drop(ld, j);
	i = alias_index(from);
	if (i < 0)
		return -ENOENT;
	if (!to || to[0] != '/' || tlen < 2 || tlen >= MW_WATCH_KEY - 1) {
		alias_drop(ld, i); /* removed, or renamed out of our reach */
		return 0;
	}
	alias_unwatch(ld, &aliases[i]);
	memcpy(aliases[i].link, to, tlen + 1);
	aliases[i].link_len = tlen;
	return alias_watch(ld, &aliases[i], ld->watch_gen);
}

/* The kernel's watch on a link awaiting judgement: its "link/" entry. */
void loader__file_link_judged(struct loader *ld, const char *link)
{
	struct alias a = {.link_len = strlen(link)};
	struct mw_watch_key key;

	if (!ld || ld->m.mw_file_links_pending < 0 || a.link_len < 2 ||
	    a.link_len >= MW_WATCH_KEY - 1)
		return;
	memcpy(a.link, link, a.link_len + 1);
	alias_key(&a, &key, false);
	bpf_map_delete_elem(ld->m.mw_file_links_pending, &key);
}

void loader__file_links_sweep(struct loader *ld)
{
	static struct mw_watch_key old[LINK_PENDING_MAX];
	struct mw_watch_key key, next;
	struct timespec ts;
	struct mw_link_pending lp;
	void *prev = NULL;
	int n = 0, i, guard = 0, seen = 0;

	if (!ld || ld->m.mw_file_links_pending < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* bpf_ktime_get_ns()'s clock */
	/* Collected first: a key deleted under get_next_key restarts it. */
	while (guard++ < 2 * LINK_PENDING_MAX &&
	       bpf_map_get_next_key(ld->m.mw_file_links_pending, prev,
				    &next) == 0) {
		key = next;
		prev = &key;
		seen++;
		if (bpf_map_lookup_elem(ld->m.mw_file_links_pending, &key,
					&lp) == 0 &&
		    (uint32_t)ts.tv_sec - lp.made_s >= LINK_PENDING_S &&
		    n < LINK_PENDING_MAX)
			old[n++] = key;
	}
	for (i = 0; i < n; i++)
		if (bpf_map_delete_elem(ld->m.mw_file_links_pending,
					&old[i]) == 0)
			links_expired++;
	links_pending = seen - n;
}

uint64_t loader__file_links_expired(int *pending)
{
	*pending = links_pending;
	return links_expired;
}

static int alias_add(struct loader *ld, const char *link,
		     const char *target)
{
	char t[MW_PATH_MAX];
	struct alias *a;
	size_t llen = strlen(link), tlen;
	int i;

	if (ld->m.mw_file_prefixes < 0 || link[0] != '/' || llen < 2 ||
	    llen >= MW_WATCH_KEY - 1)
		return -EINVAL;
	/*
	 * A link to a link to a watched place: judged by the last one's
	 * target, but kept as given, so that re-pointing the link in the
	 * middle takes this one along (paths follow the chain at lookup).
	 */
	if (alias_follow(target, true, t, sizeof(t)))
		snprintf(t, sizeof(t), "%s", target);
	if (strcmp(t, "/") == 0)
		t[0] = '\0';
	tlen = strcmp(target, "/") == 0 ? 0 : strlen(target);
	i = alias_index(link);
	if (tlen >= MW_WATCH_KEY || !alias_target_watched(ld, t)) {
		/*
		 * A new link by an alias's name points elsewhere: the old
		 * one is gone (removed, or renamed over unseen).
		 */
		if (i >= 0)
			alias_drop(ld, i);
		return -ENOENT;
	}
	if (i >= 0) {
		a = &aliases[i]; /* the same name again: the new target */
	} else if (n_aliases < ALIASES_MAX) {
		a = &aliases[n_aliases++];
	} else {
		a = &aliases[next_alias];
		next_alias = (next_alias + 1) % ALIASES_MAX;
		aliases_evicted++;
		alias_unwatch(ld, a); /* or a link flood fills the trie */
	}
	memcpy(a->link, link, llen + 1);
	a->link_len = llen;
	memcpy(a->target, tlen ? target : "", tlen + 1);
	aliases_added++;
	return alias_watch(ld, a, ld->watch_gen);
}

int loader__file_alias_add(struct loader *ld, const char *link,
			   const char *target)
{
	int ret;

	if (!ld)
		return -EINVAL;
	ret = alias_add(ld, link, target);
	/* After the alias's own entries, so the link is never unwatched. */
	loader__file_link_judged(ld, link);
	return ret;
}

void file_aliases_rewatch(struct loader *ld, uint32_t gen)
{
	int i;

	for (i = 0; i < n_aliases; i++)
		alias_watch(ld, &aliases[i], gen);
}

void loader__file_alias_stats(uint64_t *added, uint64_t *evicted, int *live)
{
	*added = aliases_added;
	*evicted = aliases_evicted;
	*live = n_aliases;
}

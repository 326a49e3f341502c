/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * file_watch.bpf.h - the file sensor's in-kernel filter: is this resolved
 * path watched? A change to an unwatched file never reaches the ring
 * buffer. A path is watched when
 *   - a prefix (directory, recursive) or exact entry of the LPM trie
 *     mw_file_prefixes matches it, or
 *   - its last component is in mw_file_names (e.g. authorized_keys in any
 *     .ssh, even one created after we started), or
 *   - its parent directory's name is in mw_file_dirnames, or
 *   - (by name) it is a watched directory itself, without the '/'.
 * Userspace fills the three maps from the rules and the rules decide on
 * the events; the kernel only drops what no rule can match.
 * docs/file-sensor.md explains the choice against inode maps.
 */
#ifndef MW_FILE_WATCH_BPF_H
#define MW_FILE_WATCH_BPF_H

#include "file_path.bpf.h"

/* Directory prefixes and exact paths, longest prefix first. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_watch_key);
	__type(value, __u32); /* rule set generation (for pruning) */
} mw_file_prefixes SEC(".maps") __weak;

/*
 * Symbolic links made a moment ago whose contents leave their directory
 * (bpf/file/link.bpf.c): "LINK/", valued with the second (CLOCK_MONOTONIC)
 * they were made and their length. The one entry covers the link itself
 * too: a by-name path is looked up as "path/" (dir_match()). Userspace
 * judges each link when its record arrives (an alias into a watched
 * place, or nothing: user/kernel/file_aliases.c) and removes its entry;
 * until then a by-name operation through the link (`ln -s /etc/cron.d c;
 * mv job c/`, back to back) is sent, flagged MW_FILE_MATCH_LINK, instead
 * of being dropped before the daemon knew the link. Entries whose record
 * never came are swept after a few seconds. Apart from mw_file_prefixes
 * so that a flood of links cannot fill the watches: when it is full, a
 * link is watched only once judged (MW_STAT_FILE_LINKS_PENDING_FULL).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_watch_key);
	__type(value, struct mw_link_pending);
} mw_file_links_pending SEC(".maps") __weak;

/* Last path components watched anywhere (e.g. "authorized_keys"). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[MW_WATCH_NAME]);
	__type(value, __u32);
} mw_file_names SEC(".maps") __weak;

/* Names of directories whose direct children are watched. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[MW_WATCH_NAME]);
	__type(value, __u32);
} mw_file_dirnames SEC(".maps") __weak;

#define TAIL_LEN 64 /* bytes of a path's end searched for names */

/*
 * watch_match() bit, never sent: the match is an executables-only prefix
 * (MW_WATCH_EXEC_ONLY); file_send_hdr() keeps the record only when its
 * mode has an x bit.
 */
#define MW_FILE_MATCH_EXEC_ONLY (1u << 31)

/*
 * Match bit, never sent: file_send_hdr() does not fold this record with
 * its repeats. A new link the kernel now watches until judged
 * (link_pending_add()) must reach the daemon, or a by-name operation
 * through it would be sent and dropped unjudged (made, removed and made
 * again by one process within the fold window, then used).
 */
#define MW_FILE_MATCH_NOFOLD (1u << 30)

/* Per-CPU room for the LPM key and a path's last bytes. */
struct file_scratch {
	struct mw_watch_key key;
	char tail[2 * TAIL_LEN]; /* reads are masked to twice the use */
	char name[MW_WATCH_NAME];
	__u32 nofold_s, nofold_used; /* link_pending_add()'s budget */
};

/*
 * New links sent unfolded per CPU and second (MW_FILE_MATCH_NOFOLD): what
 * an intruder's script makes passes; a storm of links made and removed
 * (each judged, so watched again at the next) is folded beyond it, and
 * its repeats reach the daemon with the fold's drain (within a second).
 */
#define LINK_NOFOLD_PER_S 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_scratch);
} mw_file_scratch SEC(".maps") __weak;

struct slash_scan {
	__u32 tlen;
	__u32 last, prev; /* positions + 1 of the last two '/', 0: none */
};

/*
 * One byte of the tail: a bpf_loop() callback, because a plain loop that
 * tracks two positions makes the verifier walk every combination.
 */
static long slash_step(__u32 i, void *arg)
{
	struct slash_scan *sc = arg;
	struct file_scratch *fs;
	__u32 zero = 0;

	if (i >= sc->tlen)
		return 1;
	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs)
		return 1;
	if (fs->tail[i & (TAIL_LEN - 1)] == '/') {
		sc->prev = sc->last;
		sc->last = i + 1;
	}
	return 0;
}

/* Look up the last component and the parent's name of path[0..len). */
static __always_inline __u32 names_match(const char *path, __u32 len)
{
	struct file_scratch *fs;
	__u32 zero = 0, start, tlen, hit = 0, nlen, last, prev;
	struct slash_scan sc = {};

	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs || len == 0)
		return 0;
	/* The last 64 bytes hold both names whenever they fit a key. */
	tlen = len > TAIL_LEN ? TAIL_LEN : len;
	start = len - tlen;
	__builtin_memset(fs->tail, 0, sizeof(fs->tail));
	barrier_var(tlen);
	if (bpf_probe_read_kernel(fs->tail, tlen & (2 * TAIL_LEN - 1),
				  path + (start & (MW_PATH_MAX - 1))))
		return 0;
	sc.tlen = tlen;
	bpf_loop(TAIL_LEN, slash_step, &sc, 0);
	last = sc.last;
	prev = sc.prev;
	if (!last)
		return 0;
	/* file name: tail[last .. tlen) */
	nlen = tlen - last;
	if (nlen > 0 && nlen < MW_WATCH_NAME) {
		__builtin_memset(fs->name, 0, sizeof(fs->name));
		barrier_var(nlen); /* keep the mask: the verifier needs it */
		bpf_probe_read_kernel(fs->name, nlen & (MW_WATCH_NAME - 1),
				      &fs->tail[last & (TAIL_LEN - 1)]);
		if (bpf_map_lookup_elem(&mw_file_names, fs->name))
			hit |= MW_FILE_MATCH_NAME;
	}
	/* parent name: tail[prev .. last - 1) */
	nlen = last - 1 - prev;
	if (prev && nlen > 0 && nlen < MW_WATCH_NAME) {
		__builtin_memset(fs->name, 0, sizeof(fs->name));
		barrier_var(nlen); /* keep the mask: the verifier needs it */
		bpf_probe_read_kernel(fs->name, nlen & (MW_WATCH_NAME - 1),
				      &fs->tail[prev & (TAIL_LEN - 1)]);
		if (bpf_map_lookup_elem(&mw_file_dirnames, fs->name))
			hit |= MW_FILE_MATCH_DIR;
	}
	return hit;
}

/*
 * A by-name path that is a watched directory itself ("/etc/cron.d" for the
 * entry "/etc/cron.d/"): a directory renamed over it, a mount on it. The
 * key already holds the path; its NUL becomes the '/'.
 */
static __always_inline __u32 dir_match(__u32 len)
{
	struct file_scratch *fs;
	__u32 zero = 0, *v;

	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs || len < 2 || len >= MW_WATCH_KEY - 1)
		return 0;
	barrier_var(len); /* keep the mask: the verifier needs it */
	fs->key.path[len & (MW_WATCH_KEY - 1)] = '/';
	fs->key.prefixlen = (len + 1) * 8;
	/*
	 * The longest entry that is a prefix of "path/": an executables-only
	 * one above it (/tmp/ for /tmp/x) is no watched directory.
	 */
	v = bpf_map_lookup_elem(&mw_file_prefixes, &fs->key);
	if (v && !(*v & MW_WATCH_EXEC_ONLY))
		return MW_FILE_MATCH_PREFIX;
	return 0;
}

/*
 * A by-name path under (or being) a link not judged yet
 * (mw_file_links_pending). dir_match() left the key as "path/", which
 * the entry "LINK/" matches for the link itself (its rename by `ln -sfn`,
 * its removal) as well as for a path under it.
 */
static __always_inline __u32 link_pending_match(struct file_scratch *fs)
{
	return bpf_map_lookup_elem(&mw_file_links_pending, &fs->key)
		       ? MW_FILE_MATCH_LINK
		       : 0;
}

/* Look up one dentry name in a name map. */
static __always_inline int dname_in(struct dentry *d, void *map,
				    struct file_scratch *fs)
{
	__u32 len = FR(d, d_name.len);

	if (len == 0 || len >= MW_WATCH_NAME)
		return 0;
	__builtin_memset(fs->name, 0, sizeof(fs->name));
	barrier_var(len);
	if (bpf_probe_read_kernel(fs->name, len & (MW_WATCH_NAME - 1),
				  FR(d, d_name.name)))
		return 0;
	return bpf_map_lookup_elem(map, fs->name) != NULL;
}

/*
 * Is path[0..len) watched? Returns MW_FILE_MATCH_* bits, 0 when not. When
 * the path was resolved from dentry d, the names come from d and its
 * parent instead of a scan of the string.
 */
static __always_inline __u32 watch_match(const char *path, __u32 len,
					 struct dentry *d)
{
	struct file_scratch *fs;
	__u32 zero = 0, n = len + 1, *v, m;

	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs)
		return 0;
	/* The NUL is part of the key, so an exact entry matches only itself. */
	if (n > MW_WATCH_KEY)
		n = MW_WATCH_KEY;
	barrier_var(n);
	n &= MW_WATCH_KEY * 2 - 1;
	if (n > MW_WATCH_KEY)
		return 0;
	fs->key.prefixlen = n * 8;
	if (bpf_probe_read_kernel(fs->key.path, n, path))
		return 0;
	v = bpf_map_lookup_elem(&mw_file_prefixes, &fs->key);
	if (v && !(*v & MW_WATCH_EXEC_ONLY))
		return MW_FILE_MATCH_PREFIX;
	/*
	 * An executables-only prefix (/tmp/ for the drop rules) does not
	 * hide a name watched anywhere: .ssh/authorized_keys under it is
	 * still a match of its own.
	 */
	if (!d)
		m = dir_match(len) ?: names_match(path, len) ?:
		    link_pending_match(fs);
	else if (dname_in(d, &mw_file_names, fs))
		m = MW_FILE_MATCH_NAME;
	else if (dname_in(FR(d, d_parent), &mw_file_dirnames, fs))
		m = MW_FILE_MATCH_DIR;
	else
		m = 0;
	if (!m && v)
		m = MW_FILE_MATCH_PREFIX | MW_FILE_MATCH_EXEC_ONLY;
	return m;
}

/*
 * The entry of the link path[0..len) ("path/") in mw_file_links_pending,
 * keyed in the per-CPU scratch; NULL when there is none (an entry above
 * it does not count) or the path does not fit a key.
 */
static __always_inline struct mw_link_pending *
link_pending_key(struct file_scratch *fs, const char *path, __u32 len)
{
	struct mw_link_pending *lp;

	if (len < 2 || len >= MW_WATCH_KEY - 1)
		return NULL;
	barrier_var(len);
	if (bpf_probe_read_kernel(fs->key.path, len & (MW_WATCH_KEY - 1), path))
		return NULL;
	fs->key.path[len & (MW_WATCH_KEY - 1)] = '/';
	fs->key.prefixlen = (len + 1) * 8;
	lp = bpf_map_lookup_elem(&mw_file_links_pending, &fs->key);
	return lp && lp->len == len ? lp : NULL;
}

/*
 * Watch a new link (path[0..len), absolute) until userspace has judged it:
 * "LINK/" in mw_file_links_pending, so that a by-name operation through
 * it right away is sent (MW_FILE_MATCH_LINK). Without this, `ln -s
 * /etc/cron.d c; mv job c/` back to back raced the daemon's alias
 * (user/kernel/file_aliases.c), which exists only once the link's record
 * was read. Looked up first: an LPM update allocates a node even when
 * the key is there, and a name made again and again (its records folded)
 * keeps its entry until the daemon reads one.
 */
static __always_inline __u32 link_pending_add(const char *path, __u32 len)
{
	struct mw_link_pending v = {.len = len};
	struct file_scratch *fs;
	__u32 zero = 0;

	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs || len < 2 || len >= MW_WATCH_KEY - 1)
		return 0;
	if (link_pending_key(fs, path, len))
		return 0;
	v.made_s = bpf_ktime_get_ns() / 1000000000ULL;
	if (bpf_map_update_elem(&mw_file_links_pending, &fs->key, &v,
				BPF_ANY)) {
		stat_inc(MW_STAT_FILE_LINKS_PENDING_FULL);
		return 0;
	}
	/* Its record must be judged: not folded, within the budget. */
	if (fs->nofold_s != v.made_s) {
		fs->nofold_s = v.made_s;
		fs->nofold_used = 0;
	}
	if (fs->nofold_used >= LINK_NOFOLD_PER_S)
		return 0;
	fs->nofold_used++;
	return MW_FILE_MATCH_NOFOLD;
}

/*
 * A link not judged yet renamed (`ln -sfn` makes the new link under a
 * temporary name and renames it over the old): the new name is watched
 * likewise, or an operation through it right after would be dropped.
 * Called when the source matched mw_file_links_pending; the entry's
 * length says it was the link itself, not a path under it.
 */
static __always_inline __u32 link_pending_moved(const char *from, __u32 flen,
						const char *to, __u32 tlen)
{
	struct file_scratch *fs;
	__u32 zero = 0;

	fs = bpf_map_lookup_elem(&mw_file_scratch, &zero);
	if (!fs || !link_pending_key(fs, from, flen))
		return 0;
	link_pending_add(to, tlen);
	return MW_FILE_LINK_RENAMED; /* userspace ends it when judged */
}

/*
 * The match of a record with two names: the first name's (match), else
 * the second's (t, flagged MW_FILE_MATCH_TARGET). A first name under an
 * executables-only prefix gives way to a full match of the second:
 * /tmp/x renamed over /etc/cron.d/x is a cron write whatever x's mode.
 */
static __always_inline __u32 watch_or_target(__u32 match, const char *t,
					     __u32 tlen)
{
	const __u32 weak = MW_FILE_MATCH_EXEC_ONLY | MW_FILE_MATCH_LINK;
	__u32 m2;

	if (match && !(match & weak))
		return match;
	m2 = watch_match(t, tlen, NULL);
	if (m2 && !(m2 & weak))
		return m2 | MW_FILE_MATCH_TARGET;
	/*
	 * Weak both: a link not judged yet beats an executables-only
	 * prefix, which drops a by-name record (it has no mode): `mv
	 * /tmp/job /tmp/c/job` just after `ln -s /etc/cron.d /tmp/c`.
	 */
	if (match & MW_FILE_MATCH_LINK)
		return match;
	if (m2 & MW_FILE_MATCH_LINK)
		return m2 | MW_FILE_MATCH_TARGET;
	if (match)
		return match;
	return m2 ? m2 | MW_FILE_MATCH_TARGET : 0;
}

#endif /* MW_FILE_WATCH_BPF_H */

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * path.bpf.h - turn a kernel (dentry, vfsmount) into an absolute path
 * string: the one path walker of every sensor (exec, LSM, file).
 *
 * d_path() is not callable from tracepoints, so we walk the dentries up to
 * the mount root, hop to the parent mount's mountpoint, and stop at the root
 * of the task's mount namespace (a container's paths come out as the
 * container sees them). Components are written backwards into per-CPU
 * scratch, then copied out in one piece.
 *
 * One contract for every caller:
 *   - A dentry that is its own parent but not a mount root is disconnected
 *     (memfd, pipes and other pseudo files, a dentry cut off its tree): its
 *     name is written and the walk ends there, as d_path() shows
 *     "/memfd:name".
 *   - When the depth (MW_PATH_DEPTH) or length (MW_PATH_MAX) limit cuts the
 *     walk short, the deepest components are kept, so the file name is never
 *     lost, and *trunc is set.
 *
 * The walk is a bpf_loop() callback (kernel >= 5.17): the verifier checks
 * one step once instead of unrolling MW_PATH_DEPTH of them, which a plain
 * bounded loop with two mount cases per step does not survive.
 *
 * How fields are read is chosen per compilation unit, because it decides
 * which kernels a program loads on:
 *   - default: bpf_probe_read_kernel() through BPF_CORE_READ, five or six
 *     helper calls per component; loads everywhere (the exec sensor, the
 *     LSM programs and the 6.1 file build use it).
 *   - MW_PATH_DIRECT defined before this header: the dentries and mounts
 *     are BTF pointers (bpf_rdonly_cast(), 6.2+) read with plain loads that
 *     the verifier turns into fault-safe direct loads; one helper call per
 *     component remains (the name copy). The file sensor's main build, where
 *     every write open is resolved before the filter can drop it.
 * FR() and the AS_*() casts are that accessor; code above this layer uses
 * them for every kernel structure it reads besides the task.
 */
#ifndef MW_PATH_BPF_H
#define MW_PATH_BPF_H

#include "common.bpf.h"

#ifdef MW_PATH_DIRECT
/*
 * __weak: kernels before 6.2 lack this kfunc; the loader then leaves the
 * programs built with it out (loader.c, file_sensor_probe) instead of
 * failing the whole object.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define FR(p, field) ((p)->field)
#define MW_BTF_CAST(p, type)                                                   \
	((type *)bpf_rdonly_cast((void *)(p), bpf_core_type_id_kernel(type)))
#define AS_DENTRY(p) MW_BTF_CAST(p, struct dentry)
#define AS_MOUNT(p) MW_BTF_CAST(p, struct mount)
#define AS_FILE(p) MW_BTF_CAST(p, struct file)
#else
#define FR(p, field) BPF_CORE_READ(p, field)
#define AS_DENTRY(p) ((struct dentry *)(p))
#define AS_MOUNT(p) ((struct mount *)(p))
#define AS_FILE(p) ((struct file *)(p))
#endif

/*
 * The walk's state, in per-CPU scratch (mw_scratch.walk, which says why).
 * Pointers are kept as numbers and cast back (AS_*) in each step: a BTF
 * pointer stored to memory and loaded again is a plain scalar to the
 * verifier.
 */
struct path_walk {
	unsigned long d;   /* struct dentry * */
	unsigned long mnt; /* struct mount * */
	__u32 off;	   /* start of the string in scratch->path */
	int trunc;	   /* a limit cut the path short */
	int done;	   /* reached the root (or a disconnected dentry) */
};

/* Prepend "/name" of dentry d at w->off; 0, or -1 when it does not fit. */
static __always_inline int path_prepend(struct path_walk *w,
					struct mw_scratch *s, struct dentry *d)
{
	const unsigned char *name = FR(d, d_name.name);
	__u32 len = FR(d, d_name.len), off = w->off;

	if (len >= MW_NAME_MAX || len + 1 > off) {
		w->trunc = 1;
		return -1;
	}
	off -= len;
	bpf_probe_read_kernel(&s->path[off & (MW_PATH_MAX - 1)],
			      len & (MW_NAME_MAX - 1), name);
	off -= 1;
	s->path[off & (MW_PATH_MAX - 1)] = '/';
	w->off = off;
	return 0;
}

/* The walk state in s (s->walk is big enough: checked below). */
static __always_inline struct path_walk *walk_of(struct mw_scratch *s)
{
	_Static_assert(sizeof(struct path_walk) <= sizeof(s->walk),
		       "mw_scratch.walk holds a path_walk");
	return (struct path_walk *)s->walk;
}

/*
 * One component, or one hop from a mount root to its mountpoint: the body
 * of every walk's bpf_loop() callback. When the step leaves a mount root,
 * *mroot is that root's dentry (the file sensor looks it up as an anchor).
 * Returns the callback's value: 1 stops the walk.
 */
static __always_inline long path_step(struct path_walk *w,
				      struct mw_scratch *s,
				      struct dentry **mroot)
{
	struct dentry *d = AS_DENTRY(w->d), *parent, *root;
	struct mount *mnt = AS_MOUNT(w->mnt), *mp;

	*mroot = NULL;
	parent = FR(d, d_parent);
	root = FR(mnt, mnt.mnt_root);
	if (d == root) {
		*mroot = d;
		mp = FR(mnt, mnt_parent);
		/* Root of the namespace (or of a detached tree): done. */
		if (mnt == mp) {
			w->done = 1;
			return 1;
		}
		w->d = (unsigned long)FR(mnt, mnt_mountpoint);
		w->mnt = (unsigned long)mp;
		return 0;
	}
	if (path_prepend(w, s, d))
		return 1;
	/* Disconnected: its name is the whole story (see the top). */
	if (d == parent) {
		w->done = 1;
		return 1;
	}
	w->d = (unsigned long)parent;
	return 0;
}

/* The plain walk's callback; the state is in scratch (arg is NULL). */
static long path_walk_step(__u32 i, void *arg)
{
	struct mw_scratch *s = scratch_get();
	struct dentry *mroot;

	if (!s)
		return 1;
	return path_step(walk_of(s), s, &mroot);
}

/*
 * Resolve (dentry, vfsmnt) into dst (room for MW_PATH_MAX bytes, NUL
 * included). Returns the string length; sets *trunc as the top says.
 */
static __always_inline int path_resolve_at(unsigned long dentry,
					   unsigned long vfsmnt, char *dst,
					   struct mw_scratch *s, int *trunc)
{
	struct path_walk *w = walk_of(s);
	__u32 n, off;

	w->d = dentry;
	w->mnt = vfsmnt - bpf_core_field_offset(struct mount, mnt);
	w->off = MW_PATH_MAX - 1;
	w->trunc = 0;
	w->done = 0;
	s->path[MW_PATH_MAX - 1] = '\0';
	bpf_loop(MW_PATH_DEPTH, path_walk_step, NULL, 0);
	if (w->trunc || !w->done)
		*trunc = 1;
	off = w->off;
	if (off == MW_PATH_MAX - 1) { /* the root itself */
		off -= 1;
		s->path[MW_PATH_MAX - 2] = '/';
	}
	/* Bounds the verifier can see: off in [0, 4095], n in [1, 4096]. */
	off &= MW_PATH_MAX - 1;
	n = MW_PATH_MAX - off; /* bytes with the NUL */
	bpf_probe_read_kernel(dst, n, &s->path[off]);
	return n - 1;
}

/*
 * path_resolve_at() for a struct path anywhere in kernel memory. Its two
 * fields are read with BPF_CORE_READ whatever the accessor: path may be an
 * address computed from a non-BTF pointer (&task->fs->pwd).
 */
static __always_inline int path_resolve(const struct path *path, char *dst,
					struct mw_scratch *s, int *trunc)
{
	return path_resolve_at((unsigned long)BPF_CORE_READ(path, dentry),
			       (unsigned long)BPF_CORE_READ(path, mnt), dst, s,
			       trunc);
}

#endif /* MW_PATH_BPF_H */

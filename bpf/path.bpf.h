/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * path.bpf.h - turn a kernel struct path into an absolute path string.
 *
 * d_path() is not callable from tracepoints, so we walk the dentries up to
 * the mount root, hop to the parent mount's mountpoint, and stop at the root
 * of the task's mount namespace (a container's paths come out as the
 * container sees them). Components are written backwards into per-CPU
 * scratch, then copied out in one piece.
 *
 * The walk is a bpf_loop() callback (kernel >= 5.17): the verifier checks
 * one step once instead of unrolling MW_PATH_DEPTH of them, which a plain
 * bounded loop with two mount cases per step does not survive.
 */
#ifndef MW_PATH_BPF_H
#define MW_PATH_BPF_H

#include "common.bpf.h"

struct path_walk {
	struct dentry *d;
	struct vfsmount *vmnt;
	struct mount *mnt;
	__u32 off;		/* start of the string in scratch->path */
	int trunc;		/* a limit cut the path short */
	int done;		/* reached the root */
};

static long path_walk_step(__u32 i, void *arg)
{
	struct path_walk *w = arg;
	struct mw_scratch *s = scratch_get();
	/*
	 * Copy to locals first: BPF_CORE_READ(w->x, ...) would make the
	 * w->x access itself a CO-RE relocation against a type the kernel
	 * does not have.
	 */
	struct dentry *d = w->d, *mnt_root, *parent;
	struct vfsmount *vmnt = w->vmnt;
	struct mount *mnt = w->mnt;
	const unsigned char *name;
	__u32 len, off = w->off;

	if (!s)
		return 1;
	mnt_root = BPF_CORE_READ(vmnt, mnt_root);
	parent = BPF_CORE_READ(d, d_parent);
	if (d == mnt_root) {
		struct mount *mp = BPF_CORE_READ(mnt, mnt_parent);

		/* Root of the namespace (or of a detached tree): done. */
		if (mnt == mp) {
			w->done = 1;
			return 1;
		}
		w->d = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mp;
		w->vmnt = __builtin_preserve_access_index(&mp->mnt);
		return 0;
	}
	name = BPF_CORE_READ(d, d_name.name);
	len = BPF_CORE_READ(d, d_name.len);
	if (len >= MW_NAME_MAX || len + 1 > off) {
		w->trunc = 1;
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(&s->path[off & (MW_PATH_MAX - 1)],
			      len & (MW_NAME_MAX - 1), name);
	off -= 1;
	s->path[off & (MW_PATH_MAX - 1)] = '/';
	w->off = off;
	/*
	 * A dentry that is its own parent but not a mount root is
	 * disconnected (memfd and other pseudo files): its name is the
	 * whole story, as d_path() shows "/memfd:name".
	 */
	if (d == parent) {
		w->done = 1;
		return 1;
	}
	w->d = parent;
	return 0;
}

/*
 * Resolve path into dst (room for MW_PATH_MAX bytes, NUL included).
 * Returns the string length; sets *trunc when the depth or length limit
 * cut the path short (the result then keeps the deepest components, so the
 * file name is never lost).
 */
static __always_inline int path_resolve(const struct path *path, char *dst,
					 struct mw_scratch *s, int *trunc)
{
	struct path_walk w = {};
	__u32 n;

	w.d = BPF_CORE_READ(path, dentry);
	w.vmnt = BPF_CORE_READ(path, mnt);
	w.mnt = container_of(w.vmnt, struct mount, mnt);
	w.off = MW_PATH_MAX - 1;
	s->path[MW_PATH_MAX - 1] = '\0';
	bpf_loop(MW_PATH_DEPTH, path_walk_step, &w, 0);
	if (w.trunc || !w.done)
		*trunc = 1;
	if (w.off == MW_PATH_MAX - 1) {		/* the root itself */
		w.off -= 1;
		s->path[MW_PATH_MAX - 2] = '/';
	}
	/* Bounds the verifier can see: off in [0, 4095], n in [1, 4096]. */
	w.off &= MW_PATH_MAX - 1;
	n = MW_PATH_MAX - w.off;		/* bytes with the NUL */
	bpf_probe_read_kernel(dst, n, &s->path[w.off]);
	return n - 1;
}

#endif /* MW_PATH_BPF_H */

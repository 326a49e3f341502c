/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * exec.bpf.h - the part of an exec record both exec programs fill the same
 * way: the tp_btf sensor (process.bpf.c) and the BPF-LSM refusal
 * (lsm.bpf.c).
 */
#ifndef MW_EXEC_BPF_H
#define MW_EXEC_BPF_H

#include "path.bpf.h"

/*
 * Write the executable's path (resolved from the struct file, never from
 * the string given to execve) at the start of data[], flag a cut, and set
 * exe_len. Returns the offset just past its NUL.
 */
static __always_inline __u32 exec_exe(struct mw_exec_event *e,
				      struct file *file, struct mw_scratch *s)
{
	const struct path *p;
	int trunc = 0;
	__u32 n;

	p = __builtin_preserve_access_index(&file->f_path);
	n = path_resolve(p, e->data, s, &trunc);
	if (trunc) {
		e->flags |= MW_EXEC_EXE_TRUNC;
		stat_inc(MW_STAT_EXEC_PATH_TRUNC);
	}
	e->exe_len = n;
	return n + 1;
}

/*
 * After data[0..off) (exe path and argv), append the working directory and
 * the path given to execve, set the flags for what was cut short, and set
 * hdr.size. Returns the record size to emit.
 */
static __always_inline __u64 exec_tail(struct mw_exec_event *e,
				       struct task_struct *task,
				       struct linux_binprm *bprm,
				       struct mw_scratch *s, __u32 off)
{
	const struct path *p;
	int trunc = 0;
	__u64 size;
	__u32 n;
	long ret;

	p = __builtin_preserve_access_index(&task->fs->pwd);
	n = path_resolve(p, &e->data[off & (4 * MW_PATH_MAX - 1)], s, &trunc);
	if (trunc) {
		e->flags |= MW_EXEC_CWD_TRUNC;
		stat_inc(MW_STAT_EXEC_PATH_TRUNC);
	}
	e->cwd_len = n;
	off += n + 1;

	ret = bpf_probe_read_kernel_str(&e->data[off & (4 * MW_PATH_MAX - 1)],
					MW_PATH_MAX,
					BPF_CORE_READ(bprm, filename));
	if (ret > 0 && ret <= MW_PATH_MAX) {
		e->filename_len = ret - 1;
		if (ret == MW_PATH_MAX)
			e->flags |= MW_EXEC_FILENAME_TRUNC;
		off += ret;
	} else {
		e->filename_len = 0;
		e->data[off & (4 * MW_PATH_MAX - 1)] = '\0';
		off += 1;
	}

	/* off <= MW_EXEC_DATA_MAX by construction; the verifier needs it said.
	 */
	size = size_clamp(sizeof(*e) + off, sizeof(*e) + MW_EXEC_DATA_MAX);
	e->hdr.size = size;
	return size;
}

#endif /* MW_EXEC_BPF_H */

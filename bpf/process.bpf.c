// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * process.bpf.c - process lifecycle sensor: exec, fork, exit on tp_btf.
 *
 * Every exec is reported (the process cache needs it); in enforce mode an
 * exec whose executable is deny-listed (by file name or by inode) is killed
 * here with SIGKILL before its first user instruction.
 */
#include "common.bpf.h"
#include "deny.bpf.h"
#include "exec.bpf.h"

#define SIGKILL 9
#define TMPFS_MAGIC 0x01021994
#define HUGETLBFS_MAGIC 0x958458f6

/* memfd_create() files live on an internal tmpfs/hugetlbfs as "memfd:..." */
static __always_inline int is_memfd(struct dentry *d, unsigned long magic)
{
	char pfx[6] = {};

	if (magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC)
		return 0;
	bpf_probe_read_kernel(pfx, sizeof(pfx), BPF_CORE_READ(d, d_name.name));
	return pfx[0] == 'm' && pfx[1] == 'e' && pfx[2] == 'm' &&
	       pfx[3] == 'f' && pfx[4] == 'd' && pfx[5] == ':';
}

#define F_SEAL_WRITE 0x0008
#define F_SEAL_FUTURE_WRITE 0x0010

/*
 * A tmpfs memfd sealed against writes: its content cannot change after the
 * exec, as runc's and systemd's self-clones are. The seals live in the
 * shmem inode around the VFS inode. Only a hint for the rules (an attacker
 * can seal too): the content worker still hashes and scans the image.
 */
static __always_inline int memfd_write_sealed(struct inode *inode,
					      unsigned long magic)
{
	struct shmem_inode_info *info;

	if (magic != TMPFS_MAGIC)
		return 0;
	info = (void *)((unsigned long)inode -
			bpf_core_field_offset(struct shmem_inode_info,
					      vfs_inode));
	return BPF_CORE_READ(info, seals) &
	       (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE);
}

/*
 * Look the executable up in the deny maps; returns the entry or NULL.
 * Three keys: the file's identity; the name of the file the kernel runs
 * (a symlink or hard link named otherwise still hits); and comm, which
 * exec has already set to the basename of the execve path, so a #! script
 * named like a miner hits too although the kernel runs its interpreter.
 */
static __always_inline struct mw_deny *deny_lookup(struct dentry *d,
						   struct mw_exec_event *e)
{
	char key[MW_DENY_NAME] = {};
	struct mw_deny *hit;

	hit = deny_lookup_file(e->exe_ino, e->exe_dev, d, key);
	if (hit)
		return hit;
	/* Copy only up to the NUL: map keys compare all MW_DENY_NAME bytes. */
	__builtin_memset(key, 0, sizeof(key));
	bpf_probe_read_kernel_str(key, MW_COMM_LEN, e->hdr.comm);
	return bpf_map_lookup_elem(&mw_deny_names, key);
}

/* Copy argv from the new image's stack (just written by execve). */
static __always_inline __u32 args_copy(struct task_struct *task, char *dst,
				       __u32 *flags)
{
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	unsigned long end = BPF_CORE_READ(task, mm, arg_end);
	__u64 len;

	if (end <= start)
		return 0;
	len = end - start;
	/* Same register for the check and the read (see barrier_var()). */
	barrier_var(len);
	if (len > MW_ARGS_MAX) {
		len = MW_ARGS_MAX;
		*flags |= MW_EXEC_ARGS_TRUNC;
	}
	if (bpf_probe_read_user(dst, len, (void *)start))
		return 0;
	dst[(len - 1) & (MW_ARGS_MAX - 1)] = '\0';
	return len;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(handle_exec, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	struct mw_config *cfg = config_get();
	struct mw_scratch *s = scratch_get();
	struct file *file = BPF_CORE_READ(bprm, file);
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	struct mw_exec_event *e;
	struct mw_deny *deny;
	int alert = 0;
	__u32 off, n;
	__u64 size;

	if (!mw_wanted(cfg))
		return 0;
	stat_inc(MW_STAT_EXEC_SEEN);
	if (!s)
		return 0;
	if (is_self(cfg, BPF_CORE_READ(task, tgid))) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return 0;
	}
	e = (void *)s->rec;
	hdr_fill_btf(&e->hdr, task, MW_EV_EXEC);
	e->flags = 0;
	e->kill_err = 0;
	e->deny_rule = 0;
	e->argc = BPF_CORE_READ(bprm, argc);
	e->exe_ino = BPF_CORE_READ(inode, i_ino);
	e->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (BPF_CORE_READ(inode, __i_nlink) == 0)
		e->flags |= MW_EXEC_DELETED;
	if (is_memfd(d, BPF_CORE_READ(inode, i_sb, s_magic))) {
		e->flags |= MW_EXEC_MEMFD;
		if (memfd_write_sealed(inode,
				       BPF_CORE_READ(inode, i_sb, s_magic)))
			e->flags |= MW_EXEC_MEMFD_SEALED;
	}

	/* Enforcement first: the fewer instructions before the kill, the
	 * better. */
	deny = deny_lookup(d, e);
	if (deny) {
		e->flags |= MW_EXEC_DENIED;
		e->deny_rule = deny->rule_idx;
		alert = 1;
		if (cfg && cfg->enforce) {
			e->kill_err = bpf_send_signal(SIGKILL);
			if (e->kill_err) {
				stat_inc(MW_STAT_EXEC_KILL_FAILED);
			} else {
				e->flags |= MW_EXEC_KILLED;
				stat_inc(MW_STAT_EXEC_KILLED);
			}
		}
	}

	off = exec_exe(e, file, s);

	n = args_copy(task, &e->data[off & (4 * MW_PATH_MAX - 1)], &e->flags);
	e->args_len = n;
	off += n;

	size = exec_tail(e, task, bprm, s, off);
	emit(alert ? (void *)&mw_alerts : (void *)&mw_events, e, size, alert);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(handle_fork, struct task_struct *parent, struct task_struct *child)
{
	struct mw_config *cfg = config_get();
	struct mw_fork_event e;

	/* Threads share the process record: only new thread groups count. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	/* current is the parent: the child starts in its cgroup. */
	if (!mw_wanted(cfg))
		return 0;
	stat_inc(MW_STAT_FORK_SEEN);
	if (is_self(cfg, BPF_CORE_READ(parent, tgid))) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return 0;
	}
	__builtin_memset(&e, 0, sizeof(e));
	hdr_fill_btf(&e.hdr, child, MW_EV_FORK);
	e.hdr.size = sizeof(e);
	emit(&mw_events, &e, sizeof(e), 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *task)
{
	struct mw_config *cfg = config_get();
	struct mw_exit_event e;

	/*
	 * Fires per thread; signal->live has already dropped for this one, so
	 * zero means the whole thread group is gone (what group_dead says on
	 * kernels that pass it; older ones do not).
	 */
	if (BPF_CORE_READ(task, signal, live.counter) != 0)
		return 0;
	if (!mw_wanted(cfg))
		return 0;
	stat_inc(MW_STAT_EXIT_SEEN);
	if (is_self(cfg, BPF_CORE_READ(task, tgid))) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return 0;
	}
	__builtin_memset(&e, 0, sizeof(e));
	hdr_fill_btf(&e.hdr, task, MW_EV_EXIT);
	e.hdr.size = sizeof(e);
	e.exit_code = BPF_CORE_READ(task, exit_code);
	emit(&mw_events, &e, sizeof(e), 0);
	return 0;
}

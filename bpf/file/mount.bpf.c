// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/mount.bpf.c - file sensor, mounts on or over watched places: mount
 * (`mount --bind /tmp/evil /etc/cron.d/job`, a tmpfs over /var/log) and
 * move_mount (the new mount API: open_tree or fsmount, then move_mount).
 * A mount shadows what the system reads there without writing a byte of
 * it, so no write hook sees it.
 *
 * Only mounts in the daemon's own mount namespace count (map
 * mw_file_host_ns, filled by user/kernel/file_anchors.c): one made in a
 * private namespace (a container, unshare -m) changes nothing the host's
 * cron, sshd or ld.so read. The target is by name, so it matches the
 * watch entries as the directory itself (file_watch.bpf.h); path is the
 * mount point, target the source of a bind mount.
 */
#include "file_record.bpf.h"

#define MS_REMOUNT 32
#define MS_BIND 4096
/* MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED: propagation changes */
#define MS_PROPAGATION ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))
#define MOVE_MOUNT_F_EMPTY_PATH 0x04
#define MOVE_MOUNT_T_EMPTY_PATH 0x40

/* Is the current task in the daemon's mount namespace (or unknown)? */
static __always_inline int mount_in_host_ns(void)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	__u32 zero = 0, *host = bpf_map_lookup_elem(&mw_file_host_ns, &zero);

	if (!host || !*host)
		return 1;
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum) == *host;
}

static __always_inline int on_mount(long ret, long tdfd, unsigned long tname,
				    long sdfd, unsigned long sname, __u32 flags)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 match, off;
	int n, n2;

	if (ret < 0 || !mount_in_host_ns())
		return 0;
	e = file_rec(&s, MW_FILE_OP_MOUNT);
	if (!e)
		return 0;
	e->attr = flags;
	n = path_at(tdfd, (const char *)tname, e->data, s, &e->flags,
		    MW_FILE_PATH_TRUNC, MW_FILE_LEXICAL);
	if (n < 0)
		return 0;
	e->path_len = n;
	match = watch_match(e->data, n, NULL);
	if (match && sname) {
		off = (n + 1) & (MW_PATH_MAX - 1);
		n2 = path_at(sdfd, (const char *)sname, &e->data[off], s,
			     &e->flags, MW_FILE_TARGET_TRUNC,
			     MW_FILE_TARGET_LEXICAL);
		if (n2 > 0)
			e->target_len = n2;
	}
	return file_send(e, match);
}

/* mount(source, target, fstype, flags, data) */
SEC("tracepoint/syscalls/sys_exit_mount")
int FPROG(sys_exit_mount)(struct trace_event_raw_sys_exit *ctx)
{
	__u32 flags = sc_arg(3);

	/*
	 * A remount or a propagation change (systemd's `mount --make-rshared
	 * /` at boot) puts nothing over what was there.
	 */
	if (flags & (MS_REMOUNT | MS_PROPAGATION))
		return 0;
	return on_mount(ctx->ret, AT_FDCWD, sc_arg(1), AT_FDCWD,
			flags & MS_BIND ? sc_arg(0) : 0, flags);
}

/* move_mount(from_dfd, from_path, to_dfd, to_path, flags) */
SEC("tracepoint/syscalls/sys_exit_move_mount")
int FPROG(sys_exit_move_mount)(struct trace_event_raw_sys_exit *ctx)
{
	__u32 flags = sc_arg(4);

	/* An fd from open_tree()/fsmount() has no name worth sending. */
	return on_mount(ctx->ret, sc_arg(2), sc_arg(3), sc_arg(0),
			flags & MOVE_MOUNT_F_EMPTY_PATH ? 0 : sc_arg(1), flags);
}

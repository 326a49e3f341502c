// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * lsm.bpf.c - prevention: BPF-LSM hooks that refuse (EPERM) what the deny
 * maps name, before it happens.
 *
 *   lsm/bprm_check_security  an exec of a denied executable: it never runs
 *   lsm/socket_connect       a connect to a denied address or port
 *   lsm/file_open            opening a protected file for writing
 *   lsm/path_truncate        truncating one
 *   lsm/path_unlink          removing one, or an entry of a protected dir
 *   lsm/path_rename          renaming one, or over one (rename-into-place)
 *   lsm/path_mknod           creating a file in a protected directory
 *
 * Refused only in enforce mode; in detect mode connects and file
 * operations are reported as what would have been refused (exec is
 * reported by the kill path's tracepoint). Userspace turns autoload off for
 * every program here unless the kernel runs the "bpf" LSM and a trial load
 * succeeded (not on kernels without BPF-LSM, e.g. 6.18 here: there the exec
 * path kills at sched_process_exec instead, see process.bpf.c). Each refusal
 * sends one record to mw_alerts so the daemon reports what was refused and by
 * which rule.
 */
#include "common.bpf.h"
#include "deny.bpf.h"
#include "exec.bpf.h"
#include <bpf/bpf_endian.h>

#define EPERM 1
#define AF_INET 2
#define AF_INET6 10
#define FMODE_WRITE 0x2

/* Destinations rules deny: IPv4 and IPv6 prefixes, any port. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_net4_key);
	__type(value, struct mw_deny);
} mw_deny_net4 SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_net6_key);
	__type(value, struct mw_deny);
} mw_deny_net6 SEC(".maps") __weak;

/* Destination ports rules deny on any address (host byte order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, struct mw_deny);
} mw_deny_ports SEC(".maps") __weak;

/*
 * Protected files and directories by identity: a file entry refuses
 * writes, truncation, unlink and rename of that file; a directory entry
 * refuses the same on its entries and creating new ones (a new file in
 * /etc/cron.d is as good as editing one).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct mw_inode_key);
	__type(value, struct mw_deny);
} mw_protect_inodes SEC(".maps") __weak;

static __always_inline struct mw_config *enforcing(void)
{
	struct mw_config *cfg = config_get();

	return cfg && cfg->enforce ? cfg : NULL;
}

/* --- exec ------------------------------------------------------------ */

struct base_find {
	long n;	    /* bytes in scratch->path, NUL included */
	__u32 last; /* index after the last '/' so far */
};

/*
 * One byte of the scan: a bpf_loop() callback, so the verifier checks one
 * step instead of 256 branches that each fork its state (6.1 gives up).
 */
static long base_step(__u32 i, void *arg)
{
	struct base_find *b = arg;
	struct mw_scratch *s = scratch_get();

	if (!s || i >= b->n)
		return 1;
	if (s->path[i & (MW_NAME_MAX - 1)] == '/')
		b->last = i + 1;
	return 0;
}

/*
 * The base name of filename (the path given to execve) into key, when it
 * fits. comm is set from it later in exec, so this is the same key the
 * sched_process_exec kill path builds from comm: a symlink named like a
 * miner is refused here as it is killed there.
 */
static __always_inline int filename_base(const char *filename,
					 struct mw_scratch *s,
					 char key[MW_DENY_NAME])
{
	struct base_find b = {};

	b.n = bpf_probe_read_kernel_str(s->path, MW_NAME_MAX, filename);
	if (b.n <= 1 || b.n >= MW_NAME_MAX)
		return -1;
	bpf_loop(MW_NAME_MAX, base_step, &b, 0);
	if (b.n - b.last > MW_DENY_NAME) /* name and NUL do not fit */
		return -1;
	__builtin_memset(key, 0, MW_DENY_NAME);
	bpf_probe_read_kernel_str(key, MW_DENY_NAME,
				  &s->path[b.last & (MW_NAME_MAX - 1)]);
	return 0;
}

static __always_inline struct mw_deny *
exec_deny_lookup(struct file *file, const char *filename, struct mw_scratch *s)
{
	struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	char key[MW_DENY_NAME] = {};
	struct mw_deny *hit;

	hit = deny_lookup_file(BPF_CORE_READ(inode, i_ino),
			       BPF_CORE_READ(inode, i_sb, s_dev), d, key);
	if (hit)
		return hit;
	if (filename_base(filename, s, key))
		return NULL;
	return bpf_map_lookup_elem(&mw_deny_names, key);
}

/* Report a refused exec as an exec record flagged MW_EXEC_REFUSED. */
static __always_inline void exec_report(struct linux_binprm *bprm,
					struct mw_deny *deny,
					struct mw_scratch *s)
{
	struct task_struct *task = (void *)bpf_get_current_task_btf();
	struct mw_exec_event *e = (void *)s->rec;
	struct file *file = BPF_CORE_READ(bprm, file);
	struct inode *inode = BPF_CORE_READ(file, f_inode);
	__u32 off;
	__u64 size;

	hdr_fill(&e->hdr, task, MW_EV_EXEC);
	e->flags = MW_EXEC_DENIED | MW_EXEC_REFUSED;
	e->kill_err = 0;
	e->deny_rule = deny->rule_idx;
	e->argc = BPF_CORE_READ(bprm, argc);
	e->exe_ino = BPF_CORE_READ(inode, i_ino);
	e->exe_dev = BPF_CORE_READ(inode, i_sb, s_dev);
	e->args_len = 0; /* argv is in the new mm, not readable here */

	off = exec_exe(e, file, s);

	size = exec_tail(e, task, bprm, s, off);
	emit(&mw_alerts, e, size, 1);
}

/*
 * Runs for every binary handler pass of an execve: first for the file
 * named (a #! script itself), then for its interpreter. Refusing the first
 * pass fails execve with EPERM before anything of the new image runs.
 */
SEC("lsm/bprm_check_security")
int BPF_PROG(lsm_bprm_check_security, struct linux_binprm *bprm, int ret)
{
	struct mw_scratch *s;
	struct mw_deny *deny;

	if (ret)
		return ret; /* an earlier LSM already said no */
	if (!enforcing())
		return 0;
	s = scratch_get();
	if (!s)
		return 0;
	deny = exec_deny_lookup(BPF_CORE_READ(bprm, file),
				BPF_CORE_READ(bprm, filename), s);
	/* kill rules are left to sched_process_exec: only deny refuses. */
	if (!deny || !(deny->flags & MW_DENY_REFUSE))
		return 0;
	stat_inc(MW_STAT_EXEC_REFUSED);
	exec_report(bprm, deny, s);
	return -EPERM;
}

/* --- connect --------------------------------------------------------- */

static __always_inline struct mw_deny_event *
deny_event_start(__u32 op, struct mw_deny *d, struct mw_scratch *s)
{
	struct task_struct *task = (void *)bpf_get_current_task_btf();
	struct mw_deny_event *e = (void *)s->rec;

	hdr_fill(&e->hdr, task, MW_EV_DENY);
	e->op = op;
	e->deny_rule = d->rule_idx;
	e->deny_flags = d->flags;
	e->family = 0;
	e->port = 0;
	__builtin_memset(e->addr, 0, sizeof(e->addr));
	e->ino = 0;
	e->dev = 0;
	e->path_len = 0;
	e->name_len = 0;
	e->data[0] = '\0';
	e->data[1] = '\0';
	return e;
}

SEC("lsm/socket_connect")
int BPF_PROG(lsm_socket_connect, struct socket *sock, struct sockaddr *address,
	     int addrlen, int ret)
{
	struct mw_net6_key k6 = {};
	struct mw_net4_key k4 = {};
	struct mw_deny_event *e;
	struct mw_scratch *s;
	struct mw_deny *deny;
	__u16 family, port;
	int refuse;

	if (ret)
		return ret;
	family = BPF_CORE_READ(address, sa_family);
	if (family == AF_INET) {
		struct sockaddr_in *sin = (void *)address;

		if (addrlen < (int)sizeof(*sin))
			return 0;
		port = bpf_ntohs(BPF_CORE_READ(sin, sin_port));
		k4.prefixlen = 32;
		bpf_probe_read_kernel(k4.addr, 4, &sin->sin_addr.s_addr);
		deny = bpf_map_lookup_elem(&mw_deny_net4, &k4);
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (void *)address;

		if (addrlen < (int)sizeof(*sin6))
			return 0;
		port = bpf_ntohs(BPF_CORE_READ(sin6, sin6_port));
		k6.prefixlen = 128;
		bpf_probe_read_kernel(k6.addr, 16, &sin6->sin6_addr);
		deny = bpf_map_lookup_elem(&mw_deny_net6, &k6);
	} else {
		return 0;
	}
	if (!deny)
		deny = bpf_map_lookup_elem(&mw_deny_ports, &port);
	if (!deny || !(deny->flags & MW_DENY_REFUSE))
		return 0;
	refuse = enforcing() ? -EPERM : 0;
	if (refuse)
		stat_inc(MW_STAT_CONNECT_REFUSED);
	s = scratch_get();
	if (s) {
		e = deny_event_start(MW_DENY_OP_CONNECT, deny, s);
		if (!refuse)
			e->deny_flags |= MW_DENY_DETECT_ONLY;
		e->family = family;
		e->port = port;
		if (family == AF_INET)
			__builtin_memcpy(e->addr, k4.addr, 4);
		else
			__builtin_memcpy(e->addr, k6.addr, 16);
		e->hdr.size = sizeof(*e) + 2;
		emit(&mw_alerts, e, sizeof(*e) + 2, 1);
	}
	return refuse;
}

/* --- protected files -------------------------------------------------- */

static __always_inline struct mw_deny *protect_lookup(struct inode *inode,
						      struct mw_inode_key *k)
{
	if (!inode)
		return NULL;
	k->ino = BPF_CORE_READ(inode, i_ino);
	k->dev = BPF_CORE_READ(inode, i_sb, s_dev);
	k->pad = 0;
	return bpf_map_lookup_elem(&mw_protect_inodes, k);
}

/* The entry itself, else its directory. */
static __always_inline struct mw_deny *
protect_lookup_dentry(struct dentry *d, struct inode *dir,
		      struct mw_inode_key *k)
{
	struct mw_deny *hit = protect_lookup(BPF_CORE_READ(d, d_inode), k);

	if (hit)
		return hit;
	return protect_lookup(dir, k);
}

/*
 * Refuse (enforce) or only report (detect): path is resolved (the file, or with
 * name the directory the entry is in).
 */
static __always_inline int file_refuse(__u32 op, struct mw_deny *deny,
				       struct mw_inode_key *k,
				       const struct path *path,
				       struct dentry *name_of)
{
	struct mw_deny_event *e;
	struct mw_scratch *s;
	int trunc = 0;
	__u32 n, off;
	__u64 size;
	long ret;
	int refuse;

	if (!(deny->flags & MW_DENY_REFUSE))
		return 0;
	refuse = enforcing() ? -EPERM : 0;
	if (refuse)
		stat_inc(MW_STAT_FILE_REFUSED);
	s = scratch_get();
	if (!s)
		return refuse;
	e = deny_event_start(op, deny, s);
	if (!refuse)
		e->deny_flags |= MW_DENY_DETECT_ONLY;
	e->ino = k->ino;
	e->dev = k->dev;
	n = path_resolve(path, e->data, s, &trunc);
	e->path_len = n;
	off = n + 1;
	if (name_of) {
		ret = bpf_probe_read_kernel_str(
		    &e->data[off & (MW_PATH_MAX - 1)], MW_NAME_MAX,
		    BPF_CORE_READ(name_of, d_name.name));
		if (ret < 1)
			ret = 1;
		e->name_len = ret - 1;
		off += ret;
	} else {
		e->data[off & (MW_PATH_MAX - 1)] = '\0';
		off += 1;
	}
	size = size_clamp(sizeof(*e) + off,
			  sizeof(*e) + MW_PATH_MAX + MW_NAME_MAX);
	e->hdr.size = size;
	emit(&mw_alerts, e, size, 1);
	return refuse;
}

SEC("lsm/file_open")
int BPF_PROG(lsm_file_open, struct file *file, int ret)
{
	struct mw_inode_key k = {};
	struct mw_deny *deny;
	struct dentry *d;

	if (ret)
		return ret;
	if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE))
		return 0;
	d = BPF_CORE_READ(file, f_path.dentry);
	deny =
	    protect_lookup_dentry(d, BPF_CORE_READ(d, d_parent, d_inode), &k);
	if (!deny)
		return 0;
	return file_refuse(MW_DENY_OP_OPEN_WRITE, deny, &k,
			   __builtin_preserve_access_index(&file->f_path),
			   NULL);
}

SEC("lsm/path_truncate")
int BPF_PROG(lsm_path_truncate, const struct path *path, int ret)
{
	struct mw_inode_key k = {};
	struct mw_deny *deny;
	struct dentry *d;

	if (ret)
		return ret;
	d = BPF_CORE_READ(path, dentry);
	deny =
	    protect_lookup_dentry(d, BPF_CORE_READ(d, d_parent, d_inode), &k);
	if (!deny)
		return 0;
	return file_refuse(MW_DENY_OP_TRUNCATE, deny, &k, path, NULL);
}

SEC("lsm/path_unlink")
int BPF_PROG(lsm_path_unlink, const struct path *dir, struct dentry *dentry,
	     int ret)
{
	struct mw_inode_key k = {};
	struct mw_deny *deny;

	if (ret)
		return ret;
	deny = protect_lookup_dentry(dentry,
				     BPF_CORE_READ(dir, dentry, d_inode), &k);
	if (!deny)
		return 0;
	return file_refuse(MW_DENY_OP_UNLINK, deny, &k, dir, dentry);
}

/*
 * Only the four arguments every kernel passes (6.x added flags): renaming
 * a protected file away, or anything onto it or into a protected dir.
 */
SEC("lsm/path_rename")
int BPF_PROG(lsm_path_rename, const struct path *old_dir,
	     struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry)
{
	struct mw_inode_key k = {};
	struct mw_deny *deny;

	deny = protect_lookup_dentry(
	    old_dentry, BPF_CORE_READ(old_dir, dentry, d_inode), &k);
	if (deny)
		return file_refuse(MW_DENY_OP_RENAME, deny, &k, old_dir,
				   old_dentry);
	deny = protect_lookup_dentry(
	    new_dentry, BPF_CORE_READ(new_dir, dentry, d_inode), &k);
	if (deny)
		return file_refuse(MW_DENY_OP_RENAME, deny, &k, new_dir,
				   new_dentry);
	return 0;
}

/*
 * Creating an entry in a protected directory: open(O_CREAT) and mknod
 * both pass here with the directory's path (inode_create has no mount).
 */
SEC("lsm/path_mknod")
int BPF_PROG(lsm_path_mknod, const struct path *dir, struct dentry *dentry,
	     umode_t mode, unsigned int dev, int ret)
{
	struct mw_inode_key k = {};
	struct mw_deny *deny;

	if (ret)
		return ret;
	deny = protect_lookup(BPF_CORE_READ(dir, dentry, d_inode), &k);
	if (!deny)
		return 0;
	return file_refuse(MW_DENY_OP_CREATE, deny, &k, dir, dentry);
}

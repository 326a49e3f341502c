// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file.bpf.c - file sensor: changes to watched files (persistence, logs).
 *
 * Hooks are the syscalls' exit tracepoints: the base path must run without
 * fentry/kprobes/LSM, and at exit the kernel has both done the work (ret
 * says whether it succeeded) and touched every user string argument, so
 * reading those cannot fault on a page that is not in yet.
 *
 * The filter runs here, on the resolved absolute path: a change to an
 * unwatched file never reaches the ring buffer. A path is watched when
 *   - a prefix (directory, recursive) or exact entry of the LPM trie
 *     mw_file_prefixes matches it, or
 *   - its last component is in mw_file_names (e.g. authorized_keys in any
 *     .ssh, even one created after we started), or
 *   - its parent directory's name is in mw_file_dirnames.
 * Userspace fills the three maps from the rules (user/file_watch.c) and
 * the rules decide on the events; the kernel only drops what no rule can
 * match. docs/file-sensor.md explains the choice against inode maps.
 *
 * Paths: when the syscall leaves a struct file (open, ftruncate, fchmod,
 * ioctl) it is resolved from dentries and mounts. Otherwise (rename,
 * unlink, link, truncate by name, chmod by name) the object is gone or was
 * never opened, so the path is the dirfd's (or cwd's) resolved path joined
 * with the caller's string; userspace removes "." and ".." lexically.
 */
#include "common.bpf.h"

#define AT_FDCWD -100
#define O_ACCMODE 00000003
#define O_RDONLY 00000000
#define O_CREAT 00000100
#define O_TRUNC 00001000
#define O_APPEND 00002000
#define FMODE_CREATED 0x100000 /* (1 << 20) since 4.19 */
#define FS_IOC_SETFLAGS 0x40086602
#define FS_IOC32_SETFLAGS 0x40046602

/* Directory prefixes and exact paths, longest prefix first. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_watch_key);
	__type(value, __u32); /* rule set generation (for pruning) */
} mw_file_prefixes SEC(".maps") __weak;

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

/*
 * ftruncate: the size before, from entry to exit, per thread. LRU: an
 * entry whose exit never came (the thread was killed) must not fill it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __s64);
} mw_file_trunc_size SEC(".maps") __weak;

#define TAIL_LEN 64 /* bytes of a path's end searched for names */

/* Per-CPU room for the LPM key and a path's last bytes. */
struct file_scratch {
	struct mw_watch_key key;
	char tail[2 * TAIL_LEN]; /* reads are masked to twice the use */
	char name[MW_WATCH_NAME];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct file_scratch);
} mw_file_scratch SEC(".maps") __weak;

/*
 * Two builds of this file go into the object: this one (plain loads on
 * BTF pointers, 6.2+) and file_compat.bpf.c (MW_FILE_COMPAT: the same code
 * reading through bpf_probe_read_kernel, for older kernels, programs
 * suffixed _c). The loader attaches the set the kernel can run. FR() is
 * the one accessor both share (path.bpf.h); maps are __weak so the builds
 * share them.
 */
#ifdef MW_FILE_COMPAT
#define FPROG(name) name##_c
#else
#define MW_PATH_DIRECT 1
#define FPROG(name) name
#endif
#include "path.bpf.h"

/*
 * Syscall arguments: saved user registers, intact at sys_exit. pt_regs is
 * a BTF pointer: plain loads, no helper call.
 */
static __always_inline unsigned long sc_arg(int i)
{
	struct pt_regs *regs = (void *)bpf_task_pt_regs(
	    (struct task_struct *)bpf_get_current_task_btf());

	switch (i) {
	case 0:
		return PT_REGS_PARM1_SYSCALL(regs);
	case 1:
		return PT_REGS_PARM2_SYSCALL(regs);
	case 2:
		return PT_REGS_PARM3_SYSCALL(regs);
	case 3:
		return PT_REGS_PARM4_SYSCALL(regs);
	default:
		return PT_REGS_PARM5_SYSCALL(regs);
	}
}

/* current->files->fdt->fd[fd], or NULL; a BTF pointer to the file. */
static __always_inline struct file *fd_file(struct task_struct *t, long fd)
{
	struct fdtable *fdt = t->files->fdt;
	struct file **fds;
	struct file *f = NULL;

	if (fd < 0 || fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	/* A variable index into a BTF array: read it with the helper. */
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	return AS_FILE(f);
}

/* A record in scratch with the header filled; NULL when not to report. */
static __always_inline struct mw_file_event *file_rec(struct mw_scratch **sp,
						      __u32 op)
{
	struct mw_config *cfg = config_get();
	struct mw_scratch *s = scratch_get();
	struct mw_file_event *e;

	if (!s)
		return NULL;
	stat_inc(MW_STAT_FILE_SEEN);
	if (!mw_wanted(cfg))
		return NULL;
	if (is_self(cfg, bpf_get_current_pid_tgid() >> 32)) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return NULL;
	}
	/* The header is filled only for a match: most calls are dropped. */
	e = (void *)s->rec;
	__builtin_memset(e, 0, sizeof(*e));
	e->op = op;
	e->size_before = -1;
	e->size_after = -1;
	e->uid = 0xffffffff;
	e->gid = 0xffffffff;
	*sp = s;
	return e;
}

/* Resolve a struct file's path into dst; returns the length. */
static __always_inline __u32 file_path(struct file *f, char *dst,
				       struct mw_scratch *s, __u32 *flags,
				       __u32 trunc_flag)
{
	int trunc = 0;
	__u32 n;

	n = path_resolve_at((unsigned long)FR(f, f_path.dentry),
			    (unsigned long)FR(f, f_path.mnt), dst, s, &trunc);
	if (trunc) {
		*flags |= trunc_flag;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	return n;
}

struct dot_scan {
	__u32 start, end; /* the caller's string in scratch rec[] */
	char p1, p2, p3;  /* the last three characters seen */
	int dirty;
};

/*
 * One character of a by-name path: is any component ".", ".." or empty?
 * Such a path only matches the watch entries once normalized, which the
 * kernel does not do, so it must not be dropped here.
 */
static long dot_step(__u32 i, void *arg)
{
	struct dot_scan *ds = arg;
	struct mw_scratch *s = scratch_get();
	__u32 at = ds->start + i;
	char c;

	if (!s || at > ds->end)
		return 1;
	c = s->rec[at & (4 * MW_PATH_MAX - 1)]; /* < sizeof(rec) */
	if (c == '/' || c == '\0') {
		if (ds->p1 == '/' ||
		    (ds->p1 == '.' &&
		     (ds->p2 == '/' || (ds->p2 == '.' && ds->p3 == '/')))) {
			ds->dirty = 1;
			return 1;
		}
	}
	if (c == '\0')
		return 1;
	ds->p3 = ds->p2;
	ds->p2 = ds->p1;
	ds->p1 = c;
	return 0;
}

/*
 * dirfd (or the cwd) joined with the user string ustr, into dst (room for
 * MW_PATH_MAX bytes). Absolute strings are copied as they are. Returns the
 * length, or -1 when the string cannot be read.
 */
static __always_inline int path_at(long dfd, const char *ustr, char *dst,
				   struct mw_scratch *s, __u32 *flags,
				   __u32 trunc_flag, __u32 lex_flag)
{
	struct task_struct *t = (void *)bpf_get_current_task_btf();
	struct dot_scan ds = {};
	unsigned long bd, bm;
	struct file *f;
	__u32 off = 0, room;
	int trunc = 0;
	long n;
	char c;

	if (bpf_probe_read_user(&c, 1, ustr))
		return -1;
	if (c != '/') {
		if ((int)dfd == AT_FDCWD) {
			bd = (unsigned long)t->fs->pwd.dentry;
			bm = (unsigned long)t->fs->pwd.mnt;
		} else {
			f = fd_file(t, dfd);
			if (!f)
				return -1;
			bd = (unsigned long)FR(f, f_path.dentry);
			bm = (unsigned long)FR(f, f_path.mnt);
		}
		off = path_resolve_at(bd, bm, dst, s, &trunc);
		if (off > 1 && off < MW_PATH_MAX - 2) {
			dst[off & (MW_PATH_MAX - 1)] = '/';
			off++;
		} else if (off != 1) { /* no room: keep the string alone */
			off = 0;
			trunc = 1;
		}
	}
	/* Absolute or not, the string may hold "." and "..": normalize. */
	*flags |= lex_flag;
	off &= MW_PATH_MAX - 1;
	room = MW_PATH_MAX - off;
	n = bpf_probe_read_user_str(&dst[off], room, ustr);
	if (n <= 0)
		return -1;
	if (n == room)
		trunc = 1;
	/*
	 * Scan the string's components, from the '/' joined before it (or
	 * its own leading '/'); the dirfd's part was resolved, it is clean.
	 */
	ds.start = (dst - (char *)s->rec) + (off ? off - 1 : 0);
	ds.end = (dst - (char *)s->rec) + off + n - 1;
	bpf_loop(MW_PATH_MAX, dot_step, &ds, 0);
	if (ds.dirty)
		*flags |= MW_FILE_MATCH_UNSURE;
	if (trunc) {
		*flags |= trunc_flag;
		stat_inc(MW_STAT_FILE_PATH_TRUNC);
	}
	return off + n - 1;
}

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
	__u32 zero = 0, n = len + 1;

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
	if (bpf_map_lookup_elem(&mw_file_prefixes, &fs->key))
		return MW_FILE_MATCH_PREFIX;
	if (!d)
		return names_match(path, len);
	if (dname_in(d, &mw_file_names, fs))
		return MW_FILE_MATCH_NAME;
	if (dname_in(FR(d, d_parent), &mw_file_dirnames, fs))
		return MW_FILE_MATCH_DIR;
	return 0;
}

/* Send e (path and target already in data[]) when anything matched. */
static __always_inline int file_send(struct mw_file_event *e, __u32 match)
{
	__u32 n;

	match |= e->flags & MW_FILE_MATCH_UNSURE;
	if (!match) {
		stat_inc(MW_STAT_FILE_FILTERED);
		return 0;
	}
	e->flags |= match;
	hdr_fill(&e->hdr, (void *)bpf_get_current_task_btf(), MW_EV_FILE);
	/* Each length is below MW_PATH_MAX: the masks show it the verifier. */
	n = (e->path_len & (MW_PATH_MAX - 1)) + 1;
	if (e->target_len)
		n += (e->target_len & (MW_PATH_MAX - 1)) + 1;
	n += sizeof(*e);
	e->hdr.size = n;
	stat_inc(MW_STAT_FILE_SENT);
	emit(&mw_findings, e, n, 1);
	return 0;
}

/* An operation on an open file: path from the struct file. */
static __always_inline int file_op_fd(struct file *f, __u32 op,
				      struct mw_file_event *e,
				      struct mw_scratch *s)
{
	struct inode *ino = FR(f, f_inode);
	struct super_block *sb;
	__u32 n;

	e->ino = FR(ino, i_ino);
	sb = FR(ino, i_sb);
	e->dev = FR(sb, s_dev);
	if (!e->mode)
		e->mode = FR(ino, i_mode);
	n = file_path(f, e->data, s, &e->flags, MW_FILE_PATH_TRUNC);
	e->path_len = n;
	return file_send(e, watch_match(e->data, n, FR(f, f_path.dentry)));
}

/* An operation by name: dirfd + string. */
static __always_inline int file_op_at(long dfd, const char *ustr,
				      struct mw_file_event *e,
				      struct mw_scratch *s)
{
	int n = path_at(dfd, ustr, e->data, s, &e->flags, MW_FILE_PATH_TRUNC,
			MW_FILE_LEXICAL);

	if (n < 0)
		return 0;
	e->path_len = n;
	return file_send(e, watch_match(e->data, n, NULL));
}

/*
 * Two names (rename: source and destination; link: new name and existing
 * file). Reported when either side is watched: moving a log away hides it
 * as well as moving a file over it does. path is the first, target the
 * second.
 */
static __always_inline int file_op_two(long dfd1, const char *u1, long dfd2,
				       const char *u2, struct mw_file_event *e,
				       struct mw_scratch *s)
{
	__u32 match, off;
	int n1, n2;

	n1 = path_at(dfd1, u1, e->data, s, &e->flags, MW_FILE_PATH_TRUNC,
		     MW_FILE_LEXICAL);
	if (n1 < 0)
		return 0;
	e->path_len = n1;
	match = watch_match(e->data, n1, NULL);
	off = (n1 + 1) & (MW_PATH_MAX - 1);
	n2 = path_at(dfd2, u2, &e->data[off], s, &e->flags,
		     MW_FILE_TARGET_TRUNC, MW_FILE_TARGET_LEXICAL);
	if (n2 < 0)
		return file_send(e, match);
	e->target_len = n2;
	if (!match) {
		match = watch_match(&e->data[off], n2, NULL);
		if (match)
			match |= MW_FILE_MATCH_TARGET;
	}
	return file_send(e, match);
}

/* --- open ---------------------------------------------------------------- */

static __always_inline int on_open(long ret, __u32 oflags)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;
	__u32 op;

	/* Read-only opens (most of them) leave before anything else. */
	if (ret < 0 || ((oflags & O_ACCMODE) == O_RDONLY &&
			!(oflags & (O_CREAT | O_TRUNC))))
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), ret);
	if (!f)
		return 0;
	e = file_rec(&s, MW_FILE_OP_WRITE);
	if (!e)
		return 0;
	e->open_flags = oflags;
	e->fmode = FR(f, f_mode);
	if (e->fmode & FMODE_CREATED)
		op = MW_FILE_OP_CREATE;
	else if (oflags & O_TRUNC)
		op = MW_FILE_OP_TRUNC_OPEN;
	else
		op = MW_FILE_OP_WRITE;
	e->op = op;
	if (oflags & O_APPEND)
		e->flags |= MW_FILE_APPEND;
	if (op == MW_FILE_OP_TRUNC_OPEN) {
		e->size_after = 0;
		e->flags |= MW_FILE_SIZE_AFTER;
	}
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int FPROG(sys_exit_openat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_open")
int FPROG(sys_exit_open)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, sc_arg(1));
}

SEC("tracepoint/syscalls/sys_exit_creat")
int FPROG(sys_exit_creat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_open(ctx->ret, O_CREAT | O_TRUNC | 1 /* O_WRONLY */);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int FPROG(sys_exit_openat2)(struct trace_event_raw_sys_exit *ctx)
{
	struct open_how how = {};

	if (ctx->ret < 0)
		return 0;
	if (bpf_probe_read_user(&how, sizeof(how), (void *)sc_arg(2)))
		return 0;
	return on_open(ctx->ret, how.flags);
}

/* --- truncate ------------------------------------------------------------ */

SEC("tracepoint/syscalls/sys_enter_ftruncate")
int FPROG(sys_enter_ftruncate)(struct trace_event_raw_sys_enter *ctx)
{
	struct file *f =
	    fd_file((void *)bpf_get_current_task_btf(), ctx->args[0]);
	struct inode *ino;
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 size;

	if (!f)
		return 0;
	ino = FR(f, f_inode);
	size = FR(ino, i_size);
	bpf_map_update_elem(&mw_file_trunc_size, &tid, &size, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_ftruncate")
int FPROG(sys_exit_ftruncate)(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s64 *before = bpf_map_lookup_elem(&mw_file_trunc_size, &tid);
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;
	__s64 b = -1;

	if (before) {
		b = *before;
		bpf_map_delete_elem(&mw_file_trunc_size, &tid);
	}
	if (ctx->ret < 0)
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), sc_arg(0));
	if (!f)
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = sc_arg(1);
	e->flags |= MW_FILE_SIZE_AFTER;
	if (b >= 0) {
		e->size_before = b;
		e->flags |= MW_FILE_SIZE_BEFORE;
	}
	return file_op_fd(f, MW_FILE_OP_TRUNCATE, e, s);
}

SEC("tracepoint/syscalls/sys_exit_truncate")
int FPROG(sys_exit_truncate)(struct trace_event_raw_sys_exit *ctx)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ctx->ret < 0)
		return 0;
	e = file_rec(&s, MW_FILE_OP_TRUNCATE);
	if (!e)
		return 0;
	e->size_after = sc_arg(1);
	e->flags |= MW_FILE_SIZE_AFTER;
	return file_op_at(AT_FDCWD, (const char *)sc_arg(0), e, s);
}

/* --- rename, unlink, link, symlink ----------------------------------- */

static __always_inline int on_two(long ret, __u32 op, long d1, unsigned long p1,
				  long d2, unsigned long p2)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ret < 0)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	return file_op_two(d1, (const char *)p1, d2, (const char *)p2, e, s);
}

SEC("tracepoint/syscalls/sys_exit_rename")
int FPROG(sys_exit_rename)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, AT_FDCWD, sc_arg(0),
		      AT_FDCWD, sc_arg(1));
}

SEC("tracepoint/syscalls/sys_exit_renameat")
int FPROG(sys_exit_renameat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, sc_arg(0), sc_arg(1),
		      sc_arg(2), sc_arg(3));
}

SEC("tracepoint/syscalls/sys_exit_renameat2")
int FPROG(sys_exit_renameat2)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_RENAME, sc_arg(0), sc_arg(1),
		      sc_arg(2), sc_arg(3));
}

/* link: path is the new name, target the existing file. */
SEC("tracepoint/syscalls/sys_exit_link")
int FPROG(sys_exit_link)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_LINK, AT_FDCWD, sc_arg(1), AT_FDCWD,
		      sc_arg(0));
}

SEC("tracepoint/syscalls/sys_exit_linkat")
int FPROG(sys_exit_linkat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_two(ctx->ret, MW_FILE_OP_LINK, sc_arg(2), sc_arg(3),
		      sc_arg(0), sc_arg(1));
}

/* symlink: path is the new name, target the link's contents as given. */
static __always_inline int on_symlink(long ret, long dfd, unsigned long name,
				      unsigned long target)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 off, match;
	long n;
	int len;

	if (ret < 0)
		return 0;
	e = file_rec(&s, MW_FILE_OP_SYMLINK);
	if (!e)
		return 0;
	len = path_at(dfd, (const char *)name, e->data, s, &e->flags,
		      MW_FILE_PATH_TRUNC, MW_FILE_LEXICAL);
	if (len < 0)
		return 0;
	e->path_len = len;
	off = (len + 1) & (MW_PATH_MAX - 1);
	n = bpf_probe_read_user_str(&e->data[off], MW_PATH_MAX,
				    (const char *)target);
	if (n > 0)
		e->target_len = n - 1;
	match = watch_match(e->data, len, NULL);
	/*
	 * A link pointing into a watched place (ln -s /var/log /tmp/x) is
	 * how a later by-name operation through it would slip past the
	 * lexical filter: report it too. Relative contents are not resolved.
	 */
	if (!match && n > 1 && e->data[off] == '/') {
		match = watch_match(&e->data[off], n - 1, NULL);
		if (match)
			match |= MW_FILE_MATCH_TARGET;
	}
	return file_send(e, match);
}

SEC("tracepoint/syscalls/sys_exit_symlink")
int FPROG(sys_exit_symlink)(struct trace_event_raw_sys_exit *ctx)
{
	return on_symlink(ctx->ret, AT_FDCWD, sc_arg(1), sc_arg(0));
}

SEC("tracepoint/syscalls/sys_exit_symlinkat")
int FPROG(sys_exit_symlinkat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_symlink(ctx->ret, sc_arg(1), sc_arg(2), sc_arg(0));
}

static __always_inline int on_name(long ret, __u32 op, long dfd,
				   unsigned long name, __u32 mode, __u32 uid,
				   __u32 gid)
{
	struct mw_file_event *e;
	struct mw_scratch *s;

	if (ret < 0)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	e->mode = mode;
	e->uid = uid;
	e->gid = gid;
	return file_op_at(dfd, (const char *)name, e, s);
}

SEC("tracepoint/syscalls/sys_exit_unlink")
int FPROG(sys_exit_unlink)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_UNLINK, AT_FDCWD, sc_arg(0), 0, -1,
		       -1);
}

SEC("tracepoint/syscalls/sys_exit_unlinkat")
int FPROG(sys_exit_unlinkat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_UNLINK, sc_arg(0), sc_arg(1), 0, -1,
		       -1);
}

/* --- chmod, chown, chattr ------------------------------------------------ */

SEC("tracepoint/syscalls/sys_exit_chmod")
int FPROG(sys_exit_chmod)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, AT_FDCWD, sc_arg(0),
		       sc_arg(1), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_fchmodat")
int FPROG(sys_exit_fchmodat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1),
		       sc_arg(2), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_fchmodat2")
int FPROG(sys_exit_fchmodat2)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1),
		       sc_arg(2), -1, -1);
}

SEC("tracepoint/syscalls/sys_exit_chown")
int FPROG(sys_exit_chown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, AT_FDCWD, sc_arg(0), 0,
		       sc_arg(1), sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_lchown")
int FPROG(sys_exit_lchown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, AT_FDCWD, sc_arg(0), 0,
		       sc_arg(1), sc_arg(2));
}

SEC("tracepoint/syscalls/sys_exit_fchownat")
int FPROG(sys_exit_fchownat)(struct trace_event_raw_sys_exit *ctx)
{
	return on_name(ctx->ret, MW_FILE_OP_CHOWN, sc_arg(0), sc_arg(1), 0,
		       sc_arg(2), sc_arg(3));
}

/* By descriptor: the struct file is right there. */
static __always_inline int on_fd(long ret, __u32 op, long fd, __u32 mode,
				 __u32 uid, __u32 gid, __u32 attr)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct file *f;

	if (ret < 0)
		return 0;
	f = fd_file((void *)bpf_get_current_task_btf(), fd);
	if (!f)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	e->mode = mode;
	e->uid = uid;
	e->gid = gid;
	e->attr = attr;
	return file_op_fd(f, op, e, s);
}

SEC("tracepoint/syscalls/sys_exit_fchmod")
int FPROG(sys_exit_fchmod)(struct trace_event_raw_sys_exit *ctx)
{
	return on_fd(ctx->ret, MW_FILE_OP_CHMOD, sc_arg(0), sc_arg(1), -1, -1,
		     0);
}

SEC("tracepoint/syscalls/sys_exit_fchown")
int FPROG(sys_exit_fchown)(struct trace_event_raw_sys_exit *ctx)
{
	return on_fd(ctx->ret, MW_FILE_OP_CHOWN, sc_arg(0), 0, sc_arg(1),
		     sc_arg(2), 0);
}

/*
 * ioctl is frequent (terminals, sockets): the command is checked before
 * anything else. The flags word is user memory the kernel just read.
 */
SEC("tracepoint/syscalls/sys_exit_ioctl")
int FPROG(sys_exit_ioctl)(struct trace_event_raw_sys_exit *ctx)
{
	unsigned int cmd = sc_arg(1);
	__u32 attr = 0;

	if (ctx->ret < 0 ||
	    (cmd != FS_IOC_SETFLAGS && cmd != FS_IOC32_SETFLAGS))
		return 0;
	if (bpf_probe_read_user(&attr, sizeof(attr), (void *)sc_arg(2)))
		return 0;
	return on_fd(ctx->ret, MW_FILE_OP_CHATTR, sc_arg(0), 0, -1, -1, attr);
}

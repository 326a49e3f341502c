// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/uring.bpf.c - file sensor, io_uring: the requests that change files
 * without a syscall tracepoint (IORING_OP_OPENAT/OPENAT2, WRITE/WRITEV/
 * WRITE_FIXED, FTRUNCATE, FALLOCATE, RENAMEAT, UNLINKAT), from the io_uring
 * tracepoints, which fire only for io_uring users. FALLOCATE too, through
 * fallocate.bpf.c's rules.
 *
 * io_uring:io_uring_submit_req fires in the submitting task after the
 * request was prepared: its names are kernel copies (struct filename) and
 * its dirfds are the submitter's. io_uring:io_uring_complete fires when
 * the result is posted, in the submitter, an io-wq worker or the SQPOLL
 * thread (all threads of the submitting process, sharing its fd table).
 *   - An open is judged at completion, through the struct file behind the
 *     returned fd, exactly as a syscall open (open.bpf.c: f_mode, f_flags);
 *     a write or ftruncate through req->file, which the request holds.
 *   - A by-name request (rename, unlink, an open into a fixed file slot) no
 *     longer has its names at completion: the record is built at submit,
 *     header included, kept per request in mw_uring_pending when it
 *     matches, and sent at completion only when the result says it
 *     succeeded.
 * A request submitted with IOSQE_CQE_SKIP_SUCCESS gets no completion event
 * when it succeeds: a rename, link, symlink, unlink or an open for writing
 * is then sent at submit by name, and a write through the file its issue
 * will use (the fd table's, or the registered file table's for
 * IOSQE_FIXED_FILE), both flagged MW_FILE_UNCONFIRMED. A write to a
 * registered file that posts its completion is judged there through
 * req->file, like any write.
 */
#include "file_record.bpf.h"

#define URING_OPENAT 18	    /* IORING_OP_OPENAT */
#define URING_OPENAT2 28    /* IORING_OP_OPENAT2 */
#define URING_WRITEV 2	    /* IORING_OP_WRITEV */
#define URING_WRITE_FIXED 5 /* IORING_OP_WRITE_FIXED (buffer, not file) */
#define URING_WRITE 23	    /* IORING_OP_WRITE */
#define URING_RENAMEAT 35   /* IORING_OP_RENAMEAT */
#define URING_UNLINKAT 36   /* IORING_OP_UNLINKAT */
#define URING_FTRUNCATE 55  /* IORING_OP_FTRUNCATE (6.9+) */
#define URING_FALLOCATE 17  /* IORING_OP_FALLOCATE */
#define URING_SYMLINKAT 38  /* IORING_OP_SYMLINKAT (5.15+) */
#define URING_LINKAT 39	    /* IORING_OP_LINKAT (5.15+) */
/* REQ_F_* bits that mirror the IOSQE_* flags: the same on every kernel. */
#define URING_REQ_FIXED_FILE (1 << 0) /* req->file is a registered file */
#define URING_REQ_CQE_SKIP (1 << 6)   /* IOSQE_CQE_SKIP_SUCCESS */

#define URING_MATCH_BITS                                                       \
	(MW_FILE_MATCH_PREFIX | MW_FILE_MATCH_NAME | MW_FILE_MATCH_DIR |       \
	 MW_FILE_MATCH_TARGET | MW_FILE_MATCH_UNSURE | MW_FILE_MATCH_LINK |   \
	 MW_FILE_SYMLINK_OUT)

/*
 * A by-name record, built at submit (its match bits in flags), waiting
 * for its completion. LRU: a request whose completion never comes (CQE
 * skipped, ring torn down) must not fill it.
 */
struct uring_rec {
	char rec[sizeof(struct mw_file_event) + MW_FILE_DATA_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 128);
	__type(key, __u64); /* the struct io_kiocb */
	__type(value, struct uring_rec);
} mw_uring_pending SEC(".maps") __weak;

/*
 * dirfd dfd (in the current task) joined with the kernel string kname,
 * into dst: path_at() (file_path.bpf.h) for a name the kernel already
 * copied, rebased on anchors like it. Returns the length, or -1.
 */
static __always_inline int uring_kpath_at(long dfd, const char *kname,
					  char *dst, struct mw_scratch *s,
					  __u32 *flags, __u32 trunc_flag,
					  __u32 lex_flag, __u32 *vseen)
{
	return path_at_v(dfd, kname, dst, s, flags, trunc_flag, lex_flag,
			 vseen, 1);
}

/* A struct filename's kernel copy of the name. */
static __always_inline const char *uring_name(struct filename *fn)
{
	return BPF_CORE_READ(fn, name);
}

/*
 * The names of a by-name request: n1 under dirfd d1, and n2 (NULL: none)
 * under d2, or, for a symlink, n2 is the link's contents as given.
 */
struct uring_names {
	long d1, d2;
	const char *n1, *n2;
};

/*
 * The second name of a symlink: its contents, copied as they are (like
 * link.bpf.c's on_symlink()); an absolute one into a watched place is
 * reported, a relative one is not resolved; one that leaves the link's
 * directory is sent for its contents and watched until judged, as there.
 */
static __always_inline __u32 uring_symlink_target(struct mw_file_event *e,
						  __u32 off, const char *n2,
						  __u32 match)
{
	long n = bpf_probe_read_kernel_str(&e->data[off], MW_PATH_MAX, n2);

	if (n <= 0)
		return match;
	e->target_len = n - 1;
	if (n > 1 && e->data[off] == '/')
		match = watch_or_target(match, &e->data[off], n - 1);
	/* Contents that leave the link's directory: as on_symlink(). */
	if (n > 2 && (e->data[off] == '/' ||
		      (e->data[off] == '.' &&
		       e->data[(off + 1) & (MW_PATH_MAX - 1)] == '.'))) {
		if (!(e->flags & MW_FILE_MATCH_UNSURE))
			link_pending_add(e->data, e->path_len);
		if (!match || (match & (MW_FILE_MATCH_EXEC_ONLY |
					       MW_FILE_MATCH_LINK))) {
			e->flags |= MW_FILE_SYMLINK_OUT;
			match = MW_FILE_SYMLINK_OUT;
		}
	}
	return match;
}

/*
 * Build the record of a by-name request at submit; keep it for the
 * completion when a name is watched. A global function, so the verifier
 * checks it once and not once per request kind (FPROG() names the two
 * builds apart, like fpath_resolve_g()).
 */
__noinline int FPROG(uring_stash_g)(__u64 req, int cqe_skip, __u32 op,
				    struct uring_names *nm)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	__u32 match, off, v1, v2 = 0, l1v;
	int l1, l2;

	if (!nm)
		return 0;
	e = file_rec(&s, op);
	if (!e)
		return 0;
	l1 = uring_kpath_at(nm->d1, nm->n1, e->data, s, &e->flags,
			    MW_FILE_PATH_TRUNC, MW_FILE_LEXICAL, &v1);
	if (l1 < 0) {
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	e->path_len = l1;
	match = watch_match(e->data, l1, NULL);
	l1v = view_build(v1, nm->n1, 1); /* before the second walk */
	off = (l1 + 1) & (MW_PATH_MAX - 1);
	if (op == MW_FILE_OP_SYMLINK && nm->n2) {
		match = uring_symlink_target(e, off, nm->n2, match);
	} else if (nm->n2) {
		l2 = uring_kpath_at(nm->d2, nm->n2, &e->data[off], s,
				    &e->flags, MW_FILE_TARGET_TRUNC,
				    MW_FILE_TARGET_LEXICAL, &v2);
		if (l2 > 0) {
			e->target_len = l2;
			match = watch_or_target(match, &e->data[off], l2);
		} else {
			v2 = 0;
		}
	}
	if (e->target_len)
		off += e->target_len + 1;
	FPROG(views_two_g)(off, l1v, v2, (unsigned long)nm->n2, 1);
	match |= e->flags & MW_FILE_MATCH_UNSURE;
	if (!match) {
		stat_inc(MW_STAT_FILE_FILTERED);
		return 0;
	}
	/* The header now: current is the submitter. */
	hdr_fill(&e->hdr, (void *)bpf_get_current_task_btf(), MW_EV_FILE);
	/* No completion will say it succeeded: send it now, unconfirmed. */
	if (cqe_skip) {
		e->flags |= MW_FILE_UNCONFIRMED;
		return file_send_hdr(e, match, 0);
	}
	e->flags |= match;
	/* e is at the start of scratch rec[], which is larger than a value. */
	bpf_map_update_elem(&mw_uring_pending, &req, s->rec, BPF_ANY);
	return 0;
}

/* Completion of a kept by-name request: send it if it succeeded. */
static __always_inline int uring_done_by_name(__u64 req, int res)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	void *v = bpf_map_lookup_elem(&mw_uring_pending, &req);

	if (!v)
		return 0;
	s = scratch_get();
	if (!s || res < 0 ||
	    bpf_probe_read_kernel(s->rec, sizeof(struct uring_rec), v)) {
		bpf_map_delete_elem(&mw_uring_pending, &req);
		return 0;
	}
	bpf_map_delete_elem(&mw_uring_pending, &req);
	e = (void *)s->rec;
	return file_send_hdr(e, e->flags & URING_MATCH_BITS, 0);
}

/* Completion of an open into the fd table: the struct file decides. */
static __always_inline int uring_done_open(struct io_open *o, int fd)
{
	struct open_how how = {};

	if (BPF_CORE_READ(o, file_slot))
		return 0; /* into a fixed slot: kept by name at submit */
	bpf_probe_read_kernel(&how, sizeof(how), &o->how);
	/* how is the kernel's copy, made at prep: what the open used. */
	return on_open(fd, how.flags, 1);
}

/* A write or ftruncate through f: the record from the file, sent now. */
static __always_inline int uring_on_file(struct file *f, __u32 op,
					 __u32 xflags)
{
	struct mw_file_event *e;
	struct mw_scratch *s;
	struct inode *ino;

	e = file_rec(&s, op);
	if (!e)
		return 0;
	e->flags |= xflags;
	if (op == MW_FILE_OP_TRUNCATE) {
		ino = FR(f, f_inode);
		e->size_after = FR(ino, i_size);
		e->flags |= MW_FILE_SIZE_AFTER;
	} else {
		e->fmode = FR(f, f_mode);
		e->open_flags = FR(f, f_flags);
		if (e->open_flags & O_APPEND)
			e->flags |= MW_FILE_APPEND;
	}
	return file_op_fd(f, op, e, s);
}

/*
 * Completion of a write or ftruncate: the request holds the file, a
 * registered one too (its issue put the table's file in req->file).
 */
static __always_inline int uring_done_fd(struct io_kiocb *req, __u32 op,
					 int res)
{
	struct file *f;

	if (res < 0)
		return 0;
	f = AS_FILE(BPF_CORE_READ(req, file));
	if (!f)
		return 0;
	return uring_on_file(f, op, 0);
}

/* The registered file table before 6.13 (6.1, 6.12): an array of slots. */
struct io_fixed_file___old {
	unsigned long file_ptr;
} __attribute__((preserve_access_index));

struct io_file_table___old {
	struct io_fixed_file___old *files;
} __attribute__((preserve_access_index));

struct io_ring_ctx___old {
	struct io_file_table___old file_table;
	unsigned int nr_user_files;
} __attribute__((preserve_access_index));

/* The low bits of a slot's file_ptr are flags (FFS_NOWAIT, FFS_ISREG, ...). */
#define URING_FFS_MASK (~7UL)

/*
 * Slot idx of ring ctx's registered file table, as io_file_get_fixed()
 * will read it at issue; NULL when out of range or empty. 6.13+ keeps a
 * node per slot (io_rsrc_node), older kernels the slot itself.
 */
static __always_inline struct file *uring_fixed_file(struct io_ring_ctx *ctx,
						     __u32 idx)
{
	unsigned long fp = 0;

	if (bpf_core_field_exists(struct io_file_table, data)) {
		struct io_rsrc_node **nodes;
		struct io_rsrc_node *node = NULL;

		if (idx >= BPF_CORE_READ(ctx, file_table.data.nr))
			return NULL;
		nodes = BPF_CORE_READ(ctx, file_table.data.nodes);
		if (bpf_probe_read_kernel(&node, sizeof(node), &nodes[idx]) ||
		    !node)
			return NULL;
		fp = BPF_CORE_READ(node, file_ptr);
	} else {
		struct io_ring_ctx___old *o = (void *)ctx;
		struct io_fixed_file___old *files;

		if (idx >= BPF_CORE_READ(o, nr_user_files))
			return NULL;
		files = BPF_CORE_READ(o, file_table.files);
		if (bpf_probe_read_kernel(&fp, sizeof(fp), &files[idx]))
			return NULL;
	}
	fp &= URING_FFS_MASK;
	return fp ? AS_FILE(fp) : NULL;
}

/*
 * A write whose success posts no completion (IOSQE_CQE_SKIP_SUCCESS),
 * at submit: the file its issue will use. Prep leaves req->file unset
 * (6.x assigns it at issue) and the fd, or the registered slot with
 * IOSQE_FIXED_FILE, in req->cqe.fd; the submitter (or the SQPOLL thread,
 * which shares its fd table) is current. Sent unconfirmed: the write may
 * still fail, and the fd may change before the issue.
 */
static __noinline int uring_submit_write(struct io_kiocb *req, __u64 flags)
{
	struct file *f = AS_FILE(BPF_CORE_READ(req, file));
	int fd;

	if (!f) {
		fd = BPF_CORE_READ(req, cqe.fd);
		if (flags & URING_REQ_FIXED_FILE)
			f = uring_fixed_file(BPF_CORE_READ(req, ctx), fd);
		else
			f = fd_file((void *)bpf_get_current_task_btf(), fd);
	}
	if (!f) {
		stat_inc(MW_STAT_FILE_UNREADABLE);
		return 0;
	}
	return uring_on_file(f, MW_FILE_OP_WRITE, MW_FILE_UNCONFIRMED);
}

/* Completion of a fallocate (its request is a struct io_sync). */
static __always_inline int uring_done_falloc(struct io_sync *fa, int res)
{
	struct file *f;

	if (res < 0)
		return 0;
	f = AS_FILE(BPF_CORE_READ(fa, file));
	if (!f)
		return 0;
	return on_fallocate(f, BPF_CORE_READ(fa, mode), BPF_CORE_READ(fa, len));
}

/* A request after its prep: keep what is by name (see the top). */
static __always_inline int uring_submit(__u64 req, __u8 opc, __u64 flags)
{
	int skip = !!(flags & URING_REQ_CQE_SKIP);

	struct uring_names nm = {};

	if (opc == URING_RENAMEAT) {
		struct io_rename *r = (void *)req;

		nm.d1 = BPF_CORE_READ(r, old_dfd);
		nm.n1 = uring_name(BPF_CORE_READ(r, oldpath));
		nm.d2 = BPF_CORE_READ(r, new_dfd);
		nm.n2 = uring_name(BPF_CORE_READ(r, newpath));
		return FPROG(uring_stash_g)(req, skip, MW_FILE_OP_RENAME, &nm);
	}
	if (opc == URING_LINKAT || opc == URING_SYMLINKAT) {
		struct io_link *l = (void *)req;

		/* path: the new name; target: the existing file (link) or
		 * the contents (symlink: no dirfd of its own). */
		nm.d1 = BPF_CORE_READ(l, new_dfd);
		nm.n1 = uring_name(BPF_CORE_READ(l, newpath));
		nm.d2 = BPF_CORE_READ(l, old_dfd);
		nm.n2 = uring_name(BPF_CORE_READ(l, oldpath));
		return FPROG(uring_stash_g)(req, skip,
				   opc == URING_LINKAT ? MW_FILE_OP_LINK
						       : MW_FILE_OP_SYMLINK,
				   &nm);
	}
	if (opc == URING_UNLINKAT) {
		struct io_unlink *u = (void *)req;

		nm.d1 = BPF_CORE_READ(u, dfd);
		nm.n1 = uring_name(BPF_CORE_READ(u, filename));
		return FPROG(uring_stash_g)(req, skip, MW_FILE_OP_UNLINK, &nm);
	}
	if (skip && (opc == URING_WRITE || opc == URING_WRITEV ||
		     opc == URING_WRITE_FIXED))
		return uring_submit_write((struct io_kiocb *)req, flags);
	if (opc == URING_OPENAT || opc == URING_OPENAT2) {
		struct io_open *o = (void *)req;
		__u64 fl = BPF_CORE_READ(o, how.flags);

		/*
		 * Only an open into a fixed slot, or one whose success posts
		 * no completion, has no fd to look at later.
		 */
		if ((!skip && !BPF_CORE_READ(o, file_slot)) ||
		    ((fl & O_ACCMODE) == O_RDONLY &&
		     !(fl & (O_CREAT | O_TRUNC))))
			return 0;
		nm.d1 = BPF_CORE_READ(o, dfd);
		nm.n1 = uring_name(BPF_CORE_READ(o, filename));
		return FPROG(uring_stash_g)(req, skip, MW_FILE_OP_WRITE, &nm);
	}
	return 0;
}

SEC("tracepoint/io_uring/io_uring_submit_req")
int FPROG(io_uring_submit_req)(struct trace_event_raw_io_uring_submit_req *ctx)
{
	return uring_submit((__u64)ctx->req, ctx->opcode, ctx->flags);
}

/*
 * The same tracepoint before 6.3, named io_uring_submit_sqe (6.1: Debian
 * 12); the loader leaves out whichever of the two the kernel lacks.
 */
struct trace_event_raw_io_uring_submit_sqe___old {
	struct trace_entry ent;
	void *req;
	__u8 opcode;
	__u32 flags;
} __attribute__((preserve_access_index));

SEC("tracepoint/io_uring/io_uring_submit_sqe")
int FPROG(io_uring_submit_sqe)(
    struct trace_event_raw_io_uring_submit_sqe___old *ctx)
{
	return uring_submit((__u64)ctx->req, ctx->opcode, ctx->flags);
}

SEC("tracepoint/io_uring/io_uring_complete")
int FPROG(io_uring_complete)(struct trace_event_raw_io_uring_complete *ctx)
{
	struct io_kiocb *req = ctx->req;
	int res = ctx->res;
	__u8 opc;

	opc = BPF_CORE_READ(req, opcode);
	switch (opc) {
	case URING_OPENAT:
	case URING_OPENAT2:
		if (res < 0)
			return 0;
		if (BPF_CORE_READ((struct io_open *)req, file_slot))
			return uring_done_by_name((__u64)req, res);
		return uring_done_open((struct io_open *)req, res);
	case URING_WRITE:
	case URING_WRITEV:
	case URING_WRITE_FIXED:
		return uring_done_fd(req, MW_FILE_OP_WRITE, res);
	case URING_FTRUNCATE:
		return uring_done_fd(req, MW_FILE_OP_TRUNCATE, res);
	case URING_FALLOCATE:
		return uring_done_falloc((struct io_sync *)req, res);
	case URING_RENAMEAT:
	case URING_UNLINKAT:
	case URING_LINKAT:
	case URING_SYMLINKAT:
		return uring_done_by_name((__u64)req, res);
	}
	return 0;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * file/link.bpf.c - file sensor, new names for files: hard links (link,
 * linkat) and symbolic links (symlink, symlinkat), into or out of watched
 * places.
 */
#include "file_record.bpf.h"

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
	__u32 off, match, v1, l1v, nofold = 0;
	bool out;
	long n;
	int len;

	if (ret < 0)
		return 0;
	e = file_rec(&s, MW_FILE_OP_SYMLINK);
	if (!e)
		return 0;
	len = path_at_v(dfd, (const char *)name, e->data, s, &e->flags,
			MW_FILE_PATH_TRUNC, MW_FILE_LEXICAL, &v1, 0);
	if (len < 0)
		return 0;
	e->path_len = len;
	l1v = view_build(v1, (const char *)name, 0);
	off = (len + 1) & (MW_PATH_MAX - 1);
	n = bpf_probe_read_user_str(&e->data[off], MW_PATH_MAX,
				    (const char *)target);
	if (n > 0)
		e->target_len = n - 1;
	/* The new name's view (the contents are the caller's anyway). */
	FPROG(views_two_g)(off + (n > 0 ? n : 0), l1v, 0, 0, 0);
	match = watch_match(e->data, len, NULL);
	/*
	 * A link pointing into a watched place (ln -s /var/log /tmp/x) is
	 * how a later by-name operation through it would slip past the
	 * lexical filter: report it too. Contents that can leave the
	 * link's directory (absolute, or starting with "..") and match
	 * nothing here go to userspace anyway, flagged: it joins them to
	 * the directory, and a link into a watched place becomes an alias
	 * whose path the kernel then watches (user/kernel/file_aliases.c).
	 */
	if (n > 1 && e->data[off] == '/')
		match = watch_or_target(match, &e->data[off], n - 1);
	out = n > 2 && (e->data[off] == '/' ||
			(e->data[off] == '.' &&
			 e->data[(off + 1) & (MW_PATH_MAX - 1)] == '.'));
	/* (a name with "." or ".." components is not the one used) */
	if (out && !(e->flags & MW_FILE_MATCH_UNSURE))
		nofold = link_pending_add(e->data, len);
	/*
	 * (an executables-only match drops a link: it has no x bit; a link
	 * not judged yet by this name is no reason to keep this one either)
	 */
	if (out && (!match || (match & (MW_FILE_MATCH_EXEC_ONLY |
					 MW_FILE_MATCH_LINK)))) {
		e->flags |= MW_FILE_SYMLINK_OUT;
		match = MW_FILE_SYMLINK_OUT;
	}
	return file_send(e, match | nofold);
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

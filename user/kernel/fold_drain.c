// SPDX-License-Identifier: GPL-2.0-only
/*
 * fold_drain.c - the kernel stage's side of the in-kernel fold
 * (bpf/fold.bpf.h): run the drain program (bpf/fold.bpf.c) and hand each
 * pair's repeats that no record carried to the caller.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"

#define FOLD_OUT_MAX 1024 /* = bpf/fold.bpf.c */

/* One run of the drain program; returns the slots it filled or -errno. */
static int drain_run(struct loader *ld, bool all)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	__u64 args[1] = {all};
	int fd = ld->fold_drain_fd;

	if (fd < 0)
		return -EOPNOTSUPP;
	opts.ctx_in = args;
	opts.ctx_size_in = sizeof(args);
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	return opts.retval > FOLD_OUT_MAX ? FOLD_OUT_MAX : (int)opts.retval;
}

int loader__fold_drain(struct loader *ld, bool all, loader_fold_fn fn,
		       void *ctx)
{
	int out_fd = ld->m.mw_fold_out;
	struct mw_fold_drained d;
	int n, total = 0;
	__u32 i;

	/* A full output means more may wait: run again (bounded). */
	do {
		n = drain_run(ld, all);
		if (n < 0)
			return n;
		for (i = 0; i < (__u32)n; i++)
			if (!bpf_map_lookup_elem(out_fd, &i, &d))
				fn(ctx, &d.key, d.count);
		total += n;
	} while (n == FOLD_OUT_MAX && total < 64 * FOLD_OUT_MAX);
	return total;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * fold.bpf.c - the drain of the kernel fold (fold.bpf.h): a program that
 * userspace runs (BPF_PROG_TEST_RUN) every second and at exit. It walks
 * mw_fold and takes, with an atomic exchange, the repeats of every pair
 * that has sent no record for a window (of every pair when asked, at
 * exit), writing them to mw_fold_out as struct mw_fold_drained. Userspace
 * (user/kernel/fold_drain.c) reports them against the pair's last record,
 * so a repeat the kernel folded is reported exactly once, by a record or
 * by the drain.
 *
 * A raw_tp program, not an iterator: BPF iterators (like fentry) are
 * refused on the kernels we must run on, and a raw_tp program can be run
 * on demand where the tracepoints it would name never matter.
 */
#include "fold.bpf.h"

#define FOLD_OUT_MAX 1024

/* One drain's output; the program returns how many slots it filled. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FOLD_OUT_MAX);
	__type(key, __u32);
	__type(value, struct mw_fold_drained);
} mw_fold_out SEC(".maps") __weak;

struct drain_ctx {
	__u64 now;
	__u32 all;
	__u32 n;
};

static long drain_one(struct bpf_map *map, struct mw_fold_key *k,
		      struct mw_fold_val *v, struct drain_ctx *dc)
{
	struct mw_fold_drained *out;
	__u32 i = dc->n;
	__u64 n;

	if (!v->pending)
		return 0;
	if (!dc->all && dc->now - v->last_ns < mw_fold_window_ns)
		return 0;
	out = bpf_map_lookup_elem(&mw_fold_out, &i);
	if (!out)
		return 1; /* full: the caller runs us again */
	n = __sync_lock_test_and_set(&v->pending, 0);
	if (!n)
		return 0;
	__builtin_memcpy(&out->key, k, sizeof(*k));
	out->count = n;
	dc->n = i + 1;
	return 0;
}

/* ctx[0]: 1 to drain every pair whatever its window. */
SEC("raw_tp")
int mw_fold_drain(__u64 *ctx)
{
	struct drain_ctx dc = {.now = bpf_ktime_get_boot_ns()};

	dc.all = ctx[0] != 0;
	bpf_for_each_map_elem(&mw_fold, drain_one, &dc, 0);
	return dc.n;
}

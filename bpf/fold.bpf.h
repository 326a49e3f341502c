/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * fold.bpf.h - repeats folded in the kernel, for any sensor: one record
 * per (process, kind, object) and window reaches the ring buffer, the
 * repeats in between are counted in the map, and the count travels with
 * the next record of the pair or is read by userspace from the map.
 *
 * Why: one process repeating one finding (a root loop truncating a log at
 * 300k/s, a user rewriting their own ~/.bashrc) would otherwise fill the
 * shared findings ring and push out another process's cron write. With the
 * fold a repeat costs a map update, and a pair seen for the first time (a
 * new process, a new object) always goes out.
 *
 * The count is exact: mw_fold_val.pending counts the repeats folded since
 * the pair's last record (atomically: threads of one process share the
 * entry), and whoever reports them takes them with an atomic exchange to
 * 0: the next record of the pair (its count is 1 + those), or, once the
 * pair has sent nothing for a window, the drain program userspace runs
 * every second and at exit (bpf/fold.bpf.c). Repeats happen only within a
 * window after a record, so a pair that went quiet is drained once and
 * then holds nothing. A record that could not be sent gives its count
 * back to the entry. What can still be lost: an entry the LRU evicts
 * while it holds repeats (more live pairs than MW_FOLD_ENTRIES within one
 * window).
 *
 * A sensor fills a struct mw_fold_key (events.h), calls fold_admit() when
 * it has a record to send, sends only when it returns 1, and after a
 * failed send calls fold_unsent() so the next occurrence goes out at once.
 */
#ifndef MW_FOLD_BPF_H
#define MW_FOLD_BPF_H

#include "common.bpf.h"

#define MW_FOLD_ENTRIES 16384

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MW_FOLD_ENTRIES);
	__type(key, struct mw_fold_key);
	__type(value, struct mw_fold_val);
} mw_fold SEC(".maps") __weak;

/*
 * Window in ns during which a pair sends at most one record; 0 turns the
 * fold off (every record is sent and stands for itself). Set through
 * .rodata.
 */
const volatile __u64 mw_fold_window_ns __weak = MW_FOLD_WINDOW_NS;

/* The current process, for a key: tgid and the leader's start time. */
static __always_inline void fold_key_proc(struct mw_fold_key *k)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	k->tgid = bpf_get_current_pid_tgid() >> 32;
	k->start_ns = BPF_CORE_READ(t, group_leader, start_boottime);
}

/*
 * Should the record for key k go out? 1: send it, *count is the
 * occurrences it stands for (this one and the repeats folded since the
 * last record), to carry in the record. 0: it was counted, drop it
 * (stat_idx is incremented). When the map cannot take the key the record
 * is sent with *count 1: folding is an economy, never a reason to lose a
 * finding.
 */
static __always_inline int fold_admit(const struct mw_fold_key *k, __u64 *count,
				      __u32 stat_idx)
{
	struct mw_fold_val *v, nv = {};
	__u64 now = bpf_ktime_get_boot_ns();

	*count = 1;
	if (!mw_fold_window_ns)
		return 1;
	v = bpf_map_lookup_elem(&mw_fold, k);
	if (!v) {
		nv.last_ns = now;
		if (!bpf_map_update_elem(&mw_fold, k, &nv, BPF_NOEXIST))
			return 1;
		/* Another CPU created it meanwhile: count on its entry. */
		v = bpf_map_lookup_elem(&mw_fold, k);
		if (!v)
			return 1;
	}
	if (now - v->last_ns < mw_fold_window_ns) {
		__sync_fetch_and_add(&v->pending, 1);
		stat_inc(stat_idx);
		return 0;
	}
	/* Two threads may both get here: two records, the count stays exact. */
	v->last_ns = now;
	*count = __sync_lock_test_and_set(&v->pending, 0) + 1;
	return 1;
}

/*
 * The record admitted for k, standing for count occurrences, was not
 * sent: the entry takes the count back and the next occurrence goes out.
 */
static __always_inline void fold_unsent(const struct mw_fold_key *k,
					__u64 count)
{
	struct mw_fold_val *v = bpf_map_lookup_elem(&mw_fold, k);

	if (v) {
		__sync_fetch_and_add(&v->pending, count);
		v->last_ns = 0;
	}
}

#endif /* MW_FOLD_BPF_H */

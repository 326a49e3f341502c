/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * common.bpf.h - maps and helpers every sensor shares.
 *
 * Each sensor is its own .bpf.c; bpftool gen object links them into one
 * object. Maps are defined __weak here so every sensor can include this
 * header and the linker keeps a single copy of each.
 */
#ifndef MW_COMMON_BPF_H
#define MW_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "events.h"

/*
 * Bulk telemetry (exec/fork/exit and sensor events): large, may fill up
 * under a storm; every failed reservation is counted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 2 << 20);
} mw_events SEC(".maps") __weak;

/*
 * Alerts decided in the kernel (denied execs, kills, blocks). Separate so a
 * telemetry flood can never crowd out the one record that says we acted.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 512 << 10);
} mw_alerts SEC(".maps") __weak;

/*
 * Findings the kernel already filtered (changes to watched files): their
 * own ring, so neither an exec storm on mw_events nor a flood of them can
 * push out what the other rings carry.
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} mw_findings SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MW_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} mw_stats SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_config);
} mw_config_map SEC(".maps") __weak;

/*
 * File operations no loaded rule can match, as bits 1 << enum mw_file_op
 * (only LINK..ZERO_RANGE are ever set): the file sensor drops them before
 * any path work. Userspace fills it from the rules (chown -R on a big tree
 * cost 1.7x the empty-hook floor while no default rule reads a chown);
 * 0, the default, drops nothing.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mw_file_ops_off SEC(".maps") __weak;

/*
 * --cgroup scope: slot 0 holds the cgroup v2 directory whose subtree is
 * watched (when mw_config.scoped). The kernel checks ancestry itself
 * (bpf_current_task_under_cgroup), so no cgroup levels or ids need to be
 * computed in userspace, and a cgroup namespace changes nothing.
 */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mw_cgroup_scope SEC(".maps") __weak;

/*
 * Generation of this load, set by the loader through .rodata. With pinned
 * state a restarted daemon attaches its programs next to the old ones and
 * then flips mw_config.active_gen: only one generation ever acts, and there
 * is no moment when none is attached.
 */
const volatile __u32 mw_load_gen __weak = 0;

/* Per-CPU scratch: records are built here, never on the 512-byte stack. */
struct mw_scratch {
	/*
	 * An exec record with room to spare; MW_NAME_MAX more so that a file
	 * record also has its view stash (MW_VIEW_STASH, file_path.bpf.h).
	 */
	char rec[sizeof(struct mw_exec_event) + MW_EXEC_DATA_MAX + MW_PATH_MAX +
		 MW_NAME_MAX];
	/* path_walk() writes backwards into this and copies the result out */
	char path[MW_PATH_MAX + MW_NAME_MAX];
	/*
	 * A path walk's state (struct path_walk, path.bpf.h). Here, not on
	 * the stack: the verifier tracks stack values exactly, so a walk
	 * offset that shrinks each step made it check the bpf_loop()
	 * callback once per possible offset (~180k instructions per
	 * program, seconds of daemon start); map memory reads back as an
	 * unknown number and the callback is checked once.
	 */
	__u64 walk[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_scratch);
} mw_scratch_map SEC(".maps") __weak;

static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&mw_stats, &idx);

	if (v)
		*v += 1; /* per-CPU slot: no atomics needed */
}

static __always_inline struct mw_config *config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mw_config_map, &zero);
}

static __always_inline struct mw_scratch *scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mw_scratch_map, &zero);
}

/*
 * min(n, max) in a form every verifier can follow: one 64-bit compare on
 * the register that is then used. A C clamp compiles to 32-bit compares
 * on a copy that 6.1's verifier loses track of ("R3 unbounded memory
 * access" at bpf_ringbuf_output), although 6.18's accepts it.
 */
#define size_clamp(n, max)                                                     \
	({                                                                     \
		__u64 __n = (n);                                               \
		asm volatile("if %[v] <= %[m] goto +1; %[v] = %[m]"            \
			     : [v] "+r"(__n)                                   \
			     : [m] "i"(max));                                  \
		__n;                                                           \
	})

/*
 * Send size bytes of rec to rb, counting success or loss. Telemetry does
 * not wake the daemon: it reads that ring in batches on a short poll (25
 * ms), which keeps an exec storm from costing a wakeup per fork, exec and
 * exit. Alerts and findings wake it at once, and so does telemetry once
 * its ring is a quarter full: a burst faster than the poll is drained
 * early instead of lost, which lets the ring stay small.
 */
static __always_inline int emit(void *rb, void *rec, __u64 size, int alert)
{
	__u64 flags = 0;
	int err;

	if (!alert)
		flags = bpf_ringbuf_query(rb, BPF_RB_AVAIL_DATA) >
				bpf_ringbuf_query(rb, BPF_RB_RING_SIZE) / 4
			    ? BPF_RB_FORCE_WAKEUP
			    : BPF_RB_NO_WAKEUP;
	err = bpf_ringbuf_output(rb, rec, size, flags);

	if (alert)
		stat_inc(err ? MW_STAT_ALERTS_LOST : MW_STAT_ALERTS_SENT);
	else
		stat_inc(err ? MW_STAT_EVENTS_LOST : MW_STAT_EVENTS_SENT);
	return err;
}

/*
 * A record for mw_findings (the file sensor's), counted apart. Not a
 * branch on the ring's address inside emit(): the maps are weak symbols,
 * so clang cannot fold that compare, and the verifier walked every
 * program's emit() both ways (handle_exec: 373k -> 741k instructions).
 */
static __always_inline int emit_finding(void *rec, __u64 size)
{
	int err = bpf_ringbuf_output(&mw_findings, rec, size, 0);

	stat_inc(err ? MW_STAT_FINDINGS_LOST : MW_STAT_FINDINGS_SENT);
	return err;
}

/*
 * The tgid as the task's own pid namespace sees it, and that namespace:
 * the upid at the level of the leader's struct pid (ns_of_pid()). Levels
 * are bounded by MAX_PID_NS_LEVEL (32). Indexed at run time, so read
 * with probe reads whatever hdr_fill*() read the rest with.
 */
static __always_inline void hdr_pidns(struct mw_hdr *h, struct pid *tpid,
				      unsigned int level)
{
	if (level < 32) {
		h->ns_pid = BPF_CORE_READ(tpid, numbers[level].nr);
		h->pidns = BPF_CORE_READ(tpid, numbers[level].ns, ns.inum);
	} else {
		h->ns_pid = h->pid;
		h->pidns = 0;
	}
}

/* Fill the common header from task (not necessarily current). */
static __always_inline void hdr_fill(struct mw_hdr *h, struct task_struct *task,
				     __u32 type)
{
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);
	struct pid *tpid = BPF_CORE_READ(task, group_leader, thread_pid);

	h->type = type;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->pid = BPF_CORE_READ(task, tgid);
	h->tid = BPF_CORE_READ(task, pid);
	h->ppid = BPF_CORE_READ(parent, tgid);
	h->uid = BPF_CORE_READ(task, real_cred, uid.val);
	h->gid = BPF_CORE_READ(task, real_cred, gid.val);
	h->euid = BPF_CORE_READ(task, real_cred, euid.val);
	h->loginuid = BPF_CORE_READ(task, loginuid.val);
	h->start_ns = BPF_CORE_READ(task, start_boottime);
	h->mntns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	h->cgroup_id = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, id);
	/* Scratch is reused: clear what a shorter comm would leave behind. */
	__builtin_memset(h->comm, 0, sizeof(h->comm));
	BPF_CORE_READ_STR_INTO(&h->comm, task, comm);

	hdr_pidns(h, tpid, BPF_CORE_READ(tpid, level));
}

/*
 * hdr_fill() for a task the verifier knows as a BTF pointer (a tp_btf
 * argument, bpf_get_current_task_btf()): the fields come with plain loads
 * that the verifier turns into fault-safe direct loads instead of one
 * bpf_probe_read_kernel() call per step (about 25 calls, most of the
 * exec, fork and exit programs' run time). The pid namespace's upid
 * stays a probe read (hdr_pidns()).
 */
static __always_inline void hdr_fill_btf(struct mw_hdr *h,
					 struct task_struct *task, __u32 type)
{
	struct pid *tpid = task->group_leader->thread_pid;
	const struct cred *cred = task->real_cred;

	h->type = type;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->pid = task->tgid;
	h->tid = task->pid;
	h->ppid = task->real_parent->tgid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	h->euid = cred->euid.val;
	h->loginuid = task->loginuid.val;
	h->start_ns = task->start_boottime;
	h->mntns = task->nsproxy->mnt_ns->ns.inum;
	h->cgroup_id = task->cgroups->dfl_cgrp->kn->id;
	__builtin_memset(h->comm, 0, sizeof(h->comm));
	bpf_probe_read_kernel_str(&h->comm, sizeof(h->comm), task->comm);
	hdr_pidns(h, tpid, tpid->level);
}

/*
 * Should this program look at the current task at all? False when another
 * generation of programs is the active one, or when the current task is
 * outside the --cgroup scope (counted). Call first in every program; a NULL
 * cfg (cannot happen with an array map) lets everything through.
 */
/*
 * Ours are the active programs (not an older daemon's being replaced, nor
 * a newer one's not yet switched on). For hooks where "current" is not the
 * acting process (softirq packet paths) this is the only gate; the cgroup
 * scope is then applied by where the cgroup programs are attached.
 */
static __always_inline int mw_active(struct mw_config *cfg)
{
	return !cfg || cfg->active_gen == mw_load_gen;
}

static __always_inline int mw_wanted(struct mw_config *cfg)
{
	if (!cfg)
		return 1;
	if (cfg->active_gen != mw_load_gen)
		return 0;
	if (cfg->scoped &&
	    bpf_current_task_under_cgroup(&mw_cgroup_scope, 0) != 1) {
		stat_inc(MW_STAT_SCOPE_FILTERED);
		return 0;
	}
	return 1;
}

/*
 * True when the current task (tgid: its tgid) is the daemon itself: its
 * own events are noise. The start time must match too, so a pid reused
 * after a crash (pinned programs and self_tgid outlive us) is not exempt.
 */
static __always_inline int is_self(struct mw_config *cfg, __u32 tgid)
{
	struct task_struct *t;

	if (!cfg || !cfg->self_tgid || cfg->self_tgid != tgid)
		return 0;
	if (!cfg->self_start)
		return 1;
	t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, group_leader, start_boottime) ==
	       cfg->self_start;
}

char LICENSE[] SEC("license") __weak = "Dual BSD/GPL";

#endif /* MW_COMMON_BPF_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * event.h - decoded events and process records, as the rule engine, the
 * reporter and the response see them. Nothing here knows about BPF.
 */
#ifndef MW_EVENT_H
#define MW_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MW_ENTITY_ID_LEN 17	/* 16 hex digits and a NUL */
#define MW_SHA256_HEX 65

/* Process flags (struct mw_process.flags). */
enum mw_proc_flags {
	MW_PROC_MEMFD = 1 << 0,		/* runs from a memfd */
	MW_PROC_DELETED = 1 << 1,	/* executable deleted */
	MW_PROC_ARGS_TRUNC = 1 << 2,	/* argv was truncated */
	MW_PROC_SEEDED = 1 << 3,	/* learned from /proc at start */
	MW_PROC_EXECED = 1 << 4,	/* seen exec'ing while we ran */
	MW_PROC_EXE_TRUNC = 1 << 5,	/* exe path truncated */
	/* A kill rule judged it (enforce): its forks share the verdict. */
	MW_PROC_CONDEMNED = 1 << 6,
	/* --cgroup: whether it is inside the scope was checked, and is. */
	MW_PROC_SCOPE_KNOWN = 1 << 7,
	MW_PROC_IN_SCOPE = 1 << 8,
	/* runs from a memfd sealed against writes (F_SEAL_WRITE/FUTURE_WRITE) */
	MW_PROC_MEMFD_SEALED = 1 << 9,
};

/*
 * One process as the cache knows it. Owned by the process cache
 * (user/proc_cache.c); everyone else borrows it for the duration of one
 * event callback and must not keep the pointer.
 */
struct mw_process {
	uint32_t pid;			/* host tgid */
	/*
	 * The pid whose exec made the image this process runs: itself after
	 * an exec, its parent's for a child that forked without one (hydra's
	 * tasks, a daemonized miner). Network bursts count per image.
	 */
	uint32_t image_pid;
	uint32_t ppid;			/* host tgid of the parent */
	uint32_t ns_pid;		/* pid in its own namespace */
	uint32_t uid, gid, euid;
	uint32_t loginuid;		/* UINT32_MAX when unset */
	uint64_t start_ns;		/* start_boottime, ns since boot */
	uint64_t cgroup_id;
	uint32_t pidns, mntns;
	uint32_t flags;			/* enum mw_proc_flags */
	uint64_t exec_ts_ns;		/* last exec, boot ns (0 if unknown) */
	char entity_id[MW_ENTITY_ID_LEN];
	char parent_entity_id[MW_ENTITY_ID_LEN];
	char comm[16];
	char *exe;			/* absolute executable path, or NULL */
	char *name;			/* basename of exe (points into exe) */
	char *cwd;			/* working directory, or NULL */
	char **argv;			/* argc strings, NULL-terminated */
	int argc;
	char *cmdline;			/* argv joined by spaces */
	char sha256[MW_SHA256_HEX];	/* hex digest, "" until computed */
	char container_id[65];		/* "" when not in a container */
	uint64_t exe_ino;
	uint32_t exe_dev;
	/*
	 * The path given to execve, made absolute against cwd: for a #!
	 * script this is the script while exe is its interpreter. NULL when
	 * unknown (seeded from /proc).
	 */
	char *exec_path;
	/*
	 * Behaviour: CPU samples (model/cpu.c) and the weak signals the
	 * respond stage adds up (respond/score.c). Zero until sampled.
	 */
	uint64_t cpu_ticks;	 /* utime + stime at the last sample */
	uint64_t cpu_ts_ns;	 /* boot ns of that sample, 0: none yet */
	uint64_t cpu_busy_ns;	 /* time busy in a row, up to that sample */
	uint64_t cpu_busy_ticks; /* CPU ticks used in that time */
	int32_t tty_nr;		 /* controlling terminal at the sample, 0 none */
	uint32_t signals;	 /* enum mw_signal (model/behaviour_event.h) */
	uint64_t signals_exec_ns; /* the exec_ts_ns the signals belong to */
	int32_t score_judged;	 /* highest behaviour score judged */
	/* With MW_PROC_CONDEMNED: the kill rule's index and rule set. */
	int judged_rule;
	uint32_t judged_gen;
};

/* What kind of event the rule engine is looking at. */
enum mw_event_kind {
	MW_KIND_EXEC = 1,
	MW_KIND_FILE = 2,	/* file sensor (persistence, logs) */
	MW_KIND_NET = 3,	/* network sensor */
	MW_KIND_BEHAVIOUR = 4,	/* signals added up (sensors/behaviour_sensor.c) */
};

/* Sensor-specific parts of an event, defined by each sensor's header. */
struct mw_file_info;	/* user/file_event.h */
struct mw_net_info;	/* user/net_event.h */
struct mw_behaviour_info; /* model/behaviour_event.h */
struct mw_content;	/* model/content_event.h */

/*
 * A decoded event. Pointers are borrowed for the duration of one dispatch:
 * the process records belong to the cache, strings to the decoder.
 */
struct mw_event {
	enum mw_event_kind kind;
	uint64_t ts_ns;				/* boot ns of the event */
	const struct mw_process *proc;		/* never NULL */
	const struct mw_process *parent;	/* NULL when unknown */
	/* Ancestors beyond the parent: ancestors[0] is the grandparent. */
	const struct mw_process *const *ancestors;
	int n_ancestors;
	/* Exec: what the kernel did at exec time. */
	uint32_t exec_flags;			/* enum mw_exec_flags */
	int32_t kill_err;
	uint32_t deny_rule;
	/*
	 * The process was already running when the daemon started: judged
	 * once from what /proc said, not from an exec we saw.
	 */
	bool at_start;
	/* Set for MW_KIND_FILE / MW_KIND_NET events, NULL otherwise. */
	const struct mw_file_info *file;
	const struct mw_net_info *net;
	const struct mw_behaviour_info *behaviour; /* MW_KIND_BEHAVIOUR */
	/*
	 * Set when the content worker's verdict on the executable arrived
	 * (identify/): the process is judged again with it. NULL otherwise.
	 */
	const struct mw_content *content;
	/* Exec: the content worker took the executable; its hash will come
	 * (a judgement may wait for it, respond/hash_wait.h). */
	bool hash_coming;
};

#endif /* MW_EVENT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * behaviour_event.h - a behaviour verdict's event (struct
 * mw_event.behaviour, kind MW_KIND_BEHAVIOUR): weak signals of one process
 * added up to a score (respond/score.c), with the evidence named. Built by
 * sensors/behaviour_sensor.c from the CPU samples (model/cpu.c) and the
 * signals other events left on the process (struct mw_process.signals).
 */
#ifndef MW_BEHAVIOUR_EVENT_H
#define MW_BEHAVIOUR_EVENT_H

#include <stdint.h>

/* Signals kept on a process (struct mw_process.signals). */
enum mw_signal {
	MW_SIG_CPU_BUSY = 1 << 0,     /* kept >= a core busy (model/cpu.c) */
	MW_SIG_POOL_PORT = 1 << 1,    /* a weak T1496 rule on its connect */
	MW_SIG_WEAK_RULE = 1 << 2,    /* another weak (< 50) T1496 rule */
	MW_SIG_CHILD_T1496 = 1 << 3,  /* it ran a T1496 tool (modprobe msr) */
	MW_SIG_CONFIG = 1 << 4,	      /* miner config beside its executable */
	MW_SIG_EXE_WW = 1 << 5,	      /* executable's dir is world-writable */
	MW_SIG_EXE_UNLINKED = 1 << 6, /* its executable deleted while running */
	MW_SIG_DOWNLOADED = 1 << 7, /* run right after a downloader wrote it */
	MW_SIG_CPU_TUNING = 1 << 8, /* wrote an MSR device or nr_hugepages */
	MW_SIG_CGROUP_BUSY = 1 << 9, /* stands for a busy cgroup (cgroup_cpu) */
	MW_SIG_CONFIG_CHECKED = 1 << 29, /* config and dir looked at */
	MW_SIG_DIRTY = 1 << 30,		 /* changed since last judged */
};

#define MW_EVIDENCE_MAX 16

struct mw_behaviour_info {
	int score; /* 0..100 */
	int n_evidence;
	const char *evidence[MW_EVIDENCE_MAX]; /* static names, see score.c */
	int cpu_pct;	 /* % of one core while busy, 0 if not */
	uint64_t busy_s; /* seconds busy in a row */
	/* cgroup_cpu_busy: the cgroup's path and % of one core, or NULL/0. */
	const char *cgroup_path;
	int cgroup_pct;
	/* run_after_download (sensors/drop_sensor.c): who wrote it. */
	const char *dl_name; /* the downloader's name, or NULL */
	const char *dl_cmdline;
	const char *dl_peer; /* host[:port] of its URL, or NULL */
	uint32_t dl_pid;
	const char *dl_method; /* "dev_tcp": a shell's own connection */
	/* restart_by_* (respond/incident.c): what brought it back. */
	const char *restart_via;  /* "cron", "systemd", "rc", or NULL */
	const char *restart_file; /* the persistence file, or NULL */
	uint64_t restart_killed_ns; /* when it was killed, boot ns */
};

#endif /* MW_BEHAVIOUR_EVENT_H */

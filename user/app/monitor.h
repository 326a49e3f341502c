/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor.h - the daemon: load, attach, consume, judge, act, report.
 */
#ifndef MW_MONITOR_H
#define MW_MONITOR_H

#include <stdbool.h>
#include <stdint.h>

#define MW_MAX_PATHS 32

struct monitor_opts {
	const char *rule_paths[MW_MAX_PATHS];
	int n_rule_paths;
	const char *outputs[MW_MAX_PATHS];
	int n_outputs;
	bool enforce;	       /* kill/block for real */
	bool events;	       /* also stream raw process events */
	bool verbose;	       /* libbpf and loader diagnostics */
	int stats_interval;    /* seconds between health events, 0 = off */
	const char *cgroup;    /* cgroup v2 dir: watch only its subtree */
	const char *pin_dir;   /* pin and adopt BPF state here; NULL: off */
	const char *control;   /* control socket path; NULL: none */
	const char *spool_dir; /* output spool dir; NULL: the default */
	int aggregate_window;   /* seconds repeats of an alert are folded */
	/*
	 * Refused in the kernel where BPF-LSM loads (enforce mode), until the
	 * file and network rules fill the same maps: ADDR[/BITS] or :PORT,
	 * and files or directories to protect from writes.
	 */
	const char *deny_connect[MW_MAX_PATHS];
	int n_deny_connect;
	const char *protect_paths[MW_MAX_PATHS];
	int n_protect_paths;
	/*
	 * Content identity (identify/): YARA rule files or directories (none
	 * given: each rule directory's yara/), where quarantined files go and
	 * the only tree they may be taken from (NULL: defaults, anywhere).
	 */
	const char *yara_paths[MW_MAX_PATHS];
	int n_yara_paths;
	const char *quarantine_dir;
	const char *quarantine_under;
	/*
	 * The content worker: off entirely, the file size cap in MiB, the
	 * verdicts cached, worker threads, and whether a packed program's
	 * running image is scanned (0 / false: the defaults, on).
	 */
	bool content_off;
	bool unpack_off;
	int content_max_mb;
	int content_cache;
	int content_workers;
	/* --ring-size: bytes of the events, alerts, findings rings (0: the
	 * built-in sizes) */
	uint32_t ring_bytes[3];
};

/* Exit codes, documented in the README and --help. */
enum mw_exit {
	MW_EXIT_OK = 0,
	MW_EXIT_RUNTIME = 1, /* failed while running */
	MW_EXIT_USAGE = 2,   /* bad command line */
	MW_EXIT_RULES = 3,   /* rule files refused */
	MW_EXIT_ENV = 4,     /* not root, no BTF/BPF, load/attach failed */
	MW_EXIT_OUTPUT = 5,  /* an output could not be set up */
	MW_EXIT_CONFIG = 6,  /* config file refused */
};

/* Run until SIGTERM/SIGINT. Returns an enum mw_exit code. */
int monitor__run(const struct monitor_opts *o);

#endif /* MW_MONITOR_H */

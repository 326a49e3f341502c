/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader_int.h - the loader's state, shared by the files of the kernel
 * stage: loader.c (open, load, attach, rings, settings, counters) and
 * filters.c (the maps filled from the rules and the command line). Not an
 * API: only kernel/ files include it; everyone else has loader.h.
 */
#ifndef MW_LOADER_INT_H
#define MW_LOADER_INT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

#include "kernel/kernel_features.h"
#include "kernel/loader.h"
#include "kernel/ring.h"
#include "minerwatch.skel.h"

#define MAX_CG_LINKS 16

struct loader {
	struct minerwatch_bpf *skel;
	/* enum LOADER_RING_* order: telemetry, kernel acts, findings */
	struct mw_ring rings[LOADER_RINGS];
	int epfd; /* the three rings' map fds */
	int ncpu;
	int file_watch_entries; /* entries in the file sensor's watch maps */
	bool all_file_ops;	/* --events: the kernel skips no file op */
	uint32_t file_ops_off;	/* the ops it skips (1 << enum mw_file_op) */
	struct features feat;
	bool try_lsm;	     /* load the lsm/ programs if the kernel allows */
	bool lsm_on;	     /* lsm/ programs are loaded and attached */
	char lsm_off[400];   /* why not, when they are not */
	char file_mode[160]; /* which file sensor build runs */
	bool file_fentry;    /* the file sensor on fentry/fexit */
	bool file_no_fentry; /* that set failed to load: tracepoints */
	char hooks[1024];
	char pin_dir[PATH_MAX]; /* "" when not pinning */
	bool adopted;		/* reused a previous daemon's pinned state */
	bool replace_pins;	/* pinned state was incompatible: replace it */
	bool scoped;		/* --cgroup given */
	char scope_path[PATH_MAX]; /* the --cgroup dir: cgroup programs go here
				    */
	uint32_t gen;		   /* mw_load_gen of our programs */
	uint32_t old_enforce;	   /* enforce flag the adopted state had */
	uint32_t self_tgid;	   /* tgid the kernel sees for us, 0 unknown */
	uint64_t self_start;	   /* our start_boottime (ns), 0 unknown */
	/* What we last wrote to mw_config_map (loader__config_check). */
	struct mw_config cfg_written;
	bool cfg_written_ok;
	/* cgroup programs: the skeleton cannot attach them by itself */
	struct bpf_link *cg_links[MAX_CG_LINKS];
	int n_cg_links;
	char cgroup_root[PATH_MAX];
};

#endif /* MW_LOADER_INT_H */

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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "kernel/kernel_features.h"
#include "kernel/loader.h"
#include "kernel/ring.h"
#include "minerwatch.skel.h"

#define MAX_CG_LINKS 16

/*
 * The maps the daemon reads and fills while it runs, by their names in
 * the BPF object: their fds are all it keeps of the object once loaded
 * (see loader__open: libbpf's copy of the object, ~2 MiB of instructions
 * and BTF, is closed after load and attach).
 */
#define LOADER_MAPS(X)                                                         \
	X(mw_config_map)                                                       \
	X(mw_net_config)                                                       \
	X(mw_cgroup_scope)                                                     \
	X(mw_stats)                                                            \
	X(mw_events)                                                           \
	X(mw_alerts)                                                           \
	X(mw_findings)                                                         \
	X(mw_stratum_cut)                                                      \
	X(mw_deny_inodes)                                                      \
	X(mw_deny_names)                                                       \
	X(mw_deny_net4)                                                        \
	X(mw_deny_net6)                                                        \
	X(mw_deny_ports)                                                       \
	X(mw_protect_inodes)                                                   \
	X(mw_net_block_ports)                                                  \
	X(mw_net_block_v4)                                                     \
	X(mw_net_block_v6)                                                     \
	X(mw_file_prefixes)                                                    \
	X(mw_file_links_pending)                                               \
	X(mw_file_names)                                                       \
	X(mw_file_dirnames)                                                    \
	X(mw_file_ops_off)                                                     \
	X(mw_file_anchors)                                                     \
	X(mw_file_host_ns)                                                     \
	X(mw_fold_out)

#define LOADER_MAP_FD(name) int name;
struct loader_maps {
	LOADER_MAPS(LOADER_MAP_FD)
};
#undef LOADER_MAP_FD

struct loader {
	/* libbpf's object: while loading only (NULL once loader__open is done) */
	struct minerwatch_bpf *skel;
	struct loader_maps m;	/* map fds, ours (-1: none) */
	int fold_drain_fd;	/* the mw_fold_drain program, ours */
	uint32_t ring_bytes[LOADER_RINGS]; /* each ring's size */
	json_t *hooks_json;	/* what loader__hooks_json copies */
	/* the links, taken from the skeleton before it is closed */
	struct bpf_link **links;
	int n_links;
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
	uint32_t watch_gen;	   /* generation of the file watch entries */
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

/* Is path (the daemon's name) one of the anchors? (file_anchors.c) */
bool file_anchors_has(const char *path);
/* The alias links' prefix entries again, under gen (file_aliases.c). */
void file_aliases_rewatch(struct loader *ld, uint32_t gen);

#endif /* MW_LOADER_INT_H */

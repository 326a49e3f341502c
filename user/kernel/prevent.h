/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prevent.h - the command line's kernel refusals (--deny-connect,
 * --protect-path), for kernels with BPF-LSM.
 */
#ifndef MW_PREVENT_H
#define MW_PREVENT_H

#include <stdbool.h>
#include <stdint.h>

struct loader;

struct prevent_opts {
	const char *const *deny_connect; /* ADDR[/BITS] or :PORT */
	int n_deny_connect;
	const char *const *protect_paths; /* files or directories */
	int n_protect_paths;
};

/*
 * Fill the lsm/ maps from o (they mean something only where BPF-LSM is
 * loaded: a warning says so otherwise). Returns 0, or a negative errno
 * after a message on stderr.
 */
int prevent__setup(struct loader *ld, const struct prevent_opts *o);

/*
 * Kill by identity: the executable file (kernel dev encoding, inode) goes
 * into mw_deny_inodes, so its next exec under any name or path dies at
 * sched_process_exec before its first instruction (refuse: a deny rule,
 * refused at lsm/bprm_check_security where BPF-LSM loads). rule_idx is the
 * rule that judged it, in the rule set the verdict uses now. 0 or a
 * negative errno.
 */
int prevent__deny_inode(struct loader *ld, uint32_t dev, uint64_t ino,
			int rule_idx, bool refuse);
/* Take one file out again (e.g. the rule went away); 0 or -errno. */
int prevent__allow_inode(struct loader *ld, uint32_t dev, uint64_t ino);
/* Empty the map (at start: entries of an earlier daemon name its rules). */
void prevent__clear_inodes(struct loader *ld);

#endif /* MW_PREVENT_H */

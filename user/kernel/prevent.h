/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * prevent.h - the command line's kernel refusals (--deny-connect,
 * --protect-path), for kernels with BPF-LSM.
 */
#ifndef MW_PREVENT_H
#define MW_PREVENT_H

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

#endif /* MW_PREVENT_H */

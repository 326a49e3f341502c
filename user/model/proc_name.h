/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * proc_name.h - which name a process goes by (process.name): the one ps
 * shows, not the basename of the file the kernel resolved.
 */
#ifndef MW_PROC_NAME_H
#define MW_PROC_NAME_H

#include "model/event.h"

/*
 * The name of p, as a pointer into p's own strings (exec_path, exe,
 * argv[] or comm), so it lives as long as they do; NULL when p has none.
 * Call again whenever one of them changes.
 */
char *proc_name__pick(const struct mw_process *p);

/*
 * A program run through the dynamic loader (ld.so PROGRAM ARGS): replace
 * p->exec_path (owned by the process cache) with PROGRAM made absolute.
 * Returns 1 when it did, 0 when p is not such an exec.
 */
int proc_name__loader(struct mw_process *p);

/*
 * p's name when it can be trusted to name a system program (for rule
 * exceptions): the name is the base name of the path it ran by (exec_path,
 * else the executable), and that path and the executable both lie in a
 * root-owned program directory (/usr/bin, /usr/sbin, /bin, /sbin,
 * /usr/lib, /usr/libexec, /lib, /usr/local/bin, /usr/local/sbin) with no
 * hidden or ".." component. NULL otherwise: a renamed copy in /tmp, an
 * argv[0] chosen with exec -a, a memfd or deleted file never borrows it.
 */
const char *proc_name__system(const struct mw_process *p);

#endif /* MW_PROC_NAME_H */

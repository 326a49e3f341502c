/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * file_proc_root.h - a by-name string through another task's
 * /proc/PID/root, followed to the object it names (file_proc_root.c).
 */
#ifndef MW_FILE_PROC_ROOT_H
#define MW_FILE_PROC_ROOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"

struct sensors;

/*
 * The length of str's "/proc/<pid>/root" prefix (followed by '/' or the
 * end), with the number in *pid; 0 when str has none.
 */
size_t file_proc_root__prefix(const char *str, uint32_t *pid);

/*
 * str (a string through /proc/PID/root, as the task of header h gave it)
 * by the daemon's name of the object, into out. false, counted in
 * s->proc_root_unresolved, when it cannot be followed: out is untouched.
 */
bool file_proc_root__follow(struct sensors *s, const struct mw_hdr *h,
			    const char *str, char *out, size_t n);

#endif /* MW_FILE_PROC_ROOT_H */

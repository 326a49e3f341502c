/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loader_pin.h - bpffs helpers of the loader (pinning across restarts).
 * Private to the loader; layout of a pin dir:
 *   <pin_dir>/maps/<map name>    every non-internal map
 *   <pin_dir>/links/<prog name>  every attached program's link
 */
#ifndef MW_LOADER_PIN_H
#define MW_LOADER_PIN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Make sure pin_dir exists (0700) on a bpf filesystem, mounting bpffs at
 * /sys/fs/bpf first when it is absent there. Returns 0 or -errno + err.
 */
int pin__prepare(const char *pin_dir, char *err, size_t err_len);

/* "<pin_dir>/<kind>/<name>" into buf; -ENAMETOOLONG when it does not fit. */
int pin__path(char *buf, size_t len, const char *pin_dir, const char *kind,
	      const char *name);

/* True when a previous daemon left state in pin_dir. */
bool pin__has_state(const char *pin_dir);

/* Unlink every entry of <pin_dir>/<kind>; returns how many, or -errno. */
int pin__clear(const char *pin_dir, const char *kind);

#endif /* MW_LOADER_PIN_H */

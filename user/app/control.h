/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.h - the root-only control socket (status queries) and systemd's
 * readiness protocol (sd_notify, spoken directly: no libsystemd).
 */
#ifndef MW_CONTROL_H
#define MW_CONTROL_H

#include <stddef.h>

#define CONTROL_DEFAULT_PATH "/run/minerwatch/control.sock"

struct control;

/*
 * Listen on a unix socket at path (mode 0600, its directory created 0700
 * when missing; a stale socket is replaced). On success *out is the
 * caller's (free with control__close()).
 */
int control__open(const char *path, struct control **out, char *err,
		  size_t err_len);
void control__close(struct control *c); /* NULL is fine; unlinks the path */

/*
 * Called by the event loop on each pass; never blocks. When the control
 * thread holds a root client, builds status(ctx) (a malloc'ed string or
 * NULL; ownership passes here) and hands it over; the thread writes it and
 * closes the connection. Clients not running as root are refused by the
 * thread alone. Returns 1 when a line was built, else 0.
 */
typedef char *(*control_status_fn)(void *ctx);
int control__serve(struct control *c, control_status_fn status, void *ctx);

/* Client side: connect to path and copy the answer to stdout. */
int control__query(const char *path, char *err, size_t err_len);

/*
 * Send state ("READY=1", "STOPPING=1", ...) to $NOTIFY_SOCKET when systemd
 * set it (Type=notify); a no-op otherwise. Returns 0 or -errno.
 */
int control__sd_notify(const char *state);

#endif /* MW_CONTROL_H */

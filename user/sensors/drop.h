/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * drop.h - the matching behind sensors/drop_sensor.c, exposed for tests:
 * does a downloader's argument name a file, and the peer of its URL;
 * the TCP peer of a shell that downloaded through /dev/tcp.
 */
#ifndef MW_SENSORS_DROP_H
#define MW_SENSORS_DROP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * True when argument a of a downloader running in cwd names the absolute
 * path exe: exe itself, exe relative to cwd, or a URL whose last part is
 * exe's name when exe is directly in cwd (wget URL, curl -O URL).
 */
bool drop__names_file(const char *a, const char *cwd, const char *exe);

/* host[:port] of the first URL in cmdline into out, "" when none. */
void drop__url_peer(const char *cmdline, char *out, size_t n);

/*
 * drop_tcp.c: true when pid holds a connected TCP socket; its peer
 * ("ip:port", "[ip6]:port") into peer. _line: one line of
 * /proc/PID/net/tcp{,6} for the socket inode ino (exposed for tests).
 */
bool drop__tcp_peer(uint32_t pid, char *peer, size_t n);
bool drop__tcp_line(const char *line, unsigned long ino, char *peer,
		    size_t n);

#endif /* MW_SENSORS_DROP_H */

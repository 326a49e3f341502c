/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hosts.h - the name a process's own /etc/hosts gives an address. A miner
 * whose pool name is pinned in the hosts file sends no DNS query, and an
 * old TLS client (XMRig 6.16) sends no server name: the hosts file as that
 * process sees it (/proc/PID/root/etc/hosts, its mount namespace and
 * root) is then the only place the name is written.
 */
#ifndef MW_SENSORS_HOSTS_H
#define MW_SENSORS_HOSTS_H

#include <stddef.h>
#include <stdint.h>

/*
 * The first name text (hosts(5) format) gives addr (family AF_INET or
 * AF_INET6, network order) other than localhost aliases, into out.
 * Returns 0, or -ENOENT when there is none.
 */
int hosts__parse(const char *text, int family, const uint8_t *addr, char *out,
		 size_t out_len);

/*
 * The same from /proc/PID/root/etc/hosts (the first 64 KiB). Returns 0,
 * -ENOENT, or a negative errno from reading it (the process is gone).
 */
int hosts__name(uint32_t pid, int family, const uint8_t *addr, char *out,
		size_t out_len);

#endif /* MW_SENSORS_HOSTS_H */

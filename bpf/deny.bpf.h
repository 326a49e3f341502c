/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * deny.bpf.h - the deny maps userspace fills from the rules, shared by the
 * sensors that kill (process.bpf.c) and the BPF-LSM hooks that refuse
 * (lsm.bpf.c). __weak: every object that includes this gets the same map
 * after bpftool gen object links them.
 */
#ifndef MW_DENY_BPF_H
#define MW_DENY_BPF_H

#include "common.bpf.h"

/* Executable file names rules deny (filled from kill and deny rules). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, char[MW_DENY_NAME]);
	__type(value, struct mw_deny);
} mw_deny_names SEC(".maps") __weak;

/* Executable files rules deny by identity (e.g. a known-bad hash). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct mw_inode_key);
	__type(value, struct mw_deny);
} mw_deny_inodes SEC(".maps") __weak;

#endif /* MW_DENY_BPF_H */

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

/*
 * The first two deny keys, the same for the kill at exec and the BPF-LSM
 * refusal: the file's identity, then the name of the file the kernel runs
 * (a symlink or hard link named otherwise still hits). key is the caller's
 * zeroed buffer, reused for its own third key. NULL when neither hits.
 */
static __always_inline struct mw_deny *
deny_lookup_file(__u64 ino, __u32 dev, struct dentry *d, char key[MW_DENY_NAME])
{
	struct mw_inode_key ik = {.ino = ino, .dev = dev};
	struct mw_deny *hit;

	hit = bpf_map_lookup_elem(&mw_deny_inodes, &ik);
	if (hit)
		return hit;
	/* A name too long for a key is never in the map: skip the read. */
	if (BPF_CORE_READ(d, d_name.len) >= MW_DENY_NAME)
		return NULL;
	bpf_probe_read_kernel_str(key, MW_DENY_NAME,
				  BPF_CORE_READ(d, d_name.name));
	return bpf_map_lookup_elem(&mw_deny_names, key);
}

#endif /* MW_DENY_BPF_H */

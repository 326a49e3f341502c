// SPDX-License-Identifier: GPL-2.0-only
/*
 * prevent.c - the command line's own kernel refusals (--deny-connect,
 * --protect-path) into the BPF-LSM maps. Rules fill the same maps through
 * the loader; what the hooks refuse comes back as MW_EV_DENY records
 * (sensors/lsm_sensor.c). Also the kill by identity: files a content or
 * hash rule judged, by inode, into mw_deny_inodes (bpf/deny.bpf.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"
#include "kernel/prevent.h"

/*
 * "ADDR[/BITS]" or ":PORT" into the lsm/socket_connect maps. Returns 0 or
 * a negative errno (-EINVAL for a bad spec).
 */
static int deny_connect_add(struct loader *ld, const char *spec)
{
	uint8_t addr[16];
	char buf[64], *slash, *end;
	long v;
	int family, bits;

	if (spec[0] == ':') {
		v = strtol(spec + 1, &end, 10);
		if (*end || end == spec + 1 || v < 1 || v > 65535)
			return -EINVAL;
		return loader__deny_port(ld, (uint16_t)v, -1, 0);
	}
	snprintf(buf, sizeof(buf), "%s", spec);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		family = 4, bits = 32;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		family = 6, bits = 128;
	else
		return -EINVAL;
	if (slash) {
		v = strtol(slash, &end, 10);
		if (*end || end == slash || v < 0 || v > bits)
			return -EINVAL;
		bits = v;
	}
	return loader__deny_net(ld, family, addr, bits, -1, 0);
}

/* Command line deny entries; they need BPF-LSM to mean anything. */
int prevent__setup(struct loader *ld, const struct prevent_opts *o)
{
	int i, ret;

	for (i = 0; i < o->n_deny_connect; i++) {
		ret = deny_connect_add(ld, o->deny_connect[i]);
		if (ret) {
			fprintf(stderr, "minerwatch: --deny-connect %s: %s\n",
				o->deny_connect[i],
				ret == -EINVAL ? "expected ADDR[/BITS] or :PORT"
					       : strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < o->n_protect_paths; i++) {
		ret = loader__protect_path(ld, o->protect_paths[i], -1, 0);
		if (ret) {
			fprintf(stderr, "minerwatch: --protect-path %s: %s\n",
				o->protect_paths[i], strerror(-ret));
			return ret;
		}
	}
	if ((o->n_deny_connect || o->n_protect_paths) && !loader__lsm(ld))
		fprintf(stderr,
			"minerwatch: BPF-LSM is not available on this kernel: "
			"--deny-connect and --protect-path are not enforced\n");
	return 0;
}

int prevent__deny_inode(struct loader *ld, uint32_t dev, uint64_t ino,
			int rule_idx, bool refuse)
{
	struct mw_inode_key k = {.ino = ino, .dev = dev};
	struct mw_deny v = {.rule_idx = (uint32_t)rule_idx,
			    .rules_gen = ld->gen << 16,
			    .flags = refuse ? MW_DENY_REFUSE : 0};

	if (!ino)
		return -EINVAL;
	if (bpf_map_update_elem(ld->m.mw_deny_inodes, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

int prevent__allow_inode(struct loader *ld, uint32_t dev, uint64_t ino)
{
	struct mw_inode_key k = {.ino = ino, .dev = dev};

	if (bpf_map_delete_elem(ld->m.mw_deny_inodes, &k))
		return -errno;
	return 0;
}

void prevent__clear_inodes(struct loader *ld)
{
	int map = ld->m.mw_deny_inodes;
	struct mw_inode_key next;
	int guard = 0;

	/* Always delete the first key: iteration never restarts past it. */
	while (bpf_map_get_next_key(map, NULL, &next) == 0 &&
	       guard++ < 65536)
		if (bpf_map_delete_elem(map, &next))
			break;
}

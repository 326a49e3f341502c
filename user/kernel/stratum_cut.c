// SPDX-License-Identifier: GPL-2.0-only
/*
 * stratum_cut.c - kernel stage: userspace's answer for a stratum flow the
 * kernel handed over (bpf/net_stratum_fwd.bpf.h, user/sensors/
 * stratum_fwd.c). The flow's socket cookie goes into mw_stratum_cut; at
 * the flow's next packet the kernel stops forwarding it and, when its own
 * path would have cut a stratum flow (enforce mode and a kill rule on
 * stratum: mw_config.enforce and mw_net_config.stratum_drop), drops that
 * packet and every later one.
 */
#include <errno.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"

/* Would the kernel cut a stratum flow now? (Its own settings.) */
static int cuts_now(struct loader *ld)
{
	struct mw_net_config nc;
	struct mw_config cfg;
	uint32_t zero = 0;

	if (bpf_map_lookup_elem(ld->m.mw_config_map, &zero, &cfg) ||
	    bpf_map_lookup_elem(ld->m.mw_net_config, &zero, &nc))
		return -errno;
	return cfg.enforce && nc.stratum_drop;
}

int loader__stratum_decided(void *ctx, uint64_t cookie)
{
	struct loader *ld = ctx;
	uint32_t one = 1;

	if (!ld || !cookie)
		return -EINVAL;
	if (bpf_map_update_elem(ld->m.mw_stratum_cut, &cookie, &one, BPF_ANY))
		return -errno;
	return cuts_now(ld);
}

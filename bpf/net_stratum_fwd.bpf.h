/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_stratum_fwd.bpf.h - the userspace half of the stratum recogniser's
 * window (issue 14). The kernel reads a flow's first MW_STRATUM_FLOW_BYTES
 * bytes / MW_STRATUM_FLOW_PACKETS payload packets (net_stratum.bpf.c); a
 * client that sends more decoy JSON or tiny packets than that before its
 * login used to mine unseen. Now a flow still undecided there is handed
 * over instead of given up:
 *   - one MW_NET_STRATUM_FWD record with MW_NET_FWD_START carries the
 *     parser's state (struct stratum_scan) and the flow's process, ends
 *     and socket cookie;
 *   - the flow is FLOW_FWD: its next payload bytes go to userspace as
 *     telemetry (mw_events), MW_NET_DATA_MAX bytes a record, at most
 *     MW_STRATUM_FWD_BYTES / MW_STRATUM_FWD_PACKETS more, then one
 *     MW_NET_FWD_END record and the flow is done (counted _FWD_SPENT);
 *   - userspace (user/sensors/stratum_fwd.c) resumes the same parser
 *     (stratum.h) and raises the same stratum event on a match; in enforce
 *     mode it kills the process; it puts the socket's cookie in
 *     mw_stratum_cut, which ends the forwarding and, where the kernel
 *     path would have cut the flow, drops the flow's later packets.
 * Bounds: per flow as above; per CPU MW_STRATUM_FWD_PER_SEC records a
 * second (a flood of such flows cannot crowd exec records out of the
 * ring). A record that cannot be sent (rate limit, ring full) ends the
 * flow's forwarding, counted by cause: userspace never reads across a
 * hole it was not told about.
 * A packet longer than the kernel reads of it (STRATUM_CHUNKS chunks: a
 * big write on loopback, a GSO packet) is handed over the same way, from
 * its first unread byte.
 * Cost: nothing for flows decided within the kernel's window; for a
 * forwarded one, one cookie lookup and up to FWD_CHUNKS records a
 * packet, and no parsing.
 */
#ifndef MW_NET_STRATUM_FWD_BPF_H
#define MW_NET_STRATUM_FWD_BPF_H

#include "net.bpf.h"
#include "stratum.h"

#define MW_STRATUM_FWD_PER_SEC 4096 /* records per CPU and second */
/* Records (MW_NET_DATA_MAX bytes) of one packet: the whole budget. */
#define FWD_CHUNKS 64

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_rate);
} mw_stratum_fwd_rate SEC(".maps");

/*
 * Socket cookies of forwarded flows userspace found stratum in
 * (user/kernel/stratum_cut.c): forwarding stops, and in enforce mode the
 * flow is cut. LRU: a closed flow's entry ages out by itself.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u32);
} mw_stratum_cut SEC(".maps");

static __always_inline int fwd_rate_ok(void)
{
	__u32 zero = 0;

	return rate_ok(bpf_map_lookup_elem(&mw_stratum_fwd_rate, &zero),
		       MW_STRATUM_FWD_PER_SEC);
}

/*
 * Send e with n data bytes. A record that is not sent ends the flow's
 * forwarding (userspace's parser would read across the hole).
 */
static __always_inline int fwd_emit(struct net_flow *f, struct mw_net_event *e,
				    __u32 n)
{
	if (!fwd_rate_ok()) {
		stat_inc(MW_STAT_NET_STRATUM_FWD_LIMITED);
		f->state = FLOW_DONE;
		return -1;
	}
	e->data_len = n;
	if (emit(&mw_events, e, payload_size(e, n), 0)) {
		stat_inc(MW_STAT_NET_STRATUM_FWD_LOST);
		f->state = FLOW_DONE;
		return -1;
	}
	return 0;
}

/* The header every forwarded record carries (skb_parse filled the ends,
 * the caller the ports). */
static __always_inline void fwd_hdr(struct __sk_buff *skb, struct net_flow *f,
				    struct mw_net_event *e)
{
	flow_hdr(e, f, MW_NET_STRATUM_FWD);
	e->cookie = bpf_get_socket_cookie(skb);
}

struct fwd_loop {
	struct __sk_buff *skb;
	struct stratum_scan *st;
	struct net_flow *f;
	struct mw_net_event *e;
	__u32 off;
};

/*
 * One chunk (k) of the payload from l->off on: a record of its bytes, or
 * MW_NET_FWD_END once the forwarding budget is spent. A bpf_loop()
 * callback: the verifier walks it once, whatever the count; what changes
 * per chunk lives in the flow's storage (st->bytes), not on the stack.
 * Returns 1 to stop.
 */
static long fwd_chunk(__u32 k, void *ctx)
{
	struct fwd_loop *l = ctx;
	struct mw_net_event *e = l->e;
	struct stratum_scan *st = l->st;
	__u32 c, coff = l->off + k * MW_NET_DATA_MAX;

	if (l->skb->len <= coff)
		return 1;
	if (st->bytes >= MW_STRATUM_FLOW_BYTES + MW_STRATUM_FWD_BYTES ||
	    st->packets > MW_STRATUM_FLOW_PACKETS + MW_STRATUM_FWD_PACKETS) {
		e->flags = MW_NET_FWD_END;
		if (!fwd_emit(l->f, e, 0)) {
			stat_inc(MW_STAT_NET_STRATUM_FWD_SPENT);
			l->f->state = FLOW_DONE;
		}
		return 1;
	}
	c = l->skb->len - coff;
	if (c > MW_NET_DATA_MAX)
		c = MW_NET_DATA_MAX;
	c = ((c - 1) & (MW_NET_DATA_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(l->skb, coff, e->data, c))
		return 1;
	st->bytes += c;
	e->flags = 0;
	if (k == FWD_CHUNKS - 1 && l->skb->len > coff + c)
		e->flags = MW_NET_FWD_GAP;
	return fwd_emit(l->f, e, c) ? 1 : 0;
}

/*
 * Forward the payload from off on, a chunk a record, up to FWD_CHUNKS of
 * one packet (32 KiB, the budget); bytes past them are flagged
 * MW_NET_FWD_GAP (the parser skips the rest of that line). Ends the flow
 * with a MW_NET_FWD_END record once the forwarding budget is spent.
 */
static __always_inline void fwd_payload(struct __sk_buff *skb,
					struct stratum_scan *st,
					struct net_flow *f,
					struct mw_net_event *e, __u32 off)
{
	struct fwd_loop l = {.skb = skb, .st = st, .f = f, .e = e, .off = off};

	bpf_loop(FWD_CHUNKS, fwd_chunk, &l, 0);
}

/*
 * Userspace found stratum in the flow: it is done, and cut (this packet
 * and every later one dropped) under the kernel path's own terms.
 */
static __always_inline int fwd_decided(struct net_flow *f)
{
	struct mw_config *cfg = config_get();
	struct mw_net_config *nc = net_config_get();

	if (cfg && cfg->enforce && nc && nc->stratum_drop) {
		f->state = FLOW_CUT;
		stat_inc(MW_STAT_NET_DROPPED);
		return VERDICT_DENY;
	}
	f->state = FLOW_DONE;
	return VERDICT_PASS;
}

/*
 * A payload packet past the flow's kernel budget: the first one hands
 * the parser to userspace and forwards the payload from off (where the
 * kernel stopped reading); the later ones are cut (userspace found
 * stratum) or forwarded from off (the payload's start). e is the slot
 * (struct net_slot) with the ends and ports filled.
 *
 * A global function: the verifier checks it once, on its own, instead
 * of once per state the inline stratum parser leaves at the call
 * (mw_skb_egress went from 71k to 121k instructions inlined). Its
 * pointer arguments are sized memory and may be NULL to the verifier.
 */
__noinline int mw_stratum_fwd(struct __sk_buff *skb, struct stratum_scan *st,
			      struct net_flow *f, struct net_slot *slot,
			      __u32 off)
{
	struct mw_net_event *e = (struct mw_net_event *)slot;
	__u64 cookie;

	if (!skb || !st || !f || !slot)
		return VERDICT_PASS;
	fwd_hdr(skb, f, e);
	cookie = e->cookie;
	if (f->state != FLOW_FWD) {
		stat_inc(MW_STAT_NET_STRATUM_SPENT); /* the kernel's budget */
		/* A socket reconnected (AF_UNSPEC) keeps its cookie: a new
		 * flow starts undecided. */
		bpf_map_delete_elem(&mw_stratum_cut, &cookie);
		f->state = FLOW_FWD;
		e->flags = MW_NET_FWD_START;
		__builtin_memcpy(e->data, st, sizeof(*st));
		if (fwd_emit(f, e, sizeof(*st)))
			return VERDICT_PASS;
	} else {
		if (bpf_map_lookup_elem(&mw_stratum_cut, &cookie))
			return fwd_decided(f);
		st->packets++;
	}
	fwd_payload(skb, st, f, e, off);
	return VERDICT_PASS;
}

#endif /* MW_NET_STRATUM_FWD_BPF_H */

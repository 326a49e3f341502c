// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_dns.bpf.c - network sensor, DNS answers (cgroup_skb/ingress): UDP
 * datagrams from port 53 delivered to a local socket go to userspace as
 * they are, to learn which name an address came from (pool domains turn
 * into blocked addresses). Parsed in userspace.
 */
#include "net.bpf.h"

/* A UDP datagram: when it is a DNS answer, hand it to userspace. */
static __always_inline void dns_capture(struct __sk_buff *skb,
					struct mw_net_event *e)
{
	__u32 l4off, off, n;
	__u8 l4proto, flags;
	__u16 ports[2];

	if (skb_parse(skb, e, &l4proto, &l4off) || l4proto != IPPROTO_UDP)
		return;
	l4off &= 0x3f;
	if (bpf_skb_load_bytes(skb, l4off, ports, 4) ||
	    ports[0] != bpf_htons(53))
		return;
	off = l4off + 8;
	/* Header (12 bytes) with QR set: a response. */
	if (skb->len < off + 12 ||
	    bpf_skb_load_bytes(skb, off + 2, &flags, 1) || !(flags & 0x80))
		return;
	__builtin_memset(e, 0, sizeof(*e));
	n = payload_load(skb, off, e);
	if (!n)
		return;
	/* skb_parse filled the addresses before the memset: parse again. */
	skb_parse(skb, e, &l4proto, &l4off);
	e->hdr.type = MW_EV_NET;
	e->hdr.ts_ns = bpf_ktime_get_boot_ns();
	e->kind = MW_NET_DNS;
	e->transport = IPPROTO_UDP;
	e->sport = 53;
	e->dport = bpf_ntohs(ports[1]);
	e->data_len = n;
	stat_inc(MW_STAT_NET_DNS);
	emit(&mw_events, e, payload_size(e, n), 0);
	return;
}

SEC("cgroup_skb/ingress")
int mw_skb_ingress(struct __sk_buff *skb)
{
	struct mw_net_event *e;
	__u32 *depth;
	__u8 l4proto;

	/* One byte decides for almost every packet: is it UDP at all? */
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 9, &l4proto, 1))
			return VERDICT_PASS;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &l4proto, 1))
			return VERDICT_PASS;
	} else {
		return VERDICT_PASS;
	}
	if (l4proto != IPPROTO_UDP || !mw_active(config_get()))
		return VERDICT_PASS;
	e = slot_get(&depth);
	if (!e)
		return VERDICT_PASS;
	dns_capture(skb, e);
	slot_put(depth);
	return VERDICT_PASS;
}

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_stratum.bpf.c - network sensor, stratum on any port
 * (cgroup_skb/egress): the first payload packets of the TCP flows that a
 * connect we saw opened (net_connect.bpf.c) go through the stratum matcher
 * (stratum.h); a match is reported, and in enforce mode the flow is cut
 * (every later packet dropped). Everything else costs one socket-storage
 * lookup per packet.
 */
#include "net.bpf.h"
#include "stratum.h"
#include "net_tls.bpf.h"

/* A payload packet of a tracked flow: look for stratum, report, cut. */
static __always_inline int egress_inspect(struct __sk_buff *skb,
					  struct net_flow *f,
					  struct mw_net_event *e, __u32 off)
{
	struct mw_config *cfg;
	struct mw_net_config *nc;
	__u32 l4off, n;
	__u8 l4proto;
	__u16 ports[2];
	int m, cut;

	if (skb_parse(skb, e, &l4proto, &l4off) || l4proto != IPPROTO_TCP)
		return VERDICT_PASS;
	l4off &= 0x3f;
	if (bpf_skb_load_bytes(skb, l4off, ports, 4))
		return VERDICT_PASS;
	n = payload_load(skb, off, e);
	if (!n)
		return VERDICT_PASS;
	m = stratum__match((const unsigned char *)e->data, n);
	/* Not stratum: a TLS ClientHello names the server (net_tls.bpf.h). */
	if (!m && tls_inspect(skb, f, e, n, ports))
		return VERDICT_PASS;
	if (!m) {
		if (f->budget <= 1)
			f->state = FLOW_DONE;
		else
			f->budget--;
		return VERDICT_PASS;
	}

	stat_inc(MW_STAT_NET_STRATUM);
	cfg = config_get();
	nc = net_config_get();
	cut = cfg && cfg->enforce && nc && nc->stratum_drop;
	e->hdr.type = MW_EV_NET;
	e->hdr.ts_ns = bpf_ktime_get_boot_ns();
	e->hdr.pid = f->tgid;
	e->hdr.tid = f->tid;
	e->hdr.start_ns = f->start_ns;
	__builtin_memcpy(e->hdr.comm, f->comm, MW_COMM_LEN);
	e->kind = MW_NET_STRATUM;
	e->transport = IPPROTO_TCP;
	e->method = m;
	e->sock_family = e->family;
	e->sock_type = SOCK_STREAM;
	e->sport = bpf_ntohs(ports[0]);
	e->dport = bpf_ntohs(ports[1]);
	e->cookie = bpf_get_socket_cookie(skb);
	e->data_len = n;
	if (cut) {
		/* Retransmissions of this packet are dropped too. */
		f->state = FLOW_CUT;
		e->flags |= MW_NET_DROPPED;
		stat_inc(MW_STAT_NET_DROPPED);
	} else {
		f->state = FLOW_DONE; /* reported once */
	}
	emit(&mw_alerts, e, payload_size(e, n), 1);
	return cut ? VERDICT_DENY : VERDICT_PASS;
}

SEC("cgroup_skb/egress")
int mw_skb_egress(struct __sk_buff *skb)
{
	struct mw_net_event *e;
	struct bpf_sock *sk;
	struct net_flow *f;
	__u32 l4off, off, *depth;
	__u8 b0, doff;
	int verdict;

	/* The common case leaves here: a socket whose flow we do not track. */
	sk = skb->sk;
	if (!sk)
		return VERDICT_PASS;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->protocol != IPPROTO_TCP)
		return VERDICT_PASS;
	f = bpf_sk_storage_get(&mw_net_flows, sk, NULL, 0);
	if (!f || f->state == FLOW_DONE || !mw_active(config_get()))
		return VERDICT_PASS;
	if (f->state == FLOW_CUT) {
		stat_inc(MW_STAT_NET_DROPPED);
		return VERDICT_DENY;
	}
	/* Payload offset from two header bytes; SYN and ACKs stop here. */
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 0, &b0, 1))
			return VERDICT_PASS;
		l4off = (b0 & 0xf) * 4;
	} else {
		l4off = 40;
	}
	if (bpf_skb_load_bytes(skb, l4off + 12, &doff, 1))
		return VERDICT_PASS;
	off = l4off + (doff >> 4) * 4;
	if (skb->len <= off)
		return VERDICT_PASS;

	e = slot_get(&depth);
	if (!e)
		return VERDICT_PASS;
	verdict = egress_inspect(skb, f, e, off);
	slot_put(depth);
	return verdict;
}

/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_flow.bpf.h - per-flow state, made lazily: the egress inspection
 * (net_stratum.bpf.c) opens a flow's state on the first packet that
 * carries payload, not at connect. A connect that never sends a byte
 * (a connect storm, a port scan, a refused or timed-out attempt) then
 * costs no socket storage at all: no allocation at connect, none to free
 * at close. Measured with tools/bench/progcost: the state made at every
 * connect was ~70% of the connect hook's time.
 *
 * Who sent it: the first payload of a TCP flow almost always leaves in
 * the sending process's context, with the socket locked by it
 * (tcp_sendmsg -> ... -> cgroup egress). When the socket is owned by a
 * task (sk_lock.owned) and that task is not a kernel thread, the current
 * task is the one writing to it: it is the flow's process. A payload
 * sent from softirq (a window that opened later, a retransmit) has no
 * owner; the flow is still inspected, with no process (pid 0; userspace
 * reports a stand-in), rather than named after whatever task the softirq
 * interrupted.
 *
 * Which flows: outbound ones (we connected). A socket that came from
 * listen() + accept() inherits its listener's backlog
 * (sk_max_ack_backlog != 0); one that connect()ed has none, unless its
 * program listened on it first and disconnected it (connect AF_UNSPEC),
 * so a socket with a backlog is only taken as accepted when a listener
 * is also bound to its local port. Accepted flows get a FLOW_DONE state
 * at their first payload, so that question is asked once per flow.
 *
 * Also: the packet headers are read through direct packet access when
 * they are in the linear area (always, for locally built TCP), instead
 * of a helper call per field.
 */
#ifndef MW_NET_FLOW_BPF_H
#define MW_NET_FLOW_BPF_H

#include "net.bpf.h"

/*
 * Offset of the TCP payload in skb (a TCP packet of a full socket);
 * -1 when it carries none (SYN, ACK, FIN, RST) or cannot be parsed.
 */
static __always_inline int flow_payload_off(struct __sk_buff *skb, __u32 *off)
{
	__u32 sproto = skb->protocol, len = skb->len, l4off;
	__u8 *p = (void *)(long)skb->data, *t;
	void *end = (void *)(long)skb->data_end;
	__u8 proto, b0, doff;

	if (sproto == bpf_htons(ETH_P_IP)) {
		if ((void *)(p + 20) > end)
			goto slow;
		l4off = (p[0] & 0xf) * 4;
	} else if (sproto == bpf_htons(ETH_P_IPV6)) {
		if ((void *)(p + 40) > end || p[6] != IPPROTO_TCP)
			goto slow; /* extension headers: walk them below */
		l4off = 40;
	} else {
		return -1;
	}
	/* One pointer for the bounds check and the load (the verifier
	 * needs them to be the same register). */
	t = p + l4off + 12;
	barrier_var(t);
	if ((void *)(t + 1) > end)
		goto slow;
	doff = *t;
	goto done;
slow:
	if (sproto == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 0, &b0, 1))
			return -1;
		l4off = (b0 & 0xf) * 4;
	} else {
		if (ip6_l4(skb, &proto, &l4off) || proto != IPPROTO_TCP)
			return -1;
		l4off &= 0x3ff;
	}
	if (bpf_skb_load_bytes(skb, l4off + 12, &doff, 1))
		return -1;
done:
	*off = l4off + (doff >> 4) * 4;
	return len > *off ? 0 : -1;
}

/*
 * Is a listener bound to sk's local address and port? (A socket with a
 * backlog: accepted, or one that listened before it connected.) The
 * lookup's remote end is 0:0, which no established socket has, so it
 * falls through to the listeners.
 */
static __always_inline int flow_local_listener(struct __sk_buff *skb,
					       struct bpf_sock *sk)
{
	struct bpf_sock_tuple t = {};
	struct bpf_sock *l;
	__u32 sz;

	if (sk->family == AF_INET) {
		t.ipv4.daddr = sk->src_ip4;
		t.ipv4.dport = bpf_htons(sk->src_port);
		sz = sizeof(t.ipv4);
	} else {
		t.ipv6.daddr[0] = sk->src_ip6[0];
		t.ipv6.daddr[1] = sk->src_ip6[1];
		t.ipv6.daddr[2] = sk->src_ip6[2];
		t.ipv6.daddr[3] = sk->src_ip6[3];
		t.ipv6.dport = bpf_htons(sk->src_port);
		sz = sizeof(t.ipv6);
	}
	l = bpf_sk_lookup_tcp(skb, &t, sz, BPF_F_CURRENT_NETNS, 0);
	if (!l)
		return 0;
	bpf_sk_release(l);
	return 1;
}

/* The flow's process: the current task, when it owns the socket. */
static __always_inline void flow_owner(struct net_flow *f, struct tcp_sock *tp)
{
	struct task_struct *task = (void *)bpf_get_current_task();

	if (!BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.sk_lock.owned) ||
	    (BPF_CORE_READ(task, flags) & PF_KTHREAD)) {
		stat_inc(MW_STAT_NET_FLOW_UNOWNED);
		return; /* no process: zeros */
	}
	f->tgid = BPF_CORE_READ(task, tgid);
	f->tid = BPF_CORE_READ(task, pid);
	f->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	BPF_CORE_READ_STR_INTO(&f->comm, task, comm);
}

/*
 * The first payload of a TCP socket we hold no state for: open its flow.
 * Returns the state (FLOW_OPEN to inspect, FLOW_DONE for accepted flows
 * and the daemon's own), or NULL when the storage is full (counted).
 */
static __always_inline struct net_flow *
flow_open(struct __sk_buff *skb, struct bpf_sock *sk, struct mw_config *cfg)
{
	struct net_flow *f;
	struct tcp_sock *tp = bpf_skc_to_tcp_sock(sk);
	__u8 state = FLOW_OPEN;

	if (!tp)
		return NULL;
	if (BPF_CORE_READ(tp, inet_conn.icsk_inet.sk.sk_max_ack_backlog) &&
	    flow_local_listener(skb, sk))
		state = FLOW_DONE;
	f = bpf_sk_storage_get(&mw_net_flows, sk, NULL,
			       BPF_SK_STORAGE_GET_F_CREATE);
	if (!f) {
		stat_inc(MW_STAT_NET_FLOW_FULL);
		return NULL;
	}
	f->state = state;
	if (state == FLOW_DONE)
		return f;
	f->budget = STRATUM_BUDGET;
	flow_owner(f, tp);
	if (is_self(cfg, f->tgid))
		f->state = FLOW_DONE; /* the daemon's own sinks */
	else
		stat_inc(MW_STAT_NET_FLOWS);
	return f;
}

/*
 * connect() on a socket that already carries a flow (connect AF_UNSPEC
 * disconnected it): forget it, so the new flow is read from its start.
 * A new socket has no storage at all: one pointer test.
 */
static __always_inline void flow_forget(struct bpf_sock *sk)
{
	if (bpf_sk_storage_get(&mw_net_flows, sk, NULL, 0))
		bpf_sk_storage_delete(&mw_net_flows, sk);
}

#endif /* MW_NET_FLOW_BPF_H */

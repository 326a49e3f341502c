// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_accept.bpf.c - network sensor, inbound TCP connections
 * (tp_btf/inet_sock_set_state): the child socket goes SYN_RECV ->
 * ESTABLISHED when the handshake completes. Softirq: there is no process
 * to name yet.
 */
#include "net.bpf.h"

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(mw_sock_state, const struct sock *sk, const int oldstate,
	     const int newstate)
{
	struct mw_net_config *nc;
	struct mw_net_event e;
	__u16 family;

	if (newstate != TCP_ESTABLISHED || oldstate != TCP_SYN_RECV)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP ||
	    !mw_active(config_get()))
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__builtin_memset(&e, 0, sizeof(e));
	/* Explicit sizes: the address arrays are wider than IPv4 fields. */
	if (family == AF_INET) {
		bpf_core_read(e.saddr, 4, &sk->__sk_common.skc_daddr);
		bpf_core_read(e.daddr, 4, &sk->__sk_common.skc_rcv_saddr);
	} else if (family == AF_INET6) {
		bpf_core_read(e.saddr, 16, &sk->__sk_common.skc_v6_daddr);
		bpf_core_read(e.daddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (v4mapped(e.saddr)) {
			family = AF_INET;
			__builtin_memmove(e.saddr, e.saddr + 12, 4);
			__builtin_memset(e.saddr + 4, 0, 12);
			__builtin_memmove(e.daddr, e.daddr + 12, 4);
			__builtin_memset(e.daddr + 4, 0, 12);
		}
	} else {
		return 0;
	}
	nc = net_config_get();
	if (is_loopback(family, e.saddr) && !(nc && nc->report_loopback)) {
		stat_inc(MW_STAT_NET_FILTERED);
		return 0;
	}
	e.hdr.type = MW_EV_NET;
	e.hdr.size = sizeof(e);
	e.hdr.ts_ns = bpf_ktime_get_boot_ns();
	e.kind = MW_NET_ACCEPT;
	e.transport = IPPROTO_TCP;
	e.family = family;
	e.sock_family = family;
	e.sock_type = SOCK_STREAM;
	e.sport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	e.dport = BPF_CORE_READ(sk, __sk_common.skc_num);
	emit(&mw_events, &e, sizeof(e), 0);
	return 0;
}

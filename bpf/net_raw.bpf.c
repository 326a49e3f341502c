// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_raw.bpf.c - network sensor, packet and raw IP sockets
 * (tp_btf/net_dev_queue): masscan, zmap and their kind bypass connect and
 * the cgroup skb hooks; their frames reach the device queue in the
 * sender's context. Reported once per process.
 */
#include "net.bpf.h"

/* Processes already reported for packet/raw sending (key: see dev_queue). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} mw_net_raw_seen SEC(".maps");

/*
 * Where the first frame goes: an Ethernet frame from a packet socket, an
 * IP packet from a raw one. Fills the addresses, transport and ports of an
 * IPv4 frame; otherwise only the transport (the socket's protocol for a
 * raw socket, 0 for a packet socket).
 */
static __always_inline void raw_dst(struct mw_net_event *e, struct sk_buff *skb,
				    __u16 family, __u16 proto)
{
	unsigned char *data = BPF_CORE_READ(skb, data);
	__u16 ports[2], et;
	__u8 ip[20];

	if (family == AF_PACKET) {
		if (bpf_probe_read_kernel(&et, 2, data + 12) == 0 &&
		    et == bpf_htons(ETH_P_IP))
			data += 14;
		else
			data = NULL;
	}
	if (!data || bpf_probe_read_kernel(ip, sizeof(ip), data) ||
	    (ip[0] >> 4) != 4) {
		e->transport = family == AF_PACKET ? 0 : proto;
		return;
	}
	e->family = AF_INET;
	e->transport = ip[9];
	__builtin_memcpy(e->saddr, ip + 12, 4);
	__builtin_memcpy(e->daddr, ip + 16, 4);
	if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) &&
	    bpf_probe_read_kernel(ports, 4, data + (ip[0] & 0xf) * 4) == 0) {
		e->sport = bpf_ntohs(ports[0]);
		e->dport = bpf_ntohs(ports[1]);
	}
}

SEC("tp_btf/net_dev_queue")
int BPF_PROG(mw_dev_queue, struct sk_buff *skb)
{
	struct mw_config *cfg;
	struct mw_net_event rec, *e = &rec;
	struct task_struct *task;
	struct sock *sk;
	__u16 family, type;
	__u8 one = 1;
	__u64 key;

	/*
	 * Every packet sent on every device passes here: the test is three
	 * direct loads through the tp_btf pointers, not helper calls.
	 */
	sk = skb->sk;
	if (!sk)
		return 0;
	family = sk->__sk_common.skc_family;
	type = sk->sk_type;
	if (family != AF_PACKET && type != SOCK_RAW)
		return 0;
	/* The kernel's own (IPv6 neighbour discovery, MLD): not a program. */
	task = (void *)bpf_get_current_task();
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, sk_kern_sock) ||
	    (BPF_CORE_READ(task, flags) & PF_KTHREAD))
		return 0;
	/* Once per process: pid and start time (pids are reused). */
	key = BPF_CORE_READ(task, group_leader, start_boottime) * 31 +
	      BPF_CORE_READ(task, tgid);
	/* Sent from the process's own context: the scope applies. */
	cfg = config_get();
	if (!mw_wanted(cfg) || is_self(cfg, bpf_get_current_pid_tgid() >> 32))
		return 0;
	if (bpf_map_lookup_elem(&mw_net_raw_seen, &key))
		return 0;
	bpf_map_update_elem(&mw_net_raw_seen, &key, &one, BPF_ANY);
	__builtin_memset(e, 0, sizeof(*e));
	hdr_fill(&e->hdr, task, MW_EV_NET);
	e->hdr.size = sizeof(*e);
	e->kind = MW_NET_RAW;
	e->sock_family = family;
	e->sock_type = type;
	raw_dst(e, skb, family, BPF_CORE_READ(sk, sk_protocol));
	emit(&mw_events, e, sizeof(*e), 0);
	return 0;
}

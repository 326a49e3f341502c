// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_dns.bpf.c - network sensor, DNS answers (cgroup_skb/ingress): a UDP
 * datagram from port 53 goes to userspace, to learn which name an address
 * came from (pool domains turn into labelled, and blockable, addresses),
 * only when it answers a query this host sent: the query's socket, local
 * port and transaction id, within DNS_QUERY_TTL_NS, recorded at
 * cgroup_skb/egress. Anyone can send a datagram from port 53 (an
 * unprivileged user in a user+net namespace included): unsolicited ones
 * are counted and dropped, and answers are rate-limited per CPU so a
 * flood cannot crowd exec records out of the telemetry ring. Parsed in
 * userspace.
 */
#include "net.bpf.h"

#define DNS_QUERY_TTL_NS (10ULL * 1000000000ULL) /* answer within 10 s */
#define DNS_ANSWERS_PER_SEC 256			 /* per CPU */

/* One outstanding query: the socket it left from, its port and id. */
struct dns_query_key {
	__u64 cookie; /* socket cookie of the querying socket */
	__u16 port;   /* its local port */
	__u16 id;     /* DNS transaction id */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct dns_query_key);
	__type(value, __u64); /* boot ns when sent */
} mw_dns_queries SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_rate);
} mw_dns_rate SEC(".maps");

/* UDP transport header offset of skb, or -1. */
static __always_inline int udp_off(struct __sk_buff *skb, __u32 *l4off)
{
	__u8 b0, proto;
	__u16 frag;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, 0, &b0, 1) ||
		    bpf_skb_load_bytes(skb, 9, &proto, 1) ||
		    bpf_skb_load_bytes(skb, 6, &frag, 2))
			return -1;
		if (proto != IPPROTO_UDP || (bpf_ntohs(frag) & 0x1fff))
			return -1;
		*l4off = (b0 & 0xf) * 4;
		return *l4off >= 20 ? 0 : -1;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (ip6_l4(skb, &proto, l4off) || proto != IPPROTO_UDP)
			return -1;
		return 0;
	}
	return -1;
}

/* Was this answer asked for? Forgets the query: one answer per query. */
static __always_inline int dns_solicited(struct __sk_buff *skb, __u16 port,
					 __u16 id)
{
	struct dns_query_key k = {
	    .cookie = bpf_get_socket_cookie(skb), .port = port, .id = id};
	__u64 *sent = bpf_map_lookup_elem(&mw_dns_queries, &k);
	__u64 now = bpf_ktime_get_boot_ns();
	int ok;

	if (!sent)
		return 0;
	ok = now - *sent <= DNS_QUERY_TTL_NS;
	bpf_map_delete_elem(&mw_dns_queries, &k);
	return ok;
}

/* Per-CPU budget of answers per second. */
static __always_inline int dns_rate_ok(void)
{
	__u32 zero = 0;

	return rate_ok(bpf_map_lookup_elem(&mw_dns_rate, &zero),
		       DNS_ANSWERS_PER_SEC);
}

/* A UDP datagram: when it is a DNS answer, hand it to userspace. */
static __always_inline void dns_capture(struct __sk_buff *skb,
					struct mw_net_event *e)
{
	__u32 l4off, off, n;
	__u8 l4proto, flags;
	__u16 ports[2], id;

	if (skb_parse(skb, e, &l4proto, &l4off) || l4proto != IPPROTO_UDP)
		return;
	l4off &= 0x3ff;
	if (bpf_skb_load_bytes(skb, l4off, ports, 4) ||
	    ports[0] != bpf_htons(53))
		return;
	off = l4off + 8;
	/* Header (12 bytes) with QR set: a response. */
	if (skb->len < off + 12 || bpf_skb_load_bytes(skb, off, &id, 2) ||
	    bpf_skb_load_bytes(skb, off + 2, &flags, 1) || !(flags & 0x80))
		return;
	if (!dns_solicited(skb, bpf_ntohs(ports[1]), id)) {
		stat_inc(MW_STAT_NET_DNS_UNSOLICITED);
		return;
	}
	if (!dns_rate_ok()) {
		stat_inc(MW_STAT_NET_DNS_LIMITED);
		return;
	}
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
	int ipv;

	/* One byte decides for almost every packet: is it UDP at all? */
	ipv = net_l4_byte(skb, &l4proto);
	if (ipv < 0)
		return VERDICT_PASS;
	/* IPv6 extension headers: skb_parse walks them. */
	if (ipv == 6 && (l4proto == 0 || l4proto == 43 || l4proto == 60 ||
			 l4proto == 44 || l4proto == 51))
		l4proto = IPPROTO_UDP;
	if (l4proto != IPPROTO_UDP || !mw_active(config_get()))
		return VERDICT_PASS;
	e = slot_get(&depth);
	if (!e)
		return VERDICT_PASS;
	dns_capture(skb, e);
	slot_put(depth);
	return VERDICT_PASS;
}

/*
 * A DNS query leaving a local socket (UDP to port 53, QR clear): remember
 * socket, port and id, so that only its answer is taken.
 */
SEC("cgroup_skb/egress")
int mw_skb_dns_query(struct __sk_buff *skb)
{
	struct dns_query_key k = {};
	__u16 ports[2], id;
	__u32 l4off;
	__u8 flags, l4proto;
	__u64 now;
	int ipv;

	/* Most packets are not UDP: one direct load, no helper call. */
	ipv = net_l4_byte(skb, &l4proto);
	if (ipv < 0 || l4proto == IPPROTO_TCP ||
	    (l4proto != IPPROTO_UDP && ipv == 4))
		return VERDICT_PASS;
	if (udp_off(skb, &l4off))
		return VERDICT_PASS;
	l4off &= 0x3ff;
	if (bpf_skb_load_bytes(skb, l4off, ports, 4) ||
	    ports[1] != bpf_htons(53))
		return VERDICT_PASS;
	if (!mw_active(config_get()))
		return VERDICT_PASS;
	if (skb->len < l4off + 8 + 12 ||
	    bpf_skb_load_bytes(skb, l4off + 8, &id, 2) ||
	    bpf_skb_load_bytes(skb, l4off + 8 + 2, &flags, 1) || (flags & 0x80))
		return VERDICT_PASS;
	k.cookie = bpf_get_socket_cookie(skb);
	k.port = bpf_ntohs(ports[0]);
	k.id = id;
	now = bpf_ktime_get_boot_ns();
	bpf_map_update_elem(&mw_dns_queries, &k, &now, BPF_ANY);
	return VERDICT_PASS;
}

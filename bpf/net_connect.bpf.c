// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_connect.bpf.c - network sensor, outbound connects and datagram peers
 * (cgroup/connect4|6, cgroup/sendmsg4|6): report them and refuse the
 * ones a block rule names (enforce mode). Unconnected sendto/sendmsg are
 * reported once per new peer of a socket. These hooks run in the caller's
 * context, before the first packet, so a refusal is an error the caller
 * sees (EPERM), not a silent drop. No flow state is made here: the
 * stratum inspection (net_stratum.bpf.c) opens it at the flow's first
 * payload (net_flow.bpf.h), so a connect costs lookups, not an allocation.
 */
#include "net.bpf.h"
#include "net_flow.bpf.h"

/* Destination ports that block rules name (key: port, host order). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct mw_net_block);
} mw_net_block_ports SEC(".maps");

/* Destination networks (rules' CIDRs and learned pool-domain addresses). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_lpm_v4);
	__type(value, struct mw_net_block);
} mw_net_block_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct mw_lpm_v6);
	__type(value, struct mw_net_block);
} mw_net_block_v6 SEC(".maps");

/* Last peer of an unconnected socket: sendto() to it again is not news. */
struct net_peer {
	__u8 addr[16];
	__u32 port;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct net_peer);
} mw_net_peers SEC(".maps");

static __always_inline int same16(const __u8 *x, const __u8 *y)
{
	const __u64 *a = (const __u64 *)x, *b = (const __u64 *)y;

	return a[0] == b[0] && a[1] == b[1];
}

/* The block entry for family/addr/port, or NULL. */
static __always_inline struct mw_net_block *
block_lookup(int family, const __u8 *a, __u32 port)
{
	struct mw_net_block *b;

	b = bpf_map_lookup_elem(&mw_net_block_ports, &port);
	if (b)
		return b;
	if (family == AF_INET) {
		struct mw_lpm_v4 k = {.prefixlen = 32};

		__builtin_memcpy(k.addr, a, 4);
		return bpf_map_lookup_elem(&mw_net_block_v4, &k);
	}
	struct mw_lpm_v6 k6 = {.prefixlen = 128};

	__builtin_memcpy(k6.addr, a, 16);
	return bpf_map_lookup_elem(&mw_net_block_v6, &k6);
}

/*
 * The destination of ctx into a[16] (IPv4 in the first 4 bytes); returns
 * the family. A dual-stack socket reaching an IPv4 peer (::ffff:a.b.c.d)
 * counts as IPv4, so the IPv4 block entries apply to it.
 */
static __always_inline int sock_addr_dst(struct bpf_sock_addr *ctx, int v6,
					 __u8 *a)
{
	__u32 w[4];

	if (!v6) {
		__u32 ip = ctx->user_ip4;

		__builtin_memcpy(a, &ip, 4);
		return AF_INET;
	}
	w[0] = ctx->user_ip6[0];
	w[1] = ctx->user_ip6[1];
	w[2] = ctx->user_ip6[2];
	w[3] = ctx->user_ip6[3];
	__builtin_memcpy(a, w, 16);
	if (!v4mapped(a))
		return AF_INET6;
	__builtin_memcpy(a, &w[3], 4);
	__builtin_memset(a + 4, 0, 12);
	return AF_INET;
}

/*
 * sendmsg: is a/port the socket's last peer? Remembers it otherwise, so a
 * datagram stream to one peer is reported once.
 */
static __always_inline int peer_repeat(struct bpf_sock *sk, const __u8 *a,
				       __u32 port)
{
	struct net_peer *last;

	last = bpf_sk_storage_get(&mw_net_peers, sk, NULL,
				  BPF_SK_STORAGE_GET_F_CREATE);
	if (!last)
		return 0;
	if (last->port == port && same16(last->addr, a))
		return 1;
	__builtin_memcpy(last->addr, a, 16);
	last->port = port;
	return 0;
}

/*
 * A matching block rule: mark the record, and in enforce mode refuse the
 * connect. Returns the verdict.
 */
static __always_inline int block_apply(struct mw_net_event *e,
				       struct mw_net_block *blk,
				       struct mw_config *cfg,
				       struct bpf_sock *sk)
{
	e->flags |= MW_NET_BLOCK_MATCH;
	e->rule_idx = blk->rule_idx;
	e->rules_gen = blk->rules_gen;
	if (!cfg || !cfg->enforce)
		return VERDICT_PASS;
	e->flags |= MW_NET_BLOCKED;
	stat_inc(MW_STAT_NET_BLOCKED);
	/* The flow never starts: nothing to inspect. */
	if (sk)
		bpf_sk_storage_delete(&mw_net_flows, sk);
	return VERDICT_DENY;
}

/*
 * connect() and sendmsg() to an address: block when a rule says so, and
 * report unless it is loopback noise or a repeat of the socket's last peer.
 */
static __always_inline int on_sock_addr(struct bpf_sock_addr *ctx, int v6,
					int sendmsg)
{
	struct mw_config *cfg = config_get();
	struct mw_net_config *nc = net_config_get();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, port, type, proto;
	struct mw_net_block *blk;
	struct mw_net_event rec, *e = &rec;
	struct bpf_sock *sk;
	__u8 a[16] = {};
	int family, verdict = VERDICT_PASS;

	stat_inc(MW_STAT_NET_SEEN);
	/* cgroup programs sit on the --cgroup scope already: generation only.
	 */
	if (!mw_active(cfg))
		return VERDICT_PASS;
	if (is_self(cfg, tgid)) {
		stat_inc(MW_STAT_SELF_FILTERED);
		return VERDICT_PASS;
	}
	port = bpf_ntohs((__u16)ctx->user_port);
	type = ctx->type;
	proto = ctx->protocol;
	family = sock_addr_dst(ctx, v6, a);
	sk = ctx->sk;
	/* A socket connecting again: its next payload opens a new flow. */
	if (!sendmsg && type == SOCK_STREAM && sk)
		flow_forget(sk);

	blk = block_lookup(family, a, port);
	if (!blk) {
		if ((is_loopback(family, a) && !(nc && nc->report_loopback)) ||
		    (sendmsg && sk && peer_repeat(sk, a, port))) {
			stat_inc(MW_STAT_NET_FILTERED);
			return VERDICT_PASS;
		}
	}

	__builtin_memset(e, 0, sizeof(*e));
	hdr_fill(&e->hdr, (void *)bpf_get_current_task(), MW_EV_NET);
	e->hdr.size = sizeof(*e);
	e->kind = MW_NET_CONNECT;
	e->transport = type == SOCK_STREAM  ? IPPROTO_TCP
		       : type == SOCK_DGRAM ? IPPROTO_UDP
					    : proto;
	e->family = family;
	e->sock_family = v6 ? AF_INET6 : AF_INET;
	e->sock_type = type;
	e->dport = port;
	e->cookie = bpf_get_socket_cookie(ctx);
	__builtin_memcpy(e->daddr, a, 16);
	if (sendmsg)
		e->flags |= MW_NET_SENDMSG;
	if (is_loopback(family, a))
		e->flags |= MW_NET_LOOPBACK;
	if (blk)
		verdict = block_apply(e, blk, cfg, sk);
	emit(blk ? (void *)&mw_alerts : (void *)&mw_events, e, sizeof(*e),
	     blk != NULL);
	return verdict;
}

SEC("cgroup/connect4")
int mw_connect4(struct bpf_sock_addr *ctx)
{
	return on_sock_addr(ctx, 0, 0);
}

SEC("cgroup/connect6")
int mw_connect6(struct bpf_sock_addr *ctx)
{
	return on_sock_addr(ctx, 1, 0);
}

SEC("cgroup/sendmsg4")
int mw_sendmsg4(struct bpf_sock_addr *ctx)
{
	return on_sock_addr(ctx, 0, 1);
}

SEC("cgroup/sendmsg6")
int mw_sendmsg6(struct bpf_sock_addr *ctx)
{
	return on_sock_addr(ctx, 1, 1);
}

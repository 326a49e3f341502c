// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net.bpf.c - network sensor.
 *
 * Hooks, all cheap on this kernel (see DESIGN.md, no syscall tracepoints):
 *   cgroup/connect4|6    outbound connects: report, block (enforce), and
 *                        remember which process owns each TCP flow
 *   cgroup/sendmsg4|6    unconnected sendto/sendmsg: report a new peer once
 *   cgroup_skb/egress    the first payload packets of each outbound TCP
 *                        flow: stratum recognition, flow cut (enforce)
 *   cgroup_skb/ingress   DNS answers (UDP source port 53) to userspace
 *   tp_btf/inet_sock_set_state   inbound connections (SYN_RECV->ESTABLISHED)
 *   tp_btf/net_dev_queue         first packet sent on a packet/raw socket
 *
 * The cgroup programs are attached to the cgroup v2 root, so they see every
 * process in every network namespace.
 */
#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "stratum.h"

#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define PF_KTHREAD 0x00200000

/* cgroup sock_addr / skb verdicts */
#define VERDICT_PASS 1
#define VERDICT_DENY 0

#define FLOW_OPEN 0	 /* inspecting the first payload packets */
#define FLOW_CUT 1	 /* stratum seen in enforce mode: drop everything */
#define FLOW_DONE 2	 /* inspected: nothing more to do */
#define STRATUM_BUDGET 3 /* payload packets inspected per flow by default */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_net_config);
} mw_net_config SEC(".maps");

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

/*
 * Outbound TCP flows being inspected: socket-local storage, so the entry
 * goes away with the socket and a lookup is a pointer walk, not a hash.
 */
struct net_flow {
	__u32 tgid; /* process that connected */
	__u32 tid;
	__u64 start_ns; /* its start time (pid reuse check) */
	__u16 budget;	/* payload packets left to inspect */
	__u8 state;	/* FLOW_OPEN, FLOW_CUT, FLOW_DONE */
	__u8 pad[5];
	char comm[MW_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct net_flow);
} mw_net_flows SEC(".maps");

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

/* Processes already reported for packet/raw sending (key: see dev_queue). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} mw_net_raw_seen SEC(".maps");

static __always_inline struct mw_net_config *net_config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&mw_net_config, &zero);
}

/*
 * Records with payload are built in per-CPU slots of our own, not in the
 * shared mw_scratch_map: the skb hooks run in softirq and may interrupt a
 * program on the same CPU (the exec sensor, a connect hook, an egress hook
 * in process context) that is using its buffer. A per-CPU depth counter
 * gives each nesting level its own slot.
 */
#define NET_SLOTS 4

struct net_slot {
	/* a struct mw_net_event and its data[]: the matcher's masked reads
	 * need MW_STRATUM_BUF bytes plus an 8-byte load past them */
	__u64 buf[(sizeof(struct mw_net_event) + MW_STRATUM_BUF + 16) / 8];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NET_SLOTS);
	__type(key, __u32);
	__type(value, struct net_slot);
} mw_net_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mw_net_depth SEC(".maps");

/* Take a slot: the record is zeroed up to data[]. NULL when too deep. */
static __always_inline struct mw_net_event *slot_get(__u32 **depth)
{
	__u32 zero = 0, d;
	struct net_slot *s;

	*depth = bpf_map_lookup_elem(&mw_net_depth, &zero);
	if (!*depth)
		return NULL;
	d = **depth;
	if (d >= NET_SLOTS)
		return NULL;
	s = bpf_map_lookup_elem(&mw_net_scratch, &d);
	if (!s)
		return NULL;
	**depth = d + 1;
	__builtin_memset(s->buf, 0, sizeof(struct mw_net_event));
	return (struct mw_net_event *)s->buf;
}

static __always_inline void slot_put(__u32 *depth)
{
	if (depth && *depth)
		*depth -= 1;
}

/* ::ffff:a.b.c.d (a dual-stack socket reaching an IPv4 peer). */
static __always_inline int v4mapped(const __u8 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0 && a[4] == 0 &&
	       a[5] == 0 && a[6] == 0 && a[7] == 0 && a[8] == 0 && a[9] == 0 &&
	       a[10] == 0xff && a[11] == 0xff;
}

static __always_inline int same16(const __u8 *x, const __u8 *y)
{
	const __u64 *a = (const __u64 *)x, *b = (const __u64 *)y;

	return a[0] == b[0] && a[1] == b[1];
}

static __always_inline int is_loopback(int family, const __u8 *a)
{
	int i;

	if (family == AF_INET)
		return a[0] == 127;
	for (i = 0; i < 15; i++)
		if (a[i])
			return 0;
	return a[15] == 1;
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

static __always_inline void flow_track(struct bpf_sock *sk, __u32 tgid,
				       __u32 tid, struct mw_net_config *nc)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct net_flow *f;

	f = bpf_sk_storage_get(&mw_net_flows, sk, NULL,
			       BPF_SK_STORAGE_GET_F_CREATE);
	if (!f) {
		stat_inc(MW_STAT_NET_FLOW_FULL);
		return;
	}
	/* A socket connects again after a failed attempt: start over. */
	f->tgid = tgid;
	f->tid = tid;
	f->budget =
	    nc && nc->stratum_budget ? nc->stratum_budget : STRATUM_BUDGET;
	f->state = FLOW_OPEN;
	f->start_ns = BPF_CORE_READ(task, group_leader, start_boottime);
	bpf_get_current_comm(f->comm, sizeof(f->comm));
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
	int family = v6 ? AF_INET6 : AF_INET, verdict = VERDICT_PASS;

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
	if (v6) {
		__u32 w[4];

		w[0] = ctx->user_ip6[0];
		w[1] = ctx->user_ip6[1];
		w[2] = ctx->user_ip6[2];
		w[3] = ctx->user_ip6[3];
		__builtin_memcpy(a, w, 16);
		if (v4mapped(a)) {
			family = AF_INET;
			__builtin_memcpy(a, &w[3], 4);
			__builtin_memset(a + 4, 0, 12);
		}
	} else {
		__u32 ip = ctx->user_ip4;

		__builtin_memcpy(a, &ip, 4);
	}
	sk = ctx->sk;
	if (!sendmsg && type == SOCK_STREAM && sk)
		flow_track(sk, tgid, (__u32)id, nc);

	blk = block_lookup(family, a, port);
	if (!blk) {
		if (is_loopback(family, a) && !(nc && nc->report_loopback)) {
			stat_inc(MW_STAT_NET_FILTERED);
			return VERDICT_PASS;
		}
		if (sendmsg && sk) {
			struct net_peer *last;

			last = bpf_sk_storage_get(&mw_net_peers, sk, NULL,
						  BPF_SK_STORAGE_GET_F_CREATE);
			if (last && last->port == port &&
			    same16(last->addr, a)) {
				stat_inc(MW_STAT_NET_FILTERED);
				return VERDICT_PASS;
			}
			if (last) {
				__builtin_memcpy(last->addr, a, 16);
				last->port = port;
			}
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
	if (blk) {
		e->flags |= MW_NET_BLOCK_MATCH;
		e->rule_idx = blk->rule_idx;
		e->rules_gen = blk->rules_gen;
		if (cfg && cfg->enforce) {
			e->flags |= MW_NET_BLOCKED;
			verdict = VERDICT_DENY;
			stat_inc(MW_STAT_NET_BLOCKED);
			/* The flow never starts: nothing to inspect. */
			if (sk)
				bpf_sk_storage_delete(&mw_net_flows, sk);
		}
	}
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

/*
 * Offsets of the transport header and of the payload in skb (data starts at
 * the network header in cgroup_skb programs). Fills family, addresses and
 * *l4proto. Returns 0, or -1 for what we do not parse (IPv6 extension
 * headers, fragments).
 */
static __always_inline int skb_parse(struct __sk_buff *skb,
				     struct mw_net_event *e, __u8 *l4proto,
				     __u32 *l4off)
{
	__u8 b0;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u16 frag;

		if (bpf_skb_load_bytes(skb, 0, &b0, 1) ||
		    bpf_skb_load_bytes(skb, 9, l4proto, 1) ||
		    bpf_skb_load_bytes(skb, 6, &frag, 2) ||
		    bpf_skb_load_bytes(skb, 12, e->saddr, 4) ||
		    bpf_skb_load_bytes(skb, 16, e->daddr, 4))
			return -1;
		/* Not the first fragment: no transport header here. */
		if (bpf_ntohs(frag) & 0x1fff)
			return -1;
		e->family = AF_INET;
		*l4off = (b0 & 0xf) * 4;
		return *l4off >= 20 ? 0 : -1;
	}
	if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, l4proto, 1) ||
		    bpf_skb_load_bytes(skb, 8, e->saddr, 16) ||
		    bpf_skb_load_bytes(skb, 24, e->daddr, 16))
			return -1;
		e->family = AF_INET6;
		*l4off = 40;
		return 0;
	}
	return -1;
}

/*
 * Stratum on any port: the first payload packets of flows that a connect
 * we saw opened. Everything else costs one map lookup per packet.
 */
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
	n = skb->len - off;
	if (n > MW_NET_DATA_MAX) {
		n = MW_NET_DATA_MAX;
		e->flags |= MW_NET_DATA_TRUNC;
	}
	/* 1..MW_NET_DATA_MAX in a form the verifier can follow. */
	n = ((n - 1) & (MW_NET_DATA_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(skb, off, e->data, n))
		return VERDICT_PASS;
	m = stratum__match((const unsigned char *)e->data, n);
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
	n += sizeof(*e);
	barrier_var(n);
	if (n > sizeof(*e) + MW_NET_DATA_MAX)
		n = sizeof(*e) + MW_NET_DATA_MAX;
	e->hdr.size = n;
	emit(&mw_alerts, e, n, 1);
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

/*
 * DNS answers, to learn which name an address came from: UDP datagrams
 * from port 53 delivered to a local socket. Parsed in userspace.
 */
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
	n = skb->len - off;
	__builtin_memset(e, 0, sizeof(*e));
	if (n > MW_NET_DATA_MAX) {
		n = MW_NET_DATA_MAX;
		e->flags |= MW_NET_DATA_TRUNC;
	}
	n = ((n - 1) & (MW_NET_DATA_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(skb, off, e->data, n))
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
	n += sizeof(*e);
	barrier_var(n);
	if (n > sizeof(*e) + MW_NET_DATA_MAX)
		n = sizeof(*e) + MW_NET_DATA_MAX;
	e->hdr.size = n;
	stat_inc(MW_STAT_NET_DNS);
	emit(&mw_events, e, n, 0);
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

/*
 * Inbound TCP connections: the child socket goes SYN_RECV -> ESTABLISHED
 * when the handshake completes (softirq: there is no process to name yet).
 */
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

/*
 * Packet sockets (masscan, zmap) and raw IP sockets bypass connect and the
 * cgroup skb hooks; their frames reach the device queue in the sender's
 * context. Reported once per socket.
 */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(mw_dev_queue, struct sk_buff *skb)
{
	struct mw_config *cfg;
	struct mw_net_event rec, *e = &rec;
	struct sock *sk = BPF_CORE_READ(skb, sk);
	struct task_struct *task;
	__u16 family, type, proto;
	unsigned char *data;
	__u8 one = 1, ip[20];
	__u64 key;

	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	type = BPF_CORE_READ(sk, sk_type);
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
	proto = BPF_CORE_READ(sk, sk_protocol);
	/*
	 * Where the first frame goes: an Ethernet frame from a packet socket,
	 * an IP packet from a raw one.
	 */
	data = BPF_CORE_READ(skb, data);
	if (family == AF_PACKET) {
		__u16 et;

		if (bpf_probe_read_kernel(&et, 2, data + 12) == 0 &&
		    et == bpf_htons(ETH_P_IP))
			data += 14;
		else
			data = NULL;
	}
	if (data && bpf_probe_read_kernel(ip, sizeof(ip), data) == 0 &&
	    (ip[0] >> 4) == 4) {
		__u16 ports[2];

		e->family = AF_INET;
		e->transport = ip[9];
		__builtin_memcpy(e->saddr, ip + 12, 4);
		__builtin_memcpy(e->daddr, ip + 16, 4);
		if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) &&
		    bpf_probe_read_kernel(ports, 4, data + (ip[0] & 0xf) * 4) ==
			0) {
			e->sport = bpf_ntohs(ports[0]);
			e->dport = bpf_ntohs(ports[1]);
		}
	} else {
		e->transport = family == AF_PACKET ? 0 : proto;
	}
	emit(&mw_events, e, sizeof(*e), 0);
	return 0;
}

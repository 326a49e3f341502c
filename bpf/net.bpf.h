/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net.bpf.h - what the network sensor's programs share: its settings map,
 * the per-socket flow state that the egress inspection (net_stratum.bpf.c)
 * opens at a flow's first payload (net_flow.bpf.h) and consumes, per-CPU
 * record slots safe in softirq, and address and packet header helpers.
 *
 * The network sensor, one file per concern (all cheap hooks here, see
 * DESIGN.md; no syscall tracepoints):
 *   net_connect.bpf.c  cgroup/connect4|6, cgroup/sendmsg4|6: outbound
 *                      connects and new datagram peers; block (enforce)
 *   net_stratum.bpf.c  cgroup_skb/egress: the first payload packets of each
 *                      outbound TCP flow: stratum recognition, flow cut
 *   net_dns.bpf.c      cgroup_skb/ingress: DNS answers to userspace
 *   net_accept.bpf.c   tp_btf/inet_sock_set_state: inbound connections
 *   net_raw.bpf.c      tp_btf/net_dev_queue: packet/raw socket senders
 * The cgroup programs are attached to the cgroup v2 root (or the --cgroup
 * scope), so they see every process in every network namespace.
 *
 * Maps used by more than one of those objects are __weak, as in
 * common.bpf.h, so the link keeps one copy.
 */
#ifndef MW_NET_BPF_H
#define MW_NET_BPF_H

#include "common.bpf.h"
#include <bpf/bpf_endian.h>
#include "stratum.h" /* MW_STRATUM_BUF sizes the record slots */

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
#define FLOW_FWD 3	 /* undecided past the budget: sent to userspace */
#define STRATUM_BUDGET 3 /* payload packets inspected per flow by default */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mw_net_config);
} mw_net_config SEC(".maps") __weak;

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
} mw_net_flows SEC(".maps") __weak;

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
} mw_net_scratch SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} mw_net_depth SEC(".maps") __weak;

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

#define IP6_EXT_MAX 6 /* extension headers walked before giving up */

/*
 * Walk the IPv6 extension headers (hop-by-hop, routing, destination
 * options, fragment, AH) from the fixed header to the transport header:
 * *proto is the upper-layer protocol, *l4off its offset. -1 when the
 * chain is longer than IP6_EXT_MAX, unreadable, or this is not the first
 * fragment (no transport header in it). A sender picks the chain, so a
 * fixed 40-byte offset would let it hide every payload.
 */
static __always_inline int ip6_l4(struct __sk_buff *skb, __u8 *proto,
				  __u32 *l4off)
{
	__u32 off = 40;
	__u8 nh, hdr[4];
	int i;

	if (bpf_skb_load_bytes(skb, 6, &nh, 1))
		return -1;
	for (i = 0; i < IP6_EXT_MAX; i++) {
		if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
			break;
		if (bpf_skb_load_bytes(skb, off & 0xfff, hdr, 4))
			return -1;
		if (nh == 44) {
			/* Fragment offset (13 bits) nonzero: not the first. */
			if (((hdr[2] << 8 | hdr[3]) & 0xfff8) != 0)
				return -1;
			off += 8;
		} else if (nh == 51) {
			off += (hdr[1] + 2) * 4;
		} else {
			off += (hdr[1] + 1) * 8;
		}
		nh = hdr[0];
	}
	if (nh == 0 || nh == 43 || nh == 60 || nh == 44 || nh == 51)
		return -1;
	*proto = nh;
	*l4off = off;
	return 0;
}

/*
 * The IP header's protocol byte (IPv4) or next-header byte (IPv6) of a
 * cgroup_skb packet: a direct load when the header is in the linear area
 * (every packet the stack builds or receives), a helper call otherwise.
 * Returns the IP version (4 or 6), -1 for other packets. (Callers test
 * the version it returns rather than read skb->protocol again: clang
 * would address that second read as ctx + 16, which the verifier
 * refuses.)
 */
static __always_inline int net_l4_byte(struct __sk_buff *skb, __u8 *b)
{
	__u32 proto = skb->protocol;
	__u8 *p = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;

	if (proto == bpf_htons(ETH_P_IP)) {
		if ((void *)(p + 10) <= end) {
			*b = p[9];
			return 4;
		}
		return bpf_skb_load_bytes(skb, 9, b, 1) ? -1 : 4;
	}
	if (proto == bpf_htons(ETH_P_IPV6)) {
		if ((void *)(p + 10) <= end) {
			*b = p[6];
			return 6;
		}
		return bpf_skb_load_bytes(skb, 6, b, 1) ? -1 : 6;
	}
	return -1;
}

/*
 * Offsets of the transport header and of the payload in skb (data starts at
 * the network header in cgroup_skb programs). Fills family, addresses and
 * *l4proto. Returns 0, or -1 for what we do not parse (fragments after the
 * first, IPv6 extension chains longer than IP6_EXT_MAX).
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
		if (bpf_skb_load_bytes(skb, 8, e->saddr, 16) ||
		    bpf_skb_load_bytes(skb, 24, e->daddr, 16))
			return -1;
		e->family = AF_INET6;
		return ip6_l4(skb, l4proto, l4off);
	}
	return -1;
}

/*
 * Copy the payload at off into e->data: at most MW_NET_DATA_MAX bytes (a
 * longer one is flagged MW_NET_DATA_TRUNC). Returns the length, 0 when it
 * cannot be read.
 */
static __always_inline __u32 payload_load(struct __sk_buff *skb, __u32 off,
					  struct mw_net_event *e)
{
	__u32 n = skb->len - off;

	if (n > MW_NET_DATA_MAX) {
		n = MW_NET_DATA_MAX;
		e->flags |= MW_NET_DATA_TRUNC;
	}
	/* 1..MW_NET_DATA_MAX in a form the verifier can follow. */
	n = ((n - 1) & (MW_NET_DATA_MAX - 1)) + 1;
	if (bpf_skb_load_bytes(skb, off, e->data, n))
		return 0;
	return n;
}

/*
 * The header of a record about flow f's payload (a stratum match, a TLS
 * ClientHello, a forwarded chunk): packets run in softirq, so the process
 * is the one flow_owner() kept when the flow opened, not "current".
 */
static __always_inline void flow_hdr(struct mw_net_event *e,
				     const struct net_flow *f, __u8 kind)
{
	e->hdr.type = MW_EV_NET;
	e->hdr.ts_ns = bpf_ktime_get_boot_ns();
	e->hdr.pid = f->tgid;
	e->hdr.tid = f->tid;
	e->hdr.start_ns = f->start_ns;
	__builtin_memcpy(e->hdr.comm, f->comm, MW_COMM_LEN);
	e->kind = kind;
	e->transport = IPPROTO_TCP;
	e->sock_family = e->family;
	e->sock_type = SOCK_STREAM;
}

/*
 * A per-CPU budget of records per second (a flood of "answers" from port
 * 53, forwarded stratum chunks): r is the CPU's slot of a per-CPU array.
 */
struct mw_rate {
	__u64 window; /* start of the current second, boot ns */
	__u64 count;  /* records in it */
};

static __always_inline int rate_ok(struct mw_rate *r, __u64 per_sec)
{
	__u64 now = bpf_ktime_get_boot_ns();

	if (!r)
		return 0;
	if (now - r->window >= 1000000000ULL) {
		r->window = now;
		r->count = 0;
	}
	if (r->count >= per_sec)
		return 0;
	r->count++;
	return 1;
}

/* Set e->hdr.size for n payload bytes; returns it, bounded for emit(). */
static __always_inline __u32 payload_size(struct mw_net_event *e, __u32 n)
{
	n += sizeof(*e);
	barrier_var(n);
	if (n > sizeof(*e) + MW_NET_DATA_MAX)
		n = sizeof(*e) + MW_NET_DATA_MAX;
	e->hdr.size = n;
	return n;
}

#endif /* MW_NET_BPF_H */

// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * net_stratum.bpf.c - network sensor, stratum on any port
 * (cgroup_skb/egress): the first payload packets of the TCP flows that a
 * connect we saw opened (net_connect.bpf.c) go through the stratum matcher
 * (stratum.h); a match is reported, and in enforce mode the flow is cut
 * (every later packet dropped). Everything else costs one socket-storage
 * lookup per packet. The flow's state is made at its first payload
 * (net_flow.bpf.h), so a connect that sends nothing costs no state.
 */
#include "net.bpf.h"
#include "net_flow.bpf.h"
#include "stratum.h"
#include "net_tls.bpf.h"

/*
 * The stratum parser's state per outbound flow (stratum.h): a message
 * split across packets is read whole. Socket storage, gone with the
 * socket.
 */
struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct stratum_scan);
} mw_stratum_scans SEC(".maps");

#define STRATUM_CHUNKS 4 /* MW_STRATUM_SCAN-byte chunks read per packet */

/* Flows undecided past the budget go on in userspace (issue 14). */
#include "net_stratum_fwd.bpf.h"

/*
 * Feed the payload at off to the flow's parser, a chunk at a time (the
 * record's data[] holds one); the last chunk read stays in e->data.
 * Returns the method once recognised; *n is the bytes in e->data. When
 * the flow's budget is spent first, or the packet is longer than what is
 * read of it here, *rest is where the unread payload starts (for
 * userspace, net_stratum_fwd.bpf.h).
 */
static __always_inline int stratum_packet(struct __sk_buff *skb,
					  struct stratum_scan *st,
					  struct mw_net_event *e, __u32 off,
					  __u32 *n, __u32 *rest)
{
	__u32 k, c, coff;
	int m = 0;

	if (st->packets >= MW_STRATUM_FLOW_PACKETS) {
		*rest = off;
		return 0;
	}
	st->packets++;
	for (k = 0; k < STRATUM_CHUNKS; k++) {
		coff = off + k * MW_NET_DATA_MAX;
		if (skb->len <= coff)
			break;
		c = skb->len - coff;
		if (c > MW_NET_DATA_MAX)
			c = MW_NET_DATA_MAX;
		c = ((c - 1) & (MW_NET_DATA_MAX - 1)) + 1;
		if (st->bytes + c > MW_STRATUM_FLOW_BYTES) {
			*rest = coff;
			return 0;
		}
		if (bpf_skb_load_bytes(skb, coff, e->data, c))
			break;
		*n = c;
		m = stratum__feed(st, (const unsigned char *)e->data, c);
		if (m)
			return m;
	}
	/*
	 * Bytes past what we read (a big write on loopback, a GSO packet):
	 * userspace reads them (net_stratum_fwd.bpf.h), so that padding a
	 * login past 2 KiB of one packet does not hide it.
	 */
	if (skb->len > off + STRATUM_CHUNKS * MW_NET_DATA_MAX)
		*rest = off + STRATUM_CHUNKS * MW_NET_DATA_MAX;
	return 0;
}

/* A payload packet of a tracked flow: look for stratum, report, cut. */
static __always_inline int egress_inspect(struct __sk_buff *skb,
					  struct bpf_sock *sk,
					  struct net_flow *f,
					  struct mw_net_event *e, __u32 off)
{
	struct stratum_scan *st;
	struct mw_config *cfg;
	struct mw_net_config *nc;
	__u32 l4off, n = 0, rest = 0;
	__u8 l4proto;
	__u16 ports[2];
	int m = 0, cut;

	if (skb_parse(skb, e, &l4proto, &l4off) || l4proto != IPPROTO_TCP) {
		stat_inc(MW_STAT_NET_UNPARSED);
		return VERDICT_PASS;
	}
	l4off &= 0x3ff;
	if (bpf_skb_load_bytes(skb, l4off, ports, 4))
		return VERDICT_PASS;
	st = bpf_sk_storage_get(&mw_stratum_scans, sk, NULL,
				BPF_SK_STORAGE_GET_F_CREATE);
	if (!st)
		return VERDICT_PASS;
	/*
	 * A flow's first payload may be a TLS ClientHello: it names the
	 * server (net_tls.bpf.h), and the rest of the flow is encrypted.
	 */
	if (!st->packets) {
		n = payload_load(skb, off, e);
		if (n && tls_inspect(skb, f, e, n, ports))
			return VERDICT_PASS;
	}
	/*
	 * Read as a stream, bounded per flow in bytes and packets, so junk
	 * or tiny packets before the message do not hide it; past that
	 * budget, the rest of the decision is userspace's.
	 */
	if (f->state != FLOW_FWD)
		m = stratum_packet(skb, st, e, off, &n, &rest);
	if (!m) {
		if (!rest && f->state != FLOW_FWD)
			return VERDICT_PASS;
		e->sport = bpf_ntohs(ports[0]);
		e->dport = bpf_ntohs(ports[1]);
		/* A global's result is any scalar to the verifier: bound it. */
		return mw_stratum_fwd(skb, st, f, (struct net_slot *)e,
				      rest ? rest : off) & 1;
	}
	/* data[] holds the chunk the match ended in, not the whole payload. */
	if (skb->len - off > n)
		e->flags |= MW_NET_DATA_TRUNC;

	stat_inc(MW_STAT_NET_STRATUM);
	cfg = config_get();
	nc = net_config_get();
	cut = cfg && cfg->enforce && nc && nc->stratum_drop;
	flow_hdr(e, f, MW_NET_STRATUM);
	e->method = m;
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
	struct mw_config *cfg;
	struct bpf_sock *sk;
	struct net_flow *f;
	__u32 off, *depth;
	int verdict;

	/* The common case leaves here: a socket whose flow we do not track. */
	sk = skb->sk;
	if (!sk)
		return VERDICT_PASS;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->protocol != IPPROTO_TCP)
		return VERDICT_PASS;
	f = bpf_sk_storage_get(&mw_net_flows, sk, NULL, 0);
	if (f && f->state == FLOW_DONE)
		return VERDICT_PASS;
	cfg = config_get();
	if (!mw_active(cfg))
		return VERDICT_PASS;
	if (f && f->state == FLOW_CUT) {
		stat_inc(MW_STAT_NET_DROPPED);
		return VERDICT_DENY;
	}
	/* SYN, ACKs and the packets of payload-less connects stop here. */
	if (flow_payload_off(skb, &off))
		return VERDICT_PASS;
	if (!f) {
		f = flow_open(skb, sk, cfg);
		if (!f || f->state == FLOW_DONE)
			return VERDICT_PASS;
		/* A parser left by the socket's previous connection. */
		bpf_sk_storage_delete(&mw_stratum_scans, sk);
	}

	e = slot_get(&depth);
	if (!e) {
		stat_inc(MW_STAT_NET_NO_SLOT);
		return VERDICT_PASS;
	}
	verdict = egress_inspect(skb, sk, f, e, off);
	slot_put(depth);
	return verdict;
}

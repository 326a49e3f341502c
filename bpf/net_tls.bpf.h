/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * net_tls.bpf.h - the TLS half of the egress inspection
 * (net_stratum.bpf.c): a first payload that is a TLS ClientHello is sent
 * to userspace as telemetry (MW_NET_TLS, its first MW_NET_DATA_MAX bytes),
 * where user/sensors/tls.c takes the server name (SNI) and a JA4-style
 * fingerprint from it. The flow is then done: what follows is encrypted.
 * Cost: six byte compares on a payload already copied for the stratum
 * matcher, and one record per TLS flow.
 */
#ifndef MW_NET_TLS_BPF_H
#define MW_NET_TLS_BPF_H

#include "net.bpf.h"
#include "tls_record.h"

/*
 * e holds the n payload bytes of flow f (addresses filled by skb_parse);
 * ports are the TCP header's first 4 bytes. Returns 1 when it was a
 * ClientHello (reported, flow done), 0 to go on as before.
 */
static __always_inline int tls_inspect(struct __sk_buff *skb,
				       struct net_flow *f,
				       struct mw_net_event *e, __u32 n,
				       const __u16 ports[2])
{
	if (!tls__client_hello((const unsigned char *)e->data, n))
		return 0;
	flow_hdr(e, f, MW_NET_TLS);
	e->sport = bpf_ntohs(ports[0]);
	e->dport = bpf_ntohs(ports[1]);
	e->cookie = bpf_get_socket_cookie(skb);
	e->data_len = n;
	f->state = FLOW_DONE; /* the rest is encrypted */
	emit(&mw_events, e, payload_size(e, n), 0);
	return 1;
}

#endif /* MW_NET_TLS_BPF_H */

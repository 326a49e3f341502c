// SPDX-License-Identifier: GPL-2.0-only
/*
 * net.c - decoding network records, the DNS-learned name map, bursts.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sensors/dns.h"
#include "sensors/net.h"
#include "sensors/hosts.h"
#include "sensors/stratum_fwd.h"
#include "sensors/tls.h"
#include "util/fnv.h"

#define DNS_SLOTS 4096 /* power of two: address -> name entries */

struct dns_entry {
	bool used;
	int family;
	uint8_t addr[16];
	char name[DNS_NAME_MAX];
};

struct net_state {
	struct burst *burst;
	uint32_t burst_pid; /* net__set_burst_pid(): who a connect counts for */
	struct dns_entry *dns; /* direct-mapped: a newer answer replaces */
	struct stratum_fwd *fwd; /* flows the kernel handed over */
	net_stratum_fn decided;	 /* tell the kernel (may be NULL) */
	void *decided_ctx;
};

struct net_state *net__new(const struct burst_params *bp)
{
	struct net_state *ns = calloc(1, sizeof(*ns));

	if (!ns)
		return NULL;
	ns->burst = burst__new(bp);
	ns->dns = calloc(DNS_SLOTS, sizeof(*ns->dns));
	ns->fwd = stratum_fwd__new(STRATUM_FWD_CAP, STRATUM_FWD_IDLE_NS);
	if (!ns->burst || !ns->dns || !ns->fwd) {
		net__free(ns);
		return NULL;
	}
	return ns;
}

void net__free(struct net_state *ns)
{
	if (!ns)
		return;
	burst__free(ns->burst);
	stratum_fwd__free(ns->fwd);
	free(ns->dns);
	free(ns);
}

static uint32_t addr_hash(int family, const uint8_t *a)
{
	return fnv1a32(FNV32_INIT ^ (uint32_t)family, a,
		       family == AF_INET ? 4 : 16) &
	       (DNS_SLOTS - 1);
}

static int addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static void dns_learn(struct net_state *ns, const char *name, int family,
		      const uint8_t *addr)
{
	struct dns_entry *e = &ns->dns[addr_hash(family, addr)];

	e->used = true;
	e->family = family;
	memset(e->addr, 0, sizeof(e->addr));
	memcpy(e->addr, addr, addr_len(family));
	snprintf(e->name, sizeof(e->name), "%s", name);
}

const char *net__domain(struct net_state *ns, int family, const uint8_t *addr)
{
	struct dns_entry *e = &ns->dns[addr_hash(family, addr)];

	if (!e->used || e->family != family ||
	    memcmp(e->addr, addr, addr_len(family)))
		return NULL;
	return e->name;
}

void net__for_each_domain(struct net_state *ns, net_learn_fn fn, void *ctx)
{
	int i;

	for (i = 0; i < DNS_SLOTS; i++)
		if (ns->dns[i].used)
			fn(ctx, ns->dns[i].name, ns->dns[i].family,
			   ns->dns[i].addr);
}

const char *net__method_str(int method)
{
	switch (method) {
	case MW_STRATUM_LOGIN:
		return "login";
	case MW_STRATUM_SUBSCRIBE:
		return "mining.subscribe";
	case MW_STRATUM_AUTHORIZE:
		return "mining.authorize";
	case MW_STRATUM_SUBMIT:
		return "submit";
	case MW_STRATUM_KEEPALIVED:
		return "keepalived";
	}
	return NULL;
}

static const char *transport_str(int proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "ipv6-icmp";
	case 0:
		return NULL;
	}
	return "other";
}

static const char *sock_family_str(int f)
{
	switch (f) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_PACKET:
		return "packet";
	}
	return NULL;
}

static const char *sock_type_str(int t)
{
	switch (t) {
	case SOCK_STREAM:
		return "stream";
	case SOCK_DGRAM:
		return "dgram";
	case SOCK_RAW:
		return "raw";
	case SOCK_SEQPACKET:
		return "seqpacket";
	}
	return NULL;
}

static void ip_str(int family, const uint8_t *a, char *out)
{
	static const uint8_t zero[16];

	out[0] = '\0';
	if (family != AF_INET && family != AF_INET6)
		return;
	if (!memcmp(a, zero, addr_len(family)))
		return; /* unknown (e.g. source before bind) */
	inet_ntop(family, a, out, MW_IP_STR);
}

/* The "agent" string of an XMRig login, JSON escapes left as they are. */
static void agent_extract(const char *p, size_t len, char *out, size_t out_len)
{
	static const char key[] = "\"agent\"";
	const char *end = p + len, *k, *s;
	size_t n = 0;

	out[0] = '\0';
	k = memmem(p, len, key, sizeof(key) - 1);
	if (!k)
		return;
	s = k + sizeof(key) - 1;
	while (s < end && (*s == ' ' || *s == ':' || *s == '\t'))
		s++;
	if (s >= end || *s != '"')
		return;
	for (s++; s < end && *s != '"' && n + 1 < out_len; s++)
		out[n++] = (*s >= 0x20 && *s < 0x7f) ? *s : '?';
	out[n] = '\0';
}

static int dns_record(struct net_state *ns, const struct mw_net_event *e,
		      net_learn_fn learn, void *ctx)
{
	struct dns_answer a;
	int i;

	if (dns__parse((const uint8_t *)e->data, e->data_len, &a))
		return 1;
	for (i = 0; i < a.n; i++) {
		dns_learn(ns, a.name, a.a[i].family, a.a[i].addr);
		if (learn)
			learn(ctx, a.name, a.a[i].family, a.a[i].addr);
	}
	return 1;
}

/* A ClientHello: the server name and fingerprint (sensors/tls.c). */
static void tls_decode(const struct mw_net_event *e, struct mw_net_info *info)
{
	struct tls_hello h;

	info->action = "tls";
	info->direction = "egress";
	if (tls__parse_hello((const uint8_t *)e->data, e->data_len, &h)) {
		info->tls_malformed = 1;
		return;
	}
	memcpy(info->sni, h.sni, sizeof(info->sni));
	memcpy(info->ja4, h.ja4, sizeof(info->ja4));
	info->tls_version = tls__version_str(h.version);
	/* No name in the hello nor from DNS: the process's hosts file. */
	if (!h.sni[0] && !info->domain && e->family &&
	    !hosts__name(e->hdr.pid, e->family, e->daddr, info->domain_buf,
			 sizeof(info->domain_buf))) {
		info->domain = info->domain_buf;
		info->domain_source = "hosts";
	}
}

void net__on_stratum_decided(struct net_state *ns, net_stratum_fn fn,
			     void *ctx)
{
	ns->decided = fn;
	ns->decided_ctx = ctx;
}

void net__expire(struct net_state *ns, uint64_t now)
{
	stratum_fwd__expire(ns->fwd, now);
}

void net__fwd_stats(const struct net_state *ns, struct stratum_fwd_stats *st)
{
	stratum_fwd__stats(ns->fwd, st);
}

/*
 * A record of a flow the kernel handed over (sensors/stratum_fwd.c): 1
 * while undecided, 0 with *info the stratum event once this chunk decided
 * it, as a kernel match would give it. The kernel is told, so that it
 * stops forwarding and, where its own path would, cuts the flow.
 */
static int fwd_decode(struct net_state *ns, const struct mw_net_event *e,
		      struct mw_net_info *info)
{
	int m = stratum_fwd__record(ns->fwd, e);

	if (m <= 0)
		return m < 0 ? m : 1;
	info->act = NET_ACT_STRATUM;
	info->action = "stratum";
	info->direction = "egress";
	info->method = net__method_str(m);
	info->stratum_where = "userspace";
	agent_extract(e->data, e->data_len, info->agent, sizeof(info->agent));
	if (ns->decided && ns->decided(ns->decided_ctx, e->cookie) == 1)
		info->flags |= MW_NET_DROPPED;
	return 0;
}

int net__decode(struct net_state *ns, const void *data, size_t size,
		struct mw_net_info *info, net_learn_fn learn, void *ctx)
{
	const struct mw_net_event *e = data;

	if (size < sizeof(*e) || e->hdr.type != MW_EV_NET ||
	    e->hdr.size < sizeof(*e) || e->hdr.size > size ||
	    e->data_len > e->hdr.size - sizeof(*e) ||
	    e->data_len > MW_NET_DATA_MAX)
		return -EINVAL;
	if (e->family != AF_INET && e->family != AF_INET6 && e->family != 0)
		return -EINVAL;
	if (e->kind == MW_NET_DNS)
		return dns_record(ns, e, learn, ctx);

	memset(info, 0, sizeof(*info));
	info->act = (enum mw_net_action)e->kind;
	info->transport = transport_str(e->transport);
	info->sock_family = sock_family_str(e->sock_family);
	info->sock_type = sock_type_str(e->sock_type);
	ip_str(e->family, e->saddr, info->src_ip);
	ip_str(e->family, e->daddr, info->dst_ip);
	info->src_port = e->sport;
	info->dst_port = e->dport;
	info->flags = e->flags;
	info->rule_idx = e->rule_idx;
	info->rules_gen = e->rules_gen;
	info->cookie = e->cookie;
	if (e->family)
		info->domain = net__domain(ns, e->family, e->daddr);
	switch (e->kind) {
	case MW_NET_CONNECT:
		info->action = "connect";
		info->direction = "egress";
		if (e->family && !(e->flags & MW_NET_LOOPBACK))
			burst__connect(ns->burst, e->hdr.ts_ns,
				       ns->burst_pid ? ns->burst_pid
						     : e->hdr.pid,
				       e->hdr.comm, e->family, e->daddr,
				       e->dport);
		break;
	case MW_NET_ACCEPT:
		info->action = "accept";
		info->direction = "ingress";
		info->domain = NULL;
		burst__accept(ns->burst, e->hdr.ts_ns, e->family, e->saddr,
			      e->daddr, e->dport);
		break;
	case MW_NET_STRATUM:
		info->action = "stratum";
		info->direction = "egress";
		info->method = net__method_str(e->method);
		info->stratum_where = "kernel";
		agent_extract(e->data, e->data_len, info->agent,
			      sizeof(info->agent));
		break;
	case MW_NET_TLS:
		tls_decode(e, info);
		break;
	case MW_NET_STRATUM_FWD:
		return fwd_decode(ns, e, info);
	case MW_NET_RAW:
		info->action = "raw_socket";
		info->direction = "egress";
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

void net__set_burst_pid(struct net_state *ns, uint32_t pid)
{
	ns->burst_pid = pid;
}

int net__next_burst(struct net_state *ns, uint64_t now,
		    struct mw_net_info *info, uint32_t *pid, char comm[16])
{
	struct burst_report r;

	if (!burst__next(ns->burst, now, &r))
		return 0;
	memset(info, 0, sizeof(*info));
	info->count = r.count;
	info->hosts = r.hosts;
	info->ports = r.ports;
	info->window_ms = (r.last_ns - r.first_ns) / 1000000;
	info->transport = "tcp";
	*pid = r.pid;
	memcpy(comm, r.comm, 16);
	switch (r.kind) {
	case BURST_FANOUT:
		/* The alert at the crossing, the counts when it ends. */
		info->act = r.crossing ? NET_ACT_SCAN : NET_ACT_SCAN_END;
		info->action = r.crossing ? "scan" : "scan_end";
		info->direction = "egress";
		info->transport = NULL; /* connects of any kind */
		break;
	case BURST_BRUTE_OUT:
		/* The alert at the crossing, the counts when it ends. */
		info->act = r.crossing ? NET_ACT_BRUTE_OUT : NET_ACT_BRUTE_END;
		info->action = r.crossing ? "brute_force" : "brute_force_end";
		info->direction = "egress";
		ip_str(r.family, r.addr, info->dst_ip);
		info->dst_port = r.port;
		info->domain = net__domain(ns, r.family, r.addr);
		break;
	case BURST_BRUTE_IN:
		info->act = r.crossing ? NET_ACT_BRUTE_IN : NET_ACT_BRUTE_END;
		info->action = r.crossing ? "brute_force" : "brute_force_end";
		info->direction = "ingress";
		ip_str(r.family, r.addr, info->src_ip);
		ip_str(r.family, r.laddr, info->dst_ip);
		info->dst_port = r.port;
		break;
	}
	return 1;
}

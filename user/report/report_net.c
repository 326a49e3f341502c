// SPDX-License-Identifier: GPL-2.0-only
/*
 * report_net.c - ECS fields of network events: destination.*, source.*,
 * network.*, and product details under minerwatch.net.
 */
#include <linux/types.h> /* before events.h: it uses __u32 & co. */
#include "events.h"
#include "report/jsonx.h"
#include "model/net_event.h"
#include "report/report.h"

static void endpoint(json_t *doc, const char *side, const char *ip, int port,
		     const char *domain)
{
	json_t *o = json_object();

	if (ip && ip[0])
		json_object_set_new(o, "ip", jsonx_str(ip));
	if (port > 0)
		json_object_set_new(o, "port", json_integer(port));
	if (domain)
		json_object_set_new(o, "domain", jsonx_str(domain));
	if (json_object_size(o))
		json_object_set_new(doc, side, o);
	else
		json_decref(o);
}

/* tls.* (ECS) and minerwatch.net.tls of a ClientHello. */
static void report__tls(json_t *doc, json_t *mw, const struct mw_net_info *n)
{
	jsonx_set_path(doc, "network.protocol", json_string("tls"));
	jsonx_set_path(doc, "tls.version_protocol", json_string("tls"));
	if (n->tls_version)
		jsonx_set_path(doc, "tls.version", jsonx_str(n->tls_version));
	if (n->sni[0])
		jsonx_set_path(doc, "tls.client.server_name", jsonx_str(n->sni));
	if (n->ja4[0])
		jsonx_set_path(mw, "tls.ja4", jsonx_str(n->ja4));
	if (n->tls_malformed)
		jsonx_set_path(mw, "tls.malformed", json_true());
	if (n->domain_source)
		jsonx_set_path(mw, "domain_source", jsonx_str(n->domain_source));
}

void report__net(json_t *doc, const struct mw_net_info *n, bool set_action)
{
	json_t *mw = json_object();

	if (set_action && n->action) {
		jsonx_set_path(doc, "event.action", jsonx_str(n->action));
		jsonx_set_path(
		    doc, "event.type",
		    json_pack("[s]", n->act == NET_ACT_ACCEPT ||
					     n->act == NET_ACT_CONNECT
					 ? "connection"
					 : "info"));
		if (n->flags & MW_NET_BLOCKED)
			jsonx_set_path(doc, "event.outcome",
				       json_string("failure"));
	}
	endpoint(doc, "destination", n->dst_ip, n->dst_port, n->domain);
	endpoint(doc, "source", n->src_ip, n->src_port, NULL);
	if (n->transport)
		jsonx_set_path(doc, "network.transport",
			       jsonx_str(n->transport));
	if (n->direction)
		jsonx_set_path(doc, "network.direction",
			       jsonx_str(n->direction));
	if (n->method) {
		jsonx_set_path(doc, "network.protocol", json_string("stratum"));
		jsonx_set_path(mw, "stratum.method", jsonx_str(n->method));
		if (n->agent[0])
			jsonx_set_path(mw, "stratum.agent",
				       jsonx_str(n->agent));
		if (n->stratum_where)
			jsonx_set_path(mw, "stratum.where",
				       jsonx_str(n->stratum_where));
	}
	if (n->act == NET_ACT_TLS)
		report__tls(doc, mw, n);
	if (n->sock_family)
		jsonx_set_path(mw, "socket.family", jsonx_str(n->sock_family));
	if (n->sock_type)
		jsonx_set_path(mw, "socket.type", jsonx_str(n->sock_type));
	if (n->count) {
		jsonx_set_path(mw, "connections", json_integer(n->count));
		jsonx_set_path(mw, "window_ms", json_integer(n->window_ms));
	}
	if (n->act == NET_ACT_SCAN || n->act == NET_ACT_SCAN_END) {
		jsonx_set_path(mw, "hosts", json_integer(n->hosts));
		jsonx_set_path(mw, "ports", json_integer(n->ports));
	}
	if (n->flags & MW_NET_SENDMSG)
		jsonx_set_path(mw, "sendmsg", json_true());
	if (n->flags & MW_NET_LOOPBACK)
		jsonx_set_path(mw, "loopback", json_true());
	if (n->flags & MW_NET_BLOCKED)
		jsonx_set_path(mw, "blocked", json_true());
	if (n->flags & MW_NET_DROPPED)
		jsonx_set_path(mw, "flow_cut", json_true());
	if (n->cookie)
		jsonx_set_path(mw, "socket.cookie", json_integer(n->cookie));
	if (!json_object_size(mw)) {
		json_decref(mw);
		return;
	}
	if (!json_object_get(doc, "minerwatch"))
		json_object_set_new(doc, "minerwatch", json_object());
	json_object_set_new(json_object_get(doc, "minerwatch"), "net", mw);
}

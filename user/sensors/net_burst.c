// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_burst.c - fixed-size tables of open windows. Memory is bounded: a
 * full table evicts the window idle longest. Distinct hosts and ports are
 * counted in small open-addressing sets of hashes; once a set is full the
 * count stops growing, which is already far above every threshold.
 *
 * A burst is reported when it crosses its threshold (the caller polls
 * every pass, so within a tick of the connect that crossed it: the alert
 * and, in enforce mode, the kill come while it runs). A fan-out, and a
 * brute force on a login port, are reported again with the final counts
 * when the window ends; other repeated services (a browser's 12 requests
 * to one CDN) only cross, and no rule alerts on them.
 *
 * Brute-force windows on login ports are long (40 s idle, 5 min at most):
 * password guessing over SSH is slow, a few connections every half
 * minute. They are the last evicted when the table is full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/net_burst.h"
#include "util/fnv.h"

#define WINDOWS 256
#define SET_SLOTS 1024 /* power of two */
#define SET_MAX (SET_SLOTS * 3 / 4)

struct hset {
	uint32_t slot[SET_SLOTS]; /* 0 = empty */
	int n;
};

struct window {
	bool used;
	enum burst_kind kind;
	uint32_t pid;
	char comm[16];
	int family;
	uint8_t addr[16], laddr[16];
	uint16_t port;
	int count;
	bool crossed; /* the threshold report was given */
	bool login;   /* BRUTE_* on a login port: the long window */
	uint64_t first_ns, last_ns;
	struct hset *hosts, *ports; /* FANOUT only */
};

struct burst {
	struct burst_params p;
	struct window w[WINDOWS];
};

static const struct burst_params defaults = {
    .idle_ns = 1500000000ULL, /* 1.5 s */
    .max_ns = 10000000000ULL, /* 10 s */
    .fanout_hosts = 32,
    .fanout_ports = 32,
    .brute_count = 12,
    .login_idle_ns = 40000000000ULL, /* 40 s */
    .login_max_ns = 300000000000ULL, /* 5 min */
};

/*
 * Login services (the rules' @login_ports): brute force there is slow and
 * worth a long window. Kept in step with rules/network.json.
 */
static bool login_port(uint16_t port)
{
	static const uint16_t ports[] = {21,   22,   23,   25,	 110,	143,
					 445,  1433, 3306, 3389, 5432, 5900,
					 5985, 5986, 6379, 27017};
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (ports[i] == port)
			return true;
	return false;
}

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint32_t hash(const void *data, size_t len)
{
	uint32_t h = fnv1a32(FNV32_INIT, data, len);

	return h ? h : 1;
}

static void hset_add(struct hset *s, uint32_t h)
{
	uint32_t i = h & (SET_SLOTS - 1);
	int probes;

	if (!s || s->n >= SET_MAX)
		return;
	for (probes = 0; probes < SET_SLOTS; probes++) {
		if (s->slot[i] == h)
			return;
		if (!s->slot[i]) {
			s->slot[i] = h;
			s->n++;
			return;
		}
		i = (i + 1) & (SET_SLOTS - 1);
	}
}

struct burst *burst__new(const struct burst_params *p)
{
	struct burst *b = calloc(1, sizeof(*b));

	if (b)
		b->p = p ? *p : defaults;
	return b;
}

static void window_clear(struct window *w)
{
	free(w->hosts);
	free(w->ports);
	memset(w, 0, sizeof(*w));
}

void burst__free(struct burst *b)
{
	int i;

	if (!b)
		return;
	for (i = 0; i < WINDOWS; i++)
		window_clear(&b->w[i]);
	free(b);
}

/*
 * The window with this key, or a fresh one (evicting the stalest, a login
 * brute-force window only when every window is one).
 */
static struct window *window_get(struct burst *b, const struct window *key,
				 uint64_t ts)
{
	struct window *free_w = NULL, *stale = NULL, *stale_login = NULL;
	int i;

	for (i = 0; i < WINDOWS; i++) {
		struct window *w = &b->w[i];

		if (!w->used) {
			if (!free_w)
				free_w = w;
			continue;
		}
		if (w->kind == key->kind && w->pid == key->pid &&
		    w->family == key->family && w->port == key->port &&
		    !memcmp(w->addr, key->addr, 16) &&
		    !memcmp(w->laddr, key->laddr, 16))
			return w;
		if (w->login) {
			if (!stale_login || w->last_ns < stale_login->last_ns)
				stale_login = w;
		} else if (!stale || w->last_ns < stale->last_ns) {
			stale = w;
		}
	}
	if (!free_w) {
		free_w = stale ? stale : stale_login;
		window_clear(free_w);
	}
	*free_w = *key;
	free_w->used = true;
	free_w->first_ns = ts;
	free_w->login = key->kind != BURST_FANOUT && login_port(key->port);
	if (key->kind == BURST_FANOUT) {
		free_w->hosts = calloc(1, sizeof(struct hset));
		free_w->ports = calloc(1, sizeof(struct hset));
	}
	return free_w;
}

void burst__connect(struct burst *b, uint64_t ts, uint32_t pid,
		    const char *comm, int family, const uint8_t *daddr,
		    uint16_t dport)
{
	struct window key = {.kind = BURST_FANOUT, .pid = pid}, *w;

	/* Fan-out: per process, distinct hosts and ports. */
	w = window_get(b, &key, ts);
	snprintf(w->comm, sizeof(w->comm), "%s", comm ? comm : "");
	w->count++;
	w->last_ns = ts;
	hset_add(w->hosts, hash(daddr, 16) ^ (uint32_t)family);
	hset_add(w->ports, hash(&dport, sizeof(dport)));

	/* Outbound brute force: per process and service. */
	memset(&key, 0, sizeof(key));
	key.kind = BURST_BRUTE_OUT;
	key.pid = pid;
	key.family = family;
	memcpy(key.addr, daddr, 16);
	key.port = dport;
	w = window_get(b, &key, ts);
	snprintf(w->comm, sizeof(w->comm), "%s", comm ? comm : "");
	w->count++;
	w->last_ns = ts;
}

void burst__accept(struct burst *b, uint64_t ts, int family,
		   const uint8_t *saddr, const uint8_t *laddr, uint16_t lport)
{
	struct window key = {.kind = BURST_BRUTE_IN,
			     .family = family,
			     .port = lport},
		      *w;

	memcpy(key.addr, saddr, 16);
	memcpy(key.laddr, laddr, 16);
	w = window_get(b, &key, ts);
	w->count++;
	w->last_ns = ts;
}

static bool window_reportable(const struct burst *b, const struct window *w)
{
	if (w->kind == BURST_FANOUT)
		return (w->hosts && w->hosts->n >= b->p.fanout_hosts) ||
		       (w->ports && w->ports->n >= b->p.fanout_ports);
	return w->count >= b->p.brute_count;
}

static void report_fill(const struct window *w, bool crossing,
			struct burst_report *r)
{
	memset(r, 0, sizeof(*r));
	r->kind = w->kind;
	r->crossing = crossing;
	r->pid = w->pid;
	memcpy(r->comm, w->comm, sizeof(r->comm));
	r->family = w->family;
	memcpy(r->addr, w->addr, 16);
	memcpy(r->laddr, w->laddr, 16);
	r->port = w->port;
	r->count = w->count;
	r->hosts = w->hosts ? w->hosts->n : 0;
	r->ports = w->ports ? w->ports->n : 0;
	r->first_ns = w->first_ns;
	r->last_ns = w->last_ns;
}

/* Has w's window ended by now? */
static bool window_done(const struct burst *b, const struct window *w,
			uint64_t now)
{
	uint64_t idle = w->login ? b->p.login_idle_ns : b->p.idle_ns;
	uint64_t max = w->login ? b->p.login_max_ns : b->p.max_ns;

	return now - w->last_ns >= idle || now - w->first_ns >= max;
}

bool burst__next(struct burst *b, uint64_t now, struct burst_report *r)
{
	int i;

	for (i = 0; i < WINDOWS; i++) {
		struct window *w = &b->w[i];
		bool again;

		if (!w->used)
			continue;
		if (!w->crossed && window_reportable(b, w)) {
			/* Crossed since the last pass: report it now. */
			w->crossed = true;
			report_fill(w, true, r);
			return true;
		}
		if (!window_done(b, w, now))
			continue;
		again = w->crossed && (w->kind == BURST_FANOUT || w->login);
		if (again)
			report_fill(w, false, r);
		window_clear(w);
		if (again)
			return true;
	}
	return false;
}

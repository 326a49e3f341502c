// SPDX-License-Identifier: GPL-2.0-only
/*
 * stratum_fwd.c - sensors stage: the rest of the stratum decision when the
 * kernel's window is not enough (issue 14). The kernel reads a flow's
 * first MW_STRATUM_FLOW_BYTES bytes; a flow still undecided then is handed
 * over (bpf/net_stratum_fwd.bpf.h): a FWD_START record with the parser's
 * state, then the flow's next payload bytes, a record per chunk, up to the
 * forwarding budget (a FWD_END record). This file keeps one parser per
 * handed-over flow, keyed by socket cookie, and resumes it on each chunk
 * with the same code the kernel runs (bpf/stratum.h); net.c turns a match
 * into the same stratum event a kernel match gives.
 *
 * Bounded: a fixed table of set-associative buckets (4 ways), so a record
 * costs a bucket's look-up plus parsing at most MW_NET_DATA_MAX bytes,
 * inline in the ring-buffer reader. A flow is freed when decided and then
 * ended, at FWD_END, or after an idle timeout (the kernel does not say
 * when a socket closes); a full bucket evicts its least recently seen
 * flow. Every flow dropped undecided is counted by cause; the bytes of a
 * flow not held (its start evicted or lost) are read from its next line
 * on, never from the middle of a message.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/stratum_fwd.h"
#include "stratum.h"

#define WAYS 4

struct fwd_flow {
	uint64_t cookie; /* 0: free */
	uint64_t last_ns;
	bool decided; /* matched: later bytes are not read */
	struct stratum_scan st;
};

struct stratum_fwd {
	struct fwd_flow *flows; /* nbuckets * WAYS */
	unsigned int nbuckets;
	unsigned int count;
	uint64_t idle_ns;
	struct stratum_fwd_stats st;
};

struct stratum_fwd *stratum_fwd__new(unsigned int cap, uint64_t idle_ns)
{
	struct stratum_fwd *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->nbuckets = cap / WAYS + (cap % WAYS != 0);
	if (!t->nbuckets)
		t->nbuckets = 1;
	t->idle_ns = idle_ns;
	t->flows = calloc((size_t)t->nbuckets * WAYS, sizeof(*t->flows));
	if (!t->flows) {
		free(t);
		return NULL;
	}
	return t;
}

void stratum_fwd__free(struct stratum_fwd *t)
{
	if (!t)
		return;
	free(t->flows);
	free(t);
}

static struct fwd_flow *bucket(struct stratum_fwd *t, uint64_t cookie)
{
	uint64_t h = cookie * 0x9e3779b97f4a7c15ULL;

	return &t->flows[(size_t)((h >> 32) % t->nbuckets) * WAYS];
}

static struct fwd_flow *lookup(struct stratum_fwd *t, uint64_t cookie)
{
	struct fwd_flow *b = bucket(t, cookie);
	int i;

	for (i = 0; i < WAYS; i++)
		if (b[i].cookie == cookie)
			return &b[i];
	return NULL;
}

static bool idle(const struct stratum_fwd *t, const struct fwd_flow *f,
		 uint64_t now)
{
	return now > f->last_ns && now - f->last_ns > t->idle_ns;
}

/* Free f, counting an undecided flow under its cause. */
static void drop(struct stratum_fwd *t, struct fwd_flow *f, uint64_t *cause)
{
	if (!f->decided && cause)
		(*cause)++;
	memset(f, 0, sizeof(*f));
	t->count--;
}

/* A slot for cookie: a free way, else the least recently seen one. */
static struct fwd_flow *insert(struct stratum_fwd *t, uint64_t cookie,
			       uint64_t now)
{
	struct fwd_flow *b = bucket(t, cookie), *old = NULL;
	int i;

	for (i = 0; i < WAYS; i++) {
		if (!b[i].cookie)
			goto take;
		if (!old || b[i].last_ns < old->last_ns)
			old = &b[i];
	}
	drop(t, old, idle(t, old, now) ? &t->st.expired : &t->st.evicted);
	i = (int)(old - b);
take:
	b[i].cookie = cookie;
	b[i].last_ns = now;
	t->count++;
	return &b[i];
}

/*
 * The kernel's parser state is trusted no further than the bytes: a state
 * the parser could not have reached is read as "wait for the next line".
 */
static void sanitize(struct stratum_scan *s)
{
	bool in_msg = s->mode != SM_OUT && s->mode != SM_SKIPLINE;

	s->found = 0;
	if (s->mode > SM_SKIPLINE || s->depth > MW_STRATUM_DEPTH ||
	    (in_msg && !s->depth) || s->method > MW_STRATUM_KEEPALIVED) {
		memset(s, 0, sizeof(*s));
		s->mode = SM_SKIPLINE;
	}
}

static int on_start(struct stratum_fwd *t, const struct mw_net_event *e)
{
	struct fwd_flow *f;

	if (e->data_len != sizeof(struct stratum_scan))
		return -EINVAL;
	f = lookup(t, e->cookie);
	if (!f)
		f = insert(t, e->cookie, e->hdr.ts_ns);
	f->decided = false;
	f->last_ns = e->hdr.ts_ns;
	memcpy(&f->st, e->data, sizeof(f->st));
	sanitize(&f->st);
	t->st.flows++;
	return 0;
}

static int on_data(struct stratum_fwd *t, const struct mw_net_event *e)
{
	struct fwd_flow *f = lookup(t, e->cookie);
	int m;

	if (!f) {
		t->st.orphans++;
		f = insert(t, e->cookie, e->hdr.ts_ns);
		f->st.mode = SM_SKIPLINE;
	}
	f->last_ns = e->hdr.ts_ns;
	if (f->decided)
		return 0;
	m = stratum__feed_more(&f->st, (const unsigned char *)e->data,
			       e->data_len);
	if (m) {
		f->decided = true;
		t->st.matched++;
		return m;
	}
	/* The kernel skipped bytes after these: the rest of the line. */
	if (e->flags & MW_NET_FWD_GAP)
		f->st.mode = SM_SKIPLINE;
	return 0;
}

int stratum_fwd__record(struct stratum_fwd *t, const struct mw_net_event *e)
{
	struct fwd_flow *f;
	uint32_t kind = e->flags & (MW_NET_FWD_START | MW_NET_FWD_END);

	if (!e->cookie || e->data_len > MW_NET_DATA_MAX ||
	    kind == (MW_NET_FWD_START | MW_NET_FWD_END)) {
		t->st.bad++;
		return -EINVAL;
	}
	if (kind == MW_NET_FWD_START) {
		if (on_start(t, e)) {
			t->st.bad++;
			return -EINVAL;
		}
		return 0;
	}
	if (kind == MW_NET_FWD_END) {
		f = lookup(t, e->cookie);
		if (f)
			drop(t, f, &t->st.spent);
		return 0;
	}
	return on_data(t, e);
}

void stratum_fwd__expire(struct stratum_fwd *t, uint64_t now)
{
	size_t i, n = (size_t)t->nbuckets * WAYS;

	for (i = 0; i < n; i++)
		if (t->flows[i].cookie && idle(t, &t->flows[i], now))
			drop(t, &t->flows[i], &t->st.expired);
}

unsigned int stratum_fwd__count(const struct stratum_fwd *t)
{
	return t->count;
}

void stratum_fwd__stats(const struct stratum_fwd *t,
			struct stratum_fwd_stats *st)
{
	*st = t->st;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * output.c - the output stage, the last one a record passes: every JSON
 * line the daemon emits (events, alerts, state) leaves here. The event loop
 * (app/monitor.c) opens the outputs named by --output, hands every line to
 * output__write() once and calls output__tick() each second; nothing here
 * calls back into the loop or an earlier stage. This file parses the specs
 * into sinks, frames each line for its sink (a newline, or RFC 5424 syslog
 * with RFC 6587 octet counting) and fans it out. Each sink owns a queue
 * (output_queue.c: memory, then a disk spool that survives restarts, the
 * least severe line dropped first when both are full) and a transport that
 * sends what it can without blocking: output_file.c (append, rotate, gzip)
 * or output_socket.c (stdout, unix, syslog over TCP or UDP). A sink that
 * fails is retried with exponential backoff (output_diag.c) while its lines
 * wait in the queue. See docs/outputs.md for the spec syntax and the
 * buffering policy.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "output/output_int.h"
#include "util/clock.h"
#include "util/fnv.h"
#include "util/host.h"

#define FLUSH_SLICE_MS 20   /* sending time per sink per call */
#define CLOSE_BOUND_MS 1000 /* output__close() waits at most this */
#define MSGID_MAX 32	    /* RFC 5424 MSGID length */
#define FACILITY_LOCAL0 16
#define DEFAULT_SPOOL_DIR "/var/lib/minerwatch/spool"

static char spool_dir[PATH_MAX] = DEFAULT_SPOOL_DIR;

int output__set_spool_dir(const char *dir)
{
	if (!dir)
		dir = DEFAULT_SPOOL_DIR;
	if (strlen(dir) >= sizeof(spool_dir) - 64)
		return -ENAMETOOLONG;
	strcpy(spool_dir, dir);
	return 0;
}

/* ---- spec parsing ---- */

struct spec_opts {
	uint64_t queue, spool, max_size, max_age, keep, max_msg;
	int facility;
};

static const struct {
	const char *name;
	int code;
} facilities[] = {
    {"user", 1},    {"daemon", 3},  {"auth", 4},    {"authpriv", 10},
    {"local0", 16}, {"local1", 17}, {"local2", 18}, {"local3", 19},
    {"local4", 20}, {"local5", 21}, {"local6", 22}, {"local7", 23},
};

/* A number with an optional binary (k, m, g) or time (s, m, h, d) unit. */
static int opt__number(const char *v, bool time, uint64_t *out)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || *v == '-')
		return -EINVAL;
	if (time) {
		switch (*end) {
		case 'd':
			n *= 24;
			/* fall through */
		case 'h':
			n *= 60;
			/* fall through */
		case 'm':
			n *= 60;
			/* fall through */
		case 's':
			end++;
		}
	} else {
		switch (*end | 0x20) {
		case 'g':
			n <<= 10;
			/* fall through */
		case 'm':
			n <<= 10;
			/* fall through */
		case 'k':
			n <<= 10;
			end++;
		}
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
	}
	if (*end || n > (1ull << 50))
		return -EINVAL;
	*out = n;
	return 0;
}

static int opt__facility(const char *v, int *out)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++) {
		if (!strcmp(v, facilities[i].name)) {
			*out = facilities[i].code;
			return 0;
		}
	}
	return -EINVAL;
}

/* One KEY=VALUE into o: 0, or -EINVAL/-ERANGE when the value is refused. */
static int opt__value(const char *key, const char *v, struct spec_opts *o)
{
	if (!strcmp(key, "facility"))
		return opt__facility(v, &o->facility);
	if (!strcmp(key, "max_age"))
		return opt__number(v, true, &o->max_age);
	if (!strcmp(key, "keep"))
		return opt__number(v, false, &o->keep)
			   ?: (o->keep > 1000 ? -ERANGE : 0);
	if (!strcmp(key, "max_msg"))
		return opt__number(v, false, &o->max_msg)
			   ?: (o->max_msg < 480 || o->max_msg > 65000 ? -ERANGE
								      : 0);
	if (!strcmp(key, "queue"))
		return opt__number(v, false, &o->queue)
			   ?: (o->queue < 1024 ? -ERANGE : 0);
	if (!strcmp(key, "spool"))
		return opt__number(v, false, &o->spool);
	if (!strcmp(key, "max_size"))
		return opt__number(v, false, &o->max_size);
	return -EINVAL;
}

/* What a refused value of key may be, for the message ("" if obvious). */
static const char *opt__range(const char *key)
{
	if (!strcmp(key, "facility"))
		return " (user, daemon, auth, authpriv, local0..local7)";
	if (!strcmp(key, "max_msg"))
		return " (480..65000)";
	if (!strcmp(key, "keep"))
		return " (0..1000)";
	if (!strcmp(key, "queue"))
		return " (>= 1k)";
	return "";
}

/*
 * Parse "k=v&k=v" (modified in place). Only the options `allowed` (a
 * space-separated list) are accepted, so a typo is refused, not ignored.
 */
static int opts__parse(char *q, const char *allowed, struct spec_opts *o,
		       const char *spec, char *err, size_t err_len)
{
	char *kv, *v, *save = NULL;
	char key[24];

	for (kv = strtok_r(q, "&", &save); kv;
	     kv = strtok_r(NULL, "&", &save)) {
		v = strchr(kv, '=');
		if (!v || v == kv || !v[1] || (size_t)(v - kv) >= sizeof(key)) {
			snprintf(err, err_len,
				 "output %s: malformed option '%s' (want "
				 "KEY=VALUE)",
				 spec, kv);
			return -EINVAL;
		}
		*v++ = '\0';
		snprintf(key, sizeof(key), " %s ", kv);
		if (!strstr(allowed, key)) {
			snprintf(err, err_len,
				 "output %s: unknown option '%s' (allowed:%s)",
				 spec, kv, allowed);
			return -EINVAL;
		}
		if (opt__value(kv, v, o)) {
			snprintf(err, err_len,
				 "output %s: bad value '%s' for option %s%s",
				 spec, v, kv, opt__range(kv));
			return -EINVAL;
		}
	}
	return 0;
}

/* "HOST:PORT" or "[V6]:PORT" into s->host and s->port. */
static int spec__hostport(struct out_sink *s, const char *hp, char *err,
			  size_t err_len)
{
	const char *colon, *host = hp;
	size_t hlen;
	char *end;
	long port;

	if (*hp == '[') {
		const char *rb = strchr(hp, ']');

		if (!rb || rb[1] != ':')
			goto bad;
		host = hp + 1;
		hlen = rb - host;
		colon = rb + 1;
	} else {
		colon = strrchr(hp, ':');
		if (!colon)
			goto bad;
		if (memchr(hp, ':', colon - hp)) {
			snprintf(err, err_len,
				 "output %s: put an IPv6 address in brackets: "
				 "[ADDR]:PORT",
				 s->spec);
			return -EINVAL;
		}
		hlen = colon - hp;
	}
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (!hlen || errno || *end || end == colon + 1 || port < 1 ||
	    port > 65535)
		goto bad;
	s->host = strndup(host, hlen);
	if (!s->host)
		return -ENOMEM;
	snprintf(s->port, sizeof(s->port), "%ld", port);
	return 0;
bad:
	snprintf(err, err_len,
		 "output %s: expected HOST:PORT (port 1..65535, IPv6 as "
		 "[ADDR]:PORT)",
		 s->spec);
	return -EINVAL;
}

/* A file name for this sink's spool, stable across runs. */
static char *spec__spool_path(const char *base)
{
	char name[200], *p;
	uint32_t h = fnv1a32_str(FNV32_INIT, base);
	size_t i, n = 0;

	for (i = 0; base[i]; i++) {
		if (n < sizeof(name) - 1) {
			char c = base[i];
			bool ok =
			    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '.' || c == '-';
			name[n++] = ok ? c : '_';
		}
	}
	name[n] = '\0';
	if (asprintf(&p, "%s/%s-%08x.spool", spool_dir, name, h) < 0)
		return NULL;
	return p;
}

/* The output types: how a spec starts, and the options each takes. */
static const struct spec_type {
	const char *prefix; /* "stdout" must be the whole base */
	enum out_kind kind;
	const char *allowed; /* for opts__parse() */
} spec_types[] = {
    {"stdout", OUT_STDOUT, " queue "},
    {"file:", OUT_FILE, " max_size max_age keep queue spool "},
    {"unix:", OUT_UNIX, " queue spool "},
    {"syslog+tcp://", OUT_TCP, " facility queue spool "},
    {"syslog+udp://", OUT_UDP, " facility max_msg queue spool "},
};

/* The type base (a spec without its "?options") starts with, or NULL. */
static const struct spec_type *spec__type(const char *base)
{
	size_t i, len;

	for (i = 0; i < sizeof(spec_types) / sizeof(spec_types[0]); i++) {
		len = strlen(spec_types[i].prefix);
		if (!strncmp(base, spec_types[i].prefix, len) &&
		    (spec_types[i].kind != OUT_STDOUT || !base[len]))
			return &spec_types[i];
	}
	return NULL;
}

/* "file:PATH" or "unix:PATH": the path into s->path. */
static int spec__path(struct out_sink *s, const char *path, char *err,
		      size_t err_len)
{
	size_t sun_max = sizeof(((struct sockaddr_un *)0)->sun_path);

	if (!*path) {
		snprintf(err, err_len, "output %s: needs a path", s->spec);
		return -EINVAL;
	}
	if (s->kind == OUT_UNIX && strlen(path) >= sun_max) {
		snprintf(err, err_len,
			 "output %s: socket path longer than %zu bytes",
			 s->spec, sun_max - 1);
		return -ENAMETOOLONG;
	}
	s->path = strdup(path);
	return s->path ? 0 : -ENOMEM;
}

/* What follows the type prefix: nothing, a path, or HOST:PORT. */
static int spec__target(struct out_sink *s, const char *target, char *err,
			size_t err_len)
{
	switch (s->kind) {
	case OUT_STDOUT:
		return 0;
	case OUT_FILE:
	case OUT_UNIX:
		return spec__path(s, target, err, err_len);
	case OUT_TCP:
	case OUT_UDP:
		return spec__hostport(s, target, err, err_len);
	}
	return -EINVAL;
}

/* Put the parsed options on the sink and give it its queue. */
static int spec__settle(struct out_sink *s, const struct spec_opts *o,
			const char *base)
{
	char *spool_path = NULL;
	int ret;

	s->facility = o->facility;
	s->udp_max = o->max_msg;
	s->max_size = o->max_size;
	s->max_age_ms = o->max_age * 1000;
	s->keep = o->keep;
	/* stdout has no one to replay to after a restart: memory only. */
	if (s->kind != OUT_STDOUT && o->spool) {
		spool_path = spec__spool_path(base);
		if (!spool_path)
			return -ENOMEM;
	}
	ret = queue__init(&s->q, s->spec, o->queue, spool_path, o->spool);
	free(spool_path);
	return ret;
}

/*
 * Fill sink s from one --output spec, TYPE[TARGET][?KEY=VALUE&...]: 0, or
 * a negative errno with a message in err (-ENOMEM leaves that to the
 * caller). What s got so far is freed with it by sink__free().
 */
static int spec__parse(struct out_sink *s, const char *spec, char *err,
		       size_t err_len)
{
	struct spec_opts o = {
	    .queue = OUT_MEM_DEFAULT,
	    .spool = OUT_SPOOL_DEFAULT,
	    .max_size = 100ull << 20,
	    .max_age = 86400,
	    .keep = 5,
	    .max_msg = OUT_UDP_MAX,
	    .facility = FACILITY_LOCAL0,
	};
	const struct spec_type *t;
	char *base, *q;
	int ret;

	s->spec = strdup(spec);
	base = strdup(spec);
	if (!s->spec || !base) {
		free(base);
		return -ENOMEM;
	}
	q = strrchr(base, '?');
	if (q)
		*q++ = '\0';
	t = spec__type(base);
	if (!t) {
		snprintf(err, err_len,
			 "output %s: unknown output type (want stdout, "
			 "file:PATH, unix:PATH, syslog+tcp://HOST:PORT or "
			 "syslog+udp://HOST:PORT)",
			 spec);
		free(base);
		return -EINVAL;
	}
	s->kind = t->kind;
	ret = q ? opts__parse(q, t->allowed, &o, spec, err, err_len) : 0;
	if (!ret)
		ret = spec__target(s, base + strlen(t->prefix), err, err_len);
	if (!ret)
		ret = spec__settle(s, &o, base);
	free(base);
	return ret;
}

/* ---- framing ---- */

/* RFC 5424 severity from the 0..100 event severity. */
static int syslog__severity(int sev)
{
	if (sev >= 90)
		return 2; /* crit */
	if (sev >= 70)
		return 3; /* err */
	if (sev >= 50)
		return 4; /* warning */
	if (sev > 0)
		return 5; /* notice */
	return 6;	  /* info */
}

/*
 * MSGID is the line's event.kind (ECS: alert, event, state, ...), found by
 * a cheap scan for "event.kind" or a "kind" key rather than a JSON parse;
 * "event" when absent or odd.
 */
static void line__kind(const char *line, size_t len, char *kind)
{
	static const char *const keys[] = {"\"event.kind\"", "\"kind\""};
	const char *p, *end = line + len;
	size_t i, n;

	for (i = 0; i < 2; i++) {
		size_t klen = strlen(keys[i]);

		for (p = line; (p = memmem(p, end - p, keys[i], klen));) {
			p += klen;
			while (p < end && *p == ' ')
				p++;
			if (p >= end || *p++ != ':')
				continue;
			while (p < end && *p == ' ')
				p++;
			if (p >= end || *p++ != '"')
				continue;
			for (n = 0; p + n < end && n < MSGID_MAX &&
				    ((p[n] >= 'a' && p[n] <= 'z') ||
				     (p[n] >= 'A' && p[n] <= 'Z') ||
				     (p[n] >= '0' && p[n] <= '9') ||
				     p[n] == '_' || p[n] == '-');
			     n++)
				;
			if (n && p + n < end && p[n] == '"') {
				memcpy(kind, p, n);
				kind[n] = '\0';
				return;
			}
		}
	}
	strcpy(kind, "event");
}

/* "TIMESTAMP HOSTNAME minerwatch PID MSGID - " shared by all syslog sinks */
static int syslog__header(struct output *o, const char *line, size_t len,
			  char *buf, size_t buf_len)
{
	char kind[MSGID_MAX + 1];
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	line__kind(line, len, kind);
	return snprintf(buf, buf_len,
			"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s minerwatch "
			"%d %s - ",
			tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000,
			o->hostname, o->pid, kind);
}

static struct out_rec *rec__alloc(size_t len, int sev)
{
	struct out_rec *r;

	if (len > UINT32_MAX)
		return NULL;
	r = malloc(sizeof(*r) + len);
	if (!r)
		return NULL;
	r->len = len;
	r->sev = sev;
	return r;
}

/* Frame one line for sink s; the caller owns the result. */
static struct out_rec *rec__frame(struct out_sink *s, const char *line,
				  size_t len, int sev, const char *hdr,
				  size_t hlen)
{
	char pri[8], cnt[24];
	size_t plen, clen = 0, total, cut = len;
	struct out_rec *r;

	if (s->kind != OUT_TCP && s->kind != OUT_UDP) {
		r = rec__alloc(len + 1, sev);
		if (r) {
			memcpy(r->data, line, len);
			r->data[len] = '\n';
		}
		return r;
	}

	plen = snprintf(pri, sizeof(pri), "<%d>1 ",
			s->facility * 8 + syslog__severity(sev));
	total = plen + hlen + len;
	if (s->kind == OUT_UDP && total > s->udp_max) {
		/* Cut on a UTF-8 character boundary; count it. */
		cut = s->udp_max - plen - hlen;
		while (cut && ((unsigned char)line[cut] & 0xc0) == 0x80)
			cut--;
		total = plen + hlen + cut;
		s->truncated++;
	}
	if (s->kind == OUT_TCP)
		clen = snprintf(cnt, sizeof(cnt), "%zu ", total);
	r = rec__alloc(clen + total, sev);
	if (!r)
		return NULL;
	memcpy(r->data, cnt, clen);
	memcpy(r->data + clen, pri, plen);
	memcpy(r->data + clen + plen, hdr, hlen);
	memcpy(r->data + clen + plen + hlen, line, cut);
	return r;
}

/* ---- sending ---- */

static bool sink__ready(struct out_sink *s, uint64_t now)
{
	if (s->kind == OUT_FILE)
		return file_sink__ready(s, now);
	return sock_sink__ready(s, now);
}

/* Send queued records until the sink would block or the slice is used. */
static void sink__flush(struct out_sink *s, uint64_t now)
{
	uint64_t until = now + FLUSH_SLICE_MS;
	unsigned int n_sent = 0;
	ssize_t n;
	int err;

	if (!s->cur && !queue__count(&s->q))
		return;
	if (!sink__ready(s, now))
		return;
	for (;;) {
		if (!s->cur) {
			if (queue__pop(&s->q, &s->cur))
				return;
			s->cur_off = 0;
		}
		if (s->kind == OUT_FILE && !s->cur_off) {
			err = file_sink__prepare(s, s->cur->len);
			if (err && s->fd < 0)
				return;
		}
		if (s->kind == OUT_FILE)
			n = file_sink__send(s, s->cur->data + s->cur_off,
					    s->cur->len - s->cur_off);
		else
			n = sock_sink__send(s, s->cur->data + s->cur_off,
					    s->cur->len - s->cur_off);
		if (n == -EAGAIN || n == -ENOBUFS)
			return;
		if (n == -EINTR)
			continue;
		if (s->kind == OUT_UDP && n == -ECONNREFUSED) {
			/* An earlier datagram bounced; this one was not sent.
			 */
			s->errors++;
			if (++n_sent > 64)
				return;
			continue;
		}
		if (s->kind == OUT_UDP && n == -EMSGSIZE) {
			queue__drop(&s->q, s->cur);
			s->cur = NULL;
			continue;
		}
		if (n < 0) {
			/* A socket restarts the record on the next
			 * connection; a file keeps what it already has. */
			if (s->kind == OUT_FILE) {
				file_sink__fail(s, n, "write");
			} else {
				s->cur_off = 0;
				sock_sink__fail(s, n, "send");
			}
			return;
		}
		s->cur_off += n;
		if (s->cur_off < s->cur->len)
			continue;
		free(s->cur);
		s->cur = NULL;
		s->written++;
		if ((++n_sent & 255) == 0 && clock__now_ms() >= until)
			return;
	}
}

/* ---- what the worker (output_worker.c) calls ---- */

static void sink__free(struct out_sink *s)
{
	if (s->cur) {
		queue__unpop(&s->q, s->cur);
		s->cur = NULL;
	}
	queue__fini(&s->q, true);
	if (s->kind == OUT_FILE)
		file_sink__close(s);
	else
		sock_sink__close(s);
	free(s->spec);
	free(s->path);
	free(s->host);
}

static void output__hostname(struct output *o)
{
	char *p;

	/* "-" is RFC 5424's NILVALUE. */
	host__name(o->hostname, sizeof(o->hostname), "-");
	/* RFC 5424 HOSTNAME is PRINTUSASCII: no spaces, no controls. */
	for (p = o->hostname; *p; p++)
		if (*p < 33 || *p > 126)
			*p = '_';
}

/*
 * Parse specs into o's sinks and open each one: 0, or a negative errno with
 * a message in err (what was made is freed by sinks__free()).
 */
int sinks__open(struct output *o, const char *const *specs, int n, char *err,
		size_t err_len)
{
	int i, j, ret;

	o->sinks = calloc(n, sizeof(*o->sinks));
	if (!o->sinks)
		goto fail_nomem;
	output__hostname(o);
	o->pid = getpid();

	for (i = 0; i < n; i++) {
		struct out_sink *s = &o->sinks[i];

		s->fd = -1;
		s->gz.in_fd = -1;
		s->saved_fl = -1;
		o->n = i + 1;
		ret = spec__parse(s, specs[i], err, err_len);
		if (ret == -ENOMEM)
			goto fail_nomem;
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			if (!strcmp(o->sinks[j].spec, s->spec)) {
				snprintf(err, err_len, "output %s: given twice",
					 s->spec);
				return -EINVAL;
			}
		}
		s->backoff_ms = OUT_BACKOFF_MIN_MS;
		ret = s->kind == OUT_FILE ? file_sink__open(s, err, err_len)
					  : sock_sink__open(s, err, err_len);
		if (ret)
			return ret;
	}
	return 0;

fail_nomem:
	snprintf(err, err_len, "output: %s", strerror(ENOMEM));
	return -ENOMEM;
}

/* Frame one handed-over line for every sink, queue it and send what can go. */
void sinks__fanout(struct output *o, const struct out_line *l)
{
	char hdr[512];
	size_t hlen = 0;
	uint64_t now = clock__now_ms(), dropped;
	int i;

	for (i = 0; i < o->n; i++) {
		struct out_sink *s = &o->sinks[i];
		struct out_rec *r;

		if ((s->kind == OUT_TCP || s->kind == OUT_UDP) && !hlen)
			hlen = syslog__header(o, l->data, l->len, hdr,
					      sizeof(hdr));
		r = rec__frame(s, l->data, l->len, l->sev, hdr, hlen);
		if (!r) {
			s->errors++;
			queue__drop(&s->q, NULL);
			continue;
		}
		r->sev = l->rank;
		dropped = queue__dropped(&s->q);
		queue__push(&s->q, r);
		sink__flush(s, now);
		if (queue__dropped(&s->q) == dropped && queue__count(&s->q))
			s->waited++;
	}
}

/*
 * Retry and flush every sink; with tick, also the once-a-second work
 * (rotation by age, fdatasync, a slice of gzip, the spool's read offset).
 * Returns true while some sink still holds lines (the worker then comes
 * back sooner than the next tick).
 */
bool sinks__service(struct output *o, bool tick)
{
	uint64_t now = clock__now_ms();
	bool pending = false;
	int i;

	for (i = 0; i < o->n; i++) {
		struct out_sink *s = &o->sinks[i];

		sink__flush(s, now);
		if (tick && s->kind == OUT_FILE)
			file_sink__tick(s, now);
		if (tick)
			queue__sync(&s->q);
		if (s->cur || queue__count(&s->q))
			pending = true;
	}
	return pending;
}

/* The sinks' counters (not lines: the hand-off counts those). */
void sinks__stats(const struct output *o, struct output_stats *st)
{
	int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < o->n; i++) {
		const struct out_sink *s = &o->sinks[i];

		st->written += s->written;
		st->spooled += s->waited;
		st->dropped += queue__dropped(&s->q);
		st->errors += s->errors + queue__errors(&s->q);
		st->queued += queue__count(&s->q) + (s->cur ? 1 : 0);
		st->truncated += s->truncated;
		st->nospace += s->nospace + queue__nospace(&s->q);
		st->sync_errors += s->sync_errors;
	}
}

/* At close: give slow sinks a short, bounded chance to drain. */
void sinks__drain(struct output *o)
{
	uint64_t until = clock__now_ms() + CLOSE_BOUND_MS;
	bool pending;
	int i;

	do {
		pending = false;
		for (i = 0; i < o->n; i++) {
			struct out_sink *s = &o->sinks[i];

			if (!s->spec)
				continue;
			sink__flush(s, clock__now_ms());
			if ((s->cur || queue__count(&s->q)) &&
			    (s->kind == OUT_FILE || s->state != OUT_DOWN))
				pending = true;
		}
		if (pending)
			usleep(10000);
	} while (pending && clock__now_ms() < until);
}

/* Free the sinks (pending lines go to their spools). */
void sinks__free(struct output *o)
{
	int i;

	for (i = 0; i < o->n; i++)
		if (o->sinks[i].spec)
			sink__free(&o->sinks[i]);
	free(o->sinks);
	o->sinks = NULL;
	o->n = 0;
}

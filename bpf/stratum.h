/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * stratum.h - recognise the mining protocol in the bytes a TCP flow sends,
 * reading them as JSON. Pure C with no includes and a fixed amount of work
 * per byte, so the same code runs in the kernel (bpf/net_stratum.bpf.c, a
 * byte at a time under bpf_loop, its state kept per socket so a message
 * split across packets is read whole), in userspace for the flows the
 * kernel hands over at its budget (user/sensors/stratum_fwd.c), and in the
 * unit tests and the fuzz target (tests/unit/test_net.c,
 * tests/unit/test_stratum_fwd.c, tests/fuzz/fuzz_stratum.c).
 *
 * Stratum is JSON-RPC over TCP, one object per line. What miners send first:
 *   XMRig / cryptonote pools: {"id":1,"jsonrpc":"2.0","method":"login",
 *                              "params":{"login":..,"pass":..,"agent":..}}
 *   stratum v1 (Bitcoin-style): {"id":1,"method":"mining.subscribe",...}
 *   and later "mining.authorize", "submit"/"mining.submit", "keepalived".
 * A message is stratum when a key "method" of its top-level object has one
 * of those names as its value. A bare "login" is common JSON-RPC, so it
 * also needs an "agent" key in its "params" object (XMRig and its forks
 * always send one). Encrypted stratum (TLS) is not visible.
 *
 * Read as JSON, not searched for byte patterns: keys and values are
 * decoded (\uXXXX escapes included) before they are compared; a "method"
 * inside a string or a nested object is not the key; keys come in any
 * order, with any whitespace; a key may appear twice (every value is
 * judged). Bytes before a '{' (junk, other lines) are skipped, a newline
 * ends a message (pools read one line per message), and an object nested
 * deeper than MW_STRATUM_DEPTH is given up until the next line.
 */
#ifndef MW_STRATUM_H
#define MW_STRATUM_H

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define MW_STRATUM_BUF 1024 /* power of two >= MW_NET_DATA_MAX + 32 */
#define MW_STRATUM_SCAN 512 /* bytes read per call (MW_NET_DATA_MAX) */
/* Bytes and payload packets of one flow read before giving up. */
#define MW_STRATUM_FLOW_BYTES 8192
#define MW_STRATUM_FLOW_PACKETS 64
/*
 * Past that, a flow still undecided is handed to userspace, which goes on
 * reading it with this same parser (user/sensors/stratum_fwd.c): this many
 * more bytes and payload packets are forwarded, then it is given up.
 */
#define MW_STRATUM_FWD_BYTES 32768
#define MW_STRATUM_FWD_PACKETS 256
#define MW_STRATUM_DEPTH 30 /* nesting kept track of (bits of nest) */

#define MW_SB(b, i) ((b)[(i) & (MW_STRATUM_BUF - 1)])

/* Parser modes. */
enum {
	SM_OUT = 0,  /* between messages: looking for '{' */
	SM_JSON,     /* inside a message, between tokens */
	SM_STR,	     /* inside a string */
	SM_ESC,	     /* after a backslash in a string */
	SM_HEX,	     /* in the 4 hex digits of \uXXXX */
	SM_SKIPLINE, /* given up on this message: until '\n' */
};

/* What the current string is, and which key we are under. */
enum { SS_VALUE = 0, SS_KEY = 1 };
enum { SK_OTHER = 0, SK_METHOD, SK_PARAMS, SK_AGENT };

#define SF_EXPECT_KEY 0x01 /* in an object, before a key */
#define SF_AGENT 0x02	   /* this message's params have an agent */
#define SF_CAP_BAD 0x04	   /* the captured string is not plain ASCII */

/*
 * The state of one flow's parser: zero is the start. 60 bytes, kept in
 * socket storage by the kernel.
 */
struct stratum_scan {
	unsigned char mode;
	unsigned char depth;	 /* nesting, 0 between messages */
	unsigned char flags;	 /* SF_* */
	unsigned char str_kind;	 /* SS_KEY or SS_VALUE */
	unsigned char key1;	 /* SK_* of the last key at depth 1 */
	unsigned char key;	 /* SK_* of the key the next value is for */
	unsigned char caplen;	 /* bytes in cap[] */
	unsigned char hexn;	 /* hex digits of \u read */
	unsigned int nest;	 /* bit d: level d+1 is an array */
	unsigned short hexval;	 /* the \u code point so far */
	unsigned char found;	 /* enum mw_stratum_method, once decided */
	unsigned char capturing; /* the current string is captured */
	unsigned short packets;	 /* payload packets read */
	unsigned short bytes;	 /* bytes read (up to FLOW_BYTES) */
	unsigned char method;	 /* this message's method, 0 if none */
	unsigned char pad[3];
	char cap[32]; /* decoded key or method value (20 bytes used) */
};

static __always_inline int stratum__space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* cap[0..caplen) == lit (n <= 20 bytes, NUL-free). */
static __always_inline int stratum__cap_is(const struct stratum_scan *s,
					   const char *lit, unsigned int n)
{
	unsigned int k;

	if (s->caplen != n || (s->flags & SF_CAP_BAD))
		return 0;
	for (k = 0; k < n && k < 20; k++)
		if (s->cap[k] != lit[k])
			return 0;
	return 1;
}

/* enum mw_stratum_method of a captured method value, or 0. */
static __always_inline int stratum__method_of(const struct stratum_scan *s)
{
	if (stratum__cap_is(s, "login", 5))
		return 1; /* MW_STRATUM_LOGIN */
	if (stratum__cap_is(s, "mining.subscribe", 16))
		return 2; /* MW_STRATUM_SUBSCRIBE */
	if (stratum__cap_is(s, "mining.authorize", 16))
		return 3; /* MW_STRATUM_AUTHORIZE */
	if (stratum__cap_is(s, "submit", 6) ||
	    stratum__cap_is(s, "mining.submit", 13))
		return 4; /* MW_STRATUM_SUBMIT */
	if (stratum__cap_is(s, "keepalived", 10))
		return 5; /* MW_STRATUM_KEEPALIVED */
	return 0;
}

/* Has this message said enough? Sets s->found. */
static __always_inline void stratum__decide(struct stratum_scan *s)
{
	if (!s->method || s->found)
		return;
	if (s->method == 1 && !(s->flags & SF_AGENT))
		return;
	s->found = s->method;
}

/* Append one decoded byte to cap[] (a longer string never matches). */
static __always_inline void stratum__cap(struct stratum_scan *s, unsigned int c)
{
	unsigned int n = s->caplen;

	if (!s->capturing)
		return;
	if (c == 0 || c > 0x7f || n >= 20) {
		s->flags |= SF_CAP_BAD;
		return;
	}
	s->cap[n & 31] = (char)c;
	s->caplen = n + 1;
}

/* A string ended: a key names what follows, a method value decides. */
static __always_inline void stratum__str_end(struct stratum_scan *s)
{
	if (s->str_kind == SS_KEY) {
		unsigned char k = SK_OTHER;

		if (stratum__cap_is(s, "method", 6))
			k = SK_METHOD;
		else if (stratum__cap_is(s, "params", 6))
			k = SK_PARAMS;
		else if (stratum__cap_is(s, "agent", 5))
			k = SK_AGENT;
		if (s->depth == 1) {
			s->key1 = k;
			s->key = k;
		} else {
			s->key = k;
			/* "agent" directly in the params object. */
			if (s->depth == 2 && s->key1 == SK_PARAMS &&
			    k == SK_AGENT && !(s->nest & 2)) {
				s->flags |= SF_AGENT;
				stratum__decide(s);
			}
		}
	} else if (s->capturing && s->depth == 1) {
		int m = stratum__method_of(s);

		if (m && !s->method)
			s->method = m;
		stratum__decide(s);
	}
	s->capturing = 0;
	s->mode = SM_JSON;
}

static __always_inline void stratum__reset_msg(struct stratum_scan *s)
{
	s->depth = 0;
	s->nest = 0;
	s->flags = 0;
	s->key1 = SK_OTHER;
	s->key = SK_OTHER;
	s->method = 0;
	s->capturing = 0;
	s->mode = SM_OUT;
}

static __always_inline int stratum__hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Inside a string (SM_STR, SM_ESC, SM_HEX). */
static __always_inline void stratum__str_byte(struct stratum_scan *s,
					      unsigned char c)
{
	int h;

	if (s->mode == SM_HEX) {
		h = stratum__hex(c);
		if (h < 0) {
			s->mode = SM_SKIPLINE; /* not JSON */
			return;
		}
		s->hexval = (unsigned short)(s->hexval << 4 | h);
		if (++s->hexn == 4) {
			stratum__cap(s, s->hexval);
			s->mode = SM_STR;
		}
		return;
	}
	if (s->mode == SM_ESC) {
		s->mode = SM_STR;
		switch (c) {
		case 'u':
			s->mode = SM_HEX;
			s->hexn = 0;
			s->hexval = 0;
			return;
		case 'n':
			c = '\n';
			break;
		case 't':
			c = '\t';
			break;
		case 'r':
			c = '\r';
			break;
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		}
		stratum__cap(s, c);
		return;
	}
	if (c == '"')
		stratum__str_end(s);
	else if (c == '\\')
		s->mode = SM_ESC;
	else
		stratum__cap(s, c);
}

/* Between tokens inside a message. */
static __always_inline void stratum__json_byte(struct stratum_scan *s,
					       unsigned char c)
{
	int in_array = s->depth && (s->nest >> (s->depth - 1) & 1);

	switch (c) {
	case '"':
		s->mode = SM_STR;
		s->caplen = 0;
		s->flags &= ~SF_CAP_BAD;
		if (!in_array && (s->flags & SF_EXPECT_KEY)) {
			s->str_kind = SS_KEY;
			s->capturing = s->depth <= 2;
			s->flags &= ~SF_EXPECT_KEY;
		} else {
			s->str_kind = SS_VALUE;
			s->capturing = s->depth == 1 && s->key == SK_METHOD;
		}
		return;
	case '{':
	case '[':
		if (s->depth >= MW_STRATUM_DEPTH) {
			s->mode = SM_SKIPLINE;
			return;
		}
		if (c == '[')
			s->nest |= 1u << s->depth;
		else
			s->nest &= ~(1u << s->depth);
		s->depth++;
		if (c == '{')
			s->flags |= SF_EXPECT_KEY;
		s->key = SK_OTHER;
		return;
	case '}':
	case ']':
		s->depth--;
		s->flags &= ~SF_EXPECT_KEY;
		if (!s->depth)
			stratum__reset_msg(s);
		else
			s->key = SK_OTHER;
		return;
	case ',':
		if (!in_array)
			s->flags |= SF_EXPECT_KEY;
		s->key = s->depth == 1 ? SK_OTHER : s->key;
		return;
	}
	/* ':', whitespace, numbers, true/false/null: nothing to keep. */
}

/*
 * Read one byte. Returns the enum mw_stratum_method once a message has
 * been recognised (and from then on), else 0.
 */
static __always_inline int stratum__step(struct stratum_scan *s,
					 unsigned char c)
{
	if (s->found)
		return s->found;
	if (c == '\n' && s->mode != SM_STR && s->mode != SM_ESC &&
	    s->mode != SM_HEX) {
		stratum__reset_msg(s); /* one message per line */
		return 0;
	}
	switch (s->mode) {
	case SM_OUT:
		if (c == '{') {
			s->mode = SM_JSON;
			s->depth = 1;
			s->nest = 0;
			s->flags = SF_EXPECT_KEY;
		}
		return 0;
	case SM_SKIPLINE:
		return 0;
	case SM_JSON:
		stratum__json_byte(s, c);
		return s->found;
	default:
		/* A raw newline cannot be in a JSON string: not JSON. */
		if (c == '\n') {
			stratum__reset_msg(s);
			return 0;
		}
		stratum__str_byte(s, c);
		return s->found;
	}
}

/*
 * The loop over a buffer: the kernel runs the body through bpf_loop(), so
 * the verifier checks it once instead of once per byte; userspace runs the
 * same callback in a loop.
 */
struct stratum_feed {
	const unsigned char *b;
	struct stratum_scan *s;
	unsigned int len;
	int found;
};

static long stratum__feed_cb(unsigned int i, void *ctx)
{
	struct stratum_feed *f = ctx;

	if (i >= f->len)
		return 1;
	return stratum__step(f->s, MW_SB(f->b, i)) ? 1 : 0;
}

#ifdef __bpf__
#define stratum__loop(n, fn, ctx) bpf_loop(n, fn, ctx, 0)
#else
static inline long stratum__loop(unsigned int n,
				 long (*fn)(unsigned int, void *), void *ctx)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fn(i, ctx))
			return i + 1;
	return n;
}
#endif

/*
 * Feed b[0..len) (len <= MW_STRATUM_SCAN; b has MW_STRATUM_BUF bytes) to
 * the flow's parser s: one payload packet, or a chunk of one. Counts the
 * bytes against MW_STRATUM_FLOW_BYTES. Returns the method once recognised,
 * else 0.
 */
static __always_inline int
stratum__feed(struct stratum_scan *s, const unsigned char *b, unsigned int len)
{
	struct stratum_feed f = {.b = b, .s = s, .len = len};

	if (s->found)
		return s->found;
	if (len > MW_STRATUM_SCAN)
		len = MW_STRATUM_SCAN;
	if (s->bytes + len > MW_STRATUM_FLOW_BYTES)
		len = s->bytes < MW_STRATUM_FLOW_BYTES
			  ? MW_STRATUM_FLOW_BYTES - s->bytes
			  : 0;
	f.len = len;
	s->bytes += len;
	stratum__loop(MW_STRATUM_SCAN, stratum__feed_cb, &f);
	return s->found;
}

/*
 * Feed b[0..len) (len <= MW_STRATUM_BUF) with no byte budget: userspace
 * goes on reading a flow the kernel handed over with its parser state
 * (user/sensors/stratum_fwd.c). Returns the method once recognised.
 */
static __always_inline int stratum__feed_more(struct stratum_scan *s,
					      const unsigned char *b,
					      unsigned int len)
{
	struct stratum_feed f = {.b = b, .s = s, .len = len};

	if (!s->found && len)
		stratum__loop(len, stratum__feed_cb, &f);
	return s->found;
}

/* Has this flow been read as far as we read any? */
static __always_inline int stratum__spent(const struct stratum_scan *s)
{
	return s->bytes >= MW_STRATUM_FLOW_BYTES ||
	       s->packets >= MW_STRATUM_FLOW_PACKETS;
}

/* One buffer on its own (a fresh parser): the enum mw_stratum_method. */
static __always_inline int stratum__match(const unsigned char *b,
					  unsigned int len)
{
	struct stratum_scan s = {0};

	return stratum__feed(&s, b, len);
}

#endif /* MW_STRATUM_H */

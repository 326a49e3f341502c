// SPDX-License-Identifier: GPL-2.0-only
/*
 * tls.c - sensors stage: decode a TLS ClientHello (see tls.h).
 *
 * The kernel sends the first payload bytes of every outbound TCP flow that
 * starts with a ClientHello (bpf/net_tls.bpf.h); net.c hands them here. We
 * take the server name the client asked for (the pool's name, even when it
 * came from /etc/hosts and no DNS packet was ever sent) and compute a
 * fingerprint in the shape of JA4 (FoxIO's JA4, TLS client part):
 *   t<ver><d|i><ciphers:2><extensions:2><alpn first+last char>_
 *   <sha256(sorted ciphers)[:12]>_<sha256(sorted extensions "_" sigalgs)[:12]>
 * GREASE values are ignored, SNI and ALPN are counted but not hashed.
 *
 * Every length is checked against both the bytes we have and the lengths
 * around it: a hello cut by the kernel's copy limit (MW_NET_DATA_MAX) still
 * yields its server name when that came before the cut.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "tls_record.h" /* the record check the kernel makes */
#include "sensors/tls.h"

#define EXT_SNI 0x0000
#define EXT_SIGALGS 0x000d
#define EXT_ALPN 0x0010
#define EXT_PADDING 0x0015
#define EXT_VERSIONS 0x002b
#define TLS_LIST_MAX 256

/* A read window: [off, end) valid; bytes past have stops the walk. */
struct cur {
	const uint8_t *b;
	size_t off, end; /* end: the declared end of what we walk */
	size_t have;	 /* bytes we really have (<= the buffer's len) */
	int cut;	 /* ran into have before end */
	int bad;	 /* ran past end: malformed */
};

/* 1 when n more bytes can be read; sets cut or bad otherwise. */
static int cur_need(struct cur *c, size_t n)
{
	if (c->off + n > c->end) {
		c->bad = 1;
		return 0;
	}
	if (c->off + n > c->have) {
		c->cut = 1;
		return 0;
	}
	return 1;
}

static unsigned int u8(struct cur *c)
{
	return cur_need(c, 1) ? c->b[c->off++] : 0;
}

static unsigned int u16(struct cur *c)
{
	unsigned int v;

	if (!cur_need(c, 2))
		return 0;
	v = (unsigned int)c->b[c->off] << 8 | c->b[c->off + 1];
	c->off += 2;
	return v;
}

/* A sub-window of n bytes at the cursor; the cursor moves past it. */
static struct cur sub(struct cur *c, size_t n)
{
	struct cur s = *c;

	if (c->off + n > c->end) {
		c->bad = 1;
		s.end = s.off;
		return s;
	}
	s.end = c->off + n;
	c->off += n;
	if (c->off > c->have)
		c->cut = 1;
	return s;
}

static int grease(unsigned int v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

struct hello_lists {
	uint16_t ciphers[TLS_LIST_MAX], exts[TLS_LIST_MAX], sigs[TLS_LIST_MAX];
	int n_ciphers, n_exts, n_sigs;
	int n_exts_all; /* counted in JA4 (SNI, ALPN included) */
	char alpn[2];	/* first and last char of the first protocol */
	int complete;	/* every extension was seen */
};

static void add(uint16_t *a, int *n, unsigned int v)
{
	if (*n < TLS_LIST_MAX)
		a[(*n)++] = (uint16_t)v;
}

static void parse_sni(struct cur c, struct tls_hello *h)
{
	struct cur l = sub(&c, u16(&c));
	size_t n, i;

	while (!l.bad && !l.cut && l.off < l.end) {
		unsigned int type = u8(&l);
		struct cur name = sub(&l, u16(&l));

		if (type != 0 || l.bad)
			continue;
		n = name.end - name.off;
		if (name.end > name.have || n == 0 || n >= TLS_SNI_MAX)
			return;
		for (i = 0; i < n; i++) {
			unsigned char ch = name.b[name.off + i];

			/* A host name: anything else is shown escaped. */
			h->sni[i] = isgraph(ch) ? (char)ch : '?';
		}
		h->sni[n] = '\0';
		return;
	}
}

static void parse_alpn(struct cur c, struct hello_lists *L)
{
	struct cur l = sub(&c, u16(&c));
	unsigned int n = u8(&l);
	unsigned char f, b;

	if (l.bad || l.cut || n == 0 || !cur_need(&l, n))
		return;
	f = l.b[l.off];
	b = l.b[l.off + n - 1];
	if (isalnum(f) && isalnum(b)) {
		L->alpn[0] = (char)f;
		L->alpn[1] = (char)b;
	} else {
		static const char hex[] = "0123456789abcdef";

		L->alpn[0] = hex[f >> 4];
		L->alpn[1] = hex[b & 0xf];
	}
}

static void parse_sigalgs(struct cur c, struct hello_lists *L)
{
	struct cur l = sub(&c, u16(&c));

	while (!l.bad && !l.cut && l.off + 2 <= l.end) {
		unsigned int v = u16(&l);

		if (!l.cut && !grease(v))
			add(L->sigs, &L->n_sigs, v);
	}
}

static void parse_versions(struct cur c, struct tls_hello *h)
{
	struct cur l = sub(&c, u8(&c));

	while (!l.bad && !l.cut && l.off + 2 <= l.end) {
		unsigned int v = u16(&l);

		if (!l.cut && !grease(v) && v > h->version && v <= 0x0304)
			h->version = (uint16_t)v;
	}
}

/* The extension list; returns -1 when malformed. */
static int parse_exts(struct cur *c, struct tls_hello *h, struct hello_lists *L)
{
	struct cur l = sub(c, u16(c));

	while (l.off < l.end) {
		unsigned int type = u16(&l), n = u16(&l);
		struct cur body;

		if (l.bad || l.cut)
			break;
		body = sub(&l, n);
		if (l.bad)
			return -1;
		if (!grease(type)) {
			L->n_exts_all++;
			if (type != EXT_SNI && type != EXT_ALPN)
				add(L->exts, &L->n_exts, type);
		}
		if (type == EXT_SNI)
			parse_sni(body, h);
		else if (type == EXT_ALPN)
			parse_alpn(body, L);
		else if (type == EXT_SIGALGS)
			parse_sigalgs(body, L);
		else if (type == EXT_VERSIONS)
			parse_versions(body, h);
		/* Cut inside the last extension, padding: nothing lost. */
		if (l.cut && !(type == EXT_PADDING && l.off == l.end))
			return 0;
		l.cut = 0;
	}
	if (l.bad)
		return -1;
	L->complete = !l.cut && l.off == l.end;
	return 0;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* First 12 hex digits of sha256(s); "000000000000" for an empty list. */
static void hash12(const char *s, char out[13])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int i;

	if (!*s || !EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) ||
	    n < 6) {
		memcpy(out, "000000000000", 13);
		return;
	}
	for (i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* "0a0b,0c0d" of a list into buf (room: 5 bytes per entry). */
static void join(const uint16_t *a, int n, char *buf)
{
	int i;

	buf[0] = '\0';
	for (i = 0; i < n; i++)
		sprintf(buf + strlen(buf), "%s%04x", i ? "," : "", a[i]);
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "13";
	case 0x0303:
		return "12";
	case 0x0302:
		return "11";
	case 0x0301:
		return "10";
	case 0x0300:
		return "s3";
	}
	return "00";
}

static void ja4(struct tls_hello *h, struct hello_lists *L)
{
	static char buf[2 * TLS_LIST_MAX * 5 + 2];
	char b[13], c[13];
	const char *v;
	int nc = L->n_ciphers > 99 ? 99 : L->n_ciphers;
	int ne = L->n_exts_all > 99 ? 99 : L->n_exts_all;

	qsort(L->ciphers, L->n_ciphers, sizeof(uint16_t), cmp_u16);
	qsort(L->exts, L->n_exts, sizeof(uint16_t), cmp_u16);
	join(L->ciphers, L->n_ciphers, buf);
	hash12(buf, b);
	join(L->exts, L->n_exts, buf);
	if (L->n_sigs) {
		strcat(buf, "_");
		join(L->sigs, L->n_sigs, buf + strlen(buf));
	}
	hash12(L->n_exts ? buf : "", c);
	v = ja4_version(h->version);
	snprintf(h->ja4, sizeof(h->ja4), "t%s%c%02d%02d%c%c_%s_%s", v,
		 h->sni[0] ? 'd' : 'i', nc, ne, L->alpn[0], L->alpn[1], b, c);
}

/* legacy_version, random, session id, ciphers, compression. */
static int parse_head(struct cur *c, struct tls_hello *h, struct hello_lists *L)
{
	struct cur l;

	h->version = (uint16_t)u16(c);
	sub(c, 32);
	sub(c, u8(c));
	l = sub(c, u16(c));
	while (!l.bad && !l.cut && l.off + 2 <= l.end) {
		unsigned int v = u16(&l);

		if (!l.cut && !grease(v))
			add(L->ciphers, &L->n_ciphers, v);
	}
	if (!l.cut && !l.bad && l.off != l.end)
		return -1; /* odd cipher list length */
	sub(c, u8(c));
	return c->bad ? -1 : 0;
}

int tls__parse_hello(const uint8_t *b, size_t len, struct tls_hello *h)
{
	struct hello_lists *L;
	struct cur c;
	size_t rec, hs;
	int ret = 0;

	memset(h, 0, sizeof(*h));
	if (!b || !tls__client_hello(b, len > 0xffff ? 0xffff : len))
		return -EINVAL;
	rec = (size_t)b[3] << 8 | b[4];
	hs = (size_t)b[6] << 16 | (size_t)b[7] << 8 | b[8];
	if (hs + 4 > rec)
		return -EINVAL; /* a hello split over records: not parsed */
	L = calloc(1, sizeof(*L));
	if (!L)
		return -ENOMEM;
	L->alpn[0] = L->alpn[1] = '0';
	c = (struct cur){
	    .b = b, .off = MW_TLS_HEADER, .end = 9 + hs, .have = len};
	if (parse_head(&c, h, L))
		ret = -EINVAL;
	if (ret || c.cut)
		goto done;
	if (c.off < c.end && parse_exts(&c, h, L))
		ret = -EINVAL;
	else if (c.off >= c.end && !c.cut)
		L->complete = 1; /* no extensions at all */
done:
	if (c.bad)
		ret = -EINVAL;
	h->truncated = !L->complete;
	if (!ret && L->complete)
		ja4(h, L);
	free(L);
	return ret;
}

const char *tls__version_str(uint16_t v)
{
	switch (v) {
	case 0x0304:
		return "1.3";
	case 0x0303:
		return "1.2";
	case 0x0302:
		return "1.1";
	case 0x0301:
		return "1.0";
	case 0x0300:
		return "3.0";
	}
	return NULL;
}

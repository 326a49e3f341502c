/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules_cond.c - rule conditions: turn a JSON condition into a tree whose
 * leaves hold their values in matching form (sorted sets for eq/in,
 * compiled regexes, parsed networks and ranges), and evaluate that tree
 * against a decoded event without allocating.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules/rules_cond.h"

/* all/any/not nesting: deep enough for people, shallow for the stack. */
#define COND_DEPTH_MAX 32

static const char *const op_names[OP_MAX] = {
    [OP_EQ] = "eq",	    [OP_IN] = "in",	[OP_PREFIX] = "prefix",
    [OP_SUFFIX] = "suffix", [OP_GLOB] = "glob", [OP_CONTAINS] = "contains",
    [OP_REGEX] = "regex",   [OP_CIDR] = "cidr", [OP_RANGE] = "range",
};

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int strp_casecmp(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static const char *kind_str(enum mw_event_kind k)
{
	switch (k) {
	case MW_KIND_EXEC:
		return "exec";
	case MW_KIND_FILE:
		return "file";
	case MW_KIND_NET:
		return "net";
	case MW_KIND_BEHAVIOUR:
		return "behaviour";
	}
	return "?";
}

/* --- freeing ----------------------------------------------------------------
 */

static void leaf__free(struct leaf *l)
{
	int i;

	if (l->s)
		for (i = 0; i < l->n; i++)
			free(l->s[i]);
	if (l->re)
		for (i = 0; i < l->n; i++)
			regfree(&l->re[i]);
	free(l->s);
	free(l->len);
	free(l->re);
	free(l->nets);
	free(l->ranges);
}

void cond__free(struct cond *c)
{
	int i;

	if (c->type == COND_LEAF) {
		leaf__free(&c->leaf);
		return;
	}
	for (i = 0; i < c->n; i++)
		cond__free(&c->kids[i]);
	free(c->kids);
}

/* --- values -----------------------------------------------------------------
 */

/*
 * A leaf's VALUE normalised to an array: a scalar, a literal array, or a
 * named list. Errors name the element the way the user wrote it.
 */
struct values {
	json_t *arr;	  /* owned reference */
	const char *list; /* list name when VALUE was "@name" */
	bool scalar;
};

static void values__path(const struct values *v, const char *path, int i,
			 char *buf, size_t len)
{
	if (v->scalar)
		snprintf(buf, len, "%s", path);
	else if (v->list)
		snprintf(buf, len, "%s: list \"%s\"[%d]", path, v->list, i);
	else
		snprintf(buf, len, "%s[%d]", path, i);
}

const struct named_list *named_list__find(const struct named_list *lists, int n,
					  const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(lists[i].name, name) == 0)
			return &lists[i];
	return NULL;
}

/* "@name" is a list reference; "@@x" is the literal string "@x". */
static bool is_list_ref(const json_t *j)
{
	const char *s;

	if (!json_is_string(j))
		return false;
	s = json_string_value(j);
	return s[0] == '@' && s[1] != '@';
}

static const char *literal_str(const json_t *j)
{
	const char *s = json_string_value(j);

	return (s[0] == '@' && s[1] == '@') ? s + 1 : s;
}

static int values__get(const struct cond_env *env, json_t *j, const char *path,
		       struct values *v)
{
	const struct named_list *nl;
	size_t i;

	memset(v, 0, sizeof(*v));
	if (is_list_ref(j)) {
		nl = named_list__find(env->lists, env->n_lists,
				      json_string_value(j) + 1);
		if (!nl)
			return rules_err__fail(env->err, path,
					       "unknown list \"%s\"",
					       json_string_value(j));
		v->arr = json_incref(nl->arr);
		v->list = nl->name;
		return 0;
	}
	if (json_is_array(j)) {
		if (json_array_size(j) == 0)
			return rules_err__fail(env->err, path, "empty array");
		for (i = 0; i < json_array_size(j); i++) {
			json_t *e = json_array_get(j, i);

			if (json_is_array(e) || json_is_object(e))
				return rules_err__fail(
				    env->err, path,
				    "element %zu: expected a scalar, "
				    "got %s",
				    i, rules_err__json_type(e));
			if (is_list_ref(e))
				return rules_err__fail(
				    env->err, path,
				    "element %zu: list references "
				    "cannot be nested in an array",
				    i);
		}
		v->arr = json_incref(j);
		return 0;
	}
	if (json_is_object(j) || json_is_null(j))
		return rules_err__fail(env->err, path,
				       "expected a value or an array, got %s",
				       rules_err__json_type(j));
	v->arr = json_array();
	if (!v->arr || json_array_append(v->arr, j))
		return rules_err__fail(env->err, path, "out of memory");
	v->scalar = true;
	return 0;
}

/* "a.b.c.d[/n]" or "x:y::z[/n]" */
static int cidr_parse(const char *s, struct cidr *c)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	long bits;
	int max;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, buf, c->addr) == 1) {
		c->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, c->addr) == 1) {
		c->family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	c->bits = max;
	if (slash) {
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno || end == slash + 1 || *end || bits < 0 || bits > max)
			return -EINVAL;
		c->bits = (int)bits;
	}
	return 0;
}

static int num_parse(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (!isdigit((unsigned char)s[0]) && s[0] != '-')
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -EINVAL;
	*out = v;
	return 0;
}

/* An integer, "N" or "LO-HI" (inclusive). */
static int range_parse(const json_t *j, struct range *r)
{
	char buf[64], *dash;
	const char *s;

	if (json_is_integer(j)) {
		r->lo = r->hi = json_integer_value(j);
		return 0;
	}
	if (!json_is_string(j))
		return -EINVAL;
	s = json_string_value(j);
	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	/* Skip a leading minus so "-5" is a number, not an open range. */
	dash = strchr(buf + 1, '-');
	if (!dash) {
		if (num_parse(buf, &r->lo))
			return -EINVAL;
		r->hi = r->lo;
		return 0;
	}
	*dash = '\0';
	if (num_parse(buf, &r->lo) || num_parse(dash + 1, &r->hi))
		return -EINVAL;
	return r->lo <= r->hi ? 0 : -ERANGE;
}

static bool op_is_string(enum op op)
{
	return op <= OP_REGEX;
}

/* Which operators make sense for a field type. */
static bool op_applies(enum op op, enum field_type t)
{
	switch (t) {
	case FIELD_STR:
	case FIELD_STRS:
		return op_is_string(op);
	case FIELD_IP:
		return op_is_string(op) || op == OP_CIDR;
	case FIELD_NUM:
		return op == OP_EQ || op == OP_IN || op == OP_RANGE;
	case FIELD_BOOL:
		return op == OP_EQ;
	}
	return false;
}

static int leaf__strings(const struct cond_env *env, struct leaf *l,
			 const struct values *v, const char *path)
{
	char epath[256];
	size_t i;
	int n = (int)json_array_size(v->arr);

	l->s = calloc(n, sizeof(*l->s));
	l->len = calloc(n, sizeof(*l->len));
	if (l->op == OP_REGEX)
		l->re = calloc(n, sizeof(*l->re));
	if (!l->s || !l->len || (l->op == OP_REGEX && !l->re))
		return rules_err__fail(env->err, path, "out of memory");
	for (i = 0; i < (size_t)n; i++) {
		json_t *e = json_array_get(v->arr, i);
		int err;

		values__path(v, path, (int)i, epath, sizeof(epath));
		if (!json_is_string(e))
			return rules_err__fail(env->err, epath,
					       "expected a string, got %s",
					       rules_err__json_type(e));
		if (l->op == OP_REGEX) {
			char msg[128];

			err = regcomp(&l->re[i], json_string_value(e),
				      REG_EXTENDED | REG_NOSUB |
					  (l->nocase ? REG_ICASE : 0));
			if (err) {
				regerror(err, &l->re[i], msg, sizeof(msg));
				return rules_err__fail(
				    env->err, epath, "bad regex \"%s\": %s",
				    json_string_value(e), msg);
			}
		}
		/* l->n counts what needs freeing, regexes included. */
		l->s[i] =
		    strdup(v->list ? json_string_value(e) : literal_str(e));
		l->n = (int)i + 1;
		if (!l->s[i])
			return rules_err__fail(env->err, epath,
					       "out of memory");
		l->len[i] = strlen(l->s[i]);
	}
	if (l->op == OP_EQ || l->op == OP_IN) {
		qsort(l->s, l->n, sizeof(*l->s),
		      l->nocase ? strp_casecmp : strp_cmp);
		for (i = 0; i < (size_t)n; i++)
			l->len[i] = strlen(l->s[i]);
	}
	return 0;
}

static int leaf__cidrs(const struct cond_env *env, struct leaf *l,
		       const struct values *v, const char *path)
{
	char epath[256];
	int i, n = (int)json_array_size(v->arr);

	l->nets = calloc(n, sizeof(*l->nets));
	if (!l->nets)
		return rules_err__fail(env->err, path, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(v->arr, i);

		values__path(v, path, i, epath, sizeof(epath));
		if (!json_is_string(e) ||
		    cidr_parse(json_string_value(e), &l->nets[i]))
			return rules_err__fail(
			    env->err, epath,
			    "expected an address or CIDR like "
			    "\"10.0.0.0/8\", got %s%s%s%s",
			    rules_err__json_type(e),
			    json_is_string(e) ? " \"" : "",
			    json_is_string(e) ? json_string_value(e) : "",
			    json_is_string(e) ? "\"" : "");
	}
	l->n = n;
	return 0;
}

static int leaf__numbers(const struct cond_env *env, struct leaf *l,
			 const struct values *v, const char *path)
{
	char epath[256];
	int i, n = (int)json_array_size(v->arr);

	l->ranges = calloc(n, sizeof(*l->ranges));
	if (!l->ranges)
		return rules_err__fail(env->err, path, "out of memory");
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(v->arr, i);

		values__path(v, path, i, epath, sizeof(epath));
		if (l->op != OP_RANGE) {
			if (!json_is_integer(e))
				return rules_err__fail(
				    env->err, epath,
				    "expected an integer, got %s",
				    rules_err__json_type(e));
			l->ranges[i].lo = l->ranges[i].hi =
			    json_integer_value(e);
			continue;
		}
		if (range_parse(e, &l->ranges[i]))
			return rules_err__fail(
			    env->err, epath,
			    "expected an integer or a range like "
			    "\"3333-3340\"%s%s%s",
			    json_is_string(e) ? ", got \"" : "",
			    json_is_string(e) ? json_string_value(e) : "",
			    json_is_string(e) ? "\"" : "");
	}
	l->n = n;
	return 0;
}

static int leaf__value(const struct cond_env *env, struct leaf *l, json_t *j,
		       const char *path)
{
	struct values v;
	int err;

	if (l->f->type == FIELD_BOOL) {
		if (!json_is_boolean(j))
			return rules_err__fail(env->err, path,
					       "expected true or false, got %s",
					       rules_err__json_type(j));
		l->b = json_is_true(j);
		l->n = 1;
		return 0;
	}
	err = values__get(env, j, path, &v);
	if (err)
		return err;
	if (l->op == OP_CIDR)
		err = leaf__cidrs(env, l, &v, path);
	else if (l->f->type == FIELD_NUM)
		err = leaf__numbers(env, l, &v, path);
	else
		err = leaf__strings(env, l, &v, path);
	json_decref(v.arr);
	return err;
}

/* --- conditions -------------------------------------------------------------
 */

static int leaf__compile(const struct cond_env *env, json_t *j,
			 const char *path, enum mw_event_kind kind,
			 struct leaf *l)
{
	char kpath[256];
	json_t *jf, *val = NULL, *v;
	const char *key, *fname;
	int op, found = -1;

	jf = json_object_get(j, "field");
	if (!json_is_string(jf))
		return rules_err__fail(env->err, path,
				       "\"field\": expected a string, got %s",
				       rules_err__json_type(jf));
	fname = json_string_value(jf);
	l->f = fields__find(fname);
	if (!l->f || !(l->f->kinds & FIELD_KIND(kind)))
		return rules_err__fail(env->err, path,
				       "unknown field \"%s\" for event \"%s\"",
				       fname, kind_str(kind));

	json_object_foreach(j, key, v)
	{
		snprintf(kpath, sizeof(kpath), "%s.%s", path, key);
		if (strcmp(key, "field") == 0)
			continue;
		if (strcmp(key, "nocase") == 0) {
			if (!json_is_boolean(v))
				return rules_err__fail(
				    env->err, kpath,
				    "expected true or false, got %s",
				    rules_err__json_type(v));
			l->nocase = json_is_true(v);
			continue;
		}
		for (op = 0; op < OP_MAX; op++)
			if (strcmp(key, op_names[op]) == 0)
				break;
		if (op == OP_MAX)
			return rules_err__fail(env->err, path,
					       "unknown operator \"%s\"", key);
		if (found >= 0)
			return rules_err__fail(
			    env->err, path,
			    "more than one operator (\"%s\" and "
			    "\"%s\"): use \"all\" or \"any\"",
			    op_names[found], key);
		found = op;
		val = v;
	}
	if (found < 0)
		return rules_err__fail(env->err, path,
				       "no operator for field \"%s\"", fname);
	l->op = (enum op)found;
	snprintf(kpath, sizeof(kpath), "%s.%s", path, op_names[l->op]);
	if (!op_applies(l->op, l->f->type))
		return rules_err__fail(
		    env->err, kpath,
		    "operator \"%s\" does not apply to %s field "
		    "\"%s\"",
		    op_names[l->op], field_type__str(l->f->type), fname);
	if (l->nocase && (!op_is_string(l->op) || l->f->type == FIELD_NUM ||
			  l->f->type == FIELD_BOOL))
		return rules_err__fail(
		    env->err, path,
		    "\"nocase\" applies only to string operators");
	return leaf__value(env, l, val, kpath);
}

/* {"all": [...]} / {"any": [...]}: the only key of its object. */
static int cond__group(const struct cond_env *env, json_t *j, const char *key,
		       const char *path, enum mw_event_kind kind,
		       struct cond *c, int depth)
{
	char kpath[256];
	json_t *arr = json_object_get(j, key);
	size_t i, n;
	int err;

	snprintf(kpath, sizeof(kpath), "%s.%s", path, key);
	if (!json_is_array(arr))
		return rules_err__fail(env->err, kpath,
				       "expected an array, got %s",
				       rules_err__json_type(arr));
	n = json_array_size(arr);
	if (n == 0)
		return rules_err__fail(env->err, kpath, "empty array");
	c->kids = calloc(n, sizeof(*c->kids));
	if (!c->kids)
		return rules_err__fail(env->err, kpath, "out of memory");
	for (i = 0; i < n; i++) {
		snprintf(kpath, sizeof(kpath), "%s.%s[%zu]", path, key, i);
		/* Count first: a half-built kid is freed with the others. */
		c->n = (int)i + 1;
		err = cond__compile(env, json_array_get(arr, i), kpath, kind,
				    &c->kids[i], depth + 1);
		if (err)
			return err;
	}
	return 0;
}

int cond__compile(const struct cond_env *env, json_t *j, const char *path,
		  enum mw_event_kind kind, struct cond *c, int depth)
{
	static const char *const groups[] = {"all", "any", "not"};
	char kpath[256];
	const char *key;
	json_t *v;
	int i;

	memset(c, 0, sizeof(*c));
	if (depth > COND_DEPTH_MAX)
		return rules_err__fail(env->err, path,
				       "conditions nested deeper than %d",
				       COND_DEPTH_MAX);
	if (!json_is_object(j))
		return rules_err__fail(env->err, path,
				       "expected an object, got %s",
				       rules_err__json_type(j));
	if (json_object_get(j, "field")) {
		c->type = COND_LEAF;
		return leaf__compile(env, j, path, kind, &c->leaf);
	}
	for (i = 0; i < 3; i++)
		if (json_object_get(j, groups[i]))
			break;
	if (i == 3)
		return rules_err__fail(
		    env->err, path,
		    "expected \"all\", \"any\", \"not\" or \"field\"");
	json_object_foreach(j, key, v)
	{
		if (strcmp(key, groups[i]) != 0)
			return rules_err__fail(
			    env->err, path,
			    "unexpected key \"%s\" next to \"%s\"", key,
			    groups[i]);
	}
	if (i == 0 || i == 1) {
		c->type = i == 0 ? COND_ALL : COND_ANY;
		return cond__group(env, j, groups[i], path, kind, c, depth);
	}
	c->type = COND_NOT;
	c->kids = calloc(1, sizeof(*c->kids));
	if (!c->kids)
		return rules_err__fail(env->err, path, "out of memory");
	c->n = 1;
	snprintf(kpath, sizeof(kpath), "%s.not", path);
	return cond__compile(env, json_object_get(j, "not"), kpath, kind,
			     c->kids, depth + 1);
}

/* --- matching ---------------------------------------------------------------
 */

static bool cidr_match(const struct leaf *l, const char *s)
{
	uint8_t a[16];
	int fam, i, full, rest;

	if (inet_pton(AF_INET, s, a) == 1) {
		fam = AF_INET;
	} else if (inet_pton(AF_INET6, s, a) == 1) {
		fam = AF_INET6;
		/* ::ffff:a.b.c.d is an IPv4 peer on a dual-stack socket. */
		static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
		if (memcmp(a, v4mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			fam = AF_INET;
		}
	} else {
		return false;
	}
	for (i = 0; i < l->n; i++) {
		const struct cidr *c = &l->nets[i];

		if (c->family != fam)
			continue;
		full = c->bits / 8;
		rest = c->bits % 8;
		if (memcmp(a, c->addr, full))
			continue;
		if (rest && ((a[full] ^ c->addr[full]) & (0xff << (8 - rest))))
			continue;
		return true;
	}
	return false;
}

static bool str_match(const struct leaf *l, const char *s)
{
	size_t slen;
	int i;

	switch (l->op) {
	case OP_EQ:
	case OP_IN:
		return bsearch(&s, l->s, l->n, sizeof(*l->s),
			       l->nocase ? strp_casecmp : strp_cmp) != NULL;
	case OP_PREFIX:
		for (i = 0; i < l->n; i++)
			if ((l->nocase ? strncasecmp : strncmp)(s, l->s[i],
								l->len[i]) == 0)
				return true;
		return false;
	case OP_SUFFIX:
		slen = strlen(s);
		for (i = 0; i < l->n; i++)
			if (l->len[i] <= slen &&
			    (l->nocase ? strcasecmp : strcmp)(
				s + slen - l->len[i], l->s[i]) == 0)
				return true;
		return false;
	case OP_GLOB:
		for (i = 0; i < l->n; i++)
			if (fnmatch(l->s[i], s, l->nocase ? FNM_CASEFOLD : 0) ==
			    0)
				return true;
		return false;
	case OP_CONTAINS:
		for (i = 0; i < l->n; i++)
			if ((l->nocase ? strcasestr(s, l->s[i])
				       : strstr(s, l->s[i])))
				return true;
		return false;
	case OP_REGEX:
		for (i = 0; i < l->n; i++)
			if (regexec(&l->re[i], s, 0, NULL, 0) == 0)
				return true;
		return false;
	case OP_CIDR:
		return cidr_match(l, s);
	case OP_RANGE:
	case OP_MAX:
		break;
	}
	return false;
}

static bool num_match(const struct leaf *l, int64_t v)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (v >= l->ranges[i].lo && v <= l->ranges[i].hi)
			return true;
	return false;
}

/* A missing value never satisfies an operator; `not` turns that around. */
static bool leaf__match(const struct leaf *l, const struct mw_event *ev)
{
	const struct field *f = l->f;
	const char *s;
	int64_t v;
	int i;

	switch (f->type) {
	case FIELD_STR:
	case FIELD_IP:
		s = f->str(ev);
		return s && str_match(l, s);
	case FIELD_STRS:
		for (i = 0; f->list(ev, i, &s); i++)
			if (s && str_match(l, s))
				return true;
		return false;
	case FIELD_NUM:
		return f->num(ev, &v) == 0 && num_match(l, v);
	case FIELD_BOOL:
		return f->num(ev, &v) == 0 && (v != 0) == l->b;
	}
	return false;
}

bool cond__match(const struct cond *c, const struct mw_event *ev)
{
	int i;

	switch (c->type) {
	case COND_LEAF:
		return leaf__match(&c->leaf, ev);
	case COND_ALL:
		for (i = 0; i < c->n; i++)
			if (!cond__match(&c->kids[i], ev))
				return false;
		return true;
	case COND_ANY:
		for (i = 0; i < c->n; i++)
			if (cond__match(&c->kids[i], ev))
				return true;
		return false;
	case COND_NOT:
		return !cond__match(&c->kids[0], ev);
	}
	return false;
}

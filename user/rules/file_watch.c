// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_watch.c - the translation of the rules' path conditions into the
 * coarse in-kernel watch entries (docs/file-sensor.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "rules/file_watch.h"

static bool has_wild(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return true;
	return false;
}

static int entry_set(struct file_watch_entry *out, uint32_t kind, const char *s,
		     size_t n)
{
	size_t max = kind & (MW_WATCH_NAME | MW_WATCH_DIR) ? MW_WATCH_NAME
							   : MW_WATCH_KEY;

	/* An exact key keeps its NUL: room for n + 1 bytes. */
	if (n == 0 || n + 1 > max)
		return -ERANGE;
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	memcpy(out->key, s, n);
	return 0;
}

/* The prefix of a pattern before its first wildcard. */
static size_t literal_len(const char *v)
{
	return strcspn(v, "*?[\\");
}

static int glob_entry(const char *v, struct file_watch_entry *out)
{
	size_t len = strlen(v), lit = literal_len(v), last, plen;
	const char *slash = strrchr(v, '/'), *p;
	int slashes = 0;

	if (lit == len) /* no wildcard at all: one path */
		return entry_set(out, MW_WATCH_EXACT, v, len);
	if (v[0] != '/' && v[0] != '*')
		return -ERANGE;
	/* A literal last component: a file name, anywhere. */
	if (slash && !has_wild(slash + 1, strlen(slash + 1)) &&
	    slash[1] != '\0')
		return entry_set(out, MW_WATCH_NAME, slash + 1,
				 strlen(slash + 1));
	/*
	 * A literal prefix that ends inside a name ("/etc/cron.") or is at
	 * least two directories deep is narrow enough for the LPM trie.
	 */
	for (p = v; p < v + lit; p++)
		slashes += *p == '/';
	if (lit > 1 && (v[lit - 1] != '/' || slashes >= 3))
		return entry_set(out, MW_WATCH_PREFIX, v, lit);
	/* A literal parent directory name: its direct children. */
	if (slash && slash > v) {
		last = slash - v;
		p = v + last;
		while (p > v && p[-1] != '/')
			p--;
		plen = v + last - p;
		if (plen && p > v && !has_wild(p, plen))
			return entry_set(out, MW_WATCH_DIR, p, plen);
	}
	if (lit > 1)
		return entry_set(out, MW_WATCH_PREFIX, v, lit);
	return -ERANGE;
}

int file_watch__entry(enum rules_watch_op op, const char *v,
		      struct file_watch_entry *out)
{
	const char *slash;
	size_t len = strlen(v);

	switch (op) {
	case RULES_WATCH_EQ:
		if (v[0] != '/')
			return -ERANGE;
		return entry_set(out, MW_WATCH_EXACT, v, len);
	case RULES_WATCH_PREFIX:
		/* "/" would watch everything: not a filter. */
		if (v[0] != '/' || len < 2)
			return -ERANGE;
		return entry_set(out, MW_WATCH_PREFIX, v, len);
	case RULES_WATCH_GLOB:
		return glob_entry(v, out);
	case RULES_WATCH_SUFFIX:
		/* "/.bash_history" is a name; "_history" is not bounded. */
		slash = strrchr(v, '/');
		if (slash != v || len < 2)
			return -ERANGE;
		return entry_set(out, MW_WATCH_NAME, v + 1, len - 1);
	case RULES_WATCH_NAME:
		if (strchr(v, '/'))
			return -ERANGE;
		return entry_set(out, MW_WATCH_NAME, v, len);
	}
	return -EINVAL;
}

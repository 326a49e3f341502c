/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.c - the rule stage: the engine. It loads the rules/ JSON files and
 * validates them (a bad file keeps the old set), evaluates decoded events
 * against the enabled rules for their kind, and derives from the rule set
 * the coarse filters the kernel enforces on its own: exec names to deny,
 * ports and networks to block, whether to cut stratum flows, the paths to
 * watch and to protect. kernel/ writes those filters into its maps; the
 * engine never calls it, nor anything after it. Conditions are compiled
 * and matched in rules_cond.c, fields read in fields.c, watch entries made
 * in file_watch.c; errors go through rules_err.c.
 *
 * Everything that can be decided at load time is: values are checked against
 * the field type, lists are resolved into arrays, eq/in sets are sorted for
 * bsearch, regexes are compiled. Matching then only reads.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <linux/types.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "events.h"
#include "rules/fields.h"
#include "model/net_event.h"
#include "rules/rules.h"
#include "rules/rules_cond.h"
#include "rules/rules_err.h"

/* A rule file bigger than this is not a rule file. */
#define RULES_FILE_MAX (4u << 20)
struct rule {
	char *id, *name, *desc, *tactic;
	char **techs;
	int n_techs;
	int severity;
	enum rule_action action;
	enum mw_event_kind kind;
	bool enabled;
	struct cond cond;
	struct cond *exc;
	int n_exc;
	bool deny_shape;  /* kill on exec, only process.name eq/in */
	bool kernel_only; /* deny_shape and every name fits the map key */
	bool hash_exc;	  /* an exception reads process.hash.sha256 */
	char *file;	  /* where it was defined, for messages */
};

struct rules {
	struct rule *v;
	int n, cap;
};

/* --- the parser's state -------------------------------------------------- */

/* State of one rules__load() call. */
struct rules_parser {
	struct rules *rs;
	char **files;	/* every file to load, in order */
	json_t **roots; /* their parsed contents */
	int n_files, cap_files;
	struct named_list *lists;
	int n_lists;
	char label[RULE_ID_MAX + 16]; /* "rule ID" or "rules[3]" */
	struct rules_err err;	      /* err.file: the file being checked */
};

/* --- small helpers ------------------------------------------------------- */

static bool id_valid(const char *s, size_t max)
{
	size_t i;

	if (!s[0] || strlen(s) > max || !isalnum((unsigned char)s[0]))
		return false;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return false;
	return true;
}

/* MITRE ATT&CK technique or sub-technique: T1234 or T1234.567 */
static bool technique_valid(const char *s)
{
	int i;

	if (s[0] != 'T')
		return false;
	for (i = 1; i <= 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (!s[5])
		return true;
	if (s[5] != '.')
		return false;
	for (i = 6; i <= 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return s[9] == '\0';
}
static int kind_parse(const char *s, enum mw_event_kind *k)
{
	if (strcmp(s, "exec") == 0)
		*k = MW_KIND_EXEC;
	else if (strcmp(s, "file") == 0)
		*k = MW_KIND_FILE;
	else if (strcmp(s, "net") == 0)
		*k = MW_KIND_NET;
	else if (strcmp(s, "behaviour") == 0)
		*k = MW_KIND_BEHAVIOUR;
	else
		return -EINVAL;
	return 0;
}

const char *rule_action__str(enum rule_action a)
{
	switch (a) {
	case RULE_ACT_ALERT:
		return "alert";
	case RULE_ACT_KILL:
		return "kill";
	case RULE_ACT_BLOCK:
		return "block";
	case RULE_ACT_DENY:
		return "deny";
	}
	return "?";
}

static int action_parse(const char *s, enum rule_action *a)
{
	if (strcmp(s, "alert") == 0)
		*a = RULE_ACT_ALERT;
	else if (strcmp(s, "kill") == 0)
		*a = RULE_ACT_KILL;
	else if (strcmp(s, "block") == 0)
		*a = RULE_ACT_BLOCK;
	else if (strcmp(s, "deny") == 0)
		*a = RULE_ACT_DENY;
	else
		return -EINVAL;
	return 0;
}
/* --- freeing ------------------------------------------------------------- */

static void rule__free(struct rule *r)
{
	int i;

	free(r->id);
	free(r->name);
	free(r->desc);
	free(r->tactic);
	for (i = 0; i < r->n_techs; i++)
		free(r->techs[i]);
	free(r->techs);
	cond__free(&r->cond);
	for (i = 0; i < r->n_exc; i++)
		cond__free(&r->exc[i]);
	free(r->exc);
	free(r->file);
}

void rules__free(struct rules *rs)
{
	int i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		rule__free(&rs->v[i]);
	free(rs->v);
	free(rs);
}

/* Does condition c test field name anywhere (under all/any/not too)? */
static bool cond_reads(const struct cond *c, const char *name)
{
	int i;

	if (c->type == COND_LEAF)
		return c->leaf.f && strcmp(c->leaf.f->name, name) == 0;
	for (i = 0; i < c->n; i++)
		if (cond_reads(&c->kids[i], name))
			return true;
	return false;
}

/* --- rules ------------------------------------------------------------------
 */

static const char *const rule_keys[] = {
    "id",	  "name",     "description", "event",  "condition",
    "exceptions", "severity", "mitre",	     "action", "enabled",
};

static int str_key(struct rules_parser *p, json_t *jr, const char *key,
		   bool required, char **out)
{
	json_t *v = json_object_get(jr, key);

	if (!v) {
		if (required)
			return rules_err__fail(&p->err, key, "missing");
		return 0;
	}
	if (!json_is_string(v))
		return rules_err__fail(&p->err, key,
				       "expected a string, got %s",
				       rules_err__json_type(v));
	if (required && !json_string_length(v))
		return rules_err__fail(&p->err, key, "empty");
	*out = strdup(json_string_value(v));
	return *out ? 0 : rules_err__fail(&p->err, key, "out of memory");
}

static int rule__mitre(struct rules_parser *p, json_t *jr, struct rule *r)
{
	json_t *m = json_object_get(jr, "mitre"), *t, *v;
	char path[64];
	const char *key;
	size_t i;
	int err;

	if (!m)
		return rules_err__fail(&p->err, "mitre", "missing");
	if (!json_is_object(m))
		return rules_err__fail(&p->err, "mitre",
				       "expected an object, got %s",
				       rules_err__json_type(m));
	json_object_foreach(m, key, v)
	{
		if (strcmp(key, "tactic") && strcmp(key, "techniques"))
			return rules_err__fail(&p->err, "mitre",
					       "unknown key \"%s\"", key);
	}
	err = str_key(p, m, "tactic", false, &r->tactic);
	if (err)
		return rules_err__fail(&p->err, "mitre.tactic",
				       "expected a string");
	t = json_object_get(m, "techniques");
	if (!json_is_array(t) || json_array_size(t) == 0)
		return rules_err__fail(
		    &p->err, "mitre.techniques",
		    "expected a non-empty array of technique ids "
		    "like \"T1496\"");
	r->techs = calloc(json_array_size(t), sizeof(*r->techs));
	if (!r->techs)
		return rules_err__fail(&p->err, "mitre.techniques",
				       "out of memory");
	json_array_foreach(t, i, v)
	{
		snprintf(path, sizeof(path), "mitre.techniques[%zu]", i);
		if (!json_is_string(v) ||
		    !technique_valid(json_string_value(v)))
			return rules_err__fail(
			    &p->err, path,
			    "expected a technique id like \"T1496\" "
			    "or \"T1053.003\"");
		r->techs[i] = strdup(json_string_value(v));
		if (!r->techs[i])
			return rules_err__fail(&p->err, path, "out of memory");
		r->n_techs = (int)i + 1;
	}
	return 0;
}

static int rule__head(struct rules_parser *p, json_t *jr, struct rule *r)
{
	const char *key, *s;
	json_t *v;
	size_t i;
	int err;

	json_object_foreach(jr, key, v)
	{
		for (i = 0; i < sizeof(rule_keys) / sizeof(rule_keys[0]); i++)
			if (strcmp(key, rule_keys[i]) == 0)
				break;
		if (i == sizeof(rule_keys) / sizeof(rule_keys[0]))
			return rules_err__fail(&p->err, key, "unknown key");
	}
	err = str_key(p, jr, "name", true, &r->name);
	err = err ?: str_key(p, jr, "description", false, &r->desc);
	if (err)
		return err;

	v = json_object_get(jr, "event");
	if (!v)
		return rules_err__fail(&p->err, "event", "missing");
	if (!json_is_string(v) || kind_parse(json_string_value(v), &r->kind))
		return rules_err__fail(
		    &p->err, "event", "expected \"exec\", \"file\" or \"net\"");

	v = json_object_get(jr, "severity");
	if (!v)
		return rules_err__fail(&p->err, "severity", "missing");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 100)
		return rules_err__fail(&p->err, "severity",
				       "expected an integer 0..100");
	r->severity = (int)json_integer_value(v);

	r->action = RULE_ACT_ALERT;
	v = json_object_get(jr, "action");
	if (v) {
		s = json_is_string(v) ? json_string_value(v) : "";
		if (action_parse(s, &r->action))
			return rules_err__fail(&p->err, "action",
					       "expected \"alert\", \"kill\", "
					       "\"block\" or \"deny\"");
	}

	r->enabled = true;
	v = json_object_get(jr, "enabled");
	if (v) {
		if (!json_is_boolean(v))
			return rules_err__fail(&p->err, "enabled",
					       "expected true or false, got %s",
					       rules_err__json_type(v));
		r->enabled = json_is_true(v);
	}
	return rule__mitre(p, jr, r);
}

static int rule__conditions(struct rules_parser *p, json_t *jr, struct rule *r)
{
	const struct cond_env env = {p->lists, p->n_lists, &p->err};
	json_t *c = json_object_get(jr, "condition"), *ex;
	char path[64];
	size_t i;
	int err;

	if (!c)
		return rules_err__fail(&p->err, "condition", "missing");
	err = cond__compile(&env, c, "condition", r->kind, &r->cond, 0);
	if (err)
		return err;
	ex = json_object_get(jr, "exceptions");
	if (!ex)
		return 0;
	if (!json_is_array(ex))
		return rules_err__fail(&p->err, "exceptions",
				       "expected an array, got %s",
				       rules_err__json_type(ex));
	if (json_array_size(ex) == 0)
		return 0;
	r->exc = calloc(json_array_size(ex), sizeof(*r->exc));
	if (!r->exc)
		return rules_err__fail(&p->err, "exceptions", "out of memory");
	for (i = 0; i < json_array_size(ex); i++) {
		snprintf(path, sizeof(path), "exceptions[%zu]", i);
		r->n_exc = (int)i + 1;
		err = cond__compile(&env, json_array_get(ex, i), path, r->kind,
				    &r->exc[i], 0);
		if (err)
			return err;
		r->hash_exc |= cond_reads(&r->exc[i], "process.hash.sha256");
	}
	return 0;
}

/*
 * The exec deny-by-name map can enforce a rule only when the rule says
 * nothing but "the name is one of these": anything else (exceptions, other
 * terms, nocase) needs the userspace view of the event.
 */
static void rule__derive_kernel(struct rule *r)
{
	const struct leaf *l = &r->cond.leaf;
	int i;

	r->deny_shape =
	    r->enabled &&
	    (r->action == RULE_ACT_KILL || r->action == RULE_ACT_DENY) &&
	    r->kind == MW_KIND_EXEC && r->n_exc == 0 &&
	    r->cond.type == COND_LEAF &&
	    strcmp(l->f->name, "process.name") == 0 &&
	    (l->op == OP_EQ || l->op == OP_IN) && !l->nocase && l->n > 0;
	r->kernel_only = r->deny_shape;
	for (i = 0; r->deny_shape && i < l->n; i++)
		if (l->len[i] == 0 || l->len[i] >= MW_DENY_NAME)
			r->kernel_only = false;
}

static int rule__find_idx(const struct rules *rs, const char *id)
{
	int i;

	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].id, id) == 0)
			return i;
	return -1;
}

static int parser__rule(struct rules_parser *p, json_t *jr, int idx)
{
	struct rules *rs = p->rs;
	struct rule *r;
	json_t *jid;
	int err, dup;

	snprintf(p->label, sizeof(p->label), "rules[%d]", idx);
	if (!json_is_object(jr))
		return rules_err__fail(&p->err, NULL,
				       "expected an object, got %s",
				       rules_err__json_type(jr));
	jid = json_object_get(jr, "id");
	if (!jid)
		return rules_err__fail(&p->err, "id", "missing");
	if (!json_is_string(jid) ||
	    !id_valid(json_string_value(jid), RULE_ID_MAX))
		return rules_err__fail(
		    &p->err, "id",
		    "expected up to %d letters, digits, '_', '.' "
		    "or '-'",
		    RULE_ID_MAX);
	snprintf(p->label, sizeof(p->label), "rule %s", json_string_value(jid));
	dup = rule__find_idx(rs, json_string_value(jid));
	if (dup >= 0)
		return rules_err__fail(&p->err, "id",
				       "duplicate rule id (first in %s)",
				       rs->v[dup].file);

	if (rs->n == rs->cap) {
		int cap = rs->cap ? rs->cap * 2 : 32;
		struct rule *v = realloc(rs->v, cap * sizeof(*v));

		if (!v)
			return rules_err__fail(&p->err, NULL, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	/* Count it now so that a half-built rule is freed with the set. */
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->id = strdup(json_string_value(jid));
	r->file = strdup(p->err.file);
	if (!r->id || !r->file)
		return rules_err__fail(&p->err, NULL, "out of memory");
	err = rule__head(p, jr, r);
	err = err ?: rule__conditions(p, jr, r);
	if (err)
		return err;
	rule__derive_kernel(r);
	return 0;
}

/* --- files ------------------------------------------------------------------
 */

/*
 * Rules decide what gets killed, so a rule file anyone else can write is a
 * way in: refuse group- or world-writable files and directories, and those
 * owned by anyone but root (or the user running us, for --check-rules by
 * hand): their owner can chmod them writable, or rewrite them, at will.
 */
static int parser__check_mode(struct rules_parser *p, const char *path,
			      const struct stat *st, const char *what)
{
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return rules_err__fail(
		    &p->err, NULL,
		    "%s%s%s is owned by uid %u, not root: refusing to load "
		    "rules from it (chown root)",
		    what, path ? " " : "", path ? path : "",
		    (unsigned int)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return rules_err__fail(
		    &p->err, NULL,
		    "%s%s%s is group- or world-writable (mode %04o): "
		    "refusing to load rules from it (chmod go-w)",
		    what, path ? " " : "", path ? path : "",
		    (unsigned int)(st->st_mode & 07777));
	return 0;
}

static int parser__add_file(struct rules_parser *p, const char *path)
{
	if (p->n_files == p->cap_files) {
		int cap = p->cap_files ? p->cap_files * 2 : 16;
		char **f = realloc(p->files, cap * sizeof(*f));
		json_t **r = realloc(p->roots, cap * sizeof(*r));

		if (f)
			p->files = f;
		if (r)
			p->roots = r;
		if (!f || !r)
			return rules_err__fail(&p->err, NULL, "out of memory");
		p->cap_files = cap;
	}
	p->files[p->n_files] = strdup(path);
	if (!p->files[p->n_files])
		return rules_err__fail(&p->err, NULL, "out of memory");
	p->roots[p->n_files++] = NULL;
	return 0;
}

static bool is_rule_file_name(const char *name)
{
	size_t n = strlen(name);

	/* Like the shell's *.json: hidden files (editor swap, ...) are not. */
	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Name order, byte-wise: the same on every locale. */
static int dirent_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int parser__dir(struct rules_parser *p, const char *path, int fd)
{
	struct dirent **ents = NULL;
	char full[PATH_MAX];
	int i, n, err = 0;
	const char *sep;

	n = scandirat(fd, ".", &ents, NULL, dirent_cmp);
	if (n < 0) {
		err = -errno;
		rules_err__fail(&p->err, NULL, "%s: cannot read directory: %s",
				path, strerror(-err));
		return err;
	}
	sep = path[strlen(path) - 1] == '/' ? "" : "/";
	for (i = 0; i < n; i++) {
		if (!err && is_rule_file_name(ents[i]->d_name)) {
			if ((size_t)snprintf(full, sizeof(full), "%s%s%s", path,
					     sep,
					     ents[i]->d_name) >= sizeof(full))
				err = rules_err__fail(
				    &p->err, NULL, "%s%s%s: path too long",
				    path, sep, ents[i]->d_name);
			else
				err = parser__add_file(p, full);
		}
		free(ents[i]);
	}
	free(ents);
	return err;
}

/* A path given by the user: a rule file, or a directory of them. */
static int parser__path(struct rules_parser *p, const char *path)
{
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO planted in the rules dir must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
		rules_err__fail(&p->err, NULL, "%s: %s", path, strerror(-err));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		rules_err__fail(&p->err, NULL, "%s: %s", path, strerror(-err));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = parser__check_mode(p, path, &st, "directory");
		err = err ?: parser__dir(p, path, fd);
	} else {
		/* Checked again, on the open file, when it is read. */
		err = parser__add_file(p, path);
	}
out:
	close(fd);
	return err;
}

/* Read one rule file; *buf is NUL-terminated and handed to the caller. */
static int parser__read(struct rules_parser *p, const char *path, char **buf,
			size_t *len)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	char *b = NULL;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
		rules_err__fail(&p->err, NULL, "cannot open: %s",
				strerror(-err));
		return err;
	}
	/* fstat the open file: what we check is what we read. */
	if (fstat(fd, &st)) {
		err = -errno;
		rules_err__fail(&p->err, NULL, "cannot stat: %s",
				strerror(-err));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = rules_err__fail(&p->err, NULL, "not a regular file");
		goto out;
	}
	err = parser__check_mode(p, NULL, &st, "file");
	if (err)
		goto out;
	if (st.st_size > RULES_FILE_MAX) {
		err = rules_err__fail(&p->err, NULL,
				      "file too large (%lld bytes, limit %u)",
				      (long long)st.st_size, RULES_FILE_MAX);
		goto out;
	}
	/* One byte over the limit tells a file that grew since fstat. */
	b = malloc(RULES_FILE_MAX + 2);
	if (!b) {
		err = -ENOMEM;
		rules_err__fail(&p->err, NULL, "out of memory");
		goto out;
	}
	while (got <= RULES_FILE_MAX) {
		n = read(fd, b + got, RULES_FILE_MAX + 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			rules_err__fail(&p->err, NULL, "read: %s",
					strerror(-err));
			goto out;
		}
		if (n == 0)
			break;
		got += n;
	}
	if (got > RULES_FILE_MAX) {
		err = rules_err__fail(&p->err, NULL,
				      "file too large (limit %u bytes)",
				      RULES_FILE_MAX);
		goto out;
	}
	b[got] = '\0';
	*buf = b;
	*len = got;
	b = NULL;
out:
	free(b);
	close(fd);
	return err;
}

static int parser__parse(struct rules_parser *p, int i)
{
	json_error_t jerr;
	const char *key;
	json_t *v;
	char *buf = NULL;
	size_t len = 0;
	int err;

	p->err.file = p->files[i];
	p->label[0] = '\0';
	err = parser__read(p, p->files[i], &buf, &len);
	if (err)
		return err;
	/* Duplicate keys are almost always a copy-paste mistake. */
	p->roots[i] = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (!p->roots[i])
		return rules_err__fail(&p->err, NULL, "line %d, column %d: %s",
				       jerr.line, jerr.column, jerr.text);
	if (!json_is_object(p->roots[i]))
		return rules_err__fail(
		    &p->err, NULL,
		    "expected an object with \"lists\" and/or "
		    "\"rules\", got %s",
		    rules_err__json_type(p->roots[i]));
	json_object_foreach(p->roots[i], key, v)
	{
		if (strcmp(key, "lists") && strcmp(key, "rules"))
			return rules_err__fail(&p->err, key, "unknown key");
	}
	return 0;
}

/* Collect the "lists" of one file into the global list table. */
static int parser__lists(struct rules_parser *p, int fi)
{
	json_t *lists = json_object_get(p->roots[fi], "lists"), *arr, *e;
	const struct named_list *dup;
	struct named_list *nl;
	char path[300];
	const char *name;
	size_t i;

	p->err.file = p->files[fi];
	p->label[0] = '\0';
	if (!lists)
		return 0;
	if (!json_is_object(lists))
		return rules_err__fail(&p->err, "lists",
				       "expected an object, got %s",
				       rules_err__json_type(lists));
	json_object_foreach(lists, name, arr)
	{
		snprintf(path, sizeof(path), "lists.%s", name);
		if (!id_valid(name, 128))
			return rules_err__fail(
			    &p->err, path,
			    "list names are letters, digits, '_', "
			    "'.' or '-'");
		dup = named_list__find(p->lists, p->n_lists, name);
		if (dup)
			return rules_err__fail(&p->err, path,
					       "duplicate list (first in %s)",
					       dup->file);
		if (!json_is_array(arr))
			return rules_err__fail(&p->err, path,
					       "expected an array, got %s",
					       rules_err__json_type(arr));
		json_array_foreach(arr, i, e)
		{
			if (!json_is_string(e) && !json_is_integer(e)) {
				snprintf(path, sizeof(path), "lists.%s[%zu]",
					 name, i);
				return rules_err__fail(
				    &p->err, path,
				    "expected a string or an "
				    "integer, got %s",
				    rules_err__json_type(e));
			}
		}
		nl = realloc(p->lists, (p->n_lists + 1) * sizeof(*nl));
		if (!nl)
			return rules_err__fail(&p->err, path, "out of memory");
		p->lists = nl;
		nl[p->n_lists++] = (struct named_list){name, arr, p->err.file};
	}
	return 0;
}

static int parser__rules(struct rules_parser *p, int fi)
{
	json_t *rules = json_object_get(p->roots[fi], "rules"), *jr;
	size_t i;
	int err;

	p->err.file = p->files[fi];
	p->label[0] = '\0';
	if (!rules)
		return 0;
	if (!json_is_array(rules))
		return rules_err__fail(&p->err, "rules",
				       "expected an array, got %s",
				       rules_err__json_type(rules));
	json_array_foreach(rules, i, jr)
	{
		err = parser__rule(p, jr, (int)i);
		if (err)
			return err;
	}
	return 0;
}

static void parser__clear(struct rules_parser *p)
{
	int i;

	for (i = 0; i < p->n_files; i++) {
		free(p->files[i]);
		json_decref(p->roots[i]);
	}
	free(p->files);
	free(p->roots);
	free(p->lists);
}

int rules__load(const char *const *paths, int n_paths, struct rules **out,
		char *err, size_t err_len)
{
	struct rules_parser ps = {.err = {.buf = err, .len = err_len}};
	int i, ret = 0;

	ps.err.label = ps.label;
	if (err && err_len)
		err[0] = '\0';
	*out = NULL;
	ps.rs = calloc(1, sizeof(*ps.rs));
	if (!ps.rs)
		return -ENOMEM;
	/*
	 * Parse everything before compiling anything: lists are global, so
	 * a rule may use a list defined in a file read after its own.
	 */
	for (i = 0; !ret && i < n_paths; i++)
		ret = parser__path(&ps, paths[i]);
	for (i = 0; !ret && i < ps.n_files; i++)
		ret = parser__parse(&ps, i);
	for (i = 0; !ret && i < ps.n_files; i++)
		ret = parser__lists(&ps, i);
	for (i = 0; !ret && i < ps.n_files; i++)
		ret = parser__rules(&ps, i);
	parser__clear(&ps);
	if (ret) {
		rules__free(ps.rs);
		return ret;
	}
	*out = ps.rs;
	return 0;
}
/* --- matching ------------------------------------------------------------ */

int rules__eval(const struct rules *rs, const struct mw_event *ev,
		rules_match_fn fn, void *ctx)
{
	const struct rule *r;
	int i, j, n = 0;

	if (!rs || !ev || !ev->proc)
		return 0;
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		if (!r->enabled || r->kind != ev->kind ||
		    !cond__match(&r->cond, ev))
			continue;
		for (j = 0; j < r->n_exc; j++)
			if (cond__match(&r->exc[j], ev))
				break;
		if (j < r->n_exc)
			continue;
		n++;
		if (fn && fn(r, i, ev, ctx))
			break;
	}
	return n;
}

/* --- accessors and kernel filters -------------------------------------------
 */

int rules__count(const struct rules *rs)
{
	return rs ? rs->n : 0;
}

const struct rule *rules__get(const struct rules *rs, int idx)
{
	if (!rs || idx < 0 || idx >= rs->n)
		return NULL;
	return &rs->v[idx];
}

int rules__find(const struct rules *rs, const char *id)
{
	return rs && id ? rule__find_idx(rs, id) : -1;
}

const char *rule__id(const struct rule *r)
{
	return r->id;
}

const char *rule__name(const struct rule *r)
{
	return r->name;
}

const char *rule__description(const struct rule *r)
{
	return r->desc ? r->desc : "";
}

int rule__severity(const struct rule *r)
{
	return r->severity;
}

enum rule_action rule__action(const struct rule *r)
{
	return r->action;
}

enum mw_event_kind rule__kind(const struct rule *r)
{
	return r->kind;
}

const char *const *rule__techniques(const struct rule *r, int *n)
{
	if (n)
		*n = r->n_techs;
	return (const char *const *)r->techs;
}

const char *rule__tactic(const struct rule *r)
{
	return r->tactic;
}

int rule__enabled(const struct rule *r)
{
	return r->enabled;
}

const char *rule__file(const struct rule *r)
{
	return r->file;
}

void rules__exec_deny_names(const struct rules *rs, rules_name_fn cb, void *ctx)
{
	const struct leaf *l;
	int i, j;

	if (!rs || !cb)
		return;
	for (i = 0; i < rs->n; i++) {
		if (!rs->v[i].deny_shape)
			continue;
		l = &rs->v[i].cond.leaf;
		for (j = 0; j < l->n; j++)
			if (l->len[j] > 0 && l->len[j] < MW_DENY_NAME)
				cb(l->s[j], i, ctx);
	}
}

int rule__kernel_only(const struct rule *r)
{
	return r->kernel_only;
}

bool rule__hash_exception(const struct rule *r)
{
	return r->hash_exc;
}

/* --- network: what the kernel can block ----------------------------------
 */

/* A leaf the connect hooks can enforce: ports, addresses, networks. */
static bool net_leaf_kernel(const struct leaf *l)
{
	int i;

	if (strcmp(l->f->name, "destination.port") == 0)
		return l->op == OP_EQ || l->op == OP_IN || l->op == OP_RANGE;
	if (strcmp(l->f->name, "destination.ip") != 0)
		return false;
	if (l->op == OP_CIDR)
		return true;
	if (l->op != OP_EQ && l->op != OP_IN)
		return false;
	for (i = 0; i < l->n; i++) {
		uint8_t a[16];

		if (inet_pton(AF_INET, l->s[i], a) != 1 &&
		    inet_pton(AF_INET6, l->s[i], a) != 1)
			return false;
	}
	return true;
}

/* Leaves of c when it is a leaf or an "any" of leaves; else 0. */
static int net_leaves(const struct cond *c, const struct leaf **out, int max)
{
	int i;

	if (c->type == COND_LEAF) {
		out[0] = &c->leaf;
		return 1;
	}
	if (c->type != COND_ANY || c->n > max)
		return 0;
	for (i = 0; i < c->n; i++) {
		if (c->kids[i].type != COND_LEAF)
			return 0;
		out[i] = &c->kids[i].leaf;
	}
	return c->n;
}

static bool net_block_rule(const struct rule *r)
{
	/* deny refuses a connect the way block does, on every kernel. */
	return r->enabled && r->kind == MW_KIND_NET &&
	       (r->action == RULE_ACT_BLOCK || r->action == RULE_ACT_DENY) &&
	       r->n_exc == 0;
}

/* Hand one kernel-enforceable leaf's values to pf (ports) or cf (networks). */
static void net_leaf_emit(const struct leaf *l, int rule_idx, rules_port_fn pf,
			  rules_cidr_fn cf, void *ctx)
{
	uint8_t a[16];
	int64_t lo, hi;
	int k;

	for (k = 0; k < l->n; k++) {
		if (l->op == OP_CIDR) {
			cf(l->nets[k].family, l->nets[k].addr, l->nets[k].bits,
			   rule_idx, ctx);
		} else if (l->ranges) {
			lo = l->ranges[k].lo < 0 ? 0 : l->ranges[k].lo;
			hi = l->ranges[k].hi > 65535 ? 65535 : l->ranges[k].hi;
			if (lo <= hi)
				pf((uint32_t)lo, (uint32_t)hi, rule_idx, ctx);
		} else if (inet_pton(AF_INET, l->s[k], a) == 1) {
			cf(AF_INET, a, 32, rule_idx, ctx);
		} else if (inet_pton(AF_INET6, l->s[k], a) == 1) {
			cf(AF_INET6, a, 128, rule_idx, ctx);
		}
	}
}

void rules__net_blocks(const struct rules *rs, rules_port_fn pf,
		       rules_cidr_fn cf, void *ctx)
{
	const struct leaf *leaves[32];
	int i, j, n;

	for (i = 0; rs && i < rs->n; i++) {
		if (!net_block_rule(&rs->v[i]))
			continue;
		n = net_leaves(&rs->v[i].cond, leaves, 32);
		for (j = 0; j < n; j++)
			if (!net_leaf_kernel(leaves[j]))
				break;
		if (n == 0 || j < n)
			continue; /* enforced in userspace only (reported) */
		for (j = 0; j < n; j++)
			net_leaf_emit(leaves[j], i, pf, cf, ctx);
	}
}

/* True when every leaf of c tests destination.domain. */
static bool cond_domain_only(const struct cond *c)
{
	int i;

	if (c->type == COND_LEAF)
		return strcmp(c->leaf.f->name, "destination.domain") == 0;
	if (c->type == COND_NOT)
		return false; /* "not this domain" would block the world */
	for (i = 0; i < c->n; i++)
		if (!cond_domain_only(&c->kids[i]))
			return false;
	return c->n > 0;
}

int rules__net_domain_blocks(const struct rules *rs, const struct mw_event *ev,
			     rules_match_fn fn, void *ctx)
{
	int i, n = 0;

	for (i = 0; rs && i < rs->n; i++) {
		const struct rule *r = &rs->v[i];

		if (!net_block_rule(r) || !cond_domain_only(&r->cond) ||
		    !cond__match(&r->cond, ev))
			continue;
		n++;
		if (fn && fn(r, i, ev, ctx))
			break;
	}
	return n;
}

/*
 * The kernel cuts a stratum flow when a rule would act on it. What the
 * kernel knows of such a flow is a typical login with no process details:
 * each enabled kill/block/deny rule for net events is matched against that
 * (its exceptions aside: they name processes the kernel cannot tell apart).
 * Userspace then judges the real event.
 */
bool rules__cuts_stratum(const struct rules *rs)
{
	const struct mw_net_info stratum = {.act = NET_ACT_STRATUM,
					    .action = "stratum",
					    .direction = "egress",
					    .transport = "tcp",
					    .method = "login",
					    .agent = "XMRig"};
	const struct mw_process nobody = {.loginuid = UINT32_MAX};
	const struct mw_event ev = {
	    .kind = MW_KIND_NET, .proc = &nobody, .net = &stratum};
	int i;

	for (i = 0; rs && i < rs->n; i++) {
		const struct rule *r = &rs->v[i];

		if (r->enabled && r->kind == MW_KIND_NET &&
		    r->action != RULE_ACT_ALERT && cond__match(&r->cond, &ev))
			return true;
	}
	return false;
}

/* --- file sensor: watched paths derived from the rules --------------------
 *
 * The kernel drops every file event no watch entry covers, so the entries
 * must cover everything a file rule can match. path_bound() returns the
 * constraints that bound a condition's paths (reported through cb), or
 * false when the condition does not bound them: all() is bounded by any
 * bounded child (every child must hold), any() only when every child is,
 * not() never. Exceptions only remove matches: they need no entries.
 */

static bool leaf_watch_op(const struct leaf *l, enum rules_watch_op *op)
{
	const char *f = l->f->name;

	if (l->nocase)
		return false; /* the kernel compares bytes */
	if (strcmp(f, "file.path") == 0 || strcmp(f, "file.target_path") == 0) {
		switch (l->op) {
		case OP_EQ:
		case OP_IN:
			*op = RULES_WATCH_EQ;
			return true;
		case OP_PREFIX:
			*op = RULES_WATCH_PREFIX;
			return true;
		case OP_GLOB:
			*op = RULES_WATCH_GLOB;
			return true;
		case OP_SUFFIX:
			*op = RULES_WATCH_SUFFIX;
			return true;
		default:
			return false;
		}
	}
	if (strcmp(f, "file.name") == 0 && (l->op == OP_EQ || l->op == OP_IN)) {
		*op = RULES_WATCH_NAME;
		return true;
	}
	return false;
}

/* Dry run (cb NULL) first, so a failing any() reports nothing. */
static bool path_bound(const struct cond *c, int idx, rules_watch_fn cb,
		       void *ctx)
{
	enum rules_watch_op op;
	int i;

	switch (c->type) {
	case COND_LEAF:
		if (!leaf_watch_op(&c->leaf, &op))
			return false;
		for (i = 0; cb && i < c->leaf.n; i++)
			cb(op, c->leaf.s[i], idx, ctx);
		return true;
	case COND_ALL:
		for (i = 0; i < c->n; i++)
			if (path_bound(&c->kids[i], idx, NULL, NULL))
				return path_bound(&c->kids[i], idx, cb, ctx);
		return false;
	case COND_ANY:
		for (i = 0; i < c->n; i++)
			if (!path_bound(&c->kids[i], idx, NULL, NULL))
				return false;
		for (i = 0; cb && i < c->n; i++)
			path_bound(&c->kids[i], idx, cb, ctx);
		return c->n > 0;
	case COND_NOT:
		return false;
	}
	return false;
}

int rules__file_watch_paths(const struct rules *rs, rules_watch_fn cb,
			    void *ctx, rules_unbounded_fn unbounded)
{
	int i, n = 0;

	if (!rs)
		return 0;
	for (i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->v[i];

		if (!r->enabled || r->kind != MW_KIND_FILE)
			continue;
		if (!path_bound(&r->cond, i, NULL, NULL)) {
			n++;
			if (unbounded)
				unbounded(i, ctx);
			continue;
		}
		path_bound(&r->cond, i, cb, ctx);
	}
	return n;
}

bool rules__file_rule_wants_executable(const struct rules *rs, int rule_idx)
{
	const struct cond *c;
	int i;

	if (!rs || rule_idx < 0 || rule_idx >= rs->n)
		return false;
	c = &rs->v[rule_idx].cond;
	if (c->type != COND_ALL)
		return false;
	for (i = 0; i < c->n; i++) {
		const struct leaf *l = &c->kids[i].leaf;

		if (c->kids[i].type == COND_LEAF && l->f &&
		    !strcmp(l->f->name, "minerwatch.file.executable") &&
		    (l->op == OP_EQ || l->op == OP_IN) && l->b)
			return true;
	}
	return false;
}

/*
 * Does c pin event.action down? Then *mask holds the names it can match.
 * all: one pinned kid pins it (their intersection); any: every kid must;
 * not: never (it may match every other action).
 */
static bool cond_actions(const struct cond *c, const char *const *names,
			 int n, uint32_t *mask)
{
	uint32_t m, km;
	bool pinned = false;
	int i, j;

	switch (c->type) {
	case COND_LEAF:
		if (!c->leaf.f || strcmp(c->leaf.f->name, "event.action") ||
		    (c->leaf.op != OP_EQ && c->leaf.op != OP_IN) ||
		    c->leaf.nocase)
			return false;
		m = 0;
		for (i = 0; i < n; i++)
			for (j = 0; j < c->leaf.n; j++)
				if (!strcmp(names[i], c->leaf.s[j]))
					m |= 1u << i;
		*mask = m;
		return true;
	case COND_ALL:
		m = UINT32_MAX;
		for (i = 0; i < c->n; i++)
			if (cond_actions(&c->kids[i], names, n, &km)) {
				m &= km;
				pinned = true;
			}
		*mask = m;
		return pinned;
	case COND_ANY:
		m = 0;
		for (i = 0; i < c->n; i++) {
			if (!cond_actions(&c->kids[i], names, n, &km))
				return false;
			m |= km;
		}
		*mask = m;
		return true;
	default:
		return false;
	}
}

uint32_t rules__file_actions(const struct rules *rs, const char *const *names,
			     int n)
{
	uint32_t all = n >= 32 ? UINT32_MAX : (1u << n) - 1, m = 0, rm;
	int i;

	for (i = 0; rs && i < rs->n; i++) {
		const struct rule *r = &rs->v[i];

		if (!r->enabled || r->kind != MW_KIND_FILE)
			continue;
		if (!cond_actions(&r->cond, names, n, &rm))
			return all;
		m |= rm & all;
	}
	return m;
}

struct deny_paths {
	const struct rules *rs;
	rules_path_fn cb;
	void *ctx;
};

/* An exact path or a directory: what an inode can stand for. */
static void deny_path_visit(enum rules_watch_op op, const char *value,
			    int rule_idx, void *ctx)
{
	struct deny_paths *d = ctx;
	char path[PATH_MAX];
	size_t n;

	if (d->rs->v[rule_idx].action != RULE_ACT_DENY ||
	    (op != RULES_WATCH_EQ && op != RULES_WATCH_PREFIX))
		return;
	snprintf(path, sizeof(path), "%s", value);
	n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	d->cb(path, rule_idx, d->ctx);
}

void rules__file_deny_paths(const struct rules *rs, rules_path_fn cb, void *ctx)
{
	struct deny_paths d = {rs, cb, ctx};

	rules__file_watch_paths(rs, deny_path_visit, &d, NULL);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules_cond.h - conditions: values, compiling, matching (rules_cond.c),
 * used by rules.c (files, rules, the rule set). rules_cond.c knows nothing
 * of the parser: what it needs comes in a struct cond_env. Not an API:
 * only the rules/ files include it.
 */
#ifndef MW_RULES_COND_H
#define MW_RULES_COND_H

#include <jansson.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"
#include "rules/fields.h"
#include "rules/rules_err.h"

#define RULE_ID_MAX 64

enum op {
	OP_EQ,
	OP_IN,
	OP_PREFIX,
	OP_SUFFIX,
	OP_GLOB,
	OP_CONTAINS,
	OP_REGEX,
	OP_CIDR,
	OP_RANGE,
	OP_MAX,
};

struct cidr {
	int family; /* AF_INET or AF_INET6 */
	int bits;
	uint8_t addr[16];
};

struct range {
	int64_t lo, hi;
};

/* One {"field": ..., OP: VALUE} test; VALUE already in its matching form. */
struct leaf {
	const struct field *f;
	enum op op;
	bool nocase;
	int n;		      /* number of values (any may match) */
	char **s;	      /* string ops; eq/in sorted for bsearch */
	size_t *len;	      /* strlen of s[i] */
	regex_t *re;	      /* OP_REGEX */
	struct cidr *nets;    /* OP_CIDR */
	struct range *ranges; /* numbers: eq/in as lo == hi, and range */
	bool b;		      /* FIELD_BOOL eq */
};

enum cond_type { COND_LEAF, COND_ALL, COND_ANY, COND_NOT };

struct cond {
	enum cond_type type;
	int n; /* kids (1 for not) */
	struct cond *kids;
	struct leaf leaf;
};

/* Named lists, borrowed from the parsed files while loading. */
struct named_list {
	const char *name;
	json_t *arr;
	const char *file;
};

/* The list called name (without "@") among lists[0..n), or NULL. */
const struct named_list *named_list__find(const struct named_list *lists, int n,
					  const char *name);

/*
 * What compiling a condition needs from the rule-file parser, handed down
 * so that the compiler never calls back up: every file's named lists, and
 * where the one error message goes.
 */
struct cond_env {
	const struct named_list *lists; /* borrowed */
	int n_lists;
	const struct rules_err *err;
};

/*
 * Compile condition j (path names it in messages) for events of kind into
 * *c. On error *c may be half built: cond__free() it all the same.
 */
int cond__compile(const struct cond_env *env, json_t *j, const char *path,
		  enum mw_event_kind kind, struct cond *c, int depth);
void cond__free(struct cond *c);
bool cond__match(const struct cond *c, const struct mw_event *ev);

#endif /* MW_RULES_COND_H */

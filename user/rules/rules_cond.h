/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules_cond.h - internals shared by rules.c (files, rules, the rule set)
 * and rules_cond.c (conditions: values, compiling, matching). Not an API:
 * only those two files include it.
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

struct rules;

/* State of one rules__load() call. */
struct loader {
	struct rules *rs;
	char **files;	/* every file to load, in order */
	json_t **roots; /* their parsed contents */
	int n_files, cap_files;
	struct named_list *lists;
	int n_lists;
	const char *file;	      /* file being checked, for messages */
	char label[RULE_ID_MAX + 16]; /* "rule ID" or "rules[3]" */
	char *err;
	size_t err_len;
};

/*
 * Write "FILE: rule ID: PATH: what" to the loader's error buffer, leaving
 * out the parts that do not apply. Returns -EINVAL.
 */
int loader__fail(struct loader *ld, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The list called name (without "@"), or NULL. */
const struct named_list *loader__list(struct loader *ld, const char *name);
/* "an object", "a string", ...: for "expected X, got Y" messages. */
const char *rules__json_type(const json_t *j);

/*
 * Compile condition j (path names it in messages) for events of kind into
 * *c. On error *c may be half built: cond__free() it all the same.
 */
int cond__compile(struct loader *ld, json_t *j, const char *path,
		  enum mw_event_kind kind, struct cond *c, int depth);
void cond__free(struct cond *c);
bool cond__match(const struct cond *c, const struct mw_event *ev);

#endif /* MW_RULES_COND_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fields.h - the registry of event fields the rules can name.
 *
 * Each field has a name (ECS where one exists, "minerwatch.*" otherwise),
 * the event kinds it exists for, a type that decides which operators apply,
 * and a getter that reads the value out of a decoded struct mw_event.
 * A sensor that adds an event kind adds rows to the table in fields.c and
 * nothing else: the rule engine looks fields up by name at load time and
 * only ever calls the getters.
 */
#ifndef MW_FIELDS_H
#define MW_FIELDS_H

#include <stdint.h>

#include "model/event.h"

enum field_type {
	FIELD_STR = 1, /* one string (may be missing) */
	FIELD_STRS,    /* a list of strings: matches when any element does */
	FIELD_NUM,     /* an integer */
	FIELD_BOOL,    /* true / false */
	FIELD_IP,      /* an IPv4/IPv6 address as a string: string ops + cidr */
};

/* Bit for an event kind in struct field.kinds. */
#define FIELD_KIND(k) (1u << (unsigned int)(k))

struct field {
	const char *name;
	unsigned int kinds; /* FIELD_KIND(MW_KIND_EXEC) | ... */
	enum field_type type;
	/* FIELD_STR, FIELD_IP: the value, or NULL when missing. */
	const char *(*str)(const struct mw_event *ev);
	/*
	 * FIELD_STRS: element i. Returns 1 and sets *out (NULL for a missing
	 * element) while i is in range, 0 past the last element.
	 */
	int (*list)(const struct mw_event *ev, int i, const char **out);
	/* FIELD_NUM, FIELD_BOOL (0/1): 0 and *out, or -ENOENT when missing. */
	int (*num)(const struct mw_event *ev, int64_t *out);
};

/* The field called name, or NULL. Borrowed: the table is static. */
const struct field *fields__find(const char *name);
/* Iterate the table: idx 0..fields__count()-1. */
int fields__count(void);
const struct field *fields__at(int idx);

const char *field_type__str(enum field_type t); /* "string", ... */

#endif /* MW_FIELDS_H */

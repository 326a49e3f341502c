/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules_err.h - the one error of a rule-file load: a message "FILE: rule
 * ID: PATH: what" in the caller's buffer. A leaf that the parser (rules.c)
 * and the condition compiler (rules_cond.c) both write through, so that
 * neither calls the other back to report a mistake. Not an API: only the
 * rules/ files include it.
 */
#ifndef MW_RULES_ERR_H
#define MW_RULES_ERR_H

#include <jansson.h>
#include <stddef.h>

/* Where a message goes and what it is about; all fields borrowed. */
struct rules_err {
	char *buf;	   /* the caller's buffer; NULL: no message */
	size_t len;	   /* its size */
	const char *file;  /* file being checked, or NULL */
	const char *label; /* "rule ID" or "rules[3]"; NULL or "": none */
};

/*
 * Write "FILE: rule ID: PATH: what" to e's buffer, leaving out the parts
 * that do not apply (path may be NULL). Returns -EINVAL.
 */
int rules_err__fail(const struct rules_err *e, const char *path,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "an object", "a string", ...: for "expected X, got Y" messages. */
const char *rules_err__json_type(const json_t *j);

#endif /* MW_RULES_ERR_H */

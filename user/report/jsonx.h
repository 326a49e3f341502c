/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * jsonx.h - jansson helpers for values that come from the kernel or from
 * attackers: file names and arguments are bytes, not UTF-8.
 */
#ifndef MW_JSONX_H
#define MW_JSONX_H

#include <stddef.h>
#include <jansson.h>

/*
 * Make valid UTF-8 out of len bytes of s: valid sequences are kept, every
 * other byte becomes the four characters \xNN, NUL bytes become \x00 too,
 * and a literal backslash followed by 'x' is kept as is (the escape is not
 * reversible in that corner; the original bytes are never lost otherwise).
 * Returns a malloc'd NUL-terminated string (caller frees) or NULL on ENOMEM.
 * *changed is set when anything was escaped (may be NULL).
 */
char *jsonx_utf8_sanitize(const char *s, size_t len, int *changed);

/* A new json string from untrusted bytes (never NULL unless ENOMEM). */
json_t *jsonx_str(const char *s);
json_t *jsonx_strn(const char *s, size_t len);

/* Set key to a sanitized string (skipped when s is NULL). Steals nothing. */
void jsonx_set_str(json_t *obj, const char *key, const char *s);
/* Set a dotted key path ("process.parent.name"), creating objects. Steals v. */
void jsonx_set_path(json_t *obj, const char *path, json_t *v);

#endif /* MW_JSONX_H */

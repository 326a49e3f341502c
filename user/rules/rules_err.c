// SPDX-License-Identifier: GPL-2.0-only
/*
 * rules_err.c - the message of a failed rule-file load (see rules_err.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "rules/rules_err.h"

int rules_err__fail(const struct rules_err *e, const char *path,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t off = 0;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!e->buf || !e->len)
		return -EINVAL;
	e->buf[0] = '\0';
#define PUT(...)                                                               \
	do {                                                                   \
		if (off < e->len)                                              \
			off +=                                                 \
			    snprintf(e->buf + off, e->len - off, __VA_ARGS__); \
	} while (0)
	if (e->file)
		PUT("%s: ", e->file);
	if (e->label && e->label[0])
		PUT("%s: ", e->label);
	if (path && path[0])
		PUT("%s: ", path);
	PUT("%s", msg);
#undef PUT
	return -EINVAL;
}

const char *rules_err__json_type(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

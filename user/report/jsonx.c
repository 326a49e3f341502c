// SPDX-License-Identifier: GPL-2.0-only
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report/jsonx.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return s[0] ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

char *jsonx_utf8_sanitize(const char *s, size_t len, int *changed)
{
	const unsigned char *p = (const unsigned char *)s;
	char *out, *o;
	size_t i = 0;

	if (changed)
		*changed = 0;
	/* Worst case every byte becomes \xNN. */
	out = malloc(len * 4 + 1);
	if (!out)
		return NULL;
	o = out;
	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);

		if (n) {
			memcpy(o, p + i, n);
			o += n;
			i += n;
			continue;
		}
		static const char hex[] = "0123456789abcdef";
		*o++ = '\\';
		*o++ = 'x';
		*o++ = hex[p[i] >> 4];
		*o++ = hex[p[i] & 15];
		i++;
		if (changed)
			*changed = 1;
	}
	*o = '\0';
	return out;
}

json_t *jsonx_strn(const char *s, size_t len)
{
	char *clean = jsonx_utf8_sanitize(s, len, NULL);
	json_t *v;

	if (!clean)
		return NULL;
	v = json_string(clean);
	free(clean);
	return v;
}

json_t *jsonx_str(const char *s)
{
	return jsonx_strn(s, strlen(s));
}

void jsonx_set_str(json_t *obj, const char *key, const char *s)
{
	if (s)
		json_object_set_new(obj, key, jsonx_str(s));
}

void jsonx_set_path(json_t *obj, const char *path, json_t *v)
{
	char key[128];
	const char *dot;

	if (!v)
		return;
	while ((dot = strchr(path, '.'))) {
		size_t n = dot - path;
		json_t *child;

		if (n >= sizeof(key))
			break;
		memcpy(key, path, n);
		key[n] = '\0';
		child = json_object_get(obj, key);
		if (!json_is_object(child)) {
			child = json_object();
			json_object_set_new(obj, key, child);
		}
		obj = child;
		path = dot + 1;
	}
	json_object_set_new(obj, path, v);
}

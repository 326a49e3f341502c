// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_file - libFuzzer target for file records (MW_EV_FILE, the findings
 * ring): decode__file() bounds and NUL checks, then the lexical path
 * normalization the sensor applies to kernel-joined paths. Whatever the
 * bytes: no read outside the record, the normalized path is no longer
 * than the input, absolute in gives absolute out, and no "." or ".."
 * component is left in an absolute result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/decode.h"
#include "sensors/file_decode.h"

static void check_norm(const char *in)
{
	size_t len = strlen(in), n;
	char *p = strdup(in);

	if (!p)
		return;
	n = file_path__normalize(p);
	if (n != strlen(p) || n > len)
		abort();
	if (in[0] == '/' &&
	    (p[0] != '/' || strstr(p, "/./") || strstr(p, "/../") ||
	     (n >= 2 && !strcmp(p + n - 2, "/.")) ||
	     (n >= 3 && !strcmp(p + n - 3, "/.."))))
		abort();
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct file_view v;
	void *rec = malloc(size ? size : 1);

	if (!rec)
		return 0;
	memcpy(rec, data, size);
	if (decode__file(rec, size, &v) == 0) {
		check_norm(v.path);
		if (v.target)
			check_norm(v.target);
		if (!file_op__str(v.e->op))
			abort();
	}
	free(rec);
	return 0;
}

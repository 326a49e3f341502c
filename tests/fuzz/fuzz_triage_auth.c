// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_triage_auth - libFuzzer target for triage's text-line parsers: an
 * auth.log/secure line (syslog time stamp, sshd and passwd messages), and
 * the credential-list and scanner-output shapes of leftover files. Every
 * field must come out NUL-terminated within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage_parse.h"

static void check_str(const char *s, size_t size)
{
	if (!memchr(s, '\0', size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tparse_auth a;
	int64_t when = 0;
	size_t n;

	n = tparse__syslog_time((const char *)data, size, 1764630000, &when);
	if (n > size)
		abort();
	tparse__auth_line((const char *)data, size, 1764630000, &a);
	check_str(a.user, sizeof(a.user));
	check_str(a.ip, sizeof(a.ip));
	check_str(a.method, sizeof(a.method));
	tparse__cred_line((const char *)data, size);
	tparse__scanner_line((const char *)data, size);
	return 0;
}

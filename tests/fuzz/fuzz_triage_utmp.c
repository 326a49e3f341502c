// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_triage_utmp - libFuzzer target for triage's wtmp/btmp record
 * decoder: any bytes, cut into 384-byte records as triage reads a file,
 * must decode into bounded, NUL-terminated fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tparse_utmp u;
	size_t off;

	if (tparse__utmp(data, size, &u) == 0 && size < TPARSE_UTMP_SIZE)
		abort(); /* a short record must be refused */
	for (off = 0; off + TPARSE_UTMP_SIZE <= size; off += TPARSE_UTMP_SIZE) {
		if (tparse__utmp(data + off, TPARSE_UTMP_SIZE, &u))
			abort();
		if (!memchr(u.line, '\0', sizeof(u.line)) ||
		    !memchr(u.user, '\0', sizeof(u.user)) ||
		    !memchr(u.host, '\0', sizeof(u.host)))
			abort();
	}
	return 0;
}

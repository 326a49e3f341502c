// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_tls - libFuzzer target for the TLS ClientHello decoder
 * (user/sensors/tls.c): any bytes the kernel's record check lets through
 * (or not) must parse or be refused without reading past the end, and a
 * name or fingerprint that comes out is NUL-terminated within its field.
 * The same bytes also go through the hosts-file parser (sensors/hosts.c),
 * which reads files a process under watch may have written.
 * Seeds: tests/fuzz/corpus/tls (a real OpenSSL hello, whole and cut at
 * the kernel's 512-byte copy limit).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sensors/hosts.h"
#include "sensors/tls.h"
#include <sys/socket.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tls_hello h;
	uint8_t *copy;

	/* An exact-size copy: ASan sees a read one byte past the end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (tls__parse_hello(copy, size, &h) == 0) {
		if (strnlen(h.sni, sizeof(h.sni)) == sizeof(h.sni) ||
		    strnlen(h.ja4, sizeof(h.ja4)) == sizeof(h.ja4))
			abort();
		if (h.ja4[0] && h.ja4[0] != 't')
			abort();
	}
	free(copy);
	/* The same bytes as a hosts file (sensors/hosts.c). */
	copy = malloc(size + 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	{
		static const uint8_t lo[16] = {127, 0, 0, 1};
		char name[64];

		hosts__parse((const char *)copy, AF_INET, lo, name,
			     sizeof(name));
		hosts__parse((const char *)copy, AF_INET6, lo, name,
			     sizeof(name));
	}
	free(copy);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_triage_journal - libFuzzer target for triage's systemd journal
 * reader: any bytes as a file header, as entry and entry array objects,
 * and as a list of entry stamps for the hole finders. Nothing may read
 * out of bounds; a hole must always lie between two entries of one id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage_jparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tj_entry e[64], en;
	struct tj_header h;
	struct tj_hole hole[8];
	uint64_t sz, next;
	uint8_t boot[16];
	size_t i, n = 0;
	int k, found;

	tjparse__header(data, size, &h);
	tjparse__array(data, size, size & 1, &sz, &next);
	tjparse__entry(data, size, &en, boot);
	for (i = 0; i + 8 <= size && n < 64; i += 8, n++) {
		memset(&e[n], 0, sizeof(e[n]));
		e[n].seqnum = data[i] | data[i + 1] << 8;
		e[n].monotonic = (uint64_t)(data[i + 2] | data[i + 3] << 8)
				 << 20;
		e[n].seqid = data[i + 4] & 3;
		e[n].boot = data[i + 5] & 3;
	}
	found = tjparse__seq_holes(e, n, hole, 8);
	for (k = 0; k < found && k < 8; k++)
		if (hole[k].to_seq <= hole[k].from_seq + 2)
			abort();
	found = tjparse__time_gaps(e, n, 1ULL << 24, hole, 8);
	for (k = 0; k < found && k < 8; k++)
		if (hole[k].to_mono - hole[k].from_mono < (1ULL << 24))
			abort();
	return 0;
}

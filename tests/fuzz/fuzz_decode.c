// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_decode - libFuzzer target for what a ring buffer record goes
 * through: bounds-checked decoding, the process cache, the ECS report and
 * JSON encoding. Whatever the bytes, the output must parse back as JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sensors/decode.h"
#include "model/proc_cache.h"
#include "report/report.h"

static struct proc_cache *pc;

static void check_json(json_t *doc)
{
	json_error_t jerr;
	json_t *back;
	char *line;

	if (!doc)
		return;
	line = json_dumps(doc, JSON_COMPACT);
	if (!line || strchr(line, '\n'))
		abort(); /* one event, one line */
	back = json_loads(line, 0, &jerr);
	if (!back)
		abort();
	json_decref(back);
	free(line);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mw_process *chain[8];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	const struct mw_hdr *h;
	struct exec_view v;
	struct deny_view dv;
	struct mw_process *p;
	void *rec;
	int n;

	if (!pc) {
		pc = proc_cache__new();
		report__init();
	}
	/* Ring buffer records are 8-byte aligned copies. */
	rec = malloc(size ? size : 1);
	if (!rec)
		return 0;
	memcpy(rec, data, size);
	if (decode__hdr(rec, size, &h))
		goto out;
	switch (h->type) {
	case MW_EV_EXEC:
		if (decode__exec(rec, size, &v))
			break;
		p = proc_cache__on_exec(pc, &v.e->hdr, v.exe, v.args,
					v.args_len, v.cwd, v.filename, 0);
		if (!p)
			break;
		ev.proc = p;
		ev.ts_ns = h->ts_ns;
		n = proc_cache__ancestors(pc, p, chain, 8);
		ev.parent = n ? chain[0] : NULL;
		ev.ancestors = n > 1 ? chain + 1 : NULL;
		ev.n_ancestors = n > 1 ? n - 1 : 0;
		check_json(report__event(&ev, "exec"));
		break;
	case MW_EV_DENY:
		if (decode__deny(rec, size, &dv) == 0)
			check_json(report__refused(dv.e, dv.path, dv.name, NULL,
						   NULL));
		break;
	case MW_EV_FORK:
		proc_cache__on_fork(pc, h);
		break;
	case MW_EV_EXIT:
		proc_cache__on_exit(pc, h);
		proc_cache__expire(pc, UINT64_MAX / 2);
		break;
	}
out:
	free(rec);
	return 0;
}

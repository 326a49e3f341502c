// SPDX-License-Identifier: GPL-2.0-only
/*
 * lsm_sensor.c - connects and file operations refused in the kernel by
 * bpf/lsm.bpf.c, reported as block events (see sensors.h). Refused execs
 * are exec records and go through exec_sensor.c and the rules like any
 * exec.
 */
#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "rules/rules.h"
#include "sensors/decode.h"
#include "sensors/sensors.h"

void lsm_sensor__record(struct sensors *s, const void *data, size_t size)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_EXEC};
	const struct rules *rs = verdict__rules(s->v);
	const struct rule *r = NULL;
	struct deny_view v;
	json_t *doc;

	if (decode__deny(data, size, &v)) {
		s->bad_records++;
		return;
	}
	/* No rule: an entry of --deny-connect or --protect-path. */
	if (v.e->deny_rule < (uint32_t)rules__count(rs))
		r = rules__get(rs, v.e->deny_rule);
	ev.ts_ns = v.e->hdr.ts_ns;
	ev.proc = proc_cache__get(s->pc, v.e->hdr.pid);
	if (ev.proc)
		proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	doc = report__refused(v.e, v.path, v.name, r, ev.proc ? &ev : NULL);
	if (!doc) {
		s->bad_records++;
		return;
	}
	reporter__emit(s->rep, doc);
}

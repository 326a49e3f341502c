// SPDX-License-Identifier: GPL-2.0-only
/*
 * net_sensor.c - network records (connects, stratum, accepts, raw sockets,
 * DNS answers) and the bursts they add up to, as network events judged by
 * the rules (see sensors.h).
 */
#include <stdio.h>

#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "sensors/net.h"
#include "sensors/sensors.h"

/* Judge one network event (kernel record or burst) of process pid. */
static void judge(struct sensors *s, uint64_t ts, uint32_t pid,
		  const char *comm, const struct mw_net_info *info)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_NET, .ts_ns = ts, .net = info};
	struct mw_process standin, *p = NULL;

	if (pid)
		p = proc_cache__get(s->pc, pid);
	if (!p) {
		mw_process__standin(&standin, pid, comm);
		p = &standin;
	}
	ev.proc = p;
	if (p != &standin)
		proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	if (s->events &&
	    (info->act <= NET_ACT_RAW || info->act == NET_ACT_TLS))
		reporter__emit(s->rep, report__event(&ev, info->action));
	/* A scan's or login brute force's final counts: once per burst. */
	if (info->act == NET_ACT_SCAN_END || info->act == NET_ACT_BRUTE_END)
		reporter__emit(s->rep, report__event(&ev, info->action));
	verdict__judge(s->v, &ev);
}

void net_sensor__record(struct sensors *s, const void *data, size_t size)
{
	const struct mw_net_event *e = data;
	const struct mw_process *p = NULL;
	struct mw_net_info info;
	int ret;

	if (size >= sizeof(e->hdr))
		p = proc_cache__lookup(s->pc, e->hdr.pid);
	net__set_burst_pid(s->net, p ? p->image_pid : 0);
	/* A DNS answer teaches names; the respond stage blocks by them. */
	ret = net__decode(s->net, data, size, &info, verdict__on_dns, s->v);
	net__set_burst_pid(s->net, 0);
	if (ret < 0)
		s->bad_records++;
	if (ret)
		return;
	judge(s, e->hdr.ts_ns, e->hdr.pid, e->hdr.comm, &info);
}

void net_sensor__bursts(struct sensors *s, uint64_t now)
{
	struct mw_net_info info;
	uint32_t pid;
	char comm[16];
	int i;

	net__expire(s->net, now);
	/* Bounded: a flood of bursts waits for the next tick. */
	for (i = 0; i < 64 && net__next_burst(s->net, now, &info, &pid, comm);
	     i++)
		judge(s, now, pid, comm, &info);
}

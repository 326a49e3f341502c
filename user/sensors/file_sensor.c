// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_sensor.c - a change to a watched file (the kernel filtered already)
 * as a file event, judged against the persistence and anti-forensics rules
 * (see sensors.h). The path is normalized here when the kernel built it
 * from a dirfd and a string.
 */
#include <stdio.h>
#include <string.h>

#include "model/proc_cache.h"
#include "report/report.h"
#include "report/reporter.h"
#include "respond/verdict.h"
#include "sensors/decode.h"
#include "model/file_event.h"
#include "sensors/file_decode.h"
#include "sensors/sensors.h"

/* The record's fields as a struct mw_file_info (strings stay borrowed). */
static void file_info(const struct mw_file_event *e, struct mw_file_info *fi)
{
	fi->op = e->op;
	fi->action = file_op__str(e->op);
	fi->flags = e->flags;
	fi->size_before = e->flags & MW_FILE_SIZE_BEFORE ? e->size_before : -1;
	fi->size_after = e->flags & MW_FILE_SIZE_AFTER ? e->size_after : -1;
	fi->ino = e->ino;
	fi->dev = e->dev;
	fi->mode = e->mode;
	fi->uid = e->uid;
	fi->gid = e->gid;
	fi->open_flags = e->open_flags;
	fi->attr = e->attr;
}

void file_sensor__record(struct sensors *s, const void *data, size_t size)
{
	const struct mw_process *chain[SENSORS_MAX_LINEAGE];
	struct mw_event ev = {.kind = MW_KIND_FILE};
	struct mw_file_info fi = {0};
	char path[MW_PATH_MAX], target[MW_PATH_MAX];
	const struct mw_file_event *e;
	struct mw_process *p;
	struct file_view v;
	const char *slash;

	if (decode__file(data, size, &v)) {
		s->bad_records++;
		return;
	}
	e = v.e;
	snprintf(path, sizeof(path), "%s", v.path);
	if (e->flags & MW_FILE_LEXICAL)
		file_path__normalize(path);
	fi.path = path;
	if (v.target) {
		snprintf(target, sizeof(target), "%s", v.target);
		/* A symlink's contents are not a path of ours to clean up. */
		if (e->flags & MW_FILE_TARGET_LEXICAL &&
		    e->op != MW_FILE_OP_SYMLINK)
			file_path__normalize(target);
		fi.target_path = target;
	}
	fi.seen_as = v.seen_as;
	slash = strrchr(path, '/');
	fi.name = slash && slash[1] ? slash + 1 : path;
	file_info(e, &fi);

	/*
	 * The writer is usually known (its exec came first); a process that
	 * predates us and escaped the seed is learned from /proc, and one
	 * already gone gets a record from the header alone.
	 */
	p = proc_cache__get(s->pc, e->hdr.pid);
	if (!p)
		p = proc_cache__on_fork(s->pc, &e->hdr);
	if (!p)
		return;
	ev.ts_ns = e->hdr.ts_ns;
	ev.proc = p;
	ev.file = &fi;
	proc_cache__get(s->pc, p->ppid);
	proc_cache__lineage(s->pc, &ev, chain, SENSORS_MAX_LINEAGE);
	if (s->events)
		reporter__emit(s->rep, report__event(&ev, fi.action));
	verdict__judge(s->v, &ev);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * handover.h - `minerwatch report`: the daemon's event stream (and
 * `triage --json` output) turned into something a person reads and hands
 * over: one self-contained HTML page (no network, no external script or
 * font; readable with scripts off) or a text report. The model built from
 * the stream is shared by the two renderers: notable documents (alerts and
 * acts, repeats folded), the processes they name with their lineage, and
 * incidents (the process trees that hold alerts).
 *
 * Stage: handover/ reads JSON documents only (no other stage's types);
 * nothing includes it but main.c.
 */
#ifndef MW_HANDOVER_H
#define MW_HANDOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

/* `minerwatch report ARGS...` (argv[0] is "report"): the exit code. */
int handover__main(int argc, char **argv);

/* --- the model, for the renderers ----------------------------------------- */

/* An alert or an act (kill, block), repeats of it folded in. */
struct ho_event {
	char *raw;	 /* the first document's line as read */
	int64_t when_us; /* @timestamp, µs since the epoch (0 unknown) */
	int64_t last_us; /* of the last repeat */
	int count;	 /* documents folded into this one */
	int severity;
	int proc;    /* index in procs, -1 none */
	bool act;    /* kill or block */
	bool failed; /* act with event.outcome failure */
	bool would;  /* detect mode: minerwatch.response.taken false */
	/* Fields of the document, owned ("" when absent; section NULL). */
	char *kind, *action, *rule_id, *rule_name, *section;
	char *what; /* one line about it (ho_event__what) */
	char *dst_ip, *dst; /* destination.ip and "ip:port", or NULL */
};

struct ho_proc {
	char *entity, *name, *exe, *cmdline;
	char *before; /* the name it had before its last exec */
	int pid;
	int parent; /* index, -1 unknown */
	int first_child, next_sibling;
	int *alerts; /* indexes into events */
	int n_alerts, cap_alerts;
	int max_sev;
	bool killed;
	bool shown;  /* flagged, or an ancestor of a flagged one */
	bool linked; /* in its parent's child list */
};

struct handover {
	struct ho_event *ev;
	int n_ev, cap_ev;
	struct ho_proc *p;
	int n_p, cap_p;
	int *roots; /* incident roots (proc indexes), by time */
	int n_roots;
	char hosts[256]; /* distinct host names, comma-separated */
	int64_t first_us, last_us;
	long lines, bad_lines, outside, telemetry;
	long lost; /* notable documents dropped for lack of memory */
	int kills, kills_failed, blocks, would_act, max_sev;
	int64_t from_us, to_us; /* --from/--to, 0 open */
	/* Lookup tables (entity -> proc, fold key -> event). */
	int *ptab, *etab;
	unsigned psize, esize;
	char **ekeys;
	struct ho_name *names; /* address -> name (handover_names.c) */
	int n_names;
};

/*
 * Names of destination addresses (handover_names.c): learn from every
 * document, put beside the address on each event once all are read.
 */
struct ho_name;
void ho_names__learn(struct handover *h, json_t *doc);
void ho_names__apply(struct handover *h);
void ho_names__free(struct handover *h);

/* Which section a notable document belongs to besides the timeline. */
enum ho_section { HO_NONE = 0, HO_PERSIST, HO_WIPED, HO_WAYIN, HO_LEFT };
enum ho_section ho_event__section(const struct ho_event *e);

/* A short line saying what e is about (path, process, address...). */
static inline const char *ho_event__what(const struct ho_event *e)
{
	return e->what;
}

/* µs since the epoch to "2026-12-01 23:00:01Z". */
void ho__time(int64_t us, char *buf, size_t len);

/* The renderers; return 0 or a negative errno. */
int handover__html(const struct handover *h, FILE *out);
int handover__text(const struct handover *h, FILE *out);

#endif /* MW_HANDOVER_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * handover_text.c - the report for a terminal or a ticket: the same facts
 * as the HTML page (summary, timeline, process trees with alerts and
 * kills, persistence, wiped logs, way in), plain text, every attacker
 * string escaped (control bytes and invalid UTF-8 as \xNN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handover/handover.h"
#include "report/jsonx.h"

#define MAX_ROWS 5000
#define MAX_DEPTH 64
#define MAX_INCIDENTS 200 /* the rest are in the timeline */
#define CMD_MAX 160

static void put(FILE *out, const char *s)
{
	char *clean;
	size_t i;

	if (!s)
		return;
	clean = jsonx_utf8_sanitize(s, strlen(s), NULL);
	if (!clean)
		return;
	for (i = 0; clean[i]; i++) {
		unsigned char c = clean[i];

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	free(clean);
}

/* A command line is cut to CMD_MAX bytes (the raw JSON has it whole). */
static void cut(FILE *out, const char *s)
{
	char buf[CMD_MAX + 4];

	if (!s)
		return;
	snprintf(buf, sizeof(buf), "%.*s%s", CMD_MAX, s,
		 strlen(s) > CMD_MAX ? "..." : "");
	put(out, buf);
}

static int by_time(const void *a, const void *b, void *vh)
{
	const struct handover *h = vh;
	int64_t x = h->ev[*(const int *)a].when_us;
	int64_t y = h->ev[*(const int *)b].when_us;

	return (x > y) - (x < y);
}

static void line(const struct handover *h, FILE *out, int i)
{
	const struct ho_event *e = &h->ev[i];
	const char *w = ho_event__what(e);
	char t[40];

	ho__time(e->when_us, t, sizeof(t));
	fprintf(out, "  %s [%3d] %s%s", t, e->severity, e->act ? e->action : "",
		e->act ? (e->failed ? " FAILED " : " ") : "");
	put(out, e->rule_id);
	fputs(" ", out);
	put(out, e->rule_name);
	fputs(": ", out);
	put(out, w);
	if (e->count > 1)
		fprintf(out, " (x%d)", e->count);
	fputc('\n', out);
}

static void node(const struct handover *h, FILE *out, int i, int depth)
{
	const struct ho_proc *p = &h->p[i];
	int c, k;

	fprintf(out, "  %*s%s", depth * 2, "", depth ? "`- " : "");
	if (p->before) {
		put(out, p->before);
		fputs(" -> ", out);
	}
	put(out, p->name ? p->name : "?");
	fprintf(out, " (pid %d) ", p->pid);
	cut(out, p->cmdline ? p->cmdline : p->exe);
	if (p->killed)
		fputs("  [KILLED]", out);
	fputc('\n', out);
	for (k = 0; k < p->n_alerts; k++) {
		const struct ho_event *e = &h->ev[p->alerts[k]];

		fprintf(out, "  %*s     ! [%d] %s%s", depth * 2, "",
			e->severity, e->act ? e->action : "",
			e->act ? " " : "");
		put(out, e->rule_id);
		fputs(" ", out);
		put(out, e->rule_name);
		fputc('\n', out);
	}
	if (depth >= MAX_DEPTH)
		return;
	for (c = p->first_child; c >= 0; c = h->p[c].next_sibling)
		if (h->p[c].shown)
			node(h, out, c, depth + 1);
}

static void section(const struct handover *h, FILE *out, const int *order,
		    enum ho_section s, const char *title)
{
	int i, n = 0;

	fprintf(out, "\n== %s\n", title);
	for (i = 0; i < h->n_ev; i++)
		if (ho_event__section(&h->ev[order[i]]) == s && n++ < MAX_ROWS)
			line(h, out, order[i]);
	if (!n)
		fputs("  nothing\n", out);
}

int handover__text(const struct handover *h, FILE *out)
{
	int *order = calloc(h->n_ev ? h->n_ev : 1, sizeof(int));
	char a[40], b[40];
	int i;

	if (!order)
		return -1;
	for (i = 0; i < h->n_ev; i++)
		order[i] = i;
	qsort_r(order, h->n_ev, sizeof(int), by_time, (void *)h);
	ho__time(h->first_us, a, sizeof(a));
	ho__time(h->last_us, b, sizeof(b));
	fputs("minerwatch incident report\n\n== Summary\n  host: ", out);
	put(out, h->hosts[0] ? h->hosts : "(unknown)");
	fprintf(out, "\n  when: %s to %s\n  highest severity: %d\n", a, b,
		h->max_sev);
	fprintf(out,
		"  done about it: %d killed, %d blocked, %d failed, %d in "
		"detect mode\n",
		h->kills, h->blocks, h->kills_failed, h->would_act);
	fprintf(out,
		"  input: %ld lines, %d notable (repeats folded), %ld "
		"telemetry, %ld outside --from/--to, %ld not JSON (skipped)\n",
		h->lines, h->n_ev, h->telemetry, h->outside, h->bad_lines);
	if (h->lost)
		fprintf(out, "  LOST: %ld alerts, out of memory\n", h->lost);
	fputs("\n== Timeline (UTC)\n", out);
	for (i = 0; i < h->n_ev && i < MAX_ROWS; i++)
		line(h, out, order[i]);
	fputs("\n== Process trees\n", out);
	if (h->n_roots > MAX_INCIDENTS)
		fprintf(out, "  (the %d most severe of %d incidents)\n",
			MAX_INCIDENTS, h->n_roots);
	for (i = 0; i < h->n_roots && i < MAX_INCIDENTS; i++) {
		fprintf(out, "  Incident %d\n", i + 1);
		node(h, out, h->roots[i], 0);
	}
	if (!h->n_roots)
		fputs("  no alert names a process\n", out);
	section(h, out, order, HO_PERSIST, "Persistence");
	section(h, out, order, HO_WIPED, "Wiped logs");
	section(h, out, order, HO_WAYIN, "Way in");
	section(h, out, order, HO_LEFT, "Left behind");
	free(order);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * handover_html.c - the report as one self-contained HTML page: inline
 * style and script only, and a Content-Security-Policy that lets the page
 * load nothing (so a hostile string that slipped through could not fetch
 * anything either). Everything is plain HTML first: the process trees are
 * nested <details>, so they fold with scripts off; the script only adds a
 * severity filter and fold/unfold-all. Every alert links to its raw JSON
 * at the bottom of the page. Strings are attacker bytes: invalid UTF-8 and
 * control bytes become \xNN, and everything is HTML-escaped.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handover/handover.h"
#include "report/jsonx.h"

/*
 * The page stays light whatever the stream (100k alerts under one sshd is
 * one tree of 100k processes): every part is capped, says what it left
 * out, and the text report (-o report.txt) has more.
 */
#define MAX_ROWS 3000	      /* timeline: the most severe, in time order */
#define PAGE_ROWS 500	      /* timeline rows per folded page */
#define MAX_SECTION_ROWS 500
#define MAX_DEPTH 64
#define MAX_INCIDENTS 200     /* the rest are in the timeline */
#define MAX_NODES 3000	      /* process tree nodes on the page */
#define MAX_CHILDREN 100      /* per node, the most severe first */
#define MAX_NODE_ALERTS 10    /* per node */
#define MAX_TREE_ALERTS 3000  /* on all nodes */
#define CMD_MAX 200

/*
 * The raw documents some row, node or summary line links to: only those
 * are written at the end, so every link has its target and a huge stream
 * does not write every document. Set for one handover__html() call.
 */
static bool *linked;
static int nodes_left, tree_alerts_left; /* budgets of one page */

/* Write the link to document i's raw JSON and remember to write it. */
static void raw_link(FILE *out, int i)
{
	fprintf(out, "<a href=\"#raw-%d\">", i);
	linked[i] = true;
}

static void esc(FILE *out, const char *s)
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

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
	}
	free(clean);
}

static const char *band(int sev)
{
	return sev >= 80   ? "crit"
	       : sev >= 60 ? "high"
	       : sev >= 40 ? "med"
			   : "low";
}

static const char style[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
    "table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #eee;padding:2px 6px;text-align:left;"
    "vertical-align:top}"
    ".sev{font-weight:bold;text-align:right;width:3em}"
    ".crit .sev,.sev.crit{color:#b00}.high .sev,.sev.high{color:#d60}"
    ".med .sev,.sev.med{color:#970}.low .sev,.sev.low{color:#777}"
    "code,pre{font:12px/1.3 monospace}pre{white-space:pre-wrap;"
    "word-break:break-all;background:#f6f6f6;padding:4px}"
    "ul.tree{list-style:none;padding-left:1.2em;border-left:1px dotted #aaa}"
    ".node summary{cursor:pointer}.killed{color:#b00;font-weight:bold}"
    ".alert{margin-left:.5em}.hidden{display:none}"
    "#controls{position:sticky;top:0;background:#fff;padding:4px 0}";

/* Severity filter and fold-all; the page works without it. */
static const char script[] =
    "(function(){"
    "var c=document.getElementById('controls');c.hidden=false;"
    "var sel=document.getElementById('minsev');"
    "function apply(){var m=+sel.value,n=0;"
    "document.querySelectorAll('[data-sev]').forEach(function(r){"
    "var h=+r.getAttribute('data-sev')<m;r.classList.toggle('hidden',h);"
    "if(!h&&r.tagName==='TR')n++;});"
    "document.body.setAttribute('data-visible-rows',n);}"
    "sel.addEventListener('change',apply);"
    "function fold(o){document.querySelectorAll('details.node').forEach("
    "function(d){d.open=o;});}"
    "document.getElementById('unfold').onclick=function(){fold(true);};"
    "document.getElementById('fold').onclick=function(){fold(false);};"
    "var m=/sev=(\\d+)/.exec(location.hash);if(m)sel.value=m[1];"
    /* A link into a folded page opens it (most browsers do anyway). */
    "function openTo(){var e=location.hash&&"
    "document.getElementById(location.hash.slice(1));"
    "for(;e;e=e.parentElement)if(e.tagName==='DETAILS')e.open=true;}"
    "window.addEventListener('hashchange',openTo);openTo();"
    "apply();document.body.setAttribute('data-ready','1');})();";

static void summary(const struct handover *h, FILE *out)
{
	char a[40], b[40];
	int i, bands[4] = {0}, listed = 0;

	for (i = 0; i < h->n_ev; i++)
		if (!h->ev[i].act)
			bands[h->ev[i].severity >= 80	? 0
			      : h->ev[i].severity >= 60 ? 1
			      : h->ev[i].severity >= 40 ? 2
							: 3] += h->ev[i].count;
	ho__time(h->first_us, a, sizeof(a));
	ho__time(h->last_us, b, sizeof(b));
	fputs("<section id=\"summary\"><h2>Summary</h2><table>", out);
	fputs("<tr><th>Host</th><td>", out);
	esc(out, h->hosts[0] ? h->hosts : "(unknown)");
	fprintf(out, "</td></tr><tr><th>When</th><td>%s to %s</td></tr>", a, b);
	fprintf(out,
		"<tr><th>Alerts</th><td>%d critical, %d high, %d medium, "
		"%d low (highest severity %d)</td></tr>",
		bands[0], bands[1], bands[2], bands[3], h->max_sev);
	fputs("<tr><th>What</th><td><ul>", out);
	for (i = 0; i < h->n_ev; i++)
		if (!h->ev[i].act && h->ev[i].severity >= 70 && listed++ < 12) {
			fputs("<li>", out);
			raw_link(out, i);
			esc(out, h->ev[i].rule_name);
			fputs("</a>: ", out);
			esc(out, ho_event__what(&h->ev[i]));
			fputs("</li>", out);
		}
	fprintf(out,
		"</ul></td></tr><tr><th>Done about it</th><td>%d process(es) "
		"killed, %d connection(s) blocked, %d act(s) failed, %d "
		"alert(s) in detect mode (would have acted with --enforce)"
		"</td></tr>",
		h->kills, h->blocks, h->kills_failed, h->would_act);
	fprintf(out,
		"<tr><th>Input</th><td>%ld lines: %d notable documents "
		"(repeats folded), %ld telemetry, %ld outside --from/--to, "
		"%ld not JSON (skipped)%s</td></tr></table></section>\n",
		h->lines, h->n_ev, h->telemetry, h->outside, h->bad_lines,
		h->lost ? "; <b>alerts lost for lack of memory</b>" : "");
}

/* A command line is cut to CMD_MAX bytes (the raw JSON has it whole). */
static void cut(FILE *out, const char *s)
{
	char buf[CMD_MAX + 4];

	if (!s)
		return;
	snprintf(buf, sizeof(buf), "%.*s%s", CMD_MAX, s,
		 strlen(s) > CMD_MAX ? "..." : "");
	esc(out, buf);
}

static int by_time(const void *a, const void *b, void *vh)
{
	const struct handover *h = vh;
	int64_t x = h->ev[*(const int *)a].when_us;
	int64_t y = h->ev[*(const int *)b].when_us;

	return (x > y) - (x < y);
}

static void row(const struct handover *h, FILE *out, int i)
{
	const struct ho_event *e = &h->ev[i];
	const char *w = ho_event__what(e);
	char t[40];

	ho__time(e->when_us, t, sizeof(t));
	fprintf(out,
		"<tr class=\"%s\" data-sev=\"%d\"><td>%s</td>"
		"<td class=\"sev\">%d</td><td>",
		band(e->severity), e->severity, t, e->severity);
	if (e->act)
		fprintf(out, "<span class=\"killed\">%s%s</span> ", e->action,
			e->failed ? " (failed)" : "");
	esc(out, e->rule_id);
	fputs("</td><td>", out);
	esc(out, e->rule_name);
	fputs(": ", out);
	esc(out, w);
	if (e->count > 1)
		fprintf(out, " <b>&times;%d</b>", e->count);
	fputs("</td><td>", out);
	raw_link(out, i);
	fputs("raw</a></td></tr>\n", out);
}

static int by_severity(const void *a, const void *b, void *vh)
{
	const struct handover *h = vh;
	int x = h->ev[*(const int *)a].severity;
	int y = h->ev[*(const int *)b].severity;

	return x != y ? y - x : by_time(a, b, vh);
}

/* The rows shown: all, or the MAX_ROWS most severe; in time order. */
static int timeline_rows(const struct handover *h, const int *order,
			 int *rows)
{
	int n = h->n_ev < MAX_ROWS ? h->n_ev : MAX_ROWS;

	memcpy(rows, order, h->n_ev * sizeof(int));
	if (h->n_ev > MAX_ROWS) {
		qsort_r(rows, h->n_ev, sizeof(int), by_severity, (void *)h);
		qsort_r(rows, n, sizeof(int), by_time, (void *)h);
	}
	return n;
}

/* Pages of PAGE_ROWS rows, folded but the first: a browser lays out
 * only what is open, so a long timeline stays quick to scroll. */
static void timeline(const struct handover *h, FILE *out, int *order)
{
	int *rows = malloc((h->n_ev ? h->n_ev : 1) * sizeof(int));
	char a[40], b[40];
	int i, n;

	if (!rows)
		return;
	n = timeline_rows(h, order, rows);
	fputs("<section id=\"timeline\"><h2>Timeline</h2>", out);
	if (h->n_ev > MAX_ROWS)
		fprintf(out,
			"<p>The %d most severe of %d rows, in time order "
			"(the text report has more).</p>",
			MAX_ROWS, h->n_ev);
	for (i = 0; i < n; i++) {
		if (i % PAGE_ROWS == 0) {
			int last = i + PAGE_ROWS < n ? i + PAGE_ROWS : n;

			ho__time(h->ev[rows[i]].when_us, a, sizeof(a));
			ho__time(h->ev[rows[last - 1]].when_us, b, sizeof(b));
			fprintf(out,
				"%s<details class=\"page\"%s><summary>rows "
				"%d to %d (%s to %s)</summary><table><tr><th>"
				"Time (UTC)</th><th>Sev</th><th>Rule</th>"
				"<th>What</th><th></th></tr>\n",
				i ? "</table></details>" : "",
				i ? "" : " open", i + 1, last, a, b);
		}
		row(h, out, rows[i]);
	}
	if (n)
		fputs("</table></details>", out);
	fputs("</section>\n", out);
	free(rows);
}

static void children(const struct handover *h, FILE *out, int i, int depth);

static void node(const struct handover *h, FILE *out, int i, int depth)
{
	const struct ho_proc *p = &h->p[i];
	int k;

	nodes_left--;
	fprintf(out,
		"<li data-sev=\"%d\"><details class=\"node\" open>"
		"<summary><b>",
		p->max_sev);
	/* A process that exec'd since it forked its children: both names. */
	if (p->before) {
		esc(out, p->before);
		fputs(" &rarr; ", out);
	}
	esc(out, p->name ? p->name : "?");
	fprintf(out, "</b> (pid %d) <code>", p->pid);
	cut(out, p->cmdline ? p->cmdline : p->exe);
	fputs("</code>", out);
	if (p->killed)
		fputs(" <span class=\"killed\">&#10006; killed</span>", out);
	fputs("</summary>", out);
	for (k = 0; k < p->n_alerts; k++) {
		const struct ho_event *e = &h->ev[p->alerts[k]];

		if (k == MAX_NODE_ALERTS || !tree_alerts_left) {
			fprintf(out,
				"<div class=\"alert\">and %d more alert(s) "
				"(timeline, text report)</div>",
				p->n_alerts - k);
			break;
		}
		tree_alerts_left--;
		fprintf(out,
			"<div class=\"alert %s\"><span class=\"sev %s\">"
			"%d</span> ",
			band(e->severity), band(e->severity), e->severity);
		raw_link(out, p->alerts[k]);
		if (e->act)
			fprintf(out, "%s: ", e->action);
		esc(out, e->rule_id);
		fputs("</a> ", out);
		esc(out, e->rule_name);
		fputs("</div>", out);
	}
	if (p->first_child >= 0 && depth < MAX_DEPTH)
		children(h, out, i, depth);
	fputs("</details></li>\n", out);
}

static int by_max_sev(const void *a, const void *b, void *vh)
{
	const struct handover *h = vh;

	return h->p[*(const int *)b].max_sev - h->p[*(const int *)a].max_sev;
}

/* The shown children of i, the most severe first, within the budgets. */
static void children(const struct handover *h, FILE *out, int i, int depth)
{
	int c, n = 0, k, *kids;

	for (c = h->p[i].first_child; c >= 0; c = h->p[c].next_sibling)
		n += h->p[c].shown;
	kids = malloc((n ? n : 1) * sizeof(int));
	if (!kids)
		return;
	for (n = 0, c = h->p[i].first_child; c >= 0; c = h->p[c].next_sibling)
		if (h->p[c].shown)
			kids[n++] = c;
	qsort_r(kids, n, sizeof(int), by_max_sev, (void *)h);
	fputs("<ul class=\"tree\">", out);
	for (k = 0; k < n && k < MAX_CHILDREN && nodes_left > 0; k++)
		node(h, out, kids[k], depth + 1);
	if (k < n)
		fprintf(out,
			"<li class=\"more\">and %d more process(es) not shown "
			"here (timeline, text report)</li>",
			n - k);
	fputs("</ul>", out);
	free(kids);
}

static void incidents(const struct handover *h, FILE *out)
{
	int i;

	fputs("<section id=\"incidents\"><h2>Process trees</h2>", out);
	if (!h->n_roots)
		fputs("<p>No alert names a process.</p>", out);
	if (h->n_roots > MAX_INCIDENTS)
		fprintf(out, "<p>The %d most severe of %d incidents.</p>",
			MAX_INCIDENTS, h->n_roots);
	nodes_left = MAX_NODES;
	tree_alerts_left = MAX_TREE_ALERTS;
	for (i = 0; i < h->n_roots && i < MAX_INCIDENTS && nodes_left > 0;
	     i++) {
		fprintf(out, "<h3>Incident %d</h3><ul class=\"tree\">", i + 1);
		node(h, out, h->roots[i], 0);
		fputs("</ul>", out);
	}
	fputs("</section>\n", out);
}

static void section(const struct handover *h, FILE *out, int *order,
		    enum ho_section s, const char *id, const char *title)
{
	int i, n = 0;

	fprintf(out, "<section id=\"%s\"><h2>%s</h2><table>", id, title);
	for (i = 0; i < h->n_ev; i++)
		if (ho_event__section(&h->ev[order[i]]) == s &&
		    n++ < MAX_SECTION_ROWS)
			row(h, out, order[i]);
	fputs("</table>", out);
	if (!n)
		fputs("<p>Nothing.</p>", out);
	else if (n > MAX_SECTION_ROWS)
		fprintf(out,
			"<p>The first %d of %d (the text report has up to "
			"5000).</p>",
			MAX_SECTION_ROWS, n);
	fputs("</section>\n", out);
}

/* Folded pages of PAGE_ROWS documents: a link opens its page. */
static void raw(const struct handover *h, FILE *out, int *order)
{
	int i, n = 0, total = 0;

	for (i = 0; i < h->n_ev; i++)
		total += linked[i];
	fprintf(out,
		"<section id=\"raw\"><h2>Raw documents</h2><p>%d documents "
		"linked from above, in time order.</p>",
		total);
	for (i = 0; i < h->n_ev; i++) {
		if (!linked[order[i]])
			continue;
		if (n++ % PAGE_ROWS == 0)
			fprintf(out,
				"%s<details class=\"page\"><summary>documents "
				"%d to %d</summary>",
				n > 1 ? "</details>" : "", n,
				n + PAGE_ROWS - 1 < total ? n + PAGE_ROWS - 1
							  : total);
		fprintf(out, "<div id=\"raw-%d\" data-sev=\"%d\"><b>#%d</b> ",
			order[i], h->ev[order[i]].severity, order[i]);
		esc(out, h->ev[order[i]].rule_id);
		fputs("<pre>", out);
		esc(out, h->ev[order[i]].raw);
		fputs("</pre></div>\n", out);
	}
	if (n)
		fputs("</details>", out);
	fputs("</section>\n", out);
}

int handover__html(const struct handover *h, FILE *out)
{
	int *order = calloc(h->n_ev ? h->n_ev : 1, sizeof(int));
	int i;

	linked = calloc(h->n_ev ? h->n_ev : 1, sizeof(*linked));
	if (!order || !linked) {
		free(order);
		free(linked);
		return -1;
	}
	for (i = 0; i < h->n_ev; i++)
		order[i] = i;
	qsort_r(order, h->n_ev, sizeof(int), by_time, (void *)h);
	fputs(
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; "
	    "script-src 'unsafe-inline'\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<title>minerwatch incident report</title><style>",
	    out);
	fputs(style, out);
	fputs("</style></head><body>\n<h1>minerwatch incident report: ", out);
	esc(out, h->hosts[0] ? h->hosts : "(unknown host)");
	fputs("</h1>\n<div id=\"controls\" hidden>Minimum severity "
	      "<select id=\"minsev\"><option value=\"0\">all</option>"
	      "<option value=\"40\">40</option><option value=\"60\">60"
	      "</option><option value=\"80\">80</option></select> "
	      "<button id=\"fold\">fold trees</button> "
	      "<button id=\"unfold\">unfold trees</button></div>\n"
	      "<nav><a href=\"#summary\">Summary</a> | <a href=\"#timeline\">"
	      "Timeline</a> | <a href=\"#incidents\">Process trees</a> | "
	      "<a href=\"#persistence\">Persistence</a> | <a href=\"#wiped\">"
	      "Wiped logs</a> | <a href=\"#wayin\">Way in</a> | "
	      "<a href=\"#raw\">Raw</a></nav>\n",
	      out);
	summary(h, out);
	timeline(h, out, order);
	incidents(h, out);
	section(h, out, order, HO_PERSIST, "persistence", "Persistence");
	section(h, out, order, HO_WIPED, "wiped", "Wiped logs");
	section(h, out, order, HO_WAYIN, "wayin", "Way in");
	section(h, out, order, HO_LEFT, "left", "Left behind");
	raw(h, out, order);
	fprintf(out, "<script>%s</script>\n</body></html>\n", script);
	free(order);
	free(linked);
	linked = NULL;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triage.h - `minerwatch triage`: a read-only look at a host that may have
 * been owned before any monitor ran. No daemon, no BPF: /proc, files and
 * logs as they are, judged with the daemon's own rules where they overlap
 * (miners, hidden/temp/deleted executables, pool connections) and with
 * triage's own checks elsewhere (persistence, wiped logs, the way in,
 * what was left behind). Each finding is one ECS alert
 * (event.dataset "minerwatch.triage").
 *
 * Stage: triage/ reads the model (process cache), the rules and the
 * report helpers; nothing includes it but main.c.
 */
#ifndef MW_TRIAGE_H
#define MW_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>

#define TRIAGE_MAX_RULE_PATHS 16

struct triage_opts {
	const char *rule_paths[TRIAGE_MAX_RULE_PATHS];
	int n_rule_paths;
	bool json;	  /* one ECS document per line instead of text */
	int sample_ms;	  /* CPU sampling window */
	int gap_minutes;  /* a log silent longer than this is a gap */
	int min_severity; /* findings below are not printed */
};

/* `minerwatch triage ARGS...` (argv[0] is "triage"): the exit code. */
int triage__main(int argc, char **argv);

/* --- shared by the triage checks (triage_*.c) ----------------------------- */

enum triage_section {
	TRIAGE_RUNNING = 0,
	TRIAGE_PERSIST,
	TRIAGE_WIPED,
	TRIAGE_WAYIN,
	TRIAGE_LEFT,
	TRIAGE_NSECT,
};

/* A check of triage's own (the daemon has no rule for it, or one whose id
 * and techniques triage borrows: then id and techniques are the same). */
struct triage_rule {
	const char *id;
	const char *name;
	const char *techniques; /* comma-separated ATT&CK ids */
	const char *tactic;
	int severity;
};

struct triage_finding {
	enum triage_section sect;
	int severity;
	int64_t when;  /* unix seconds of what was found, 0 unknown */
	char *summary; /* one line, raw bytes (escaped when printed) */
	char *detail;  /* more lines, or NULL */
	json_t *doc;   /* the ECS document (owned) */
};

struct rules;
struct triage_content;

struct triage {
	const struct triage_opts *o;
	const struct rules *rs; /* borrowed for the run */
	struct triage_finding *f;
	int n, cap;
	time_t now, boot; /* wall clock now, and of the boot */
	time_t install;	  /* the host's install time, 0 unknown */
	struct triage_content *tc; /* YARA rules and verdicts (content) */
	json_t *referenced; /* files the last judged command names */
};

/*
 * A finding for one of triage's own rules (severity: r's unless sev >= 0).
 * Returns the ECS document to add fields to (borrowed from t), or NULL on
 * ENOMEM. summary is printf-formatted; bytes are escaped on output.
 */
json_t *triage__add(struct triage *t, enum triage_section s,
		    const struct triage_rule *r, int sev, int64_t when,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

struct rule;
/* The same for a match of one of the daemon's rules. */
json_t *triage__add_rule(struct triage *t, enum triage_section s,
			 const struct rule *r, int64_t when, const char *fmt,
			 ...) __attribute__((format(printf, 5, 6)));

/* Append a line of detail to the last finding (printed under it). */
void triage__detail(struct triage *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A path that exists but could not be read: listed, never fatal. */
void triage__unreadable(struct triage *t, enum triage_section s,
			const char *path, int err);

/*
 * Read a whole small file (at most max bytes) into a new NUL-terminated
 * buffer (caller frees); *len gets the length. NULL with errno set when it
 * is missing (ENOENT: silent) or unreadable (listed). Also notes an
 * immutable or append-only flag on it as a persistence finding when
 * flag_check is set.
 */
char *triage__slurp(struct triage *t, enum triage_section s, const char *path,
		    size_t max, size_t *len, bool flag_check);

/* Set file.path, file.mtime, file.size (and file.attributes) from path. */
void triage__file_fields(json_t *doc, const char *path);

/* ISO 8601 UTC of a unix time. */
void triage__iso(int64_t when, char *buf, size_t len);

/*
 * Why a command line (a cron entry, an ExecStart, a startup file's line)
 * looks hostile: hidden or temp paths, download-and-run, encoded payloads,
 * known miner names (the daemon's exec rules judge it too). Writes a short
 * reason list into why and returns a severity (0: nothing).
 */
int triage__judge_command(struct triage *t, const char *cmd, char *why,
			  size_t why_len);

/* A hidden directory name tools make on their own (".cache", ...). */
bool triage__benign_hidden(const char *name, size_t len);

/* Content verdicts (triage_content.c; the rest in triage_content.h). */
/*
 * Compile the YARA rules of the yara/ folder of each --rules path into
 * t->tc. 0 (also when there are none), or a negative errno with err
 * naming the rule file and line.
 */
int triage_content__open(struct triage *t, char *err, size_t err_len);
/* Free t->tc; adds the finding on what the caps left unread, if any. */
void triage_content__close(struct triage *t);
int triage_content__rules(const struct triage *t); /* YARA rules compiled */

struct mw_process;
struct triage_conn;
/* The names p's egress connections went to (triage_names.c). */
void triage__conn_names(const struct mw_process *p, struct triage_conn *c,
			int n);

/* The checks, one per question. */
void triage__running(struct triage *t);
void triage__persistence(struct triage *t);
/* One authorized_keys file (triage_keys.c, from persistence). */
void triage__authorized_keys(struct triage *t, const char *path);
void triage__wiped(struct triage *t);
void triage__journal(struct triage *t); /* triage_journal.c, from wiped */
void triage__logins(struct triage *t);	/* triage_logins.c, from wiped */
/* The journal's sshd/passwd lines as syslog lines (triage_jlines.c). */
typedef void (*triage_line_fn)(const char *line, size_t len, void *ctx);
void triage__journal_lines(struct triage *t, triage_line_fn fn, void *ctx);
void triage__way_in(struct triage *t);
void triage__left_behind(struct triage *t);

#endif /* MW_TRIAGE_H */

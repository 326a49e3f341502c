// SPDX-License-Identifier: GPL-2.0-only
/*
 * triage_keys.c - "How does it persist?" in authorized_keys: each key line
 * read as sshd reads it (options, type, key, comment) and the ones that
 * stand out reported with their SHA256 fingerprint (as ssh-keygen -l and
 * sshd's "Accepted publickey ... SHA256:..." log line print it, so a
 * responder can tie a key to the logins it made):
 * - a forced command (command=) or options that reach past a shell:
 *   environment= (LD_PRELOAD into the session), permitopen/permitlisten/
 *   tunnel= (a pivot); from= pins a key to an address, which is what an
 *   attacker keeping a door for one host does too;
 * - a comment used by miner campaigns (Outlaw's "mdrfckr", TeamTNT, ...);
 * - bytes that are no key at all around the keys: the file was written
 *   by something else, as Redis CONFIG SET / SAVE writes it;
 * - the file changed after the host's install, naming the last key (the
 *   most recently appended one) and its fingerprint.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "report/jsonx.h"
#include "triage/triage.h"

#define FILE_MAX (4 << 20)

static const struct triage_rule r_changed = {
    "MW-PERSIST-003", "SSH authorized_keys changed after install", "T1098.004",
    "Persistence", 55};
static const struct triage_rule r_cmd = {"MW-PERSIST-003",
					 "SSH key with a forced command",
					 "T1098.004", "Persistence", 70};
static const struct triage_rule r_opts = {"MW-PERSIST-003",
					  "SSH key with unusual options",
					  "T1098.004", "Persistence", 45};
static const struct triage_rule r_campaign = {
    "MW-PERSIST-003", "SSH key with a miner campaign's comment", "T1098.004",
    "Persistence", 85};
static const struct triage_rule r_junk = {
    "MW-PERSIST-003", "authorized_keys holds bytes that are no key",
    "T1098.004", "Persistence", 80};

/* Comments of keys miner campaigns planted (substrings, any case). */
static const char *const campaign_comments[] = {
    "mdrfckr", "teamtnt", "hilde@", "kinsing", "xmrig", "monero",
    "miner",   "8220",	  "rocke",  "tsunami", "redis"};

/* Options beyond "restrict"/"no-*": what each one lets the key do. */
static const struct {
	const char *opt;
	const char *why;
	int severity;
} options[] = {
    {"environment=", "sets the session's environment", 70},
    {"permitopen=", "opens a tunnel", 55},
    {"permitlisten=", "listens for a tunnel", 60},
    {"tunnel=", "a tun device", 60},
    {"from=", "pinned to an address", 45},
    {"principals=", "certificate principals", 30},
};

struct key {
	char *opts, *type, *blob, *comment; /* into the line; "" when none */
	char fp[64];			    /* "SHA256:..." */
};

static bool key_type(const char *s)
{
	return strncmp(s, "ssh-", 4) == 0 || strncmp(s, "ecdsa-", 6) == 0 ||
	       strncmp(s, "sk-", 3) == 0;
}

/* Split at the first blank outside double quotes (sshd's options). */
static char *cut_word(char *s, bool quotes)
{
	bool in = false;

	for (; *s; s++) {
		if (quotes && *s == '"')
			in = !in;
		else if (!in && (*s == ' ' || *s == '\t')) {
			*s++ = '\0';
			while (*s == ' ' || *s == '\t')
				s++;
			return s;
		}
	}
	return s;
}

static void fingerprint(const char *blob, char *out, size_t len)
{
	unsigned char raw[16384], md[EVP_MAX_MD_SIZE];
	unsigned char b64[EVP_MAX_MD_SIZE * 2];
	size_t n = strlen(blob);
	unsigned int mdlen = 0;
	int dec, pad = 0;
	char *eq;

	out[0] = '\0';
	if (!n || n % 4 || n * 3 / 4 > sizeof(raw))
		return;
	dec = EVP_DecodeBlock(raw, (const unsigned char *)blob, n);
	if (dec < 0)
		return;
	pad = (blob[n - 1] == '=') + (n > 1 && blob[n - 2] == '=');
	if (!EVP_Digest(raw, dec - pad, md, &mdlen, EVP_sha256(), NULL))
		return;
	EVP_EncodeBlock(b64, md, mdlen);
	eq = strchr((char *)b64, '=');
	if (eq)
		*eq = '\0';
	snprintf(out, len, "SHA256:%.56s", (char *)b64);
}

/* One line into k; false when it is no key (garbage around the keys). */
static bool parse_key(char *line, struct key *k)
{
	char *s = line;

	memset(k, 0, sizeof(*k));
	k->opts = "";
	if (!key_type(s)) {
		k->opts = s;
		s = cut_word(s, true);
	}
	if (!key_type(s))
		return false;
	k->type = s;
	s = cut_word(s, false);
	k->blob = s;
	k->comment = cut_word(s, false);
	fingerprint(k->blob, k->fp, sizeof(k->fp));
	if (!k->fp[0]) /* sshd refuses it too; still a line someone wrote */
		snprintf(k->fp, sizeof(k->fp), "unknown (key not base64)");
	return k->blob[0] != '\0';
}

static json_t *key_doc(struct triage *t, const struct triage_rule *r, int sev,
		       const char *path, const struct stat *st,
		       const struct key *k, const char *what)
{
	json_t *doc = triage__add(t, TRIAGE_PERSIST, r, sev, st->st_mtime,
				  "%s: key %s (%.80s) %s", path, k->fp,
				  k->comment[0] ? k->comment : "no comment",
				  what);

	if (!doc)
		return NULL;
	triage__file_fields(doc, path);
	jsonx_set_path(doc, "minerwatch.triage.key.fingerprint",
		       json_string(k->fp));
	jsonx_set_path(doc, "minerwatch.triage.key.type", jsonx_str(k->type));
	jsonx_set_path(doc, "minerwatch.triage.key.comment",
		       jsonx_str(k->comment));
	jsonx_set_path(doc, "minerwatch.triage.key.options",
		       jsonx_str(k->opts));
	return doc;
}

/* command="..." runs instead of the shell: judge it as any command. */
static void forced_command(struct triage *t, const char *path,
			   const struct stat *st, const struct key *k)
{
	const char *c = strstr(k->opts, "command=\"");
	char cmd[4096] = "", why[1024] = "";
	int sev = 0;
	json_t *doc;

	if (c) {
		c += 9;
		snprintf(cmd, sizeof(cmd), "%.*s",
			 (int)(strchr(c, '"') ? strchr(c, '"') - c : 4000), c);
		sev = triage__judge_command(t, cmd, why, sizeof(why));
	}
	doc = key_doc(t, &r_cmd, sev > r_cmd.severity ? sev : -1, path, st, k,
		      "runs a forced command");
	if (!doc)
		return;
	jsonx_set_path(doc, "process.command_line", jsonx_str(cmd));
	if (why[0])
		jsonx_set_path(doc, "minerwatch.triage.reasons", jsonx_str(why));
	triage__detail(t, "options: %.300s%s%s", k->opts, why[0] ? "; why: " : "",
		       why);
}

static void judge_options(struct triage *t, const char *path,
			  const struct stat *st, const struct key *k)
{
	char why[256] = "";
	int sev = 0;
	size_t i, n;

	if (!k->opts[0])
		return;
	if (strstr(k->opts, "command=")) {
		forced_command(t, path, st, k);
		return;
	}
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (!strstr(k->opts, options[i].opt))
			continue;
		n = strlen(why);
		snprintf(why + n, sizeof(why) - n, "%s%s", n ? ", " : "",
			 options[i].why);
		if (options[i].severity > sev)
			sev = options[i].severity;
	}
	if (sev && key_doc(t, &r_opts, sev, path, st, k, why))
		triage__detail(t, "options: %.300s", k->opts);
}

static void judge_comment(struct triage *t, const char *path,
			  const struct stat *st, const struct key *k)
{
	size_t i, n = sizeof(campaign_comments) / sizeof(campaign_comments[0]);

	for (i = 0; i < n; i++)
		if (strcasestr(k->comment, campaign_comments[i])) {
			key_doc(t, &r_campaign, -1, path, st, k,
				"has a comment miner campaigns use");
			return;
		}
}

static void junk_found(struct triage *t, const char *path,
		       const struct stat *st, int lineno, const char *line)
{
	json_t *doc = triage__add(t, TRIAGE_PERSIST, &r_junk, -1, st->st_mtime,
				  "%s:%d: not a key: %.60s", path, lineno,
				  line);

	if (!doc)
		return;
	triage__file_fields(doc, path);
	jsonx_set_path(doc, "minerwatch.triage.line", jsonx_str(line));
	jsonx_set_path(doc, "minerwatch.triage.line_number",
		       json_integer(lineno));
	if (strstr(line, "REDIS"))
		triage__detail(t, "a Redis dump header: written by Redis "
				  "CONFIG SET dir/dbfilename + SAVE");
}

static void changed(struct triage *t, const char *path, const struct stat *st,
		    int keys, const struct key *last)
{
	char ts[40];
	json_t *doc;

	if (!keys || !t->install || st->st_mtime <= t->install + 86400)
		return;
	doc = triage__add(t, TRIAGE_PERSIST, &r_changed, -1, st->st_mtime,
			  "%s: %d key(s), changed after the host's install; "
			  "last key %s (%.80s)",
			  path, keys, last->fp,
			  last->comment[0] ? last->comment : "no comment");
	if (!doc)
		return;
	triage__file_fields(doc, path);
	jsonx_set_path(doc, "minerwatch.triage.keys", json_integer(keys));
	jsonx_set_path(doc, "minerwatch.triage.key.fingerprint",
		       json_string(last->fp));
	jsonx_set_path(doc, "minerwatch.triage.key.comment",
		       jsonx_str(last->comment));
	triage__iso(t->install, ts, sizeof(ts));
	triage__detail(t, "installed %s; the last key is the one most likely "
			  "added at the file's mtime",
		       ts);
}

void triage__authorized_keys(struct triage *t, const char *path)
{
	char *buf, *line, *save, *copy = NULL;
	struct key k, last;
	struct stat st;
	int keys = 0, lineno = 0;
	size_t len;

	buf = triage__slurp(t, TRIAGE_PERSIST, path, FILE_MAX, &len, true);
	if (!buf || stat(path, &st)) {
		free(buf);
		return;
	}
	/* NUL bytes (a Redis dump) must not end the reading early. */
	for (; len > 0; len--)
		if (!buf[len - 1])
			buf[len - 1] = '?';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *s = line;

		lineno++;
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			continue;
		free(copy);
		copy = strdup(s);
		if (!copy || !parse_key(s, &k)) {
			junk_found(t, path, &st, lineno, copy ? copy : s);
			continue;
		}
		keys++;
		last = k;
		judge_options(t, path, &st, &k);
		judge_comment(t, path, &st, &k);
	}
	if (keys)
		changed(t, path, &st, keys, &last);
	free(copy);
	free(buf);
}

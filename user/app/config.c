// SPDX-License-Identifier: GPL-2.0-only
/*
 * config.c - load and validate the JSON config file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "app/config.h"
#include "identify/content.h"

struct config {
	json_t *root;
};

struct parse {
	const char *path;
	const char *key;
	char *err;
	size_t err_len;
};

static int bad(struct parse *p, const char *why)
{
	snprintf(p->err, p->err_len, "%s: key '%s': %s", p->path, p->key, why);
	return -EINVAL;
}

static int get_bool(struct parse *p, json_t *v, bool *out)
{
	if (!json_is_boolean(v))
		return bad(p, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* A string; "" means off (NULL) when empty_off. */
static int get_str(struct parse *p, json_t *v, const char **out, bool empty_off)
{
	if (!json_is_string(v))
		return bad(p, "must be a string");
	*out = json_string_value(v);
	if (!**out) {
		if (!empty_off)
			return bad(p, "must not be empty");
		*out = NULL;
	}
	return 0;
}

/* A string or an array of non-empty strings, at most MW_MAX_PATHS. */
static int get_list(struct parse *p, json_t *v, const char **out, int *n)
{
	size_t i;
	json_t *e;

	if (json_is_string(v) && *json_string_value(v)) {
		out[0] = json_string_value(v);
		*n = 1;
		return 0;
	}
	if (!json_is_array(v))
		return bad(p, "must be a string or an array of strings");
	if (json_array_size(v) > MW_MAX_PATHS)
		return bad(p, "too many entries (at most 32)");
	*n = 0;
	json_array_foreach(v, i, e)
	{
		if (!json_is_string(e) || !*json_string_value(e))
			return bad(p, "entries must be non-empty strings");
		out[(*n)++] = json_string_value(e);
	}
	return 0;
}

static int get_int(struct parse *p, json_t *v, int lo, int hi, int *out)
{
	json_int_t i;

	if (!json_is_integer(v))
		return bad(p, "must be an integer");
	i = json_integer_value(v);
	if (i < lo || i > hi) {
		char why[64];

		snprintf(why, sizeof(why), "%lld is out of range %d-%d",
			 (long long)i, lo, hi);
		return bad(p, why);
	}
	*out = i;
	return 0;
}

/* The content worker's keys (identify/); the last resort for a key. */
static int content_field(struct parse *p, json_t *v, struct monitor_opts *o,
			 unsigned *set)
{
	const char *k = p->key;
	bool on = true;
	int ret;

	if (!strcmp(k, "content")) {
		*set |= CONFIG_CONTENT;
		ret = get_bool(p, v, &on);
		o->content_off = !on;
		return ret;
	}
	if (!strcmp(k, "content_unpack")) {
		*set |= CONFIG_UNPACK;
		ret = get_bool(p, v, &on);
		o->unpack_off = !on;
		return ret;
	}
	if (!strcmp(k, "content_max_size_mb")) {
		*set |= CONFIG_CONTENT_MAX;
		return get_int(p, v, CONTENT_MAX_SIZE_MB_LO,
			       CONTENT_MAX_SIZE_MB_HI, &o->content_max_mb);
	}
	if (!strcmp(k, "content_cache")) {
		*set |= CONFIG_CONTENT_CACHE;
		return get_int(p, v, CONTENT_CACHE_LO, CONTENT_CACHE_HI,
			       &o->content_cache);
	}
	if (!strcmp(k, "content_workers")) {
		*set |= CONFIG_CONTENT_WORKERS;
		return get_int(p, v, CONTENT_WORKERS_LO, CONTENT_WORKERS_HI,
			       &o->content_workers);
	}
	return bad(p, "unknown key (known: rules, outputs, enforce, events, "
		      "stats_interval, aggregate_window, cgroup, pin_dir, "
		      "control_socket, spool_dir, verbose, content, "
		      "content_max_size_mb, content_cache, content_workers, "
		      "content_unpack)");
}

static int field(struct parse *p, json_t *v, struct monitor_opts *o,
		 unsigned *set)
{
	const char *k = p->key;

	if (!strcmp(k, "rules")) {
		*set |= CONFIG_RULES;
		return get_list(p, v, o->rule_paths, &o->n_rule_paths);
	}
	if (!strcmp(k, "outputs")) {
		*set |= CONFIG_OUTPUTS;
		return get_list(p, v, o->outputs, &o->n_outputs);
	}
	if (!strcmp(k, "enforce")) {
		*set |= CONFIG_ENFORCE;
		return get_bool(p, v, &o->enforce);
	}
	if (!strcmp(k, "events")) {
		*set |= CONFIG_EVENTS;
		return get_bool(p, v, &o->events);
	}
	if (!strcmp(k, "verbose")) {
		*set |= CONFIG_VERBOSE;
		return get_bool(p, v, &o->verbose);
	}
	if (!strcmp(k, "stats_interval")) {
		*set |= CONFIG_STATS;
		return get_int(p, v, 0, 86400, &o->stats_interval);
	}
	if (!strcmp(k, "aggregate_window")) {
		*set |= CONFIG_AGGREGATE;
		return get_int(p, v, 1, 3600, &o->aggregate_window);
	}
	if (!strcmp(k, "cgroup")) {
		*set |= CONFIG_CGROUP;
		return get_str(p, v, &o->cgroup, true);
	}
	if (!strcmp(k, "pin_dir")) {
		*set |= CONFIG_PIN;
		return get_str(p, v, &o->pin_dir, true);
	}
	if (!strcmp(k, "control_socket")) {
		*set |= CONFIG_CONTROL;
		return get_str(p, v, &o->control, true);
	}
	if (!strcmp(k, "spool_dir")) {
		*set |= CONFIG_SPOOL;
		return get_str(p, v, &o->spool_dir, false);
	}
	return content_field(p, v, o, set);
}

/*
 * The config file can turn enforcement off and name the rules: refuse it
 * when someone other than root (or the user running us) owns it or may
 * write it, as the rule files are. A missing file is left to the loader.
 */
static int config_file_check(const char *path, char *err, size_t err_len)
{
	struct stat st;

	if (stat(path, &st))
		return 0;
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(err, err_len,
			 "%s is owned by uid %u, not root: refusing it "
			 "(chown root)",
			 path, (unsigned int)st.st_uid);
		return -EPERM;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, err_len,
			 "%s is group- or world-writable (mode %04o): refusing "
			 "it (chmod go-w)",
			 path, (unsigned int)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int config__load(const char *path, struct monitor_opts *o, unsigned *set,
		 struct config **out, char *err, size_t err_len)
{
	struct parse p = {.path = path, .err = err, .err_len = err_len};
	struct monitor_opts tmp = *o;
	json_error_t jerr;
	struct config *c;
	unsigned got = 0;
	const char *k;
	json_t *v;
	int ret = 0;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	ret = config_file_check(path, err, err_len);
	if (ret)
		goto err_free;
	c->root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!c->root) {
		ret = jerr.line < 0 ? -ENOENT : -EINVAL;
		if (ret == -ENOENT)
			snprintf(err, err_len, "%s: %s", path, jerr.text);
		else
			snprintf(err, err_len, "%s:%d:%d: %s", path, jerr.line,
				 jerr.column, jerr.text);
		goto err_free;
	}
	if (!json_is_object(c->root)) {
		snprintf(err, err_len, "%s: must be a JSON object", path);
		ret = -EINVAL;
		goto err_free;
	}
	json_object_foreach(c->root, k, v)
	{
		p.key = k;
		ret = field(&p, v, &tmp, &got);
		if (ret)
			goto err_free;
	}
	/* All or nothing: o changes only when the whole file is good. */
	*o = tmp;
	*set = got;
	*out = c;
	return 0;

err_free:
	config__free(c);
	return ret;
}

void config__free(struct config *c)
{
	if (!c)
		return;
	json_decref(c->root);
	free(c);
}

static void config__overlay_content(struct monitor_opts *dst,
				    const struct monitor_opts *cli,
				    unsigned cli_set)
{
	if (cli_set & CONFIG_CONTENT)
		dst->content_off = cli->content_off;
	if (cli_set & CONFIG_UNPACK)
		dst->unpack_off = cli->unpack_off;
	if (cli_set & CONFIG_CONTENT_MAX)
		dst->content_max_mb = cli->content_max_mb;
	if (cli_set & CONFIG_CONTENT_CACHE)
		dst->content_cache = cli->content_cache;
	if (cli_set & CONFIG_CONTENT_WORKERS)
		dst->content_workers = cli->content_workers;
}

void config__overlay(struct monitor_opts *dst, const struct monitor_opts *cli,
		     unsigned cli_set)
{
	if (cli_set & CONFIG_RULES) {
		memcpy(dst->rule_paths, cli->rule_paths,
		       sizeof(dst->rule_paths));
		dst->n_rule_paths = cli->n_rule_paths;
	}
	if (cli_set & CONFIG_OUTPUTS) {
		memcpy(dst->outputs, cli->outputs, sizeof(dst->outputs));
		dst->n_outputs = cli->n_outputs;
	}
	if (cli_set & CONFIG_ENFORCE)
		dst->enforce = cli->enforce;
	if (cli_set & CONFIG_EVENTS)
		dst->events = cli->events;
	if (cli_set & CONFIG_VERBOSE)
		dst->verbose = cli->verbose;
	if (cli_set & CONFIG_STATS)
		dst->stats_interval = cli->stats_interval;
	if (cli_set & CONFIG_AGGREGATE)
		dst->aggregate_window = cli->aggregate_window;
	if (cli_set & CONFIG_CGROUP)
		dst->cgroup = cli->cgroup;
	if (cli_set & CONFIG_PIN)
		dst->pin_dir = cli->pin_dir;
	if (cli_set & CONFIG_CONTROL)
		dst->control = cli->control;
	if (cli_set & CONFIG_SPOOL)
		dst->spool_dir = cli->spool_dir;
	config__overlay_content(dst, cli, cli_set);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader.c - environment checks, skeleton lifecycle, map maintenance.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "file_event.h"
#include "loader.h"
#include "minerwatch.skel.h"
#include "rules.h"

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_PATH "/sys/kernel/tracing"

struct loader {
	struct minerwatch_bpf *skel;
	struct ring_buffer *rb;
	int ncpu;
	int file_watch_entries; /* entries in the file sensor's watch maps */
	char hooks[1024];
};

static bool verbose_libbpf;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose_libbpf)
		return 0;
	if (level == LIBBPF_INFO && !verbose_libbpf)
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Mount tracefs where classic tracepoints expect it, when it is missing. */
static int tracefs_ensure(char *err, size_t err_len)
{
	struct statfs st;

	if (statfs(TRACEFS_PATH, &st) == 0 && st.f_type == TRACEFS_MAGIC)
		return 0;
	if (mount("tracefs", TRACEFS_PATH, "tracefs", 0, NULL) == 0)
		return 0;
	if (errno == EBUSY)
		return 0;
	snprintf(err, err_len, "cannot mount tracefs at %s: %s", TRACEFS_PATH,
		 strerror(errno));
	return -errno;
}

int loader__check_env(char *err, size_t err_len)
{
	int fd;

	if (geteuid() != 0) {
		snprintf(err, err_len,
			 "minerwatch must run as root (it loads BPF programs)");
		return -EPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
		snprintf(
		    err, err_len,
		    "kernel BTF not found at /sys/kernel/btf/vmlinux (%s): "
		    "a kernel built with CONFIG_DEBUG_INFO_BTF=y is required",
		    strerror(errno));
		return -ENOTSUP;
	}
	/* An invalid command tells ENOSYS (no bpf()) from anything else. */
	fd = syscall(__NR_bpf, -1, NULL, 0);
	if (fd < 0 && errno == ENOSYS) {
		snprintf(err, err_len, "the kernel has no bpf() syscall");
		return -ENOSYS;
	}
	if (fd >= 0)
		close(fd);
	return tracefs_ensure(err, err_len);
}

static void hooks_describe(struct loader *ld)
{
	struct bpf_program *prog;
	size_t used = 0;

	ld->hooks[0] = '\0';
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		if (!bpf_program__autoload(prog))
			continue;
		used += snprintf(
		    ld->hooks + used,
		    used < sizeof(ld->hooks) ? sizeof(ld->hooks) - used : 0,
		    "%s%s", used ? "," : "", bpf_program__section_name(prog));
		if (used >= sizeof(ld->hooks))
			break;
	}
}

/*
 * A syscall tracepoint the kernel does not have (arm64 has no open, creat,
 * rename, ...; a kernel may lack openat2 or fchmodat2) must not fail the
 * load: those programs are left out, the others cover the same ground.
 */
static void tracepoints_probe(struct loader *ld)
{
	static const char pfx[] = "tracepoint/";
	struct bpf_program *prog;
	char path[256];
	const char *sec;

	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		sec = bpf_program__section_name(prog);
		if (strncmp(sec, pfx, sizeof(pfx) - 1) != 0)
			continue;
		snprintf(path, sizeof(path), "%s/events/%s", TRACEFS_PATH,
			 sec + sizeof(pfx) - 1);
		if (access(path, F_OK) != 0)
			bpf_program__set_autoload(prog, false);
	}
}

int loader__open(bool verbose, loader_record_fn fn, void *ctx,
		 struct loader **out, char *err, size_t err_len)
{
	struct loader *ld;
	int ret;

	verbose_libbpf = verbose;
	libbpf_set_print(libbpf_print);
	/* BPF memory is charged to the memcg on >= 5.11; no RLIMIT_MEMLOCK. */
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->ncpu = libbpf_num_possible_cpus();
	if (ld->ncpu <= 0) {
		ret = ld->ncpu ? ld->ncpu : -EINVAL;
		snprintf(err, err_len, "cannot count CPUs: %s", strerror(-ret));
		goto err_free;
	}
	ld->skel = minerwatch_bpf__open();
	if (!ld->skel) {
		ret = -errno;
		snprintf(err, err_len, "opening the BPF object failed: %s",
			 strerror(-ret));
		goto err_free;
	}
	tracepoints_probe(ld);
	ret = minerwatch_bpf__load(ld->skel);
	if (ret) {
		snprintf(err, err_len,
			 "loading BPF programs failed: %s (run with -v for the "
			 "verifier log)",
			 strerror(-ret));
		goto err_destroy;
	}
	ret = minerwatch_bpf__attach(ld->skel);
	if (ret) {
		snprintf(err, err_len, "attaching BPF programs failed: %s",
			 strerror(-ret));
		goto err_destroy;
	}
	/* Alerts first: ring_buffer__poll() consumes rings in this order. */
	ld->rb = ring_buffer__new(bpf_map__fd(ld->skel->maps.mw_alerts), fn,
				  ctx, NULL);
	if (!ld->rb) {
		ret = -errno;
		snprintf(err, err_len, "ring buffer setup failed: %s",
			 strerror(-ret));
		goto err_destroy;
	}
	ret = ring_buffer__add(ld->rb, bpf_map__fd(ld->skel->maps.mw_events),
			       fn, ctx);
	if (ret) {
		snprintf(err, err_len, "ring buffer setup failed: %s",
			 strerror(-ret));
		goto err_rb;
	}
	hooks_describe(ld);
	*out = ld;
	return 0;

err_rb:
	ring_buffer__free(ld->rb);
err_destroy:
	minerwatch_bpf__destroy(ld->skel);
err_free:
	free(ld);
	return ret;
}

void loader__destroy(struct loader *ld)
{
	if (!ld)
		return;
	ring_buffer__free(ld->rb);
	minerwatch_bpf__destroy(ld->skel);
	free(ld);
}

int loader__poll(struct loader *ld, int timeout_ms)
{
	return ring_buffer__poll(ld->rb, timeout_ms);
}

int loader__set_config(struct loader *ld, bool enforce, uint32_t self_tgid)
{
	struct mw_config cfg = {.enforce = enforce, .self_tgid = self_tgid};
	uint32_t zero = 0;

	if (bpf_map__update_elem(ld->skel->maps.mw_config_map, &zero,
				 sizeof(zero), &cfg, sizeof(cfg), BPF_ANY))
		return -errno;
	return 0;
}

struct deny_fill {
	struct bpf_map *map;
	uint32_t gen;
	int n;
	int err;
};

static void deny_name_add(const char *name, int rule_idx, void *ctx)
{
	struct deny_fill *f = ctx;
	char key[MW_DENY_NAME] = {0};
	struct mw_deny val = {.rule_idx = rule_idx, .rules_gen = f->gen};

	if (strlen(name) >= sizeof(key))
		return;
	memcpy(key, name, strlen(name));
	if (bpf_map__update_elem(f->map, key, sizeof(key), &val, sizeof(val),
				 BPF_ANY)) {
		if (!f->err)
			f->err = -errno;
		return;
	}
	f->n++;
}

/* Delete entries of map whose generation is not gen. */
static void deny_prune(struct bpf_map *map, uint32_t gen)
{
	char key[MW_DENY_NAME], next[MW_DENY_NAME];
	struct mw_deny val;
	void *prev = NULL;

	while (bpf_map__get_next_key(map, prev, next, sizeof(next)) == 0) {
		if (bpf_map__lookup_elem(map, next, sizeof(next), &val,
					 sizeof(val), 0) == 0 &&
		    val.rules_gen != gen) {
			/* Deleting the current key would restart iteration. */
			if (bpf_map__delete_elem(map, next, sizeof(next), 0) ==
			    0)
				continue;
		}
		memcpy(key, next, sizeof(key));
		prev = key;
	}
}

/* --- file sensor watch maps ---------------------------------------------- */

struct watch_fill {
	struct loader *ld;
	const struct rules *rs;
	uint32_t gen;
	int n;
	int err;
};

static void watch_add(enum rules_watch_op op, const char *value, int rule_idx,
		      void *ctx)
{
	struct watch_fill *f = ctx;
	struct minerwatch_bpf *sk = f->ld->skel;
	struct file_watch_entry we;
	struct mw_watch_key key;
	char name[MW_WATCH_NAME];
	int ret;

	if (file_watch__entry(op, value, &we)) {
		fprintf(stderr,
			"minerwatch: rule %s: path \"%s\" cannot be watched in "
			"the kernel (too short, too long or unbounded); the "
			"rule sees only paths other rules watch\n",
			rule__id(rules__get(f->rs, rule_idx)), value);
		return;
	}
	if (we.kind & (MW_WATCH_PREFIX | MW_WATCH_EXACT)) {
		memset(&key, 0, sizeof(key));
		memcpy(key.path, we.key, sizeof(key.path));
		/* An exact entry includes the NUL: it matches itself only. */
		key.prefixlen =
		    (strlen(we.key) + (we.kind & MW_WATCH_EXACT ? 1 : 0)) * 8;
		ret = bpf_map__update_elem(sk->maps.mw_file_prefixes, &key,
					   sizeof(key), &f->gen, sizeof(f->gen),
					   BPF_ANY);
	} else {
		memset(name, 0, sizeof(name));
		memcpy(name, we.key, sizeof(name));
		ret = bpf_map__update_elem(
		    we.kind & MW_WATCH_NAME ? sk->maps.mw_file_names
					    : sk->maps.mw_file_dirnames,
		    name, sizeof(name), &f->gen, sizeof(f->gen), BPF_ANY);
	}
	if (ret && !f->err)
		f->err = -errno;
	f->n += !ret;
}

static void watch_unbounded(int rule_idx, void *ctx)
{
	struct watch_fill *f = ctx;

	fprintf(stderr,
		"minerwatch: rule %s: no file.path/file.name condition bounds "
		"its paths, so the kernel cannot filter for it; it sees only "
		"paths other rules watch\n",
		rule__id(rules__get(f->rs, rule_idx)));
}

/* Delete entries of a watch map that an older generation wrote. */
static void watch_prune(struct bpf_map *map, size_t key_size, uint32_t gen)
{
	char key[sizeof(struct mw_watch_key)], next[sizeof(key)];
	void *prev = NULL;
	uint32_t val;

	while (bpf_map__get_next_key(map, prev, next, key_size) == 0) {
		if (bpf_map__lookup_elem(map, next, key_size, &val, sizeof(val),
					 0) == 0 &&
		    val != gen &&
		    bpf_map__delete_elem(map, next, key_size, 0) == 0) {
			/* Restart: entries of gen stay, so this ends. */
			prev = NULL;
			continue;
		}
		memcpy(key, next, key_size);
		prev = key;
	}
}

static int map_count(struct bpf_map *map, size_t key_size)
{
	char key[sizeof(struct mw_watch_key)], next[sizeof(key)];
	void *prev = NULL;
	int n = 0;

	while (bpf_map__get_next_key(map, prev, next, key_size) == 0) {
		n++;
		memcpy(key, next, key_size);
		prev = key;
	}
	return n;
}

/*
 * Fill the file sensor's watch maps from the file rules' path conditions
 * (rules__file_watch_paths()); the values are the generation, so entries
 * of the previous rule set are pruned after the new ones are in.
 */
static int file_watch_apply(struct loader *ld, const struct rules *rs,
			    uint32_t gen)
{
	struct watch_fill f = {.ld = ld, .rs = rs, .gen = gen};
	struct minerwatch_bpf *sk = ld->skel;

	rules__file_watch_paths(rs, watch_add, &f, watch_unbounded);
	watch_prune(sk->maps.mw_file_prefixes, sizeof(struct mw_watch_key),
		    gen);
	watch_prune(sk->maps.mw_file_names, MW_WATCH_NAME, gen);
	watch_prune(sk->maps.mw_file_dirnames, MW_WATCH_NAME, gen);
	/* Rules share paths: count the distinct entries, not the updates. */
	ld->file_watch_entries =
	    map_count(sk->maps.mw_file_prefixes, sizeof(struct mw_watch_key)) +
	    map_count(sk->maps.mw_file_names, MW_WATCH_NAME) +
	    map_count(sk->maps.mw_file_dirnames, MW_WATCH_NAME);
	return f.err;
}

int loader__file_watch_count(const struct loader *ld)
{
	return ld->file_watch_entries;
}

int loader__apply_rules(struct loader *ld, const struct rules *rs, uint32_t gen,
			int *n_names)
{
	struct deny_fill f = {.map = ld->skel->maps.mw_deny_names, .gen = gen};

	int err;

	/* Add the new set first, then prune the old: no window without it. */
	rules__exec_deny_names(rs, deny_name_add, &f);
	deny_prune(f.map, gen);
	if (n_names)
		*n_names = f.n;
	err = file_watch_apply(ld, rs, gen);
	return f.err ?: err;
}

int loader__read_stats(struct loader *ld, uint64_t *out)
{
	uint64_t vals[ld->ncpu];
	uint32_t i;
	int c;

	for (i = 0; i < MW_STAT_MAX; i++) {
		out[i] = 0;
		if (bpf_map__lookup_elem(ld->skel->maps.mw_stats, &i, sizeof(i),
					 vals, sizeof(vals), 0))
			return -errno;
		for (c = 0; c < ld->ncpu; c++)
			out[i] += vals[c];
	}
	return 0;
}

const char *loader__hooks(const struct loader *ld)
{
	return ld->hooks;
}

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
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "kernel_features.h"
#include "loader.h"
#include "minerwatch.skel.h"
#include "rules.h"

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_PATH "/sys/kernel/tracing"

struct loader {
	struct minerwatch_bpf *skel;
	struct ring_buffer *rb;
	int ncpu;
	char hooks[512];
	struct features feat;
	bool lsm_on;	   /* lsm/ programs are loaded and attached */
	char lsm_off[400]; /* why not, when they are not */
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
 * Turn the lsm/ programs on only where BPF-LSM works and the kernel has
 * that hook; everything else always loads (tp_btf, the base path).
 */
static void programs_choose(struct loader *ld, bool lsm)
{
	struct bpf_program *prog;
	const char *sec;

	ld->lsm_on = false;
	if (lsm && !ld->feat.have[FEAT_LSM])
		snprintf(ld->lsm_off, sizeof(ld->lsm_off), "%s",
			 ld->feat.why[FEAT_LSM]);
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		sec = bpf_program__section_name(prog);
		if (strncmp(sec, "lsm/", 4) != 0)
			continue;
		if (lsm && ld->feat.have[FEAT_LSM] &&
		    features__lsm_hook(&ld->feat, sec + 4)) {
			bpf_program__set_autoload(prog, true);
			ld->lsm_on = true;
		} else {
			bpf_program__set_autoload(prog, false);
		}
	}
}

/* Open, choose, load and attach the skeleton into ld->skel. */
static int skel_load(struct loader *ld, bool lsm, char *err, size_t err_len)
{
	int ret;

	ld->skel = minerwatch_bpf__open();
	if (!ld->skel) {
		ret = -errno;
		snprintf(err, err_len, "opening the BPF object failed: %s",
			 strerror(-ret));
		return ret;
	}
	programs_choose(ld, lsm);
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
	return 0;

err_destroy:
	minerwatch_bpf__destroy(ld->skel);
	ld->skel = NULL;
	return ret;
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
	features__probe(&ld->feat);
	ret = skel_load(ld, true, err, err_len);
	if (ret && ld->lsm_on) {
		/*
		 * The probe said yes but the real programs did not make it
		 * (verifier, attach): prevention is an upgrade, never a
		 * reason not to monitor. Retry on the tracepoint path.
		 */
		snprintf(ld->lsm_off, sizeof(ld->lsm_off),
			 "lsm programs failed: %s", err);
		fprintf(stderr,
			"minerwatch: %s; falling back to kill at exec\n",
			ld->lsm_off);
		ret = skel_load(ld, false, err, err_len);
	}
	if (ret)
		goto err_free;
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
	ld->skel = NULL;
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
	const struct rules *rs;
	uint32_t gen;
	int n;
	int err;
};

static void deny_name_add(const char *name, int rule_idx, void *ctx)
{
	struct deny_fill *f = ctx;
	char key[MW_DENY_NAME] = {0};
	struct mw_deny val = {.rule_idx = rule_idx, .rules_gen = f->gen};

	/* deny rules refuse at lsm/bprm_check_security where it loads. */
	if (rule__action(rules__get(f->rs, rule_idx)) == RULE_ACT_DENY)
		val.flags = MW_DENY_REFUSE;
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

int loader__apply_rules(struct loader *ld, const struct rules *rs, uint32_t gen,
			int *n_names)
{
	struct deny_fill f = {
	    .map = ld->skel->maps.mw_deny_names, .rs = rs, .gen = gen};

	/* Add the new set first, then prune the old: no window without it. */
	rules__exec_deny_names(rs, deny_name_add, &f);
	deny_prune(f.map, gen);
	if (n_names)
		*n_names = f.n;
	return f.err;
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

const struct features *loader__features(const struct loader *ld)
{
	return &ld->feat;
}

bool loader__lsm(const struct loader *ld)
{
	return ld->lsm_on;
}

/* The loaded lsm/ programs whose hook name starts with one of prefixes. */
static json_t *lsm_loaded(const struct loader *ld, const char *const *pfx)
{
	struct bpf_program *prog;
	json_t *a = json_array();
	const char *sec;
	int i;

	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		sec = bpf_program__section_name(prog);
		if (!bpf_program__autoload(prog) || strncmp(sec, "lsm/", 4))
			continue;
		for (i = 0; pfx[i]; i++)
			if (strncmp(sec + 4, pfx[i], strlen(pfx[i])) == 0)
				json_array_append_new(a, json_string(sec));
	}
	return a;
}

json_t *loader__hooks_json(const struct loader *ld)
{
	static const char *const exec_pfx[] = {"bprm_", NULL};
	static const char *const net_pfx[] = {"socket_", NULL};
	static const char *const file_pfx[] = {"file_", "path_", NULL};
	json_t *o = json_object(), *progs = json_array(), *a;
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		if (bpf_program__autoload(prog))
			json_array_append_new(
			    progs,
			    json_string(bpf_program__section_name(prog)));
	}
	json_object_set_new(o, "exec",
			    json_string("tp_btf/sched_process_exec"));
	a = lsm_loaded(ld, exec_pfx);
	json_object_set_new(o, "exec_deny",
			    json_string(json_array_size(a)
					    ? "lsm/bprm_check_security"
					    : "tp_btf+SIGKILL"));
	json_decref(a);
	a = lsm_loaded(ld, net_pfx);
	/* json_object_set() takes its own reference to the array item. */
	if (json_array_size(a))
		json_object_set(o, "connect_deny", json_array_get(a, 0));
	else
		json_object_set_new(o, "connect_deny", json_string("none"));
	json_decref(a);
	a = lsm_loaded(ld, file_pfx);
	if (json_array_size(a))
		json_object_set_new(o, "file_deny", a);
	else {
		json_decref(a);
		json_object_set_new(o, "file_deny", json_string("none"));
	}
	if (!ld->lsm_on)
		json_object_set_new(o, "lsm_unavailable",
				    json_string(ld->lsm_off));
	json_object_set_new(o, "programs", progs);
	return o;
}

/* An entry for the lsm/ maps: the rule (or -1 for a command line deny). */
static struct mw_deny deny_val(int rule_idx, uint32_t gen)
{
	struct mw_deny v = {.rule_idx = (uint32_t)rule_idx,
			    .rules_gen = gen,
			    .flags = MW_DENY_REFUSE};

	return v;
}

int loader__deny_net(struct loader *ld, int family, const uint8_t *addr,
		     int prefixlen, int rule_idx, uint32_t gen)
{
	struct mw_deny v = deny_val(rule_idx, gen);
	struct mw_net4_key k4 = {.prefixlen = prefixlen};
	struct mw_net6_key k6 = {.prefixlen = prefixlen};

	if (family == 4 && prefixlen >= 0 && prefixlen <= 32) {
		memcpy(k4.addr, addr, 4);
		if (bpf_map__update_elem(ld->skel->maps.mw_deny_net4, &k4,
					 sizeof(k4), &v, sizeof(v), BPF_ANY))
			return -errno;
		return 0;
	}
	if (family == 6 && prefixlen >= 0 && prefixlen <= 128) {
		memcpy(k6.addr, addr, 16);
		if (bpf_map__update_elem(ld->skel->maps.mw_deny_net6, &k6,
					 sizeof(k6), &v, sizeof(v), BPF_ANY))
			return -errno;
		return 0;
	}
	return -EINVAL;
}

int loader__deny_port(struct loader *ld, uint16_t port, int rule_idx,
		      uint32_t gen)
{
	struct mw_deny v = deny_val(rule_idx, gen);

	if (bpf_map__update_elem(ld->skel->maps.mw_deny_ports, &port,
				 sizeof(port), &v, sizeof(v), BPF_ANY))
		return -errno;
	return 0;
}

int loader__protect_path(struct loader *ld, const char *path, int rule_idx,
			 uint32_t gen)
{
	struct mw_deny v = deny_val(rule_idx, gen);
	struct mw_inode_key k = {0};
	struct stat st;

	if (stat(path, &st))
		return -errno;
	/* The kernel's sb->s_dev is MKDEV: major << 20 | minor. */
	k.ino = st.st_ino;
	k.dev = major(st.st_dev) << 20 | minor(st.st_dev);
	if (bpf_map__update_elem(ld->skel->maps.mw_protect_inodes, &k,
				 sizeof(k), &v, sizeof(v), BPF_ANY))
		return -errno;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * loader.c - the kernel stage: everything between the daemon and its BPF
 * programs. It checks the environment, probes what the kernel offers and
 * chooses the programs to match (lsm/ or kill at exec, the file sensor
 * build, syscall tracepoints that exist), loads and attaches them, pins
 * maps and links so that a restarted daemon adopts its predecessor's state
 * without a gap, and reads the ring buffers into the caller's handler. It
 * owns the settings and counter maps; the filter maps the rules compile
 * into are written by filters.c. kernel/ judges nothing: what to filter
 * comes from the rule engine, what a record means is for the sensors.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "kernel/kernel_features.h"
#include "kernel/loader.h"
#include "kernel/loader_int.h"
#include "kernel/loader_pin.h"
#include "minerwatch.skel.h"

#define TRACEFS_MAGIC 0x74726163
#define TRACEFS_PATH "/sys/kernel/tracing"
#define CGROUP2_SUPER_MAGIC 0x63677270

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

/*
 * The cgroup v2 mount from /proc/mounts: /sys/fs/cgroup on a unified
 * hierarchy, /sys/fs/cgroup/unified on a hybrid one (as here). 0 or -ENOENT.
 */
static int cgroup2_root(char *out, size_t len)
{
	char line[1024], dev[256], dir[256], type[64];
	FILE *f = fopen("/proc/mounts", "re");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %255s %63s", dev, dir, type) != 3)
			continue;
		if (strcmp(type, "cgroup2") == 0) {
			snprintf(out, len, "%s", dir);
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

static bool prog_is_cgroup(const struct bpf_program *prog)
{
	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		return true;
	default:
		return false;
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

/* Sections of the file sensor's programs (both builds have them all). */
static bool file_sensor_sec(const char *sec)
{
	static const char *const pfx[] = {
	    "tracepoint/syscalls/", "tracepoint/io_uring/", "tp_btf/sys_exit",
	    "fentry/", "fexit/"};
	size_t i;

	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(sec, pfx[i], strlen(pfx[i])))
			return true;
	return false;
}

/* bpf/file/fentry.bpf.c's programs (the kernel-function set). */
static bool file_fentry_sec(const char *sec)
{
	return !strncmp(sec, "fentry/", 7) || !strncmp(sec, "fexit/", 6);
}

/*
 * Functions of the kernel-function set the sensor can do without: the
 * compat ioctl hook (6.8+; before it, compat ioctls pass
 * security_file_ioctl) and move_mount's (5.2+).
 */
static bool file_fentry_optional(const char *fn)
{
	return !strcmp(fn, "security_file_ioctl_compat") ||
	       !strcmp(fn, "security_move_mount");
}

/*
 * Can the kernel-function set run here: fentry allowed (probe), not
 * turned off after a failed load, and every required function in the
 * kernel's BTF? Optional ones it lacks are switched off.
 */
static bool file_fentry_usable(struct loader *ld, const struct btf *vmlinux)
{
	struct bpf_program *prog;
	const char *sec, *fn;

	if (!vmlinux || ld->file_no_fentry || !ld->feat.have[FEAT_FENTRY])
		return false;
	/* For benchmarks and tests of the other set on the same kernel. */
	if (getenv("MINERWATCH_FILE_TRACEPOINTS"))
		return false;
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		sec = bpf_program__section_name(prog);
		if (!file_fentry_sec(sec))
			continue;
		fn = strchr(sec, '/') + 1;
		if (btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC) > 0)
			continue;
		if (!file_fentry_optional(fn))
			return false;
		bpf_program__set_autoload(prog, false);
	}
	return true;
}

/*
 * The file sensor comes in two builds (bpf/file.bpf.c, file_compat.bpf.c):
 * plain loads through the bpf_rdonly_cast() kfunc (6.2+), or probe reads
 * for older kernels, whose programs end in "_c". Attach the set this
 * kernel can run; ld->file_mode says which.
 */
static void file_sensor_probe(struct loader *ld)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	struct bpf_program *prog;
	const char *sec;
	bool fast, fe;

	fast = vmlinux && btf__find_by_name_kind(vmlinux, "bpf_rdonly_cast",
						 BTF_KIND_FUNC) > 0;
	fe = file_fentry_usable(ld, vmlinux);
	btf__free(vmlinux);
	ld->file_fentry = fe;
	snprintf(ld->file_mode, sizeof(ld->file_mode), "%s%s",
		 fe ? "fentry/fexit (kernel functions)"
		    : "tracepoint/syscalls (exit)",
		 fast ? "" : ", probe-read walk (no bpf_rdonly_cast before 6.2)");
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		const char *name = bpf_program__name(prog);
		size_t n = strlen(name);
		bool compat = n > 2 && strcmp(name + n - 2, "_c") == 0;

		sec = bpf_program__section_name(prog);
		if (!file_sensor_sec(sec))
			continue;
		/*
		 * One set: the kernel functions, or the syscall tracepoints
		 * with io_uring's and the ia32 one. tracepoints_probe() and
		 * file_fentry_usable() may have switched some off already.
		 */
		if (compat == fast || file_fentry_sec(sec) != fe)
			bpf_program__set_autoload(prog, false);
	}
}

/*
 * Attach the cgroup programs to the cgroup v2 root (or the --cgroup scope),
 * where they see every process. The links are ours; loader__destroy() detaches
 * them.
 */
static int cgroup_attach(struct loader *ld, char *err, size_t err_len)
{
	struct bpf_program *prog;
	int fd, ret = 0;

	/* Scoped: the connect and packet hooks see only the scope's sockets. */
	if (ld->scope_path[0])
		snprintf(ld->cgroup_root, sizeof(ld->cgroup_root), "%s",
			 ld->scope_path);
	else if (cgroup2_root(ld->cgroup_root, sizeof(ld->cgroup_root))) {
		snprintf(
		    err, err_len,
		    "no cgroup v2 hierarchy in /proc/mounts: the network "
		    "sensor needs one (mount -t cgroup2 none /sys/fs/cgroup)");
		return -ENOENT;
	}
	fd = open(ld->cgroup_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "opening %s: %s", ld->cgroup_root,
			 strerror(-ret));
		return ret;
	}
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		struct bpf_link *link;

		if (!bpf_program__autoload(prog) || !prog_is_cgroup(prog))
			continue;
		if (ld->n_cg_links >= MAX_CG_LINKS) {
			ret = -E2BIG;
			snprintf(err, err_len, "too many cgroup programs");
			break;
		}
		link = bpf_program__attach_cgroup(prog, fd);
		if (!link) {
			ret = -errno;
			snprintf(err, err_len, "attaching %s to %s: %s",
				 bpf_program__section_name(prog),
				 ld->cgroup_root, strerror(-ret));
			break;
		}
		ld->cg_links[ld->n_cg_links++] = link;
	}
	close(fd);
	return ret;
}

static void cgroup_detach(struct loader *ld)
{
	int i;

	for (i = 0; i < ld->n_cg_links; i++)
		bpf_link__destroy(ld->cg_links[i]);
	ld->n_cg_links = 0;
}

static void hooks_describe(struct loader *ld)
{
	struct bpf_program *prog;
	size_t used = 0;

	ld->hooks[0] = '\0';
	bpf_object__for_each_program(prog, ld->skel->obj)
	{
		if (!bpf_program__autoload(prog) ||
		    !bpf_program__autoattach(prog))
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
 * Where map is pinned: 0 and its path, 1 for an internal map (.rodata,
 * .bss: those belong to one load and are never pinned), or -errno. The
 * one answer for adopting and for pinning.
 */
static int map_pin_path(const struct loader *ld, const struct bpf_map *map,
			char *path, size_t len)
{
	if (bpf_map__is_internal(map))
		return 1;
	return pin__path(path, len, ld->pin_dir, "maps", bpf_map__name(map));
}

/*
 * Reuse every pinned map of a previous daemon (never the internal ones,
 * see map_pin_path()). Returns 1 when adopted, 0 when there is nothing to
 * adopt or it does not fit this build, -errno on error.
 */
static int state_reuse(struct loader *ld, char *err, size_t err_len)
{
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	char path[PATH_MAX];
	struct mw_config cfg;
	struct bpf_map *map;
	uint32_t zero = 0;
	int fd, ret;

	if (!pin__has_state(ld->pin_dir))
		return 0;
	pin__path(path, sizeof(path), ld->pin_dir, "maps", "mw_config_map");
	fd = bpf_obj_get(path);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "cannot open pinned %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	/* A settings map of another layout: an incompatible older build. */
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len) ||
	    info.value_size != sizeof(cfg) ||
	    bpf_map_lookup_elem(fd, &zero, &cfg)) {
		close(fd);
		fprintf(stderr,
			"minerwatch: the pinned state in %s is from an "
			"incompatible build: loading fresh and replacing it\n",
			ld->pin_dir);
		ld->replace_pins = true;
		return 0;
	}
	close(fd);
	ld->old_enforce = cfg.enforce;
	ld->gen = cfg.active_gen + 1;
	bpf_object__for_each_map(map, ld->skel->obj)
	{
		ret = map_pin_path(ld, map, path, sizeof(path));
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue; /* a map new in this build */
		ret = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (ret) {
			snprintf(err, err_len, "cannot reuse pinned %s: %s",
				 path, strerror(-ret));
			return ret;
		}
	}
	return 1;
}

/* Pin the maps that are not pinned yet (all of them on a fresh start). */
static int maps_pin(struct loader *ld, char *err, size_t err_len)
{
	char path[PATH_MAX];
	struct bpf_map *map;
	int ret;

	bpf_object__for_each_map(map, ld->skel->obj)
	{
		ret = map_pin_path(ld, map, path, sizeof(path));
		if (ret < 0)
			return ret;
		if (ret || access(path, F_OK) == 0)
			continue;
		ret = bpf_map__pin(map, path);
		if (ret) {
			snprintf(err, err_len, "cannot pin map at %s: %s", path,
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/*
 * Our links are attached and active: drop the previous daemon's pinned links
 * (that detaches them) and pin ours in their place.
 */
static int links_pin(struct loader *ld, char *err, size_t err_len)
{
	const struct bpf_object_skeleton *sk = ld->skel->skeleton;
	char path[PATH_MAX];
	int i, ret;

	pin__clear(ld->pin_dir, "links");
	for (i = 0; i < sk->prog_cnt; i++) {
		struct bpf_link *link = *sk->progs[i].link;

		if (!link)
			continue;
		ret = pin__path(path, sizeof(path), ld->pin_dir, "links",
				sk->progs[i].name);
		if (!ret)
			ret = bpf_link__pin(link, path);
		if (ret) {
			snprintf(err, err_len, "cannot pin link at %s: %s",
				 path, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int scope_set(struct loader *ld, const char *cgroup, char *err,
		     size_t err_len)
{
	struct statfs st;
	uint32_t zero = 0;
	int fd, ret;

	fd = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, err_len, "--cgroup %s: %s", cgroup,
			 strerror(-ret));
		return ret;
	}
	if (fstatfs(fd, &st) || st.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		snprintf(err, err_len,
			 "--cgroup %s: not a cgroup v2 directory (look for the "
			 "cgroup2 mount in /proc/mounts)",
			 cgroup);
		return -EINVAL;
	}
	ret = bpf_map_update_elem(ld->m.mw_cgroup_scope, &zero, &fd, BPF_ANY);
	if (ret)
		ret = -errno;
	close(fd);
	if (ret) {
		snprintf(err, err_len, "--cgroup %s: scope map update: %s",
			 cgroup, strerror(-ret));
		return ret;
	}
	ld->scoped = true;
	snprintf(ld->scope_path, sizeof(ld->scope_path), "%s", cgroup);
	return 0;
}

/*
 * The maps' fds as the loaded skeleton has them (libbpf's, borrowed until
 * object_release() makes them ours); -1 each when there is no skeleton.
 */
#define MAP_BORROW(name) ld->m.name = bpf_map__fd(ld->skel->maps.name);
#define MAP_FORGET(name) ld->m.name = -1;
static void maps_borrow(struct loader *ld)
{
	LOADER_MAPS(MAP_BORROW)
	ld->fold_drain_fd = bpf_program__fd(ld->skel->progs.mw_fold_drain);
}

static void maps_forget(struct loader *ld)
{
	LOADER_MAPS(MAP_FORGET)
	ld->fold_drain_fd = -1;
}
#undef MAP_BORROW
#undef MAP_FORGET

/* Learn the tgid the hooks see for us (see agent.bpf.c). */
static void whoami(struct loader *ld)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	char ctx[8] = {0};

	opts.ctx_in = ctx;
	opts.ctx_size_in = sizeof(ctx);
	if (bpf_prog_test_run_opts(bpf_program__fd(ld->skel->progs.mw_whoami),
				   &opts) == 0 &&
	    opts.retval > 0) {
		ld->self_tgid = opts.retval;
		ld->self_start = ld->skel->bss->mw_whoami_start;
	}
}

/* Write the settings map; gen decides which programs act. */
static int config_write(struct loader *ld, uint32_t enforce, uint32_t self)
{
	struct mw_config cfg = {.enforce = enforce,
				.self_tgid = self,
				.active_gen = ld->gen,
				.scoped = ld->scoped,
				/* known only for the tgid whoami() saw */
				.self_start = self && self == ld->self_tgid
						  ? ld->self_start
						  : 0};
	uint32_t zero = 0;

	if (bpf_map_update_elem(ld->m.mw_config_map, &zero, &cfg, BPF_ANY))
		return -errno;
	ld->cfg_written = cfg;
	ld->cfg_written_ok = true;
	return 0;
}

/*
 * Root can rewrite the settings map (bpftool map update) and silence every
 * program: clear enforce, point self_tgid at a miner, move active_gen. Read
 * it back and, when it is not what we wrote, put ours back. Returns 1 with
 * *found (what was there) and *want when it differed, 0 when it matched or
 * we have written nothing yet, or a negative errno.
 */
int loader__config_check(struct loader *ld, struct mw_config *found,
			 struct mw_config *want)
{
	uint32_t zero = 0;

	if (!ld->cfg_written_ok)
		return 0;
	if (bpf_map_lookup_elem(ld->m.mw_config_map, &zero, found))
		return -errno;
	*want = ld->cfg_written;
	if (!memcmp(found, want, sizeof(*found)))
		return 0;
	if (bpf_map_update_elem(ld->m.mw_config_map, &zero, want, BPF_ANY))
		return -errno;
	return 1;
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

/*
 * Decide what loads: adopt a previous daemon's pinned maps, stamp our
 * generation, and switch off the programs this kernel cannot run.
 */
static int skel_prepare(struct loader *ld, char *err, size_t err_len)
{
	int ret;

	bpf_program__set_autoattach(ld->skel->progs.mw_whoami, false);
	/* Run on demand (fold_drain.c), never attached. */
	bpf_program__set_autoattach(ld->skel->progs.mw_fold_drain, false);
	if (ld->pin_dir[0] && !ld->replace_pins) {
		ret = state_reuse(ld, err, err_len);
		if (ret < 0)
			return ret;
		ld->adopted = ret > 0;
	}
	ld->skel->rodata->mw_load_gen = ld->gen;
	tracepoints_probe(ld);
	file_sensor_probe(ld);
	programs_choose(ld, ld->try_lsm);
	return 0;
}

/*
 * Load and attach what skel_prepare() chose; when adopting, hand the
 * pinned settings over to our generation.
 */
static int skel_load_attach(struct loader *ld, const struct loader_opts *lo,
			    char *err, size_t err_len)
{
	int ret;

	ret = minerwatch_bpf__load(ld->skel);
	if (ret) {
		snprintf(err, err_len,
			 "loading BPF programs failed: %s (run with -v for the "
			 "verifier log)",
			 strerror(-ret));
		return ret;
	}
	maps_borrow(ld);
	whoami(ld);
	if (lo->cgroup) {
		ret = scope_set(ld, lo->cgroup, err, err_len);
		if (ret)
			return ret;
	}
	/*
	 * Adopting: the pinned settings still name the old generation, so
	 * our programs attach idle next to the old ones, which keep killing
	 * with the old enforce flag until the switch below.
	 */
	ret = minerwatch_bpf__attach(ld->skel);
	if (ret) {
		snprintf(err, err_len, "attaching BPF programs failed: %s",
			 strerror(-ret));
		return ret;
	}
	if (ld->adopted) {
		ret = config_write(ld, ld->old_enforce, ld->self_tgid);
		if (ret) {
			snprintf(err, err_len,
				 "switching to the new programs failed: %s",
				 strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* The three rings, in enum LOADER_RING_* order. */
static struct bpf_map *ring_map(const struct loader *ld, int i)
{
	return i == LOADER_RING_EVENTS	 ? ld->skel->maps.mw_events
	       : i == LOADER_RING_ALERTS ? ld->skel->maps.mw_alerts
					 : ld->skel->maps.mw_findings;
}

static int ring_fd(const struct loader *ld, int i)
{
	return i == LOADER_RING_EVENTS	 ? ld->m.mw_events
	       : i == LOADER_RING_ALERTS ? ld->m.mw_alerts
					 : ld->m.mw_findings;
}

/*
 * Ring sizes the operator chose (--ring-size). Not when adopting a
 * previous daemon's pinned rings: they keep the size they were made with
 * (and the records in them).
 */
static int rings_size(struct loader *ld, const struct loader_opts *lo,
		      char *err, size_t err_len)
{
	int i, ret;

	for (i = 0; i < LOADER_RINGS; i++) {
		if (!lo->ring_bytes[i] || ld->adopted)
			continue;
		ret = bpf_map__set_max_entries(ring_map(ld, i),
					       lo->ring_bytes[i]);
		if (ret) {
			snprintf(err, err_len, "ring size %u: %s",
				 lo->ring_bytes[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

json_t *loader__rings_json(const struct loader *ld)
{
	return json_pack("{s:I,s:I,s:I}", "events",
			 (json_int_t)ld->ring_bytes[LOADER_RING_EVENTS],
			 "alerts", (json_int_t)ld->ring_bytes[LOADER_RING_ALERTS],
			 "findings",
			 (json_int_t)ld->ring_bytes[LOADER_RING_FINDINGS]);
}

/*
 * open + (adopt) + load + attach; the skeleton is ld's on success and
 * destroyed (ld->skel NULL) on error.
 */
static int skel_setup(struct loader *ld, const struct loader_opts *lo,
		      char *err, size_t err_len)
{
	int ret;

	ld->skel = minerwatch_bpf__open();
	if (!ld->skel) {
		ret = -errno;
		snprintf(err, err_len, "opening the BPF object failed: %s",
			 strerror(-ret));
		return ret;
	}
	ret = skel_prepare(ld, err, err_len);
	if (!ret)
		ret = rings_size(ld, lo, err, err_len);
	if (ret)
		goto err_destroy_skel;
	ret = skel_load_attach(ld, lo, err, err_len);
	if (ret)
		goto err_destroy_skel;
	return 0;

err_destroy_skel:
	minerwatch_bpf__destroy(ld->skel);
	ld->skel = NULL;
	maps_forget(ld);
	return ret;
}

/*
 * skel_setup(), and again without what made it fail when that is an
 * upgrade we can do without: the lsm/ programs, or the adopted state.
 */
static int skel_setup_fallback(struct loader *ld, const struct loader_opts *lo,
			       char *err, size_t err_len)
{
	int ret;

	ld->try_lsm = true;
	ld->file_no_fentry = false;
	ret = skel_setup(ld, lo, err, err_len);
	if (ret && ld->file_fentry) {
		/*
		 * The file sensor's kernel-function set did not load or
		 * attach: the tracepoint set sees the same (first, so that
		 * prevention is not given up for the sensor's sake).
		 */
		fprintf(stderr,
			"minerwatch: file sensor on kernel functions failed "
			"(%s); using the syscall tracepoints\n",
			err);
		ld->file_no_fentry = true;
		ret = skel_setup(ld, lo, err, err_len);
	}
	if (ret && ld->lsm_on) {
		/*
		 * The probe said yes but the real programs did not make it
		 * (verifier, attach): prevention is an upgrade, never a
		 * reason not to monitor. Retry on the tracepoint path.
		 */
		snprintf(ld->lsm_off, sizeof(ld->lsm_off),
			 "lsm programs failed: %.300s", err);
		fprintf(stderr,
			"minerwatch: %s; falling back to kill at exec\n",
			ld->lsm_off);
		ld->try_lsm = false;
		ret = skel_setup(ld, lo, err, err_len);
	}
	if (ret && ld->adopted) {
		/* e.g. a map of another shape after an upgrade */
		fprintf(stderr,
			"minerwatch: cannot adopt the pinned state in %s (%s): "
			"loading fresh and replacing it\n",
			ld->pin_dir, err);
		ld->adopted = false;
		ld->replace_pins = true;
		ld->gen = 0;
		ret = skel_setup(ld, lo, err, err_len);
	}
	return ret;
}

/*
 * Pin our maps and links (when pinning), in place of a previous daemon's
 * incompatible maps and of its links.
 */
static int state_pin(struct loader *ld, char *err, size_t err_len)
{
	int ret;

	if (!ld->pin_dir[0])
		return 0;
	if (ld->replace_pins)
		pin__clear(ld->pin_dir, "maps");
	ret = maps_pin(ld, err, err_len);
	if (!ret)
		ret = links_pin(ld, err, err_len);
	return ret;
}

/* One epoll set over the rings' map fds (readable: records to read). */
static int rings_epoll(struct loader *ld)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int i;

	ld->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ld->epfd < 0)
		return -errno;
	for (i = 0; i < LOADER_RINGS; i++) {
		ev.data.u32 = i;
		if (epoll_ctl(ld->epfd, EPOLL_CTL_ADD, ld->rings[i].map_fd,
			      &ev))
			return -errno;
	}
	return 0;
}

/* Free what rings_open() made; fine on a partial or no setup. */
static void rings_close(struct loader *ld)
{
	int i;

	if (ld->epfd >= 0)
		close(ld->epfd);
	ld->epfd = -1;
	for (i = 0; i < LOADER_RINGS; i++)
		ring__close(&ld->rings[i]);
}

/*
 * Telemetry is read apart from the rest, so that a finding (a
 * watched-file change, on its own ring) is judged only after the exec and
 * fork records written before it: loader__sync() drains telemetry first,
 * and every poll does too. Our own consumer (kernel/ring.h) maps each
 * ring's data once. On error nothing is left open.
 */
static int rings_open(struct loader *ld, loader_record_fn fn, void *ctx,
		      char *err, size_t err_len)
{
	int i, ret = 0;

	ld->epfd = -1;
	for (i = 0; i < LOADER_RINGS && !ret; i++)
		ret = ring__open(&ld->rings[i], ring_fd(ld, i), fn, ctx);
	if (!ret)
		ret = rings_epoll(ld);
	if (ret) {
		snprintf(err, err_len, "ring buffer setup failed: %s",
			 strerror(-ret));
		rings_close(ld);
	}
	return ret;
}

/*
 * A new loader with the pin dir prepared (when pinning) and the kernel's
 * features probed; freed by the caller.
 */
static int loader_new(const struct loader_opts *lo, struct loader **out,
		      char *err, size_t err_len)
{
	struct loader *ld;
	int ret;

	ld = calloc(1, sizeof(*ld));
	if (!ld)
		return -ENOMEM;
	ld->epfd = -1;
	maps_forget(ld);
	ld->ncpu = libbpf_num_possible_cpus();
	if (ld->ncpu <= 0) {
		ret = ld->ncpu ? ld->ncpu : -EINVAL;
		snprintf(err, err_len, "cannot count CPUs: %s", strerror(-ret));
		goto err_free;
	}
	if (lo->pin_dir) {
		if (strlen(lo->pin_dir) >= sizeof(ld->pin_dir) - 64) {
			ret = -ENAMETOOLONG;
			snprintf(err, err_len, "pin dir too long: %s",
				 lo->pin_dir);
			goto err_free;
		}
		strcpy(ld->pin_dir, lo->pin_dir);
		ret = pin__prepare(ld->pin_dir, err, err_len);
		if (ret)
			goto err_free;
	}
	features__probe(&ld->feat);
	*out = ld;
	return 0;

err_free:
	free(ld);
	return ret;
}

/*
 * The BPF object built into this binary (~2.9 MB, most of it line info)
 * is read only while loading. Its pages are the binary's own, clean and
 * read-only: dropping them takes them off our RSS and leaves them in the
 * page cache; a later read (a fallback load) faults them back unchanged.
 */
static void elf_bytes_release(void)
{
	size_t sz = 0;
	uintptr_t p = (uintptr_t)minerwatch_bpf__elf_bytes(&sz);
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (p + pg - 1) & ~(pg - 1), e = (p + sz) & ~(pg - 1);

	if (e > a)
		madvise((void *)a, e - a, MADV_DONTNEED);
}

static json_t *hooks_json_build(const struct loader *ld);
static void loader_free(struct loader *ld);

/*
 * Once loaded, attached and pinned, what the daemon needs of the BPF
 * object is fds: the maps', the on-demand program's, the links. libbpf's
 * object (every program's instructions, our BTF: ~2 MiB of heap) is
 * closed here and its memory given back; the kernel keeps the programs
 * for the links, and the maps for our fds (and pins).
 */
#define MAP_DUP(name)                                                          \
	m.name = ld->m.name < 0 ? -1 : fcntl(ld->m.name, F_DUPFD_CLOEXEC, 3);  \
	if (ld->m.name >= 0 && m.name < 0 && !ret)                             \
		ret = -errno;
#define MAP_UNDUP(name)                                                        \
	if (m.name >= 0)                                                       \
		close(m.name);
static int object_release(struct loader *ld, char *err, size_t err_len)
{
	const struct bpf_object_skeleton *sk = ld->skel->skeleton;
	struct loader_maps m;
	int i, fold = -1, ret = 0;

	for (i = 0; i < LOADER_RINGS; i++)
		ld->ring_bytes[i] = bpf_map__max_entries(ring_map(ld, i));
	ld->hooks_json = hooks_json_build(ld);
	ld->links = calloc(sk->prog_cnt + 1, sizeof(*ld->links));
	if (!ld->hooks_json || !ld->links)
		ret = -ENOMEM;
	LOADER_MAPS(MAP_DUP)
	if (!ret && ld->fold_drain_fd >= 0) {
		fold = fcntl(ld->fold_drain_fd, F_DUPFD_CLOEXEC, 3);
		if (fold < 0)
			ret = -errno;
	}
	if (ret) {
		LOADER_MAPS(MAP_UNDUP)
		if (fold >= 0)
			close(fold);
		snprintf(err, err_len, "keeping the BPF maps: %s",
			 strerror(-ret));
		return ret;
	}
	for (i = 0; i < sk->prog_cnt; i++) {
		if (*sk->progs[i].link)
			ld->links[ld->n_links++] = *sk->progs[i].link;
		*sk->progs[i].link = NULL; /* ours now */
	}
	minerwatch_bpf__destroy(ld->skel);
	ld->skel = NULL;
	ld->m = m;
	ld->fold_drain_fd = fold;
	malloc_trim(0);
	return 0;
}
#undef MAP_DUP
#undef MAP_UNDUP

int loader__open(const struct loader_opts *lo, loader_record_fn fn, void *ctx,
		 struct loader **out, char *err, size_t err_len)
{
	struct loader *ld;
	int ret;

	verbose_libbpf = lo->verbose;
	libbpf_set_print(libbpf_print);
	/* BPF memory is charged to the memcg on >= 5.11; no RLIMIT_MEMLOCK. */
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	ret = loader_new(lo, &ld, err, err_len);
	if (ret)
		return ret;
	ret = skel_setup_fallback(ld, lo, err, err_len);
	if (ret)
		goto err_free;
	/*
	 * Loading parsed the kernel's BTF more than once (ours and libbpf's
	 * copies, several MiB each, all freed by now): give those pages back
	 * before the rings are mapped, so the two never add up in the peak.
	 */
	malloc_trim(0);
	elf_bytes_release();
	ret = state_pin(ld, err, err_len);
	if (ret)
		goto err_destroy_skel;
	ret = cgroup_attach(ld, err, err_len);
	if (!ret) {
		hooks_describe(ld);
		ret = object_release(ld, err, err_len);
	}
	if (!ret)
		ret = rings_open(ld, fn, ctx, err, err_len);
	if (ret)
		goto err_free_all;
	*out = ld;
	return 0;

err_free_all: /* links, cgroup links, maps, skeleton if still there */
	loader_free(ld);
	return ret;
err_destroy_skel:
	minerwatch_bpf__destroy(ld->skel);
err_free:
	free(ld);
	return ret;
}

/*
 * Pinned links outlive our fds: they keep acting on the settings as they
 * are, less the self filter (our pid may be reused). Only while ours are
 * the active programs: a newer daemon that took over owns the settings.
 */
static void self_filter_clear(struct loader *ld)
{
	struct mw_config cfg;
	uint32_t zero = 0;

	if (ld->m.mw_config_map >= 0 &&
	    !bpf_map_lookup_elem(ld->m.mw_config_map, &zero, &cfg) &&
	    cfg.active_gen == ld->gen) {
		cfg.self_tgid = 0;
		bpf_map_update_elem(ld->m.mw_config_map, &zero, &cfg, BPF_ANY);
		ld->cfg_written_ok = false;
	}
}

/*
 * Detaching is slow one link at a time: the last perf-event program on a
 * syscall tracepoint waits out RCU grace periods as it goes
 * (tracepoint_synchronize_unregister), ~70 ms each here, 2.2 s for our
 * ~30. The kernel holds event_mutex across that wait, so those still go
 * one after another; closing from several threads lets every other link
 * (tp_btf, raw_tp, cgroup) go meanwhile: 1.4-1.5 s. Each thread takes
 * every DETACHERS-th link.
 */
#define DETACHERS 8

struct detach_job {
	struct bpf_link **links;
	int n, first;
};

static void *detach_some(void *arg)
{
	const struct detach_job *j = arg;
	int i;

	for (i = j->first; i < j->n; i += DETACHERS)
		bpf_link__destroy(j->links[i]);
	return NULL;
}

static void links_detach(struct loader *ld)
{
	const struct bpf_object_skeleton *sk = ld->skel ? ld->skel->skeleton : NULL;
	struct detach_job jobs[DETACHERS];
	pthread_t tid[DETACHERS];
	bool started[DETACHERS] = {0};
	struct bpf_link **links;
	int i, n = 0;

	links = calloc((sk ? sk->prog_cnt : 0) + ld->n_links +
			   ld->n_cg_links + 1,
		       sizeof(*links));
	if (!links) { /* one at a time */
		for (i = 0; i < ld->n_links; i++)
			bpf_link__destroy(ld->links[i]);
		ld->n_links = 0;
		cgroup_detach(ld);
		return; /* the skeleton's go with it */
	}
	for (i = 0; sk && i < sk->prog_cnt; i++) {
		if (*sk->progs[i].link)
			links[n++] = *sk->progs[i].link;
		*sk->progs[i].link = NULL; /* ours now, not the skeleton's */
	}
	for (i = 0; i < ld->n_links; i++)
		links[n++] = ld->links[i];
	ld->n_links = 0;
	for (i = 0; i < ld->n_cg_links; i++)
		links[n++] = ld->cg_links[i];
	ld->n_cg_links = 0;
	for (i = 0; i < DETACHERS && i < n; i++) {
		jobs[i] = (struct detach_job){.links = links, .n = n, .first = i};
		started[i] = !pthread_create(&tid[i], NULL, detach_some, &jobs[i]);
		if (!started[i]) /* no thread: this one does its share */
			detach_some(&jobs[i]);
	}
	for (i = 0; i < DETACHERS; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
	free(links);
}

/* Everything but the rings: links, maps (ours or the skeleton's), ld. */
#define MAP_CLOSE(name)                                                        \
	if (ld->m.name >= 0)                                                   \
		close(ld->m.name);
static void loader_free(struct loader *ld)
{
	links_detach(ld);
	if (ld->skel) {
		minerwatch_bpf__destroy(ld->skel); /* its fds were borrowed */
	} else {
		LOADER_MAPS(MAP_CLOSE)
		if (ld->fold_drain_fd >= 0)
			close(ld->fold_drain_fd);
	}
	json_decref(ld->hooks_json);
	free(ld->links);
	free(ld);
}
#undef MAP_CLOSE

void loader__destroy(struct loader *ld)
{
	if (!ld)
		return;
	rings_close(ld);
	if (ld->pin_dir[0])
		self_filter_clear(ld);
	loader_free(ld);
}

bool loader__adopted(const struct loader *ld)
{
	return ld->adopted;
}

uint32_t loader__self_tgid(const struct loader *ld)
{
	return ld->self_tgid;
}

int loader__detach_all(const char *pin_dir, char *err, size_t err_len)
{
	int links, maps;

	links = pin__clear(pin_dir, "links");
	maps = links < 0 ? 0 : pin__clear(pin_dir, "maps");
	if (links < 0 || maps < 0) {
		int ret = links < 0 ? links : maps;

		snprintf(err, err_len, "cannot remove the pins under %s: %s",
			 pin_dir, strerror(-ret));
		return ret;
	}
	/* The directories go too; a missing pin dir is not an error. */
	{
		char path[PATH_MAX];

		pin__path(path, sizeof(path), pin_dir, "links", "");
		rmdir(path);
		pin__path(path, sizeof(path), pin_dir, "maps", "");
		rmdir(path);
		if (rmdir(pin_dir) && errno != ENOENT) {
			int ret = -errno;

			snprintf(err, err_len, "cannot remove %s: %s", pin_dir,
				 strerror(-ret));
			return ret;
		}
	}
	return links + maps;
}

int loader__sync(struct loader *ld)
{
	return (int)ring__consume(&ld->rings[LOADER_RING_EVENTS]);
}

uint64_t loader__rings_unjoined(const struct loader *ld)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < LOADER_RINGS; i++)
		n += ld->rings[i].unjoined;
	return n;
}

int loader__poll(struct loader *ld, int timeout_ms)
{
	struct epoll_event ev[LOADER_RINGS];
	int64_t n, total = 0;
	int i;

	n = epoll_wait(ld->epfd, ev, LOADER_RINGS, timeout_ms);
	if (n < 0)
		return -errno;
	/* Every ring, telemetry first (see loader__sync()). */
	for (i = 0; i < LOADER_RINGS; i++) {
		n = ring__consume(&ld->rings[i]);
		if (n < 0)
			return (int)n;
		total += n;
	}
	return total > INT_MAX ? INT_MAX : (int)total;
}

int loader__set_config(struct loader *ld, bool enforce, uint32_t self_tgid)
{
	return config_write(ld, enforce,
			    ld->self_tgid ? ld->self_tgid : self_tgid);
}

int loader__read_stats(struct loader *ld, uint64_t *out)
{
	uint64_t vals[ld->ncpu];
	uint32_t i;
	int c;

	for (i = 0; i < MW_STAT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(ld->m.mw_stats, &i, vals))
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

static json_t *hooks_json_build(const struct loader *ld)
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
	json_object_set_new(o, "file", json_string(ld->file_mode));
	json_object_set_new(o, "programs", progs);
	return o;
}

json_t *loader__hooks_json(const struct loader *ld)
{
	return ld->hooks_json ? json_deep_copy(ld->hooks_json) : NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * kernel_features.c - probe which BPF program types this kernel allows.
 *
 * Kernels differ in what they build (kprobes), what they permit (fentry and
 * BPF-LSM are refused with EPERM on some hardened kernels even to root) and
 * what they run (BPF-LSM needs "bpf" among the active LSMs). Asking libbpf
 * whether a program type exists is not enough for the BTF-attached types,
 * so those get a trial load and attach of a program that returns 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "report/jsonx.h"
#include "kernel/kernel_features.h"

#define SECURITYFS "/sys/kernel/security"

static const char *const names[FEAT_MAX] = {
    [FEAT_TP_BTF] = "tp_btf",
    [FEAT_TRACEPOINT] = "tracepoint",
    [FEAT_RAW_TP] = "raw_tp",
    [FEAT_KPROBE] = "kprobe",
    [FEAT_FENTRY] = "fentry",
    [FEAT_LSM] = "lsm",
    [FEAT_CGROUP_SOCK_ADDR] = "cgroup_sock_addr",
    [FEAT_RINGBUF] = "ringbuf",
};

const char *feature__name(enum feature ft)
{
	return ft < FEAT_MAX ? names[ft] : "?";
}

static void missing(struct features *f, enum feature ft, const char *fmt,
		    const char *arg)
{
	f->have[ft] = false;
	snprintf(f->why[ft], sizeof(f->why[ft]), fmt, arg);
}

/*
 * Load (and for BTF-attached types attach) "r0 = 0; exit" as type at the
 * BTF object btf_name of kind. Returns 0 or a negative errno.
 */
static int trial(const struct btf *vmlinux, enum bpf_prog_type type,
		 enum bpf_attach_type eat, const char *btf_name, int kind)
{
	const struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = eat);
	int fd, lfd, id, ret = 0;

	if (btf_name) {
		if (!vmlinux)
			return -ENOENT;
		id = btf__find_by_name_kind(vmlinux, btf_name, kind);
		if (id < 0)
			return -ENOENT;
		o.attach_btf_id = id;
	}
	fd = bpf_prog_load(type, NULL, "GPL", insns, 2, &o);
	if (fd < 0)
		return -errno;
	if (btf_name) {
		/*
		 * Some kernels load these and refuse the attach: attach too,
		 * for the instant it takes (the program allows everything).
		 */
		lfd = bpf_raw_tracepoint_open(NULL, fd);
		if (lfd < 0)
			ret = -errno;
		else
			close(lfd);
	}
	close(fd);
	return ret;
}

/* Read the active LSM list, mounting securityfs if nobody has. */
static void lsm_read(struct features *f)
{
	char path[] = SECURITYFS "/lsm";
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT &&
	    mount("securityfs", SECURITYFS, "securityfs", 0, NULL) == 0)
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, f->lsm_active, sizeof(f->lsm_active) - 1);
	close(fd);
	f->lsm_active[n > 0 ? n : 0] = '\0';
	f->lsm_active[strcspn(f->lsm_active, "\n")] = '\0';
}

static bool lsm_listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void probe_btf_type(struct features *f, const struct btf *vmlinux,
			   enum feature ft, enum bpf_prog_type type,
			   enum bpf_attach_type eat, const char *name, int kind)
{
	int err = trial(vmlinux, type, eat, name, kind);

	f->have[ft] = !err;
	if (err == -ENOENT)
		missing(f, ft, "%s not in the kernel's BTF", name);
	else if (err)
		missing(f, ft, "trial load refused: %s", strerror(-err));
}

/* Which of the hooks bpf/lsm.bpf.c uses this kernel has (path hooks need
 * CONFIG_SECURITY_PATH). */
static void lsm_hooks_find(struct features *f, const struct btf *vmlinux)
{
	static const char *const hooks[] = {
	    "bprm_check_security", "socket_connect", "file_open",
	    "path_truncate",	   "path_unlink",    "path_rename",
	    "path_mknod",
	};
	char name[64];
	size_t i, used = 0;

	for (i = 0; vmlinux && i < sizeof(hooks) / sizeof(hooks[0]); i++) {
		snprintf(name, sizeof(name), "bpf_lsm_%s", hooks[i]);
		if (btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) < 0)
			continue;
		used +=
		    snprintf(f->lsm_hooks + used, sizeof(f->lsm_hooks) - used,
			     "%s%s", used ? "," : "", hooks[i]);
	}
}

void features__probe(struct features *f)
{
	struct btf *vmlinux;
	struct utsname u;
	int i;

	memset(f, 0, sizeof(*f));
	if (uname(&u) == 0)
		snprintf(f->kernel, sizeof(f->kernel), "%s", u.release);
	/* NULL when the kernel has no BTF: the BTF-typed probes fail. */
	vmlinux = btf__load_vmlinux_btf();

	probe_btf_type(f, vmlinux, FEAT_TP_BTF, BPF_PROG_TYPE_TRACING,
		       BPF_TRACE_RAW_TP, "btf_trace_sched_process_exec",
		       BTF_KIND_TYPEDEF);
	probe_btf_type(f, vmlinux, FEAT_FENTRY, BPF_PROG_TYPE_TRACING,
		       BPF_TRACE_FENTRY, "security_file_open", BTF_KIND_FUNC);

	lsm_read(f);
	if (f->lsm_active[0] && !lsm_listed(f->lsm_active, "bpf"))
		missing(f, FEAT_LSM, "\"bpf\" is not an active LSM (%s)",
			f->lsm_active);
	else
		probe_btf_type(f, vmlinux, FEAT_LSM, BPF_PROG_TYPE_LSM,
			       BPF_LSM_MAC, "bpf_lsm_bprm_check_security",
			       BTF_KIND_FUNC);

	f->have[FEAT_RAW_TP] =
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT, NULL) == 1;
	if (!f->have[FEAT_RAW_TP])
		missing(f, FEAT_RAW_TP, "%s", "program type not supported");

	f->have[FEAT_TRACEPOINT] =
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL) == 1;
	if (!f->have[FEAT_TRACEPOINT])
		missing(f, FEAT_TRACEPOINT, "%s", "program type not supported");
	else if (access("/sys/kernel/tracing/events/syscalls", F_OK) != 0)
		missing(f, FEAT_TRACEPOINT, "%s",
			"no syscall events in /sys/kernel/tracing");

	/* A kernel without CONFIG_KPROBES has no kprobe PMU. */
	f->have[FEAT_KPROBE] =
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_KPROBE, NULL) == 1 &&
	    access("/sys/bus/event_source/devices/kprobe/type", F_OK) == 0;
	if (!f->have[FEAT_KPROBE])
		missing(f, FEAT_KPROBE, "%s", "kprobes not built in");

	f->have[FEAT_CGROUP_SOCK_ADDR] =
	    libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_CGROUP_SOCK_ADDR, NULL) ==
	    1;
	if (!f->have[FEAT_CGROUP_SOCK_ADDR])
		missing(f, FEAT_CGROUP_SOCK_ADDR, "%s",
			"program type not supported");

	f->have[FEAT_RINGBUF] =
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1;
	if (!f->have[FEAT_RINGBUF])
		missing(f, FEAT_RINGBUF, "%s", "map type not supported");

	for (i = 0; i < FEAT_MAX; i++)
		if (f->have[i])
			f->why[i][0] = '\0';
	lsm_hooks_find(f, vmlinux);
	btf__free(vmlinux);
}

bool features__lsm_hook(const struct features *f, const char *hook)
{
	return lsm_listed(f->lsm_hooks, hook);
}

json_t *features__json(const struct features *f)
{
	json_t *o = json_object(), *why = json_object();
	int i;

	json_object_set_new(o, "kernel", json_string(f->kernel));
	json_object_set_new(o, "lsm_active", json_string(f->lsm_active));
	for (i = 0; i < FEAT_MAX; i++) {
		json_object_set_new(o, names[i], json_boolean(f->have[i]));
		if (!f->have[i])
			json_object_set_new(why, names[i],
					    json_string(f->why[i]));
	}
	json_object_set_new(o, "missing", why);
	return o;
}

int features__print(void)
{
	struct features f;
	json_t *o;
	char *s;

	features__probe(&f);
	o = features__json(&f);
	/* What the loader would choose from this (see loader.c). */
	jsonx_set_path(o, "choice.exec",
		       json_string("tp_btf/sched_process_exec"));
	jsonx_set_path(o, "choice.exec_deny",
		       json_string(f.have[FEAT_LSM] ? "lsm/bprm_check_security"
						    : "tp_btf+SIGKILL"));
	jsonx_set_path(o, "choice.connect_deny",
		       json_string(f.have[FEAT_LSM] && features__lsm_hook(
							   &f, "socket_connect")
				       ? "lsm/socket_connect"
				       : "none"));
	jsonx_set_path(
	    o, "choice.file_deny",
	    json_string(f.have[FEAT_LSM] && features__lsm_hook(&f, "file_open")
			    ? "lsm/file_open"
			    : "none"));
	jsonx_set_path(o, "lsm_hooks", json_string(f.lsm_hooks));
	s = json_dumps(o, JSON_INDENT(2));
	json_decref(o);
	if (!s)
		return -ENOMEM;
	printf("%s\n", s);
	free(s);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kernel_features.h - what this kernel lets us load, probed once at start.
 *
 * The loader chooses a hook per sensor and per kind of enforcement from
 * this: BPF-LSM refuses (EPERM) where it loads, the tracepoint path kills
 * where it does not. Probes are trial loads (and, where the kernel refuses
 * only at attach time, trial attaches) of two-instruction programs that
 * return 0, closed at once.
 */
#ifndef MW_KERNEL_FEATURES_H
#define MW_KERNEL_FEATURES_H

#include <stdbool.h>

#include <jansson.h>

enum feature {
	FEAT_TP_BTF,	       /* BTF-typed raw tracepoints (tp_btf/...) */
	FEAT_TRACEPOINT,       /* classic tracepoints (tracefs events) */
	FEAT_RAW_TP,	       /* raw tracepoints */
	FEAT_KPROBE,	       /* kprobes/kretprobes */
	FEAT_FENTRY,	       /* fentry/fexit trampolines */
	FEAT_LSM,	       /* BPF-LSM: bpf active and lsm/ loads */
	FEAT_CGROUP_SOCK_ADDR, /* cgroup/connect4 & co. */
	FEAT_RINGBUF,	       /* BPF ring buffer maps */
	FEAT_MAX,
};

struct features {
	bool have[FEAT_MAX];
	/* Why a feature is missing: "" when present. */
	char why[FEAT_MAX][320];
	char lsm_active[256]; /* /sys/kernel/security/lsm, "" if unread */
	char kernel[65];      /* uname -r */
	char lsm_hooks[256];  /* our lsm/ hooks the kernel's BTF has */
};

/* Probe everything; never fails (a failed probe is a missing feature). */
void features__probe(struct features *f);

/* "tp_btf", "fentry", ...: the names used in reports. */
const char *feature__name(enum feature ft);

/*
 * True when vmlinux BTF has the BPF-LSM hook function bpf_lsm_<hook>
 * (path hooks need CONFIG_SECURITY_PATH, for example).
 */
bool features__lsm_hook(const struct features *f, const char *hook);

/*
 * {"kernel": "6.1.0-...", "lsm_active": "...", "tp_btf": true, ...,
 *  "missing": {"fentry": "why"}}. A new reference, owned by the caller.
 */
json_t *features__json(const struct features *f);

/*
 * Probe and print the result with the hooks the loader would choose, as
 * JSON on stdout (--features, --version --verbose). Returns 0 or -ENOMEM.
 */
int features__print(void);

#endif /* MW_KERNEL_FEATURES_H */

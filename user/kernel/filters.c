// SPDX-License-Identifier: GPL-2.0-only
/*
 * filters.c - the kernel filters: write into the BPF maps what the rule
 * engine derived from the rules (exec deny names, blocked ports and
 * networks, the stratum cut, file watch entries, protected inodes) and
 * what the command line denies. Entries carry the generation that wrote
 * them; a new rule set is written first and the older entries pruned
 * after, so there is no moment without a filter.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/loader.h"
#include "kernel/loader_int.h"
#include "rules/file_watch.h"
#include "rules/rules.h"

/* --- exec deny names ---------------------------------------------------- */

struct deny_fill {
	int map;
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
	if (bpf_map_update_elem(f->map, key, &val, BPF_ANY)) {
		if (!f->err)
			f->err = -errno;
		return;
	}
	f->n++;
}

/* Delete entries of map whose generation is not gen. */
static void deny_prune(int map, uint32_t gen)
{
	char key[MW_DENY_NAME], next[MW_DENY_NAME];
	struct mw_deny val;
	void *prev = NULL;

	while (bpf_map_get_next_key(map, prev, next) == 0) {
		if (bpf_map_lookup_elem(map, next, &val) == 0 &&
		    val.rules_gen != gen) {
			/* Deleting the current key would restart iteration. */
			if (bpf_map_delete_elem(map, next) ==
			    0)
				continue;
		}
		memcpy(key, next, sizeof(key));
		prev = key;
	}
}

/* --- network block maps ------------------------------------------------ */

struct net_fill {
	struct loader *ld;
	uint32_t gen;
	int n;
	int err;
};

static void net_fill_err(struct net_fill *f)
{
	if (!f->err)
		f->err = -errno;
}

static void net_port_add(uint32_t lo, uint32_t hi, int rule_idx, void *ctx)
{
	struct net_fill *f = ctx;
	struct mw_net_block v = {.rule_idx = rule_idx, .rules_gen = f->gen};
	uint32_t p;

	for (p = lo; p <= hi && p <= 65535; p++) {
		if (bpf_map_update_elem(f->ld->m.mw_net_block_ports, &p, &v, BPF_ANY))
			return net_fill_err(f);
		f->n++;
	}
}

static int net_addr_add(struct loader *ld, int family, const uint8_t *addr,
			int bits, int rule_idx, uint32_t gen)
{
	struct mw_net_block v = {.rule_idx = rule_idx, .rules_gen = gen};
	int ret;

	if (family == AF_INET) {
		struct mw_lpm_v4 k = {.prefixlen = bits};

		memcpy(k.addr, addr, 4);
		ret = bpf_map_update_elem(ld->m.mw_net_block_v4, &k, &v, BPF_ANY);
	} else {
		struct mw_lpm_v6 k = {.prefixlen = bits};

		memcpy(k.addr, addr, 16);
		ret = bpf_map_update_elem(ld->m.mw_net_block_v6, &k, &v, BPF_ANY);
	}
	return ret ? -errno : 0;
}

static void net_cidr_add(int family, const uint8_t *addr, int bits,
			 int rule_idx, void *ctx)
{
	struct net_fill *f = ctx;
	int ret = net_addr_add(f->ld, family, addr, bits, rule_idx, f->gen);

	if (ret && !f->err)
		f->err = ret;
	f->n += !ret;
}

int loader__net_block_addr(struct loader *ld, int family, const uint8_t *addr,
			   int rule_idx, uint32_t gen)
{
	return net_addr_add(ld, family, addr, family == AF_INET ? 32 : 128,
			    rule_idx, gen);
}

/* Delete entries of a block map (any key size) not written by gen. */
static void net_prune(int map, size_t ksz, uint32_t gen)
{
	uint8_t key[32], next[32];
	struct mw_net_block val;
	void *prev = NULL;

	while (bpf_map_get_next_key(map, prev, next) == 0) {
		if (bpf_map_lookup_elem(map, next, &val) == 0 &&
		    val.rules_gen != gen &&
		    bpf_map_delete_elem(map, next) == 0)
			continue; /* prev still leads to what followed */
		memcpy(key, next, ksz);
		prev = key;
	}
}

static int net_apply_rules(struct loader *ld, const struct rules *rs,
			   uint32_t gen)
{
	struct net_fill f = {.ld = ld, .gen = gen};
	struct mw_net_config nc = {
	    .report_loopback = getenv("MINERWATCH_NET_LOOPBACK") != NULL,
	};
	uint32_t zero = 0;

	nc.stratum_drop = rules__cuts_stratum(rs);

	rules__net_blocks(rs, net_port_add, net_cidr_add, &f);
	net_prune(ld->m.mw_net_block_ports, sizeof(uint32_t), gen);
	net_prune(ld->m.mw_net_block_v4, sizeof(struct mw_lpm_v4),
		  gen);
	net_prune(ld->m.mw_net_block_v6, sizeof(struct mw_lpm_v6),
		  gen);
	if (bpf_map_update_elem(ld->m.mw_net_config, &zero, &nc, BPF_ANY) &&
	    !f.err)
		f.err = -errno;
	return f.err;
}

/* --- file sensor watch maps ---------------------------------------------- */

struct watch_fill {
	struct loader *ld;
	const struct rules *rs;
	uint32_t gen;
	int n;
	int err;
};

/*
 * The value of prefix entry key for rule rule_idx: the generation, with
 * MW_WATCH_EXEC_ONLY while every rule that put the entry there in this
 * generation wants only executables (one that wants any file clears it).
 */
static uint32_t watch_value(struct watch_fill *f, const struct mw_watch_key *key,
			    int rule_idx)
{
	uint32_t old;

	if (!rules__file_rule_wants_executable(f->rs, rule_idx))
		return f->gen;
	if (bpf_map_lookup_elem(f->ld->m.mw_file_prefixes, key, &old) == 0 &&
	    (old & ~MW_WATCH_EXEC_ONLY) == f->gen && !(old & MW_WATCH_EXEC_ONLY))
		return f->gen;
	return f->gen | MW_WATCH_EXEC_ONLY;
}

static void watch_add(enum rules_watch_op op, const char *value, int rule_idx,
		      void *ctx)
{
	struct watch_fill *f = ctx;
	struct loader *ld = f->ld;
	struct file_watch_entry we;
	struct mw_watch_key key;
	char name[MW_WATCH_NAME];
	uint32_t val;
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
		val = watch_value(f, &key, rule_idx);
		ret = bpf_map_update_elem(ld->m.mw_file_prefixes, &key, &val, BPF_ANY);
	} else {
		memset(name, 0, sizeof(name));
		memcpy(name, we.key, sizeof(name));
		ret = bpf_map_update_elem(we.kind & MW_WATCH_NAME ? ld->m.mw_file_names
					    : ld->m.mw_file_dirnames, name, &f->gen, BPF_ANY);
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
static void watch_prune(int map, size_t key_size, uint32_t gen)
{
	char key[sizeof(struct mw_watch_key)], next[sizeof(key)];
	void *prev = NULL;
	uint32_t val;

	while (bpf_map_get_next_key(map, prev, next) == 0) {
		if (bpf_map_lookup_elem(map, next, &val) == 0 &&
		    (val & ~MW_WATCH_EXEC_ONLY) != gen &&
		    bpf_map_delete_elem(map, next) == 0) {
			/* Restart: entries of gen stay, so this ends. */
			prev = NULL;
			continue;
		}
		memcpy(key, next, key_size);
		prev = key;
	}
}

static int map_count(int map, size_t key_size)
{
	char key[sizeof(struct mw_watch_key)], next[sizeof(key)];
	void *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(map, prev, next) == 0) {
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

	rules__file_watch_paths(rs, watch_add, &f, watch_unbounded);
	ld->watch_gen = gen;
	file_aliases_rewatch(ld, gen); /* links into watched places */
	watch_prune(ld->m.mw_file_prefixes, sizeof(struct mw_watch_key),
		    gen);
	watch_prune(ld->m.mw_file_names, MW_WATCH_NAME, gen);
	watch_prune(ld->m.mw_file_dirnames, MW_WATCH_NAME, gen);
	/* Rules share paths: count the distinct entries, not the updates. */
	ld->file_watch_entries =
	    map_count(ld->m.mw_file_prefixes, sizeof(struct mw_watch_key)) +
	    map_count(ld->m.mw_file_names, MW_WATCH_NAME) +
	    map_count(ld->m.mw_file_dirnames, MW_WATCH_NAME);
	return f.err;
}

int loader__file_watch_count(const struct loader *ld)
{
	return ld->file_watch_entries;
}

/* --- deny rules for files: the BPF-LSM protected inodes --------------- */

struct protect_fill {
	struct loader *ld;
	uint32_t gen;
};

/*
 * A deny rule's path becomes a protected inode: lsm/file_open and the path
 * hooks refuse writes, truncation, unlink and rename there (a directory: of
 * its entries). Only what exists now can be protected; the rule still
 * matches (and falls back to a kill where BPF-LSM is missing) for the rest.
 */
static void protect_add(const char *path, int rule_idx, void *ctx)
{
	struct protect_fill *f = ctx;

	loader__protect_path(f->ld, path, rule_idx, f->gen);
}

/* Drop rule entries of older generations; command line ones (-1) stay. */
static void protect_prune(int map, uint32_t gen)
{
	struct mw_inode_key key, next;
	struct mw_deny val;
	void *prev = NULL;

	while (bpf_map_get_next_key(map, prev, &next) == 0) {
		if (bpf_map_lookup_elem(map, &next, &val) == 0 &&
		    val.rule_idx != (uint32_t)-1 && val.rules_gen != gen &&
		    bpf_map_delete_elem(map, &next) == 0)
			continue;
		key = next;
		prev = &key;
	}
}

/*
 * The file operations the kernel may skip when no rule can match them
 * (bpf/common.bpf.h mw_file_ops_off), by their event.action names (as
 * sensors/file_decode.c gives them). Writes, creates, truncations,
 * renames, unlinks and mounts are never skipped: other stages read them
 * too (anchors, drops, incidents).
 */
static const struct {
	uint32_t op;
	const char *action;
} skippable[] = {
    {MW_FILE_OP_LINK, "link"},
    {MW_FILE_OP_SYMLINK, "symlink"},
    {MW_FILE_OP_CHMOD, "chmod"},
    {MW_FILE_OP_CHOWN, "chown"},
    {MW_FILE_OP_CHATTR, "chattr"},
    {MW_FILE_OP_PUNCH_HOLE, "punch-hole"},
    {MW_FILE_OP_COLLAPSE, "collapse-range"},
    {MW_FILE_OP_ZERO_RANGE, "zero-range"},
};
#define N_SKIPPABLE (int)(sizeof(skippable) / sizeof(skippable[0]))

static int file_ops_apply(struct loader *ld, const struct rules *rs)
{
	const char *names[N_SKIPPABLE];
	uint32_t need, off = 0, zero = 0;
	int i;

	for (i = 0; i < N_SKIPPABLE; i++)
		names[i] = skippable[i].action;
	need = ld->all_file_ops ? UINT32_MAX
				: rules__file_actions(rs, names, N_SKIPPABLE);
	for (i = 0; i < N_SKIPPABLE; i++)
		if (!(need & (1u << i)))
			off |= 1u << skippable[i].op;
	ld->file_ops_off = off;
	if (bpf_map_update_elem(ld->m.mw_file_ops_off, &zero, &off, BPF_ANY))
		return -errno;
	return 0;
}

void loader__all_file_ops(struct loader *ld, bool all)
{
	ld->all_file_ops = all;
}

uint32_t loader__file_ops_off(const struct loader *ld)
{
	return ld->file_ops_off;
}

int loader__apply_rules(struct loader *ld, const struct rules *rs, uint32_t gen,
			int *n_names)
{
	/*
	 * Entries are tagged per load generation too, so the prune also drops
	 * what an adopted, older rule set left in the pinned maps.
	 */
	struct deny_fill f = {.map = ld->m.mw_deny_names,
			      .rs = rs,
			      .gen = ld->gen << 16 | (gen & 0xffff)};
	int ret, err;

	/* Add the new set first, then prune the old: no window without it. */
	rules__exec_deny_names(rs, deny_name_add, &f);
	deny_prune(f.map, f.gen);
	if (n_names)
		*n_names = f.n;
	ret = net_apply_rules(ld, rs, gen);
	err = file_watch_apply(ld, rs, f.gen);
	if (!err)
		err = file_ops_apply(ld, rs);
	loader__file_anchors_apply(ld, rs); /* best effort: "/" fallback */
	rules__file_deny_paths(rs, protect_add,
			       &(struct protect_fill){ld, f.gen});
	protect_prune(ld->m.mw_protect_inodes, f.gen);
	return f.err ? f.err : ret ? ret : err;
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
		if (bpf_map_update_elem(ld->m.mw_deny_net4, &k4, &v, BPF_ANY))
			return -errno;
		return 0;
	}
	if (family == 6 && prefixlen >= 0 && prefixlen <= 128) {
		memcpy(k6.addr, addr, 16);
		if (bpf_map_update_elem(ld->m.mw_deny_net6, &k6, &v, BPF_ANY))
			return -errno;
		return 0;
	}
	return -EINVAL;
}

int loader__deny_port(struct loader *ld, uint16_t port, int rule_idx,
		      uint32_t gen)
{
	struct mw_deny v = deny_val(rule_idx, gen);

	if (bpf_map_update_elem(ld->m.mw_deny_ports, &port, &v, BPF_ANY))
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
	if (bpf_map_update_elem(ld->m.mw_protect_inodes, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

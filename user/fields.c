/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fields.c - the field table: which values of a decoded event the rules can
 * test. To add fields for a new event kind, write getters below and add rows
 * to field_table[]; the rule engine needs no change.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#include "events.h"
#include "fields.h"
#include "net_event.h"

/* --- exec: the process itself ------------------------------------------ */

static const char *proc_exe(const struct mw_event *ev)
{
	return ev->proc->exe;
}

static const char *proc_name(const struct mw_event *ev)
{
	return ev->proc->name;
}

static const char *proc_cmdline(const struct mw_event *ev)
{
	return ev->proc->cmdline;
}

static const char *proc_cwd(const struct mw_event *ev)
{
	return ev->proc->cwd;
}

/* argv[0] as the caller passed it: "" when the argv was empty. */
/* What execve was given: for a #! script the script, not the interpreter. */
static const char *proc_exec_path(const struct mw_event *ev)
{
	return ev->proc->exec_path;
}

static const char *proc_argv0(const struct mw_event *ev)
{
	const struct mw_process *p = ev->proc;

	if (p->argc > 0 && p->argv && p->argv[0])
		return p->argv[0];
	return "";
}

static const char *proc_comm(const struct mw_event *ev)
{
	return ev->proc->comm;
}

/* "" means "not computed yet" / "not in a container": report missing. */
static const char *proc_sha256(const struct mw_event *ev)
{
	return ev->proc->sha256[0] ? ev->proc->sha256 : NULL;
}

static const char *container_id(const struct mw_event *ev)
{
	return ev->proc->container_id[0] ? ev->proc->container_id : NULL;
}

static int argv_at(const struct mw_process *p, int i, const char **out)
{
	if (!p || !p->argv || i >= p->argc)
		return 0;
	*out = p->argv[i];
	return 1;
}

static int proc_args(const struct mw_event *ev, int i, const char **out)
{
	return argv_at(ev->proc, i, out);
}

static int proc_args_count(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->argc;
	return 0;
}

static int proc_pid(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->pid;
	return 0;
}

static int proc_euid(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->euid;
	return 0;
}

static int proc_uid(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->uid;
	return 0;
}

static int proc_gid(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->gid;
	return 0;
}

/* Raw audit value: 4294967295 when the process has no login session. */
static int proc_loginuid(const struct mw_event *ev, int64_t *out)
{
	*out = ev->proc->loginuid;
	return 0;
}

/*
 * The process cache records the flags; the exec record carries the same
 * facts as seen by the kernel at this exec, so accept either.
 */
static int proc_memfd(const struct mw_event *ev, int64_t *out)
{
	*out = (ev->proc->flags & MW_PROC_MEMFD) ||
	       (ev->kind == MW_KIND_EXEC && (ev->exec_flags & MW_EXEC_MEMFD));
	return 0;
}

static int proc_deleted(const struct mw_event *ev, int64_t *out)
{
	*out = (ev->proc->flags & MW_PROC_DELETED) ||
	       (ev->kind == MW_KIND_EXEC && (ev->exec_flags & MW_EXEC_DELETED));
	return 0;
}

/* --- exec: the parent and the ancestry --------------------------------- */

static const char *parent_exe(const struct mw_event *ev)
{
	return ev->parent ? ev->parent->exe : NULL;
}

static const char *parent_name(const struct mw_event *ev)
{
	return ev->parent ? ev->parent->name : NULL;
}

static const char *parent_cmdline(const struct mw_event *ev)
{
	return ev->parent ? ev->parent->cmdline : NULL;
}

static int parent_args(const struct mw_event *ev, int i, const char **out)
{
	return argv_at(ev->parent, i, out);
}

static int parent_pid(const struct mw_event *ev, int64_t *out)
{
	if (!ev->parent)
		return -ENOENT;
	*out = ev->parent->pid;
	return 0;
}

/* Ancestor i: the parent first (when known), then ev->ancestors[]. */
static const struct mw_process *ancestor_at(const struct mw_event *ev, int i)
{
	if (ev->parent) {
		if (i == 0)
			return ev->parent;
		i--;
	}
	if (!ev->ancestors || i >= ev->n_ancestors)
		return NULL;
	return ev->ancestors[i];
}

static int ancestors_name(const struct mw_event *ev, int i, const char **out)
{
	const struct mw_process *p = ancestor_at(ev, i);

	if (!p)
		return 0;
	*out = p->name;
	return 1;
}

static int ancestors_exe(const struct mw_event *ev, int i, const char **out)
{
	const struct mw_process *p = ancestor_at(ev, i);

	if (!p)
		return 0;
	*out = p->exe;
	return 1;
}

/* For #! scripts the name is the interpreter's; the script is here. */
static int ancestors_exec_path(const struct mw_event *ev, int i,
			       const char **out)
{
	const struct mw_process *p = ancestor_at(ev, i);

	if (!p)
		return 0;
	*out = p->exec_path;
	return 1;
}

/* --- network ------------------------------------------------------------ */

static const char *opt_str(const char *s)
{
	return s && s[0] ? s : NULL;
}

static const char *net_action(const struct mw_event *ev)
{
	return ev->net ? ev->net->action : NULL;
}

static const char *net_direction(const struct mw_event *ev)
{
	return ev->net ? ev->net->direction : NULL;
}

static const char *net_transport(const struct mw_event *ev)
{
	return ev->net ? ev->net->transport : NULL;
}

static const char *net_dst_ip(const struct mw_event *ev)
{
	return ev->net ? opt_str(ev->net->dst_ip) : NULL;
}

static const char *net_src_ip(const struct mw_event *ev)
{
	return ev->net ? opt_str(ev->net->src_ip) : NULL;
}

static const char *net_domain(const struct mw_event *ev)
{
	return ev->net ? ev->net->domain : NULL;
}

static const char *net_method(const struct mw_event *ev)
{
	return ev->net ? ev->net->method : NULL;
}

static const char *net_agent(const struct mw_event *ev)
{
	return ev->net ? opt_str(ev->net->agent) : NULL;
}

static const char *net_sock_family(const struct mw_event *ev)
{
	return ev->net ? ev->net->sock_family : NULL;
}

static const char *net_sock_type(const struct mw_event *ev)
{
	return ev->net ? ev->net->sock_type : NULL;
}

static int net_num(int v, int64_t *out)
{
	if (v <= 0)
		return -ENOENT;
	*out = v;
	return 0;
}

static int net_dst_port(const struct mw_event *ev, int64_t *out)
{
	return ev->net ? net_num(ev->net->dst_port, out) : -ENOENT;
}

static int net_src_port(const struct mw_event *ev, int64_t *out)
{
	return ev->net ? net_num(ev->net->src_port, out) : -ENOENT;
}

static int net_hosts(const struct mw_event *ev, int64_t *out)
{
	return ev->net ? net_num(ev->net->hosts, out) : -ENOENT;
}

static int net_ports(const struct mw_event *ev, int64_t *out)
{
	return ev->net ? net_num(ev->net->ports, out) : -ENOENT;
}

static int net_count(const struct mw_event *ev, int64_t *out)
{
	return ev->net ? net_num(ev->net->count, out) : -ENOENT;
}

static int net_loopback(const struct mw_event *ev, int64_t *out)
{
	if (!ev->net)
		return -ENOENT;
	*out = !!(ev->net->flags & MW_NET_LOOPBACK);
	return 0;
}

/* --- the table ---------------------------------------------------------- */

/* Row helpers: name, the kinds it exists for (K_EXEC | K_NET ...), getter. */
#define K_EXEC FIELD_KIND(MW_KIND_EXEC)
#define K_FILE FIELD_KIND(MW_KIND_FILE)
#define K_NET FIELD_KIND(MW_KIND_NET)
#define K_PROC (K_EXEC | K_NET) /* the process behind an exec or net event */
#define S(n, k, fn)                                                            \
	{                                                                      \
		.name = n, .kinds = k, .type = FIELD_STR, .str = fn            \
	}
#define L(n, k, fn)                                                            \
	{                                                                      \
		.name = n, .kinds = k, .type = FIELD_STRS, .list = fn          \
	}
#define N(n, k, fn)                                                            \
	{                                                                      \
		.name = n, .kinds = k, .type = FIELD_NUM, .num = fn            \
	}
#define B(n, k, fn)                                                            \
	{                                                                      \
		.name = n, .kinds = k, .type = FIELD_BOOL, .num = fn           \
	}
#define A(n, k, fn)                                                            \
	{                                                                      \
		.name = n, .kinds = k, .type = FIELD_IP, .str = fn             \
	}

/*
 * Process fields describe the process that caused the event, so the file
 * and network sensors will want most of them too: widen .kinds then.
 */
/* clang-format off */
static const struct field field_table[] = {
	S("process.executable", K_PROC, proc_exe),
	S("process.name", K_PROC, proc_name),
	S("process.command_line", K_PROC, proc_cmdline),
	L("process.args", K_PROC, proc_args),
	N("process.args_count", K_PROC, proc_args_count),
	S("process.argv0", K_PROC, proc_argv0),
	S("process.working_directory", K_PROC, proc_cwd),
	N("process.pid", K_PROC, proc_pid),
	N("process.user.id", K_PROC, proc_euid),
	N("process.real_user.id", K_PROC, proc_uid),
	N("process.group.id", K_PROC, proc_gid),
	S("process.parent.executable", K_PROC, parent_exe),
	S("process.parent.name", K_PROC, parent_name),
	S("process.parent.command_line", K_PROC, parent_cmdline),
	L("process.parent.args", K_PROC, parent_args),
	N("process.parent.pid", K_PROC, parent_pid),
	L("process.ancestors.name", K_PROC, ancestors_name),
	L("process.ancestors.executable", K_PROC, ancestors_exe),
	L("minerwatch.process.ancestors.exec_path", K_PROC, ancestors_exec_path),
	S("process.hash.sha256", K_PROC, proc_sha256),
	S("container.id", K_PROC, container_id),
	B("minerwatch.process.memfd", K_PROC, proc_memfd),
	B("minerwatch.process.deleted", K_PROC, proc_deleted),
	S("minerwatch.process.comm", K_PROC, proc_comm),
	S("minerwatch.process.exec_path", K_PROC, proc_exec_path),
	N("minerwatch.process.loginuid", K_PROC, proc_loginuid),
	S("event.action", K_NET, net_action),
	S("network.direction", K_NET, net_direction),
	S("network.transport", K_NET, net_transport),
	A("destination.ip", K_NET, net_dst_ip),
	N("destination.port", K_NET, net_dst_port),
	S("destination.domain", K_NET, net_domain),
	A("source.ip", K_NET, net_src_ip),
	N("source.port", K_NET, net_src_port),
	S("minerwatch.net.stratum.method", K_NET, net_method),
	S("minerwatch.net.stratum.agent", K_NET, net_agent),
	S("minerwatch.net.socket.family", K_NET, net_sock_family),
	S("minerwatch.net.socket.type", K_NET, net_sock_type),
	N("minerwatch.net.hosts", K_NET, net_hosts),
	N("minerwatch.net.ports", K_NET, net_ports),
	N("minerwatch.net.connections", K_NET, net_count),
	B("minerwatch.net.loopback", K_NET, net_loopback),
};
/* clang-format on */

#define N_FIELDS ((int)(sizeof(field_table) / sizeof(field_table[0])))

const struct field *fields__find(const char *name)
{
	int i;

	for (i = 0; i < N_FIELDS; i++)
		if (strcmp(field_table[i].name, name) == 0)
			return &field_table[i];
	return NULL;
}

int fields__count(void)
{
	return N_FIELDS;
}

const struct field *fields__at(int idx)
{
	if (idx < 0 || idx >= N_FIELDS)
		return NULL;
	return &field_table[idx];
}

const char *field_type__str(enum field_type t)
{
	switch (t) {
	case FIELD_STR:
		return "string";
	case FIELD_STRS:
		return "string list";
	case FIELD_NUM:
		return "number";
	case FIELD_BOOL:
		return "boolean";
	case FIELD_IP:
		return "ip";
	}
	return "?";
}

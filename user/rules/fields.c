/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fields.c - the field table: which values of a decoded event the rules can
 * test. To add fields for a new event kind, write getters below and add rows
 * to field_table[]; the rule engine needs no change.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/types.h>

#include "events.h"
#include "rules/fields.h"
#include "model/net_event.h"
#include "model/file_event.h"
#include "rules/file_homes.h"
#include "model/behaviour_event.h"
#include "model/proc_name.h"
#include "model/content_event.h"

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

/* process.name when the process is that system program, else unset. */
static const char *proc_system_name(const struct mw_event *ev)
{
	return proc_name__system(ev->proc);
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

/* YARA rules the executable's bytes matched (content verdict events). */
static int proc_signatures(const struct mw_event *ev, int i, const char **out)
{
	if (!ev->content || i >= ev->content->n_sigs)
		return 0;
	*out = ev->content->sigs[i];
	return 1;
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

/* Write-sealed memfd (false for anything that is not a memfd). */
static int proc_memfd_sealed(const struct mw_event *ev, int64_t *out)
{
	*out = (ev->proc->flags & MW_PROC_MEMFD_SEALED) ||
	       (ev->kind == MW_KIND_EXEC &&
		(ev->exec_flags & MW_EXEC_MEMFD_SEALED));
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

/* Names of ancestors that are system programs (proc_name__system()). */
static int ancestors_system_name(const struct mw_event *ev, int i,
				 const char **out)
{
	const struct mw_process *p = ancestor_at(ev, i);

	if (!p)
		return 0;
	*out = proc_name__system(p);
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

static const char *net_sni(const struct mw_event *ev)
{
	return ev->net->sni[0] ? ev->net->sni : NULL;
}

static const char *net_ja4(const struct mw_event *ev)
{
	return ev->net->ja4[0] ? ev->net->ja4 : NULL;
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

/* --- file: the changed file (kind MW_KIND_FILE) ------------------------ */

#define FS_IMMUTABLE_FL 0x00000010
#define FS_APPEND_FL 0x00000020

static const char *file_path(const struct mw_event *ev)
{
	return ev->file ? ev->file->path : NULL;
}

static const char *file_target_path(const struct mw_event *ev)
{
	return ev->file ? ev->file->target_path : NULL;
}

static const char *file_name(const struct mw_event *ev)
{
	return ev->file ? ev->file->name : NULL;
}

static const char *file_action(const struct mw_event *ev)
{
	return ev->file ? ev->file->action : NULL;
}

static int file_size_before(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file || ev->file->size_before < 0)
		return -ENOENT;
	*out = ev->file->size_before;
	return 0;
}

static int file_size_after(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file || ev->file->size_after < 0)
		return -ENOENT;
	*out = ev->file->size_after;
	return 0;
}

/*
 * Content was cut: a truncation to a smaller size, or to any size when the
 * size before is unknown (an O_TRUNC open): assume the worst.
 */
static int file_shrunk(const struct mw_event *ev, int64_t *out)
{
	const struct mw_file_info *f = ev->file;

	if (!f)
		return -ENOENT;
	*out = f->size_after >= 0 &&
	       (f->size_before < 0 || f->size_after < f->size_before);
	return 0;
}

static int file_mode(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file || !ev->file->mode)
		return -ENOENT;
	*out = ev->file->mode & 07777;
	return 0;
}

/* Runnable: x bits in a chmod's new mode or a regular file's mode. */
static int file_executable(const struct mw_event *ev, int64_t *out)
{
	uint32_t m = ev->file ? ev->file->mode : 0;

	if (!m)
		return -ENOENT;
	*out = (m & 0111) && (!(m & S_IFMT) || S_ISREG(m));
	return 0;
}

static int file_immutable(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file || ev->file->op != MW_FILE_OP_CHATTR)
		return -ENOENT;
	*out = !!(ev->file->attr & FS_IMMUTABLE_FL);
	return 0;
}

static int file_append_only(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file || ev->file->op != MW_FILE_OP_CHATTR)
		return -ENOENT;
	*out = !!(ev->file->attr & FS_APPEND_FL);
	return 0;
}

/* --- behaviour: weak signals added up (model/behaviour_event.h) -------- */

static int beh_score(const struct mw_event *ev, int64_t *out)
{
	if (!ev->behaviour)
		return -ENOENT;
	*out = ev->behaviour->score;
	return 0;
}

static int beh_cpu_pct(const struct mw_event *ev, int64_t *out)
{
	if (!ev->behaviour)
		return -ENOENT;
	*out = ev->behaviour->cpu_pct;
	return 0;
}

static int beh_evidence(const struct mw_event *ev, int i, const char **out)
{
	if (!ev->behaviour || i >= ev->behaviour->n_evidence)
		return 0;
	*out = ev->behaviour->evidence[i];
	return 1;
}

/* event.action: what the sensor saw (file and network events). */
static const char *ev_action(const struct mw_event *ev)
{
	if (ev->behaviour)
		return "behaviour";
	if (ev->net)
		return net_action(ev);
	return file_action(ev);
}

/*
 * Directly in an account's home (shell startup files count there only):
 * the path, or the name a rename or link gives the file.
 */
static int file_in_home(const struct mw_event *ev, int64_t *out)
{
	const struct mw_file_info *f = ev->file;

	if (!f)
		return -ENOENT;
	*out = file_homes__in_home(f->path) ||
	       ((f->op == MW_FILE_OP_RENAME || f->op == MW_FILE_OP_LINK) &&
		file_homes__in_home(f->target_path));
	return 0;
}

/*
 * Only the target was watched: for a symlink, its contents point into a
 * watched place while the link itself lies elsewhere (a backup copy).
 */
static int file_target_only(const struct mw_event *ev, int64_t *out)
{
	if (!ev->file)
		return -ENOENT;
	*out = !!(ev->file->flags & MW_FILE_MATCH_TARGET);
	return 0;
}

/*
 * An existing file opened write-only without O_APPEND or O_TRUNC: its
 * contents are rewritten in place (a log edited without shrinking).
 */
static int file_overwrite(const struct mw_event *ev, int64_t *out)
{
	const struct mw_file_info *f = ev->file;

	if (!f || f->op != MW_FILE_OP_WRITE)
		return -ENOENT;
	*out = (f->open_flags & 03 /* O_ACCMODE */) == 01 /* O_WRONLY */ &&
	       !(f->flags & MW_FILE_APPEND);
	return 0;
}

/* --- the table ---------------------------------------------------------- */

/* Row helpers: name, the kinds it exists for (K_EXEC | K_NET ...), getter. */
#define K_EXEC FIELD_KIND(MW_KIND_EXEC)
#define K_FILE FIELD_KIND(MW_KIND_FILE)
#define K_NET FIELD_KIND(MW_KIND_NET)
#define K_BEH FIELD_KIND(MW_KIND_BEHAVIOUR)
/* Process fields exist for every kind: each event has a process. */
#define PROC (K_EXEC | K_FILE | K_NET | K_BEH)
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
	S("process.executable", PROC, proc_exe),
	S("process.name", PROC, proc_name),
	S("process.command_line", PROC, proc_cmdline),
	L("process.args", PROC, proc_args),
	N("process.args_count", PROC, proc_args_count),
	S("process.argv0", PROC, proc_argv0),
	S("process.working_directory", PROC, proc_cwd),
	N("process.pid", PROC, proc_pid),
	N("process.user.id", PROC, proc_euid),
	N("process.real_user.id", PROC, proc_uid),
	N("process.real_group.id", PROC, proc_gid),
	/* The pre-ECS name of the same value: rule files written for it. */
	N("process.group.id", PROC, proc_gid),
	S("process.parent.executable", PROC, parent_exe),
	S("process.parent.name", PROC, parent_name),
	S("process.parent.command_line", PROC, parent_cmdline),
	L("process.parent.args", PROC, parent_args),
	N("process.parent.pid", PROC, parent_pid),
	L("process.ancestors.name", PROC, ancestors_name),
	L("minerwatch.process.ancestors.system_name", PROC,
	  ancestors_system_name),
	L("process.ancestors.executable", PROC, ancestors_exe),
	L("minerwatch.process.ancestors.exec_path", PROC, ancestors_exec_path),
	S("process.hash.sha256", PROC, proc_sha256),
	L("minerwatch.process.signatures", PROC, proc_signatures),
	S("container.id", PROC, container_id),
	B("minerwatch.process.memfd", PROC, proc_memfd),
	B("minerwatch.process.memfd_sealed", PROC, proc_memfd_sealed),
	B("minerwatch.process.deleted", PROC, proc_deleted),
	S("minerwatch.process.comm", PROC, proc_comm),
	S("minerwatch.process.exec_path", PROC, proc_exec_path),
	S("minerwatch.process.system_name", PROC, proc_system_name),
	N("minerwatch.process.loginuid", PROC, proc_loginuid),
	S("event.action", K_NET | K_FILE | K_BEH, ev_action),
	N("minerwatch.behaviour.score", K_BEH, beh_score),
	L("minerwatch.behaviour.evidence", K_BEH, beh_evidence),
	N("minerwatch.behaviour.cpu.pct", K_BEH, beh_cpu_pct),
	S("network.direction", K_NET, net_direction),
	S("network.transport", K_NET, net_transport),
	A("destination.ip", K_NET, net_dst_ip),
	N("destination.port", K_NET, net_dst_port),
	S("destination.domain", K_NET, net_domain),
	A("source.ip", K_NET, net_src_ip),
	N("source.port", K_NET, net_src_port),
	S("minerwatch.net.stratum.method", K_NET, net_method),
	S("minerwatch.net.stratum.agent", K_NET, net_agent),
	S("tls.client.server_name", K_NET, net_sni),
	S("minerwatch.net.tls.ja4", K_NET, net_ja4),
	S("minerwatch.net.socket.family", K_NET, net_sock_family),
	S("minerwatch.net.socket.type", K_NET, net_sock_type),
	N("minerwatch.net.hosts", K_NET, net_hosts),
	N("minerwatch.net.ports", K_NET, net_ports),
	N("minerwatch.net.connections", K_NET, net_count),
	B("minerwatch.net.loopback", K_NET, net_loopback),
	S("file.path", K_FILE, file_path),
	S("file.target_path", K_FILE, file_target_path),
	S("file.name", K_FILE, file_name),
	N("minerwatch.file.size_before", K_FILE, file_size_before),
	N("minerwatch.file.size_after", K_FILE, file_size_after),
	B("minerwatch.file.shrunk", K_FILE, file_shrunk),
	N("minerwatch.file.mode", K_FILE, file_mode),
	B("minerwatch.file.executable", K_FILE, file_executable),
	B("minerwatch.file.immutable", K_FILE, file_immutable),
	B("minerwatch.file.append_only", K_FILE, file_append_only),
	B("minerwatch.file.in_home", K_FILE, file_in_home),
	B("minerwatch.file.overwrite", K_FILE, file_overwrite),
	B("minerwatch.file.target_only", K_FILE, file_target_only),
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

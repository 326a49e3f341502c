/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * events.h - the one definition of what crosses the ring buffers.
 *
 * Included by the BPF programs (clang -target bpf, with vmlinux.h) and by
 * the userspace daemon (gcc, with <stdint.h>), so it uses only the kernel's
 * fixed-width __u8/__u16/__u32/__u64 names and includes nothing itself.
 * Userspace _Static_asserts the sizes (user/sensors/decode.c) so a layout drift
 * breaks the build, not the data.
 *
 * Every record starts with struct mw_hdr; variable-length strings follow the
 * fixed part in data[] as consecutive NUL-terminated strings whose lengths
 * (without the NUL) are given in the fixed part.
 */
#ifndef MW_EVENTS_H
#define MW_EVENTS_H

#define MW_PATH_MAX	4096	/* longest path we resolve, NUL included */
#define MW_ARGS_MAX	4096	/* argv bytes copied, NULs included */
#define MW_NAME_MAX	256	/* one path component (NAME_MAX + 1) */
#define MW_DENY_NAME	32	/* key length of the exec deny-by-name map */
#define MW_COMM_LEN	16	/* TASK_COMM_LEN */
#define MW_PATH_DEPTH	64	/* components walked before giving up */

/* Record type tags: the first field of every record. */
enum mw_event_type {
	MW_EV_EXEC = 1,		/* struct mw_exec_event */
	MW_EV_FORK = 2,		/* struct mw_fork_event */
	MW_EV_EXIT = 3,		/* struct mw_exit_event */
	MW_EV_FILE = 4,		/* struct mw_file_event */
	MW_EV_NET = 5,		/* reserved: network sensor */
	MW_EV_DENY = 16,	/* struct mw_deny_event (BPF-LSM refusals) */
};

/* Flags of struct mw_exec_event.flags. */
enum mw_exec_flags {
	MW_EXEC_MEMFD = 1 << 0,		/* executable is a memfd (fileless) */
	MW_EXEC_DELETED = 1 << 1,	/* executable file has no links left */
	MW_EXEC_ARGS_TRUNC = 1 << 2,	/* argv longer than MW_ARGS_MAX */
	MW_EXEC_EXE_TRUNC = 1 << 3,	/* exe path deeper/longer than limits */
	MW_EXEC_CWD_TRUNC = 1 << 4,	/* cwd path deeper/longer than limits */
	MW_EXEC_DENIED = 1 << 5,	/* matched an in-kernel deny entry */
	MW_EXEC_KILLED = 1 << 6,	/* SIGKILL sent in the kernel (enforce) */
	MW_EXEC_FILENAME_TRUNC = 1 << 7, /* execve filename truncated */
	/*
	 * Refused at lsm/bprm_check_security: execve failed with EPERM and
	 * the caller still runs its old image. hdr is the caller; exe and
	 * filename are the program refused; argv is not readable there.
	 */
	MW_EXEC_REFUSED = 1 << 8,
	/* memfd sealed against writes (F_SEAL_WRITE or F_SEAL_FUTURE_WRITE) */
	MW_EXEC_MEMFD_SEALED = 1 << 9,
};

/*
 * Per-CPU counters (map mw_stats, one __u64 slot each). Userspace sums the
 * CPUs and reports deltas as state events: nothing is lost silently.
 */
enum mw_stat {
	MW_STAT_EXEC_SEEN,	/* exec tracepoint hits */
	MW_STAT_FORK_SEEN,	/* new processes (threads excluded) */
	MW_STAT_EXIT_SEEN,	/* process (thread group) exits */
	MW_STAT_EVENTS_SENT,	/* records written to mw_events */
	MW_STAT_EVENTS_LOST,	/* mw_events full: record dropped */
	MW_STAT_ALERTS_SENT,	/* records written to mw_alerts */
	MW_STAT_ALERTS_LOST,	/* mw_alerts full: record dropped */
	MW_STAT_EXEC_KILLED,	/* in-kernel SIGKILL at exec succeeded */
	MW_STAT_EXEC_KILL_FAILED, /* bpf_send_signal() failed */
	MW_STAT_SELF_FILTERED,	/* events of the daemon itself dropped */
	MW_STAT_FILE_SEEN,	/* file ops considered (after cheap checks) */
	MW_STAT_FILE_FILTERED,	/* ... of which no watch entry matched */
	MW_STAT_NET_SEEN,	/* connect/sendmsg hook hits */
	MW_STAT_NET_FILTERED,	/* connects not reported (loopback, repeat) */
	MW_STAT_NET_BLOCKED,	/* connects refused in the kernel (enforce) */
	MW_STAT_NET_STRATUM,	/* flows where stratum was recognised */
	MW_STAT_NET_DROPPED,	/* stratum packets dropped (enforce) */
	MW_STAT_NET_FLOW_FULL,	/* flow table insert failed */
	MW_STAT_NET_DNS,	/* DNS answers sent to userspace */
	MW_STAT_SCOPE_FILTERED,	/* outside the --cgroup scope: dropped */
	MW_STAT_FILE_SENT,	/* file records handed to emit() */
	MW_STAT_FILE_PATH_TRUNC, /* a file path hit a depth/length limit */
	/* BPF-LSM refusals (bpf/lsm.bpf.c); fixed slots, clear of the above */
	MW_STAT_EXEC_REFUSED = 24,	/* execs refused with EPERM */
	MW_STAT_CONNECT_REFUSED = 25,	/* connects refused with EPERM */
	MW_STAT_FILE_REFUSED = 26,	/* writes/unlinks refused with EPERM */
	MW_STAT_NET_DNS_UNSOLICITED = 27, /* answers to no query we saw: dropped */
	MW_STAT_NET_DNS_LIMITED = 28,	/* answers over the rate limit: dropped */
	/* The file sensor's drops by cause (bpf/fold.bpf.h, file_record) */
	MW_STAT_FILE_FOLDED = 29,	/* repeats counted in mw_fold, not sent */
	MW_STAT_FILE_LOST = 30,		/* mw_findings full: file record lost */
	MW_STAT_FILE_UNREADABLE = 31,	/* fd or path string gone: not judged */
	/* mw_findings on its own (before: counted with mw_alerts) */
	MW_STAT_FINDINGS_SENT = 32,	/* records written to mw_findings */
	MW_STAT_FINDINGS_LOST = 33,	/* mw_findings full: record dropped */
	MW_STAT_FILE_LINKS_PENDING_FULL = 34, /* mw_file_links_pending full:
					 * a new link watched only once
					 * userspace judged it */
	/* The network sensor's flows and drops by cause (bpf/net_flow.bpf.h) */
	MW_STAT_NET_FLOWS = 48,		/* flows opened at their first payload */
	MW_STAT_NET_FLOW_UNOWNED = 49,	/* ... sent from softirq: no process */
	MW_STAT_NET_UNPARSED = 50,	/* payload headers not parsed: skipped */
	MW_STAT_NET_STRATUM_SPENT = 51,	/* flows read to the byte/packet budget */
	MW_STAT_NET_NO_SLOT = 52,	/* record slots all in use: not inspected */
	MW_STAT_EXEC_PATH_TRUNC = 53,	/* exe or cwd path cut at a walk limit */
	/* Stratum flows handed to userspace at the kernel's budget (counted
	 * ..._SPENT above), read on there (bpf/net_stratum_fwd.bpf.h): */
	MW_STAT_NET_STRATUM_FWD_SPENT = 58, /* forwarding budget spent too */
	MW_STAT_NET_STRATUM_FWD_LIMITED = 59, /* stopped at the rate limit */
	MW_STAT_NET_STRATUM_FWD_LOST = 60, /* stopped: mw_events full */
	MW_STAT_MAX = 64,	/* size of the map; keep the enum below it */
};

/* Settings that may change while running: one entry of map mw_config. */
struct mw_config {
	__u32 enforce;		/* 1: act (kill/block) in the kernel */
	__u32 self_tgid;	/* the daemon's host tgid: its events are dropped */
	__u32 active_gen;	/* programs whose mw_load_gen differs stay idle */
	__u32 scoped;		/* 1: only tasks under mw_cgroup_scope[0] count */
	/*
	 * The daemon's start (its group leader's start_boottime, ns): with
	 * self_tgid, what makes a task "us". Pinned programs outlive a crash
	 * and self_tgid with them; a process that gets that pid later has
	 * another start time and is watched. 0: unknown, tgid alone.
	 */
	__u64 self_start;
};

/* Flags of struct mw_deny.flags. */
enum mw_deny_flags {
	/*
	 * Refuse the operation (EPERM) where a BPF-LSM hook is loaded: a
	 * `deny` rule. Without it (a `kill` rule), or where BPF-LSM cannot
	 * load, the exec is killed at sched_process_exec instead.
	 */
	MW_DENY_REFUSE = 1 << 0,
	/* In a struct mw_deny_event only: detect mode, the operation went on. */
	MW_DENY_DETECT_ONLY = 1 << 8,
};

/* Value of every deny map (exec names and inodes, addresses, files). */
struct mw_deny {
	__u32 rule_idx;		/* index of the rule in the loaded rule set */
	__u32 rules_gen;	/* rule set generation that wrote the entry */
	__u32 flags;		/* enum mw_deny_flags */
};

/* Key of map mw_deny_inodes: an executable file identity. */
struct mw_inode_key {
	__u64 ino;		/* inode number */
	__u32 dev;		/* sb->s_dev, kernel encoding (MAJOR<<20|MINOR) */
	__u32 pad;		/* zero */
};

/* Common to every record: who did it, and when. */
struct mw_hdr {
	__u32 type;		/* enum mw_event_type */
	__u32 size;		/* bytes of the whole record, data[] included */
	__u64 ts_ns;		/* bpf_ktime_get_boot_ns() at the event */
	__u32 pid;		/* host tgid */
	__u32 tid;		/* host thread id */
	__u32 ppid;		/* host tgid of the real parent */
	__u32 ns_pid;		/* tgid inside the task's own pid namespace */
	__u32 uid;		/* real uid */
	__u32 gid;		/* real gid */
	__u32 euid;		/* effective uid */
	__u32 loginuid;		/* audit login uid, 0xffffffff when unset */
	__u64 start_ns;		/* task start_boottime, ns since boot */
	__u64 cgroup_id;	/* cgroup v2 id of the task (0 if none) */
	__u32 pidns;		/* pid namespace inode number */
	__u32 mntns;		/* mount namespace inode number */
	char comm[MW_COMM_LEN];	/* task comm, NUL-terminated */
};

/* A successful execve: sched_process_exec. */
struct mw_exec_event {
	struct mw_hdr hdr;
	__u32 flags;		/* enum mw_exec_flags */
	__s32 kill_err;		/* bpf_send_signal() result when attempted */
	__u32 deny_rule;	/* rule index when MW_EXEC_DENIED */
	__u32 exe_dev;		/* executable sb->s_dev (kernel encoding) */
	__u64 exe_ino;		/* executable inode number */
	__u32 argc;		/* argument count reported by the kernel */
	__u16 exe_len;		/* strlen of the exe path in data[] */
	__u16 args_len;		/* bytes of argv in data[], NULs included */
	__u16 cwd_len;		/* strlen of the cwd path */
	__u16 filename_len;	/* strlen of the path given to execve */
	__u16 pad[2];
	/*
	 * exe path NUL, argv (NUL-separated, args_len bytes), cwd NUL,
	 * filename NUL. exe is the file the kernel runs (for a #! script, the
	 * interpreter, as /proc/PID/exe shows); filename is the string given
	 * to execve (for a script, the script), possibly relative to cwd.
	 */
	char data[];
};

/* A new process (not a thread): sched_process_fork. hdr is the child. */
struct mw_fork_event {
	struct mw_hdr hdr;
};

/* A process (thread group) ended: sched_process_exit of the leader. */
struct mw_exit_event {
	struct mw_hdr hdr;
	__s32 exit_code;	/* task->exit_code (wait status encoding) */
	__u32 pad;
};

/* What a struct mw_net_event reports (its kind field). */
enum mw_net_kind {
	MW_NET_CONNECT = 1,	/* connect(), or sendto/sendmsg to a new peer */
	MW_NET_ACCEPT = 2,	/* inbound TCP connection established */
	MW_NET_STRATUM = 3,	/* mining protocol in an outbound TCP flow */
	MW_NET_DNS = 4,		/* a DNS answer arrived: message in data[] */
	MW_NET_RAW = 5,		/* first packet sent on a raw/packet socket */
	MW_NET_TLS = 6,		/* TLS ClientHello: its first bytes in data[] */
	/* A flow still undecided at the kernel's stratum budget, handed over
	 * (bpf/net_stratum_fwd.bpf.h): FWD_START carries the parser's state
	 * (struct stratum_scan) in data[], the next records the flow's next
	 * payload bytes, FWD_END says the forwarding budget is spent. */
	MW_NET_STRATUM_FWD = 7,
};

/* Flags of struct mw_net_event.flags. */
enum mw_net_flags {
	MW_NET_BLOCKED = 1 << 0,	/* connect refused in the kernel */
	MW_NET_BLOCK_MATCH = 1 << 1,	/* matched a block entry (any mode) */
	MW_NET_DROPPED = 1 << 2,	/* stratum flow cut in the kernel */
	MW_NET_SENDMSG = 1 << 3,	/* from sendto/sendmsg, not connect */
	MW_NET_LOOPBACK = 1 << 4,	/* destination is a loopback address */
	MW_NET_DATA_TRUNC = 1 << 5,	/* data[] holds only the first bytes */
	MW_NET_FWD_START = 1 << 6,	/* STRATUM_FWD: data[] is the parser */
	MW_NET_FWD_GAP = 1 << 7,	/* STRATUM_FWD: bytes after these unread */
	MW_NET_FWD_END = 1 << 8,	/* STRATUM_FWD: budget spent, no more */
};

/* Stratum methods recognised (struct mw_net_event.method). */
enum mw_stratum_method {
	MW_STRATUM_NONE = 0,
	MW_STRATUM_LOGIN = 1,		/* XMRig/cryptonote "login" + "agent" */
	MW_STRATUM_SUBSCRIBE = 2,	/* mining.subscribe (stratum v1) */
	MW_STRATUM_AUTHORIZE = 3,	/* mining.authorize */
	MW_STRATUM_SUBMIT = 4,		/* submit / mining.submit */
	MW_STRATUM_KEEPALIVED = 5,	/* keepalived (XMRig keepalive) */
};

#define MW_NET_DATA_MAX 512	/* DNS message / payload bytes copied */

/* Settings of the network sensor: one entry of map mw_net_config. */
struct mw_net_config {
	__u32 stratum_drop;	/* 1: cut stratum flows when enforcing */
	__u32 report_loopback;	/* 1: report connects to loopback too */
	__u32 stratum_budget;	/* payload packets inspected per flow */
	__u32 pad;
};

/* Value of the connect block maps (ports, v4/v6 prefixes). */
struct mw_net_block {
	__u32 rule_idx;		/* index of the block rule */
	__u32 rules_gen;	/* rule set generation that wrote the entry */
};

/* Keys of the LPM-trie block maps. */
struct mw_lpm_v4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct mw_lpm_v6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * A network event. Addresses are in network byte order in the first 4
 * (AF_INET) or 16 (AF_INET6) bytes; ports in host order; 0 when unknown.
 */
struct mw_net_event {
	struct mw_hdr hdr;
	__u8 kind;		/* enum mw_net_kind */
	__u8 transport;		/* IPPROTO_TCP, IPPROTO_UDP, or 0 */
	__u8 method;		/* enum mw_stratum_method (MW_NET_STRATUM) */
	__u8 pad0;
	__u16 family;		/* AF_INET or AF_INET6 (the address family) */
	__u16 sock_family;	/* socket's family: AF_PACKET for packet */
	__u16 sock_type;	/* SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, ... */
	__u16 sport;		/* source port */
	__u16 dport;		/* destination port */
	__u16 data_len;		/* bytes in data[] */
	__u32 flags;		/* enum mw_net_flags */
	__u32 rule_idx;		/* block entry's rule when BLOCK_MATCH */
	__u32 rules_gen;	/* and its rule set generation */
	__u32 pad1;
	__u64 cookie;		/* socket cookie (0 when unknown) */
	__u8 saddr[16];		/* source address */
	__u8 daddr[16];		/* destination address */
	/* DNS: the DNS message; STRATUM, TLS: the first payload bytes. */
	char data[];
};


/*
 * Key of map mw_fold (bpf/fold.bpf.h): one process, one kind of finding,
 * one object. Records that were folded carry their key so userspace can
 * read the pair's count from the map.
 */
struct mw_fold_key {
	__u32 tgid;		/* host tgid */
	__u32 kind;		/* sensor's choice: MW_FOLD_KIND(type, sub) */
	__u64 start_ns;		/* the leader's start_boottime (pid reuse) */
	__u64 obj;		/* object: an inode number, or a hash */
	__u64 obj2;		/* more of it: a device, a second hash */
};

/* Default window of the fold: one record per pair and second at most. */
#define MW_FOLD_WINDOW_NS 1000000000ULL

#define MW_FOLD_KIND(type, sub) (((__u32)(type) << 16) | (__u32)(sub))

/* Value of map mw_fold. */
struct mw_fold_val {
	__u64 pending;		/* repeats folded since the last record */
	__u64 last_ns;		/* boot ns of the last record sent; 0: none */
};

/* What the drain (bpf/fold.bpf.c) writes to mw_fold_out for each pair. */
struct mw_fold_drained {
	struct mw_fold_key key;
	__u64 count;		/* repeats no record has carried */
};

/* Operations of struct mw_file_event.op (event.action in the reports). */
enum mw_file_op {
	MW_FILE_OP_WRITE = 1,	/* opened for writing (append included) */
	MW_FILE_OP_CREATE = 2,	/* opened with O_CREAT and created */
	MW_FILE_OP_TRUNC_OPEN = 3, /* opened with O_TRUNC */
	MW_FILE_OP_TRUNCATE = 4, /* truncate(2) / ftruncate(2) */
	MW_FILE_OP_RENAME = 5,	/* rename*(2): path is the source */
	MW_FILE_OP_UNLINK = 6,	/* unlink*(2), unlinkat(AT_REMOVEDIR) */
	MW_FILE_OP_LINK = 7,	/* link*(2): path is the new name */
	MW_FILE_OP_SYMLINK = 8,	/* symlink*(2): path is the new name */
	MW_FILE_OP_CHMOD = 9,	/* chmod family */
	MW_FILE_OP_CHOWN = 10,	/* chown family */
	MW_FILE_OP_CHATTR = 11,	/* ioctl FS_IOC_SETFLAGS */
	/* fallocate(2) modes that destroy content in place (attr: the mode) */
	MW_FILE_OP_PUNCH_HOLE = 12, /* FALLOC_FL_PUNCH_HOLE: range zeroed */
	MW_FILE_OP_COLLAPSE = 13, /* FALLOC_FL_COLLAPSE_RANGE: range cut out */
	MW_FILE_OP_ZERO_RANGE = 14, /* FALLOC_FL_ZERO_RANGE: range zeroed */
	/* (15-19 left for operations of the kernel entry paths) */
	MW_FILE_OP_MOUNT = 20,	/* mount(2), move_mount(2): path is the
				 * mount point, target a bind's source,
				 * attr the MS_* or MOVE_MOUNT_* flags */
	MW_FILE_OP_MAX,
};

/* Flags of struct mw_file_event.flags. */
enum mw_file_flags {
	MW_FILE_PATH_TRUNC = 1 << 0,	/* path cut by a depth/length limit */
	MW_FILE_TARGET_TRUNC = 1 << 1,	/* target cut likewise */
	MW_FILE_LEXICAL = 1 << 2,	/* path from the caller's string (joined
					 * to the dirfd or cwd when relative):
					 * userspace normalizes "." and ".." */
	MW_FILE_TARGET_LEXICAL = 1 << 3, /* same for the target */
	MW_FILE_MATCH_PREFIX = 1 << 4,	/* kernel filter: path prefix */
	MW_FILE_MATCH_NAME = 1 << 5,	/* kernel filter: file name */
	MW_FILE_MATCH_DIR = 1 << 6,	/* kernel filter: parent dir name */
	MW_FILE_MATCH_TARGET = 1 << 7,	/* the target matched, not the path */
	MW_FILE_APPEND = 1 << 8,	/* opened with O_APPEND */
	MW_FILE_SIZE_BEFORE = 1 << 9,	/* size_before is known */
	MW_FILE_SIZE_AFTER = 1 << 10,	/* size_after is known */
	MW_FILE_MATCH_UNSURE = 1 << 11,	/* kernel filter: the string has ".",
					 * ".." or "//" components, which only
					 * userspace normalizes: sent anyway */
	MW_FILE_PROC_ROOT = 1 << 12,	/* path is a string through another
					 * task's /proc/PID/root, as given:
					 * userspace follows it (sent whatever
					 * the filter says) */
	MW_FILE_TARGET_PROC_ROOT = 1 << 13, /* same for the target */
	MW_FILE_ANCHORED = 1 << 14,	/* path rebased on a watched object's
					 * identity (map mw_file_anchors): the
					 * caller named it differently, its
					 * view follows in data[] (seen_len) */
	MW_FILE_UNCONFIRMED = 1 << 15,	/* sent when the operation was asked
					 * for, before it ran (io_uring with
					 * IOSQE_CQE_SKIP_SUCCESS posts no
					 * result): it may have failed */
	MW_FILE_SYMLINK_OUT = 1 << 16,	/* a symlink matched by nothing, sent
					 * for its contents (absolute or
					 * climbing with ".."): userspace keeps
					 * it when they name a watched place
					 * (user/kernel/file_aliases.c) */
	MW_FILE_MATCH_LINK = 1 << 17,	/* kernel filter: only a symlink made
					 * a moment ago and not judged yet
					 * (mw_file_links_pending) matched:
					 * userspace drops the record unless
					 * the link became an alias */
	MW_FILE_LINK_RENAMED = 1 << 18,	/* a rename of such a link: the kernel
					 * watches its new name (target) the
					 * same way until this record is read */
};

/*
 * In the value of an mw_file_prefixes entry (beside the rule set's
 * generation): every rule the entry was made for wants an executable
 * (minerwatch.file.executable == true, e.g. the drop rules on /tmp), so
 * the kernel sends a record under it only when the mode has an x bit.
 */
#define MW_WATCH_EXEC_ONLY (1u << 31)

/* Kind of a watch entry (value of the watch maps, a bit set). */
enum mw_watch_kind {
	MW_WATCH_PREFIX = 1 << 0,	/* LPM entry: a directory, recursive */
	MW_WATCH_EXACT = 1 << 1,	/* LPM entry ending in NUL: one path */
	MW_WATCH_NAME = 1 << 2,		/* file name anywhere */
	MW_WATCH_DIR = 1 << 3,		/* any file directly in a dir so named */
};

#define MW_WATCH_KEY	256	/* bytes of path an LPM watch key holds */
#define MW_WATCH_NAME	32	/* key length of the name maps */

/*
 * Value of map mw_file_links_pending (key: "LINK/", an mw_watch_key): a
 * symbolic link the kernel watches until userspace has judged it.
 */
struct mw_link_pending {
	__u32 made_s; /* CLOCK_MONOTONIC second it was made (for the sweep) */
	__u32 len;    /* the link's length: its entry, not one above it */
};

/* Key of map mw_file_prefixes (LPM trie): prefixlen in bits, then path. */
struct mw_watch_key {
	__u32 prefixlen;
	char path[MW_WATCH_KEY];
};

/*
 * A change to a watched file. The path is absolute: resolved from the
 * kernel objects (dentries and mounts) when the syscall left a struct file
 * to resolve, else built from the dirfd's (or cwd's) resolved path plus the
 * string the caller passed (MW_FILE_LEXICAL).
 */
struct mw_file_event {
	struct mw_hdr hdr;
	__u32 op;		/* enum mw_file_op */
	__u32 flags;		/* enum mw_file_flags */
	__s64 size_before;	/* bytes before a truncation (see flags) */
	__s64 size_after;	/* bytes after it */
	__u64 ino;		/* inode, when resolved from a kernel object */
	__u32 dev;		/* its sb->s_dev (kernel encoding) */
	__u32 mode;		/* chmod: new mode; open: i_mode */
	__u32 uid;		/* chown: new uid (0xffffffff: unchanged) */
	__u32 gid;		/* chown: new gid (0xffffffff: unchanged) */
	__u32 open_flags;	/* open: O_* flags given by the caller */
	__u32 attr;		/* chattr: the FS_*_FL flags set;
				 * fallocate: the FALLOC_FL_* mode */
	__u32 fmode;		/* open: file->f_mode */
	__u16 path_len;		/* strlen of path in data[] */
	__u16 target_len;	/* strlen of target (rename/link), 0 if none */
	__u16 seen_len;		/* strlen of the caller's view of path, 0 if
				 * the same (MW_FILE_ANCHORED) */
	__u16 tseen_len;	/* strlen of the caller's view of target, 0
				 * if the same (MW_FILE_ANCHORED) */
	__u32 pad2;		/* zero; the fold key is 8-aligned */
	/*
	 * The fold (bpf/fold.bpf.h): this record's pair, and the occurrences
	 * it stands for (1 + the repeats folded since the pair's last record).
	 */
	struct mw_fold_key fold;
	__u64 fold_count;
	/* path NUL, [target NUL], [seen NUL], [target's seen NUL] */
	char data[];
};

#define MW_FILE_DATA_MAX (3 * MW_PATH_MAX)

/*
 * Value of map mw_file_anchors (key: struct mw_inode_key of a directory or
 * file): a watched place, its ancestors and near descendants as the
 * daemon's mount namespace names them. A path walk that crosses a mount
 * whose root is one of these objects is rebased on this path, whatever
 * name the caller used (chroot, bind mount, /proc/PID/root).
 */
struct mw_file_anchor {
	__u32 gen;		/* load generation (for pruning) */
	__u16 len;		/* strlen(path); 0 for "/" */
	__u16 flags;		/* enum mw_anchor_flags */
	char path[MW_WATCH_KEY]; /* without a trailing '/'; "" for "/" */
};

/* Flags of struct mw_file_anchor. */
enum mw_anchor_flags {
	MW_ANCHOR_WATCHED = 1 << 0,	/* a watched path itself (not only an
					 * ancestor or a child of one) */
};


/* Key of map mw_deny_net4: an IPv4 prefix (LPM trie). */
struct mw_net4_key {
	__u32 prefixlen;	/* bits of addr that must match, 0..32 */
	__u8 addr[4];		/* network byte order */
};

/* Key of map mw_deny_net6: an IPv6 prefix (LPM trie). */
struct mw_net6_key {
	__u32 prefixlen;	/* 0..128 */
	__u8 addr[16];
};

/* What a struct mw_deny_event refused. */
enum mw_deny_op {
	MW_DENY_OP_CONNECT = 1,	/* lsm/socket_connect */
	MW_DENY_OP_OPEN_WRITE = 2, /* lsm/file_open with write access */
	MW_DENY_OP_TRUNCATE = 3, /* lsm/path_truncate */
	MW_DENY_OP_UNLINK = 4,	/* lsm/path_unlink */
	MW_DENY_OP_RENAME = 5,	/* lsm/path_rename (either side) */
	MW_DENY_OP_CREATE = 6,	/* lsm/path_mknod in a protected dir */
};

/*
 * A connect or file operation a BPF-LSM hook refused with EPERM (sent to
 * mw_alerts). Refused execs are struct mw_exec_event with MW_EXEC_REFUSED.
 */
struct mw_deny_event {
	struct mw_hdr hdr;
	__u32 op;		/* enum mw_deny_op */
	__u32 deny_rule;	/* rule index from the map entry */
	__u32 deny_flags;	/* the map entry's flags */
	__u16 family;		/* connect: AF_INET or AF_INET6 */
	__u16 port;		/* connect: destination port, host order */
	__u8 addr[16];		/* connect: destination, network order */
	__u64 ino;		/* file: inode the entry matched */
	__u32 dev;		/* file: its sb->s_dev (kernel encoding) */
	__u16 path_len;		/* file: strlen of the path in data[] */
	__u16 name_len;		/* file: strlen of the name after it */
	/*
	 * file: path NUL name NUL. For open/truncate the path is the file
	 * and name is empty; for unlink/create/rename the path is the
	 * directory and name the entry in it.
	 */
	char data[];
};

/* Room for one exec record: fixed part plus the three strings. */
#define MW_EXEC_DATA_MAX (3 * MW_PATH_MAX + MW_ARGS_MAX)

#endif /* MW_EVENTS_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - where minerwatch starts: the command line, merged with the
 * config file (app/config.c) over the built-in defaults, then one thing
 * done. The one-shot commands (--check-rules, --check-config, --status,
 * --detach-all, --features, --version) run here and exit; otherwise the
 * settings go to monitor__run() (app/monitor.c), the event loop that drives
 * the stages in the order a record travels: kernel/ (load, attach, maps),
 * sensors/ (decode), model/ (processes), rules/, respond/, report/ and
 * output/. main() only dispatches; exit codes are listed in --help.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config.h"
#include "app/control.h"
#include "kernel/loader.h"
#include "kernel/kernel_features.h"
#include "app/monitor.h"
#include "identify/content.h"
#include "identify/yara_rules.h"
#include "respond/quarantine.h"
#include "rules/rules.h"
#include "handover/handover.h"
#include "triage/triage.h"

#define DEFAULT_RULES "/etc/minerwatch/rules"

static const char usage[] =
    "Usage: minerwatch [OPTIONS]\n"
    "Realtime eBPF monitor that catches cryptominer intrusions and stops "
    "them.\n"
    "\n"
    "  -r, --rules PATH        rule file or directory (repeatable; default\n"
    "                          " DEFAULT_RULES ", else ./rules)\n"
    "  -e, --enforce           kill/block what rules say (default: detect "
    "only)\n"
    "      --detect            detect only, even if the config file enforces\n"
    "  -E, --events            also stream raw process events (exec, exit)\n"
    "  -o, --output SPEC       stdout | file:PATH | unix:PATH |\n"
    "                          syslog+tcp://HOST:PORT | "
    "syslog+udp://HOST:PORT\n"
    "                          (repeatable; default stdout)\n"
    "  -s, --stats-interval N  seconds between health state events (default "
    "60,\n"
    "                          0 disables; range 0-86400)\n"
    "      --cgroup PATH       watch only this cgroup v2 subtree (filtered in\n"
    "                          the kernel), e.g. a pod's cgroup\n"
    "      --pin-dir PATH      pin programs and maps in bpffs here so "
    "enforcement\n"
    "                          survives restarts, and adopt a previous "
    "daemon's\n"
    "                          (e.g. " LOADER_DEFAULT_PIN_DIR ")\n"
    "      --no-pin            do not pin (overrides the config file)\n"
    "      --control PATH      root-only control socket (e.g.\n"
    "                          " CONTROL_DEFAULT_PATH ")\n"
    "      --spool-dir PATH    where outputs spool when a sink is down\n"
    "      --ring-size RING=SIZE  bytes of a kernel ring: events (default "
    "2M),\n"
    "                          alerts (512K) or findings (1M); a power of two,\n"
    "                          64K-1G (repeatable)\n"
    "      --config PATH       config file (default " CONFIG_DEFAULT_PATH ",\n"
    "                          read when present); the command line wins\n"
    "      --no-config         ignore the config file\n"
    "      --check-config      validate the config file (and its rules), "
    "exit\n"
    "      --status            print the running daemon's counters (JSON) "
    "and exit\n"
    "      --detach-all        remove the pinned programs and maps, exit\n"
    "  -a, --aggregate-window N  seconds during which repeats of one rule on "
    "one\n"
    "                          process are folded into a summary (default 10,\n"
    "                          range 1-3600)\n"
    "  -c, --check-rules PATH  validate rule files (and a directory's yara/) "
    "and\n"
    "                          exit (repeatable)\n"
    "      --deny-connect SPEC refuse connects to ADDR[/BITS] or :PORT "
    "(enforce;\n"
    "                          needs BPF-LSM; repeatable)\n"
    "      --protect-path PATH refuse writes, truncation, unlink and rename "
    "of PATH\n"
    "                          (a file, or a directory's entries; enforce; "
    "needs\n"
    "                          BPF-LSM; repeatable)\n"
    "      --yara PATH         YARA rule file or directory for content "
    "identity\n"
    "                          (repeatable; default: each rules directory's\n"
    "                          yara/)\n"
    "      --quarantine-dir DIR  where enforce mode moves executables a "
    "content\n"
    "                          or hash rule killed (default\n"
    "                          " QUARANTINE_DEFAULT_DIR ")\n"
    "      --quarantine-under DIR  quarantine only files below DIR\n"
    "      --no-content        no content identity (no SHA-256, no YARA)\n"
    "      --content-max-size MIB  files above are not read (default 64,\n"
    "                          range 1-4096)\n"
    "      --content-cache N   verdicts cached by file identity (default "
    "1024,\n"
    "                          range 16-1048576)\n"
    "      --content-workers N threads that hash and scan (default 1, "
    "1-16)\n"
    "      --no-unpack         do not scan a packed program's running image\n"
    "      --restore ID        put quarantined file ID back (with\n"
    "                          --quarantine-dir when not the default), exit\n"
    "      --features          print what this kernel allows and the hooks "
    "chosen\n"
    "  -v, --verbose           diagnostics and libbpf messages on stderr\n"
    "  -V, --version           print the version and exit (with -v, also "
    "the\n"
    "                          kernel features, as --features)\n"
    "  -h, --help              this text\n"
    "\n"
    "Signals: SIGTERM/SIGINT detach and exit 0 (with --pin-dir the pinned\n"
    "programs stay attached and keep enforcing); SIGHUP reloads the rules (a "
    "bad\n"
    "rule set is refused and the running one kept).\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime error, 2 usage, 3 rules refused,\n"
    "4 environment (not root, no BTF/BPF, load or attach failed), 5 output,\n"
    "6 config file refused.\n"
    "\n"
    "Examples:\n"
    "  minerwatch --rules rules/                      detect, JSON on stdout\n"
    "  minerwatch --enforce --output file:/var/log/minerwatch.json\n"
    "  minerwatch --check-rules rules/ --check-rules extra.json\n"
    "  minerwatch --config /etc/minerwatch/minerwatch.json --check-config\n"
    "  minerwatch --cgroup /sys/fs/cgroup/kubepods.slice/... --enforce\n"
    "  minerwatch --status\n"
    "  minerwatch --restore 20261202T001500Z-9c10c46476fe-1234\n"
    "\n"
    "Other commands (see each one's --help):\n"
    "  minerwatch triage [--json]   look at a host that may be owned already\n"
    "  minerwatch report EVENTS... -o incident.html|report.txt\n"
    "                               the stream as a page or a text report\n";

/* The YARA files of each checked directory's yara/ folder; -1: refused. */
static int check_yara(const char **paths, int n)
{
	const char *dirs[MW_MAX_PATHS];
	char buf[MW_MAX_PATHS][PATH_MAX], err[1024] = "";
	struct yara_set *ys = NULL;
	int i, nd = 0, files = 0, ret;

	for (i = 0; i < n; i++) {
		snprintf(buf[nd], PATH_MAX, "%s/yara", paths[i]);
		if (access(buf[nd], F_OK) == 0)
			dirs[nd] = buf[nd], nd++;
	}
	if (!nd || yara_rules__init())
		return 0;
	ret = yara_rules__compile(dirs, nd, &ys, &files, err, sizeof(err));
	if (ret)
		fprintf(stderr, "minerwatch: %s\n", err);
	else
		ret = yara_rules__count(ys);
	yara_rules__put(ys);
	yara_rules__fini();
	return ret < 0 ? -1 : ret;
}

static int check_rules(const char **paths, int n)
{
	struct rules *rs = NULL;
	char err[1024] = "";
	int yara;

	if (rules__load(paths, n, &rs, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_RULES;
	}
	yara = check_yara(paths, n);
	if (yara >= 0)
		printf("%d rules OK, %d YARA rules OK\n", rules__count(rs),
		       yara);
	rules__free(rs);
	return yara < 0 ? MW_EXIT_RULES : MW_EXIT_OK;
}

/* --restore ID: a quarantined file back where it was. */
static int restore(const char *dir, const char *id)
{
	char msg[PATH_MAX + 256];
	int ret = quarantine__restore(dir, id, msg, sizeof(msg));

	fprintf(ret ? stderr : stdout, "minerwatch: %s\n", msg);
	return ret ? MW_EXIT_RUNTIME : MW_EXIT_OK;
}

static int detach_all(const char *pin_dir)
{
	char err[1024] = "";
	int n = loader__detach_all(pin_dir, err, sizeof(err));

	if (n < 0) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_RUNTIME;
	}
	printf("removed %d pins under %s\n", n, pin_dir);
	return MW_EXIT_OK;
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

enum {
	OPT_CGROUP = 256,
	OPT_PIN_DIR,
	OPT_NO_PIN,
	OPT_CONTROL,
	OPT_SPOOL_DIR,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_CHECK_CONFIG,
	OPT_STATUS,
	OPT_DETACH_ALL,
	OPT_DETECT,
	OPT_YARA,
	OPT_QDIR,
	OPT_QUNDER,
	OPT_RESTORE,
	OPT_NO_CONTENT,
	OPT_NO_UNPACK,
	OPT_CONTENT_MAX,
	OPT_CONTENT_CACHE,
	OPT_CONTENT_WORKERS,
	OPT_RING_SIZE,
};

/* What main() was asked to do besides running the daemon. */
struct cli {
	struct monitor_opts o; /* options given on the command line */
	unsigned set;	       /* their CONFIG_* bits */
	const char *config;    /* config file; NULL: none */
	bool config_given;     /* --config: a missing file is an error */
	bool check_config, status, detach_all;
	bool version, features; /* --version (-v: with features), --features */
	const char *check[MW_MAX_PATHS];
	int n_check;
	const char *restore; /* --restore ID */
};

static const char shortopts[] = "r:eEo:s:a:c:vVh";
static const struct option longopts[] = {
    {"rules", required_argument, NULL, 'r'},
    {"enforce", no_argument, NULL, 'e'},
    {"events", no_argument, NULL, 'E'},
    {"output", required_argument, NULL, 'o'},
    {"stats-interval", required_argument, NULL, 's'},
    {"check-rules", required_argument, NULL, 'c'},
    {"verbose", no_argument, NULL, 'v'},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {"aggregate-window", required_argument, NULL, 'a'},
    {"cgroup", required_argument, NULL, OPT_CGROUP},
    {"pin-dir", required_argument, NULL, OPT_PIN_DIR},
    {"no-pin", no_argument, NULL, OPT_NO_PIN},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"spool-dir", required_argument, NULL, OPT_SPOOL_DIR},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"no-config", no_argument, NULL, OPT_NO_CONFIG},
    {"check-config", no_argument, NULL, OPT_CHECK_CONFIG},
    {"status", no_argument, NULL, OPT_STATUS},
    {"detach-all", no_argument, NULL, OPT_DETACH_ALL},
    {"detect", no_argument, NULL, OPT_DETECT},
    {"deny-connect", required_argument, NULL, 'D'},
    {"protect-path", required_argument, NULL, 'P'},
    {"features", no_argument, NULL, 'F'},
    {"yara", required_argument, NULL, OPT_YARA},
    {"quarantine-dir", required_argument, NULL, OPT_QDIR},
    {"quarantine-under", required_argument, NULL, OPT_QUNDER},
    {"restore", required_argument, NULL, OPT_RESTORE},
    {"no-content", no_argument, NULL, OPT_NO_CONTENT},
    {"no-unpack", no_argument, NULL, OPT_NO_UNPACK},
    {"content-max-size", required_argument, NULL, OPT_CONTENT_MAX},
    {"content-cache", required_argument, NULL, OPT_CONTENT_CACHE},
    {"content-workers", required_argument, NULL, OPT_CONTENT_WORKERS},
    {"ring-size", required_argument, NULL, OPT_RING_SIZE},
    {0},
};

/* One more value of a repeatable option (at most MW_MAX_PATHS of each). */
static int add_repeatable(const char **list, int *n, const char *arg)
{
	if (*n == MW_MAX_PATHS) {
		fprintf(stderr,
			"minerwatch: at most %d of each repeatable option\n",
			MW_MAX_PATHS);
		return MW_EXIT_USAGE;
	}
	list[(*n)++] = arg;
	return MW_EXIT_OK;
}

/* --NAME's value: a number of seconds in lo..hi. */
static int parse_seconds(const char *name, const char *arg, int lo, int hi,
			 int *out)
{
	if (parse_int(arg, lo, hi, out)) {
		fprintf(stderr,
			"minerwatch: --%s: '%s' is not a number of seconds in "
			"%d-%d\n",
			name, arg, lo, hi);
		return MW_EXIT_USAGE;
	}
	return MW_EXIT_OK;
}

/*
 * --ring-size RING=SIZE: RING is events, alerts or findings, SIZE bytes
 * with an optional K or M suffix, a power of two from 64K to 1G (a ring
 * buffer is a power of two of pages).
 */
static int parse_ring_size(const char *arg, uint32_t *bytes)
{
	static const char *const names[] = {"events", "alerts", "findings"};
	const char *eq = strchr(arg, '=');
	unsigned long long v;
	char *end;
	int i;

	for (i = 0; eq && i < 3; i++) {
		if (strlen(names[i]) != (size_t)(eq - arg) ||
		    strncmp(arg, names[i], eq - arg))
			continue;
		errno = 0;
		v = strtoull(eq + 1, &end, 10);
		if (*end == 'K' || *end == 'k')
			v <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		if (errno || *end || end == eq + 1 || v < (64u << 10) ||
		    v > (1u << 30) || (v & (v - 1)))
			break;
		bytes[i] = (uint32_t)v;
		return MW_EXIT_OK;
	}
	fprintf(stderr,
		"minerwatch: --ring-size: '%s' is not events|alerts|findings="
		"SIZE (a power of two, 64K-1G)\n",
		arg);
	return MW_EXIT_USAGE;
}

/*
 * An option that sets the daemon up (a field of struct monitor_opts); all
 * but --deny-connect and --protect-path can come from the config file too,
 * so their CONFIG_* bit records that the command line gave them. Returns
 * MW_EXIT_OK, MW_EXIT_USAGE, or -ENOENT when ch is not such an option.
 */
static int parse_setting(struct cli *c, int ch, const char *arg)
{
	struct monitor_opts *o = &c->o;
	int ret = MW_EXIT_OK;
	unsigned bit;

	switch (ch) {
	case 'r':
		ret = add_repeatable(o->rule_paths, &o->n_rule_paths, arg);
		bit = CONFIG_RULES;
		break;
	case 'e':
	case OPT_DETECT:
		o->enforce = ch == 'e';
		bit = CONFIG_ENFORCE;
		break;
	case 'E':
		o->events = true;
		bit = CONFIG_EVENTS;
		break;
	case 'o':
		ret = add_repeatable(o->outputs, &o->n_outputs, arg);
		bit = CONFIG_OUTPUTS;
		break;
	case 's':
		ret = parse_seconds("stats-interval", arg, 0, 86400,
				    &o->stats_interval);
		bit = CONFIG_STATS;
		break;
	case 'a':
		ret = parse_seconds("aggregate-window", arg, 1, 3600,
				    &o->aggregate_window);
		bit = CONFIG_AGGREGATE;
		break;
	case 'v':
		o->verbose = true;
		bit = CONFIG_VERBOSE;
		break;
	case OPT_CGROUP:
		o->cgroup = arg;
		bit = CONFIG_CGROUP;
		break;
	case OPT_PIN_DIR:
	case OPT_NO_PIN:
		o->pin_dir = ch == OPT_PIN_DIR ? arg : NULL;
		bit = CONFIG_PIN;
		break;
	case OPT_CONTROL:
		o->control = arg;
		bit = CONFIG_CONTROL;
		break;
	case OPT_SPOOL_DIR:
		o->spool_dir = arg;
		bit = CONFIG_SPOOL;
		break;
	case 'D':
		return add_repeatable(o->deny_connect, &o->n_deny_connect, arg);
	case 'P':
		return add_repeatable(o->protect_paths, &o->n_protect_paths,
				      arg);
	case OPT_YARA:
		return add_repeatable(o->yara_paths, &o->n_yara_paths, arg);
	case OPT_QDIR:
		o->quarantine_dir = arg;
		return MW_EXIT_OK;
	case OPT_QUNDER:
		o->quarantine_under = arg;
		return MW_EXIT_OK;
	case OPT_RING_SIZE:
		return parse_ring_size(arg, o->ring_bytes);
	default:
		return -ENOENT;
	}
	if (ret == MW_EXIT_OK)
		c->set |= bit;
	return ret;
}

/* --NAME's value: a count in lo..hi. */
static int parse_count(const char *name, const char *arg, int lo, int hi,
		       int *out)
{
	if (parse_int(arg, lo, hi, out)) {
		fprintf(stderr,
			"minerwatch: --%s: '%s' is not a whole number in "
			"%d-%d\n",
			name, arg, lo, hi);
		return MW_EXIT_USAGE;
	}
	return MW_EXIT_OK;
}

/*
 * The content worker's options (config keys content, content_unpack,
 * content_max_size_mb, content_cache, content_workers). As parse_setting.
 */
static int parse_content(struct cli *c, int ch, const char *arg)
{
	struct monitor_opts *o = &c->o;
	int ret = MW_EXIT_OK;
	unsigned bit;

	switch (ch) {
	case OPT_NO_CONTENT:
		o->content_off = true;
		bit = CONFIG_CONTENT;
		break;
	case OPT_NO_UNPACK:
		o->unpack_off = true;
		bit = CONFIG_UNPACK;
		break;
	case OPT_CONTENT_MAX:
		ret = parse_count("content-max-size", arg,
				  CONTENT_MAX_SIZE_MB_LO,
				  CONTENT_MAX_SIZE_MB_HI, &o->content_max_mb);
		bit = CONFIG_CONTENT_MAX;
		break;
	case OPT_CONTENT_CACHE:
		ret = parse_count("content-cache", arg, CONTENT_CACHE_LO,
				  CONTENT_CACHE_HI, &o->content_cache);
		bit = CONFIG_CONTENT_CACHE;
		break;
	case OPT_CONTENT_WORKERS:
		ret = parse_count("content-workers", arg, CONTENT_WORKERS_LO,
				  CONTENT_WORKERS_HI, &o->content_workers);
		bit = CONFIG_CONTENT_WORKERS;
		break;
	default:
		return -ENOENT;
	}
	if (ret == MW_EXIT_OK)
		c->set |= bit;
	return ret;
}

/*
 * An option that says what main() does instead of (or before) running the
 * daemon, or where the config file is. Returns MW_EXIT_OK, MW_EXIT_USAGE,
 * or -ENOENT when ch is not such an option. --help exits here.
 */
static int parse_action(struct cli *c, int ch, const char *arg)
{
	switch (ch) {
	case 'c':
		return add_repeatable(c->check, &c->n_check, arg);
	case 'V':
		c->version = true;
		break;
	case 'F':
		c->features = true;
		break;
	case 'h':
		fputs(usage, stdout);
		exit(MW_EXIT_OK);
	case OPT_CONFIG:
	case OPT_NO_CONFIG:
		c->config = ch == OPT_CONFIG ? arg : NULL;
		c->config_given = ch == OPT_CONFIG;
		break;
	case OPT_CHECK_CONFIG:
		c->check_config = true;
		break;
	case OPT_STATUS:
		c->status = true;
		break;
	case OPT_DETACH_ALL:
		c->detach_all = true;
		break;
	case OPT_RESTORE:
		c->restore = arg;
		break;
	default:
		return -ENOENT;
	}
	return MW_EXIT_OK;
}

/* The command line into c: MW_EXIT_OK, or MW_EXIT_USAGE with a message. */
static int parse_args(int argc, char **argv, struct cli *c)
{
	int ch, ret;

	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) !=
	       -1) {
		ret = parse_setting(c, ch, optarg);
		if (ret == -ENOENT)
			ret = parse_content(c, ch, optarg);
		if (ret == -ENOENT)
			ret = parse_action(c, ch, optarg);
		if (ret == -ENOENT) {
			fputs(usage, stderr);
			return MW_EXIT_USAGE;
		}
		if (ret != MW_EXIT_OK)
			return ret;
	}
	if (optind < argc) {
		fprintf(stderr, "minerwatch: unexpected argument '%s'\n",
			argv[optind]);
		return MW_EXIT_USAGE;
	}
	return MW_EXIT_OK;
}

/* --check-config's content part: the settings, then the YARA rules. */
static int check_config_content(const struct cli *c,
				const struct monitor_opts *o)
{
	int yara;

	if (o->content_off) {
		printf("%s: content scanning off\n", c->config);
		return MW_EXIT_OK;
	}
	yara = o->n_yara_paths ? 0
				 : check_yara((const char **)o->rule_paths,
					      o->n_rule_paths);
	if (yara < 0) {
		fprintf(stderr, "minerwatch: %s: key 'rules': YARA rules "
				"refused\n", c->config);
		return MW_EXIT_RULES;
	}
	printf("%s: content scanning on (%d YARA rules, files up to %d MiB, "
	       "%d cached verdicts, %d workers, packed images %s)\n",
	       c->config, yara,
	       o->content_max_mb ? o->content_max_mb
				 : (int)(CONTENT_DEFAULT_MAX_SIZE >> 20),
	       o->content_cache ? o->content_cache : CONTENT_DEFAULT_CACHE,
	       o->content_workers ? o->content_workers : 1,
	       o->unpack_off ? "not scanned" : "scanned");
	return MW_EXIT_OK;
}

/* --check-config: the file itself, then what it points at. */
static int check_config(const struct cli *c, const struct monitor_opts *o)
{
	struct rules *rs = NULL;
	char err[1024] = "";

	if (o->cgroup && access(o->cgroup, F_OK)) {
		fprintf(stderr, "minerwatch: %s: key 'cgroup': %s: %s\n",
			c->config, o->cgroup, strerror(errno));
		return MW_EXIT_CONFIG;
	}
	if (rules__load(o->rule_paths, o->n_rule_paths, &rs, err,
			sizeof(err))) {
		fprintf(stderr, "minerwatch: %s: key 'rules': %s\n", c->config,
			err);
		return MW_EXIT_RULES;
	}
	printf("%s: OK (%d rules, %d outputs, mode %s)\n", c->config,
	       rules__count(rs), o->n_outputs ? o->n_outputs : 1,
	       o->enforce ? "enforce" : "detect");
	rules__free(rs);
	return check_config_content(c, o);
}

/* --status: ask the running daemon over its control socket. */
static int query_status(const char *path)
{
	char err[1024] = "";

	if (control__query(path, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_RUNTIME;
	}
	return MW_EXIT_OK;
}

/*
 * The settings the daemon runs with, into o: built-in defaults (as main()
 * set them), then the config file, then the command line. Strings in o may
 * point into *cfg, which the caller frees once o is no longer used. Returns
 * MW_EXIT_OK, or the exit code with a message on stderr.
 */
static int merge_settings(struct cli *c, struct monitor_opts *o,
			  struct config **cfg)
{
	char err[1024] = "";
	unsigned file_set = 0;
	int ret;

	if (c->config) {
		ret = config__load(c->config, o, &file_set, cfg, err,
				   sizeof(err));
		/* Only the default file may be absent. */
		if (ret == -ENOENT && !c->config_given && !c->check_config) {
			c->config = NULL;
		} else if (ret) {
			fprintf(stderr, "minerwatch: config refused: %s\n",
				err);
			return MW_EXIT_CONFIG;
		}
	} else if (c->check_config) {
		fprintf(stderr, "minerwatch: --check-config needs a config "
				"file\n");
		return MW_EXIT_USAGE;
	}
	config__overlay(o, &c->o, c->set);
	/* Command line only (not config keys): what BPF-LSM refuses. */
	memcpy(o->deny_connect, c->o.deny_connect, sizeof(o->deny_connect));
	o->n_deny_connect = c->o.n_deny_connect;
	memcpy(o->protect_paths, c->o.protect_paths, sizeof(o->protect_paths));
	o->n_protect_paths = c->o.n_protect_paths;
	/* Command line only too: content rules and the quarantine. */
	memcpy(o->yara_paths, c->o.yara_paths, sizeof(o->yara_paths));
	o->n_yara_paths = c->o.n_yara_paths;
	o->quarantine_dir = c->o.quarantine_dir;
	o->quarantine_under = c->o.quarantine_under;
	memcpy(o->ring_bytes, c->o.ring_bytes, sizeof(o->ring_bytes));
	if (!o->n_rule_paths)
		o->rule_paths[o->n_rule_paths++] =
		    access(DEFAULT_RULES, F_OK) == 0 ? DEFAULT_RULES : "rules";
	return MW_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct cli c = {.config = CONFIG_DEFAULT_PATH};
	struct monitor_opts o = {.stats_interval = 60, .aggregate_window = 10};
	struct config *cfg = NULL;
	int ret;

	/* Subcommands: their own options, no daemon. */
	if (argc > 1 && strcmp(argv[1], "triage") == 0)
		return triage__main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return handover__main(argc - 1, argv + 1);
	ret = parse_args(argc, argv, &c);
	if (ret)
		return ret;
	if (c.version) {
		printf("minerwatch %s\n", MW_VERSION);
		if (!c.o.verbose)
			return MW_EXIT_OK;
		c.features = true;
	}
	if (c.features)
		return features__print() ? MW_EXIT_RUNTIME : MW_EXIT_OK;
	if (c.n_check)
		return check_rules(c.check, c.n_check);
	if (c.restore)
		return restore(c.o.quarantine_dir, c.restore);
	ret = merge_settings(&c, &o, &cfg);
	if (ret)
		return ret;

	if (c.check_config)
		ret = check_config(&c, &o);
	else if (c.status)
		ret =
		    query_status(o.control ? o.control : CONTROL_DEFAULT_PATH);
	else if (c.detach_all)
		ret =
		    detach_all(o.pin_dir ? o.pin_dir : LOADER_DEFAULT_PIN_DIR);
	else
		ret = monitor__run(&o);
	config__free(cfg);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - command line and lifecycle only; the daemon is in monitor.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel_features.h"
#include "monitor.h"
#include "rules.h"

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
    "  -E, --events            also stream raw process events (exec, exit)\n"
    "  -o, --output SPEC       stdout | file:PATH | unix:PATH |\n"
    "                          syslog+tcp://HOST:PORT | "
    "syslog+udp://HOST:PORT\n"
    "                          (repeatable; default stdout)\n"
    "  -s, --stats-interval N  seconds between health state events (default "
    "60,\n"
    "                          0 disables; range 0-86400)\n"
    "  -c, --check-rules PATH  validate rule files and exit (repeatable)\n"
    "      --deny-connect SPEC refuse connects to ADDR[/BITS] or :PORT "
    "(enforce;\n"
    "                          needs BPF-LSM; repeatable)\n"
    "      --protect-path PATH refuse writes, truncation, unlink and rename "
    "of PATH\n"
    "                          (a file, or a directory's entries; enforce; "
    "needs\n"
    "                          BPF-LSM; repeatable)\n"
    "      --features          print what this kernel allows and the hooks "
    "chosen\n"
    "  -v, --verbose           diagnostics and libbpf messages on stderr\n"
    "  -V, --version           print the version and exit (with -v, also "
    "the\n"
    "                          kernel features, as --features)\n"
    "  -h, --help              this text\n"
    "\n"
    "Signals: SIGTERM/SIGINT detach and exit 0; SIGHUP reloads the rules (a "
    "bad\n"
    "rule set is refused and the running one kept).\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime error, 2 usage, 3 rules refused,\n"
    "4 environment (not root, no BTF/BPF, load or attach failed), 5 output.\n"
    "\n"
    "Examples:\n"
    "  minerwatch --rules rules/                      detect, JSON on stdout\n"
    "  minerwatch --enforce --output file:/var/log/minerwatch.json\n"
    "  minerwatch --check-rules rules/ --check-rules extra.json\n";

static int check_rules(const char **paths, int n)
{
	struct rules *rs = NULL;
	char err[1024] = "";

	if (rules__load(paths, n, &rs, err, sizeof(err))) {
		fprintf(stderr, "minerwatch: %s\n", err);
		return MW_EXIT_RULES;
	}
	printf("%d rules OK\n", rules__count(rs));
	rules__free(rs);
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

int main(int argc, char **argv)
{
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
	    {"deny-connect", required_argument, NULL, 'D'},
	    {"protect-path", required_argument, NULL, 'P'},
	    {"features", no_argument, NULL, 'F'},
	    {0},
	};
	struct monitor_opts o = {.stats_interval = 60};
	const char *check[MW_MAX_PATHS];
	int n_check = 0, c;
	bool version = false, features = false;

	while ((c = getopt_long(argc, argv, "r:eEo:s:c:vVh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'r':
			if (o.n_rule_paths == MW_MAX_PATHS)
				goto too_many;
			o.rule_paths[o.n_rule_paths++] = optarg;
			break;
		case 'e':
			o.enforce = true;
			break;
		case 'E':
			o.events = true;
			break;
		case 'o':
			if (o.n_outputs == MW_MAX_PATHS)
				goto too_many;
			o.outputs[o.n_outputs++] = optarg;
			break;
		case 's':
			if (parse_int(optarg, 0, 86400, &o.stats_interval)) {
				fprintf(stderr,
					"minerwatch: --stats-interval: "
					"'%s' is not a number of seconds in "
					"0-86400\n",
					optarg);
				return MW_EXIT_USAGE;
			}
			break;
		case 'c':
			if (n_check == MW_MAX_PATHS)
				goto too_many;
			check[n_check++] = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'V':
			version = true;
			break;
		case 'F':
			features = true;
			break;
		case 'D':
			if (o.n_deny_connect == MW_MAX_PATHS)
				goto too_many;
			o.deny_connect[o.n_deny_connect++] = optarg;
			break;
		case 'P':
			if (o.n_protect_paths == MW_MAX_PATHS)
				goto too_many;
			o.protect_paths[o.n_protect_paths++] = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return MW_EXIT_OK;
		default:
			fputs(usage, stderr);
			return MW_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "minerwatch: unexpected argument '%s'\n",
			argv[optind]);
		return MW_EXIT_USAGE;
	}
	if (version) {
		printf("minerwatch %s\n", MW_VERSION);
		if (!o.verbose)
			return MW_EXIT_OK;
		features = true;
	}
	if (features)
		return features__print() ? MW_EXIT_RUNTIME : MW_EXIT_OK;
	if (n_check)
		return check_rules(check, n_check);
	if (!o.n_rule_paths)
		o.rule_paths[o.n_rule_paths++] =
		    access(DEFAULT_RULES, F_OK) == 0 ? DEFAULT_RULES : "rules";
	return monitor__run(&o);

too_many:
	fprintf(stderr, "minerwatch: at most %d of each repeatable option\n",
		MW_MAX_PATHS);
	return MW_EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_rules - libFuzzer target for the rule loader: any bytes as a rule
 * file must give a rule set or a clean error, never a crash or a leak.
 * Loaded rule sets are also evaluated against one exec event.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules/rules.h"

static char path[64];
static int fd = -1;

static int match(const struct rule *r, int idx, const struct mw_event *ev,
		 void *ctx)
{
	(void)r, (void)idx, (void)ev, (void)ctx;
	return 0;
}

static void deny_name(const char *name, int idx, void *ctx)
{
	(void)name, (void)idx, (void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *argv[] = {"xmrig", "-o", "stratum+tcp://pool:3333", NULL};
	struct mw_process p = {.pid = 42,
			       .exe = "/root/.x/xmrig",
			       .name = "xmrig",
			       .argv = argv,
			       .argc = 3,
			       .cmdline = "xmrig -o stratum+tcp://pool:3333",
			       .cwd = "/root/.x"};
	struct mw_event ev = {.kind = MW_KIND_EXEC, .proc = &p};
	const char *paths[] = {path};
	struct rules *rs = NULL;
	char err[1024];

	if (fd < 0) {
		snprintf(path, sizeof(path), "/tmp/mw-fuzz-rules.%d.json",
			 (int)getpid());
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			abort();
		fchmod(fd, 0644);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (rules__load(paths, 1, &rs, err, sizeof(err)) == 0) {
		rules__eval(rs, &ev, match, NULL);
		rules__exec_deny_names(rs, deny_name, NULL);
		rules__free(rs);
	} else if (!err[0]) {
		abort(); /* a refusal must say why */
	}
	return 0;
}

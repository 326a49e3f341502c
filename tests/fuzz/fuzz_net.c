// SPDX-License-Identifier: GPL-2.0-only
/*
 * fuzz_net - libFuzzer target for network records (MW_EV_NET: connects,
 * accepts, stratum payloads, DNS answers, raw sockets) through
 * net__decode() and the ECS network fields (report__net()): whatever the
 * bytes, decoding stays inside the record, every string it hands out is
 * NUL-terminated and the document serializes to one line of valid JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/net_event.h"
#include "report/report.h"
#include "sensors/net.h"

static struct net_state *ns;

static void learn(void *ctx, const char *name, int family, const uint8_t *addr)
{
	if (!name || strlen(name) > 255)
		abort();
}

static void check(const struct mw_net_info *info)
{
	json_t *doc = json_object(), *back;
	json_error_t jerr;
	char *line;

	if (!memchr(info->src_ip, '\0', sizeof(info->src_ip)) ||
	    !memchr(info->dst_ip, '\0', sizeof(info->dst_ip)) ||
	    !memchr(info->agent, '\0', sizeof(info->agent)))
		abort();
	report__net(doc, info, true);
	line = json_dumps(doc, JSON_COMPACT);
	if (!line || strchr(line, '\n'))
		abort();
	back = json_loads(line, 0, &jerr);
	if (!back)
		abort();
	json_decref(back);
	free(line);
	json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mw_net_info info;
	void *rec;

	if (!ns) {
		ns = net__new(NULL);
		report__init();
		if (!ns)
			abort();
	}
	rec = malloc(size ? size : 1); /* ring records are aligned copies */
	if (!rec)
		return 0;
	memcpy(rec, data, size);
	memset(&info, 0, sizeof(info));
	if (net__decode(ns, rec, size, &info, learn, NULL) == 0)
		check(&info);
	free(rec);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report_content.h - ECS documents for what the content worker found and
 * what was done with the file: signatures and digest on alerts, files
 * that could not be scanned, the quarantine.
 */
#ifndef MW_REPORT_CONTENT_H
#define MW_REPORT_CONTENT_H

#include <jansson.h>

#include "model/content_event.h"
#include "model/event.h"

struct rule;

/*
 * Add the content verdict to an alert: minerwatch.process.signatures,
 * file.hash.sha256 and minerwatch.content.* (scanned, cached, latency).
 */
void report_content__add(json_t *doc, const struct mw_content *c);

/* An event (action content_unscanned) saying why ev->content is unread. */
json_t *report_content__unscanned(const struct mw_event *ev);
/* The verdict on a scanned file (action content), for --events. */
json_t *report_content__event(const struct mw_event *ev);

/*
 * The quarantine act (event.action quarantine): file.path and
 * file.hash.sha256 of the file, where it went (id, stored, manifest), or
 * event.outcome failure with the reason. Any string may be NULL.
 */
json_t *report_content__quarantine(const struct mw_event *ev,
				   const struct rule *r, const char *path,
				   const char *id, const char *stored,
				   const char *manifest, const char *reason);

/* The file's identity went into the kernel deny map (or failed: err). */
json_t *report_content__deny(const struct mw_event *ev, const struct rule *r,
			     int err);

#endif /* MW_REPORT_CONTENT_H */

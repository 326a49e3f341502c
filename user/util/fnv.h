/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * util/fnv.h - FNV-1a, the one non-cryptographic hash of the daemon.
 *
 * A leaf helper any stage may include: hash-table buckets (aggregation,
 * DNS names, burst windows), entity ids and spool file names. The 64-bit
 * form makes entity ids (process.entity_id), so its output must never
 * change: ids are compared across /proc seeding and BPF records, and
 * spool file names must stay the same across restarts.
 */
#ifndef MW_UTIL_FNV_H
#define MW_UTIL_FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV32_INIT 2166136261u
#define FNV64_INIT 0xcbf29ce484222325ULL

/* Fold len bytes at data into h (start from FNV32_INIT, or a seed). */
static inline uint32_t fnv1a32(uint32_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

/* Fold a NUL-terminated string (NULL folds nothing). */
static inline uint32_t fnv1a32_str(uint32_t h, const char *s)
{
	while (s && *s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static inline uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	while (len--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

static inline uint64_t fnv1a64_str(uint64_t h, const char *s)
{
	while (s && *s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

#endif /* MW_UTIL_FNV_H */

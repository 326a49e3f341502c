/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * triage_jparse.h - systemd journal files read as bytes, for triage's
 * "what was wiped": the file header (sequence numbers, head and tail
 * times, the boot of the last entry), one entry's stamps, and the holes in
 * the entries of a journal directory (sequence numbers missing: a file
 * removed; a long silence while the host was up: the logger stopped).
 * Pure functions over untrusted bytes (no I/O, no allocation but the
 * caller's arrays), fuzzed by tests/fuzz/fuzz_triage_journal.c. The format
 * is systemd's JOURNAL_FILE_FORMAT (docs/JOURNAL_FILE_FORMAT.md there).
 */
#ifndef MW_TRIAGE_JPARSE_H
#define MW_TRIAGE_JPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TJ_HEADER_MIN 208  /* the header up to tail_entry_monotonic */
#define TJ_HEADER_READ 272 /* what we read: every field we know */
#define TJ_ENTRY_STAMPS 56 /* object header + seqnum..boot_id */
#define TJ_ARRAY_HEAD 24   /* object header + next array offset */

#define TJ_OBJECT_ENTRY 3
#define TJ_OBJECT_ENTRY_ARRAY 6
#define TJ_INCOMPAT_COMPACT (1u << 4) /* 32-bit entry array items */

struct tj_header {
	uint32_t compatible, incompatible;
	uint8_t state; /* 0 offline, 1 online, 2 archived */
	uint8_t seqnum_id[16], tail_boot_id[16];
	uint64_t header_size, arena_size;
	uint64_t n_entries, head_seqnum, tail_seqnum;
	uint64_t entry_array_offset;
	uint64_t head_realtime, tail_realtime, tail_monotonic; /* usec */
};

/*
 * Decode a file's first len bytes. 0, or -EINVAL when it is not a journal
 * (no "LPKSHHRH", too short, a header or arena that does not add up).
 */
int tjparse__header(const unsigned char *buf, size_t len, struct tj_header *h);

/* An entry array object at buf: *next and the item size (4 or 8). */
int tjparse__array(const unsigned char *buf, size_t len, bool compact,
		   uint64_t *size, uint64_t *next);

struct tj_entry {
	uint64_t seqnum, realtime, monotonic; /* usec */
	uint16_t boot;			      /* index in the caller's boot ids */
	uint16_t seqid;			      /* index in its seqnum ids */
};

/* An entry object's stamps (TJ_ENTRY_STAMPS bytes); boot id to boot_id. */
int tjparse__entry(const unsigned char *buf, size_t len, struct tj_entry *e,
		   uint8_t boot_id[16]);

struct tj_hole {
	uint16_t boot, seqid;
	uint64_t from_seq, to_seq;   /* the last before, the first after */
	uint64_t from_rt, to_rt;     /* their realtime stamps, usec */
	uint64_t from_mono, to_mono; /* and monotonic */
};

/*
 * Sequence numbers missing among e (one directory's files): consecutive
 * numbers of one seqnum id further apart than 2 (a failed write may cost
 * one). Sorts e by (seqid, seqnum). Up to max holes into out; the count
 * found (may exceed max).
 */
int tjparse__seq_holes(struct tj_entry *e, size_t n, struct tj_hole *out,
		       int max);

/*
 * Silences: consecutive entries of one boot whose monotonic stamps (the
 * host was running, not suspended) are gap_us or more apart. Sorts e by
 * (boot, monotonic). As above for out, max and the count.
 */
int tjparse__time_gaps(struct tj_entry *e, size_t n, uint64_t gap_us,
		       struct tj_hole *out, int max);

#endif /* MW_TRIAGE_JPARSE_H */
